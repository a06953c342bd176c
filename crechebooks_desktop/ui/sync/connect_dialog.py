"""Connecting the creche to its Xero organisation from the window (issue 15, Xero: connect).

The sign-in is Xero's "Auth Code with PKCE": the person types the client id
of the creche's own Xero app (not a secret; remembered on this computer), the
browser opens at Xero's sign-in, and a one-shot server on loopback takes
Xero's answer. That wait may last minutes, so it runs on the network thread
with Cancel; when Xero offers several organisations, the thread waits while
the person chooses one here (``Handover``). The address is shown with Copy,
for a browser that did not open.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.forms import date_edit, day_of, error_label
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.sync import jobs, remote, words
from crechebooks_desktop.ui.sync.network import Handover, NetworkThread

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.integrations.xero.connect import Organisation

CLIENT_ID_KEY = "xero/client_id"
"""Where the client id is remembered in the window's settings (it is not a secret)."""

PORT_KEY = "xero/port"
"""The remembered callback port (0: any free one)."""

INTRO = (
    "CrecheBooks signs in as the creche's own Xero app, of the kind “Auth Code with PKCE”, "
    "made at developer.xero.com. Type its client id (there is no secret), and the port of "
    "its redirect URI http://localhost:PORT/callback when the app names one."
)

ChooseOrganisation = Callable[[QWidget, list[str]], int | None]


def organisation_dialog(parent: QWidget, names: list[str]) -> int | None:
    """Ask which organisation is the creche's (the index in ``names``; None: none chosen)."""
    name, ok = QInputDialog.getItem(
        parent,
        "Choose the Xero organisation",
        "The Xero sign-in gave access to several organisations.\nWhich one is this creche's?",
        names,
        0,
        False,
    )
    return names.index(name) if ok and name in names else None


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def open_in_browser(url: str) -> bool:
    """Open the sign-in address in the person's browser; whether one opened."""
    return QDesktopServices.openUrl(QUrl(url))


class _Relay(QObject):
    """Carries the network thread's questions to the GUI thread.

    Signals:
        url(str): the sign-in address to open and show.
        choose(object): the names of the organisations to choose from.
    """

    url = Signal(str)
    choose = Signal(object)


