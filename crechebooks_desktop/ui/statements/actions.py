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
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog, QWidget

from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.printing import print_pdf
from crechebooks_desktop.ui.ops import BookSession
from crechebooks_desktop.ui.statements import jobs
from crechebooks_desktop.ui.statements.jobs import BatchResult, StatementChoice

if TYPE_CHECKING:
    from crechebooks_desktop.services.tasks import TaskState
    from crechebooks_desktop.ui.statements.view import StatementsView

AskPrinter = Callable[[QWidget], QPrinter | None]
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


class _Relay(QObject):
    """Carries progress from the database thread to the GUI thread (queued signal).

    Signals:
        progressed(int, int, str): done, total and the household just saved.
    """

    progressed = Signal(int, int, str)


class StatementActions(QObject):
    """Runs the tab's print and save actions.

    Signals:
        printed(int): pages printed.
        saved(object): the ``Path`` a statement was saved to.
        batch_finished(object): a batch's ``BatchResult``.
    """

    printed = Signal(int)
    saved = Signal(object)
    batch_finished = Signal(object)

    def __init__(self, view: StatementsView, session: BookSession) -> None:
        super().__init__(view)
        self._view = view
        self._session = session
        self.ask_printer: AskPrinter = system_printer
        self.ask_save_path: AskSavePath = save_path_dialog
        self.ask_folder: AskFolder = folder_dialog
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


def choice_label(choice: StatementChoice) -> str:
    """How the preview's heading names a statement."""
    kind = "Open items" if choice.open_items else "Statement"
    whose = choice.ref + (f", child {choice.child_ref}" if choice.child_ref else "")
    return f"{kind} · {whose} · {choice.dates.label}"
