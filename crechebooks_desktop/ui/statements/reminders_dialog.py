"""The reminders dialog: who would get which reminder on a day, who would not and why; Send.

The preview is ``reminders.preview`` (``crechebooks reminders preview``),
read on the database thread whenever the day changes. Send is ``reminders
send``: the SMTP password first (the keyring, else asked here once per
session), then every reminder decided, written, kept and queued in one
transaction, then e-mailed with progress and Cancel; the dialog then says
what went, what failed in the server's words, and which letters to print and
where they are. An owner-viewer sees the preview; only those who may post
money may send. The password dialog and the folder opener are attributes so
tests replace them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.forms import date_edit, day_of
from crechebooks_desktop.ui.common.mail_password import AskPassword, password_dialog
from crechebooks_desktop.ui.common.value_tables import fill, value_table
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.statements import reminder_jobs, reminder_summary
from crechebooks_desktop.ui.statements.reminder_jobs import ReminderScreen, SendPlan, SendResult

if TYPE_CHECKING:
    from crechebooks_desktop.services.tasks import TaskState

OpenFolder = Callable[[Path], None]
VIEW_ONLY = "Only an administrator or a bookkeeper may send reminders; you may look at them"
NOBODY_DUE = "Nobody is due a reminder on this day"
_MONEY = {4}
_LOOK = """
QLabel#sectionTitle { font-weight: bold; color: #2d3748; padding-top: 6px; }
QLabel#reminderSummary { color: #4a5568; }
QLabel#sendResult { background: #f0fff4; border: 1px solid #c6f6d5; border-radius: 4px;
                    padding: 8px; color: #22543d; }
"""


def open_in_file_manager(folder: Path) -> None:
    """Show the folder in the desktop's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class _Relay(QObject):
    """Carries e-mail progress from the database thread to the GUI thread.

    Signals:
        progressed(int, int, str): messages done, of how many, and the last one's subject.
    """

    progressed = Signal(int, int, str)


