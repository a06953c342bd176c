"""Matching credit bank lines to households and their open invoices (docs/RULES.md, Matching).

Points per household: reference up to 40, amount up to 40, name up to 20; the
reference and amount rules are in :mod:`~crechebooks_desktop.domain.match_rules`,
the name rules in :mod:`~crechebooks_desktop.domain.payer_names`, and phone
numbers (reference evidence: 40 for a household's own number, 15 each for a
number shared by a few households) in
:mod:`~crechebooks_desktop.domain.match_phones`. In detail, this module decides:

*Names.* The payer is the payer field, else the name part of the description,
else of the reference. A child's first name and surname both in the line's
text (``THABO DLAMINI`` as the reference) is worth the full 20 name points:
parents use the child's name as the reference as often as their own.

*Aliases.* :func:`alias_keys` gives ``name:`` + the payer's sorted name tokens
(at least two tokens, e.g. ``name:DLAMINI N`` for both ``MRS N DLAMINI FEES
MARCH`` and ``N DLAMINI FEES APRIL``) and ``ref:`` + the reference's words
when it is a stable identifier: noise and month words and dates removed, and
what is left holds a digit (account, member or phone number) or at least two
words; a lone word (``THABO``) is too common to learn; and ``tel:`` and
``acct:`` + each phone number and payer's account number anywhere in the
line's text (:func:`~crechebooks_desktop.domain.match_phones.number_keys`).
A learned alias gives its household 40 reference and 20 name points. Aliases
that point at more than one household are a conflict: each of them is a
candidate and the line goes to review. Aliases of households with nothing
open are ignored.

*Amount-only candidates.* A household with no reference, name or alias points
is suggested on its amount only when few households share that amount (see
:meth:`~crechebooks_desktop.domain.match_rules.AmountIndex.amount_only`).

*Invoices.* A candidate's ``invoice_numbers``: the invoices the reference
quoted (oldest first), else the oldest invoice whose balance equals the amount, else those
the amount covers when allocated oldest first (due date, then number).

*Drafts.* A household's invoices that are still DRAFT cannot take money,
so they score nothing; its candidate carries them (``drafts``) with a reason
in words ("March is not sent yet"), so the review says why the money would
only become credit.

*Decision.* Candidates are ranked by score, then reference points, then
account reference; at most nine are kept. AUTO_APPLIED needs all of: exactly
one candidate at 80 or more, that candidate has reference points (an amount
and a name alone never apply money), the next candidate is more than
:data:`CLOSE_MARGIN` points behind, and no alias conflict. Otherwise a line
with any candidate is REVIEW_REQUIRED, and one without is NO_MATCH.
``LineMatch.decision`` says in words why a line was not applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.match_phones import (
    PhoneHit,
    PhoneIndex,
    number_keys,
    number_words,
)
from crechebooks_desktop.domain.match_rules import (
    AmountIndex,
    ReferenceIndex,
    RefHit,
    amount_hit,
    best_amount,
    line_text,
    oldest_first,
)
from crechebooks_desktop.domain.payer_names import (
    NOISE_WORDS,
    ChildIndex,
    PayerName,
    payer_name,
    words,
)

if TYPE_CHECKING:
    from crechebooks_desktop.domain.match_names import NameHit

__all__ = [
    "AUTO_APPLY_SCORE",
    "CLOSE_MARGIN",
    "MAX_CANDIDATES",
    "Candidate",
    "DraftItem",
    "LearnedAlias",
    "LineMatch",
    "MatchLine",
    "OpenItem",
    "Payee",
    "alias_keys",
    "drafts_reason",
    "match_lines",
    "month_words",
]

AUTO_APPLY_SCORE = 80
MAX_CANDIDATES = 9
CLOSE_MARGIN = 10
"""The best candidate must lead the next by more than this to be applied."""
_MAX_KEY = 200
_MIN_KEY_TOKENS = 2
_FULL = (40, 20)  # reference and name points of an alias


@dataclass(frozen=True, slots=True)
class MatchLine:
    """A credit bank line waiting for a household."""

    line_id: int
    date: dt.date
    amount_cents: int
    description: str
    reference: str | None = None
    payer: str | None = None


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice that can take money (not DRAFT, VOID or PAID)."""

    number: str
    balance_due_cents: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class DraftItem:
    """An invoice still DRAFT: it takes money only once it is sent."""

    number: str
    month: dt.date
    """The month it bills (its billing month, else the month of its issue date)."""


