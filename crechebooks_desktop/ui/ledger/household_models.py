"""Table models for one household: its ledger by date with running balance, and its open invoices.

Small tables (a household has hundreds of entries at most), so they sort
through ``RawSortFilterProxy`` on raw values like the other lists.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.account_statement import AccountLine
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.ui.common.table_model import Index, RowTableModel
from crechebooks_desktop.ui.invoices.model import status_text

_OWED = QColor("#9b2c2c")
_OWES_LESS = QColor("#276749")
_DATE = "%d %b %Y"


class EntryColumn(enum.IntEnum):
    """The ledger's columns, in order."""

    DATE = 0
    TYPE = 1
    DESCRIPTION = 2
    AMOUNT = 3
    BALANCE = 4
    WHO = 5


class EntryTableModel(RowTableModel[AccountLine]):
    """A household's entries by date, each with the running balance in that order.

    The balance is the statement's (``running_balance_cents``), not the
    stored posting-order ``balance_after``: a back-dated entry takes its
    place by date and the balances after it follow (issue #10).
    """

    columns = EntryColumn
    headers = ("Date", "Type", "Description", "Amount", "Balance", "By")
    money_columns = frozenset({EntryColumn.AMOUNT, EntryColumn.BALANCE})

    def raw(self, row: AccountLine, column: int) -> Any:
        """Dates (with the entry id, so same-day entries keep their order), cents, text."""
        return (
            (row.entry_date.toordinal(), row.id),
            row.entry_type.value,
            row.description,
            row.amount_cents,
            row.running_balance_cents,
            row.created_by or "",
        )[column]

    def display(self, row: AccountLine, column: int) -> str:
        """Dates as people write them, types in words."""
        if column == EntryColumn.DATE:
            return row.entry_date.strftime(_DATE)
        if column == EntryColumn.TYPE:
            return row.entry_type.value.capitalize()
        return super().display(row, column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the base model; descriptions also as tooltips (the column may cut them short)."""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == EntryColumn.DESCRIPTION:
            if index.isValid() and index.row() < self.rowCount():
                return self.row_value(index.row()).description
            return None
        return super().data(index, role)

    def search_text(self, row: AccountLine) -> str:
        """Type and description."""
        return f"{row.entry_type.value} {row.description}".lower()

    def foreground(self, row: AccountLine, column: int) -> QBrush | None:
        """Money in (negative amounts) in green; a balance owed in red, in credit in green."""
        if column == EntryColumn.AMOUNT and row.amount_cents < 0:
            return QBrush(_OWES_LESS)
        if column == EntryColumn.BALANCE and row.running_balance_cents:
            return QBrush(_OWED if row.running_balance_cents > 0 else _OWES_LESS)
        return None


class InvoiceColumn(enum.IntEnum):
    """The open invoices' columns, in order."""

    NUMBER = 0
    STATUS = 1
    DUE = 2
    TOTAL = 3
    BALANCE = 4


class OpenInvoiceTableModel(RowTableModel[InvoiceValue]):
    """A household's invoices that still have a balance due, by due date."""

    columns = InvoiceColumn
    headers = ("Invoice", "Status", "Due", "Total", "Balance due")
    money_columns = frozenset({InvoiceColumn.TOTAL, InvoiceColumn.BALANCE})

    def raw(self, row: InvoiceValue, column: int) -> Any:
        """Cents for money, day numbers for dates, text for the rest."""
        return (
            row.number,
            row.status.value,
            row.due_date.toordinal(),
            row.total_cents,
            row.balance_due_cents,
        )[column]

    def display(self, row: InvoiceValue, column: int) -> str:
        """Statuses in words, due dates as people write them."""
        if column == InvoiceColumn.STATUS:
            return status_text(row.status)
        if column == InvoiceColumn.DUE:
            return row.due_date.strftime(_DATE)
        return super().display(row, column)

    def search_text(self, row: InvoiceValue) -> str:
        """Number and status."""
        return f"{row.number} {status_text(row.status)}".lower()

    def totals(self) -> int:
        """The balance due over every row, in cents."""
        return sum(r.balance_due_cents for r in self.rows())
