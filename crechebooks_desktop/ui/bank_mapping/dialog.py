"""The mapping step: say which column of a CSV file is which, see the lines, save, import.

Opened by the import dialog for a CSV file whose layout no profile recognised
(or when the user asks to map a file's columns). It shows the first rows with
a drop-down over each column (date, description, reference, amount, money in
and money out, fee, balance, or ignore), the date format, the lines to skip
and whether the first row is a header, and under them the lines as they would
be imported, with the balance check's warnings and any problem. The mapping
can be saved under a name (on the database thread, through the service), so
that files with the same header are read with it from then on; Import hands
the mapping back to the import dialog, which reads the whole file with it in
the background and imports it.

The file was read on the database thread before this opened: everything here
works on its first lines in memory (``preview`` says why that is cheap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.column_mapping import DATE_FORMATS, ROLES
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.mapping import (
    MAX_SKIP_LINES,
    Sample,
    guess_date_format,
    sample,
)
from crechebooks_desktop.ui.bank_mapping import jobs
from crechebooks_desktop.ui.bank_mapping.preview import Preview, preview
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.forms import error_label
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from crechebooks_desktop.domain.column_mapping import ColumnMapping, CsvProfileRecord

SAMPLE_ROWS = 12
PREVIEW_LINES = 12
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_PREVIEW_COLUMNS = ("Line", "Date", "Amount", "Description", "Reference", "Balance")


class MappingDialog(QDialog):
    """Map a CSV file's columns, with a live preview; save the mapping; import with it.

    Attributes:
        roles: the drop-down over each column of the sample, in column order.
        chosen: the mapping handed back by Import (None until then).
        saved_name: the name it was saved under, if it was (and not changed since).
        saved_any: whether any profile was saved here.

    Signals:
        previewed(object): the ``Preview`` just shown (after each change).
        saved(str): the name the mapping was saved under.
    """

    previewed = Signal(object)
    saved = Signal(str)

    def __init__(
        self,
        session: BookSession,
        file: jobs.Unrecognised,
        style: MoneyStyle = MoneyStyle.SPACE_COMMA,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Map the columns of a bank statement")
        self._session, self._file, self._style = session, file, style
        self._sample: Sample | None = None
        self.shown: Preview | None = None
        self.roles: list[QComboBox] = []
        self.chosen: ColumnMapping | None = None
        self.saved_name: str | None = None
        self.saved_any = False
        self._saved_mapping: ColumnMapping | None = None
        intro = QLabel(_intro(file))
        intro.setWordWrap(True)
        self.skip = QSpinBox(minimum=0, maximum=MAX_SKIP_LINES)
        self.has_header = QCheckBox("First row is a header")
        self.has_header.setChecked(True)
        self.date_format = QComboBox()
        self.date_format.addItems(list(DATE_FORMATS))
        self.rows = _table()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.lines = _table(_PREVIEW_COLUMNS)
        for column, width in ((0, 50), (1, 100), (2, 120), (4, 110), (5, 120)):
            self.lines.setColumnWidth(column, width)
        self.lines.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems = error_label()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.save_button = QPushButton("Save as profile…")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self._ask_name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        self._layout(intro)
        self.skip.valueChanged.connect(lambda _v: self.resample())
        self.has_header.toggled.connect(lambda _on: self.resample())
        self.date_format.currentIndexChanged.connect(lambda _i: self.refresh())
        self.resample()

    def _layout(self, intro: QLabel) -> None:
        options = QHBoxLayout()
        options.addWidget(QLabel("Lines to skip"))
        options.addWidget(self.skip)
        options.addSpacing(16)
        options.addWidget(self.has_header)
        options.addSpacing(16)
        options.addWidget(QLabel("Dates look like"))
        options.addWidget(self.date_format)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(options)
        layout.addWidget(self.rows, 3)
        layout.addWidget(QLabel("<b>As it would be imported</b>"))
        layout.addWidget(self.summary)
        layout.addWidget(self.lines, 3)
        layout.addWidget(self.problems)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.resize(900, 680)

    # -- the sample ---------------------------------------------------------------------------

    def resample(self) -> None:
        """Read the first rows again after the lines to skip or the header changed."""
        kept = [combo.currentText() for combo in self.roles]
        try:
            found = sample(
                self._file.head,
                self._file.path.name,
                self.skip.value(),
                self.has_header.isChecked(),
            )
        except UserFacingError as exc:
            self._sample = None
            self.roles = []
            self.rows.setRowCount(0)
            self.rows.setColumnCount(0)
            self._show(Preview(None, None, (str(exc),)))
            return
        self._sample = found
        self._fill_rows(found, kept)
        self.refresh()

    def _fill_rows(self, found: Sample, kept: list[str]) -> None:
        shown = found.rows[:SAMPLE_ROWS]
        self.rows.clear()
        self.rows.setColumnCount(len(found.names))
        self.rows.setRowCount(len(shown) + 1)
        self.rows.setHorizontalHeaderLabels(list(found.names))
        self.rows.setVerticalHeaderLabels(["Column is", *(str(line) for line, _ in shown)])
        self.roles = []
        for column in range(len(found.names)):
            combo = QComboBox()
            combo.addItems(list(ROLES))
            if column < len(kept):
                combo.setCurrentText(kept[column])
            combo.currentIndexChanged.connect(lambda _i, c=column: self._role_changed(c))
            self.rows.setCellWidget(0, column, combo)
            self.roles.append(combo)
        for row, (_line, cells) in enumerate(shown, start=1):
            for column, value in enumerate(cells[: len(found.names)]):
                self.rows.setItem(row, column, QTableWidgetItem(value))
        self.rows.resizeColumnsToContents()

    def set_role(self, column: int, role: str) -> None:
        """Choose what a column is (as its drop-down does)."""
        self.roles[column].setCurrentText(role)

    def _role_changed(self, column: int) -> None:
        if self.roles[column].currentText() == "date" and self._sample is not None:
            values = [cells[column] for _line, cells in self._sample.rows if column < len(cells)]
            guess = guess_date_format(values)
            if guess is not None and guess != self.date_format.currentText():
                self.date_format.blockSignals(True)  # one refresh below, not two
                self.date_format.setCurrentText(guess)
                self.date_format.blockSignals(False)
        self.refresh()

    # -- the preview --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the lines the current choices would import (see ``preview``)."""
        if self._sample is None:
            return
        options = (self.date_format.currentText(), self.skip.value(), self.has_header.isChecked())
        roles = [combo.currentText() for combo in self.roles]
        self._show(preview(self._file.head, self._file.path.name, self._sample, roles, options))

    def _show(self, shown: Preview) -> None:
        self.shown = shown
        if self.saved_name is not None and shown.mapping != self._saved_mapping:
            self.saved_name = self._saved_mapping = None  # changed since: not the saved one
            self.note.clear()
        statement = shown.statement
        lines = statement.lines[:PREVIEW_LINES] if statement is not None else ()
        self.lines.setRowCount(len(lines))
        for row, line in enumerate(lines):
            balance = line.balance_cents
            cells = (
                str(line.line_no),
                line.date.strftime("%d %b %Y"),
                format_rands(line.amount_cents, self._style),
                line.description,
                line.reference or "",
                "" if balance is None else format_rands(balance, self._style),
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column in {2, 5}:
                    item.setTextAlignment(_RIGHT)
                self.lines.setItem(row, column, item)
        self.summary.setText(self._summary(shown))
        warnings = statement.warnings if statement is not None else ()
        said = [*shown.problems, *(f"Warning: {w}" for w in warnings[:5])]
        self.problems.setText("\n".join(said))
        self.import_button.setEnabled(shown.usable)
        self.save_button.setEnabled(shown.usable and self.saved_name is None)
        self.previewed.emit(shown)

    def _summary(self, shown: Preview) -> str:
        statement = shown.statement
        if statement is None:
            return "Choose a date, a description and an amount (or money in and money out)."
        amounts = [line.amount_cents for line in statement.lines]
        money_in = format_rands(sum(a for a in amounts if a > 0), self._style)
        money_out = format_rands(-sum(a for a in amounts if a < 0), self._style)
        text = f"{len(amounts)} lines in the first rows: {money_in} in, {money_out} out"
        if statement.opening_balance_cents is not None:
            opening = format_rands(statement.opening_balance_cents, self._style)
            closing = format_rands(statement.closing_balance_cents or 0, self._style)
            text += f"; balance {opening} to {closing}"
        return text + "."

    # -- saving and importing -----------------------------------------------------------------

    def _ask_name(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Save as profile", "A name for this layout (e.g. the bank and account):"
        )
        if ok and name.strip():
            self.save_profile(name)

    def save_profile(self, name: str) -> None:
        """Save the mapping under a name, in the background; ``saved`` says when it is."""
        mapping = self.shown.mapping if self.shown is not None else None
        if mapping is None:
            return
        self.save_button.setEnabled(False)
        self._session.mutate(
            lambda book, w: jobs.save_profile(book, w, name, mapping),
            Changes(),
            self,
            self._saved,
            self._save_failed,
        )

    def _saved(self, profile: CsvProfileRecord) -> None:
        self.saved_name, self._saved_mapping = profile.name, profile.mapping
        self.saved_any = True
        how = (
            "files with this header are read with it from now on"
            if profile.recognised
            else "choose it by name for files like this one"
        )
        self.note.setText(f"Saved as the profile “{profile.name}”: {how}.")
        self.save_button.setEnabled(False)
        self.saved.emit(profile.name)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.shown is not None and self.shown.usable)
        if isinstance(exc, UserFacingError):
            self.note.setText(f"Not saved: {exc}")
        else:
            report(self, exc, "save the profile")

    def _import(self) -> None:
        if self.shown is None or not self.shown.usable:
            return
        self.chosen = self.shown.mapping
        self.accept()


def _intro(file: jobs.Unrecognised) -> str:
    name = file.path.name
    if file.reason:
        return (
            f"CrecheBooks does not know the columns of {name}. Say what each column is; "
            "the lines below show what would be imported."
        )
    return f"Say what each column of {name} is; the lines below show what would be imported."


def _table(headers: tuple[str, ...] = ()) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    if headers:
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    return table
