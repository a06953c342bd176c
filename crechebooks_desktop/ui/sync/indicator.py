"""The status bar's word on Xero: "Xero: 3 pending", "Xero: 1 failed", "Xero: up to date".

Nothing shows while the creche is not connected. The figures are read on the
database thread when the creche or user changes, when a change touches what
is synced (invoices, payments, households), and after every sync (the Sync
tab hands over what it read). Clicking it opens the Sync tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from crechebooks_desktop.ui.common.errors import log_bug
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.sync import jobs, words
from crechebooks_desktop.ui.sync.jobs import Counts

if TYPE_CHECKING:
    from crechebooks_desktop.ui.sync.view import SyncView


class SyncIndicator(QLabel):
    """Xero's pending and failed counts in the status bar.

    Signals:
        shown(str): the text now shown (blank: hidden).
        clicked(): the person clicked it.
    """

    shown = Signal(str)
    clicked = Signal()

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self.setStyleSheet('QLabel#syncIndicator[failed="true"] { color: #c53030; }')
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("The Xero sync: click to open the Sync tab")
        self._session = session
        self._asked = 0
        self._syncing = False
        self._counts: Counts | None = None
        self.hide()
        session.workplace_changed.connect(lambda _w: self.refresh())
        session.changes_applied.connect(self._on_changes)

    def follow(self, view: SyncView) -> None:
        """Show the Sync tab's figures as it reads them, and "syncing" while it syncs."""
        view.loaded.connect(
            lambda state: self.show_counts(
                Counts(state.connection is not None, state.pending, len(state.failed))
            )
        )
        view.sync_actions.syncing.connect(self.set_syncing)

    def refresh(self) -> None:
        """Read the counts again (database thread)."""
        if self._session.workplace is None:
            return
        self._asked += 1
        asked = self._asked
        self._session.query(
            jobs.counts,
            lambda found: self.show_counts(found) if asked == self._asked else None,
            log_bug,  # a status-bar word is not worth a dialog
        )

    def show_counts(self, counts: Counts) -> None:
        """Show these figures (read here or by the Sync tab)."""
        self._asked += 1  # an older read still on its way is stale now
        self._counts = counts
        self._update()

    def set_syncing(self, syncing: bool) -> None:
        """Say "syncing" while a sync runs."""
        self._syncing = syncing
        self._update()

    def _update(self) -> None:
        counts = self._counts
        text = ""
        if counts is not None:
            text = words.indicator_text(counts.connected, counts.pending, counts.failed)
        if self._syncing and counts is not None and counts.connected:
            text = "Xero: syncing…"
        self.setText(text)
        self.setProperty("failed", bool(counts and counts.failed) and not self._syncing)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(text))
        self.shown.emit(text)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.invoices or changes.ledger or changes.roster or changes.settings:
            self.refresh()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Open the Sync tab."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)
