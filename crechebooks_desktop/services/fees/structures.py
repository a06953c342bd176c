"""Adding a fee structure and changing its amounts from a month on (issue 13).

A fee's amounts are dated versions: the monthly run bills a month at the
version in force on its first day. A change therefore starts on the 1st of a
month, and never rewrites what was billed: invoices already made keep their
own line amounts (they are not made again), so a change from a month whose
invoices exist applies to the months not yet invoiced and to no invoice made.

The versions stay in order: a change is from the latest change's month or
later; one from the same month replaces that change (correcting a scheduled
or a mistaken one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY, check_book_date
from crechebooks_desktop.domain.enums import FeeType
from crechebooks_desktop.domain.money import check_amount, format_rands
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import FeeRate, FeeTerms, StoredFee, fee_problems
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit

__all__ = [
    "FeeChanged",
    "FeeView",
    "add_fee",
    "change_fee",
    "fee_named",
    "list_fee_structures",
]

NAME_LENGTH = 200
"""The longest fee name (as a fees file allows)."""

_AMOUNT_WORDS = {
    "amount_cents": "amount",
    "registration_fee_cents": "registration fee",
    "re_registration_fee_cents": "re-registration fee",
}


def _rate_json(rate: FeeRate) -> dict[str, Any]:
    return {
        "effective_from": None
        if rate.effective_from == FIRST_BOOK_DAY
        else rate.effective_from.isoformat(),
        "amount_cents": rate.amount_cents,
        "registration_fee_cents": rate.registration_fee_cents,
        "re_registration_fee_cents": rate.re_registration_fee_cents,
    }


@dataclass(frozen=True, slots=True)
class FeeView:
    """A fee structure as a list shows it on a day.

    Attributes:
        current: the version in force on the day.
        scheduled: the next change after the day, if one is set.
        versions: every version, oldest first (the first from the start).
    """

    fee_id: int
    name: str
    fee_type: FeeType
    current: FeeRate
    scheduled: FeeRate | None
    versions: tuple[FeeRate, ...]

    @classmethod
    def of(cls, fee: StoredFee, today: dt.date) -> FeeView:
        """The view of a stored fee on ``today``."""
        return cls(
            fee.id,
            fee.terms.name,
            fee.terms.fee_type,
            fee.rate_on(today),
            fee.next_change(today),
            fee.versions,
        )

    def as_json(self) -> dict[str, Any]:
        """Plain values for ``--json`` (``effective_from`` null: from the start)."""
        return {
            "name": self.name,
            "fee_type": self.fee_type.value,
            "amount_cents": self.current.amount_cents,
            "registration_fee_cents": self.current.registration_fee_cents,
            "re_registration_fee_cents": self.current.re_registration_fee_cents,
            "effective_from": _rate_json(self.current)["effective_from"],
            "scheduled": None if self.scheduled is None else _rate_json(self.scheduled),
            "versions": [_rate_json(v) for v in self.versions],
        }


@dataclass(frozen=True, slots=True)
class FeeChanged:
    """What ``change_fee`` did.

    Attributes:
        before: the version that was in force from ``after.effective_from``
            (or the one it replaced, when ``replaced``).
        after: the new version.
        replaced: an earlier change from the same month was replaced.
        invoices_kept: monthly invoices already made from that month on for
            children on the fee; they keep their amounts.
    """

    name: str
    before: FeeRate
    after: FeeRate
    replaced: bool
    invoices_kept: int

    def as_json(self) -> dict[str, Any]:
        """Plain values for ``--json``."""
        return {
            "name": self.name,
            "before": _rate_json(self.before),
            "after": _rate_json(self.after),
            "replaced": self.replaced,
            "invoices_kept": self.invoices_kept,
        }


def list_fee_structures(uow: UnitOfWork, today: dt.date) -> list[FeeView]:
    """The creche's fee structures by name, each with its amounts on ``today``."""
    return [FeeView.of(fee, today) for fee in uow.roster.fees()]


def fee_named(uow: UnitOfWork, name: str) -> StoredFee:
    """The fee structure called ``name`` (any case).

    Raises:
        NotFoundError: the creche has none of that name.
    """
    wanted = name.strip().casefold()
    for fee in uow.roster.fees():
        if fee.terms.name.casefold() == wanted:
            return fee
    raise NotFoundError(f"no fee called {name.strip()!r} in this creche")


