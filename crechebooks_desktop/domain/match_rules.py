"""Reference and amount points for matching (docs/RULES.md, Matching).

The rules in full:

*Reference* (40 / 30 / 15). References are compared *compact*: upper case,
letters and digits only, so ``inv 2026-000123`` is ``INV2026000123``.

- 40: the whole reference field equals an invoice number or an account
  reference; or one word of the description or reference (split at spaces and
  ``/,;:()``) equals one.
- 30: the number or account reference occurs inside the line's text
  (description and reference run together), e.g. ``PAYMENTDLAMINI01``. When it
  ends (or starts) with a digit, the next (or previous) character must not be a
  digit of the same word, so ``DLAMINI01`` is not found in ``DLAMINI012``.
- 15: the line's text ends with the invoice's digits: its trailing run of
  digits equals all the invoice's digits (``2026000123``), or, less leading
  zeros, the invoice's last run of digits (``123`` or ``000123`` for
  ``INV-2026-000123``) when that is at least three significant digits and the
  run is no longer than the invoice's own (so a 10-digit phone number never
  counts, and invoices 1 to 99 are never matched this way: too weak).

The second and third rules, and the word rule, apply only to
identifier-like keys: four characters or more with a digit. An account
reference that is a plain word (``SMITH``) counts only when it is the whole
reference field, so a surname in a payer name is never taken for it.

*Amount* (40 / 38 / 35 / 25) against each open invoice's balance due and the
household's total outstanding: equal 40; within R1.00 38; within 1% 35;
within 5% 25, the percentages of the balance compared with, boundaries
included (``|amount - balance| * 100 <= balance``), in whole cents.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.payer_names import name_tokens, words

if TYPE_CHECKING:  # matching imports this module; its dataclasses are only annotations here
    from crechebooks_desktop.domain.matching import OpenItem, Payee

__all__ = [
    "AmountHit",
    "AmountIndex",
    "LineText",
    "RefHit",
    "ReferenceIndex",
    "amount_hit",
    "amount_points",
    "best_amount",
    "covered",
    "line_text",
    "oldest_first",
]

_SPLIT = re.compile(r"[\s/,;:()]+")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_TRAILING_DIGITS = re.compile(r"\d+$")
_DIGITS = re.compile(r"\d+")
_NOT_DIGIT = re.compile(r"\D+")
_LAST_DIGITS = re.compile(r"\d+(?=\D*$)")
_MIN_IDENTIFIER = 4
_MIN_SIGNIFICANT = 3
_NEAR_CENTS = 100
_MAX_AMOUNT_ONLY = 5
_MAX_WINDOW_ENTRIES = 50


def _ascii_upper(text: str) -> str:
    """Upper case without accents, as :func:`words` reads text."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.upper()


def _compact(text: str) -> str:
    """Upper-case letters and digits only: ``inv-2026 000123`` -> ``INV2026000123``."""
    return _NOT_WORD.sub("", _ascii_upper(text))


@dataclass(frozen=True, slots=True)
class LineText:
    """A bank line's text, prepared once for every reference rule.

    Attributes:
        reference: the whole reference field, compact ("" when none).
        tokens: the compact words of description and reference.
        compact: description and reference run together, compact.
        breaks: positions in ``compact`` where a new word started.
        trailing_digits: the run of digits ``compact`` ends with ("" if none).
        words: the name tokens of description, reference and payer (for
            children's names).
    """

    reference: str
    tokens: tuple[str, ...]
    compact: str
    breaks: frozenset[int]
    trailing_digits: str
    words: frozenset[str]


