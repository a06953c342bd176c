"""What the Statements tab's buttons do: print, save a PDF, save the whole list as PDFs.

The dialogs they open (the system print dialog, the file and folder choosers)
are plain functions held by ``StatementActions`` so tests replace them and no
modal dialog opens offscreen. Rendering and writing run on the database
thread; only painting onto the printer happens here, as Qt requires.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog, QWidget

from crechebooks_desktop.ui.common import mail_password
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.mail_password import AskPassword
from crechebooks_desktop.ui.common.printing import print_pdf
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.statements import jobs, reminder_jobs, statement_mail
from crechebooks_desktop.ui.statements.jobs import BatchResult, StatementChoice
from crechebooks_desktop.ui.statements.periods import Dates
from crechebooks_desktop.ui.statements.reminder_jobs import SendPlan, SendResult

if TYPE_CHECKING:
    from crechebooks_desktop.services.tasks import TaskState
    from crechebooks_desktop.ui.statements.view import StatementsView

AskPrinter = Callable[[QWidget], QPrinter | None]
AskWhich = Callable[[QWidget, str, int], str | None]
"""Whose statements to e-mail: ``"one"`` (the chosen household), ``"list"``, or None."""
AskSavePath = Callable[[QWidget, str], Path | None]
AskFolder = Callable[[QWidget], Path | None]


def system_printer(parent: QWidget) -> QPrinter | None:
    """The system print dialog (works offline: printers are the computer's own)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if QPrintDialog(printer, parent).exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def save_path_dialog(parent: QWidget, name: str) -> Path | None:
    """Where to save one statement (a file dialog)."""
    path, _filter = QFileDialog.getSaveFileName(parent, "Save statement", name, "PDF (*.pdf)")
    return Path(path) if path else None


def folder_dialog(parent: QWidget) -> Path | None:
    """Which folder to save the list's statements in."""
    path = QFileDialog.getExistingDirectory(parent, "Save the statements in")
    return Path(path) if path else None


def which_dialog(parent: QWidget, household: str, listed: int) -> str | None:
    """Ask whether to e-mail the chosen household's statement or the whole list's."""
    box = QMessageBox(parent)
    box.setWindowTitle("E-mail statements")
    box.setText("E-mail the statement for this period to:")
    one = box.addButton(household, QMessageBox.ButtonRole.AcceptRole)
    many = box.addButton(f"All {listed} households in the list", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "one" if clicked is one else "list" if clicked is many else None


class _Relay(QObject):
    """Carries progress from the database thread to the GUI thread (queued signal).

    Signals:
        progressed(int, int, str): done, total and the household just saved.
    """

    progressed = Signal(int, int, str)


class StatementActions(QObject):
    """Runs the tab's print, save and e-mail actions.

    Signals:
        printed(int): pages printed.
        saved(object): the ``Path`` a statement was saved to.
        batch_finished(object): a batch's ``BatchResult``.
        emailed(object): what e-mailing statements did (a ``SendResult``).
    """

    printed = Signal(int)
    saved = Signal(object)
    batch_finished = Signal(object)
    emailed = Signal(object)

    def __init__(self, view: StatementsView, session: BookSession) -> None:
        super().__init__(view)
        self._view = view
        self._session = session
        self.ask_printer: AskPrinter = system_printer
        self.ask_save_path: AskSavePath = save_path_dialog
        self.ask_folder: AskFolder = folder_dialog
        self.ask_which: AskWhich = which_dialog
        self.ask_password: AskPassword = mail_password.password_dialog
        self.progress: QProgressDialog | None = None
        self.task: TaskState | None = None

    # -- one statement ----------------------------------------------------------------------

    def print_statement(self) -> None:
        """Print the chosen statement through the system print dialog."""
        choice = self._view.choice()
        if choice is None:
            self._view.say("Choose a household first.")
            return
        printer = self.ask_printer(self._view)
        if printer is None:
            return
        shown = self._view.previewed_pdf(choice)
        if shown is not None:
            self._print(shown, printer)
            return
        self._session.query(
            lambda book, w: jobs.statement_pdf(book, w, choice),
            lambda pdf: self._print(pdf, printer),
            lambda exc: report(self._view, exc, "prepare the statement for printing"),
        )

    def _print(self, pdf: bytes, printer: QPrinter) -> None:
        try:
            pages = print_pdf(pdf, printer)
        except RuntimeError as exc:
            report(self._view, exc, "print the statement")
            return
        self._view.say(f"Printed {pages} page(s).")
        self.printed.emit(pages)

    def save_statement(self) -> None:
        """Save the chosen statement as a PDF where the user says."""
        choice = self._view.choice()
        if choice is None:
            self._view.say("Choose a household first.")
            return
        path = self.ask_save_path(self._view, choice.file_name)
        if path is None:
            return
        self._session.query(
            lambda book, w: jobs.save_pdf(book, w, choice, path),
            self._saved,
            lambda exc: report(self._view, exc, "save the statement"),
        )

    def _saved(self, path: Path) -> None:
        self._view.say(f"Saved {path}.")
        self.saved.emit(path)

    # -- the list ---------------------------------------------------------------------------

    def save_all(self) -> None:
        """Save the statement of every household in the filtered list, with progress and Cancel."""
        rows = self._view.proxy.shown_rows()
        if not rows:
            self._view.say("No household in this list.")
            return
        folder = self.ask_folder(self._view)
        if folder is None:
            return
        dates = self._view.picker.dates()
        open_items = self._view.open_items.isChecked()
        ids = [row.household_id for row in rows]
        progress, task = self._progress(len(ids))
        self.progress, self.task = progress, task

        def finished(result: BatchResult) -> None:
            progress.reset()
            self._batch_said(result)
            self.batch_finished.emit(result)

        def failed(exc: BaseException) -> None:
            progress.reset()
            report(self._view, exc, "save the statements")

        self._session.query(
            lambda book, w: jobs.save_statements(
                book, w, ids, dates, folder, task, open_items=open_items
            ),
            finished,
            failed,
        )
        progress.show()

    def _progress(self, total: int) -> tuple[QProgressDialog, TaskState]:
        from crechebooks_desktop.services.tasks import TaskState  # noqa: PLC0415

        text = "Saving statements…"
        progress = QProgressDialog(text, "Cancel", 0, total, self._view)
        progress.setWindowTitle("Save statements")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setMinimumWidth(420)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        relay = _Relay(progress)

        def show(done: int, count: int, ref: str) -> None:
            progress.setMaximum(max(count, 1))
            progress.setValue(done)
            progress.setLabelText(f"{text} {done} of {count}" + (f" · {ref}" if ref else ""))

        relay.progressed.connect(show)
        task = TaskState(relay.progressed.emit)
        progress.canceled.connect(task.cancel)
        return progress, task

    def _batch_said(self, result: BatchResult) -> None:
        count = len(result.written)
        if result.cancelled:
            self._view.say(
                f"Stopped at your request: saved {count} of {result.total} statements "
                f"in {result.folder}."
            )
        else:
            self._view.say(f"Saved {count} statements in {result.folder}.")
        if result.banking_missing:
            self._view.say(
                f"{self._view.action_line.text()} The creche has no banking details, so the "
                "statements ask parents to contact the office (Settings: banking details)."
            )

    # -- e-mail ----------------------------------------------------------------------------

    def email_statements(self) -> None:
        """E-mail the chosen household's statement, or the list's (asked), then say what went."""
        choice, rows = self._view.choice(), self._view.proxy.shown_rows()
        if choice is None or not rows:
            self._view.say("Choose a household first.")
            return
        which = self.ask_which(self._view, choice.ref, len(rows))
        if which is None:
            return
        selected = self._view.selected_row()
        ids = [row.household_id for row in rows] if which == "list" else (
            [selected.household_id] if selected else [])  # fmt: skip
        dates, open_items = self._view.picker.dates(), self._view.open_items.isChecked()
        self._session.query(
            reminder_jobs.plan_send,
            lambda plan: self._email_planned(plan, ids, dates, open_items),
            lambda exc: report(self._view, exc, "e-mail the statements"),
        )

    def _email_planned(
        self, plan: SendPlan, ids: list[int], dates: Dates, open_items: bool
    ) -> None:
        typed = None
        if plan.password.need is not None:
            typed = self.ask_password(self._view, plan.password.need)
            if typed is None:
                self._view.say("Nothing was sent: the SMTP password was not given.")
                return
        progress, task = self._progress(len(ids))
        progress.setLabelText("Writing and keeping the statements…")
        self.progress, self.task = progress, task

        def sent(result: SendResult) -> None:
            progress.reset()
            self._view.say(" ".join(line.strip() for line in email_said(result)))
            self.emailed.emit(result)

        def failed(exc: BaseException) -> None:
            progress.reset()
            report(self._view, exc, "e-mail the statements")

        self._session.mutate(
            lambda book, w: statement_mail.send_statements(
                book, w, plan, ids, dates, typed, task, open_items=open_items
            ),
            Changes(),
            self._view,
            sent,
            failed,
        )
        progress.show()


def email_said(result: SendResult) -> list[str]:
    """What e-mailing statements did, in sentences."""
    lines = [f"E-mailed {result.emailed} statement(s)."] if result.email else []
    if result.failed:
        lines.append(f"Not sent: {'; '.join(f'{f.who}: {f.error}' for f in result.failed)}.")
    if result.printed:
        where = ", ".join(str(folder) for folder in result.folders)
        why = "No SMTP server is set, so" if not result.email else "No e-mail address, so"
        lines.append(f"{why} {len(result.printed)} statement(s) are for printing, in {where}.")
    if result.still_queued:
        lines.append(f"{result.still_queued} message(s) are still waiting in the outbox.")
    return lines


def choice_label(choice: StatementChoice) -> str:
    """How the preview's heading names a statement."""
    kind = "Open items" if choice.open_items else "Statement"
    whose = choice.ref + (f", child {choice.child_ref}" if choice.child_ref else "")
    return f"{kind} · {whose} · {choice.dates.label}"
