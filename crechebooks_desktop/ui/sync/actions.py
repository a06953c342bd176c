"""What the Sync tab's buttons do: sync and cancel, connect and disconnect, map, retry.

Sync now takes the book from the database thread and runs ``remote.sync`` on
the network thread; its progress (step, batches done, of how many) comes
back through a queued signal, and Cancel sets the client's cancel event (the
sync stops at its next request or wait; what was not sent stays queued).
When the sync needs mappings first, the tab lists them and offers the
mappings dialog. Retry runs on the database thread as any change does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.sync import jobs, remote, words
from crechebooks_desktop.ui.sync.connect_dialog import ConnectDialog
from crechebooks_desktop.ui.sync.mappings_dialog import MappingsDialog
from crechebooks_desktop.ui.sync.network import NetworkThread
from crechebooks_desktop.ui.sync.remote import SyncDone, SyncRun

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.xero import MappingProblem
    from crechebooks_desktop.ui.sync.view import SyncView

Confirm = Callable[[QWidget, str], bool]


def confirm_dialog(parent: QWidget, question: str) -> bool:
    """Ask a yes/no question (tests replace it)."""
    answer = QMessageBox.question(parent, "CrecheBooks", question)
    return answer == QMessageBox.StandardButton.Yes


class SyncActions(QObject):
    """The Sync tab's actions and the network thread they run on.

    Signals:
        progressed(str, int, int): the sync's step, batches done and of how many.
        syncing(bool): a sync started (True) or ended (False).
        synced(object): a sync ended (its ``remote.SyncDone``).
        retried(int): how many refused items were made pending again.
        disconnected(object): the creche was disconnected (the organisation's name, or None).
        connect_opened(object): the connect dialog opened (the ``ConnectDialog``).
        mappings_opened(object): the mappings dialog opened (the ``MappingsDialog``).
    """

    progressed = Signal(str, int, int)
    syncing = Signal(bool)
    synced = Signal(object)
    retried = Signal(int)
    disconnected = Signal(object)
    connect_opened = Signal(object)
    mappings_opened = Signal(object)

    def __init__(self, view: SyncView, session: BookSession, today: dt.date) -> None:
        super().__init__(view)
        self._view = view
        self._session = session
        self._today = today
        self.network = NetworkThread("crechebooks-xero", self)
        self.run: SyncRun | None = None
        self.problems: tuple[MappingProblem, ...] = ()
        self.connect_dialog: ConnectDialog | None = None
        self.mappings_dialog: MappingsDialog | None = None
        self.confirm: Confirm = confirm_dialog
        self.settings: Callable[[], QSettings] = QSettings
        self.network.busy_changed.connect(lambda _busy: view.update_buttons())
        self.progressed.connect(self._show_progress)
        view.sync_button.clicked.connect(self.sync_now)
        view.cancel_button.clicked.connect(self.cancel)
        view.connect_button.clicked.connect(self.open_connect)
        view.disconnect_button.clicked.connect(self.disconnect_xero)
        view.mappings_button.clicked.connect(self.open_mappings)
        view.map_button.clicked.connect(self.open_mappings)
        view.retry_selected_button.clicked.connect(lambda: self.retry(view.selected_failed()))
        view.retry_all_button.clicked.connect(lambda: self.retry(None))

    @property
    def busy(self) -> bool:
        """Whether a sync, a sign-in or a disconnection is under way."""
        return self.network.busy or self.run is not None

    # -- syncing ----------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Send what is pending, in the background."""
        if self.busy:
            return
        run = SyncRun()
        self.run = run
        self._syncing(True)
        self._session.run(
            self._session.book, lambda book: self._start_sync(book, run), self._sync_failed
        )

    def _start_sync(self, book: Book, run: SyncRun) -> None:
        workplace = self._session.workplace
        if workplace is None:
            self._syncing(False)
            return
        actor, progress = workplace.actor, self.progressed.emit
        self.network.submit(
            lambda: remote.sync(book, actor, run, progress),
            self._synced,  # type: ignore[arg-type]
            self._sync_failed,
        )

    def cancel(self) -> None:
        """Stop the sync at its next request or wait."""
        if self.run is not None:
            self.run.cancel()
            self._view.progress_text.setText("Cancelling… what was not sent stays queued")
            self._view.cancel_button.setEnabled(False)

    def _show_progress(self, step: str, done: int, of: int) -> None:
        view = self._view
        view.progress.setRange(0, max(of, 1))
        view.progress.setValue(min(done, max(of, 1)))
        if self.run is not None and not self.run.cancelled:
            view.progress_text.setText(words.progress_text(step, done, of))

    def _synced(self, done: SyncDone) -> None:
        self._syncing(False)
        self.problems = done.problems
        view = self._view
        view.problems_text.setText(
            "Map these first (nothing was sent):\n" + words.problem_lines(done.problems)
        )
        view.problems_box.setVisible(bool(done.problems))
        self._say(words.sync_text(done), problem=bool(done.problems or done.failed))
        self.synced.emit(done)
        view.reload()

    def _sync_failed(self, error: BaseException) -> None:
        self._syncing(False)
        if isinstance(error, UserFacingError):
            self._say(f"Not synced: {words.plain(str(error))}", problem=True)
        else:
            report(self._view, error, "sync with Xero")
        self._view.reload()

    def _syncing(self, running: bool) -> None:
        view = self._view
        if not running:
            self.run = None
        view.cancel_button.setVisible(running)
        view.cancel_button.setEnabled(running)
        view.progress.setVisible(running)
        view.progress_text.setVisible(running)
        if running:
            view.progress.setRange(0, 0)
            view.progress_text.setText("Starting the sync…")
            self._say("", problem=False)
        view.update_buttons()
        self.syncing.emit(running)

    def _say(self, text: str, *, problem: bool) -> None:
        label = self._view.result
        label.setText(text)
        label.setProperty("problem", problem)
        label.style().unpolish(label)
        label.style().polish(label)
        if text:
            self._view.message.emit(text.splitlines()[0])

    # -- connecting -------------------------------------------------------------------------

    def open_connect(self) -> ConnectDialog:
        """The connect dialog (not blocking: the window stays responsive behind it)."""
        if self.connect_dialog is not None:
            self.connect_dialog.deleteLater()
        dialog = ConnectDialog(
            self._session, self.network, self.settings(), self._today, self._view
        )
        dialog.connected.connect(self._connected)
        dialog.finished.connect(lambda _result: self._view.reload())
        self.connect_dialog = dialog
        dialog.open()
        self.connect_opened.emit(dialog)
        return dialog

    def _connected(self, done: remote.ConnectedTo) -> None:
        note = f" Note: {done.note[:1].upper()}{done.note[1:]}." if done.note else ""
        self._say(f"Connected to {done.organisation}.{note}", problem=False)
        self._view.reload()

    def disconnect_xero(self) -> None:
        """Disconnect from Xero (asked first): here, in the keyring and at Xero."""
        state = self._view.state
        if state is None or state.connection is None or self.busy:
            return
        name = state.connection.xero_tenant_name
        if not self.confirm(
            self._view,
            f"Disconnect this creche from {name}? What is queued stays, and goes if the creche "
            "connects again.",
        ):
            return
        self._session.run(self._session.book, self._start_disconnect, self._disconnect_failed)

    def _start_disconnect(self, book: Book) -> None:
        workplace = self._session.workplace
        if workplace is None:
            return
        actor = workplace.actor
        self.network.submit(
            lambda: remote.disconnect_creche(book, actor),
            self._disconnected,
            self._disconnect_failed,
        )

    def _disconnected(self, name: object) -> None:
        self._say(f"Disconnected from {name}." if name else "This creche was not connected.",
                  problem=False)  # fmt: skip
        self.disconnected.emit(name)
        self._view.reload()

    def _disconnect_failed(self, error: BaseException) -> None:
        report(self._view, error, "disconnect from Xero")
        self._view.reload()

    # -- mappings and retries ---------------------------------------------------------------

    def open_mappings(self) -> MappingsDialog:
        """The mappings dialog, marking what the last sync said must be mapped."""
        if self.mappings_dialog is not None:
            self.mappings_dialog.deleteLater()
        dialog = MappingsDialog(self._session, self._today, self.problems, self._view)
        dialog.saved.connect(self._mappings_saved)
        self.mappings_dialog = dialog
        dialog.open()
        self.mappings_opened.emit(dialog)
        return dialog

    def _mappings_saved(self, count: int) -> None:
        self.problems = ()
        self._view.problems_box.hide()
        self._say(f"Saved {count} mapping(s): Sync now sends what waited for them.", problem=False)
        self._view.reload()

    def retry(self, item_ids: tuple[int, ...] | None) -> None:
        """Make these refused items (None: all) pending again, for the next sync."""
        if item_ids == ():
            return
        self._session.mutate(
            lambda book, w: jobs.retry(book, w, item_ids),
            Changes(),
            self,
            self._retried,
            lambda exc: report(self._view, exc, "retry the refused items"),
        )

    def _retried(self, count: int) -> None:
        self._say(f"{count} refused item(s) will go again at the next sync.", problem=False)
        self.retried.emit(count)
        self._view.reload()

    # -- closing ----------------------------------------------------------------------------

    def shutdown(self, seconds: float) -> bool:
        """Cancel what runs on the network and wait for it; whether it stopped in time."""
        if self.run is not None:
            self.run.cancel()
        if self.connect_dialog is not None and self.connect_dialog.running:
            self.connect_dialog.reject()
        stopped = self.network.wait(seconds)
        if self.mappings_dialog is not None:
            stopped = self.mappings_dialog.network.wait(seconds) and stopped
        return stopped
