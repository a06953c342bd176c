"""Categorising bank lines: the bookkeeper's rules, VAT inside an amount, learned text keys.

Pure: no I/O. The services read rules and lines from the book, ask
:func:`first_matches` which rule each line meets, and write what it says.

Rules are tried in order of ``position`` and the first that matches a line
wins (docs/RULES.md, Categorisation). Text conditions ignore case. A run over
a year of a busy creche's lines (50,000 lines, 300 rules) must take well under
a second, so :func:`first_matches` never loops rules x lines in Python for
the text conditions: it upper-cases each field of every line once into one
long string, asks ``str.find`` where a rule's text occurs in it, and maps
each hit back to its line by bisecting the lines' offsets.
:func:`matches` is the plain one-rule, one-line answer the fast path must
agree with (the tests hold them to it).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from crechebooks_desktop.domain.enums import VatType
from crechebooks_desktop.domain.money import divide_half_even, require_cents, split_by_weights
from crechebooks_desktop.domain.text_search import FIELD, LINE, Haystack, OpenLines, fold
from crechebooks_desktop.domain.vat import vat_rate_on

__all__ = [
    "BASIS_POINTS",
    "Categorisable",
    "Direction",
    "LineToCategorise",
    "Rule",
    "SplitShare",
    "TextField",
    "first_matches",
    "learned_confidence",
    "matches",
    "split_amount",
    "text_key",
    "vat_inside",
    "vat_inside_for",
]

BASIS_POINTS = 10_000
"""A split's shares add up to this: 100% in hundredths of a percent."""

# Learned keys keep letters only; apostrophes join (MCDONALD'S -> MCDONALDS).
_APOSTROPHES = str.maketrans(dict.fromkeys("'`\u2019", None))
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_KEY_WORDS = 3


class TextField(enum.StrEnum):
    """Which of a line's texts a rule's text conditions look at."""

    ANY = "any"
    DESCRIPTION = "description"
    PAYER = "payer"
    REFERENCE = "reference"


class Direction(enum.StrEnum):
    """Money in (a credit, positive) or money out (a debit, negative)."""

    IN = "in"
    OUT = "out"


class Categorisable(Protocol):
    """What the rules look at in a bank line (``domain.bank.BankLineRecord`` has it)."""

    @property
    def account_id(self) -> int:
        """The bank account the line is on."""

    @property
    def amount_cents(self) -> int:
        """Money in positive, money out negative."""

    @property
    def description(self) -> str:
        """The bank's text."""

    @property
    def payer(self) -> str | None:
        """The payer's name, if the file kept it apart."""

    @property
    def reference(self) -> str | None:
        """The reference, if the file kept it apart."""


class LineToCategorise(NamedTuple):
    """What a categorisation run needs of a bank line: the rules' fields, its id and date.

    A plain tuple with names, read straight from the book's rows: a run over
    50,000 lines spends more on building full line records than on the rules.
    It is :class:`Categorisable`, as ``domain.bank.BankLineRecord`` is.
    """

    id: int
    account_id: int
    date: dt.date
    amount_cents: int
    description: str
    payer: str | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class SplitShare:
    """One account's share of a split rule, in basis points (100 = 1%)."""

    account_id: int
    basis_points: int


@dataclass(frozen=True, slots=True)
class Rule:
    """A bookkeeper's categorisation rule: conditions (all must hold) and an action.

    Attributes:
        name: unique in the creche.
        position: rules are tried from position 1 up; the first match wins.
        text_field: which text the text conditions look at (``any``: any of them).
        contains: the text includes this (ignoring case).
        starts: the text begins with this (ignoring case).
        regex: a regular expression found in the text (ignoring case).
        amount_min_cents: the amount, without its sign, is at least this.
        amount_max_cents: the amount, without its sign, is at most this.
        direction: money in or out only.
        bank_account_id: lines of this bank account only.
        account_id: the account matching lines go to (unless ``split``).
        vat_type: their VAT type (None: the account's own).
        split: shares of accounts, adding up to :data:`BASIS_POINTS`, instead.
        rule_id: the stored rule's id, if stored.
    """

    name: str
    position: int
    text_field: TextField = TextField.ANY
    contains: str | None = None
    starts: str | None = None
    regex: str | None = None
    amount_min_cents: int | None = None
    amount_max_cents: int | None = None
    direction: Direction | None = None
    bank_account_id: int | None = None
    account_id: int | None = None
    vat_type: VatType | None = None
    split: tuple[SplitShare, ...] = ()
    rule_id: int | None = None

    @property
    def has_condition(self) -> bool:
        """Whether the rule says anything about which lines it takes."""
        return any(
            value is not None
            for value in (
                self.contains or None,
                self.starts or None,
                self.regex or None,
                self.amount_min_cents,
                self.amount_max_cents,
                self.direction,
                self.bank_account_id,
            )
        )


