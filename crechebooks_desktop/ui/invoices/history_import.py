"""The "Import history…" dialog of the Invoices tab: a previous system's invoices (issue 16).

On the shared file import dialog (``ui/common/file_import.py``): the chosen
file is previewed with what importing it would do (new rows, rows imported
before) or every problem, and importing runs the same service as
``invoices import``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.file_import import FileImportDialog, FilePreview
from crechebooks_desktop.ui.invoices import history_jobs
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.billing.invoice_history import HistoryImport
    from crechebooks_desktop.ui.ops import Workplace

FIT = QHeaderView.ResizeMode.ResizeToContents
HINT = (
    "Invoices issued by the previous system, one per row. Columns: number, household_ref, "
    "child_ref (may be blank), issue_date, due_date (YYYY-MM-DD), description, total and "
    "amount_paid (in Rand); optional vat (included in the total; default none) and paid_date "
    "(when the amount paid was received; default the issue date). Each keeps its number; "
    "a row imported before is skipped."
)


class HistoryImportDialog(FileImportDialog):
    """Import a previous system's invoices, as ``invoices import`` does."""

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "Import invoice history",
            HINT,
            history_jobs.PERMISSION,
            Changes(invoices=True, ledger=True),
            parent,
        )
        self.previewed.connect(self._show_plan)
        self.resize(1080, 560)  # a history file's ten columns

    def preview_job(self, path: Path) -> Callable[[Book, Workplace], FilePreview]:
        """Read and check the file, with the service's dry run (``history_jobs.preview``)."""
        return lambda book, w: history_jobs.preview(book, w, path)

    def import_job(self, file: FilePreview) -> Callable[[Book, Workplace], object]:
        """Import the rows previewed (``history_jobs.import_rows``)."""
        return lambda book, w: history_jobs.import_rows(book, w, file)

    def _money(self, cents: int) -> str:
        workplace = self._session.workplace
        style = MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA
        return format_rands(cents, style)

    def _show_plan(self, file: FilePreview) -> None:
        header = self.rows.horizontalHeader()
        for column, name in enumerate(file.columns):
            fit = QHeaderView.ResizeMode.Stretch if name == "description" else FIT
            header.setSectionResizeMode(column, fit)
        history: history_jobs.HistoryFile = file.parsed  # type: ignore[assignment]
        plan = history.plan
        if file.problems or plan is None:
            return
        self.status.setText(
            f"{file.path.name}: {len(plan.imported)} invoice(s) to import "
            f"({self._money(plan.billed_cents)} billed, {self._money(plan.paid_cents)} paid), "
            f"{len(plan.already)} imported before and skipped."
        )
        self.ok.setEnabled(self.ok.isEnabled() and bool(plan.imported))

    def summary(self, result: object) -> str:
        """How many invoices were imported and skipped, and the money."""
        done: HistoryImport = result  # type: ignore[assignment]
        return (
            f"Imported {done.file}: {len(done.imported)} invoice(s), "
            f"{self._money(done.billed_cents)} billed and {self._money(done.paid_cents)} paid; "
            f"{len(done.already)} imported before were skipped."
        )


def open_history_import(session: BookSession, parent: QWidget) -> HistoryImportDialog:
    """Open the dialog (it deletes itself when closed); returns it."""
    dialog = HistoryImportDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
