"""Walking a statement's pages: the transaction table's lines, read into entries.

On each page the table starts under its heading line (a table split over
pages repeats its heading). Under it:

- a line with a date and an amount starts a transaction;
- a line without a date or amount close under a transaction continues its
  description (descriptions run over two or more lines; ING prints the value
  date under the booking date), and one without a date but with an amount
  gives the amount to a transaction that has none yet, or is a second
  transaction on the same day;
- a balance line (brought forward, carried forward, opening, closing) is a
  checkpoint, not a transaction, and a total is skipped;
- text in the date column that is not a date ends the table on that page
  (the summary or the small print under it); before the first transaction it
  is part of the heading (a second heading line, a card's name).

Lines above and below the table are searched for labelled balances
(``labels.header_balances``) and, above the first table, for the period.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.importers.bank.pdf.headings import Column, Role, Table, find_table
from crechebooks_desktop.importers.bank.pdf.labels import (
    Label,
    Labelled,
    header_balances,
    label_of,
)
from crechebooks_desktop.importers.bank.pdf.money import Printed, read_money
from crechebooks_desktop.importers.bank.pdf.problems import Notes
from crechebooks_desktop.importers.bank.pdf.rows import Row

__all__ = ["Checkpoint", "Entry", "Walk", "balance_of", "walk"]

_DATE_LIKE = re.compile(
    r"\d{1,2}[./ -]\d{1,2}\.?(?:[./ -]\d{2,4})?|\d{1,2}[ -]?[A-Za-z]{3,9}\.?(?:[ -]?\d{2,4})?"
    r"|\d{4}[./-]?\d{2}[./-]?\d{2}"
)
_CLOSE = 2.2  # a continuation line is within this many text sizes of the line above
_MONEY_ROLES = (Role.AMOUNT, Role.DEBIT, Role.CREDIT, Role.FEE)


@dataclass
class Entry:
    """A transaction as read: its lines' texts and amounts, before signs and dates."""

    row: Row
    date_text: str
    texts: list[str]
    references: list[str]
    money: dict[Role, Printed]
    last_baseline: float

    def has_money(self) -> bool:
        """Whether the entry has an amount (a fee alone counts)."""
        return any(role in self.money for role in _MONEY_ROLES)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A balance line in the table: where it is, which, and the balance."""

    row: Row
    label: Label
    cents: int
    after: int  # how many entries come before it


@dataclass
class Walk:
    """Everything read from the pages."""

    entries: list[Entry] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    outside: list[Labelled] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    card: bool = False
    tables: int = 0


class _Page:
    """Reads one page's lines under its heading."""

    def __init__(self, table: Table, result: Walk, notes: Notes) -> None:
        self.table, self.result, self.notes = table, result, notes
        self.current: Entry | None = None
        self.started = False
        self.inside: set[int] = set()

    def _text(self, cells: dict[Column, list[str]], role: Role) -> str:
        return " ".join(" ".join(v) for c, v in cells.items() if c.role is role and v)

    def _money(self, row: Row, cells: dict[Column, list[str]]) -> dict[Role, Printed]:
        money: dict[Role, Printed] = {}
        for column, words in cells.items():
            if column.role in (*_MONEY_ROLES, Role.BALANCE) and words:
                try:
                    money[column.role] = read_money(" ".join(words))
                except ValueError as exc:
                    self.notes.problem(row, column.heading, str(exc))
        return money

    def read(self, row: Row) -> bool:
        """Read one line; False when the table ends here."""
        cells = {c: [w.text for w in ws] for c, ws in self.table.cells(row.words).items()}
        date_text, text = self._text(cells, Role.DATE), self._text(cells, Role.DESCRIPTION)
        labelled = label_of(text or row.text)
        # "TOTAL SA" is a fuel brand: a dated line is a transaction, not a total.
        if labelled is not None and not (labelled[0] is Label.TOTAL and date_text):
            self._checkpoint(row, labelled, self._money(row, cells))
            return True
        if date_text and not _DATE_LIKE.fullmatch(date_text):
            if self.started:
                return False
            self.inside.add(row.line_no)
            return True
        self.inside.add(row.line_no)
        self._line(row, date_text, (text, self._text(cells, Role.REFERENCE)), cells)
        return True

    def _checkpoint(self, row: Row, found: tuple[Label, bool], money: dict[Role, Printed]) -> None:
        label, card = found
        self.inside.add(row.line_no)
        self.result.card = self.result.card or card
        if label is Label.TOTAL:
            self.notes.warn(row, f"a total line was skipped: {row.text!r}")
            return
        value = next((money[r] for r in (Role.BALANCE, *_MONEY_ROLES) if r in money), None)
        if value is not None:
            after = len(self.result.entries)
            self.result.checkpoints.append(Checkpoint(row, label, balance_of(value), after))

    def _line(
        self, row: Row, date_text: str, texts: tuple[str, str], cells: dict[Column, list[str]]
    ) -> None:
        money, current = self._money(row, cells), self.current
        close = current is not None and row.baseline - current.last_baseline <= _CLOSE * row.size
        has_money = any(role in money for role in _MONEY_ROLES)
        if current is not None and close and not has_money:
            self._extend(current, row, texts, money)
            return
        if current is not None and has_money and not date_text and not current.has_money():
            self._extend(current, row, texts, money)
            return
        if not date_text and not has_money:
            return  # text far from any transaction: a note under the table
        if not has_money:
            self.notes.warn(row, f"a line without an amount was skipped: {row.text!r}")
            return
        if not date_text and current is None:
            self.notes.problem(row, "date", "an amount without a date")
            return
        entry = Entry(row, date_text or current.date_text if current else date_text, [], [], {}, 0)
        self._extend(entry, row, texts, money)
        self.result.entries.append(entry)
        self.current, self.started = entry, True

    def _extend(
        self, entry: Entry, row: Row, texts: tuple[str, str], money: dict[Role, Printed]
    ) -> None:
        text, reference = texts
        if text:
            entry.texts.append(text)
        if reference:
            entry.references.append(reference)
        for role, printed in money.items():
            entry.money.setdefault(role, printed)
        entry.last_baseline = row.baseline


def balance_of(printed: Printed) -> int:
    """A balance's cents: ``Cr`` is in credit, ``Dr`` overdrawn, else as printed."""
    if printed.mark == "cr":
        return abs(printed.cents)
    if printed.mark == "dr":
        return -abs(printed.cents)
    return printed.cents


def walk(pages: Sequence[Sequence[Row]], notes: Notes) -> Walk:
    """Read every page's table, and the balances and period around it."""
    result = Walk()
    for rows in pages:
        heading = next(((i, t) for i, row in enumerate(rows) if (t := find_table(row))), None)
        inside: set[int] = set()
        if heading is not None:
            index, table = heading
            if not result.tables:
                result.header = [row.text for row in rows[:index]]
            result.tables += 1
            page = _Page(table, result, notes)
            page.current = result.entries[-1] if result.entries else None
            if page.current is not None:
                page.current.last_baseline = -1e9  # nothing continues across a page break
            for row in rows[index + 1 :]:
                if not page.read(row):
                    break
            inside = page.inside | {rows[index].line_no}
        result.outside.extend(header_balances(rows, inside))
    return result
