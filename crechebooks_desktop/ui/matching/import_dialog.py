"""Import a bank statement: choose the file and the account, see what was read, import.

The file is read and checked whole on the database thread as soon as it is
chosen (and again when the format or CSV profile is changed), so the dialog
shows what it found (format, bank profile, period, the first lines) or why
the file cannot be imported, before anything is written. The import itself
runs in the background with progress; Cancel stops it and nothing is kept.

A CSV file whose layout neither a bank's profile nor a profile the creche
saved recognises opens the mapping step (``ui.bank_mapping``), as does
"Map columns…" for any CSV file; its Import reads the whole file with the
mapping here, in the background, and imports it (issue 14).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.csv_profiles import BY_NAME, PROFILES
from crechebooks_desktop.importers.bank.pdf import BalanceChainError
from crechebooks_desktop.ui.bank_mapping import jobs as mapping_jobs
from crechebooks_desktop.ui.bank_mapping.dialog import MappingDialog
from crechebooks_desktop.ui.bank_mapping.layouts_combo import LayoutsCombo
from crechebooks_desktop.ui.common.bank_dates import transacted_note
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.forms import error_label, ok_cancel
from crechebooks_desktop.ui.matching import jobs
from crechebooks_desktop.ui.matching.chain_break import mark_chain_break
from crechebooks_desktop.ui.matching.new_account import BANK_NAMES, NewAccountDialog
from crechebooks_desktop.ui.matching.progress import ProgressRelay
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from crechebooks_desktop.domain.bank import BankAccountRecord
    from crechebooks_desktop.domain.column_mapping import ColumnMapping
    from crechebooks_desktop.domain.statement import StatementLine
    from crechebooks_desktop.services.bank.accounts_and_imports import ImportResult
    from crechebooks_desktop.services.tasks import TaskState

PREVIEW_LINES = 10
_FORMATS = (("Recognise it", "auto"), ("OFX / QFX", "ofx"), ("QIF", "qif"), ("CSV", "csv"))
# The layouts offered, named as the banks are (the generic one last).
_PROFILES = tuple(sorted((p for p in PROFILES if p != "generic"), key=lambda p: BY_NAME[p].bank))
_PROFILES += ("generic",)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ImportDialog(QDialog):
    """Choose a statement file and an account; preview; import with progress.

    Attributes:
        imported: the import's result once it is done.
        run_matching_wanted: the user closed the dialog with "Run matching".
        mapping_dialog: the mapping step, while it is open.

    Signals:
        mapping_opened(object): the mapping step (a ``MappingDialog``), just shown.
    """

    mapping_opened = Signal(object)

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import bank statement")
        self._session = session
        self._reading = 0
        self._task: TaskState | None = None
        # A mapping from the mapping step, with the name it is read under (issue 14).
        self._mapping: tuple[str, ColumnMapping] | None = None
        self._import_when_read = False
        self.mapping_dialog: MappingDialog | None = None
        self._read_path = ""
        self.file: jobs.FilePreview | None = None
        self.imported: ImportResult | None = None
        self.run_matching_wanted = False
        self.path = QLineEdit(placeholderText="OFX, QFX, QIF or CSV file from your bank")
        self.path.editingFinished.connect(self._path_edited)
        self.browse = QPushButton("Choose…")
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._choose)
        self.account = QComboBox()
        self.account.setMinimumContentsLength(24)
        self.new_account = QPushButton("New account…")
        self.new_account.setAutoDefault(False)
        self.new_account.clicked.connect(self._add_account)
        self.file_format = QComboBox()
        for text, value in _FORMATS:
            self.file_format.addItem(text, value)
        banks = [("Generic" if p == "generic" else BY_NAME[p].bank, p) for p in _PROFILES]
        self.profile = LayoutsCombo(session, banks)
        self.map_columns = QPushButton("Map columns…")
        self.map_columns.setAutoDefault(False)
        self.map_columns.setEnabled(False)
        self.map_columns.clicked.connect(self._map_chosen_file)
        self.file_format.currentIndexChanged.connect(lambda _i: self._format_changed())
        self.profile.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.detected = QLabel("Choose the statement file.")
        self.detected.setWordWrap(True)
        self.lines = self._lines_table()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.error = error_label()
        self.chain_break_row: int | None = None  # the marked line, when a PDF does not add up
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("importOutcome")
        self.buttons, self.ok = ok_cancel(self, "Import")
        self.buttons.accepted.connect(self._ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self._layout()
        self._update_ok()
        self.load_accounts()
        self.profile.load()

    def _layout(self) -> None:
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        account_row = QHBoxLayout()
        account_row.addWidget(self.account, 1)
        account_row.addWidget(self.new_account)
        format_row = QHBoxLayout()
        format_row.addWidget(self.file_format)
        format_row.addWidget(QLabel("Bank layout (CSV)"))
        format_row.addWidget(self.profile, 1)
        format_row.addWidget(self.map_columns)
        form = QFormLayout()
        form.addRow("Statement file", file_row)
        form.addRow("Into account", account_row)
        form.addRow("Format", format_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.detected)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.resize(720, 620)

    @staticmethod
    def _lines_table() -> QTableWidget:
        table = QTableWidget(0, 3)
        table.setHorizontalHeaderLabels(["Date", "Amount", "Description"])
        table.setHorizontalHeaderItem(1, _header("Amount"))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(0, 110)
        table.setColumnWidth(1, 130)
        return table

    # -- accounts ---------------------------------------------------------------------------

    def load_accounts(self, select: str | None = None) -> None:
        """Read the creche's bank accounts (in the background) into the combo."""

        def show(accounts: list[BankAccountRecord]) -> None:
            keep = select or self.account.currentText()
            self.account.clear()
            for account in accounts:
                self.account.addItem(
                    f"{account.name} ({BANK_NAMES.get(account.bank, account.bank)})", account.name
                )
            names = [a.name for a in accounts]
            if keep in names:
                self.account.setCurrentIndex(names.index(keep))
            if not accounts:
                self.account.setPlaceholderText("No bank account yet: add one")
            self._update_ok()

        self._session.query(
            jobs.accounts, show, lambda exc: report(self, exc, "list the bank accounts")
        )

    def _add_account(self) -> None:
        dialog = NewAccountDialog(self)
        if not dialog.exec() or dialog.result_value is None:
            return
        self.add_account(*dialog.result_value)

    def add_account(self, name: str, bank: str) -> None:
        """Add a bank account (in the background) and choose it."""
        self._session.mutate(
            lambda book, w: jobs.add_account(book, w, name, bank),
            Changes(bank=True),
            self,
            lambda added: self.load_accounts(added.name),
            self._show_error,
        )

    def account_name(self) -> str | None:
        """The chosen account's name."""
        data = self.account.currentData()
        return str(data) if data else None

    # -- the file ---------------------------------------------------------------------------

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "Choose a bank statement",
            self.path.text(),
            "Bank statements (*.ofx *.qfx *.qif *.csv *.txt);;All files (*)",
        )
        if path:
            self.set_path(path)

    def set_path(self, path: str) -> None:
        """Use this file and read it."""
        self.path.setText(path)
        self._choice_changed()

    def _format_changed(self) -> None:
        self.profile.setEnabled(self._csv_allowed())
        self._choice_changed()

    def _csv_allowed(self) -> bool:
        return self.file_format.currentData() in {"auto", "csv"}

    def _path_edited(self) -> None:
        # Leaving the field (for the mapping step, say) is no new choice: read a changed path only.
        if self.path.text().strip() != self._read_path:
            self._choice_changed()

    def _choice_changed(self) -> None:
        """The file, format or profile changed: a mapping made for the file before is dropped."""
        self._mapping = None
        self._import_when_read = False
        self.read_file()

    def read_file(self) -> None:
        """Read the chosen file in the background and show what it holds."""
        text = self._read_path = self.path.text().strip()
        self.file = None
        self.lines.setRowCount(0)
        self.error.clear()
        self._update_ok()
        self.map_columns.setEnabled(bool(text) and self._csv_allowed())
        if not text:
            self.detected.setText("Choose the statement file.")
            return
        self._reading += 1
        token = self._reading
        path = Path(text).expanduser()
        file_format = str(self.file_format.currentData())
        profile = self.profile.choice() if self.profile.isEnabled() else None
        mapping = self._mapping
        self.detected.setText(f"Reading {path.name}…")
        self._session.query(
            lambda book, w: mapping_jobs.read_statement(
                book, w, path, file_format, profile, mapping
            ),
            lambda found: self._show_file(token, found),
            lambda exc: self._file_failed(token, exc),
        )

    def _show_file(self, token: int, found: jobs.FilePreview | mapping_jobs.Unrecognised) -> None:
        if token != self._reading:
            return  # an older read; a newer one is on its way
        if isinstance(found, mapping_jobs.Unrecognised):
            self._import_when_read = False
            self.detected.setText(
                f"{found.path.name}: CrecheBooks does not know these columns; "
                "say which is which to import it."
            )
            self.error.setText(found.reason)
            self.open_mapping(found)
            return
        self.file = file = found
        statement = file.statement
        style = self._style()
        self.detected.setText(describe(file, style))
        self._fill_lines(statement.lines[:PREVIEW_LINES], style)
        if statement.warnings:
            self.error.setText("Warnings: " + "; ".join(statement.warnings[:3]))
        self._update_ok()
        if self._import_when_read:
            self._import_when_read = False
            self.start_import()

    # -- the mapping step (issue 14) --------------------------------------------------------

    def _map_chosen_file(self) -> None:
        """Map the chosen file's columns: its first lines are read in the background."""
        text = self.path.text().strip()
        if not text:
            return
        path = Path(text).expanduser()
        self._session.run(lambda: mapping_jobs.read_head(path), self.open_mapping, self._show_error)

    def open_mapping(self, file: mapping_jobs.Unrecognised) -> None:
        """Open the mapping step over the file's first lines (window-modal, not blocking)."""
        if self.mapping_dialog is not None:
            self.mapping_dialog.close()
        dialog = MappingDialog(self._session, file, self._style(), self)
        dialog.saved.connect(self.profile.load)
        dialog.accepted.connect(lambda: self._mapped(dialog))
        dialog.finished.connect(lambda _result: self._mapping_closed(dialog))
        self.mapping_dialog = dialog
        dialog.open()
        self.mapping_opened.emit(dialog)

    def _mapping_closed(self, dialog: MappingDialog) -> None:
        if self.mapping_dialog is dialog:
            self.mapping_dialog = None
        if dialog.result() != QDialog.DialogCode.Accepted and dialog.saved_any:
            # A profile was saved (and chosen), then the step closed: read the file with it.
            self.read_file()

    def _mapped(self, dialog: MappingDialog) -> None:
        """Import with the mapping: read the whole file with it, then import when it reads."""
        if dialog.chosen is None:
            return
        # Saved, the import is recorded under the profile's name (its list may not have it yet).
        self._mapping = (dialog.saved_name or mapping_jobs.MAPPED, dialog.chosen)
        self._import_when_read = True
        self.read_file()

    def _fill_lines(self, lines: Sequence[StatementLine], style: MoneyStyle) -> None:
        self.lines.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cells = (
                line.date.strftime("%d %b %Y"),
                format_rands(line.amount_cents, style),
                line.description,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setToolTip(transacted_note(line.date, line.transaction_date) or "")
                if column == 1:
                    item.setTextAlignment(_RIGHT)
                self.lines.setItem(row, column, item)

    def _file_failed(self, token: int, exc: BaseException) -> None:
        if token != self._reading:
            return
        self.detected.setText("This file cannot be imported.")
        self._show_error(exc)
        if isinstance(exc, BalanceChainError) and exc.lines:
            self._show_chain_break(exc)

    def _show_chain_break(self, exc: BalanceChainError) -> None:
        """Every line read, with the one where the statement stops adding up marked."""
        style = self._style()
        self._fill_lines(exc.lines, style)
        self.chain_break_row = mark_chain_break(self.lines, exc, style)
        self.detected.setText(
            f"These are the {len(exc.lines)} lines read. The statement's balance printed at the "
            "marked line is not what the lines add up to, so it cannot be imported."
        )

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, UserFacingError):
            self.error.setText(str(exc))
        else:
            report(self, exc, "read the statement")

    def _style(self) -> MoneyStyle:
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _update_ok(self) -> None:
        if self.imported is None:
            self.ok.setEnabled(self.file is not None and self.account_name() is not None)

    # -- importing --------------------------------------------------------------------------

    def _ok(self) -> None:
        if self.imported is not None:
            self.run_matching_wanted = True
            self.accept()
            return
        self.start_import()

    def start_import(self) -> None:
        """Import the file into the account, in the background, with progress."""
        from crechebooks_desktop.services.tasks import TaskState  # noqa: PLC0415

        file, account = self.file, self.account_name()
        if file is None or account is None:
            return
        relay = ProgressRelay(self)
        relay.progressed.connect(self._progressed)
        self._task = TaskState(relay.progressed.emit)
        task = self._task
        self._set_busy(True)
        self._session.mutate(
            lambda book, w: jobs.import_file(book, w, file, account, task),
            Changes(bank=True),
            self,
            self._imported,
            self._import_failed,
        )

    def _progressed(self, done: int, total: int, _step: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.path,
            self.browse,
            self.account,
            self.new_account,
            self.file_format,
            self.profile,
            self.map_columns,
        ):
            widget.setEnabled(not busy)
        self.ok.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)

    def _imported(self, result: ImportResult) -> None:
        self._task = None
        self.imported = result
        self.progress.setVisible(False)
        self.outcome.setText(summary(result))
        self.ok.setText("Run matching")
        self.ok.setEnabled(True)
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)

    def _import_failed(self, exc: BaseException) -> None:
        from crechebooks_desktop.services.tasks import Cancelled  # noqa: PLC0415

        self._task = None
        self._set_busy(False)
        self.cancel_button.setEnabled(True)
        self._update_ok()
        if isinstance(exc, Cancelled):
            self.error.setText("Import cancelled; nothing was imported.")
        else:
            self._show_error(exc)

    def reject(self) -> None:
        """Cancel a running import (the dialog stays until it has stopped), else close."""
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            return
        super().reject()


