"""Reading a CSV bank statement under its header.

A row with neither a date nor an amount (a total, a footer, an "Opening
balance" row without an amount) is skipped with a warning; a row with only
one of them, or with a malformed date or amount, is a problem, and any
problem refuses the whole file, listing every bad row as ``FILE:LINE:
column: message``. Rows of another record type than the header's (FNB's
``2``/``3`` records, Standard Bank's ``OPEN``/``CLOSE``) are not rows.

Signs: a single amount column is signed as written (``CR``/``DR`` marks,
a trailing minus and brackets understood), or by a ``Debit / Credit``
column where the file has one. A money-out column (``Money Out``,
``Debit``, ``Payments``...) is money out whatever its sign, as banks write
it either way; a money-in column is taken as written. A row with both money
in and money out is a problem.

A fee column (Capitec's ``Fee``, Nedbank's ``Fees``, ABSA's ``Charge``)
becomes a line of its own, "FEE: <description>", right after its
transaction and with the row's balance, so a payment keeps its own amount
for matching, but only where the fee is taken off at that line: the
running balance decides (the reading whose balances chain wins), the bank's
profile where there is no balance. A fee charged later (ABSA's charges,
FNB's accrued charges) is already a line of its own further down.

The running balance is then checked line by line
(:func:`~crechebooks_desktop.importers.bank.common.running_balance`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.amounts import parse_bank_amount
from crechebooks_desktop.importers.bank.common import (
    Findings,
    Period,
    chain_mismatches,
    describe,
    file_date_order,
    running_balance,
)
from crechebooks_desktop.importers.bank.csv_preamble import Facts, facts
from crechebooks_desktop.importers.bank.csv_profiles import (
    BY_NAME,
    Header,
    blank_sep_line,
    clean,
    find_header,
)
from crechebooks_desktop.importers.bank.dates import DateOrder, parse_date
from crechebooks_desktop.importers.bank.text import decode
from crechebooks_desktop.importers.tabular import ValueTooLong, csv_records

__all__ = ["read_csv", "read_under_header"]

_BALANCE_WORDS = ("balance", "saldo", "total")
_OPENING_ROW = ("opening balance", "brought forward", "balance brought")
_CLOSING_ROW = ("closing balance", "carried forward", "balance carried")
_SPACES = re.compile(r"\s{2,}")
_YEARLESS = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?")
_NEAR = dt.timedelta(days=31)
_CREDIT_MARKS = ("cr", "c", "credit")
_DEBIT_MARKS = ("dr", "d", "debit", "-")


class _Row(NamedTuple):
    line: int
    date: dt.date
    transacted: dt.date | None
    amount: int
    fee: int
    text: str
    reference: str | None
    payer: str | None
    fitid: str | None
    balance: int | None


class _Rows:
    """Reads the rows under a header, noting problems.

    Rows are normalised first (cells cleaned, short rows padded) and every
    absent column points at one always-blank cell past the end, so reading a
    cell is plain indexing: a 50,000-line file is read in a fraction of a second.
    """

    def __init__(
        self, header: Header, findings: Findings, period: Facts, date_format: str | None
    ) -> None:
        self.header, self.findings, self.period = header, findings, period
        self.date_format = date_format
        self.order = DateOrder.DAY_FIRST
        self.dates: dict[str, dt.date] = {}
        self.rows: list[_Row] = []
        self.stated: dict[str, int] = {}  # an opening or closing balance row's figure
        cols = header.columns
        optional = (
            cols.amount,
            cols.money_in,
            cols.money_out,
            cols.fee,
            cols.balance,
            cols.reference,
            cols.payer,
            cols.transaction_date,
            cols.transaction_id,
            cols.indicator,
        )
        used = (cols.date, *cols.description, *optional)
        self.width = max(p for p in used if p is not None) + 1
        (
            self.amount_at,
            self.in_at,
            self.out_at,
            self.fee_at,
            self.balance_at,
            self.reference_at,
            self.payer_at,
            self.transacted_at,
            self.id_at,
            self.indicator_at,
        ) = (self.width if p is None else p for p in optional)

    def normalise(self, cells: list[str]) -> list[str]:
        """The row's cells cleaned, padded to the header's width plus the blank cell."""
        row = [clean(cell) for cell in cells[: self.width]]
        row.extend([""] * (self.width + 1 - len(row)))
        return row

    def name(self, position: int) -> str:
        names = self.header.names
        return names[position] if position < min(len(names), self.width) else "amount"

    def date(self, line: int, text: str, position: int) -> dt.date | None:
        if (cached := self.dates.get(text)) is not None:
            return cached
        try:
            self.dates[text] = self._parse_date(text)
        except ValueError as exc:
            self.findings.problem(line, self.name(position), str(exc))
            return None
        return self.dates[text]

    def _parse_date(self, text: str) -> dt.date:
        if self.date_format:
            try:
                return dt.datetime.strptime(text, self.date_format).date()  # noqa: DTZ007
            except ValueError:
                raise ValueError(f"{text!r} is not a date in the form the mapping gives") from None
        if _YEARLESS.fullmatch(text):
            return self._yearless(text)
        return parse_date(text, self.order)

    def _yearless(self, text: str) -> dt.date:
        """A date printed without its year (FNB's ``13 Aug``), placed in the statement's period."""
        start, end = self.period.start, self.period.end
        if start is None or end is None:
            raise ValueError(
                f"{text!r} has no year, and the file does not give its statement period"
            )
        for year in sorted({start.year, end.year}):
            day = parse_date(f"{text} {year}", DateOrder.DAY_FIRST)
            if start - _NEAR <= day <= end + _NEAR:
                return day
        raise ValueError(f"{text!r} is outside the statement's period {start} to {end}")

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
            return self._marked(line, cells, self.money(line, cells, self.amount_at) or 0)
        money_in = self.money(line, cells, self.in_at) or 0
        money_out = self.money(line, cells, self.out_at) or 0
        if money_in and money_out:
            self.findings.problem(line, "amount", "both money in and money out are given")
            return 0
        return money_in - abs(money_out)

    def _marked(self, line: int, cells: list[str], amount: int) -> int:
        """The amount signed by a ``Debit / Credit`` column, where there is one."""
        mark = cells[self.indicator_at].lower()
        if not mark or not amount:
            return amount
        credit = mark in _CREDIT_MARKS
        if not credit and mark not in _DEBIT_MARKS:
            self.findings.problem(line, self.name(self.indicator_at), f"{mark!r} is not CR or DR")
            return amount
        if credit and amount < 0:
            self.findings.problem(line, self.name(self.amount_at), "a minus sign on a credit")
        return abs(amount) if credit else -abs(amount)

    def has_amount(self, cells: list[str]) -> bool:
        return bool(
            cells[self.amount_at] or cells[self.in_at] or cells[self.out_at] or cells[self.fee_at]
        )

    def _no_amount(self, line: int, cells: list[str], date_text: str, text: str) -> None:
        """A row without an amount: a balance row (its figure kept as a check) or a problem."""
        words = text.lower()
        if date_text and not any(word in words for word in _BALANCE_WORDS):
            self.findings.problem(line, "amount", "the amount is missing")
            return
        balance = self.money(line, cells, self.balance_at)
        for key, marks in (("opening", _OPENING_ROW), ("closing", _CLOSING_ROW)):
            if balance is not None and any(mark in words for mark in marks):
                self.stated.setdefault(key, balance)
                return
        self.findings.warn(line, f"a row without an amount was skipped: {text!r}")

    def read(self, line: int, cells: list[str]) -> None:
        """Read one (normalised) row under the header."""
        cols = self.header.columns
        date_text = cells[cols.date]
        text = _SPACES.sub(" ", describe(*[cells[p] for p in cols.description]))
        if not self.has_amount(cells):
            self._no_amount(line, cells, date_text, text)
            return
        before = len(self.findings.problems)
        if not date_text:
            self.findings.problem(line, self.name(cols.date), "the date is missing")
        date = self.date(line, date_text, cols.date) if date_text else None
        transacted_text = cells[self.transacted_at]
        transacted = (
            self.date(line, transacted_text, self.transacted_at) if transacted_text else None
        )
        amount, fee = self.amount(line, cells), self.money(line, cells, self.fee_at) or 0
        balance = self.money(line, cells, self.balance_at)
        if date is None or len(self.findings.problems) != before:
            return
        if amount == 0 and fee == 0:
            self.findings.zero_skipped(line)
            return
        fitid = cells[self.id_at].lstrip("0 ") or None
        row = _Row(
            line,
            date,
            transacted if transacted != date else None,
            amount,
            -abs(fee),
            text or "(no description)",
            cells[self.reference_at] or None,
            cells[self.payer_at] or None,
            fitid,
            balance,
        )
        self.rows.append(row)


def _lines(rows: Sequence[_Row], fee_deducted: bool) -> list[StatementLine]:
    lines: list[StatementLine] = []
    for row in rows:
        fee = row.fee if fee_deducted else 0
        if row.amount:
            lines.append(
                StatementLine(
                    line_no=row.line,
                    date=row.date,
                    amount_cents=row.amount,
                    description=row.text,
                    reference=row.reference,
                    payer=row.payer,
                    fitid=row.fitid,
                    balance_cents=None if fee else row.balance,
                    transaction_date=row.transacted,
                )
            )
        if fee:
            fitid = f"{row.fitid}-fee" if row.fitid else None
            lines.append(
                StatementLine(
                    row.line,
                    row.date,
                    fee,
                    f"FEE: {row.text}",
                    fitid=fitid,
                    balance_cents=row.balance,
                    transaction_date=row.transacted,
                )
            )
    return lines


def _with_fees(header: Header, rows: Sequence[_Row], findings: Findings) -> list[StatementLine]:
    """The lines, with fees taken off at their lines or not, as the balances show."""
    if not any(row.fee for row in rows):
        return _lines(rows, fee_deducted=True)
    deducted, accrued = _lines(rows, fee_deducted=True), _lines(rows, fee_deducted=False)
    by_deducting, by_accruing = chain_mismatches(deducted), chain_mismatches(accrued)
    if by_deducting == by_accruing:
        take_off = header.profile.fee_deducted
    else:
        take_off = by_deducting < by_accruing
    if not take_off:
        at, names = header.columns.fee, header.names
        fees = names[at] if at is not None and at < len(names) else "fee"
        findings.note(
            f"the {fees!r} column's fees are charged later as lines of their own, "
            "so they were not taken off at their lines"
        )
    return deducted if take_off else accrued


def _order(header: Header, rows: list[tuple[int, list[str]]], findings: Findings) -> DateOrder:
    if header.profile.day_first is not None:
        return DateOrder.DAY_FIRST if header.profile.day_first else DateOrder.MONTH_FIRST
    date_at = header.columns.date
    dates = ((line, clean(cells[date_at]) if date_at < len(cells) else "") for line, cells in rows)
    return file_date_order(dates, findings)


def _no_header(text: str, file: str, profile: str | None) -> UserFacingError:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    which = f"the {BY_NAME[profile].bank} layout" if profile else "a bank statement"
    return UserFacingError(
        f"{file}:1: header: no header row of {which} in the first 50 lines; a CSV statement "
        "needs columns for the date, the description and the amount (or money in and money "
        f"out); the file starts {first[:80]!r}. Say which column is which with Map columns in "
        "the import dialog, or with: crechebooks bank profiles add NAME --from-file FILE ..."
    )


def _rows(text: str, header: Header) -> Iterable[tuple[int, list[str]]]:
    rows = (row for row in csv_records(text, header.delimiter) if row[0] > header.line)
    if header.record is None:
        return rows
    record = header.record.upper()
    return (row for row in rows if clean(row[1][0]).upper() == record)


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
            a value too long to read (the file's one problem), or balances
            that all disagree with the amounts.
    """
    text = blank_sep_line(decode(data, file))
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
        ProblemsError: rows with missing or malformed dates or amounts, or
            balances that all disagree with the amounts.
    """
    findings = Findings(file)
    try:
        rows = list(_rows(text, header))
    except ValueTooLong as exc:
        raise exc.refusal(file, header.names) from None
    stated = facts(header.preamble)
    reader = _Rows(header, findings, stated, date_format)
    if not date_format:
        reader.order = _order(header, rows, findings)
    for line, cells in rows:
        reader.read(line, reader.normalise(cells))
    if header.columns.accrued is not None:
        findings.note(
            f"the {header.names[header.columns.accrued]!r} column (fees charged later as lines "
            "of their own) was not taken off at its lines"
        )
    profile, bank = header.profile.name, _bank(header)
    if findings.problems:
        return findings.statement("csv", profile, [], bank=bank)
    lines = _with_fees(header, reader.rows, findings)
    opening = reader.stated.get("opening", stated.opening_cents)
    closing = reader.stated.get("closing", stated.closing_cents)
    period = running_balance(lines, findings, Period(opening, closing))
    if stated.start and stated.end:
        period = Period(period.opening_cents, period.closing_cents, stated.start, stated.end)
    return findings.statement("csv", profile, lines, period, bank=bank)


def _bank(header: Header) -> str | None:
    known = BY_NAME.get(header.profile.name)
    return None if known is None or known.name == "generic" else known.bank
