"""The Matching tab: the queue of bank credits on the left, the chosen line's candidates right.

Keyboard first (the queue has the focus): Up/Down move, Enter accepts the
chosen candidate (the best one unless another was clicked), 1-9 choose
candidate N *and* accept it, R rejects, P parks (asks for a note), S splits,
H accepts for a household chosen by hand, Ctrl+Z undoes. The keys are handled
in ``decisions.QueueKeys``; this module lays the tab out, loads the queue and
keeps the selection where the user is working.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.matching import jobs
from crechebooks_desktop.ui.matching.candidates import CandidatesPanel
from crechebooks_desktop.ui.matching.decisions import Decisions, Move
from crechebooks_desktop.ui.matching.jobs import (
    OPEN_KINDS,
    CandidateView,
    Kind,
    QueueEntry,
    QueueRow,
    entry_of,
)
from crechebooks_desktop.ui.matching.queue_model import FILTERS, Column, QueueModel
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

FILTER_DELAY_MS = 250
"""Typing pauses this long before the words filter the queue (one query, not one per key)."""
_WIDTHS = {Column.DATE: 100, Column.AMOUNT: 110, Column.DECISION: 110, Column.BEST: 110,
           Column.SCORE: 64}  # fmt: skip
KEYS_HINT = (
    "Enter accept · 1–9 accept candidate N · R reject · P park · S split · "
    "H other household · Ctrl+Z undo"
)
_LOOK = """
QLabel#detailHeading { font-weight: bold; color: #1a365d; font-size: 11pt; }
QLabel#positionLine { color: #4a5568; }
QLabel#sectionHeading { font-weight: bold; color: #2d3748; padding-top: 6px; }
QLabel#reasons { color: #2d3748; padding: 2px 0; }
QLabel#counters { color: #2d3748; }
QLabel#keysHint { color: #718096; }
QLabel#actionLine { color: #22543d; font-weight: bold; }
"""


class MatchingView(QWidget):
    """The queue of credits, filtered by decision, and the candidates of the chosen one.

    Signals:
        loaded(int): the queue was (re)loaded; the number of lines.
        message(str): a short note of what was just done (for the status bar).
        matched(object): a matching run ended; its ``jobs.RunSummary``.
    """

    loaded = Signal(int)
    message = Signal(str)
    matched = Signal(object)

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self._move: Move | None = None
        self._fresh: QueueRow | None = None  # a line just decided: the panel shows it as is
        self.counts: Counter[Kind] = Counter()
        """How many credit lines are in each group (counted after each reload)."""
        self.model = QueueModel(session, self)
        self.model.opened.connect(self._show)
        self.table = list_table(self.model, Column.DATE)
        self.model.keep_on_sort = self._keep_on_sort
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_indicator)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._line_changed())
        self.panel = CandidatesPanel()
        self.panel.candidate_changed.connect(self._ask_preview)
        self.decisions = Decisions(self, session)
        self.setStyleSheet(_LOOK)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_actions())
        layout.addLayout(self._build_filters())
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([700, 560])
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        self.action_line = QLabel()
        self.action_line.setObjectName("actionLine")
        hint = QLabel(KEYS_HINT)
        hint.setObjectName("keysHint")
        bottom.addWidget(self.action_line, 1)
        bottom.addWidget(hint)
        layout.addLayout(bottom)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(self._on_workplace)

    # -- building ---------------------------------------------------------------------------

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.run_button = QPushButton("Run matching")
        self.run_button.clicked.connect(self.decisions.start_matching)
        self.import_button = QPushButton("Import statement…")
        self.import_button.clicked.connect(self.decisions.import_statement)
        self.min_score = QSpinBox()
        self.min_score.setRange(1, 100)
        self.min_score.setValue(90)
        self.min_score.setToolTip("Lines whose best match alone scores this or more")
        self.min_score.setSuffix(" points")
        self.accept_all_button = QPushButton("Accept all at or above")
        self.accept_all_button.clicked.connect(
            lambda: self.decisions.accept_all(self.min_score.value())
        )
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Undo the last decision (Ctrl+Z)")
        self.undo_button.clicked.connect(self.decisions.undo)
        for widget in (self.run_button, self.import_button):
            row.addWidget(widget)
        row.addSpacing(16)
        row.addWidget(self.accept_all_button)
        row.addWidget(self.min_score)
        row.addStretch(1)
        row.addWidget(self.undo_button)
        return row

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.filter = QComboBox()
        for label, kinds in FILTERS:
            self.filter.addItem(label, kinds)
        self.filter.setCurrentIndex(1)  # To review: what needs a person
        self.filter.setMinimumContentsLength(18)
        self.filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.model.order = replace(self.model.order, kinds=self.filter.currentData())
        self.search = QLineEdit(placeholderText="Search payer, reference, description…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.counters = QLabel()
        self.counters.setObjectName("counters")
        row.addWidget(QLabel("Show"))
        row.addWidget(self.filter)
        row.addWidget(self.search, 1)
        row.addSpacing(12)
        row.addWidget(self.counters)
        return row

    # -- loading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Load (again) if the book changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self, move: Move | None = None) -> None:
        """Count and read the queue again (in the background), then place the selection."""
        if self._session.workplace is None:
            self._stale = True
            return
        self._stale = False
        current = self.selected_line()
        self._move = move or (
            Move(current.line_id, self.current_position(), stay=True) if current else None
        )
        if self.model.is_open:
            self.model.reload(self._move.line_id if self._move else None)
        else:
            self.model.open()

    def show_decided(self, line: QueueRow, move: Move, others: Sequence[QueueRow] = ()) -> None:
        """A line's new state after a decision, without reading the queue again.

        ``others``: lines the decision scored again (their candidates changed).
        The line stays where it is if the filter still shows its group, leaves
        the list if not, and comes back into it (an undo) where it belongs.
        """
        for other in others:
            self.model.update_row(entry_of(other))
        entry = entry_of(line)
        at = self.model.row_of(line.line_id)
        before = self.model.row_value(at) if at is not None else None
        self._fresh = line
        self._count_move(before.kind if before else None, entry.kind)
        if not self.model.shows(entry.kind):
            if at is not None:
                self.model.remove_at(at)
            self._place(move)
        elif at is not None:
            self.model.update_row(entry)
            self._place(move)
        else:  # back in the group shown (undone): ask where it belongs
            order = self.model.order
            self._session.query(
                lambda book, w: jobs.place(book, w, order, line.line_id),
                lambda found: self._insert(found, move),
                lambda exc: report(self, exc, "read the bank lines"),
            )

    def _insert(self, found: tuple[int, QueueEntry] | None, move: Move) -> None:
        if found is not None:
            self.model.insert_at(*found)
        self._place(move)

    def _count_move(self, before: Kind | None, after: Kind) -> None:
        if before is None:  # where it came from is not in the window: count again
            self._ask_counts()
            return
        self.counts[before] -= 1
        self.counts[after] += 1
        self._update_counters()

    def _ask_counts(self) -> None:
        self._session.query(
            jobs.group_counts,
            self._on_counts,
            lambda exc: report(self, exc, "count the bank lines"),
        )

    def _on_counts(self, counts: Counter[Kind]) -> None:
        self.counts = counts
        self._update_counters()
        if not self.model.rowCount():
            self._show_nothing()

    def style_(self) -> MoneyStyle:
        """The creche's money style."""
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _keep_on_sort(self) -> int | None:
        current = self.selected_line()
        return current.line_id if current else None

    def _show(self, total: int) -> None:
        self._fit_columns()
        move, self._move = self._move, None
        kept = self.model.kept_index
        if move is None and kept is not None:
            self.select_row(kept)  # sorted by a header click: the chosen line stays chosen
        else:
            self._place(move)
        self._ask_counts()
        self.loaded.emit(total)

    def _place(self, move: Move | None) -> None:
        row = self._target_row(move) if move else (0 if self.model.rowCount() else None)
        if row is None:
            self._show_nothing()
        else:
            self.select_row(row)

    def _fit_columns(self) -> None:
        # Fixed widths: measuring the contents would read every page of a big queue.
        for column, width in _WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(
            Column.WHO, QHeaderView.ResizeMode.Stretch
        )

    def _sort_indicator(self, column: int, _order: object) -> None:
        """Columns the queue cannot be sorted by keep the indicator where the order is."""
        if not self.model.is_sortable(column):
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), header.sortIndicatorOrder())
            header.blockSignals(False)

    def _target_row(self, move: Move) -> int | None:
        """Where to go after ``move``: the line itself, or the next open line below it."""
        count = self.model.rowCount()
        if count == 0:
            return None
        at = self.model.row_of(move.line_id)
        if move.stay and at is not None:
            return at
        start = at + 1 if at is not None else move.position
        for row in range(start, count):
            line = self.model.row_value(row)
            if line is None:  # not read yet: stop here rather than read the whole queue
                break
            if line.kind in OPEN_KINDS:
                return row
        return min(start, count - 1)

    def _update_counters(self) -> None:
        counts = self.counts
        shown = (Kind.AUTO, Kind.REVIEW, Kind.NO_MATCH, Kind.ACCEPTED, Kind.PARKED, Kind.REJECTED)
        parts = [f"{counts[k]} {k.value.lower()}" for k in shown]
        if counts[Kind.LINKED]:
            parts.append(f"{counts[Kind.LINKED]} linked")
        if counts[Kind.NEW]:
            parts.append(f"{counts[Kind.NEW]} not matched yet")
        self.counters.setText(" · ".join(parts))
        for index, (label, kinds) in enumerate(FILTERS):
            total = sum(counts.values()) if kinds is None else sum(counts[k] for k in kinds)
            self.filter.setItemText(index, f"{label} ({total})")

    def _show_nothing(self) -> None:
        """No line to show: say why, and what to do."""
        self.panel.show_line(None, self.style_())
        if not sum(self.counts.values()):
            self.panel.heading.setText("No bank credits yet")
            self.panel.facts.setText(
                "Import a bank statement (Import statement…), then run matching: each credit "
                "appears here beside the households it most likely pays."
            )
        else:
            group = self.filter.currentText().split(" (")[0]
            self.panel.heading.setText(f"Nothing in “{group}”")
            self.panel.facts.setText("Choose another group under Show to see the other lines.")

    def _filter_changed(self) -> None:
        self._refilter(kinds=self.filter.currentData())

    def apply_search(self) -> None:
        """Filter by the words typed now (without waiting for the typing pause)."""
        self._search_timer.stop()
        self._refilter(text=" ".join(self.search.text().split()))

    def _refilter(self, **changes: object) -> None:
        """Read the queue again under new filters, keeping the chosen line if it is shown."""
        current = self.selected_line()
        self._move = Move(current.line_id, 0, stay=True) if current else None
        self.model.set_filters(current.line_id if current else None, **changes)

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if initiator is self.decisions:
            return  # the tab reloads itself after its own decisions, placing the selection
        if changes.bank or changes.ledger or changes.invoices or changes.roster:
            self._stale = True
            if self.isVisible():
                self.reload()

    def _on_workplace(self, workplace: Workplace) -> None:
        allowed = workplace.actor.can(Permission.POST_MONEY)
        for button in (
            self.run_button,
            self.import_button,
            self.accept_all_button,
            self.undo_button,
        ):
            button.setEnabled(allowed)
        self._stale = True
        if self.isVisible():
            self.reload()

    # -- selection --------------------------------------------------------------------------

    def proxy_row_of(self, line_id: int) -> int | None:
        """The row of the list showing this line, if it is shown (and read)."""
        return self.model.row_of(line_id)

    def select_row(self, row: int) -> None:
        """Make ``row`` of the list the current line."""
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        if self.table.selectionModel().currentIndex().row() == row:
            self._line_changed()

    def select_line(self, line_id: int) -> bool:
        """Make this line current, if the filter shows it."""
        row = self.model.row_of(line_id)
        if row is not None:
            self.select_row(row)
        return row is not None

    def current_position(self) -> int:
        """The current line's row in the list (0 when none)."""
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else 0

    def selected_line(self) -> QueueEntry | None:
        """The line in the current row, if any (and read)."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.row_value(index.row())

    def _line_changed(self) -> None:
        """Show the chosen line's candidates: read for it alone (issue 13)."""
        line = self.selected_line()
        if line is None:
            self.panel.show_line(None, self.style_())
            return
        fresh, self._fresh = self._fresh, None
        if fresh is not None and fresh.line_id == line.line_id:
            self.panel.show_line(fresh, self.style_())
            return
        shown = self.panel.line
        if shown is not None and shown.line_id == line.line_id and entry_of(shown) == line:
            return
        line_id = line.line_id

        def show(row: QueueRow | None) -> None:
            chosen = self.selected_line()
            if row is not None and chosen is not None and chosen.line_id == row.line_id:
                self.panel.show_line(row, self.style_())

        self._session.query(
            lambda book, w: jobs.read_line(book, w, line_id),
            show,
            lambda exc: report(self, exc, "read the bank line"),
        )

    def panel_shows(self, line_id: int) -> bool:
        """Whether the candidates shown are this line's (they are read when it is chosen)."""
        return self.panel.line is not None and self.panel.line.line_id == line_id

    def _ask_preview(self, candidate: CandidateView | None) -> None:
        line = self.panel.line
        if candidate is None or line is None:
            return
        if candidate.is_link:  # linking pays nothing: there is no allocation to read
            self.panel.show_link(candidate)
            return
        line_id, ref, numbers = line.line_id, candidate.household_ref, candidate.invoice_numbers

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserFacingError):
                self.panel.show_preview_error(str(exc))
            else:
                report(self, exc, "preview the allocation")

        self._session.query(
            lambda book, w: jobs.preview(book, w, line_id, ref, numbers),
            lambda preview: self.panel.show_preview(line_id, preview),
            failed,
        )

    def say(self, text: str) -> None:
        """Show what was just done, here and in the status bar."""
        self.action_line.setText(text)
        self.message.emit(text)
