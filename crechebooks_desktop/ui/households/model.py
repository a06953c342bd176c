"""Table model over immutable ``HouseholdSummary`` rows."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.roles import ItemRole

Index = QModelIndex | QPersistentModelIndex
_OWED = QColor("#9b2c2c")
_CREDIT = QColor("#276749")


class Column(enum.IntEnum):
    """The columns, in order."""

    ACCOUNT = 0
    PARENT = 1
    CHILDREN = 2
    PHONE = 3
    OUTSTANDING = 4
    CREDIT = 5
    BALANCE = 6


_HEADERS = {
    Column.ACCOUNT: "Account",
    Column.PARENT: "Parent / guardian",
    Column.CHILDREN: "Children",
    Column.PHONE: "Phone",
    Column.OUTSTANDING: "Outstanding",
    Column.CREDIT: "Credit",
    Column.BALANCE: "Balance",
}
_MONEY = {Column.OUTSTANDING, Column.CREDIT, Column.BALANCE}


class HouseholdTableModel(QAbstractTableModel):
    """Households as rows; money columns sort on raw cents."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HouseholdSummary] = []
        self._style = MoneyStyle.SPACE_COMMA

    def set_rows(self, rows: list[HouseholdSummary], style: MoneyStyle) -> None:
        """Replace every row (a fresh result from the database thread)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._style = style
        self.endResetModel()

    def row_value(self, row: int) -> HouseholdSummary:
        """The summary shown in ``row``."""
        return self._rows[row]

    def totals(self) -> tuple[int, int, int]:
        """Outstanding, credit and balance over every row, in cents."""
        return (
            sum(r.outstanding_cents for r in self._rows),
            sum(r.credit_cents for r in self._rows),
            sum(r.balance_cents for r in self._rows),
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of households (0 under any parent: a flat table)."""
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
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _MONEY:
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
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.BALANCE:
            return _balance_brush(row.balance_cents)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.PARENT:
            return "\n".join(filter(None, (row.parent_name, row.second_parent_name, row.email)))
        return None

    def _display(self, row: HouseholdSummary, column: Column) -> str:
        if column in _MONEY:
            return format_rands(_raw(row, column), self._style)
        return str(_raw(row, column) or "")


def _raw(row: HouseholdSummary, column: Column) -> Any:
    return {
        Column.ACCOUNT: row.account_ref,
        Column.PARENT: row.parent_name,
        Column.CHILDREN: ", ".join(row.children),
        Column.PHONE: row.phone or "",
        Column.OUTSTANDING: row.outstanding_cents,
        Column.CREDIT: row.credit_cents,
        Column.BALANCE: row.balance_cents,
    }[column]


def _search_text(row: HouseholdSummary) -> str:
    parts = (
        row.account_ref,
        row.parent_name,
        row.second_parent_name or "",
        " ".join(row.children),
        row.email or "",
        row.phone or "",
    )
    return " ".join(parts).lower()


def _balance_brush(cents: int) -> QBrush | None:
    if cents > 0:
        return QBrush(_OWED)
    if cents < 0:
        return QBrush(_CREDIT)
    return None
