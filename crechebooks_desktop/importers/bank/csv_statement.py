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
from crechebooks_desktop.importers.bank.common import Findings, describe, running_balance
from crechebooks_desktop.importers.bank.csv_profiles import BY_NAME, Header, find_header, records
from crechebooks_desktop.importers.bank.dates import DateOrder, choose_order, parse_date
from crechebooks_desktop.importers.bank.text import decode

__all__ = ["read_csv"]

_BALANCE_WORDS = ("balance", "saldo", "total")


def _cell(cells: list[str], position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


class _Rows:
    """Reads the rows under a header into lines, noting problems."""

    def __init__(self, header: Header, order: DateOrder, findings: Findings) -> None:
        self.header, self.columns = header, header.columns
        self.order, self.findings = order, findings
        self.dates: dict[str, dt.date] = {}
        self.lines: list[StatementLine] = []

    def name(self, position: int | None) -> str:
        names = self.header.names
        return names[position] if position is not None and position < len(names) else "amount"

    def date(self, line: int, text: str) -> dt.date | None:
        if (cached := self.dates.get(text)) is not None:
            return cached
        try:
            self.dates[text] = parse_date(text, self.order)
        except ValueError as exc:
            self.findings.problem(line, self.name(self.columns.date), str(exc))
            return None
        return self.dates[text]

    def money(self, line: int, cells: list[str], position: int | None) -> int | None:
        text = _cell(cells, position)
        if not text:
            return None
        try:
            return parse_bank_amount(text)
        except ValueError as exc:
            self.findings.problem(line, self.name(position), str(exc))
            return None

    def amount(self, line: int, cells: list[str]) -> int:
        """The row's amount; 0 when blank (or wrong: the problem is noted)."""
        cols = self.columns
        if cols.amount is not None and _cell(cells, cols.amount):
            return self.money(line, cells, cols.amount) or 0
        money_in = self.money(line, cells, cols.money_in) or 0
        money_out = self.money(line, cells, cols.money_out) or 0
        if money_in and money_out:
            self.findings.problem(line, "amount", "both money in and money out are given")
            return 0
        return money_in - abs(money_out)

    def has_amount(self, cells: list[str]) -> bool:
        cols = self.columns
        return any(_cell(cells, p) for p in (cols.amount, cols.money_in, cols.money_out, cols.fee))

    def read(self, line: int, cells: list[str]) -> None:
        """Read one row under the header."""
        date_text = _cell(cells, self.columns.date)
        text = describe(*(_cell(cells, p) for p in self.columns.description))
        if not self.has_amount(cells):
            if date_text and not any(word in text.lower() for word in _BALANCE_WORDS):
                self.findings.problem(line, "amount", "the amount is missing")
            else:
                self.findings.warn(line, f"a row without an amount was skipped: {text!r}")
            return
        before = len(self.findings.problems)
        if not date_text:
            self.findings.problem(line, self.name(self.columns.date), "the date is missing")
        date = self.date(line, date_text) if date_text else None
        amount, fee = self.amount(line, cells), self.money(line, cells, self.columns.fee) or 0
        balance = self.money(line, cells, self.columns.balance)
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
        reference = _cell(cells, self.columns.reference) or None
        payer = _cell(cells, self.columns.payer) or None
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


def _order(header: Header, rows: list[tuple[int, list[str]]], findings: Findings) -> DateOrder:
    if header.profile.day_first is not None:
        return DateOrder.DAY_FIRST if header.profile.day_first else DateOrder.MONTH_FIRST
    texts = ((f"{findings.file}:{line}", _cell(cells, header.columns.date)) for line, cells in rows)
    choice = choose_order(texts)
    if choice.conflict:
        first, second = choice.conflict
        raise UserFacingError(
            f"{findings.file} mixes date orders: {first} is day/month but {second} is "
            "month/day; export the file again"
        )
    if choice.warning and rows:
        findings.warn(rows[0][0], choice.warning)
    return choice.order


def _no_header(text: str, file: str, profile: str | None) -> UserFacingError:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    which = f"the {BY_NAME[profile].bank} layout" if profile else "a bank statement"
    return UserFacingError(
        f"{file}:1: header: no header row of {which} in the first 50 lines; a CSV statement "
        "needs columns for the date, the description and the amount (or money in and money "
        f"out); the file starts {first[:80]!r}"
    )


def _rows(text: str, header: Header) -> Iterable[tuple[int, list[str]]]:
    return (row for row in records(text, header.delimiter) if row[0] > header.line)


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
        ProblemsError: rows with missing or malformed dates or amounts.
    """
    text = decode(data, file)
    header = find_header(text, BY_NAME[profile] if profile else None)
    if header is None:
        raise _no_header(text, file, profile)
    findings = Findings(file)
    rows = list(_rows(text, header))
    reader = _Rows(header, _order(header, rows, findings), findings)
    for line, cells in rows:
        reader.read(line, cells)
    if not findings.problems:
        period = running_balance(reader.lines, findings)
        return findings.statement("csv", header.profile.name, reader.lines, period)
    return findings.statement("csv", header.profile.name, reader.lines)
