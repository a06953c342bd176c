"""Reading a CSV bank statement with one of the profiles.

A row with neither a date nor an amount (a total, a footer, an "Opening
balance" row without an amount) is skipped with a warning; a row with only
one of them, or with a malformed date or amount, is a problem, and any
problem refuses the whole file, listing every bad row as ``FILE:LINE:
column: message``.

Signs: a single amount column is signed as written (``CR``/``DR`` marks
and brackets understood). A money-out column (``Money Out``, ``Debit``,
``Payments``...) is money out whatever its sign, as banks write it either
way; a money-in column is taken as written. A row with both money in and
money out is a problem. A fee column (Capitec's ``Fee``, Nedbank's
``Fees``, ABSA's ``Charge``) becomes a line of its own, "FEE: <description>",
right after its transaction, with the row's balance, so a payment keeps its
own amount for matching.

The opening balance is the first balance less the first amount; the
running balance is checked line by line and every disagreement is a
warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.amounts import parse_bank_amount
from crechebooks_desktop.importers.bank.common import (
    Findings,
    describe,
    file_date_order,
    running_balance,
)
from crechebooks_desktop.importers.bank.csv_profiles import BY_NAME, Header, find_header
from crechebooks_desktop.importers.bank.dates import DateOrder, parse_date
from crechebooks_desktop.importers.bank.text import decode
from crechebooks_desktop.importers.tabular import ValueTooLong, csv_records

__all__ = ["read_csv", "read_under_header"]

_BALANCE_WORDS = ("balance", "saldo", "total")


class _Rows:
    """Reads the rows under a header into lines, noting problems.

    Rows are normalised first (cells stripped, short rows padded) and every
    absent column points at one always-blank cell past the end, so reading a
    cell is plain indexing: a 50,000-line file is read in a fraction of a second.
    """

    def __init__(
        self,
        header: Header,
        order: DateOrder,
        findings: Findings,
        date_format: str | None = None,
    ) -> None:
        self.header, self.order, self.findings = header, order, findings
        self.date_format = date_format
        self.dates: dict[str, dt.date] = {}
        self.lines: list[StatementLine] = []
        cols = header.columns
        named = (cols.amount, cols.money_in, cols.money_out, cols.fee, cols.balance)
        optional = (*named, cols.reference, cols.payer)
        self.width = max(p for p in (cols.date, *cols.description, *optional) if p is not None) + 1
        blank = self.width
        self.date_at, self.text_at = cols.date, cols.description
        self.amount_at, self.in_at, self.out_at, self.fee_at, self.balance_at = (
            blank if p is None else p for p in named
        )
        self.reference_at = blank if cols.reference is None else cols.reference
        self.payer_at = blank if cols.payer is None else cols.payer

    def normalise(self, cells: list[str]) -> list[str]:
        """The row's cells stripped, padded to the header's width plus the blank cell."""
        row = [cell.strip() for cell in cells[: self.width]]
        row.extend([""] * (self.width + 1 - len(row)))
        return row

    def name(self, position: int) -> str:
        names = self.header.names
        return names[position] if position < min(len(names), self.width) else "amount"

    def date(self, line: int, text: str) -> dt.date | None:
        if (cached := self.dates.get(text)) is not None:
            return cached
        try:
            if self.date_format:
                self.dates[text] = _strict_date(text, self.date_format)
            else:
                self.dates[text] = parse_date(text, self.order)
        except ValueError as exc:
            self.findings.problem(line, self.name(self.date_at), str(exc))
            return None
        return self.dates[text]

    def money(self, line: int, cells: list[str], position: int) -> int | None:
        text = cells[position]
        if not text:
            return None
        try:
            return parse_bank_amount(text)
        except ValueError as exc:
            self.findings.problem(line, self.name(position), str(exc))
            return None

    def amount(self, line: int, cells: list[str]) -> int:
        """The row's amount; 0 when blank (or wrong: the problem is noted)."""
        if cells[self.amount_at]:
            return self.money(line, cells, self.amount_at) or 0
        money_in = self.money(line, cells, self.in_at) or 0
        money_out = self.money(line, cells, self.out_at) or 0
        if money_in and money_out:
            self.findings.problem(line, "amount", "both money in and money out are given")
            return 0
        return money_in - abs(money_out)

    def has_amount(self, cells: list[str]) -> bool:
        return bool(
            cells[self.amount_at] or cells[self.in_at] or cells[self.out_at] or cells[self.fee_at]
        )

    def read(self, line: int, cells: list[str]) -> None:
        """Read one (normalised) row under the header."""
        date_text = cells[self.date_at]
        text = describe(*[cells[p] for p in self.text_at])
        if not self.has_amount(cells):
            if date_text and not any(word in text.lower() for word in _BALANCE_WORDS):
                self.findings.problem(line, "amount", "the amount is missing")
            else:
                self.findings.warn(line, f"a row without an amount was skipped: {text!r}")
            return
        before = len(self.findings.problems)
        if not date_text:
            self.findings.problem(line, self.name(self.date_at), "the date is missing")
        date = self.date(line, date_text) if date_text else None
        amount, fee = self.amount(line, cells), self.money(line, cells, self.fee_at) or 0
        balance = self.money(line, cells, self.balance_at)
        if date is not None and len(self.findings.problems) == before:
            self._add(line, date, (amount, fee), text, cells, balance)

    def _add(
        self,
        line: int,
        date: dt.date,
        amounts: tuple[int, int],
        text: str,
        cells: list[str],
        balance: int | None,
    ) -> None:
        amount, fee = amounts
        if amount == 0 and fee == 0:
            self.findings.zero_skipped(line)
            return
        reference = cells[self.reference_at] or None
        payer = cells[self.payer_at] or None
        if amount:
            self.lines.append(
                StatementLine(
                    line_no=line,
                    date=date,
                    amount_cents=amount,
                    description=text or "(no description)",
                    reference=reference,
                    payer=payer,
                    balance_cents=None if fee else balance,
                )
            )
        if fee:
            fee_line = StatementLine(line, date, -abs(fee), f"FEE: {text}", balance_cents=balance)
            self.lines.append(fee_line)