@dataclass(frozen=True, slots=True)
class Payee:
    """A household as matching sees it."""

    household_id: int
    ref: str
    parent_names: tuple[str, ...]
    child_names: tuple[str, ...]
    outstanding_cents: int
    invoices: tuple[OpenItem, ...]
    drafts: tuple[DraftItem, ...] = ()
    phones: tuple[str, ...] = ()
    """The household's phone fields as written (each may hold several numbers)."""


@dataclass(frozen=True, slots=True)
class LearnedAlias:
    """A payer key that an accepted match tied to a household."""

    alias_id: int
    household_id: int
    payer_key: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One household a line might belong to, with its score broken down."""

    household_id: int
    household_ref: str
    invoice_numbers: tuple[str, ...]
    score: int
    reference_points: int
    amount_points: int
    name_points: int
    reasons: tuple[str, ...]
    alias_id: int | None = None
    drafts: tuple[DraftItem, ...] = ()
    """The household's invoices not sent yet (they cannot take the money now)."""
    payment_id: int | None = None
    """A payment recorded by hand that the line may be (``domain.match_links``)."""
    payment_date: dt.date | None = None

    @property
    def kind(self) -> str:
        """``link`` (the line is payment ``payment_id``) or ``pay`` (a new payment)."""
        return "pay" if self.payment_id is None else "link"


@dataclass(frozen=True, slots=True)
class LineMatch:
    """The decision for one line and its candidates, best first."""

    line_id: int
    outcome: MatchOutcome
    candidates: tuple[Candidate, ...]
    decision: str = ""
    """Why the line was not applied, in words ("" when AUTO_APPLIED)."""


def _payer(line: MatchLine) -> PayerName | None:
    """The payer: the payer field, else the name part of description or reference."""
    if line.payer and (found := payer_name(line.payer)) is not None:
        return found
    for text in (line.description, line.reference):
        if text and (found := payer_name(text)) is not None:
            return replace(found, text=" ".join(found.tokens))
    return None


def _is_date_word(word: str) -> bool:
    """Whether a word of a reference is (part of) a date: 03, 2026, 202603, 20260315."""
    if not word.isdigit():
        return False
    if len(word) <= 2 or (len(word) == 4 and word[:2] in {"19", "20"}):  # noqa: PLR2004
        return True
    return len(word) in {6, 8} and word[:2] in {"19", "20"} and "01" <= word[4:6] <= "12"


def _reference_key(reference: str | None) -> str | None:
    """The stable part of a reference (see the module docstring), or None."""
    chunks: list[str] = []
    for chunk in (reference or "").split():
        kept = [w for w in words(chunk) if w not in NOISE_WORDS]
        if kept and not all(_is_date_word(w) for w in kept):
            chunks.append("".join(kept))
    stable = len(chunks) >= _MIN_KEY_TOKENS or any(c.isdigit() for c in "".join(chunks))
    return " ".join(chunks) if stable else None


def alias_keys(line: MatchLine) -> tuple[str, ...]:
    """The normalised keys an accepted match of this line teaches.

    Later lines are looked up by the same keys, so ``MRS N DLAMINI FEES
    MARCH`` and ``N DLAMINI FEES APRIL`` share ``name:DLAMINI N``. The rules
    are in the module docstring.

    Args:
        line: A bank line.

    Returns:
        ``name:...`` (when the payer's name has two tokens or more) and
        ``ref:...`` (when the reference is a stable identifier), each at most
        200 characters, then a ``tel:`` or ``acct:`` key per number in the
        text; () when the line has none.
    """
    keys: list[str] = []
    payer = _payer(line)
    if payer is not None and len(payer.tokens) >= _MIN_KEY_TOKENS:
        keys.append(f"name:{payer.key}"[:_MAX_KEY])
    reference = _reference_key(line.reference)
    if reference is not None:
        keys.append(f"ref:{reference}"[:_MAX_KEY])
    keys += number_keys(line.description, line.reference, line.payer)
    return tuple(keys)