def describe(file: jobs.FilePreview, style: MoneyStyle) -> str:
    """What was found in a statement file, in a sentence."""
    statement = file.statement
    kind = statement.file_format.upper()
    layout = statement.bank or BANK_NAMES.get(statement.profile or "", statement.profile)
    if layout:
        kind += f", {layout} layout"
    dates = [line.date for line in statement.lines]
    start = statement.period_start or (min(dates) if dates else None)
    end = statement.period_end or (max(dates) if dates else None)
    money_in = sum(x.amount_cents for x in statement.lines if x.amount_cents > 0)
    credit_lines = sum(1 for x in statement.lines if x.amount_cents > 0)
    text = f"{file.path.name}: {kind} · {len(statement.lines)} lines"
    if start and end:
        text += f" from {start:%d %b %Y} to {end:%d %b %Y}"
    text += f"\n{credit_lines} credits, {format_rands(money_in, style)} in"
    if len(statement.lines) > PREVIEW_LINES:
        text += f" · the first {PREVIEW_LINES} lines:"
    return text


def summary(result: ImportResult) -> str:
    """``Imported 42 lines, 3 already there`` and the warnings."""
    text = (
        f"Imported {len(result.imported)} lines into {result.account}, "
        f"{result.duplicates} already there."
    )
    if result.warnings:
        text += "\n" + "\n".join(f"• {w}" for w in result.warnings)
    if result.imported:
        text += "\nRun matching now to suggest households for the new credits."
    return text


def _header(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(_RIGHT)
    return item
