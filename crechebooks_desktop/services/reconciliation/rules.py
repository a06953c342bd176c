"""The bookkeeper's categorisation rules: ``rules add/list/move/remove/from-line``.

A rule has conditions on a line's text, amount, direction and bank account
(all must hold) and an action: an account and VAT type, or a split by
percentages. Rules are ordered 1..n and the first that matches a line wins
(``domain.categorise.first_matches``); ``categorise run`` applies them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.categorise import (
    BASIS_POINTS,
    Direction,
    Rule,
    SplitShare,
    TextField,
    text_key,
)
from crechebooks_desktop.domain.chart import AccountRecord
from crechebooks_desktop.domain.enums import VatType
from crechebooks_desktop.domain.money import check_amount, format_plain
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import one_line, require_one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank.accounts_and_imports import require_account
from crechebooks_desktop.services.reconciliation.chart import require_account_code
from crechebooks_desktop.services.reconciliation.suggestions import suggest

__all__ = [
    "RuleDraft",
    "RuleView",
    "add_rule",
    "list_rules",
    "move_rule",
    "remove_rule",
    "rule_from_line",
]

NAME_LENGTH = 100
TEXT_LENGTH = 200
REGEX_LENGTH = 300


@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule as ``rules list`` shows it.

    Attributes:
        id: its id.
        name: its name.
        position: 1 is tried first.
        text_field: ``any``, ``description``, ``payer`` or ``reference``.
        contains: the text includes this.
        starts: the text begins with this.
        regex: a regular expression found in the text.
        amount_min_cents: the amount, without sign, is at least this.
        amount_max_cents: the amount, without sign, is at most this.
        direction: ``in`` or ``out``.
        bank_account: the bank account's name, if the rule is for one.
        account: ``(code, name)`` of the account it sends lines to (None for a split).
        vat_type: the VAT type it gives (None: each account's own).
        split: ``(code, name, basis points)`` of a split's accounts.
    """

    id: int
    name: str
    position: int
    text_field: str
    contains: str | None
    starts: str | None
    regex: str | None
    amount_min_cents: int | None
    amount_max_cents: int | None
    direction: str | None
    bank_account: str | None
    account: tuple[str, str] | None
    vat_type: VatType | None
    split: tuple[tuple[str, str, int], ...]

    def as_json(self) -> dict[str, object]:
        """The rule as ``rules list --json`` prints it."""
        return {
            "id": self.id,
            "name": self.name,
            "position": self.position,
            "when": {
                "field": self.text_field,
                "text": self.contains,
                "starts": self.starts,
                "regex": self.regex,
                "amount_min_cents": self.amount_min_cents,
                "amount_max_cents": self.amount_max_cents,
                "direction": self.direction,
                "bank_account": self.bank_account,
            },
            "account": None
            if self.account is None
            else {"code": self.account[0], "name": self.account[1]},
            "vat": self.vat_type.value if self.vat_type else None,
            "split": [
                {"account": {"code": code, "name": name}, "basis_points": bp}
                for code, name, bp in self.split
            ],
        }


Names = tuple[dict[int, AccountRecord], dict[int, str]]


def _names(uow: UnitOfWork) -> Names:
    """The chart's accounts and the bank accounts' names, by id."""
    return {a.id: a for a in uow.chart.accounts()}, {b.id: b.name for b in uow.bank.accounts()}


def _view(uow: UnitOfWork, rule: Rule, names: Names | None = None) -> RuleView:
    accounts, banks = names or _names(uow)
    action = accounts[rule.account_id] if rule.account_id is not None else None
    return RuleView(
        rule.rule_id or 0,
        rule.name,
        rule.position,
        rule.text_field.value,
        rule.contains,
        rule.starts,
        rule.regex,
        rule.amount_min_cents,
        rule.amount_max_cents,
        rule.direction.value if rule.direction else None,
        banks.get(rule.bank_account_id) if rule.bank_account_id is not None else None,
        None if action is None else (action.code, action.name),
        rule.vat_type,
        tuple(
            (accounts[s.account_id].code, accounts[s.account_id].name, s.basis_points)
            for s in rule.split
        ),
    )


def list_rules(uow: UnitOfWork) -> list[RuleView]:
    """``rules list``: the rules in the order they are tried."""
    names = _names(uow)
    return [_view(uow, rule, names) for rule in uow.categories.rules()]