class _Book:
    """Every lookup over the payees and aliases, built once per call."""

    def __init__(self, payees: Sequence[Payee], aliases: Sequence[LearnedAlias]) -> None:
        # numpy and rapidfuzz load only when lines are scored, not for every command that
        # names this module's values (docs/ARCHITECTURE.md, Command line).
        from crechebooks_desktop.domain.match_names import ParentNames  # noqa: PLC0415

        self.payees = payees
        self.items = [tuple(oldest_first(payee.invoices)) for payee in payees]
        self.references = ReferenceIndex(payees)
        self.phones = PhoneIndex(payees)
        self.amounts = AmountIndex(payees)
        self.children = ChildIndex(
            (index, name) for index, payee in enumerate(payees) for name in payee.child_names
        )
        self.names = ParentNames(
            [(index, name) for index, payee in enumerate(payees) for name in payee.parent_names],
            [(p.outstanding_cents, *(i.balance_due_cents for i in p.invoices)) for p in payees],
        )
        by_ref = sorted(range(len(payees)), key=lambda index: payees[index].ref)
        self.ref_ranks = [0] * len(payees)
        for rank, index in enumerate(by_ref):
            self.ref_ranks[index] = rank
        index_of = {payee.household_id: index for index, payee in enumerate(payees)}
        self.aliases: dict[str, dict[int, LearnedAlias]] = {}
        for alias in sorted(aliases, key=lambda a: -a.alias_id):  # the oldest alias wins
            if alias.household_id in index_of:
                by_payee = self.aliases.setdefault(alias.payer_key, {})
                by_payee[index_of[alias.household_id]] = alias


@dataclass(slots=True)
class _Evidence:
    """What a line says for one household, before the amount is looked at."""

    reference: RefHit | None = None
    phone: PhoneHit | None = None
    name: NameHit | None = None
    child: str | None = None
    alias: LearnedAlias | None = None
    alias_reason: str = ""
    conflict: str = ""

    def parts(self) -> tuple[int, int]:
        """(reference points, name points)."""
        if self.alias is not None:
            return _FULL
        reference = max(
            self.reference.points if self.reference else 0, self.phone.points if self.phone else 0
        )
        name = max(self.name.points if self.name else 0, 20 if self.child else 0)
        return reference, name


def match_lines(
    lines: Sequence[MatchLine], payees: Sequence[Payee], aliases: Sequence[LearnedAlias]
) -> tuple[LineMatch, ...]:
    """Score every credit line against every household and decide.

    Args:
        lines: Credit bank lines (amount > 0).
        payees: Households with open invoices.
        aliases: Learned payer keys.

    Returns:
        One LineMatch per line, in the same order.
    """
    if not lines:
        return ()
    book = _Book(payees, aliases)
    payers = [_payer(line) for line in lines]
    amounts = [line.amount_cents for line in lines]
    names = book.names.best(payers, amounts, book.ref_ranks, MAX_CANDIDATES)
    return tuple(
        _match_one(book, line, payer, found)
        for line, payer, found in zip(lines, payers, names, strict=True)
    )


def _match_one(
    book: _Book, line: MatchLine, payer: PayerName | None, names: dict[int, NameHit]
) -> LineMatch:
    evidence = _evidence(book, line, payer, names)
    for index in book.amounts.amount_only(line.amount_cents):
        evidence.setdefault(index, _Evidence())
    ranked: list[tuple[int, int, str, int]] = []
    for index, found in evidence.items():
        reference, name = found.parts()
        amount = found.name.amount_points if found.name else None
        if amount is None:
            payee = book.payees[index]
            amount, _ = best_amount(line.amount_cents, book.items[index], payee.outstanding_cents)
        score = reference + amount + name
        if score > 0:
            ranked.append((-score, -reference, book.payees[index].ref, index))
    ranked.sort()
    candidates = tuple(
        _candidate(book, index, evidence[index], line, payer)
        for *_, index in ranked[:MAX_CANDIDATES]
    )
    conflict = any(found.conflict for found in evidence.values())
    outcome, decision = _decide(candidates, conflict)
    return LineMatch(line.line_id, outcome, candidates, decision)


def _evidence(
    book: _Book, line: MatchLine, payer: PayerName | None, names: dict[int, NameHit]
) -> dict[int, _Evidence]:
    text = line_text(line.description, line.reference, line.payer)
    found: dict[int, _Evidence] = {}
    for index, hit in book.references.hits(text).items():
        found.setdefault(index, _Evidence()).reference = hit
    for index, phone in book.phones.hits(line.description, line.reference, line.payer).items():
        found.setdefault(index, _Evidence()).phone = phone
    for index, name in names.items():
        found.setdefault(index, _Evidence()).name = name
    for index, child in book.children.hits(text.words).items():
        found.setdefault(index, _Evidence()).child = child
    if book.aliases:
        _add_aliases(book, line, payer, found)
    for index, evidence in found.items():
        if evidence.name is None:
            evidence.name = book.names.direct(payer, index)
    return found


