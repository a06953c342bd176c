"""Enrolling a child on a fee structure, or changing an enrolment's terms and extras."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.enums import LineType
from crechebooks_desktop.domain.money import MoneyError, format_plain, parse_rands
from crechebooks_desktop.domain.roster import EXTRA_LINE_TYPES, RecurringExtra, parse_hours
from crechebooks_desktop.ui.common.forms import date_edit, day_of
from crechebooks_desktop.ui.households import jobs
from crechebooks_desktop.ui.households.roster_dialog import RosterDialog
from crechebooks_desktop.ui.ops import BookSession

if TYPE_CHECKING:
    from crechebooks_desktop.services.roster.enrolments import EnrolmentForm, EnrolmentValue


def words(line_type: object) -> str:
    """A line type as the window names it (``EXTRA_MURAL`` -> ``Extra mural``)."""
    return str(line_type).replace("_", " ").capitalize()


class ExtrasEditor(QWidget):
    """Recurring monthly extras: a line type, an amount in Rand and a description each."""

    def __init__(
        self, extras: Sequence[RecurringExtra] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Type", "Amount", "Description"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 190)
        self.table.setMinimumHeight(110)
        self.add_button = QPushButton("Add extra")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(lambda: self.add_extra())  # noqa: PLW0108 - not `checked`
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Enter saves the dialog, it adds no row
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        for extra in extras:
            self.add_extra(extra)

    def add_extra(self, extra: RecurringExtra | None = None) -> int:
        """Add a row (blank, or showing ``extra``); returns its number."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = QComboBox()
        for line_type in EXTRA_LINE_TYPES:
            kind.addItem(words(line_type), line_type.value)
        amount = QLineEdit(
            format_plain(extra.amount_cents) if extra else "", placeholderText="0.00"
        )
        description = QLineEdit((extra.description or "") if extra else "")
        if extra is not None:
            kind.setCurrentIndex(kind.findData(extra.line_type.value))
        self.table.setCellWidget(row, 0, kind)
        self.table.setCellWidget(row, 1, amount)
        self.table.setCellWidget(row, 2, description)
        return row

    def cell(self, row: int, column: int) -> QWidget:
        """The editor in a cell."""
        return self.table.cellWidget(row, column)

    def _remove(self) -> None:
        row = self.table.currentRow()
        self.table.removeRow(row if row >= 0 else self.table.rowCount() - 1)

    def extras(self) -> tuple[RecurringExtra, ...]:
        """The extras typed; rows without an amount are left out.

        Raises:
            ValueError: an amount that is not one (names the row).
        """
        found = []
        for row in range(self.table.rowCount()):
            kind, amount, text = (self.cell(row, c) for c in range(3))
            typed = amount.text().strip()  # type: ignore[attr-defined]
            if not typed:
                continue
            try:
                cents = parse_rands(typed)
            except MoneyError as exc:
                raise ValueError(f"item {row + 1}: {exc}") from None
            description = text.text().strip() or None  # type: ignore[attr-defined]
            found.append(RecurringExtra(LineType(kind.currentData()), cents, description))  # type: ignore[attr-defined]
        return tuple(found)


class EnrolmentDialog(RosterDialog):
    """An enrolment of the child ``child_ref``: new, or ``enrolment`` changed.

    Signals:
        changed(object): the ``EnrolmentValue`` as saved.
    """

    def __init__(
        self,
        session: BookSession,
        child_ref: str,
        fee_names: Sequence[str],
        enrolment: EnrolmentValue | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        adding = enrolment is None
        title = f"Enrol {child_ref}" if adding else f"Enrolment of {child_ref}"
        super().__init__(session, title, "Enrol" if adding else "Save", parent)
        self._child_ref = child_ref
        self._enrolment = enrolment
        self._build(fee_names, enrolment, today or dt.date.today())  # noqa: DTZ011
        self.finish_layout()
        self.resize(600, self.sizeHint().height())

    def _build(
        self, fee_names: Sequence[str], enrolment: EnrolmentValue | None, today: dt.date
    ) -> None:
        t = enrolment.terms if enrolment else None
        self.fee = QComboBox()
        self.fee.addItems(list(fee_names))
        if enrolment is not None:
            if self.fee.findText(enrolment.fee_name) < 0:
                self.fee.addItem(enrolment.fee_name)
            self.fee.setCurrentText(enrolment.fee_name)
        self.start = date_edit(t.start_date if t else today.replace(day=1))
        self.ends = QCheckBox("Ends on")
        self.end = date_edit((t.end_date if t else None) or today)
        self.ends.setChecked(bool(t and t.end_date))
        self.end.setEnabled(self.ends.isChecked())
        self.ends.toggled.connect(self.end.setEnabled)
        end_row = QWidget()
        row = QHBoxLayout(end_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.ends)
        row.addWidget(self.end, 1)
        custom = t.custom_amount_cents if t else None
        self.custom_amount = QLineEdit("" if custom is None else format_plain(custom))
        hours = t.hours_per_month if t else None
        self.hours = QLineEdit("" if hours is None else str(hours))
        self.extras = ExtrasEditor(t.extras if t else ())
        hint = "a new enrolment ends the child's running one the day before" if not t else None
        self.form.add_row("fee_name", "Fee structure", self.fee)
        self.form.add_row("start_date", "Starts on", self.start, hint)
        self.form.add_row("end_date", "Last day", end_row, "leave unticked while it runs")
        self.form.add_row("custom_amount", "Monthly amount", self.custom_amount, "CUSTOM fees only")
        self.form.add_row("hours_per_month", "Hours a month", self.hours, "HOURLY fees only")
        self.form.add_row("extras", "Recurring extras", self.extras, "billed every month")
        if enrolment is not None and enrolment.status.value != "ACTIVE":
            self.say(f"This enrolment ended ({enrolment.status.value}).")

    def typed(self) -> EnrolmentForm | None:
        """The terms as typed, or None when a value could not be read (said beside it)."""
        problems: dict[str, str] = {}
        custom = hours = None
        extras: tuple[RecurringExtra, ...] = ()
        if self.custom_amount.text().strip():
            try:
                custom = parse_rands(self.custom_amount.text())
            except MoneyError as exc:
                problems["custom_amount"] = str(exc)
        if self.hours.text().strip():
            try:
                hours = parse_hours(self.hours.text())
            except ValueError as exc:
                problems["hours_per_month"] = str(exc)
        try:
            extras = self.extras.extras()
        except ValueError as exc:
            problems["extras"] = str(exc)
        if problems:
            self.form.show_problems(problems)
            self.grow()
            return None
        from crechebooks_desktop.services.roster.enrolments import (  # noqa: PLC0415
            EnrolmentForm,
        )

        end = day_of(self.end) if self.ends.isChecked() else None
        return EnrolmentForm(self.fee.currentText(), day_of(self.start), end, custom, hours, extras)

    def submit(self) -> None:
        """Enrol or save through ``services.roster_edit.enrolments``."""
        self.form.clear_problems()
        form = self.typed()
        if form is None:
            return
        if self._enrolment is None:
            ref = self._child_ref
            self.run(lambda book, w: jobs.add_enrolment(book, w, ref, form), "enrol the child")
            return
        enrolment_id = self._enrolment.enrolment_id
        self.run(
            lambda book, w: jobs.edit_enrolment(book, w, enrolment_id, form), "save the enrolment"
        )
