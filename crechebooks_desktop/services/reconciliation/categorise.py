"""Categorising bank lines: a person's choice, a run of the rules, and learned suggestions.

Every bank line that is not a parent's payment gets an account from the
creche's chart (docs/RULES.md, Categorisation). A person categorises one
line (``categorise_line``), which the book remembers by the line's text key; a
run (``run``) takes the uncategorised lines and applies the bookkeeper's
rules first, then what was learned from earlier choices, and never touches
a line a person categorised. Each suggestion says why, in words.

The Reconciliation tab builds on: ``categorise_line``, ``clear``, ``run``,
``suggest``, ``categories_of``, ``learned``, ``forget_learned``. Their
signatures and result fields are stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.bank import BankLineRecord
from crechebooks_desktop.domain.categories import CategoryPart, NewPart
from crechebooks_desktop.domain.categorise import text_key, vat_inside
from crechebooks_desktop.domain.chart import AccountRecord
from crechebooks_desktop.domain.enums import BankLineStatus, CategorySource, VatType
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank.accounts_and_imports import require_line
from crechebooks_desktop.services.reconciliation.chart import require_account_code
from crechebooks_desktop.services.reconciliation.suggestions import (
    CategoriseRun,
    Suggestion,
    run,
    suggest,
)

__all__ = [
    "CategoriseRun",
    "CategorisedLine",
    "LearnedView",
    "Suggestion",
    "categories_of",
    "categorise_line",
    "clear",
    "forget_learned",
    "learned",
    "run",
    "suggest",
]

_FULL = 100


@dataclass(frozen=True, slots=True)
class CategorisedLine:
    """A bank line and its categories after a change.

    Attributes:
        line: the line, with its new status.
        parts: its categories, in order (none after ``clear``).
    """

    line: BankLineRecord
    parts: tuple[CategoryPart, ...]

    def as_json(self) -> dict[str, object]:
        """``{"line_id", "date", "amount_cents", "description", "status", "parts": [...]}``."""
        return {
            "line_id": self.line.id,
            "date": self.line.date.isoformat(),
            "amount_cents": self.line.amount_cents,
            "description": self.line.description,
            "status": self.line.status.value,
            "parts": [part.as_json() for part in self.parts],
        }


@dataclass(frozen=True, slots=True)
class LearnedView:
    """What the book learned: lines with this key went to this account, so often.

    Attributes:
        key: the text key (``domain.categorise.text_key``).
        account_code: the account's code.
        account_name: its name.
        vat_type: the VAT type last chosen with it.
        count: how many lines a person sent there.
        last_used: when the latest was.
    """

    key: str
    account_code: str
    account_name: str
    vat_type: VatType
    count: int
    last_used: dt.datetime

    def as_json(self) -> dict[str, object]:
        """``{"key", "account": {"code", "name"}, "vat", "count", "last_used"}``."""
        return {
            "key": self.key,
            "account": {"code": self.account_code, "name": self.account_name},
            "vat": self.vat_type.value,
            "count": self.count,
            "last_used": self.last_used.isoformat(),
        }


def _categorisable(uow: UnitOfWork, line_id: int) -> BankLineRecord:
    """The line, when a person may categorise it."""
    line = require_line(uow, line_id)
    if line.status is BankLineStatus.MATCHED:
        raise RuleViolation(
            f"bank line {line.id} is a parent's payment (matched); undo the match first "
            f"(crechebooks match undo {line.id})"
        )
    if line.status is BankLineStatus.SPLIT:
        parts = ", ".join(str(part.id) for part in uow.bank.parts_of(line.id))
        raise RuleViolation(f"bank line {line.id} was split; categorise its parts ({parts})")
    return line


def _given_parts(
    uow: UnitOfWork,
    line: BankLineRecord,
    account_code: str | None,
    parts: Sequence[tuple[str, int]] | None,
) -> list[tuple[AccountRecord, int]]:
    """(account, cents) for each part, checked against the line."""
    if (account_code is None) == (parts is None):
        raise RuleViolation("give either one account or the parts of a split, not both")
    if account_code is not None:
        return [(require_account_code(uow, account_code), line.amount_cents)]
    given = list(parts or ())
    if not given:
        raise RuleViolation("a split needs at least one part (account code and amount)")
    if line.amount_cents < 0 and all(cents > 0 for _code, cents in given):
        given = [(code, -cents) for code, cents in given]  # money out, typed without the minus
    for _code, cents in given:
        if cents == 0 or (cents > 0) != (line.amount_cents > 0):
            raise RuleViolation(
                f"each part must be {'more' if line.amount_cents > 0 else 'less'} than zero, "
                f"like the line's {format_rands(line.amount_cents)} (got {format_rands(cents)})"
            )
    total = sum(cents for _code, cents in given)
    if total != line.amount_cents:
        raise RuleViolation(
            f"the parts add up to {format_rands(total)}, not the line's "
            f"{format_rands(line.amount_cents)}"
        )
    return [(require_account_code(uow, code), cents) for code, cents in given]


def categorise_line(
    uow: UnitOfWork,
    actor: Actor,
    line_id: int,
    *,
    account_code: str | None = None,
    vat: VatType | None = None,
    parts: Sequence[tuple[str, int]] | None = None,
) -> CategorisedLine:
    """``categorise LINE_ID``: a person's choice of account (or split) for one line.

    It replaces whatever categorised the line before (a rule, a suggestion or
    an earlier choice), and is remembered by the line's text key so that a
    run can suggest the same account for lines like it.

    Args:
        uow: the transaction.
        actor: who chooses (needs to post money).
        line_id: the bank line.
        account_code: the one account the whole line goes to; or
        vat: the VAT type of every part (default: each account's own).
        parts: (account code, cents) for a split; the parts add up to the
            line (money out may be given without the minus).

    Returns:
        The line, CATEGORISED, with its parts (source USER_OVERRIDE, confidence 100).

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line or account.
        RuleViolation: the line is a parent's payment or was split; an
            archived account; both or neither of account and parts; parts
            that do not add up.
        PeriodLocked: the line is inside a reconciled and locked period.
    """
    audit.require(actor, Permission.POST_MONEY)
    line = _categorisable(uow, line_id)
    chosen = _given_parts(uow, line, account_code, parts)
    uow.bank.set_status(
        [line.id], BankLineStatus.CATEGORISED, f"cannot categorise bank line {line.id}"
    )
    before = uow.categories.parts_of([line.id]).get(line.id, ())
    reason = f"chosen by {actor.username}"
    new = [
        NewPart(
            account.id,
            cents,
            vat_type := (vat or account.vat_type),
            vat_inside(cents, vat_type, line.date),
            CategorySource.USER_OVERRIDE,
            _FULL,
            reason,
        )
        for account, cents in chosen
    ]
    uow.categories.remove([line.id])
    uow.categories.write({line.id: new}, actor.user_id)
    uow.categories.unremember_line(line.id)
    key = text_key(line.payer, line.description)
    if len(chosen) == 1 and key:  # a split teaches nothing about where such lines go
        uow.categories.remember(key, new[0].account_id, new[0].vat_type, line.id)
    written = tuple(
        _part(n, account, part)
        for n, ((account, _cents), part) in enumerate(zip(chosen, new, strict=True), start=1)
    )
    audit.record(
        uow,
        actor,
        "bank_line.categorise",
        "bank_line",
        line.id,
        {"status": line.status.value, "parts": [p.as_json() for p in before]},
        {"status": BankLineStatus.CATEGORISED.value, "parts": [p.as_json() for p in written]},
    )
    return CategorisedLine(line.with_status(BankLineStatus.CATEGORISED), written)


def _part(part_no: int, account: AccountRecord, new: NewPart) -> CategoryPart:
    return CategoryPart(part_no, account.id, account.code, account.name, *new[1:])


def clear(uow: UnitOfWork, actor: Actor, line_id: int) -> CategorisedLine:
    """``categorise clear``: take back a line's categorisation (also ``match undo``).

    Money out goes back to UNMATCHED. Money in goes back to REVIEW when
    matching decided about it before (so it is in the matching queue
    again), else to UNMATCHED. What a person's choice taught is forgotten.

    Args:
        uow: the transaction.
        actor: who takes it back (needs to post money).
        line_id: a categorised bank line.

    Returns:
        The line with its new status and no parts.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line.
        RuleViolation: the line is not categorised.
        PeriodLocked: the line is inside a reconciled and locked period.
    """
    audit.require(actor, Permission.POST_MONEY)
    line = require_line(uow, line_id)
    if line.status is not BankLineStatus.CATEGORISED:
        raise RuleViolation(f"bank line {line.id} is {line.status.value}, not categorised")
    status = BankLineStatus.UNMATCHED
    if line.amount_cents > 0 and uow.matching.latest([line.id]):
        status = BankLineStatus.REVIEW
    uow.bank.set_status([line.id], status, f"cannot clear the categories of bank line {line.id}")
    before = uow.categories.parts_of([line.id]).get(line.id, ())
    uow.categories.remove([line.id])
    uow.categories.unremember_line(line.id)
    audit.record(
        uow,
        actor,
        "bank_line.uncategorise",
        "bank_line",
        line.id,
        {"status": line.status.value, "parts": [p.as_json() for p in before]},
        {"status": status.value},
    )
    return CategorisedLine(line.with_status(status), ())


def categories_of(uow: UnitOfWork, line_ids: Sequence[int]) -> dict[int, tuple[CategoryPart, ...]]:
    """Each categorised line's parts, by line id (lines without categories are left out)."""
    return uow.categories.parts_of(line_ids)


def learned(uow: UnitOfWork) -> list[LearnedView]:
    """``categorise learned``: what people's choices taught, by key, most used account first."""
    accounts = {a.id: a for a in uow.chart.accounts()}
    views = [
        LearnedView(
            r.text_key,
            accounts[r.account_id].code,
            accounts[r.account_id].name,
            r.vat_type,
            r.count,
            r.last_used,
        )
        for r in uow.categories.remembered()
    ]
    return sorted(views, key=lambda v: (v.key, -v.count, v.account_code))


def forget_learned(uow: UnitOfWork, actor: Actor, key: str) -> int:
    """``categorise forget KEY``: stop suggesting from what was learned for a key.

    Args:
        uow: the transaction.
        actor: who forgets it (needs to post money).
        key: the key as ``categorise learned`` shows it (case and digits do not matter).

    Returns:
        How many remembered choices were forgotten.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: nothing is learned for the key.
    """
    audit.require(actor, Permission.POST_MONEY)
    wanted = text_key(None, key)
    forgotten = uow.categories.forget_key(wanted) if wanted else 0
    if not forgotten:
        raise NotFoundError(f"nothing is learned for {key!r} (see: crechebooks categorise learned)")
    audit.record(
        uow,
        actor,
        "category_memory.forget",
        "category_memory",
        wanted,
        None,
        {"key": wanted, "forgotten": forgotten},
    )
    return forgotten
