"""Table model over immutable ``InvoiceValue`` rows."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.ui.common.table_model import RowTableModel


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


class InvoiceTableModel(RowTableModel[InvoiceValue]):
    """Invoices as rows; money and dates sort on raw values."""

    columns = Column
    headers = ("Number", "Household", "Child", "Month", "Status", "Total", "Balance due", "Due")
    money_columns = frozenset({Column.TOTAL, Column.BALANCE})

    def row_of(self, number: str) -> int | None:
        """The row showing this invoice number, if any."""
        for row, invoice in enumerate(self.rows()):
            if invoice.number == number:
                return row
        return None

    def totals(self) -> tuple[int, int]:
        """Total billed and balance due over the rows that are not void, in cents."""
        live = [r for r in self.rows() if r.status is not InvoiceStatus.VOID]
        return sum(r.total_cents for r in live), sum(r.balance_due_cents for r in live)

    def raw(self, row: InvoiceValue, column: int) -> Any:
        """Cents for money, day numbers for dates, text for the rest."""
        return (
            row.number,
            row.household_ref,
            row.child_name or "",
            row.billing_month.toordinal() if row.billing_month else 0,
            row.status.value,
            row.total_cents,
            row.balance_due_cents,
            row.due_date.toordinal(),
        )[column]

    def display(self, row: InvoiceValue, column: int) -> str:
        """Statuses in words, months and dates as people write them."""
        if column == Column.STATUS:
            return status_text(row.status)
        if column == Column.MONTH:
            return row.billing_month.strftime("%b %Y") if row.billing_month else "Ad hoc"
        if column == Column.DUE:
            return row.due_date.strftime("%d %b %Y")
        return super().display(row, column)

    def search_text(self, row: InvoiceValue) -> str:
        """Number, household, parent, child and status."""
        parts = (
            row.number,
            row.household_ref,
            row.recipient.parent_name,
            row.child_name or "",
            status_text(row.status),
        )
        return " ".join(parts).lower()

    def foreground(self, row: InvoiceValue, column: int) -> QBrush | None:
        """Each status in its own colour."""
        if column != Column.STATUS:
            return None
        return QBrush(QColor(_STATUS_COLOURS[row.status]))
