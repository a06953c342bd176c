"""Showing where a PDF statement stops adding up, in the import dialog's lines."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.importers.bank.pdf import BalanceChainError

__all__ = ["mark_chain_break"]

# A soft red that keeps the text readable.
_BROKEN = QColor("#f4c7c3")


def mark_chain_break(table: QTableWidget, exc: BalanceChainError, style: MoneyStyle) -> int:
    """Mark the row of the line where the chain breaks and scroll to it.

    The table lists ``exc.lines`` in order. The balance that disagrees is
    printed on a line, or on a carried-forward row after it; either way the
    last line at or above it is the one marked.

    Returns:
        The marked row.
    """
    before = [i for i, line in enumerate(exc.lines) if line.line_no <= exc.line_no]
    row = before[-1] if before else 0
    note = (
        f"Page {exc.page}, line {exc.page_line}: the statement prints "
        f"{format_rands(exc.printed_cents, style)}, the lines add up to "
        f"{format_rands(exc.expected_cents, style)}"
    )
    items = [table.item(row, column) for column in range(table.columnCount())]
    for item in items:
        if item is not None:
            item.setBackground(_BROKEN)
            item.setToolTip(note)
    if items and items[0] is not None:
        table.scrollToItem(items[0], QAbstractItemView.ScrollHint.PositionAtCenter)
    return row