def line_text(description: str, reference: str | None, payer: str | None) -> LineText:
    """Prepare a line's text for the reference rules.

    Args:
        description: The bank's description.
        reference: The reference field, if any.
        payer: The payer field, if any (used for names only).

    Returns:
        The prepared text.
    """
    text = f"{description} {reference or ''}"
    parts = words(text)
    plain = _ascii_upper(text)
    starts: list[int] = []
    offset = 0
    for part in parts:
        starts.append(offset)
        offset += len(part)
    compact = "".join(parts)
    trailing = _TRAILING_DIGITS.search(compact)
    return LineText(
        reference=_compact(reference or ""),
        tokens=tuple(
            dict.fromkeys(filter(None, (_NOT_WORD.sub("", t) for t in _SPLIT.split(plain))))
        ),
        compact=compact,
        breaks=frozenset(starts),
        trailing_digits=trailing.group() if trailing else "",
        words=frozenset(name_tokens(f"{text} {payer or ''}")),
    )


@dataclass(frozen=True, slots=True)
class _Target:
    """An invoice number or account reference that a line may quote."""

    payee: int
    household_ref: str
    invoice: OpenItem | None

    @property
    def label(self) -> str:
        """The number or reference as the book writes it."""
        return self.invoice.number if self.invoice else self.household_ref


@dataclass(frozen=True, slots=True)
class RefHit:
    """The best reference points one household gets from a line."""

    points: int
    reason: str
    invoices: tuple[str, ...]


def _is_identifier(key: str) -> bool:
    return len(key) >= _MIN_IDENTIFIER and _DIGITS.search(key) is not None


def _reason(points: int, target: _Target, text: LineText) -> str:
    ref = target.household_ref
    if target.invoice is None:
        if points == 40:  # noqa: PLR2004 - the exact tier
            return f"reference {target.label} is {ref}'s account reference"
        return f"the line's text contains {ref}'s account reference"
    if points == 40:  # noqa: PLR2004
        return f"reference {target.label} is an invoice number of {ref}"
    if points == 30:  # noqa: PLR2004
        return f"the line's text contains invoice number {target.label} of {ref}"
    return f"the line ends with {text.trailing_digits}, the digits of {target.label} of {ref}"


class ReferenceIndex:
    """Invoice numbers and account references of every payee, for lookups."""

    def __init__(self, payees: Sequence[Payee]) -> None:
        self._whole: dict[str, list[_Target]] = {}
        self._digit_ending: dict[int, dict[str, list[_Target]]] = {}
        self._letter_ending: dict[int, dict[str, list[_Target]]] = {}
        self._by_digits: dict[str, list[_Target]] = {}
        self._by_sequence: dict[str, list[tuple[int, _Target]]] = {}
        for index, payee in enumerate(payees):
            self._add(_compact(payee.ref), _Target(index, payee.ref, None))
            for item in payee.invoices:
                target = _Target(index, payee.ref, item)
                self._add(_compact(item.number), target)
                self._add_digits(item.number, target)

    def _add(self, key: str, target: _Target) -> None:
        if not key:
            return
        self._whole.setdefault(key, []).append(target)
        if _is_identifier(key):
            by_length = self._digit_ending if key[-1].isdigit() else self._letter_ending
            by_length.setdefault(len(key), {}).setdefault(key, []).append(target)

    def _add_digits(self, number: str, target: _Target) -> None:
        digits = _NOT_DIGIT.sub("", number)
        sequence = _LAST_DIGITS.search(number)
        if digits:
            self._by_digits.setdefault(digits, []).append(target)
        if sequence and len(sequence.group().lstrip("0")) >= _MIN_SIGNIFICANT:
            run = sequence.group()
            self._by_sequence.setdefault(run.lstrip("0"), []).append((len(run), target))

    def hits(self, text: LineText) -> dict[int, RefHit]:
        """The best reference points of each household the line quotes.

        Args:
            text: The line's prepared text.

        Returns:
            Payee index -> its best hit; invoices quoted at the same level are
            all listed.
        """
        best: dict[int, RefHit] = {}
        for points, target in self._found(text):
            hit = best.get(target.payee)
            invoice = (target.invoice.number,) if target.invoice else ()
            if hit is None or points > hit.points:
                best[target.payee] = RefHit(points, _reason(points, target, text), invoice)
            elif points == hit.points and invoice and invoice[0] not in hit.invoices:
                best[target.payee] = RefHit(points, hit.reason, hit.invoices + invoice)
        return best

    def _found(self, text: LineText) -> Iterator[tuple[int, _Target]]:
        for target in self._whole.get(text.reference, ()):
            yield 40, target
        for token in text.tokens:
            if _is_identifier(token):
                for target in self._whole.get(token, ()):
                    yield 40, target
        yield from self._contained(text)
        yield from self._ending(text)

    def _contained(self, text: LineText) -> Iterator[tuple[int, _Target]]:
        # An identifier ends in a digit (nearly always) or a letter. One ending
        # in a digit can only end where a run of digits does (or at a word
        # break), so only those few places are tried; the rest everywhere.
        compact = text.compact
        ends = {m.end() for m in _DIGITS.finditer(compact)}
        ends.update(b for b in text.breaks if b and compact[b - 1].isdigit())
        for length, keys in self._digit_ending.items():
            for end in ends:
                yield from self._at(text, keys, end - length, end)
        for length, keys in self._letter_ending.items():
            for start in range(len(compact) - length + 1):
                yield from self._at(text, keys, start, start + length)

    @staticmethod
    def _at(
        text: LineText, keys: dict[str, list[_Target]], start: int, end: int
    ) -> Iterator[tuple[int, _Target]]:
        targets = keys.get(text.compact[start:end]) if start >= 0 else None
        if targets and _bounded(text, start, end):
            for target in targets:
                yield 30, target

    def _ending(self, text: LineText) -> Iterator[tuple[int, _Target]]:
        run = text.trailing_digits
        for target in self._by_digits.get(run, ()) if run else ():
            yield 15, target
        for length, target in self._by_sequence.get(run.lstrip("0"), ()) if run else ():
            if len(run) <= length:
                yield 15, target