class RemindersDialog(QDialog):
    """Preview and send the payment reminders due on a day.

    Signals:
        loaded(object): the preview shown (a ``ReminderScreen``).
        sent(object): Send finished (a ``SendResult``).
    """

    loaded = Signal(object)
    sent = Signal(object)

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Payment reminders")
        self.setStyleSheet(_LOOK)
        self._session = session
        self._asked = 0
        self.shown: ReminderScreen | None = None
        self.outcome: SendResult | None = None
        self.ask_password: AskPassword = password_dialog
        self.open_folder: OpenFolder = open_in_file_manager
        self.progress: QProgressDialog | None = None
        self.task: TaskState | None = None
        self.as_of = date_edit(today)
        self.summary = QLabel("Reading who is due a reminder…")
        self.summary.setObjectName("reminderSummary")
        self.due = value_table(
            ["Account", "Parent", "Sent to", "Level", "Total", "Invoices"], _MONEY, stretch=5
        )
        self.skipped = value_table(["Account", "Parent", "Why not"], (), stretch=2)
        self.result_label = QLabel()
        self.result_label.setObjectName("sendResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open the letters' folder")
        self.send_button = QPushButton("Send")
        self._lay_out()
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        self.send_button.clicked.connect(self.send)
        self.open_button.clicked.connect(self._open_letters)
        self._show_result(None)
        self.due.setFocus()  # not the day: its digits would show selected
        self.resize(980, 600)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Reminders due on"))
        top.addWidget(self.as_of)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        due_title, skipped_title = QLabel("Reminders to send"), QLabel("Not reminded")
        for title in (due_title, skipped_title):
            title.setObjectName("sectionTitle")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ApplyRole)
        self.send_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(due_title)
        layout.addWidget(self.due, 3)
        layout.addWidget(skipped_title)
        layout.addWidget(self.skipped, 1)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    # -- the preview ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Read the preview when the dialog first shows."""
        super().showEvent(event)
        if self.shown is None and not self._asked:
            self.reload()

    def day(self) -> dt.date:
        """The day the reminders are for."""
        return day_of(self.as_of)

    def reload(self) -> None:
        """Read who is due which reminder on the day (database thread)."""
        self._asked += 1
        asked, day = self._asked, self.day()
        self._session.query(
            lambda book, w: reminder_jobs.load_preview(book, w, day),
            lambda screen: self._show(screen) if asked == self._asked else None,
            lambda exc: report(self, exc, "read the reminders due"),
        )

    def _style(self) -> MoneyStyle:
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _show(self, screen: ReminderScreen) -> None:
        self.shown = screen
        style = self._style()
        rows = [
            (r.ref, r.name, r.email or "printed", str(r.level),
             format_rands(r.total_cents, style), ", ".join(r.invoices))
            for r in screen.rows
        ]  # fmt: skip
        fill(self.due, rows, _MONEY)
        fill(self.skipped, [(s.ref, s.name, s.reason) for s in screen.skipped], ())
        self.summary.setText(
            f"{len(screen.rows)} reminder(s) asking {format_rands(screen.total_cents, style)} · "
            f"{len(screen.skipped)} household(s) not reminded"
        )
        self._update_send()
        self.loaded.emit(screen)

    def may_send(self) -> bool:
        """Whether the person signed in may send reminders."""
        workplace = self._session.workplace
        return workplace is not None and workplace.actor.can(Permission.POST_MONEY)

    def _update_send(self, *, busy: bool = False) -> None:
        due = bool(self.shown and self.shown.rows)
        self.send_button.setEnabled(self.may_send() and due and not busy)
        if not self.may_send():
            role = self._session.workplace.actor.role.value if self._session.workplace else ""
            self.send_button.setToolTip(f"{VIEW_ONLY} (signed in as {role})")
        elif not due:
            self.send_button.setToolTip(NOBODY_DUE)
        else:
            self.send_button.setToolTip("Write each letter, keep it, and e-mail it or print it")

    # -- sending ----------------------------------------------------------------------------

    def send(self) -> None:
        """Send the reminders due: the password first, then queue and e-mail off the GUI thread."""
        if not self.may_send():
            return
        self._update_send(busy=True)
        self.result_label.setText("Getting ready to send…")
        self.result_label.show()
        self._session.query(
            reminder_jobs.plan_send,
            self._planned,
            self._failed,
        )

    def _planned(self, plan: SendPlan) -> None:
        typed = None
        if plan.password.need is not None:
            typed = self.ask_password(self, plan.password.need)
            if typed is None:
                self.result_label.setText("Nothing was sent: the SMTP password was not given.")
                self._update_send()
                return
        day = self.day()
        progress, task = self._progress(plan)
        self.progress, self.task = progress, task
        self._session.mutate(
            lambda book, w: reminder_jobs.send_reminders(book, w, plan, day, typed, task),
            Changes(),
            self,
            self._sent,
            self._failed,
        )
        progress.show()

    def _progress(self, plan: SendPlan) -> tuple[QProgressDialog, TaskState]:
        from crechebooks_desktop.services.tasks import TaskState  # noqa: PLC0415

        text = "Writing and keeping the letters…"
        progress = QProgressDialog(text, "Cancel", 0, 0, self)
        progress.setWindowTitle("Send reminders")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setMinimumWidth(460)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        if not plan.email:  # the letters are written in one transaction: nothing to stop
            progress.setCancelButton(None)
        relay = _Relay(progress)

        def show(done: int, total: int, subject: str) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(done)
            progress.setLabelText(
                f"E-mailing {done} of {total}" + (f" · {subject}" * bool(subject))
            )

        relay.progressed.connect(show)
        task = TaskState(relay.progressed.emit)
        progress.canceled.connect(task.cancel)
        return progress, task

    def _sent(self, result: SendResult) -> None:
        self._close_progress()
        self.outcome = result
        self._show_result(result)
        self.sent.emit(result)
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self._close_progress()
        self.result_label.setText("The reminders could not be sent; the message says why.")
        self._update_send()
        report(self, error, "send the reminders")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.hide()

    def _show_result(self, result: SendResult | None) -> None:
        if result is None:
            self.result_label.hide()
            self.open_button.hide()
            return
        lines = reminder_summary.said(result, self.day())
        self.result_label.setText(reminder_summary.as_html(lines))
        self.result_label.show()
        self.open_button.setVisible(bool(result.folders))

    def _open_letters(self) -> None:
        if self.outcome is not None and self.outcome.folders:
            self.open_folder(self.outcome.folders[-1])