class ConnectDialog(QDialog):
    """Client id, the day invoices are sent from, then the sign-in with progress and Cancel.

    Signals:
        url_shown(str): the sign-in address is shown (and the browser asked to open it).
        connected(object): the creche is connected (a ``remote.ConnectedTo``).
        ended(str): connecting ended; what the dialog says about it.
    """

    url_shown = Signal(str)
    connected = Signal(object)
    ended = Signal(str)

    def __init__(
        self,
        session: BookSession,
        network: NetworkThread,
        settings: QSettings,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to Xero")
        self.setMinimumWidth(560)
        self._session = session
        self._network = network
        self._settings = settings
        self._cancel = threading.Event()
        self._running = False
        self._closing = False
        self.open_url: Callable[[str], bool] = open_in_browser
        self.choose_organisation: ChooseOrganisation = organisation_dialog
        self._relay = _Relay(self)
        self._relay.url.connect(self._show_url)
        self._relay.choose.connect(self._ask_organisation)
        self._handover: Handover[int | None] = Handover(self._cancel)
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._build_form(today))
        layout.addWidget(self._build_sign_in())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.error = error_label()
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton(
            "Connect", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

    # -- building ---------------------------------------------------------------------------

    def _build_form(self, today: dt.date) -> QFormLayout:
        form = QFormLayout()
        remembered = self._settings.value(CLIENT_ID_KEY, "")
        self.client_id = QLineEdit(str(remembered or ""))
        self.client_id.setPlaceholderText("the app's client id, from developer.xero.com")
        self.sync_from = date_edit(today.replace(day=1))
        self.sync_from.setToolTip("Invoices issued before this day stay out of Xero")
        self.queue_issued = QCheckBox("Also send the invoices already issued from that day")
        self.queue_issued.setChecked(True)
        self.queue_issued.setToolTip(
            "Queue them (with their households and payments) for the next sync"
        )
        self.port = QSpinBox()
        self.port.setRange(0, 65_535)
        self.port.setSpecialValueText("any free port")
        self.port.setValue(_int(self._settings.value(PORT_KEY, 0)))
        self.port.setToolTip("Xero sends the browser back to http://localhost:PORT/callback")
        form.addRow("Client id", self.client_id)
        form.addRow("Redirect port", self.port)
        form.addRow("Send invoices issued from", self.sync_from)
        form.addRow("", self.queue_issued)
        return form

    def _build_sign_in(self) -> QFrame:
        self.sign_in = QFrame()
        self.sign_in.setObjectName("signInBox")
        box = QVBoxLayout(self.sign_in)
        box.setContentsMargins(0, 6, 0, 0)
        self.sign_in_text = QLabel()
        self.sign_in_text.setWordWrap(True)
        row = QHBoxLayout()
        self.url = QLineEdit()
        self.url.setReadOnly(True)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the address, to open it in a browser yourself")
        self.copy_button.clicked.connect(self._copy)
        row.addWidget(self.url, 1)
        row.addWidget(self.copy_button)
        box.addWidget(self.sign_in_text)
        box.addLayout(row)
        self.sign_in.hide()
        return self.sign_in

    # -- connecting -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the sign-in is under way."""
        return self._running

    def start(self) -> None:
        """Connect: remember the client id, then sign in on the network thread."""
        client_id = self.client_id.text().strip()
        if not client_id:
            self.say("Type the client id of the creche's Xero app (from developer.xero.com).")
            return
        if self._network.busy:
            self.say("A sync is running: connect when it has finished.")
            return
        self._settings.setValue(CLIENT_ID_KEY, client_id)
        self._settings.setValue(PORT_KEY, self.port.value())
        self.say("")
        self._set_running(True, "Starting the sign-in…")
        day, queue, port = day_of(self.sync_from), self.queue_issued.isChecked(), self.port.value()
        self._session.run(
            self._session.book,
            lambda book: self._sign_in(book, client_id, port, day, queue),
            self._failed,
        )

    def _sign_in(self, book: Book, client_id: str, port: int, day: dt.date, queue: bool) -> None:
        workplace = self._session.workplace
        if workplace is None or self._cancel.is_set():
            self._failed(UserFacingError("connecting to Xero was cancelled"))
            return
        actor, relay, handover = workplace.actor, self._relay, self._handover

        def choose(found: Sequence[Organisation]) -> Organisation:
            # On the network thread: one is taken as it is; several are asked about here.
            if len(found) == 1:
                return found[0]
            relay.choose.emit([o.name for o in found])
            index = handover.take("Choosing the Xero organisation")
            if index is None:
                raise UserFacingError("no organisation was chosen; nothing was kept")
            return found[index]

        self._network.submit(
            lambda: remote.connect_creche(
                book, actor, client_id, day,
                port=port, show_url=relay.url.emit, choose=choose, cancelled=self._cancel,
            ),
            lambda done: self._connected(done, day, queue),  # type: ignore[arg-type]
            self._failed,
        )  # fmt: skip

    def _show_url(self, url: str) -> None:
        self.url.setText(url)
        self.url.setCursorPosition(0)
        opened = self.open_url(url)
        self.sign_in_text.setText(
            "Sign in to Xero in the browser that opened, and allow CrecheBooks in. "
            "If no browser opened, copy this address into one:"
            if opened
            else "The browser did not open: copy this address into a browser and sign in there:"
        )
        self.sign_in.show()
        self.adjustSize()  # room for the address, under the form
        self.status.setText("Waiting for Xero's answer from the browser…")
        self.url_shown.emit(url)

    def _ask_organisation(self, names: list[str]) -> None:
        self.status.setText("Choosing the organisation…")
        self._handover.give(self.choose_organisation(self, names))

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.status.setText("The address is copied: paste it into a browser.")

    def _connected(self, done: remote.ConnectedTo, day: dt.date, queue: bool) -> None:
        if not queue:
            self._finish(done, None)
            return
        self.status.setText("Connected; queueing the invoices already issued…")
        self._session.mutate(
            lambda book, w: jobs.queue_since(book, w, day),
            Changes(),
            self,
            lambda counts: self._finish(done, counts),
            lambda exc: self._finish(done, None, exc),
        )

    def _finish(
        self,
        done: remote.ConnectedTo,
        queued: dict[str, int] | None,
        queue_error: BaseException | None = None,
    ) -> None:
        self._set_running(False, "")
        lines = [f"Connected to {done.organisation}."]
        if queued is not None:
            lines.append(
                f"Queued for the next sync: {queued['invoices']} invoice(s), "
                f"{queued['households']} household(s) and {queued['payments']} payment(s)."
            )
        if queue_error is not None:
            lines.append(f"The invoices already issued were not queued: {queue_error}")
        if done.note:
            lines.append(f"Note: {done.note[:1].upper()}{done.note[1:]}.")
        self.status.setText("\n".join(lines))
        self.sign_in.hide()
        self.connect_button.hide()
        self.cancel_button.setText("Close")
        self.connected.emit(done)
        self.ended.emit(self.status.text())

    def _failed(self, error: BaseException) -> None:
        cancelled = self._cancel.is_set()
        self._set_running(False, "")
        self._cancel = threading.Event()
        self._handover = Handover(self._cancel)
        if self._closing or cancelled:
            self.ended.emit("Cancelled: nothing was kept.")
            super().reject()
            return
        if isinstance(error, UserFacingError):
            self.say(f"Not connected: {words.plain(str(error))}")
            self.ended.emit(self.error.text())
            return
        self.ended.emit(f"Not connected: {type(error).__name__}")
        report(self, error, "connect to Xero")

    # -- state ------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Say what is wrong (blank: nothing)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _set_running(self, running: bool, text: str) -> None:
        self._running = running
        self.busy.setVisible(running)
        self.status.setText(text)
        fields = (self.client_id, self.port, self.sync_from, self.queue_issued)
        for widget in (*fields, self.connect_button):
            widget.setEnabled(not running)

    def reject(self) -> None:
        """Cancel (or close): a sign-in under way is cancelled first, then the dialog closes."""
        if self._running:
            self._closing = True
            self._cancel.set()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            return
        super().reject()