def _bounded(text: LineText, start: int, end: int) -> bool:
    """Whether a key found at [start, end) does not cut a run of digits in two."""
    compact = text.compact
    after_ok = end >= len(compact) or end in text.breaks or not compact[end].isdigit()
    before_ok = start == 0 or start in text.breaks or not compact[start - 1].isdigit()
    digit_end, digit_start = compact[end - 1].isdigit(), compact[start].isdigit()
    return (after_ok or not digit_end) and (before_ok or not digit_start)


def amount_points(amount_cents: int, balance_cents: int) -> int:
    """Amount points (docs/RULES.md, Matching) of a line amount against one balance.

    Args:
        amount_cents: The line's amount.
        balance_cents: An invoice's balance due or a household's total (> 0).

    Returns:
        40 equal; 38 within R1.00; 35 within 1%; 25 within 5%; else 0.
    """
    diff = abs(amount_cents - balance_cents)
    if diff == 0:
        return 40
    if diff <= _NEAR_CENTS:
        return 38
    if diff * 100 <= balance_cents:
        return 35
    if diff * 20 <= balance_cents:
        return 25
    return 0


# The same few fee amounts are written thousands of times in a run.
_rands = functools.lru_cache(maxsize=4096)(format_rands)
_NEARNESS = {38: f"within {format_rands(_NEAR_CENTS)} of", 35: "within 1% of", 25: "within 5% of"}


@dataclass(frozen=True, slots=True)
class AmountHit:
    """A household's amount points for a line, with why and where the money goes."""

    points: int
    reason: str
    invoices: tuple[str, ...]


def oldest_first(items: Sequence[OpenItem]) -> list[OpenItem]:
    """Open invoices in allocation order: due date, then number."""
    return sorted(items, key=lambda item: (item.due_date, item.number))


def covered(items: Sequence[OpenItem], amount_cents: int) -> tuple[str, ...]:
    """The invoices an amount reaches when allocated oldest first.

    Args:
        items: The household's open invoices, oldest first.
        amount_cents: The amount.

    Returns:
        Their numbers, oldest first, up to the one the amount runs out in.
    """
    numbers: list[str] = []
    left = amount_cents
    for item in items:
        if left <= 0:
            break
        numbers.append(item.number)
        left -= item.balance_due_cents
    return tuple(numbers)