def _fields(line: Categorisable, field: TextField) -> tuple[str | None, ...]:
    if field is TextField.ANY:
        return (line.description, line.payer, line.reference)
    return (getattr(line, field.value),)


def _amount_ok(rule: Rule, amount: int) -> bool:
    if rule.direction is Direction.IN and amount <= 0:
        return False
    if rule.direction is Direction.OUT and amount >= 0:
        return False
    size = abs(amount)
    if rule.amount_min_cents is not None and size < rule.amount_min_cents:
        return False
    return rule.amount_max_cents is None or size <= rule.amount_max_cents


def _regex_ok(pattern: re.Pattern[str], texts: Iterable[str | None]) -> bool:
    return any(pattern.search(text or "") for text in texts)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A rule made ready to test: folded needles, its compiled expression."""

    rule: Rule
    contains: str
    starts: str
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, rule: Rule) -> _Compiled:
        pattern = re.compile(rule.regex, re.IGNORECASE) if rule.regex else None
        return cls(rule, fold(rule.contains), fold(rule.starts), pattern)

    @property
    def has_cheap(self) -> bool:
        """Whether the rule has amount, direction or bank account conditions."""
        rule = self.rule
        return (
            rule.bank_account_id is not None
            or rule.direction is not None
            or rule.amount_min_cents is not None
            or rule.amount_max_cents is not None
        )

    def cheap_ok(self, line: Categorisable) -> bool:
        """The amount, direction and bank account conditions."""
        rule = self.rule
        if rule.bank_account_id is not None and line.account_id != rule.bank_account_id:
            return False
        return _amount_ok(rule, line.amount_cents)

    def text_ok(self, line: Categorisable) -> bool:
        """The text conditions, one line at a time."""
        texts = _fields(line, self.rule.text_field)
        folded = [fold(text) for text in texts]
        if self.contains and not any(self.contains in text for text in folded):
            return False
        if self.starts and not any(text.startswith(self.starts) for text in folded):
            return False
        return self.pattern is None or _regex_ok(self.pattern, texts)


def matches(rule: Rule, line: Categorisable) -> bool:
    """Whether ``line`` meets every condition of ``rule`` (one rule, one line).

    Args:
        rule: the rule.
        line: the bank line.

    Returns:
        True when all its conditions hold (a rule without conditions takes every line).

    Raises:
        re.error: the rule's regular expression does not compile.
    """
    compiled = _Compiled.of(rule)
    return compiled.cheap_ok(line) and compiled.text_ok(line)


class _Index:
    """The lines made ready for many rules: each text field folded, and its haystack."""

    def __init__(self, lines: Sequence[Categorisable]) -> None:
        self.lines = lines
        self._folded: dict[TextField, list[str]] = {}
        self._stacks: dict[TextField, Haystack] = {}

    def folded(self, field: TextField) -> list[str]:
        """Each line's text of ``field`` as the conditions compare it."""
        found = self._folded.get(field)
        if found is None:
            if field is TextField.ANY:
                found = [
                    f"{fold(x.description)}{FIELD}{fold(x.payer)}{FIELD}{fold(x.reference)}"
                    for x in self.lines
                ]
            else:
                name = field.value
                found = [fold(getattr(x, name)) for x in self.lines]
            self._folded[field] = found
        return found

    def stack(self, field: TextField, still_open: OpenLines) -> Haystack:
        """The haystack of ``field``, narrowed to the open lines when worth it."""
        found = self._stacks.get(field)
        if found is None:
            found = self._stacks[field] = Haystack(self.folded(field))
        found.narrow(still_open)
        return found


def _needles(rule: _Compiled) -> dict[str, list[str]]:
    r"""The rule's literal conditions as what to look for in a haystack.

    ``starts`` is looked up as the separator before a text followed by the
    needle, so a hit is always at a text's beginning; with ``any`` field the
    description follows ``\0`` and the payer and reference ``\1``.
    """
    found: dict[str, list[str]] = {}
    if rule.starts:
        heads = [LINE + rule.starts]
        if rule.rule.text_field is TextField.ANY:
            heads.append(FIELD + rule.starts)
        found["starts"] = heads
    if rule.contains:
        found["contains"] = [rule.contains]
    return found


def _starts_check(rule: _Compiled, folded: Sequence[str]) -> Callable[[int], bool]:
    """``starts`` checked on one line's folded text (when ``contains`` was looked up)."""
    head = rule.starts
    if rule.rule.text_field is TextField.ANY:
        inner = FIELD + head
        return lambda i: folded[i].startswith(head) or inner in folded[i]
    return lambda i: folded[i].startswith(head)


Check = Callable[[int], bool]


