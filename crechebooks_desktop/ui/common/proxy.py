"""Sort on raw values, filter on free text, for small tables (docs/ARCHITECTURE.md, Table models).

Large tables (the all-households ledger) sort and filter in SQL instead.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from crechebooks_desktop.ui.common.roles import ItemRole


class RawSortFilterProxy(QSortFilterProxyModel):
    """Compares ``ItemRole.SORT`` values (cents, folded text); filters on ``ItemRole.FILTER``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self.setSortRole(ItemRole.SORT)

    def set_search(self, text: str) -> None:
        """Show only rows whose text contains every word typed (any order, any case)."""
        self.beginFilterChange()
        self._needle = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Every typed word must appear in the row's search text."""
        if not self._needle:
            return True
        model = self.sourceModel()
        haystack = model.data(model.index(source_row, 0, source_parent), ItemRole.FILTER) or ""
        return all(word in haystack for word in self._needle.split())

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Compare raw values; text case-insensitively."""
        a = left.data(ItemRole.SORT)
        b = right.data(ItemRole.SORT)
        if isinstance(a, str) and isinstance(b, str):
            return a.casefold() < b.casefold()
        return bool(a < b)
