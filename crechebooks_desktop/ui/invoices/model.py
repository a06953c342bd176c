"""Table model over immutable ``InvoiceValue`` rows."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.roles import ItemRole

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    """The columns, in order."""

    NUMBER = 0
    HOUSEHOLD = 1
    CHILD = 2
    MONTH = 3
    STATUS = 4
    TOTAL = 5
    BALANCE = 6
    DUE = 7


_HEADERS = ("Number", "Household", "Child", "Month", "Status", "Total", "Balance due", "Due")
_MONEY = {Column.TOTAL, Column.BALANCE}
_STATUS_COLOURS = {
    InvoiceStatus.DRAFT: "#4a5568",
    InvoiceStatus.SENT: "#2b6cb0",
    InvoiceStatus.VIEWED: "#2c7a7b",
    InvoiceStatus.OVERDUE: "#c53030",
    InvoiceStatus.PARTIALLY_PAID: "#b7791f",
    InvoiceStatus.PAID: "#276749",
    InvoiceStatus.VOID: "#a0aec0",
}


def status_text(status: InvoiceStatus) -> str:
    """A status as people say it ("Partially paid")."""
    return status.value.replace("_", " ").capitalize()


class InvoiceTableModel(QAbstractTableModel):
    """Invoices as rows; money and dates sort on raw values."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[InvoiceValue] = []
        self._style = MoneyStyle.SPACE_COMMA

    def set_rows(self, rows: list[InvoiceValue], style: MoneyStyle) -> None:
        """Replace every row (a fresh result from the database thread)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._style = style
        self.endResetModel()

    def row_value(self, row: int) -> InvoiceValue:
        """The invoice shown in ``row``."""
        return self._rows[row]

    def row_of(self, number: str) -> int | None:
        """The row showing this invoice number, if any."""
        for row, invoice in enumerate(self._rows):
            if invoice.number == number:
                return row
        return None

    def totals(self) -> tuple[int, int]:
        """Total billed and balance due over the rows that are not void, in cents."""
        live = [r for r in self._rows if r.status is not InvoiceStatus.VOID]
        return sum(r.total_cents for r in live), sum(r.balance_due_cents for r in live)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of invoices."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; money headers align right like their values."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and Column(section) in _MONEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """Display text, raw sort values, alignment and colour of a cell."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ItemRole.SORT:
            return _raw(row, column)
        if role == ItemRole.FILTER:
            return _search_text(row)
        if role == ItemRole.ROW:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _MONEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            return QBrush(QColor(_STATUS_COLOURS[row.status]))
        return None

    def _display(self, row: InvoiceValue, column: Column) -> str:
        if column in _MONEY:
            return format_rands(_raw(row, column), self._style)
        if column == Column.STATUS:
            return status_text(row.status)
        if column == Column.MONTH:
            return row.billing_month.strftime("%b %Y") if row.billing_month else "Ad hoc"
        if column == Column.DUE:
            return row.due_date.strftime("%d %b %Y")
        return str(_raw(row, column) or "")


def _raw(row: InvoiceValue, column: Column) -> Any:
    return {
        Column.NUMBER: row.number,
        Column.HOUSEHOLD: row.household_ref,
        Column.CHILD: row.child_name or "",
        Column.MONTH: row.billing_month.toordinal() if row.billing_month else 0,
        Column.STATUS: row.status.value,
        Column.TOTAL: row.total_cents,
        Column.BALANCE: row.balance_due_cents,
        Column.DUE: row.due_date.toordinal(),
    }[column]


def _search_text(row: InvoiceValue) -> str:
    parts = (
        row.number,
        row.household_ref,
        row.recipient.parent_name,
        row.child_name or "",
        status_text(row.status),
    )
    return " ".join(parts).lower()