def _check_amounts(fee_type: FeeType, rate: FeeRate | FeeTerms) -> None:
    for field, words in _AMOUNT_WORDS.items():
        cents = getattr(rate, field)
        if cents is None:
            continue
        if cents < 0:
            raise RuleViolation(f"the {words} cannot be negative (got {format_rands(cents)})")
        check_amount(cents, f"the {words}")
    for problem in fee_problems(fee_type, rate.amount_cents):
        raise RuleViolation(f"the amount {problem}")


def add_fee(uow: UnitOfWork, actor: Actor, terms: FeeTerms) -> StoredFee:
    """Add a fee structure; its amounts apply from the start.

    Args:
        uow: the transaction.
        actor: who adds it (needs to manage the roster and fees).
        terms: its name, type and amounts (the amount blank for CUSTOM).

    Returns:
        The fee as stored.

    Raises:
        PermissionDenied: the actor may not change the roster and fees.
        RuleViolation: a blank, long or multi-line name, a name the creche
            already has (any case), a negative amount or one beyond the book's
            limit, an amount missing for its type or given for a CUSTOM fee.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    name = terms.name.strip()
    require_one_line(name, "the fee's name")
    if not name:
        raise RuleViolation("a fee needs a name")
    if len(name) > NAME_LENGTH:
        raise RuleViolation(f"a fee's name is at most {NAME_LENGTH} characters")
    taken = {fee.terms.name.casefold(): fee.terms.name for fee in uow.roster.fees()}
    if name.casefold() in taken:
        raise RuleViolation(f"the creche already has a fee called {taken[name.casefold()]!r}")
    terms = dataclasses.replace(terms, name=name)
    _check_amounts(terms.fee_type, terms)
    fee_id = uow.roster.add_fee_structure(
        name,
        terms.fee_type,
        terms.amount_cents,
        terms.registration_fee_cents,
        terms.re_registration_fee_cents,
    )
    audit.record(uow, actor, "fee_structure.create", "fee_structure", fee_id, None, asdict(terms))
    return StoredFee(fee_id, terms)


def _check_from(fee: StoredFee, day: dt.date) -> None:
    check_book_date(day, "the date a fee changes from")
    if day.day != 1:
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        raise RuleViolation(
            f"a fee changes from the first day of a month (invoices are monthly): "
            f"{day.isoformat()} is not one; did you mean {following.isoformat()}?"
        )
    if fee.changes and day < fee.changes[-1].effective_from:
        last = fee.changes[-1].effective_from.isoformat()
        raise RuleViolation(
            f"{fee.terms.name!r} already changes from {last}; a change must be from {last} "
            "or later (the same month replaces that change)"
        )


def change_fee(uow: UnitOfWork, actor: Actor, name: str, rate: FeeRate) -> FeeChanged:
    """Change a fee's amounts from the 1st of a month on.

    Months already invoiced keep their invoices and amounts: nothing is made
    again. Use ``dataclasses.replace(fee.rate_on(day), ...)`` to change only
    some of the amounts.

    Args:
        uow: the transaction.
        actor: who changes it (needs to manage the roster and fees).
        name: the fee's name (any case).
        rate: the new amounts and the month they apply from.

    Returns:
        The version before and after, and how many invoices keep their amounts.

    Raises:
        PermissionDenied: the actor may not change the roster and fees.
        NotFoundError: no fee of that name.
        RuleViolation: a date that is not the 1st of a month, is outside the
            book's years or is before the fee's latest change; a negative
            amount or one beyond the book's limit; an amount missing for the
            fee's type or given for a CUSTOM fee; amounts equal to those
            already in force from that month.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    fee = fee_named(uow, name)
    day = rate.effective_from
    _check_from(fee, day)
    _check_amounts(fee.terms.fee_type, rate)
    before = fee.rate_on(day)
    replaced = before.effective_from == day
    if dataclasses.replace(before, effective_from=day) == rate:
        raise RuleViolation(
            f"{fee.terms.name!r} already has these amounts from {day.isoformat()}: "
            "nothing to change"
        )
    uow.roster.save_fee_rate(fee.id, rate)
    audit.record(
        uow,
        actor,
        "fee_structure.change",
        "fee_structure",
        fee.id,
        {"name": fee.terms.name, **_rate_json(before)},
        {"name": fee.terms.name, **_rate_json(rate)},
    )
    kept = uow.roster.monthly_invoices_on_fee(fee.id, day)
    return FeeChanged(fee.terms.name, before, rate, replaced, kept)
