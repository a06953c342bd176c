"""The Ledger tab's all-households side: every entry of the creche, paged lazily."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.ui.ledger.all_model import Column, LazyLedgerModel
from crechebooks_desktop.ui.ops import BookSession

FILTER_DELAY_MS = 250
"""Typing pauses this long before the filter runs (one query, not one per key)."""
_WIDTHS = {
    Column.DATE: 110,
    Column.HOUSEHOLD: 130,
    Column.TYPE: 110,
    Column.AMOUNT: 130,
    Column.BALANCE: 180,  # fits its header, "Balance when posted"
}


def _count_text(total: int, text: str) -> str:
    count = f"{total:,}".replace(",", " ")
    noun = "entry" if total == 1 else "entries"
    return f"{count} {noun} matching “{text}”" if text else f"{count} {noun}"


class AllHouseholdsPanel(QWidget):
    """Every household's entries; sorts and filters in the database.

    The model opens (counts and reads its first page) the first time the panel
    is shown, so a book with a million entries costs nothing until then.
    """

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LazyLedgerModel(session, self)
        self.search = QLineEdit(placeholderText="Filter by household, parent or description…")
        self.search.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._filter_timer.start())
        self.count_label = QLabel()
        self.count_label.setObjectName("summaryLine")
        self.table = self._build_table()
        self.model.opened.connect(self._on_opened)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.DATE, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        # Fixed row heights: Qt never measures a row, so a million rows cost nothing.
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(26)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in _WIDTHS.items():
            table.setColumnWidth(column, width)
        header.setSectionResizeMode(Column.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        return table

    def showEvent(self, event: QShowEvent) -> None:
        """Open the model the first time the panel is shown."""
        super().showEvent(event)
        if not self.model.is_open:
            self.model.open()

    def apply_filter(self) -> None:
        """Filter by what is typed now (without waiting for the typing pause)."""
        self._filter_timer.stop()
        self.model.set_filter(self.search.text())

    def reload(self) -> None:
        """Count and read again, if the view has been opened."""
        if self.model.is_open:
            self.model.reload()

    def _on_opened(self, total: int) -> None:
        self.count_label.setText(_count_text(total, self.model.order.text))
