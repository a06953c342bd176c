"""The queue of bank credit lines as a lazily paged table model (issue 13).

A book may hold 100,000 bank lines: the model counts the chosen group's lines
and holds a window of them, read a page at a time by keyset in the clicked
column's order, the group and the words applied in SQL
(``ui.common.paged_model``). A decision changes one line: the model shows its
new state in place, or takes it out of a group it left, without reading the
queue again.
"""

from __future__ import annotations

import enum
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.ui.common.bank_dates import transacted_note
from crechebooks_desktop.ui.common.paged_model import PagedTableModel, Query
from crechebooks_desktop.ui.common.paging import PAGE_SIZE, Key, PageJob
from crechebooks_desktop.ui.matching import jobs
from crechebooks_desktop.ui.matching.jobs import Kind, QueueEntry
from crechebooks_desktop.ui.ops import BookSession


class Column(enum.IntEnum):
    """The queue's columns, in order."""

    DATE = 0
    AMOUNT = 1
    WHO = 2
    DECISION = 3
    BEST = 4
    SCORE = 5


KIND_COLOURS = {
    Kind.REVIEW: "#b7791f",
    Kind.NEW: "#4a5568",
    Kind.NO_MATCH: "#c53030",
    Kind.AUTO: "#276749",
    Kind.ACCEPTED: "#2b6cb0",
    Kind.PARKED: "#6b46c1",
    Kind.REJECTED: "#718096",
    Kind.SPLIT: "#a0aec0",
    Kind.CATEGORISED: "#718096",
    Kind.LINKED: "#2c7a7b",
}

FILTERS: tuple[tuple[str, frozenset[Kind] | None], ...] = (
    ("All", None),
    ("To review", frozenset({Kind.REVIEW})),
    ("Auto-applied", frozenset({Kind.AUTO})),
    ("Accepted", frozenset({Kind.ACCEPTED})),
    ("No match", frozenset({Kind.NO_MATCH})),
    ("Not matched yet", frozenset({Kind.NEW})),
    ("Parked", frozenset({Kind.PARKED})),
    ("Rejected", frozenset({Kind.REJECTED})),
    ("Linked", frozenset({Kind.LINKED})),
)
"""The decision filter's choices: label and the kinds shown (None: all)."""

SORT_NAMES = ("date", "amount", "who", "status", None, None)
"""Each column's ``QueueSort`` value; the household and score are not sorted in SQL."""
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)


class QueueModel(PagedTableModel[QueueEntry, jobs.QueueOrder]):
    """Credit lines as rows, read as they are shown; decisions in their colours.

    Signals:
        opened(int): counted and the first page read.
        page_loaded(int): a page arrived.
    """

    columns = Column
    headers = ("Date", "Amount", "Payer / description", "Decision", "Household", "Score")
    money_columns = frozenset({Column.AMOUNT})
    sort_names = SORT_NAMES

    def __init__(
        self, session: BookSession, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(session, jobs.QueueOrder(), parent, page_size=page_size)

    def open_query(self, order: jobs.QueueOrder, page_size: int, keep_id: int | None) -> Query:
        """Group counts, count, first page and the kept line's page."""
        return lambda book, w: jobs.open_queue(book, w, order, page_size, keep_id)

    def page_query(self, job: PageJob) -> Query:
        """One page by keyset."""
        return lambda book, w: jobs.read_queue_page(book, w, job)

    def key_of(self, row: QueueEntry) -> Key:
        """The row's key in the current order."""
        return row.key(self.order.sort)

    def id_of(self, row: QueueEntry) -> int:
        """The line's id."""
        return row.line_id

    def shows(self, kind: Kind) -> bool:
        """Whether the queue's filter shows lines of this group."""
        return self.order.kinds is None or kind in self.order.kinds

    def set_filters(self, keep_id: int | None = None, **changes: Any) -> None:
        """Change the groups or words shown (the order stays), keeping a line if it stays."""
        self.set_order(replace(self.order, **changes), keep_id)

    @staticmethod
    def household(row: QueueEntry) -> str | None:
        """The household it was applied to, else its best suggestion."""
        return row.household_ref or row.best_ref

    def raw(self, row: QueueEntry, column: int) -> Any:
        """Dates, cents and scores as numbers; text for the rest."""
        score = row.best_score if row.best_score is not None and not row.household_ref else -1
        return (
            row.date,
            row.amount_cents,
            row.who,
            row.kind.value,
            self.household(row) or "",
            score,
        )[column]

    def display(self, row: QueueEntry, column: int) -> str:
        """Dates as people write them, decisions in words, scores only when suggested."""
        if column == Column.DATE:
            return row.date.strftime("%d %b %Y")
        if column == Column.DECISION:
            return row.kind.value
        if column == Column.SCORE:
            score = self.raw(row, column)
            return str(score) if score >= 0 else ""
        return super().display(row, column)

    def cell_role(self, row: QueueEntry, column: int, role: int) -> Any:
        """Decisions in their colours, the line's full text as a tooltip, scores centred.

        The date column shows the posting date; a transaction date apart from it
        is in the tooltip (and the line's details), as most banks give none.
        """
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.DECISION:
            return QBrush(QColor(KIND_COLOURS[row.kind]))
        if role == Qt.ItemDataRole.ToolTipRole:
            transacted = transacted_note(row.date, row.transaction_date)
            extra = [transacted] if transacted else []
            extra += [f"Reference: {row.reference}"] if row.reference else []
            extra += [f"Payer: {row.payer}"] if row.payer else []
            extra += [f"Note: {row.note}"] if row.note else []
            return "\n".join([row.description, *extra])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.SCORE:
            return _CENTRE
        return None
