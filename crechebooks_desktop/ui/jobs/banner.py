"""The bar above the tabs saying which scheduled jobs are due, with Run now and Later.

When the book opens (or the user changes) and an administrator is signed in,
the jobs due today are read on the database thread (``jobs status``); if any
are, the bar names them. Run now runs them there (``jobs run``, the reminders
e-mailed or printed as the reminders dialog does), with progress and Cancel
(between jobs, and between e-mails), then the bar tells how each ended. It
never blocks the window: Later hides it until the next start.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressDialog, QPushButton, QWidget

from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.mail_password import AskPassword, password_dialog
from crechebooks_desktop.ui.jobs import jobs, words
from crechebooks_desktop.ui.jobs.jobs import DueLine, OutcomeLine, RunPlan
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.services.tasks import TaskState

_LOOK = """
QFrame#jobsBanner { border-radius: 4px; margin: 6px 8px 0 8px; }
QFrame#jobsBanner[state="due"] { background: #fffbeb; border: 1px solid #f6e05e; }
QFrame#jobsBanner[state="done"] { background: #f0fff4; border: 1px solid #c6f6d5; }
QFrame#jobsBanner[state="failed"] { background: #fff5f5; border: 1px solid #feb2b2; }
QLabel#jobsText { color: #2d3748; padding: 2px 4px; }
"""


class _Relay(QObject):
    """Carries progress from the database thread to the GUI thread.

    Signals:
        job(int, int, str): jobs run, of how many, and the job about to run.
        mail(int, int, str): e-mails sent, of how many, and the last one's subject.
    """

    job = Signal(int, int, str)
    mail = Signal(int, int, str)


class JobsBanner(QFrame):
    """Scheduled jobs due when the book opens, for an administrator.

    Signals:
        checked(object): the jobs due were read (a tuple of ``DueLine``; empty: none).
        finished(object): Run now ended (a tuple of ``OutcomeLine``).
        message(str): a short note for the status bar.
    """

    checked = Signal(object)
    finished = Signal(object)
    message = Signal(str)

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobsBanner")
        self.setStyleSheet(_LOOK)
        self._session = session
        self._today = today
        self._asked = 0
        self.due: tuple[DueLine, ...] = ()
        self.outcomes: tuple[OutcomeLine, ...] = ()
        self.ask_password: AskPassword = password_dialog
        self.progress: QProgressDialog | None = None
        self.tasks: tuple[TaskState, TaskState] | None = None
        self.text = QLabel()
        self.text.setObjectName("jobsText")
        self.text.setWordWrap(True)
        self.run_button = QPushButton("Run now")
        self.run_button.setToolTip("Run them now, as `crechebooks jobs run` would")
        self.later_button = QPushButton("Later")
        self.later_button.setToolTip("Hide this until CrecheBooks starts again")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.run_button)
        layout.addWidget(self.later_button)
        self.run_button.clicked.connect(self.run_now)
        self.later_button.clicked.connect(self.hide)
        session.workplace_changed.connect(self.check)
        self.hide()

    def _state(self, state: str) -> None:
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)

    # -- what is due ------------------------------------------------------------------------

    def check(self, workplace: Workplace) -> None:
        """Read the jobs due today, for an administrator only; show the bar if any are."""
        self.hide()
        self._asked += 1
        if workplace.actor.role is not Role.ADMIN:
            return
        asked, today = self._asked, self._today
        self._session.query(
            lambda book, w: jobs.load_due(book, w, today),
            lambda due: self._show_due(due) if asked == self._asked else None,
            lambda exc: report(self, exc, "read which scheduled jobs are due"),
        )

    def _show_due(self, due: tuple[DueLine, ...]) -> None:
        self.due = due
        if due:
            self.text.setText(words.due_text(due))
            self.run_button.show()
            self.run_button.setEnabled(True)
            self.later_button.setText("Later")
            self._state("due")
            self.show()
        self.checked.emit(due)

    # -- running them -----------------------------------------------------------------------

    def run_now(self) -> None:
        """Run the jobs due (the password first, when the reminders will e-mail)."""
        due = self.due
        self.run_button.setEnabled(False)
        self._session.query(
            lambda book, w: jobs.plan_run(book, w, due),
            self._planned,
            self._failed,
        )

    def _planned(self, plan: RunPlan) -> None:
        typed = None
        if plan.password.need is not None:
            typed = self.ask_password(self, plan.password.need)
            if typed is None:
                self.text.setText("Nothing was run: the SMTP password was not given.")
                self.run_button.setEnabled(True)
                return
        progress, tasks = self._progress()
        self.progress, self.tasks = progress, tasks
        today = self._today
        self._session.mutate(
            lambda book, w: jobs.run_jobs(book, w, plan, today, typed, tasks),
            Changes(invoices=True, ledger=True),
            self,
            self._ran,
            self._failed,
        )
        progress.show()

    def _progress(self) -> tuple[QProgressDialog, tuple[TaskState, TaskState]]:
        from crechebooks_desktop.services.tasks import TaskState  # noqa: PLC0415

        progress = QProgressDialog("Starting the scheduled jobs…", "Cancel", 0, 0, self.window())
        progress.setWindowTitle("Scheduled jobs")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setMinimumWidth(460)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        relay = _Relay(progress)

        def job(done: int, total: int, name: str) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(done)
            if name:
                progress.setLabelText(f"Running {done + 1} of {total}: {_name(name)}…")

        def mail(done: int, total: int, _subject: str) -> None:
            progress.setLabelText(f"Reminders: e-mailing {done} of {total}…")

        relay.job.connect(job)
        relay.mail.connect(mail)
        tasks = (TaskState(relay.job.emit), TaskState(relay.mail.emit))
        for task in tasks:
            progress.canceled.connect(task.cancel)
        return progress, tasks

    def _ran(self, outcomes: tuple[OutcomeLine, ...]) -> None:
        self._close_progress()
        self.outcomes = outcomes
        ran = [
            o for o in outcomes if o.status != "SKIPPED" or o.result.get("why") != "done already"
        ]
        failed = sum(1 for o in ran if o.status == "FAILED")
        lines = [words.outcome_text(o) for o in ran]
        self.text.setText("Scheduled jobs run:\n" + "\n".join(f"• {line}" for line in lines))
        self.run_button.hide()
        self.later_button.setText("Close")
        self._state("failed" if failed else "done")
        self.show()
        self.message.emit(
            f"Ran {len(ran)} scheduled job(s)" + (f", {failed} failed" * bool(failed))
        )
        self.finished.emit(outcomes)

    def _failed(self, error: BaseException) -> None:
        self._close_progress()
        self.run_button.setEnabled(True)
        report(self, error, "run the scheduled jobs")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.hide()


def _name(job: str) -> str:
    return words.job_name(job, "").replace(" ()", "")
