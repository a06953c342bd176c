"""The Sync tab: the Xero connection, what is pending, sent and failed, and the sync itself.

Above, the connection (organisation, since when and by whom, from which day
invoices go), the last sync, the calls left today and, when Xero's daily
limit stopped a sync, when it can go on. Then the outbox's figures, Sync now
with its progress and Cancel, and the items Xero refused with its own words
and Retry. The book is read on the database thread; connecting and syncing
wait on the network and run on a thread of their own (``network``), so no
screen waits for Xero. A viewer sees it all, with the buttons off and a
tooltip saying why. Actions are in ``actions``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import log_bug, report
from crechebooks_desktop.ui.common.value_tables import fill, value_table
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace
from crechebooks_desktop.ui.sync import jobs, words
from crechebooks_desktop.ui.sync.actions import SyncActions
from crechebooks_desktop.ui.sync.archive_section import ArchiveSection, load_archive
from crechebooks_desktop.ui.sync.jobs import FailedRow, PanelState

ADMIN_ONLY = "Only an administrator may connect or disconnect Xero"
BOOKKEEPING = "Only an administrator or a bookkeeper may sync or retry"
NOT_CONNECTED_TIP = "Connect to Xero first"
SYNC_TIP = "Send what is pending to Xero, in the background"
FAILED_HEADERS = ("Kind", "Our reference", "Xero's message", "Last tried")
_LOOK = """
QLabel#syncFigure { font-size: 16pt; font-weight: bold; color: #2d3748; }
QLabel#syncFigure[failed="true"] { color: #c53030; }
QLabel#syncFigureName { color: #4a5568; }
QLabel#connectionLine { color: #2d3748; }
QLabel#syncDetail { color: #4a5568; }
QLabel#resumeLine { color: #975a16; font-weight: bold; }
QLabel#syncResult { color: #22543d; }
QLabel#syncResult[problem="true"] { color: #c53030; }
QFrame#mappingProblems { background: #fff5f5; border: 1px solid #feb2b2; border-radius: 4px; }
"""
_FIGURES = (("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed"))


class SyncView(QWidget):
    """The creche's Xero sync.

    Signals:
        loaded(object): the tab was (re)loaded; its ``jobs.PanelState``.
        message(str): a short note of what was just done (for the status bar).
    """

    loaded = Signal(object)
    message = Signal(str)

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self._asked = 0
        self.state: PanelState | None = None
        self.setStyleSheet(_LOOK)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_connection())
        layout.addLayout(self._build_figures())
        layout.addLayout(self._build_sync_row())
        self.result = QLabel()
        self.result.setObjectName("syncResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addWidget(self._build_problems())
        layout.addWidget(self._build_failed(), 1)
        self.archive = ArchiveSection()
        layout.addWidget(self.archive)
        self.sync_actions = SyncActions(self, session, today)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(self._on_workplace)

    # -- building ---------------------------------------------------------------------------

    def _build_connection(self) -> QGroupBox:
        box = QGroupBox("Xero")
        column = QVBoxLayout(box)
        self.connection_line = QLabel(words.NOT_CONNECTED)
        self.connection_line.setObjectName("connectionLine")
        self.connection_line.setWordWrap(True)
        self.last_sync = QLabel()
        self.last_sync.setObjectName("syncDetail")
        self.resume = QLabel()
        self.resume.setObjectName("resumeLine")
        self.resume.setWordWrap(True)
        self.resume.hide()
        row = QHBoxLayout()
        self.connect_button = QPushButton("Connect to Xero…")
        self.disconnect_button = QPushButton("Disconnect")
        self.mappings_button = QPushButton("Mappings…")
        self.mappings_button.setToolTip(
            "Where our income accounts, bank accounts and VAT go in Xero"
        )
        for button in (self.connect_button, self.disconnect_button, self.mappings_button):
            row.addWidget(button)
        row.addStretch(1)
        for widget in (self.connection_line, self.last_sync, self.resume):
            column.addWidget(widget)
        column.addLayout(row)
        return box

    def _build_figures(self) -> QGridLayout:
        grid = QGridLayout()
        self.figures: dict[str, QLabel] = {}
        for column, (key, name) in enumerate(_FIGURES):
            heading = QLabel(name)
            heading.setObjectName("syncFigureName")
            value = QLabel("–")
            value.setObjectName("syncFigure")
            grid.addWidget(heading, 0, column)
            grid.addWidget(value, 1, column)
            self.figures[key] = value
        grid.setHorizontalSpacing(48)
        grid.setColumnStretch(len(_FIGURES), 1)
        return grid

    def _build_sync_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setToolTip(SYNC_TIP)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the sync; what was not sent stays queued")
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("syncDetail")
        for widget in (self.progress, self.progress_text):
            widget.hide()
        row.addWidget(self.sync_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress)
        row.addWidget(self.progress_text)
        row.addStretch(1)
        return row

    def _build_problems(self) -> QFrame:
        self.problems_box = QFrame()
        self.problems_box.setObjectName("mappingProblems")
        row = QHBoxLayout(self.problems_box)
        self.problems_text = QLabel()
        self.problems_text.setWordWrap(True)
        self.map_button = QPushButton("Map these…")
        row.addWidget(self.problems_text, 1)
        row.addWidget(self.map_button)
        self.problems_box.hide()
        return self.problems_box

    def _build_failed(self) -> QGroupBox:
        box = QGroupBox("Refused by Xero")
        column = QVBoxLayout(box)
        hint = QLabel(
            "Xero's own words for each. A refused item goes again when it changes here, "
            "or when you retry it."
        )
        hint.setObjectName("syncDetail")
        hint.setWordWrap(True)
        self.failed_table = value_table(FAILED_HEADERS, (), stretch=2)
        self.failed_table.setWordWrap(True)  # Xero's words matter: shown whole
        self.failed_table.itemSelectionChanged.connect(self.update_buttons)
        row = QHBoxLayout()
        self.retry_selected_button = QPushButton("Retry selected")
        self.retry_all_button = QPushButton("Retry all")
        row.addStretch(1)
        row.addWidget(self.retry_selected_button)
        row.addWidget(self.retry_all_button)
        column.addWidget(hint)
        column.addWidget(self.failed_table, 1)
        column.addLayout(row)
        return box

    # -- loading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Load (again) if the book changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """Read the connection and the outbox again (database thread)."""
        if self._session.workplace is None:
            self._stale = True
            return
        self._stale = False
        self._asked += 1
        asked = self._asked
        self._session.query(
            jobs.load,
            lambda state: self._show(state) if asked == self._asked else None,
            lambda exc: report(self, exc, "read the Xero sync"),
        )
        self._session.query(load_archive, self.archive.show_counts, _archive_unread)

    def _show(self, state: PanelState) -> None:
        self.state = state
        connection = state.connection
        self.connection_line.setText("\n".join(words.connection_lines(connection)))
        self.last_sync.setText(words.last_sync_line(connection))
        self.last_sync.setVisible(connection is not None)
        resume = words.resume_line(connection, dt.datetime.now(dt.UTC))
        self.resume.setText(resume)
        self.resume.setVisible(bool(resume))
        values = {"pending": state.pending, "sent": state.sent, "failed": len(state.failed)}
        for key, label in self.figures.items():
            label.setText(str(values[key]))
        failed = self.figures["failed"]
        failed.setProperty("failed", bool(state.failed))
        failed.style().unpolish(failed)
        failed.style().polish(failed)
        fill(self.failed_table, [_cells(row) for row in state.failed], ())
        self.failed_table.resizeRowsToContents()
        self.update_buttons()
        self.loaded.emit(state)

    # -- state ------------------------------------------------------------------------------

    def failed_rows(self) -> tuple[FailedRow, ...]:
        """The refused items shown, in the table's order."""
        return self.state.failed if self.state else ()

    def selected_failed(self) -> tuple[int, ...]:
        """The outbox ids of the refused items selected in the table."""
        rows = self.failed_rows()
        chosen = sorted({index.row() for index in self.failed_table.selectedIndexes()})
        return tuple(rows[r].item_id for r in chosen if r < len(rows))

    def may(self, permission: Permission) -> bool:
        """Whether the person signed in may do what needs ``permission``."""
        workplace = self._session.workplace
        return workplace is not None and workplace.actor.can(permission)

    def update_buttons(self) -> None:
        """Enable what the role, the connection and a running job allow; say why not."""
        connected = self.state is not None and self.state.connection is not None
        busy = self.sync_actions.busy
        admin, keeper = self.may(Permission.MANAGE_SETTINGS), self.may(Permission.POST_MONEY)
        role = self._role()
        self.connect_button.setEnabled(admin and not busy)
        self.disconnect_button.setEnabled(admin and connected and not busy)
        for button in (self.connect_button, self.disconnect_button):
            button.setToolTip("" if admin else f"{ADMIN_ONLY} (signed in as {role})")
        self.sync_button.setEnabled(keeper and connected and not busy)
        self.sync_button.setToolTip(_sync_tip(keeper=keeper, connected=connected, role=role))
        self.retry_selected_button.setEnabled(keeper and bool(self.selected_failed()) and not busy)
        self.retry_all_button.setEnabled(keeper and bool(self.failed_rows()) and not busy)
        for button in (self.retry_selected_button, self.retry_all_button):
            button.setToolTip("" if keeper else f"{BOOKKEEPING} (signed in as {role})")

    def _role(self) -> str:
        workplace = self._session.workplace
        return workplace.actor.role.value if workplace else ""

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.invoices or changes.ledger or changes.roster or changes.settings:
            self._stale = True
            if self.isVisible():
                self.reload()

    def _on_workplace(self, _workplace: Workplace) -> None:
        self.state = None
        self.result.clear()
        self.problems_box.hide()
        self._stale = True
        self.update_buttons()
        if self.isVisible():
            self.reload()

    def shutdown(self, seconds: float = 10.0) -> bool:
        """Stop what runs on the network (the window closes); whether it stopped in time."""
        return self.sync_actions.shutdown(seconds)


def _archive_unread(error: BaseException) -> None:
    """The archive's figures are a footnote here: a bug is logged, a refusal left unsaid."""
    if not isinstance(error, UserFacingError):
        log_bug(error)


def _sync_tip(*, keeper: bool, connected: bool, role: str) -> str:
    if not keeper:
        return f"{BOOKKEEPING} (signed in as {role})"
    return SYNC_TIP if connected else NOT_CONNECTED_TIP


def _cells(row: FailedRow) -> list[str]:
    return [row.kind, row.reference, row.message, words.when(row.tried_at)]
