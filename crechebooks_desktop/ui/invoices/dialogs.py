"""Small dialogs of the Invoices tab: generate a month, a new invoice, a charge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.enums import LineType, VatTreatment
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.ui.common.forms import date_edit, day_of, error_label, ok_cancel

# What a person may bill by hand; the monthly run owns the rest.
HAND_LINE_TYPES = (
    LineType.UNIFORM,
    LineType.SCHOOL_TRIP,
    LineType.BOOKS,
    LineType.STATIONERY,
    LineType.MEALS,
    LineType.TRANSPORT,
    LineType.LATE_PICKUP,
    LineType.DAMAGED_EQUIPMENT,
    LineType.EXTRA_MURAL,
    LineType.AD_HOC,
)


def _words(line_type: LineType) -> str:
    return line_type.value.replace("_", " ").capitalize()


class GenerateMonthDialog(QDialog):
    """Which month to bill, and the invoices' date."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate a month's invoices")
        self.month = date_edit(today.replace(day=1), "MMMM yyyy")
        self.issue_date = date_edit(today.replace(day=1))
        self.month.dateChanged.connect(
            lambda d: self.issue_date.setDate(QDate(d.year(), d.month(), 1))
        )
        form = QFormLayout()
        form.addRow("Billing month", self.month)
        form.addRow("Invoice date", self.issue_date)
        note = QLabel(
            "One invoice for every enrolled child. Children already invoiced "
            "for the month are skipped, so running it again is safe."
        )
        note.setWordWrap(True)
        buttons, _ok = ok_cancel(self, "Generate")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[dt.date, dt.date]:
        """(first day of the billing month, issue date)."""
        return day_of(self.month).replace(day=1), day_of(self.issue_date)


@dataclass(frozen=True, slots=True)
class LineEntry:
    """One line typed into a dialog."""

    line_type: LineType
    amount_cents: int
    description: str | None
    exempt: bool


class _LineRow:
    def __init__(self, grid: QGridLayout, row: int) -> None:
        self.kind = QComboBox()
        for line_type in HAND_LINE_TYPES:
            self.kind.addItem(_words(line_type), line_type)
        self.amount = QLineEdit(placeholderText="0.00")
        self.description = QLineEdit(placeholderText="Description")
        self.exempt = QCheckBox("VAT exempt")
        for column, widget in enumerate((self.kind, self.amount, self.description, self.exempt)):
            grid.addWidget(widget, row, column)

    def entry(self) -> LineEntry | None:
        if not self.amount.text().strip():
            return None
        line_type = self.kind.currentData()
        return LineEntry(
            line_type,
            parse_rands(self.amount.text()),
            self.description.text().strip() or None,
            self.exempt.isChecked() and line_type is LineType.AD_HOC,
        )


class NewInvoiceDialog(QDialog):
    """A one-off invoice for a child: up to four lines."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New invoice")
        self.child = QLineEdit(placeholderText="Child reference, e.g. DLAMINI01-1")
        self.date = date_edit(today)
        form = QFormLayout()
        form.addRow("Child", self.child)
        form.addRow("Date", self.date)
        grid = QGridLayout()
        self.rows = [_LineRow(grid, row) for row in range(4)]
        self.error = error_label()
        self.result_value: tuple[str, dt.date, list[LineEntry]] | None = None
        buttons, _ok = ok_cancel(self, "Create invoice")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        try:
            lines = [e for e in (row.entry() for row in self.rows) if e is not None]
        except MoneyError as exc:
            self.error.setText(f"Amount: {exc}")
            return
        if not self.child.text().strip():
            self.error.setText("Child: type the child's reference")
            return
        if not lines:
            self.error.setText("Lines: give at least one line an amount")
            return
        self.result_value = (self.child.text().strip(), day_of(self.date), lines)
        self.accept()


class ChargeDialog(QDialog):
    """A charge that the child's next invoice picks up (late pick-up, trip, ...)."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a charge")
        self.child = QLineEdit(placeholderText="Child reference, e.g. DLAMINI01-1")
        self.date = date_edit(today)
        grid = QGridLayout()
        self.line = _LineRow(grid, 0)
        self.error = error_label()
        self.result_value: tuple[str, dt.date, LineEntry] | None = None
        form = QFormLayout()
        form.addRow("Child", self.child)
        form.addRow("Date", self.date)
        buttons, _ok = ok_cancel(self, "Add charge")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        try:
            entry = self.line.entry()
        except MoneyError as exc:
            self.error.setText(f"Amount: {exc}")
            return
        if not self.child.text().strip() or entry is None:
            self.error.setText("Give the child's reference and an amount")
            return
        self.result_value = (self.child.text().strip(), day_of(self.date), entry)
        self.accept()


def vat_choice(entry: LineEntry) -> VatTreatment | None:
    """The VAT override a charge line carries (only AD_HOC lines take one)."""
    if entry.line_type is not LineType.AD_HOC:
        return None
    return VatTreatment.EXEMPT if entry.exempt else VatTreatment.STANDARD