def _plan(
    index: _Index, rule: _Compiled, still_open: OpenLines
) -> tuple[Iterable[int], list[Check]]:
    """The lines worth trying for a rule, and what to check on each of them.

    Lines come from the haystack when the rule has literal text; else every
    open line is tried. Only what the lookup did not settle is checked per
    line: the amount, direction and bank account, the other literal
    condition, and the regular expression.
    """
    lines, field = index.lines, rule.rule.text_field
    checks: list[Check] = []
    if rule.has_cheap:
        cheap = rule.cheap_ok
        checks.append(lambda i: cheap(lines[i]))
    needles = _needles(rule)
    found: Iterable[int]
    if needles:
        # With both, look ``contains`` up (it is usually the narrower) and check ``starts``.
        first = "contains" if "contains" in needles else "starts"
        found = index.stack(field, still_open).lines_with(needles[first])
        if len(needles) > 1:
            checks.append(_starts_check(rule, index.folded(field)))
    else:
        found = still_open.lines()
    pattern = rule.pattern
    if pattern is not None:
        checks.append(lambda i: _regex_ok(pattern, _fields(lines[i], field)))
    return found, checks


def first_matches(rules: Sequence[Rule], lines: Sequence[Categorisable]) -> list[int | None]:
    """Which rule each line meets first, in order of position (ties: the order given).

    Args:
        rules: the rules, in any order.
        lines: the bank lines.

    Returns:
        For each line, the index in ``rules`` of the first rule it meets, or None.

    Raises:
        re.error: a rule's regular expression does not compile.
    """
    index = _Index(lines)
    still_open = OpenLines(len(lines))
    winner = still_open.winner
    for k in sorted(range(len(rules)), key=lambda k: (rules[k].position, k)):
        if not still_open.left:
            break
        found, checks = _plan(index, _Compiled.of(rules[k]), still_open)
        if not checks:
            for i in found:
                if winner[i] is None:
                    still_open.take(i, k)
            continue
        for i in found:
            if winner[i] is None and all(check(i) for check in checks):
                still_open.take(i, k)
    return winner


@functools.lru_cache(maxsize=4096)
def _inside(day: dt.date) -> tuple[int, int]:
    """The rate in force on ``day``, ``rate / (1 + rate)``, in whole numbers (15% -> 3/23)."""
    top, bottom = vat_rate_on(day).as_integer_ratio()
    return top, bottom + top


def vat_inside(amount_cents: int, vat_type: VatType, day: dt.date) -> int:
    """The VAT inside an amount: standard-rated at the rate in force that day, else none.

    Args:
        amount_cents: the amount, VAT included (negative for money out).
        vat_type: how it is taxed.
        day: the line's date (15% from 2018-04-01, 14% before).

    Returns:
        The VAT, rounded once half-to-even, with the amount's sign; 0 for
        zero-rated, exempt and no-VAT amounts.
    """
    if vat_type is not VatType.STANDARD:
        return 0
    # The same cents as ``domain.vat.split_inclusive``, in integers: a run works out 50,000.
    top, bottom = _inside(day)
    return divide_half_even(require_cents(amount_cents, "amount_cents") * top, bottom)


def _no_vat(amount_cents: int, day: dt.date) -> int:  # noqa: ARG001 - vat_inside_for's shape
    return 0


def _standard_vat(amount_cents: int, day: dt.date) -> int:
    top, bottom = _inside(day)
    return divide_half_even(amount_cents * top, bottom)


def vat_inside_for(vat_type: VatType) -> Callable[[int, dt.date], int]:
    """:func:`vat_inside` for one VAT type, as a run asks it for thousands of lines.

    The type is looked at once, not per line, and the day's rate once per
    day; the cents are the same as :func:`vat_inside`'s.

    Args:
        vat_type: how the amounts are taxed.

    Returns:
        ``f(amount_cents, day)``: the VAT inside the amount (0 unless standard-rated).
    """
    return _standard_vat if vat_type is VatType.STANDARD else _no_vat


def split_amount(amount_cents: int, shares: Sequence[SplitShare]) -> list[int]:
    """A line's amount divided by a split rule's shares; the parts add up to it exactly."""
    return split_by_weights(amount_cents, [share.basis_points for share in shares])


def text_key(payer: str | None, description: str) -> str:
    """The key a person's choice is remembered by: who paid, or what the bank wrote.

    The payer when the line has one, else the description; upper-cased, with
    digits and punctuation dropped (apostrophes join their word, other marks
    part words), spaces collapsed, and the first three words kept:
    ``POS PURCHASE 4312*ESKOM PREPAID`` -> ``POS PURCHASE ESKOM``.
    """
    return _key((payer or "").strip() or description)


def _key(text: str) -> str:
    return " ".join(
        _NOT_LETTERS.sub(" ", text.upper().translate(_APOSTROPHES)).split()[:_KEY_WORDS]
    )


def learned_confidence(agreeing: int, earlier: int) -> int:
    """How sure a learned suggestion is: ``floor(100 x agreeing / (earlier + 1))``.

    Args:
        agreeing: earlier choices for the key that went to the suggested account.
        earlier: all earlier remembered choices for the key.

    Returns:
        0 to 99: one earlier choice gives 50; four of four give 80; it never
        reaches 100, which is kept for rules and people.
    """
    return 100 * agreeing // (earlier + 1)
