"""The queue of bank credit lines: table model, and the proxy that filters by decision."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.common.table_model import Index, RowTableModel
from crechebooks_desktop.ui.matching.jobs import Kind, QueueRow


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

_CENTRE = int(Qt.AlignmentFlag.AlignCenter)


class QueueModel(RowTableModel[QueueRow]):
    """Credit lines as rows; money right-aligned, decisions in their colours."""

    columns = Column
    headers = ("Date", "Amount", "Payer / description", "Decision", "Household", "Score")
    money_columns = frozenset({Column.AMOUNT})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._row_of: dict[int, int] = {}

    def set_rows(self, rows: Sequence[QueueRow], style: MoneyStyle) -> None:
        """Replace every row (the queue read again)."""
        super().set_rows(rows, style)
        self._row_of = {line.line_id: n for n, line in enumerate(rows)}

    def row_of(self, line_id: int) -> int | None:
        """The row showing this line, if any."""
        return self._row_of.get(line_id)

    def update_line(self, line: QueueRow) -> bool:
        """Show a line's new state (after a decision); False if the queue does not have it."""
        row = self._row_of.get(line.line_id)
        if row is None:
            return False
        self.replace_row(row, line)
        return True

    def counts(self) -> Counter[Kind]:
        """How many lines are in each group."""
        return Counter(line.kind for line in self.rows())

    def raw(self, row: QueueRow, column: int) -> Any:
        """Day numbers, cents and scores as numbers; text for the rest."""
        best = self.household(row)
        score = row.best.score if row.best and not row.household_ref else -1
        return (
            (row.date.toordinal(), row.line_id),
            row.amount_cents,
            row.who,
            row.kind.value,
            best or "",
            score,
        )[column]

    @staticmethod
    def household(row: QueueRow) -> str | None:
        """The household it was applied to, else its best suggestion."""
        if row.household_ref:
            return row.household_ref
        return row.best.household_ref if row.best else None

    def display(self, row: QueueRow, column: int) -> str:
        """Dates as people write them, decisions in words, scores only when suggested."""
        if column == Column.DATE:
            return row.date.strftime("%d %b %Y")
        if column == Column.DECISION:
            return row.kind.value
        if column == Column.SCORE:
            score = self.raw(row, column)
            return str(score) if score >= 0 else ""
        return super().display(row, column)

    def search_text(self, row: QueueRow) -> str:
        """Description, reference, payer and households."""
        parts = [row.description, row.reference or "", row.payer or "", row.household_ref or ""]
        parts += [c.household_ref for c in row.candidates]
        return " ".join(parts).lower()

    def foreground(self, row: QueueRow, column: int) -> QBrush | None:
        """Each decision in its colour."""
        if column != Column.DECISION:
            return None
        return QBrush(QColor(KIND_COLOURS[row.kind]))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the base model, plus the line's full text as its tooltip."""
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.row_value(index.row())
            extra = [f"Reference: {row.reference}"] if row.reference else []
            extra += [f"Payer: {row.payer}"] if row.payer else []
            extra += [f"Note: {row.note}"] if row.note else []
            return "\n".join([row.description, *extra])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == Column.SCORE:
            return _CENTRE
        return super().data(index, role)


class QueueProxy(RawSortFilterProxy):
    """Shows the lines of the chosen groups (and the search words), sorted on raw values."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._kinds: frozenset[Kind] | None = None

    def set_kinds(self, kinds: Iterable[Kind] | None) -> None:
        """Show only lines of these groups (None: every line)."""
        self.beginFilterChange()
        self._kinds = frozenset(kinds) if kinds is not None else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """In a chosen group, and holding every typed word."""
        if self._kinds is not None:
            model = self.sourceModel()
            line = model.data(model.index(source_row, 0, source_parent), ItemRole.ROW)
            if line is None or line.kind not in self._kinds:
                return False
        return super().filterAcceptsRow(source_row, source_parent)
