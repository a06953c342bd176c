"""What the OFX, QIF and CSV readers share: findings, descriptions, balances.

Every reader collects problems (which refuse the file) and warnings (which
do not) in a :class:`Findings`, then builds the :class:`Statement` with
:meth:`Findings.statement`, which refuses the file if anything was wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.statement import Statement, StatementLine, rows_reversed
from crechebooks_desktop.domain.text import one_line
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.dates import DateOrder, choose_order

__all__ = [
    "Findings",
    "Period",
    "chain_mismatches",
    "describe",
    "file_date_order",
    "running_balance",
]

# Enough to show a pattern; a file where every balance is off says so once.
_MAX_BALANCE_WARNINGS = 20
_WHOLE_FILE = 2**62


def describe(*parts: str | None) -> str:
    """Texts joined into one description, each on one line, without repeats.

    Each part is folded onto one line (``domain.text.one_line``: line breaks,
    tabs and other control characters become spaces). A part already
    contained in another (OFX often has NAME ``ACME`` and MEMO ``ACME PAYMENT
    123``) is dropped; the rest are joined with `` | ``.
    """
    texts = [text for text in (one_line(part) for part in parts if part) if text]
    if len(texts) <= 1:
        return texts[0] if texts else ""
    if len(texts) == 2:  # noqa: PLR2004 - the common case (name and memo), fast
        first, second = texts
        folded_first, folded_second = first.casefold(), second.casefold()
        if folded_first in folded_second:
            return second
        return first if folded_second in folded_first else f"{first} | {second}"
    kept: list[str] = []
    for text in texts:
        folded = text.casefold()
        if any(folded in other.casefold() for other in kept):
            continue
        kept = [other for other in kept if other.casefold() not in folded]
        kept.append(text)
    return " | ".join(kept)


@dataclass(frozen=True, slots=True)
class Period:
    """What a file says about its statement as a whole."""

    opening_cents: int | None = None
    closing_cents: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class Findings:
    """Problems and warnings found while reading one file."""

    file: str
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def problem(self, line: int, field_name: str, message: str) -> None:
        """Note a problem that refuses the file."""
        self.problems.append(ImportProblem(self.file, line, field_name, message))

    def warn(self, line: int, message: str) -> None:
        """Note something the user should know (``FILE:LINE: message``)."""
        self.warnings.append((line, f"{self.file}:{line}: {message}"))

    def note(self, message: str) -> None:
        """Note something about the whole file (listed after the lines' warnings)."""
        self.warnings.append((_WHOLE_FILE, f"{self.file}: {message}"))

    def zero_skipped(self, line: int) -> None:
        """Note a line of zero left out (the book holds no zero bank lines)."""
        self.warn(line, "a line of R 0,00 (a notice, not a transaction) was skipped")

    def statement(
        self,
        file_format: str,
        profile: str | None,
        lines: Sequence[StatementLine],
        period: Period = Period(),
        *,
        bank: str | None = None,
    ) -> Statement:
        """The statement read, or the file refused.

        Raises:
            ProblemsError: if any problem was found; it lists them all.
        """
        if self.problems:
            raise ProblemsError(self.problems, self.file)
        if not lines:
            self.note("no transactions in the file")
        return Statement(
            file_name=self.file,
            file_format=file_format,
            profile=profile,
            lines=tuple(lines),
            opening_balance_cents=period.opening_cents,
            closing_balance_cents=period.closing_cents,
            period_start=period.start,
            period_end=period.end,
            warnings=tuple(text for _, text in sorted(self.warnings, key=lambda w: w[0])),
            bank=bank,
        )


def file_date_order(dates: Iterable[tuple[int, str]], findings: Findings) -> DateOrder:
    """Decide once how to read a file's year-last dates (``dates.choose_order``).

    Args:
        dates: ``(line, date text)`` of every date in the file.
        findings: where an inferred order is noted, at the first date's line.

    Raises:
        UserFacingError: two dates prove opposite orders; both are named.
    """
    listed = list(dates)
    choice = choose_order((f"{findings.file}:{line}", text) for line, text in listed)
    if choice.conflict:
        first, second = choice.conflict
        raise UserFacingError(
            f"{findings.file} mixes date orders: {first} is day/month but {second} is "
            "month/day; export the file again"
        )
    if choice.warning and listed:
        findings.warn(listed[0][0], choice.warning)
    return choice.order


def chain_mismatches(lines: Sequence[StatementLine]) -> int:
    """How many running balances disagree, read in the better of the two orders."""
    backward = rows_reversed(lines)
    return min(_mismatches(lines, _opening(lines)), _mismatches(backward, _opening(backward)))


def running_balance(
    lines: Sequence[StatementLine], findings: Findings, stated: Period = Period()
) -> Period:
    """Check a running balance and find the opening and closing balances.

    Lines without a balance are skipped over (their amounts still count).
    Banks list lines oldest first or newest first; the file is checked in the
    direction in which its balances add up (oldest first on a tie). Every
    balance that disagrees is a warning, ``FILE:LINE: balance R X, lines add
    up to R Y``; when every balance that can be checked disagrees (two or
    more), the file is being read wrongly (a wrong column, a wrong sign) and
    it is refused. An opening or closing balance the file states
    (``stated``) is checked against the lines too.

    Returns:
        The opening and closing balances (None without balances).
    """
    forward = list(lines)
    if not any(line.balance_cents is not None for line in forward):
        return _stated_only(forward, findings, stated)
    backward = rows_reversed(forward)
    if _mismatches(backward, _opening(backward)) < _mismatches(forward, _opening(forward)):
        forward = backward
    derived = stated.opening_cents is None
    opening = _opening(forward) if derived else stated.opening_cents or 0
    closing = _check(forward, opening, findings, derived=derived)
    if stated.closing_cents is not None and stated.closing_cents != closing:
        findings.note(
            f"closing balance: the file says {format_rands(stated.closing_cents)}, "
            f"lines add up to {format_rands(closing)}"
        )
    return Period(opening_cents=opening, closing_cents=closing)


def _stated_only(lines: Sequence[StatementLine], findings: Findings, stated: Period) -> Period:
    """Without running balances: the stated opening plus the lines against the stated closing."""
    if stated.opening_cents is None:
        return Period(closing_cents=stated.closing_cents)
    closing = stated.opening_cents + sum(line.amount_cents for line in lines)
    if stated.closing_cents is not None and stated.closing_cents != closing:
        findings.note(
            f"closing balance: the file says {format_rands(stated.closing_cents)}, "
            f"the opening balance and the lines add up to {format_rands(closing)}"
        )
    return Period(stated.opening_cents, stated.closing_cents or closing)


def _opening(ordered: Sequence[StatementLine]) -> int:
    """The balance before the first line: the first given balance less the amounts to it."""
    total = 0
    for line in ordered:
        total += line.amount_cents
        if line.balance_cents is not None:
            return line.balance_cents - total
    return 0


def _mismatches(ordered: Sequence[StatementLine], opening: int) -> int:
    expected, count = opening, 0
    for line in ordered:
        expected += line.amount_cents
        if line.balance_cents is not None and line.balance_cents != expected:
            count += 1
            expected = line.balance_cents
    return count


def _check(
    ordered: Sequence[StatementLine], opening: int, findings: Findings, *, derived: bool
) -> int:
    """Walk the lines; warn where a given balance disagrees. Returns the closing balance.

    Refuses the file (a problem) when every balance that can be checked
    disagrees and there are at least two of them.
    """
    expected, checked = opening, 0
    disagreeing: list[tuple[StatementLine, int]] = []
    skip = derived  # a first balance that made the opening cannot disagree
    for line in ordered:
        expected += line.amount_cents
        if line.balance_cents is None:
            continue
        if skip:
            skip = False
            continue
        checked += 1
        if line.balance_cents != expected:
            disagreeing.append((line, expected))
            expected = line.balance_cents  # carry on from the bank's figure
    for line, added in disagreeing[:_MAX_BALANCE_WARNINGS]:
        findings.warn(
            line.line_no,
            f"balance {format_rands(line.balance_cents or 0)}, lines add up to "
            f"{format_rands(added)}",
        )
    if len(disagreeing) > _MAX_BALANCE_WARNINGS:
        findings.note(f"{len(disagreeing) - _MAX_BALANCE_WARNINGS} more balances do not add up")
    if checked >= 2 and len(disagreeing) == checked:  # noqa: PLR2004 - two make a pattern
        first, added = disagreeing[0]
        findings.problem(
            first.line_no,
            "balance",
            f"every running balance disagrees with the amounts (here the balance is "
            f"{format_rands(first.balance_cents or 0)} but the lines add up to "
            f"{format_rands(added)}): the columns are probably being read wrongly; "
            "check the bank's layout or map the columns",
        )
    return expected
