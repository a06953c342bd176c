"""The statement lines beside the book's side: table model, and the proxy that filters them.

Money in and money out are separate columns, as GnuCash's reconcile window
shows them; a money column holds nothing for a line of the other direction.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.bank_dates import transacted_note
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.common.table_model import Index, RowTableModel
from crechebooks_desktop.ui.reconciliation.jobs import Row, Side


class Column(enum.IntEnum):
    """The table's columns, in order."""

    DATE = 0
    DESCRIPTION = 1
    MONEY_IN = 2
    MONEY_OUT = 3
    BOOK = 4
    CLEARED = 5


FILTERS: tuple[tuple[str, Callable[[Row], bool]], ...] = (
    ("All lines", lambda row: row.side is Side.STATEMENT),
    ("Uncleared", lambda row: row.side is Side.STATEMENT and not row.cleared),
    ("Categorised", lambda row: row.categorised),
    ("Matched to households", lambda row: row.matched),
    ("Timing differences", lambda row: row.side is Side.BOOK),
)
"""The filter's choices: label and which rows it shows."""

_GREEN, _GREY, _AMBER = QColor("#276749"), QColor("#718096"), QColor("#975a16")


class LinesModel(RowTableModel[Row]):
    """Statement lines and timing differences as rows."""

    columns = Column
    headers = ("Date", "Statement", "Money in", "Money out", "In the book", "Cleared")
    money_columns = frozenset({Column.MONEY_IN, Column.MONEY_OUT})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._row_of: dict[tuple[str, int], int] = {}

    def set_rows(self, rows: Sequence[Row], style: MoneyStyle) -> None:
        """Replace every row."""
        super().set_rows(rows, style)
        self._row_of = {row.key: n for n, row in enumerate(rows)}

    def row_of(self, key: tuple[str, int]) -> int | None:
        """The model row showing this line or entry, if any."""
        return self._row_of.get(key)

    def raw(self, row: Row, column: int) -> Any:
        """Sort values: dates, cents, folded text."""
        return {
            Column.DATE: (row.date, row.key),
            Column.DESCRIPTION: row.description.casefold(),
            Column.MONEY_IN: max(row.amount_cents, 0),
            Column.MONEY_OUT: max(-row.amount_cents, 0),
            Column.BOOK: self._book_text(row).casefold(),
            Column.CLEARED: row.cleared,
        }[Column(column)]

    def display(self, row: Row, column: int) -> str:
        """Cells as read: money only in its own direction's column."""
        if column in (Column.MONEY_IN, Column.MONEY_OUT):
            cents = row.amount_cents if column == Column.MONEY_IN else -row.amount_cents
            return format_rands(cents, self.style) if cents > 0 else ""
        if column == Column.CLEARED:
            if row.side is Side.BOOK:
                return "not on statement"
            return "✓" if row.cleared else ""
        return {
            Column.DATE: lambda: row.date.strftime("%d %b %Y"),
            Column.BOOK: lambda: self._book_text(row),
        }.get(Column(column), lambda: row.description)()

    @staticmethod
    def _book_text(row: Row) -> str:
        if row.cleared or row.side is Side.BOOK or row.suggestion is None:
            return row.book
        return f"Suggested: {row.suggestion.label}"

    def foreground(self, row: Row, column: int) -> QBrush | None:
        """Cleared ticks green, suggestions grey, book-only entries amber."""
        if row.side is Side.BOOK and column in (Column.BOOK, Column.CLEARED):
            return QBrush(_AMBER)
        if column == Column.CLEARED and row.cleared:
            return QBrush(_GREEN)
        if column == Column.BOOK and not row.cleared:
            return QBrush(_GREY)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As every row table, and a transaction date apart from the posting date as a tooltip.

        The date column shows the posting date, which places the line on the
        statement; Capitec and Investec also give the day the payer made it.
        """
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.row_value(index.row())
            return transacted_note(row.date, row.transaction_date)
        return super().data(index, role)

    def search_text(self, row: Row) -> str:
        """Text, book side and amount, lower case."""
        return f"{row.description} {row.book} {row.amount_cents / 100:.2f}".lower()


class LinesProxy(RawSortFilterProxy):
    """Sorts on raw values; shows the rows of the chosen filter that match the search."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shows: Callable[[Row], bool] = FILTERS[0][1]

    def set_filter(self, shows: Callable[[Row], bool]) -> None:
        """Show only rows ``shows`` accepts."""
        self.beginFilterChange()
        self._shows = shows
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """The filter first, then the typed words."""
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ItemRole.ROW)
        if row is None or not self._shows(row):
            return False
        return super().filterAcceptsRow(source_row, source_parent)
