"""The all-households ledger, lazily paged (issue #4; docs/ARCHITECTURE.md, Table models).

A book may hold a million entries. The model knows how many rows there are
(a ``COUNT`` in SQL) and holds only a window of them: an LRU of pages, read by
keyset on the database thread as they are shown (``ui.common.paged_model``,
which the Invoices tab and the matching queue share).

Why not ``canFetchMore``/``fetchMore``: it only grows at the end, so reaching
the last row reads every row before it (about 2,000 fetches and 20 s for a
million rows) and keeps them all (about 450 MB).

Sorting and filtering are done by the database with the same paging (never a
``QSortFilterProxyModel``, which calls Python ``data()`` for every comparison).
"""

from __future__ import annotations

import enum
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.ui.common.paged_model import (
    MAX_PAGES,
    PLACEHOLDER,
    PagedTableModel,
    Query,
)
from crechebooks_desktop.ui.common.paging import PAGE_SIZE, Key, PageJob
from crechebooks_desktop.ui.ledger import jobs
from crechebooks_desktop.ui.ops import BookSession

if TYPE_CHECKING:
    from crechebooks_desktop.services.ledger.view import LedgerLine

__all__ = ["HEADERS", "PLACEHOLDER", "SORT_NAMES", "Column", "LazyLedgerModel", "row_key"]

_OWES_LESS = QColor("#276749")


class Column(enum.IntEnum):
    """The columns, in order."""

    DATE = 0
    HOUSEHOLD = 1
    TYPE = 2
    DESCRIPTION = 3
    AMOUNT = 4
    BALANCE = 5


HEADERS = ("Date", "Household", "Type", "Description", "Amount", "Balance when posted")
_POSTED_TIP = (
    "The household's balance once this entry was recorded, in the order entries were recorded. "
    "A household's ledger (By household) shows the running balance by date."
)
SORT_NAMES = ("date", "household", "type", "description", "amount", "balance")
"""Each column's ``SortColumn`` value."""
_KEY_FIELDS = (
    "entry_date",
    "household_ref",
    "entry_type",
    "description",
    "amount_cents",
    "balance_after_cents",
)


def row_key(line: LedgerLine, column: Column) -> Key:
    """A row's key in an order by ``column``: the column's raw value and the entry id."""
    return (getattr(line, _KEY_FIELDS[column]), line.id)


class LazyLedgerModel(PagedTableModel["LedgerLine", jobs.Order]):
    """Every household's ledger entries, read a page at a time as they are shown.

    Signals:
        opened(int): the row count and first page arrived; the number of rows.
        page_loaded(int): a page arrived and its rows were updated; its number.
    """

    columns = Column
    headers = HEADERS
    money_columns = frozenset({Column.AMOUNT, Column.BALANCE})
    sort_names = SORT_NAMES

    def __init__(
        self,
        session: BookSession,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(session, jobs.Order(), parent, page_size=page_size, max_pages=max_pages)

    def open_query(self, order: jobs.Order, page_size: int, keep_id: int | None) -> Query:  # noqa: ARG002 - the ledger keeps no selection
        """The count and the first page."""
        return lambda book, w: jobs.open_view(book, w, order, page_size)

    def page_query(self, job: PageJob) -> Query:
        """One page by keyset."""
        return lambda book, w: jobs.read_page(book, w, job)

    def key_of(self, row: LedgerLine) -> Key:
        """The entry's key in the current order."""
        return row_key(row, Column(SORT_NAMES.index(self.order.sort)))

    def id_of(self, row: LedgerLine) -> int:
        """The entry's id."""
        return row.id

    def raw(self, row: LedgerLine, column: int) -> Any:
        """The value the column sorts by (cents for money)."""
        return getattr(row, _KEY_FIELDS[column])

    def display(self, row: LedgerLine, column: int) -> str:
        """Dates as people write them, entry types as words, money in the creche's style."""
        if column == Column.DATE:
            return row.entry_date.strftime("%d %b %Y")
        if column == Column.TYPE:
            return row.entry_type.value.capitalize()
        return super().display(row, column)

    def cell_role(self, row: LedgerLine, column: int, role: int) -> Any:
        """The parent's name over the household; money the household owes less, in green."""
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.parent_name if column == Column.HOUSEHOLD else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_OWES_LESS) if column == Column.AMOUNT and row.amount_cents < 0 else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; the balance column says which balance it is."""
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == Column.BALANCE
        ):
            # Every household's entries interleave here, so the column is the
            # stored posting-order balance, not a statement's running balance.
            return _POSTED_TIP
        return super().headerData(section, orientation, role)

    def line(self, row: int) -> LedgerLine | None:
        """The entry in ``row`` if it is in the window (asks for its page if not)."""
        return self.row_value(row)

    def set_filter(self, text: str) -> None:
        """Show only entries whose household or description holds every word of ``text``."""
        self.set_order(replace(self.order, text=" ".join(text.split())))
