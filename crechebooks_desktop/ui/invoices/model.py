"""The invoice list as a lazily paged table model (issue 13; CONVENTIONS rule 8).

A book may hold 200,000 invoices: the model counts them and holds a window of
list rows (no lines), read a page at a time by keyset in the order of the
clicked column, with the month, status, household and words applied in SQL
(``ui.common.paged_model``).
"""

from __future__ import annotations

import enum
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.ui.common.paged_model import PagedTableModel, Query
from crechebooks_desktop.ui.common.paging import PAGE_SIZE, Key, PageJob
from crechebooks_desktop.ui.invoices import jobs
from crechebooks_desktop.ui.ops import BookSession

if TYPE_CHECKING:
    from crechebooks_desktop.services.lists.invoices import InvoiceListRow


class Column(enum.IntEnum):
    """The columns, in order."""

    NUMBER = 0
    HOUSEHOLD = 1
    CHILD = 2
    MONTH = 3
    STATUS = 4
    TOTAL = 5
    BALANCE = 6
    ISSUED = 7
    DUE = 8


SORT_NAMES = (
    "number", "household", "child", "month", "status", "total", "balance", "issued", "due",
)  # fmt: skip
"""Each column's ``InvoiceSort`` value."""

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


class InvoiceListModel(PagedTableModel["InvoiceListRow", jobs.ListOrder]):
    """Invoices as rows, read as they are shown; money and dates sort in SQL.

    Signals:
        opened(int): counted (and totalled, ``extra``) and the first page read.
        page_loaded(int): a page arrived.
    """

    columns = Column
    headers = (
        "Number", "Household", "Child", "Month", "Status", "Total", "Balance due", "Issued", "Due",
    )  # fmt: skip
    money_columns = frozenset({Column.TOTAL, Column.BALANCE})
    sort_names = SORT_NAMES

    def __init__(
        self, session: BookSession, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(session, jobs.ListOrder(), parent, page_size=page_size)

    def open_query(self, order: jobs.ListOrder, page_size: int, keep_id: int | None) -> Query:
        """Count, totals, first page and the kept invoice's page."""
        return lambda book, w: jobs.open_list(book, w, order, page_size, keep_id)

    def page_query(self, job: PageJob) -> Query:
        """One page by keyset."""
        return lambda book, w: jobs.read_list_page(book, w, job)

    def key_of(self, row: InvoiceListRow) -> Key:
        """The row's key in the current order."""
        from crechebooks_desktop.services.lists.invoices import InvoiceSort  # noqa: PLC0415

        return row.key(InvoiceSort(self.order.sort))

    def id_of(self, row: InvoiceListRow) -> int:
        """The invoice's id."""
        return row.id

    def set_filters(self, **changes: Any) -> None:
        """Change the month, status, household or words (the order stays)."""
        self.set_order(replace(self.order, **changes))

    def row_of_number(self, number: str) -> int | None:
        """The row showing this invoice number, if the window holds it."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.number == number:
                    return page * self.page_size + offset
        return None

    def raw(self, row: InvoiceListRow, column: int) -> Any:
        """Cents for money, dates as dates, text for the rest."""
        return (
            row.number,
            row.household_ref,
            row.child_name or "",
            row.billing_month,
            row.status.value,
            row.total_cents,
            row.balance_due_cents,
            row.issue_date,
            row.due_date,
        )[column]

    def display(self, row: InvoiceListRow, column: int) -> str:
        """Statuses in words, months and dates as people write them."""
        if column == Column.STATUS:
            return status_text(row.status)
        if column == Column.MONTH:
            return row.billing_month.strftime("%b %Y") if row.billing_month else "Ad hoc"
        if column == Column.ISSUED:
            return row.issue_date.strftime("%d %b %Y")
        if column == Column.DUE:
            return row.due_date.strftime("%d %b %Y")
        return super().display(row, column)

    def cell_role(self, row: InvoiceListRow, column: int, role: int) -> Any:
        """Each status in its colour; the parent's name over the household."""
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            return QBrush(QColor(_STATUS_COLOURS[row.status]))
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.HOUSEHOLD:
            return row.parent_name
        return None