def best_amount(
    amount_cents: int, items: Sequence[OpenItem], outstanding_cents: int
) -> tuple[int, OpenItem | None]:
    """The best amount points of a household, and the invoice that gave them.

    Args:
        amount_cents: The line's amount.
        items: The household's open invoices, oldest first.
        outstanding_cents: The household's total outstanding.

    Returns:
        (points, invoice); the invoice is None when the total scored higher
        than every invoice (an invoice wins a tie, the oldest first).
    """
    points, best = 0, None
    for item in items:
        got = amount_points(amount_cents, item.balance_due_cents)
        if got > points:
            points, best = got, item
    if outstanding_cents > 0:
        total = amount_points(amount_cents, outstanding_cents)
        if total > points:
            return total, None
    return points, best


def amount_hit(amount_cents: int, payee: Payee, items: Sequence[OpenItem]) -> AmountHit:
    """Score a line's amount against a household's invoices and total.

    Args:
        amount_cents: The line's amount.
        payee: The household.
        items: Its open invoices, oldest first.

    Returns:
        The best points with a reason, and the invoices the money would go
        to: the oldest invoice whose balance equals the amount, else those the
        amount covers oldest first.
    """
    points, item = best_amount(amount_cents, items, payee.outstanding_cents)
    reaches = covered(items, amount_cents)
    money = _rands(amount_cents)
    if not points:
        return AmountHit(0, "", reaches)
    if item is None:
        total = _rands(payee.outstanding_cents)
        if points == 40:  # noqa: PLR2004 - the exact tier
            return AmountHit(
                points, f"amount equals {payee.ref}'s total outstanding ({total})", reaches
            )
        reason = f"amount {money} is {_NEARNESS[points]} {payee.ref}'s total outstanding ({total})"
        return AmountHit(points, reason, reaches)
    if points == 40:  # noqa: PLR2004
        reason = f"amount {money} equals the balance due on {item.number}"
        return AmountHit(points, reason, (item.number,))
    balance = _rands(item.balance_due_cents)
    reason = f"amount {money} is {_NEARNESS[points]} the balance due on {item.number} ({balance})"
    return AmountHit(points, reason, reaches)


class AmountIndex:
    """Every balance a line amount can be compared with, sorted for windows."""

    def __init__(self, payees: Sequence[Payee]) -> None:
        pairs = {
            (balance, index)
            for index, payee in enumerate(payees)
            for balance in (payee.outstanding_cents, *(i.balance_due_cents for i in payee.invoices))
            if balance > 0
        }
        ordered = sorted(pairs)
        self._balances = [balance for balance, _ in ordered]
        self._payees = [index for _, index in ordered]

    def amount_only(self, amount_cents: int) -> tuple[int, ...]:
        """Households to suggest on the amount alone, or none when too many.

        The windows are tried closest first (equal, R1.00, 1%, 5%); the first
        that holds any balance decides: its households are suggested when there
        are at most five of them, else none (a month in which 300 households owe
        R3 500 must not flood the review list).

        Args:
            amount_cents: The line's amount (> 0).

        Returns:
            Payee indexes, or () when no window has few enough.
        """
        for low, high in _windows(amount_cents):
            start = bisect.bisect_left(self._balances, low)
            stop = bisect.bisect_right(self._balances, high)
            if stop > start:
                if stop - start > _MAX_WINDOW_ENTRIES:
                    return ()
                found = tuple(dict.fromkeys(self._payees[start:stop]))
                return found if len(found) <= _MAX_AMOUNT_ONLY else ()
        return ()


def _windows(amount: int) -> tuple[tuple[int, int], ...]:
    """Balance ranges for 40, 38, 35 and 25 points (see :func:`amount_points`)."""
    return (
        (amount, amount),
        (amount - _NEAR_CENTS, amount + _NEAR_CENTS),
        (-(-100 * amount // 101), 100 * amount // 99),
        (-(-20 * amount // 21), 20 * amount // 19),
    )
