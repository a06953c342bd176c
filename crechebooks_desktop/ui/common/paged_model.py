"""A table model over a long list, read a page at a time as it is shown (issues 4 and 13).

The model knows how many rows there are (a ``COUNT`` in SQL) and holds only a
window of them: an LRU of pages of ``page_size`` rows, at most ``max_pages``.
``data()`` never touches the database: a row that is not in the window shows
a placeholder and asks for its page, which the database thread reads by
keyset (``ui.common.paging``) and hands back; the model then stores it and
emits ``dataChanged`` for its rows. Sorting and filtering are done by the
database (never a ``QSortFilterProxyModel``, which calls ``data()`` for every
comparison). ``ui.ledger.all_model`` is the first of these lists; this base
holds what the Invoices tab and the matching queue share with it.

A reload can keep a row (the selection): the database finds where the row
stands now and reads its page with the count, so the view can select it
again wherever it moved. A list that changes one row at a time (a matching
decision) edits the window in place instead: ``update_row``, ``remove_at``,
``insert_at``.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.paging import (
    PAGE_SIZE,
    SAMPLE_EVERY,
    Key,
    KnownKeys,
    Opened,
    PageJob,
    PageResult,
    page_span,
)
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.ops import BookSession, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
OrderT = TypeVar("OrderT")
Query = Callable[["Book", Workplace], Any]
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


class PagedTableModel(QAbstractTableModel, Generic[RowT, OrderT]):
    """Rows of a long list, read a page at a time; subclasses say how rows read and show.

    ``order`` is the feature's frozen value of order and filters: it has at
    least ``sort`` (a name from ``sort_names``) and ``descending``.

    Signals:
        opened(int): the count and first page arrived (after ``open`` or a
            reload); the number of rows.
        page_loaded(int): a page arrived and its rows were updated; its number.
    """

    opened = Signal(int)
    page_loaded = Signal(int)

    columns: ClassVar[type[enum.IntEnum]]
    headers: ClassVar[Sequence[str]]
    money_columns: ClassVar[frozenset[int]] = frozenset()
    sort_names: ClassVar[Sequence[str | None]]
    """Each column's sort name in SQL; None where the list cannot be sorted by it."""

    def __init__(
        self,
        session: BookSession,
        order: OrderT,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.order = order
        self.page_size = page_size
        self.max_pages = max_pages
        self.style = MoneyStyle.SPACE_COMMA
        self.is_open = False
        self.extra: Any = None
        """What the list read besides its rows when it opened (totals, counts)."""
        self.kept_index: int | None = None
        """Where the row asked to be kept stands after the last reload (None: not shown)."""
        self.keep_on_sort: Callable[[], int | None] | None = None
        """Asked which row to keep (the view's selection) when a header click sorts."""
        self._generation = 0
        self._epoch = 0  # bumped by in-place edits: pages read before them are stale
        self._total = 0
        self._pages: OrderedDict[int, tuple[RowT, ...]] = OrderedDict()
        self._known = KnownKeys()
        self._in_flight: set[int] = set()
        self._sampling = False
        self._failed = False
        self._resyncs = 0
        self._wanted: list[int] = []
        self._queued: list[int] = []
        self._flush_timer = QTimer(self, singleShot=True, interval=0)
        self._flush_timer.timeout.connect(self._flush)

    # -- what subclasses say ------------------------------------------------------------------

    def open_query(self, order: OrderT, page_size: int, keep_id: int | None) -> Query:
        """The job that counts the list and reads its first page (and the kept row's)."""
        raise NotImplementedError

    def page_query(self, job: PageJob) -> Query:
        """The job that reads one page (returns a ``PageResult``)."""
        raise NotImplementedError

    def key_of(self, row: RowT) -> Key:
        """A row's key in the current order (what SQL orders by)."""
        raise NotImplementedError

    def id_of(self, row: RowT) -> int:
        """A row's id."""
        raise NotImplementedError

    def raw(self, row: RowT, column: int) -> Any:
        """A cell's raw value (cents for money)."""
        raise NotImplementedError

    def display(self, row: RowT, column: int) -> str:
        """How a cell reads; money columns are formatted from their raw cents."""
        if column in self.money_columns:
            return format_rands(self.raw(row, column), self.style)
        return str(self.raw(row, column) or "")

    def cell_role(self, row: RowT, column: int, role: int) -> Any:  # noqa: ARG002 - for subclasses
        """Any other role of a cell (colours, tooltips); None by default."""
        return None

    # -- what the view sees -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The number of rows the database counted (0 under any parent: a flat table)."""
        return 0 if parent.isValid() else self._total

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
        """A cell from the window; a placeholder (and a page request) when not loaded."""
        if not index.isValid() or not 0 <= index.row() < self._total:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.money_columns:
            return _RIGHT
        row = self._row(index.row())
        if row is None:
            return PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == ItemRole.SORT:
            return self.raw(row, column)
        if role == ItemRole.ROW:
            return row
        return self.cell_role(row, column, role)

    def row_value(self, row: int) -> RowT | None:
        """The row at ``row`` if it is in the window (asks for its page if not)."""
        return self._row(row) if 0 <= row < self._total else None

    def row_of(self, row_id: int) -> int | None:
        """Where the row with this id is, if the window holds it."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if self.id_of(row) == row_id:
                    return page * self.page_size + offset
        return None

    def cached_rows(self) -> int:
        """How many rows the window holds now."""
        return sum(len(rows) for rows in self._pages.values())

    def is_sortable(self, column: int) -> bool:
        """Whether the list can be ordered by ``column``."""
        return 0 <= column < len(self.sort_names) and self.sort_names[column] is not None

    def sort_column(self) -> int:
        """The column the list is ordered by now."""
        return list(self.sort_names).index(getattr(self.order, "sort"))  # noqa: B009

    # -- order, filters and (re)loading -------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` in SQL (then by id) and start again from the top."""
        if not self.is_sortable(column):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        keep = self.keep_on_sort() if self.keep_on_sort is not None else None
        self.set_order(
            replace(self.order, sort=self.sort_names[column], descending=descending),  # type: ignore[type-var]
            keep,
        )

    def set_order(self, order: OrderT, keep_id: int | None = None) -> None:
        """Change the order or filters; reloads (keeping that row if asked) when open."""
        if order == self.order:
            return
        self.order = order
        if self.is_open:
            self.reload(keep_id)

    def open(self) -> None:
        """Count the rows and read the first page (the first time the view is shown)."""
        self.is_open = True
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        """Forget the window and count again; find the row ``keep_id`` again if given."""
        self._resyncs = 0
        self._restart(keep_id)

    def _restart(self, keep_id: int | None = None) -> None:
        self._generation += 1
        generation, order, size = self._generation, self.order, self.page_size
        self.beginResetModel()
        self._total = 0
        self._forget()
        self.endResetModel()
        workplace = self._session.workplace
        if workplace is None:
            return  # the book is still opening; the tab reloads once it is open
        self.style = MoneyStyle[workplace.creche.money_style]
        self._session.query(
            self.open_query(order, size, keep_id),
            lambda opened: self._on_opened(generation, opened),
            lambda exc: self._on_failed(generation, exc),
        )

    def _forget(self) -> None:
        self._pages.clear()
        self._known = KnownKeys()
        self._in_flight.clear()
        self._sampling = False
        self._failed = False
        self._wanted.clear()
        self._queued.clear()

    def _on_opened(self, generation: int, opened: Opened[RowT]) -> None:
        if generation != self._generation:
            return  # the order or filter changed while counting
        self.beginResetModel()
        self._total = opened.total
        self.extra = opened.extra
        self.kept_index = opened.kept_index
        if opened.first_page:
            self._store(0, opened.first_page)
        if opened.kept_index is not None and opened.kept_rows:
            self._store(opened.kept_start // self.page_size, opened.kept_rows)
        self.endResetModel()
        self.opened.emit(opened.total)

    # -- editing the window in place ----------------------------------------------------------

    def update_row(self, value: RowT) -> int | None:
        """Show a row's new state where it is; its index, or None if the window lacks it."""
        at = self.row_of(self.id_of(value))
        if at is None:
            return None
        page, offset = divmod(at, self.page_size)
        rows = list(self._pages[page])
        rows[offset] = value
        self._pages[page] = tuple(rows)
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.columns) - 1))
        return at

    def remove_at(self, at: int) -> None:
        """Take row ``at`` out of the list (it left the filter); the rows after it move up."""
        if not 0 <= at < self._total:
            return
        rows = {i: r for i, r in self._cached().items() if i != at}
        self.beginRemoveRows(QModelIndex(), at, at)
        self._total -= 1
        self._rebucket({(i - 1 if i > at else i): r for i, r in rows.items()})
        self._known = self._known.shifted(at, -1)
        self.endRemoveRows()

    def insert_at(self, at: int, value: RowT) -> None:
        """Put a row into the list at ``at`` (it joined the filter); the rows after it move down."""
        at = max(0, min(at, self._total))
        rows = {(i + 1 if i >= at else i): r for i, r in self._cached().items()}
        rows[at] = value
        self.beginInsertRows(QModelIndex(), at, at)
        self._total += 1
        self._rebucket(rows)
        self._known = self._known.shifted(at, 1)
        self._known.add(at, self.key_of(value))
        self.endInsertRows()

    def _cached(self) -> dict[int, RowT]:
        return {
            page * self.page_size + offset: row
            for page, rows in self._pages.items()
            for offset, row in enumerate(rows)
        }

    def _rebucket(self, rows: dict[int, RowT]) -> None:
        """Pages again from rows by index: only those complete stay (the rest are read again)."""
        self._epoch += 1  # reads in flight were planned before the edit
        self._in_flight.clear()
        self._sampling = False
        self._pages.clear()
        for page in sorted({i // self.page_size for i in rows}):
            start, count = page_span(page, self._total, self.page_size)
            if count and all(start + k in rows for k in range(count)):
                self._pages[page] = tuple(rows[start + k] for k in range(count))

    # -- the window ---------------------------------------------------------------------------

    def _row(self, row: int) -> RowT | None:
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
        # What the latest paint is missing replaces what earlier paints were.
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
        job = PageJob(
            self.order,
            page,
            start,
            count,
            self._total,
            anchors.known,
            need_samples=not self._known.sampled and anchors.gap > SAMPLE_EVERY,
        )
        generation, epoch = self._generation, self._epoch
        self._in_flight.add(page)
        self._sampling = self._sampling or job.need_samples
        self._session.query(
            self.page_query(job),
            lambda result: self._on_page(generation, epoch, result),
            lambda exc: self._on_failed(generation, exc),
        )

    def _on_page(self, generation: int, epoch: int, result: PageResult[RowT]) -> None:
        if generation != self._generation:
            return
        job = result.job
        if epoch != self._epoch:  # the window was edited since: read it again when shown
            self._in_flight.discard(job.page)
            self._submit_queued()
            return
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
            last = job.start + len(result.rows) - 1
            self.dataChanged.emit(self.index(job.start, 0), self.index(last, len(self.columns) - 1))
            self.page_loaded.emit(job.page)
        self._submit_queued()

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation or self._failed:
            return  # an old read, or a second read failing the same way
        self._failed = True  # said once: every paint would otherwise ask again
        self._in_flight.clear()
        self._queued.clear()
        self._session.failed.emit(error)

    def _store(self, page: int, rows: tuple[RowT, ...]) -> None:
        start = page * self.page_size
        self._known.add(start, self.key_of(rows[0]))
        self._known.add(start + len(rows) - 1, self.key_of(rows[-1]))
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
