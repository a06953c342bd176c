"""A read-only table model over a list of immutable row values (docs/ARCHITECTURE.md, Table models).

Subclasses name their columns (an IntEnum), headers and money columns, and say
how a row shows in each column; sorting and filtering use the raw values.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.roles import ItemRole

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows of ``RowT``; money columns right-aligned and formatted in the creche's style."""

    columns: ClassVar[type[enum.IntEnum]]
    headers: ClassVar[Sequence[str]]
    money_columns: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []
        self.style = MoneyStyle.SPACE_COMMA

    def set_rows(self, rows: Sequence[RowT], style: MoneyStyle) -> None:
        """Replace every row (a fresh result from the database thread)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.style = style
        self.endResetModel()

    def replace_row(self, row: int, value: RowT) -> None:
        """Show ``value`` in ``row`` instead (one row changed; the rest stay)."""
        self._rows[row] = value
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def rows(self) -> list[RowT]:
        """Every row, in model order."""
        return list(self._rows)

    def row_value(self, row: int) -> RowT:
        """The value shown in ``row``."""
        return self._rows[row]

    def raw(self, row: RowT, column: int) -> Any:
        """The raw value of a cell: what sorting compares (cents for money)."""
        raise NotImplementedError

    def search_text(self, row: RowT) -> str:
        """All of a row's searchable text, lower case."""
        raise NotImplementedError

    def display(self, row: RowT, column: int) -> str:
        """How a cell reads; money columns are formatted from their raw cents."""
        if column in self.money_columns:
            return format_rands(self.raw(row, column), self.style)
        return str(self.raw(row, column) or "")

    def foreground(self, row: RowT, column: int) -> QBrush | None:  # noqa: ARG002 - for subclasses
        """A cell's text colour, if special."""
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of rows (0 under any parent: a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; money headers align right like their values."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.money_columns:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """Display text, raw sort values, search text, alignment and colour of a cell."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == ItemRole.SORT:
            return self.raw(row, column)
        if role == ItemRole.FILTER:
            return self.search_text(row)
        if role == ItemRole.ROW:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.money_columns:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(row, column)
        return None
