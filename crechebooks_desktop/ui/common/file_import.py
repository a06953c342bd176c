"""What the file import dialogs share: choose a file, preview it, import it or list its problems.

The file is read and checked on the database thread as soon as it is chosen.
A good file shows its rows as a table; a bad one shows every problem in a
table (file, line, field, message), exactly the lines the command line prints
when it refuses the same file, and nothing is written. Importing runs the
same service as the command line, over the rows previewed; a refusal there
(a problem only the book shows) is listed the same way.

A dialog for one kind of file subclasses ``FileImportDialog`` and gives the
jobs that read and import it (``preview_job``, ``import_job``) and the
sentence that says what an import did (``summary``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.forms import error_label, ok_cancel
from crechebooks_desktop.ui.common.value_tables import fill, value_table

if TYPE_CHECKING:
    from collections.abc import Callable

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.roles import Permission
    from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

PREVIEW_ROWS = 200
"""Rows of a file shown before importing (a roster of a few hundred children fits)."""
PROBLEM_HEADERS = ("File", "Line", "Field", "Message")


@dataclass(frozen=True, slots=True)
class FilePreview:
    """A file as read for the dialog: its rows as text, its problems, what an import takes.

    Attributes:
        columns: the header's columns, as the file names them (normalised).
        rows: the first ``PREVIEW_ROWS`` data rows, one text per column.
        row_count: how many data rows the file has.
        problems: every problem with the file and against the book (empty: it can be imported).
        parsed: the rows as values, for the import job (immutable).
    """

    path: Path
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_count: int
    problems: tuple[ImportProblem, ...]
    parsed: object


def problem_rows(problems: tuple[ImportProblem, ...]) -> list[list[str]]:
    """The problems as the table shows them (a problem about the whole file has no line)."""
    return [[p.file, str(p.line) if p.line else "", p.field, p.message] for p in problems]


class FileImportDialog(QDialog):
    """Choose a file, preview it, import it; every problem in a table, nothing written.

    Signals:
        previewed(object): the chosen file was read (its ``FilePreview``).
        imported(object): the import is done (the service's result).
        refused(object): the file or the import was refused (the problems, or the error).
    """

    previewed = Signal(object)
    imported = Signal(object)
    refused = Signal(object)

    def __init__(
        self,
        session: BookSession,
        title: str,
        columns_hint: str,
        permission: Permission,
        changes: Changes,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._session = session
        self._permission = permission
        self._changes = changes
        self._reading = 0
        self.file: FilePreview | None = None
        self.result_value: object | None = None
        self.path = QLineEdit(placeholderText="a CSV file (as a spreadsheet saves it)")
        self.path.editingFinished.connect(self._path_edited)
        self.browse = QPushButton("Choose…")
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._choose)
        self.hint = QLabel(columns_hint)
        self.hint.setObjectName("fieldHint")
        self.hint.setWordWrap(True)
        self.status = QLabel("Choose the file.")
        self.status.setWordWrap(True)
        self.rows = value_table(("",), (), stretch=0)
        self.problems = value_table(PROBLEM_HEADERS, (), stretch=3)
        self.problems.setObjectName("importProblems")
        self.problems.hide()
        self.error = error_label()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("importOutcome")
        self.buttons, self.ok = ok_cancel(self, "Import")
        self.buttons.accepted.connect(self.start_import)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self._layout()
        self._update_ok()

    def _layout(self) -> None:
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("File"))
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.resize(860, 560)

    # -- what a kind of file gives --------------------------------------------------------

    def preview_job(self, path: Path) -> Callable[[Book, Workplace], FilePreview]:
        """The job that reads and checks the file (on the database thread)."""
        raise NotImplementedError

    def import_job(self, file: FilePreview) -> Callable[[Book, Workplace], object]:
        """The job that imports the previewed rows (on the database thread)."""
        raise NotImplementedError

    def summary(self, result: object) -> str:
        """What an import did, in a sentence."""
        raise NotImplementedError

    # -- the file -------------------------------------------------------------------------

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.windowTitle(), self.path.text(), "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.set_path(path)

    def set_path(self, path: str | Path) -> None:
        """Use this file and read it."""
        self.path.setText(str(path))
        self.read_file()

    def _path_edited(self) -> None:
        if self.file is None or str(self.file.path) != self.path.text().strip():
            self.read_file()

    def may_import(self) -> bool:
        """Whether the signed-in user may import this kind of file."""
        workplace = self._session.workplace
        return workplace is not None and workplace.actor.can(self._permission)

    def read_file(self) -> None:
        """Read the chosen file in the background and show its rows or its problems."""
        text = self.path.text().strip()
        if self.result_value is not None:
            return  # imported: the dialog only closes now
        self.file = None
        self.error.clear()
        self._show_problems(())
        fill(self.rows, [], ())
        self._update_ok()
        if not text:
            self.status.setText("Choose the file.")
            return
        self._reading += 1
        token = self._reading
        path = Path(text).expanduser()
        self.status.setText(f"Reading {path.name}…")
        self._session.query(
            self.preview_job(path),
            lambda file: self._show_file(token, file),
            lambda exc: self._read_failed(token, exc),
        )

    def _show_file(self, token: int, file: FilePreview) -> None:
        if token != self._reading:
            return  # an older read; a newer one is on its way
        self.file = file
        name = file.path.name
        if file.problems:
            self._refuse(file.problems, name)
        else:
            shown = len(file.rows)
            more = f"; the first {shown} are shown" if shown < file.row_count else ""
            self.status.setText(f"{name}: {file.row_count} row(s) to import{more}.")
            self.rows.setColumnCount(len(file.columns))
            self.rows.setHorizontalHeaderLabels(list(file.columns))
            fill(self.rows, [list(row) for row in file.rows], ())
        if not self.may_import():
            self.error.setText("Your role may read this file but not import it.")
        self._update_ok()
        self.previewed.emit(file)

    def _read_failed(self, token: int, exc: BaseException) -> None:
        if token != self._reading:
            return
        self.status.setText("This file cannot be imported.")
        self._failed(exc, "read the file")

    def _refuse(self, problems: tuple[ImportProblem, ...], name: str) -> None:
        count = len(problems)
        self.status.setText(
            f"{name} cannot be imported: {count} problem{'' if count == 1 else 's'}, listed "
            "below; nothing was written. Correct the file and choose it again."
        )
        self._show_problems(problems)
        self.refused.emit(problems)

    def _show_problems(self, problems: tuple[ImportProblem, ...]) -> None:
        fill(self.problems, problem_rows(problems), ())
        self.problems.setVisible(bool(problems))
        self.rows.setVisible(not problems)

    def _update_ok(self) -> None:
        good = self.file is not None and not self.file.problems
        self.ok.setEnabled(good and self.result_value is None and self.may_import())

    # -- importing ------------------------------------------------------------------------

    def start_import(self) -> None:
        """Import the previewed rows through the service, in the background."""
        file = self.file
        if file is None or file.problems or self.result_value is not None:
            return
        self.ok.setEnabled(False)
        self.browse.setEnabled(False)
        self.path.setEnabled(False)
        self.status.setText(f"Importing {file.path.name}…")
        self._session.mutate(
            self.import_job(file), self._changes, self, self._imported, self._import_failed
        )

    def _imported(self, result: object) -> None:
        self.result_value = result
        self.status.setText("Done.")
        self.outcome.setText(self.summary(result))
        self.cancel_button.setText("Close")
        self.imported.emit(result)

    def _import_failed(self, exc: BaseException) -> None:
        self.browse.setEnabled(True)
        self.path.setEnabled(True)
        if isinstance(exc, ProblemsError) and self.file is not None:
            self.file = FilePreview(
                self.file.path, self.file.columns, self.file.rows, self.file.row_count,
                exc.problems, self.file.parsed,
            )  # fmt: skip
            self._refuse(exc.problems, self.file.path.name)
            self._update_ok()
            return
        self.status.setText("Nothing was imported.")
        self._update_ok()
        self._failed(exc, "import the file")

    def _failed(self, exc: BaseException, doing: str) -> None:
        if isinstance(exc, UserFacingError):
            self.error.setText(str(exc))
            self.refused.emit(exc)
        else:
            report(self, exc, doing)