def _add_aliases(
    book: _Book, line: MatchLine, payer: PayerName | None, found: dict[int, _Evidence]
) -> None:
    matched: dict[int, tuple[str, LearnedAlias]] = {}
    for key in alias_keys(line):
        for index, alias in book.aliases.get(key, {}).items():
            matched.setdefault(index, (key, alias))
    refs = sorted(book.payees[index].ref for index in matched)
    for index, (key, alias) in matched.items():
        what = number_words(key) or (
            f"payer '{payer.text}'"
            if payer and key.startswith("name:")
            else f"reference '{line.reference}'"
        )
        evidence = found.setdefault(index, _Evidence())
        evidence.alias = alias
        evidence.alias_reason = (
            f"{what} was matched to {book.payees[index].ref} before (alias {alias.alias_id})"
        )
        if len(matched) > 1:
            evidence.conflict = f"this payer was matched before to {', '.join(refs)}: choose one"


def _candidate(
    book: _Book, index: int, found: _Evidence, line: MatchLine, payer: PayerName | None
) -> Candidate:
    payee = book.payees[index]
    amount = amount_hit(line.amount_cents, payee, book.items[index])
    reference, name = found.parts()
    reasons = [found.alias_reason, found.conflict]
    if found.reference is not None:
        reasons.append(found.reference.reason)
    if found.phone is not None:
        reasons.append(found.phone.reason)
    reasons.append(amount.reason)
    if found.name is not None and payer is not None:
        like = "is" if found.name.points == 20 else "is like"  # noqa: PLR2004 - equal names
        similarity = "" if found.name.points == 20 else f" ({found.name.similarity}%)"  # noqa: PLR2004
        reasons.append(f"payer '{payer.text}' {like} parent '{found.name.name}'{similarity}")
    if found.child is not None:
        reasons.append(f"the line names child '{found.child}'")
    if payee.drafts:
        reasons.append(drafts_reason(payee.drafts, line.date))
    named = set(found.reference.invoices) if found.reference else set()
    quoted = tuple(i.number for i in book.items[index] if i.number in named)  # oldest first
    return Candidate(
        household_id=payee.household_id,
        household_ref=payee.ref,
        invoice_numbers=quoted or amount.invoices,
        score=reference + amount.points + name,
        reference_points=reference,
        amount_points=amount.points,
        name_points=name,
        reasons=tuple(filter(None, reasons)),
        alias_id=found.alias.alias_id if found.alias else None,
        drafts=payee.drafts,
    )


def month_words(months: Sequence[dt.date], day: dt.date) -> str:
    """``March``, ``March and April``, ``December 2025 and January`` (a year not ``day``'s)."""
    names = [f"{m:%B}" if m.year == day.year else f"{m:%B %Y}" for m in sorted(set(months))]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def drafts_reason(drafts: Sequence[DraftItem], day: dt.date) -> str:
    """``March is not sent yet (INV-2026-03-0004 is a draft)``, for a line dated ``day``."""
    months = month_words([d.month for d in drafts], day)
    numbers = ", ".join(d.number for d in drafts)
    one = len({d.month for d in drafts}) == 1
    verb = "is" if one else "are"
    draft = "is a draft" if len(drafts) == 1 else "are drafts"
    return f"{months} {verb} not sent yet ({numbers} {draft})"


def _decide(candidates: Sequence[Candidate], conflict: bool) -> tuple[MatchOutcome, str]:
    """AUTO_APPLIED, REVIEW_REQUIRED or NO_MATCH, with why (module docstring)."""
    if not candidates:
        return MatchOutcome.NO_MATCH, "nothing on the line matches a household"
    why = _why_not_applied(candidates, conflict)
    return (MatchOutcome.REVIEW_REQUIRED, why) if why else (MatchOutcome.AUTO_APPLIED, "")


def _why_not_applied(candidates: Sequence[Candidate], conflict: bool) -> str:
    """Why the best candidate must not be applied by itself ("" when it may)."""
    best = candidates[0]
    second = candidates[1].score if len(candidates) > 1 else 0
    runner_up = candidates[1].household_ref if len(candidates) > 1 else "another household"
    checks = (
        (conflict, "the payer was matched before to more than one household"),
        (best.score < AUTO_APPLY_SCORE, f"the best match scores {best.score}, under 80"),
        (second >= AUTO_APPLY_SCORE, "more than one household scores 80 or more"),
        (
            best.reference_points == 0,
            "no reference matches: amount and name alone never apply money",
        ),
        (
            best.score - second <= CLOSE_MARGIN,
            f"{runner_up} scores within {CLOSE_MARGIN} points",
        ),
    )
    return next((why for failed, why in checks if failed), "")
