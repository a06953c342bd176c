"""A bank statement as read from a file, and how its lines are told apart.

The importers (OFX, QIF, CSV) turn a file into a :class:`Statement`; the bank
import service stores its lines, skipping those an earlier import already
brought in. Two lines are the same line when their :func:`dedup_keys` agree:

- where the bank gives a FITID, the key is the FITID *with* the amount and
  the date, because banks reuse one FITID for a fee and its transaction;
- otherwise the key is the line's content (date, amount, description,
  reference) with its occurrence count in the file, so two genuine identical
  lines on one day (two R500 cash deposits) stay two lines, while the same
  line in an overlapping statement is recognised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Statement", "StatementLine", "dedup_keys", "rows_reversed"]

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One transaction on a statement.

    Attributes:
        line_no: the physical line of the file it came from (1 is the first),
            for messages.
        date: the day it was posted (value date where that is all there is).
        amount_cents: money in is positive (a credit), money out negative.
        description: the bank's text for it (memo and name joined), trimmed.
        reference: the payer's reference where the file keeps it apart.
        payer: the payer's name where the file keeps it apart.
        fitid: the bank's transaction id (OFX FITID), or None when absent or
            empty.
        balance_cents: the running balance after this line, when given.
        transaction_date: the day the payer made it, where the bank gives it
            apart from the posting day (Capitec, Investec); shown, while
            ``date`` places the line on the statement and its balance.
    """

    line_no: int
    date: dt.date
    amount_cents: int
    description: str
    reference: str | None = None
    payer: str | None = None
    fitid: str | None = None
    balance_cents: int | None = None
    transaction_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement file, read.

    Attributes:
        file_name: the file's name as the user gave it.
        file_format: ``ofx``, ``qif``, ``csv`` or ``pdf``.
        profile: the CSV or PDF layout read (``fnb``, ``capitec``... or
            ``generic``), or a saved column mapping's name; None for OFX and QIF.
        lines: the transactions, in file order.
        opening_balance_cents: the balance before the first line, if known.
        closing_balance_cents: the balance after the last line, if known.
        period_start: the first day the statement covers, if known.
        period_end: the last day it covers, if known.
        warnings: things the user should know that do not stop the import
            (a running balance that does not add up, notice lines of zero
            skipped), each naming the file and line.
        bank: the bank whose layout was recognised (``Capitec``...), or None.
    """

    file_name: str
    file_format: str
    profile: str | None
    lines: tuple[StatementLine, ...]
    opening_balance_cents: int | None = None
    closing_balance_cents: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    warnings: tuple[str, ...] = ()
    bank: str | None = None


def rows_reversed(lines: Sequence[StatementLine]) -> list[StatementLine]:
    """The lines in the opposite row order, each row's lines kept in their order.

    A row of a file can make two lines (a transaction and its fee, which
    carries the row's balance), so a newest-first file is read oldest first
    by reversing its rows, not its lines.
    """
    rows: list[list[StatementLine]] = []
    for line in lines:
        if rows and rows[-1][0].line_no == line.line_no:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in reversed(rows) for line in row]


def _content(line: StatementLine) -> str:
    text = _SPACES.sub(" ", line.description).strip().upper()
    ref = _SPACES.sub(" ", line.reference or "").strip().upper()
    return f"{line.date.isoformat()}|{line.amount_cents}|{text}|{ref}"


def dedup_keys(lines: Sequence[StatementLine]) -> list[str]:
    """The key of each line that says whether it was imported before.

    Args:
        lines: a statement's lines, in file order.

    Returns:
        One key per line, at most 80 characters: ``F:`` + a digest of the
        FITID, amount and date, or ``C:`` + a digest of the content and its
        occurrence number within these lines.
    """
    seen: Counter[str] = Counter()
    keys = []
    for line in lines:
        if line.fitid:
            raw = f"{line.fitid}|{line.amount_cents}|{line.date.isoformat()}"
            keys.append("F:" + hashlib.sha256(raw.encode()).hexdigest())
            continue
        content = _content(line)
        seen[content] += 1
        raw = f"{content}|{seen[content]}"
        keys.append("C:" + hashlib.sha256(raw.encode()).hexdigest())
    return keys
