"""The Reconciliation tab: a bank account's statement lines beside the book, to a zero difference.

Above, the account, the statement being reconciled and its figures (opening,
cleared money in and out, closing, and the Difference that must reach zero);
below, every line of the statement with what it is in the book, filtered by
what still needs work. Keyboard first (keys in ``actions.LineKeys``); "Finish"
is enabled only at zero with every line cleared, and finishing locks the
period. All reading and writing runs on the database thread.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.bank_dates import transacted_note
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace
from crechebooks_desktop.ui.reconciliation import jobs
from crechebooks_desktop.ui.reconciliation.actions import LineKeys
from crechebooks_desktop.ui.reconciliation.jobs import Row, Screen, Side
from crechebooks_desktop.ui.reconciliation.model import FILTERS, Column, LinesModel, LinesProxy

KEYS_HINT = "Enter accept suggestion · C categorise · R rule from line · S split · Ctrl+Z undo"
_LOOK = """
QLabel#figure { font-size: 11pt; }
QLabel#figureName { color: #4a5568; }
QLabel#difference { font-size: 14pt; font-weight: bold; color: #c53030; }
QLabel#difference[zero="true"] { color: #276749; }
QLabel#lockLine { color: #6b46c1; }
QLabel#history { color: #4a5568; }
QLabel#fileNote { color: #975a16; }
QLabel#keysHint { color: #718096; }
QLabel#detail { color: #2d3748; padding: 4px 0; }
QLabel#actionLine { color: #22543d; font-weight: bold; }
"""
_FIGURES = ("Opening", "Cleared in", "Cleared out", "Closing", "Difference")


class ReconciliationView(QWidget):
    """One bank account's reconciliation: figures, lines, and the keys to clear them.

    Signals:
        loaded(object): the screen was (re)loaded; its ``jobs.Screen``.
        message(str): a short note of what was just done (for the status bar).
    """

    loaded = Signal(object)
    message = Signal(str)

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self._keep: tuple[tuple[str, int] | None, int] = (None, 0)
        self.shown = Screen((), None)
        self.model = LinesModel(self)
        self.proxy = LinesProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = list_table(self.proxy, Column.DATE)
        self.setStyleSheet(_LOOK)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_actions())
        layout.addLayout(self._build_figures())
        self.lock_line = QLabel()
        self.lock_line.setObjectName("lockLine")
        self.file_note = QLabel()
        self.file_note.setObjectName("fileNote")
        self.file_note.setWordWrap(True)
        self.history = QLabel()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        for label in (self.lock_line, self.file_note, self.history):
            layout.addWidget(label)
        layout.addLayout(self._build_filters())
        layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._row_changed())
        bottom = QHBoxLayout()
        self.action_line = QLabel()
        self.action_line.setObjectName("actionLine")
        hint = QLabel(KEYS_HINT)
        hint.setObjectName("keysHint")
        bottom.addWidget(self.action_line, 1)
        bottom.addWidget(hint)
        layout.addLayout(bottom)
        self.keys = LineKeys(self, session)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(self._on_workplace)

    # -- building ---------------------------------------------------------------------------

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.account = QComboBox()
        self.account.setMinimumContentsLength(16)
        self.account.activated.connect(lambda _i: self.reload())
        self.statement = QComboBox()
        self.statement.setMinimumContentsLength(26)
        self.statement.setToolTip("The statement in progress, or a finished one to look back at")
        self.statement.activated.connect(lambda _i: self.reload())
        self.start_button = QPushButton("Reconcile to a statement…")
        self.finish_button = QPushButton("Finish and lock")
        self.finish_button.setToolTip(
            "Enabled when the difference is zero and every line is cleared"
        )
        self.report_button = QPushButton("Save report…")
        self.print_button = QPushButton("Print report…")
        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setToolTip("Open the last locked period again (administrators)")
        row.addWidget(QLabel("Bank account"))
        row.addWidget(self.account)
        row.addWidget(self.statement)
        row.addWidget(self.start_button)
        row.addStretch(1)
        for button in (
            self.finish_button,
            self.report_button,
            self.print_button,
            self.unlock_button,
        ):
            row.addWidget(button)
        return row

    def _build_figures(self) -> QGridLayout:
        grid = QGridLayout()
        self.figures: dict[str, QLabel] = {}
        for column, name in enumerate(_FIGURES):
            heading = QLabel(name)
            heading.setObjectName("figureName")
            value = QLabel("–")
            value.setObjectName("difference" if name == "Difference" else "figure")
            grid.addWidget(heading, 0, column)
            grid.addWidget(value, 1, column)
            self.figures[name] = value
        grid.setHorizontalSpacing(36)
        grid.setColumnStretch(len(_FIGURES), 1)
        return grid

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.filter = QComboBox()
        for label, shows in FILTERS:
            self.filter.addItem(label, shows)
        self.filter.setCurrentIndex(1)  # Uncleared: what needs work
        self.filter.setMinimumContentsLength(20)
        self.filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.proxy.set_filter(self.filter.currentData())
        self.search = QLineEdit(placeholderText="Search text, account, amount…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        row.addWidget(QLabel("Show"))
        row.addWidget(self.filter)
        row.addWidget(self.search, 1)
        return row

    # -- loading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Load (again) if the book changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self, keep: tuple[str, int] | None = None) -> None:
        """Read the account's reconciliation again; keep the selection where the user works."""
        if self._session.workplace is None:
            self._stale = True
            return
        self._stale = False
        current = self.selected_row()
        self._keep = (keep or (current.key if current else None), self.current_position())
        account = self.account.currentText() or None
        day = self.statement.currentData() if account == self.shown.account else None
        self._session.query(
            lambda book, w: jobs.load(book, w, account, day),
            self._show,
            lambda exc: report(self, exc, "read the reconciliation"),
        )

    def style_(self) -> MoneyStyle:
        """The creche's money style."""
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _show(self, screen: Screen) -> None:
        self.shown = screen
        style = self.style_()
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItems(list(screen.accounts))
        if screen.account:
            self.account.setCurrentText(screen.account)
        self.account.blockSignals(False)
        self._fill_statements(screen)
        self._show_figures(screen, style)
        self.model.set_rows(screen.rows, style)
        self._fit_columns()
        self._update_filter_counts()
        key, position = self._keep
        self._place(key, position)
        self._update_buttons()
        self.loaded.emit(screen)

    def _fill_statements(self, screen: Screen) -> None:
        """The statement picker: the one in progress, then the finished ones, newest first."""
        self.statement.blockSignals(True)
        self.statement.clear()
        if screen.in_progress is not None:
            self.statement.addItem(
                f"In progress: {screen.in_progress:%d %B %Y}", screen.in_progress
            )
        for done in screen.history:
            word = "Finished" if done.status == "FINISHED" else "Unlocked"
            self.statement.addItem(f"{word}: {done.statement_date:%d %B %Y}", done.statement_date)
        if not self.statement.count():
            self.statement.addItem("No statement yet", None)
        at = self.statement.findData(screen.statement_date)
        self.statement.setCurrentIndex(max(at, 0))
        self.statement.blockSignals(False)

    def _show_figures(self, screen: Screen, style: MoneyStyle) -> None:
        totals = screen.totals
        if screen.statement_date is None or totals is None:
            for label in self.figures.values():
                label.setText("–")
        else:
            values = (
                totals.opening,
                totals.cleared_in,
                -totals.cleared_out,
                totals.closing,
                totals.difference,
            )
            for name, cents in zip(_FIGURES, values, strict=True):
                self.figures[name].setText(format_rands(cents, style))
        difference = self.figures["Difference"]
        difference.setProperty("zero", totals is not None and totals.difference == 0)
        difference.style().unpolish(difference)
        difference.style().polish(difference)
        self.lock_line.setText(
            f"Locked through {screen.locked_through:%d %B %Y}: lines up to then cannot change."
            if screen.locked_through
            else ""
        )
        self.lock_line.setVisible(screen.locked_through is not None)
        self.file_note.setText(screen.file_note or "")
        self.file_note.setVisible(bool(screen.file_note))
        shown = [
            f"{h.statement_date:%d %b %Y} ({h.status.lower()}"
            + (f", {h.finished_by}" if h.finished_by else "")
            + ")"
            for h in screen.history[:6]
        ]
        self.history.setText(
            "Finished statements (pick one above to look back): " + " · ".join(shown)
            if shown
            else ""
        )
        self.history.setVisible(bool(shown))

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.BOOK, QHeaderView.ResizeMode.Stretch)
        for column in (Column.MONEY_IN, Column.MONEY_OUT):
            self.table.setColumnWidth(column, max(self.table.columnWidth(column), 110))

    def _update_filter_counts(self) -> None:
        rows = self.model.rows()
        for index, (label, shows) in enumerate(FILTERS):
            self.filter.setItemText(index, f"{label} ({sum(1 for r in rows if shows(r))})")

    def _update_buttons(self) -> None:
        workplace = self._session.workplace
        may_post = workplace is not None and workplace.actor.can(Permission.POST_MONEY)
        in_progress = self.shown.statement_date is not None
        has_account = self.shown.account is not None
        self.start_button.setEnabled(may_post and has_account)
        self.finish_button.setEnabled(may_post and self.shown.can_finish)
        self.report_button.setEnabled(in_progress or bool(self.shown.history))
        self.print_button.setEnabled(in_progress or bool(self.shown.history))
        self.unlock_button.setVisible(
            workplace is not None and workplace.actor.can(Permission.UNLOCK_PERIODS)
        )
        self.unlock_button.setEnabled(self.shown.locked_through is not None)

    def _place(self, key: tuple[str, int] | None, position: int) -> None:
        """Select the same line again, or the one now at its place: never back to the top."""
        count = self.proxy.rowCount()
        if count == 0:
            return
        row = self.proxy_row_of(key) if key else None
        self.select_row(row if row is not None else min(position, count - 1))

    def _filter_changed(self) -> None:
        current = self.selected_row()
        self.proxy.set_filter(self.filter.currentData())
        self._place(current.key if current else None, 0)

    def _on_search(self, text: str) -> None:
        current = self.selected_row()
        self.proxy.set_search(text)
        self._place(current.key if current else None, 0)

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if initiator is self.keys:
            return  # the tab reloads itself after its own changes, keeping the selection
        if changes.bank or changes.ledger:
            self._stale = True
            if self.isVisible():
                self.reload()

    def _on_workplace(self, _workplace: Workplace) -> None:
        self.account.clear()
        self._stale = True
        if self.isVisible():
            self.reload()

    # -- selection --------------------------------------------------------------------------

    def proxy_row_of(self, key: tuple[str, int]) -> int | None:
        """The row of the filtered list showing this line or entry, if shown."""
        row = self.model.row_of(key)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index.row() if index.isValid() else None

    def select_row(self, row: int) -> None:
        """Make ``row`` of the filtered list the current one."""
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))

    def select_line(self, line_id: int) -> bool:
        """Make this statement line current, if the filter shows it."""
        row = self.proxy_row_of(("line", line_id))
        if row is not None:
            self.select_row(row)
        return row is not None

    def current_position(self) -> int:
        """The current row in the filtered list (0 when none)."""
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else 0

    def selected_row(self) -> Row | None:
        """The row in the current position, if any."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.row_value(self.proxy.mapToSource(index).row())

    def _row_changed(self) -> None:
        """Say what the chosen row is in the book, or why its suggestion is made.

        A line the payer made on another day than it was posted says so first.
        """
        row = self.selected_row()
        if row is None:
            self.detail.setText("")
            return
        words = self._row_words(row)
        transacted = transacted_note(row.date, row.transaction_date)
        self.detail.setText(f"{transacted}. {words}" if transacted else words)

    @staticmethod
    def _row_words(row: Row) -> str:
        if row.side is Side.BOOK:
            return (
                f"In the book but not on this statement yet: {row.book}. It will clear when "
                "a later statement shows it (link it to that line)."
            )
        if row.cleared:
            return f"Cleared: {row.book}."
        if row.suggestion is not None:
            return (
                f"Suggested: {row.suggestion.label} — {row.suggestion.reason}. "
                "Enter accepts it; C chooses another account."
            )
        return f"{row.book.capitalize()}. C chooses an account, S splits it."

    def say(self, text: str) -> None:
        """Show what was just done, here and in the status bar."""
        self.action_line.setText(text)
        self.message.emit(text)