def require_rule(uow: UnitOfWork, name: str) -> Rule:
    """The rule with this name (case does not matter).

    Raises:
        NotFoundError: none has it.
    """
    found = uow.categories.rule_named(name)
    if found is None:
        raise NotFoundError(f"no rule named {name!r} (see: crechebooks rules list)")
    return found


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    require_one_line(value, what)
    cleaned = one_line(value)
    if len(cleaned) > limit:
        raise RuleViolation(f"{what} is too long (at most {limit} characters)")
    return cleaned or None


def _regex(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    require_one_line(value, "the regular expression")
    if len(value) > REGEX_LENGTH:
        raise RuleViolation(f"the regular expression is too long (at most {REGEX_LENGTH})")
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise RuleViolation(f"the regular expression {value!r} does not compile: {exc}") from None
    return value


def _basis_points(percent: Decimal | int | str, code: str) -> int:
    try:
        value = Decimal(str(percent).strip().rstrip("%"))
    except InvalidOperation:
        raise RuleViolation(f"split {code}: {percent!r} is not a percentage") from None
    points = value * 100
    if not value.is_finite() or points != points.to_integral_value() or not 0 < value <= 100:  # noqa: PLR2004
        raise RuleViolation(
            f"split {code}: a percentage is above 0 and at most 100, with at most 2 decimals "
            f"(got {percent})"
        )
    return int(points)


def _split(
    uow: UnitOfWork, split: Sequence[tuple[str, Decimal | int | str]]
) -> tuple[SplitShare, ...]:
    shares = []
    for code, percent in split:
        account = require_account_code(uow, code)
        shares.append(SplitShare(account.id, _basis_points(percent, account.code)))
    if len({s.account_id for s in shares}) != len(shares):
        raise RuleViolation("a split names each account once")
    total = sum(s.basis_points for s in shares)
    if total != BASIS_POINTS:
        raise RuleViolation(f"the split's percentages add up to {Decimal(total) / 100}%, not 100%")
    return tuple(shares)


def _amount(cents: int | None, what: str) -> int | None:
    if cents is None:
        return None
    if check_amount(cents, what) < 0:
        raise RuleViolation(f"{what} is an amount without sign (use the direction for in or out)")
    return cents


@dataclass(frozen=True, slots=True)
class _Conditions:
    text_field: TextField
    contains: str | None
    starts: str | None
    regex: str | None
    amount_min_cents: int | None
    amount_max_cents: int | None
    direction: Direction | None
    bank_account_id: int | None


def _conditions(
    uow: UnitOfWork,
    *,
    contains: str | None,
    starts: str | None,
    regex: str | None,
    text_field: str,
    amount_min_cents: int | None,
    amount_max_cents: int | None,
    direction: str | None,
    bank_account_name: str | None,
) -> _Conditions:
    if text_field not in {f.value for f in TextField}:
        raise RuleViolation(
            f"unknown text field {text_field!r}; expected any, description, payer or reference"
        )
    if direction is not None and direction not in {d.value for d in Direction}:
        raise RuleViolation(f"unknown direction {direction!r}; expected in or out")
    low = _amount(amount_min_cents, "the smallest amount")
    high = _amount(amount_max_cents, "the largest amount")
    if low is not None and high is not None and low > high:
        raise RuleViolation(
            f"the smallest amount ({format_plain(low)}) is more than the largest "
            f"({format_plain(high)})"
        )
    bank = require_account(uow, bank_account_name) if bank_account_name is not None else None
    found = _Conditions(
        TextField(text_field),
        _text(contains, "the text", TEXT_LENGTH),
        _text(starts, "the start of the text", TEXT_LENGTH),
        _regex(regex),
        low,
        high,
        Direction(direction) if direction else None,
        None if bank is None else bank.id,
    )
    if not any(
        value is not None
        for value in (
            found.contains,
            found.starts,
            found.regex,
            low,
            high,
            found.direction,
            found.bank_account_id,
        )
    ):
        raise RuleViolation(
            "a rule needs at least one condition (text, start, regular expression, amount, "
            "direction or bank account)"
        )
    return found


def _checked_name(uow: UnitOfWork, name: str) -> str:
    require_one_line(name, "the rule's name")
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_LENGTH:
        raise RuleViolation(f"a rule needs a name of 1 to {NAME_LENGTH} characters")
    if uow.categories.rule_named(cleaned) is not None:
        raise RuleViolation(f"there is a rule named {cleaned!r} already")
    return cleaned


def _renumber(uow: UnitOfWork, ordered: Sequence[Rule]) -> None:
    """Store positions 1..n in the order given (only those that changed)."""
    stored = {rule.rule_id: rule.position for rule in uow.categories.rules()}
    uow.categories.set_positions(
        {
            rule.rule_id: n
            for n, rule in enumerate(ordered, start=1)
            if rule.rule_id is not None and stored.get(rule.rule_id) != n
        }
    )


def _place(position: int | None, count: int) -> int:
    """Where a rule goes among ``count`` others (1..count+1); None: last."""
    if position is None:
        return count + 1
    if not 1 <= position <= count + 1:
        raise RuleViolation(f"the position must be from 1 to {count + 1} (got {position})")
    return position


def add_rule(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    *,
    contains: str | None = None,
    starts: str | None = None,
    regex: str | None = None,
    text_field: str = "any",
    amount_min_cents: int | None = None,
    amount_max_cents: int | None = None,
    direction: str | None = None,
    bank_account_name: str | None = None,
    account_code: str | None = None,
    vat: VatType | None = None,
    split: Sequence[tuple[str, Decimal | int | str]] | None = None,
    position: int | None = None,
) -> RuleView:
    """``rules add``: a rule, tried at ``position`` (default: last).

    Args:
        uow: the transaction.
        actor: who adds it (needs to post money).
        name: unique in the creche (ignoring case), 1 to 100 characters.
        contains: the text includes this (ignoring case).
        starts: the text begins with this.
        regex: a regular expression found in the text (ignoring case).
        text_field: ``any``, ``description``, ``payer`` or ``reference``.
        amount_min_cents: the amount, without its sign, is at least this.
        amount_max_cents: the amount, without its sign, is at most this.
        direction: ``in`` or ``out``.
        bank_account_name: lines of this bank account only.
        account_code: the account matching lines go to; or
        vat: the VAT type they get (default: the account's own).
        split: ``(account code, percent)`` pairs adding up to 100, instead
            of one account.
        position: 1 is tried first; the rules from there move down one.

    Returns:
        The rule as stored.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: an unknown account or bank account.
        RuleViolation: no condition; a regular expression that does not
            compile (the message says why); the smallest amount above the
            largest; no action or two; percentages that do not add up to
            100; a taken name; a position out of range; an archived account.
    """
    audit.require(actor, Permission.POST_MONEY)
    cleaned = _checked_name(uow, name)
    when = _conditions(
        uow,
        contains=contains,
        starts=starts,
        regex=regex,
        text_field=text_field,
        amount_min_cents=amount_min_cents,
        amount_max_cents=amount_max_cents,
        direction=direction,
        bank_account_name=bank_account_name,
    )
    if (account_code is None) == (not split):
        raise RuleViolation("a rule needs one action: an account (--account) or a split")
    account = require_account_code(uow, account_code) if account_code is not None else None
    shares = _split(uow, split) if split else ()
    others = uow.categories.rules()
    at = _place(position, len(others))
    rule = Rule(
        cleaned,
        at,
        when.text_field,
        when.contains,
        when.starts,
        when.regex,
        when.amount_min_cents,
        when.amount_max_cents,
        when.direction,
        when.bank_account_id,
        None if account is None else account.id,
        vat,
        shares,
    )
    rule_id = uow.categories.add_rule(rule, actor.user_id)
    stored = replace(rule, rule_id=rule_id)
    _renumber(uow, [*others[: at - 1], stored, *others[at - 1 :]])
    view = _view(uow, stored)
    audit.record(uow, actor, "rule.add", "categorisation_rule", rule_id, None, view.as_json())
    return view


def move_rule(uow: UnitOfWork, actor: Actor, name: str, position: int) -> RuleView:
    """``rules move``: try a rule at another position; the others close up around it.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such rule.
        RuleViolation: a position outside 1..n.
    """
    audit.require(actor, Permission.POST_MONEY)
    rule = require_rule(uow, name)
    others = [r for r in uow.categories.rules() if r.rule_id != rule.rule_id]
    if not 1 <= position <= len(others) + 1:
        raise RuleViolation(f"the position must be from 1 to {len(others) + 1} (got {position})")
    moved = replace(rule, position=position)
    _renumber(uow, [*others[: position - 1], moved, *others[position - 1 :]])
    audit.record(
        uow,
        actor,
        "rule.move",
        "categorisation_rule",
        rule.rule_id,
        {"position": rule.position},
        {"position": position},
    )
    return _view(uow, moved)


def remove_rule(uow: UnitOfWork, actor: Actor, name: str) -> RuleView:
    """``rules remove``: a rule no longer applies; lines it categorised keep their categories.

    Returns:
        The rule as it was.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such rule.
    """
    audit.require(actor, Permission.POST_MONEY)
    rule = require_rule(uow, name)
    view = _view(uow, rule)
    assert rule.rule_id is not None  # noqa: S101 - a stored rule has its id
    uow.categories.remove_rule(rule.rule_id)
    _renumber(uow, uow.categories.rules())
    audit.record(uow, actor, "rule.remove", "categorisation_rule", rule.rule_id, view.as_json())
    return view


@dataclass(frozen=True, slots=True)
class RuleDraft:
    """A rule pre-filled from a bank line, for ``rules from-line``.

    Attributes:
        line_id: the line it was made from.
        name: a suggested name (the text it looks for).
        contains: text of the line that the rule looks for.
        direction: ``in`` or ``out``, from the line's sign.
        account: the account (the line's current category, else the
            suggestion's), or None when nothing points to one.
    """

    line_id: int
    name: str
    contains: str | None
    direction: str
    account: AccountRecord | None

    def as_command(self) -> str:
        """The ready ``crechebooks rules add ...`` line (``CODE`` where no account is known)."""
        words = ["crechebooks", "rules", "add", self.name]
        if self.contains:
            words += ["--when-text", self.contains]
        words += ["--when-direction", self.direction]
        words += ["--account", self.account.code if self.account else "CODE"]
        return " ".join(w if w == "CODE" else shlex.quote(w) for w in words)

    def as_json(self) -> dict[str, object]:
        """``{"line_id", "name", "when": {...}, "account", "command"}``."""
        return {
            "line_id": self.line_id,
            "name": self.name,
            "when": {"text": self.contains, "direction": self.direction},
            "account": None
            if self.account is None
            else {"code": self.account.code, "name": self.account.name},
            "command": self.as_command(),
        }

    def save(self, uow: UnitOfWork, actor: Actor, name: str | None = None) -> RuleView:
        """Add the drafted rule (``rules from-line --save NAME``).

        Raises:
            RuleViolation: the draft has no account to send lines to (as for ``add_rule``).
        """
        if self.account is None:
            raise RuleViolation(
                f"nothing says which account lines like {self.line_id} go to; "
                f"write the rule yourself: {self.as_command()}"
            )
        return add_rule(
            uow,
            actor,
            name or self.name,
            contains=self.contains,
            direction=self.direction,
            account_code=self.account.code,
        )


def _words_found(key: str, text: str) -> str | None:
    """The longest run of the key's words that the line's text holds as it is."""
    words = key.split()
    runs = [" ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i, -1)]
    folded = text.upper()
    return max((run for run in runs if run in folded), key=len, default=None)


def rule_from_line(uow: UnitOfWork, line_id: int) -> RuleDraft:
    """``rules from-line``: a rule pre-filled from a line's text, sign and account.

    The text is the line's learned key (``domain.categorise.text_key``: the
    payer, else the description, in three words), or the longest run of its
    words that the line holds as it is (digits and marks are dropped from
    the key), so the rule always takes the line it was made from.

    Raises:
        NotFoundError: no such line.
    """
    line = uow.bank.line(line_id)
    if line is None:
        raise NotFoundError(f"no bank line {line_id} in this creche")
    source = (line.payer or "").strip() or line.description
    contains = _words_found(text_key(line.payer, line.description), source)
    direction = Direction.IN if line.amount_cents > 0 else Direction.OUT
    parts = uow.categories.parts_of([line.id]).get(line.id)
    account_id = parts[0].account_id if parts else None
    if account_id is None:
        found = suggest(uow, [line.id]).get(line.id)
        account_id = found.parts[0].account_id if found else None
    account = uow.chart.by_id(account_id) if account_id is not None else None
    name = contains.title() if contains else f"Line {line.id}"
    return RuleDraft(line.id, name, contains, direction.value, account)
