"""Small read-only tables of text for short lists (top debtors, reminders, reasons).

For lists of a few hundred rows at most: no model, no sorting. Money columns
are right-aligned, header and cells alike.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LONG = 40
"""Cells longer than this many characters carry their text as a tooltip too."""


def value_table(headers: Sequence[str], money: Collection[int], stretch: int = 1) -> QTableWidget:
    """A table with these headers; ``stretch`` takes the width left, the rest fit their text."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column in money:
        item = table.horizontalHeaderItem(column)
        if item is not None:
            item.setTextAlignment(RIGHT)
    return table


def fill(table: QTableWidget, rows: Sequence[Sequence[str]], money: Collection[int]) -> None:
    """Replace the table's rows."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            if len(text) > LONG:
                item.setToolTip(text)  # the column may be too narrow to show it all
            if c in money:
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)


def cells(table: QTableWidget) -> list[list[str]]:
    """The table's text, row by row (for tests and copying)."""
    return [
        [_text(table.item(r, c)) for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""