def _strict_date(text: str, date_format: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a day, no time
    except ValueError:
        raise ValueError(f"{text!r} is not a date in the form the mapping gives") from None


def _order(header: Header, rows: list[tuple[int, list[str]]], findings: Findings) -> DateOrder:
    if header.profile.day_first is not None:
        return DateOrder.DAY_FIRST if header.profile.day_first else DateOrder.MONTH_FIRST
    date_at = header.columns.date
    dates = ((line, cells[date_at] if date_at < len(cells) else "") for line, cells in rows)
    return file_date_order(dates, findings)


def _no_header(text: str, file: str, profile: str | None) -> UserFacingError:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    which = f"the {BY_NAME[profile].bank} layout" if profile else "a bank statement"
    return UserFacingError(
        f"{file}:1: header: no header row of {which} in the first 50 lines; a CSV statement "
        "needs columns for the date, the description and the amount (or money in and money "
        f"out); the file starts {first[:80]!r}"
    )


def _rows(text: str, header: Header) -> Iterable[tuple[int, list[str]]]:
    return (row for row in csv_records(text, header.delimiter) if row[0] > header.line)


def read_csv(data: bytes, file: str, profile: str | None = None) -> Statement:
    """Read a CSV statement.

    Args:
        data: the file's bytes.
        file: its name, for messages.
        profile: one of the profiles, or None to recognise it from the header.

    Returns:
        The statement, lines in file order.

    Raises:
        UserFacingError: not text, or no header row found.
        ProblemsError: rows with missing or malformed dates or amounts, or
            a value too long to read (the file's one problem).
    """
    text = decode(data, file)
    try:
        header = find_header(text, BY_NAME[profile] if profile else None)
    except ValueTooLong as exc:
        raise exc.refusal(file) from None
    if header is None:
        raise _no_header(text, file, profile)
    return read_under_header(text, file, header)


def read_under_header(
    text: str, file: str, header: Header, date_format: str | None = None
) -> Statement:
    """Read the rows of a decoded CSV under a header found or mapped.

    Args:
        text: the decoded file.
        file: its name, for messages.
        header: the header row and where each part of a line is.
        date_format: a ``strptime`` format for the date columns, or None to
            read them as banks write them (``dates.parse_date``).

    Raises:
        ProblemsError: rows with missing or malformed dates or amounts.
    """
    findings = Findings(file)
    try:
        rows = list(_rows(text, header))
    except ValueTooLong as exc:
        raise exc.refusal(file, header.names) from None
    order = DateOrder.DAY_FIRST if date_format else _order(header, rows, findings)
    reader = _Rows(header, order, findings, date_format)
    for line, cells in rows:
        reader.read(line, reader.normalise(cells))
    if not findings.problems:
        period = running_balance(reader.lines, findings)
        return findings.statement("csv", header.profile.name, reader.lines, period)
    return findings.statement("csv", header.profile.name, reader.lines)
