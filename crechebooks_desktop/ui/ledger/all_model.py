"""The all-households ledger, lazily paged (issue #4; docs/ARCHITECTURE.md, Table models).

A book may hold a million entries. The model knows how many rows there are
(a ``COUNT`` in SQL) and holds only a window of them: an LRU of pages of
``PAGE_SIZE`` rows, at most ``MAX_PAGES`` pages. ``data()`` never touches the
database: a row that is not in the window shows a placeholder and asks for its
page, which the database thread reads by keyset (see ``paging``) and hands
back; the model then stores it and emits ``dataChanged`` for its rows.

Why not ``canFetchMore``/``fetchMore``: it only grows at the end, so reaching
the last row reads every row before it (about 2,000 fetches and 20 s for a
million rows) and keeps them all (about 450 MB).

Sorting and filtering are done by the database with the same paging (never a
``QSortFilterProxyModel``, which calls Python ``data()`` for every comparison).
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.ledger import jobs
from crechebooks_desktop.ui.ledger.paging import (
    PAGE_SIZE,
    SAMPLE_EVERY,
    Key,
    KnownKeys,
    page_span,
)
from crechebooks_desktop.ui.ops import BookSession

if TYPE_CHECKING:
    from crechebooks_desktop.services.ledger.view import LedgerLine, OpenedView

Index = QModelIndex | QPersistentModelIndex
PLACEHOLDER = "…"
MAX_PAGES = 8
"""Pages kept in the window: 4,000 rows, whatever the size of the book."""
MAX_IN_FLIGHT = 2
"""Page reads queued on the database thread at once; newer wants wait their turn."""
PREFETCH_SHARE = 5
"""Reading a row in the first or last fifth of its page asks for the neighbouring page too."""
MAX_RESYNCS = 2
"""Recounts in a row when pages come back shorter than counted (the book changed)."""

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
_MONEY = frozenset({Column.AMOUNT, Column.BALANCE})
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


class LazyLedgerModel(QAbstractTableModel):
    """Every household's ledger entries, read a page at a time as they are shown.

    Signals:
        opened(int): the row count and first page arrived; the number of rows.
        page_loaded(int): a page arrived and its rows were updated; its number.
    """

    opened = Signal(int)
    page_loaded = Signal(int)

    def __init__(
        self,
        session: BookSession,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.page_size = page_size
        self.max_pages = max_pages
        self.order = jobs.Order()
        self.style = MoneyStyle.SPACE_COMMA
        self.is_open = False
        self._generation = 0
        self._total = 0
        self._pages: OrderedDict[int, tuple[LedgerLine, ...]] = OrderedDict()
        self._known = KnownKeys()
        self._in_flight: set[int] = set()
        self._sampling = False  # a read that samples the keys is queued: the others wait for it
        self._failed = False  # a read failed: ask for nothing more until the next reload
        self._resyncs = 0
        self._wanted: list[int] = []
        self._queued: list[int] = []
        self._flush_timer = QTimer(self, singleShot=True, interval=0)
        self._flush_timer.timeout.connect(self._flush)

    # -- what the view sees ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The number of rows the database counted (0 under any parent: a flat table)."""
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; money headers align right like their values."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.BALANCE:
            # Every household's entries interleave here, so the column is the
            # stored posting-order balance, not a statement's running balance.
            return _POSTED_TIP
        if role == Qt.ItemDataRole.TextAlignmentRole and section in _MONEY:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """A cell from the window; a placeholder (and a page request) when not loaded."""
        if not index.isValid() or not 0 <= index.row() < self._total:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _MONEY else None
        if role not in _ROLES:
            return None
        line = self._line(index.row())
        if line is None:
            return PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(line, column)
        if role == ItemRole.SORT:
            return row_key(line, column)[0]
        if role == ItemRole.ROW:
            return line
        if role == Qt.ItemDataRole.ToolTipRole:
            return line.parent_name if column == Column.HOUSEHOLD else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_OWES_LESS) if column == Column.AMOUNT and line.amount_cents < 0 else None
        return None

    def line(self, row: int) -> LedgerLine | None:
        """The entry in ``row`` if it is in the window (asks for its page if not)."""
        return self._line(row) if 0 <= row < self._total else None

    def cached_rows(self) -> int:
        """How many rows the window holds now."""
        return sum(len(rows) for rows in self._pages.values())

    # -- order, filter and (re)loading ------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` in SQL (then by entry id) and start again from the top."""
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_order(replace(self.order, sort=SORT_NAMES[column], descending=descending))

    def set_filter(self, text: str) -> None:
        """Show only entries whose household or description holds every word of ``text``."""
        self.set_order(replace(self.order, text=" ".join(text.split())))

    def set_order(self, order: jobs.Order) -> None:
        """Change the order or filter; reloads when open."""
        if order == self.order:
            return
        self.order = order
        if self.is_open:
            self.reload()

    def open(self) -> None:
        """Count the rows and read the first page (the first time the view is shown)."""
        self.is_open = True
        self.reload()

    def reload(self) -> None:
        """Forget the window and count again (order, filter or book changed)."""
        self._resyncs = 0
        self._restart()

    def _restart(self) -> None:
        self._generation += 1
        generation, order, size = self._generation, self.order, self.page_size
        self.beginResetModel()
        self._total = 0
        self._pages.clear()
        self._known = KnownKeys()
        self._in_flight.clear()
        self._sampling = False
        self._failed = False
        self._wanted.clear()
        self._queued.clear()
        self.endResetModel()
        workplace = self._session.workplace
        if workplace is None:
            return  # the book is still opening; the tab reloads once it is open
        self.style = MoneyStyle[workplace.creche.money_style]
        self._session.query(
            lambda book, w: jobs.open_view(book, w, order, size),
            lambda opened: self._on_opened(generation, opened),
            lambda exc: self._on_failed(generation, exc),
        )

    def _on_opened(self, generation: int, opened: OpenedView) -> None:
        if generation != self._generation:
            return  # the order or filter changed while counting
        self.beginResetModel()
        self._total = opened.total
        if opened.first_page:
            self._store(0, opened.first_page)
        self.endResetModel()
        self.opened.emit(opened.total)

    # -- the window -------------------------------------------------------------------------

    def _line(self, row: int) -> LedgerLine | None:
        page, offset = divmod(row, self.page_size)
        rows = self._pages.get(page)
        near = self.page_size // PREFETCH_SHARE
        if offset < near and page > 0:
            self._want(page - 1)
        elif offset >= self.page_size - near:
            self._want(page + 1)
        if rows is None:
            self._want(page)
            return None
        self._pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    def _want(self, page: int) -> None:
        if self._failed or page in self._pages or page * self.page_size >= self._total:
            return
        if page not in self._wanted:
            self._wanted.append(page)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        # What the latest paint is missing replaces what earlier paints were: rows
        # scrolled past while reads were queued are not worth reading any more.
        self._queued = [p for p in self._wanted if p not in self._in_flight]
        self._wanted = []
        self._submit_queued()

    def _submit_queued(self) -> None:
        while self._queued and len(self._in_flight) < MAX_IN_FLIGHT and not self._sampling:
            page = self._queued.pop(0)
            if page not in self._pages and page not in self._in_flight:
                self._request(page)

    def _request(self, page: int) -> None:
        start, count = page_span(page, self._total, self.page_size)
        anchors = self._known.anchors(start, count, self._total)
        job = jobs.PageJob(
            self.order,
            page,
            start,
            count,
            self._total,
            anchors.known,
            need_samples=not self._known.sampled and anchors.gap > SAMPLE_EVERY,
        )
        generation = self._generation
        self._in_flight.add(page)
        self._sampling = self._sampling or job.need_samples
        self._session.query(
            lambda book, w: jobs.read_page(book, w, job),
            lambda result: self._on_page(generation, result),
            lambda exc: self._on_failed(generation, exc),
        )

    def _on_page(self, generation: int, result: jobs.PageResult) -> None:
        if generation != self._generation:
            return
        job = result.job
        self._in_flight.discard(job.page)
        if job.need_samples:
            self._sampling = False
        if result.samples is not None:
            self._known.add_samples(result.samples, SAMPLE_EVERY)
        if len(result.rows) != job.count and self._resyncs < MAX_RESYNCS:
            self._resyncs += 1  # the book changed under the view (another PC): count again
            self._restart()
            return
        if result.rows:
            self._store(job.page, result.rows)
            last = job.start + job.count - 1
            self.dataChanged.emit(self.index(job.start, 0), self.index(last, len(Column) - 1))
            self.page_loaded.emit(job.page)
        self._submit_queued()

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation or self._failed:
            return  # an old read, or a second read failing the same way
        # Said once: every paint would otherwise ask again and fail again.
        self._failed = True
        self._in_flight.clear()
        self._queued.clear()
        self._session.failed.emit(error)

    def _store(self, page: int, rows: tuple[LedgerLine, ...]) -> None:
        start = page * self.page_size
        column = Column(SORT_NAMES.index(self.order.sort))
        self._known.add(start, row_key(rows[0], column))
        self._known.add(start + len(rows) - 1, row_key(rows[-1], column))
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def _display(self, line: LedgerLine, column: Column) -> str:
        if column == Column.DATE:
            return line.entry_date.strftime("%d %b %Y")
        if column == Column.HOUSEHOLD:
            return line.household_ref
        if column == Column.TYPE:
            return line.entry_type.value.capitalize()
        if column == Column.DESCRIPTION:
            return line.description
        cents = line.amount_cents if column == Column.AMOUNT else line.balance_after_cents
        return format_rands(cents, self.style)


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        ItemRole.SORT,
        ItemRole.ROW,
    }
)
