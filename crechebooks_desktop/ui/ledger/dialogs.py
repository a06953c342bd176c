"""Dialogs of the Ledger tab: record a payment (with its allocation preview), adjust, refund.

They only collect input: the tab runs the services with what they return.
The payment dialog asks for its preview through ``preview_wanted`` and shows
what comes back in ``show_preview``, so the database is read off this thread.

A payment typed in by hand may already be waiting on a bank statement
(issue 11): the dialog asks for such lines through ``waiting_wanted`` and,
when one is found, shows it before anything is saved and offers "Link to
bank line N instead", which records the payment *and* links it to that line
(``links.record_and_link``): one payment, with the date, method and
reference typed and the allocation previewed, and the line accounted for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.money import MoneyError, MoneyStyle, format_rands, parse_rands
from crechebooks_desktop.ui.common.bank_dates import transacted_aside
from crechebooks_desktop.ui.common.forms import date_edit, day_of, error_label, ok_cancel

if TYPE_CHECKING:
    from crechebooks_desktop.domain.bank import BankLineRecord
    from crechebooks_desktop.services.ledger.view import PaymentPreview

PREVIEW_DELAY_MS = 250
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_METHODS = (
    (PaymentMethod.EFT, "EFT"),
    (PaymentMethod.CASH, "Cash"),
    (PaymentMethod.CARD, "Card"),
    (PaymentMethod.DEBIT_ORDER, "Debit order"),
)


def _amount(edit: QLineEdit) -> int:
    """The positive amount typed.

    Raises:
        MoneyError: not an amount, or zero or less.
    """
    cents = parse_rands(edit.text())
    if cents <= 0:
        raise MoneyError("type an amount more than zero")
    return cents


def _reason(edit: QLineEdit) -> str:
    text = " ".join(edit.text().split())
    if not text:
        raise ValueError("say why")
    return text


@dataclass(frozen=True, slots=True)
class PaymentInput:
    """A payment as typed: the tab records it with ``add_payment``."""

    account_ref: str
    amount_cents: int
    day: dt.date
    method: PaymentMethod
    reference: str | None
    link_line_id: int | None = None
    """The waiting bank line to link the payment to, as it is recorded."""


class PaymentDialog(QDialog):
    """Household, amount, date, method and reference, with what the payment will pay.

    Signals:
        preview_wanted(str, int): show what this household's payment of these cents does.
        waiting_wanted(str, int, object): find bank lines waiting that look like this
            household's payment of these cents on this date (a ``datetime.date``).
    """

    preview_wanted = Signal(str, int)
    waiting_wanted = Signal(str, int, object)

    def __init__(
        self,
        households: Sequence[str],
        selected: str | None,
        today: dt.date,
        style: MoneyStyle,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a payment")
        self.style_ = style
        self.household = QComboBox()
        self.household.addItems(list(households))
        if selected:
            self.household.setCurrentText(selected)
        self.amount = QLineEdit(placeholderText="0.00")
        self.date = date_edit(today)
        self.method = QComboBox()
        for method, text in _METHODS:
            self.method.addItem(text, method)
        self.reference = QLineEdit(placeholderText="As on the bank statement (optional)")
        self.table = self._preview_table()
        self.outcome = QLabel("Type the amount to see what it pays.")
        self.outcome.setWordWrap(True)
        self.waiting = QLabel()
        self.waiting.setObjectName("waitingLine")
        self.waiting.setWordWrap(True)
        self.waiting.setStyleSheet("color: #2c7a7b;")
        self.link_button = QPushButton()
        self.link_button.clicked.connect(self._link)
        self._waiting_line: BankLineRecord | None = None
        self._offer_link(visible=False)
        self.error = error_label()
        self.result_value: PaymentInput | None = None
        self._previewed: tuple[str, int] | None = None
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.ask_preview)
        self.amount.textChanged.connect(lambda _t: self._changed())
        self.household.currentTextChanged.connect(lambda _t: self._changed())
        self.date.dateChanged.connect(lambda _d: self._changed())
        form = QFormLayout()
        form.addRow("Household", self.household)
        form.addRow("Amount", self.amount)
        form.addRow("Date received", self.date)
        form.addRow("Method", self.method)
        form.addRow("Reference", self.reference)
        buttons, self.ok = ok_cancel(self, "Record payment")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("It will pay, oldest invoice first:"))
        layout.addWidget(self.table)
        layout.addWidget(self.outcome)
        layout.addWidget(self.waiting)
        layout.addWidget(self.link_button)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 480)
        self.ok.setEnabled(False)

    @staticmethod
    def _preview_table() -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setHorizontalHeaderLabels(["Invoice", "Balance due", "Receives", "Then owes"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.setColumnWidth(0, 170)
        table.setColumnWidth(1, 130)
        table.setColumnWidth(2, 130)
        return table

    def _changed(self) -> None:
        self.ok.setEnabled(False)
        self.link_button.setEnabled(False)
        self._previewed = None
        self._timer.start()

    def ask_preview(self) -> None:
        """Ask for the preview of what is typed now."""
        self._timer.stop()
        self.error.clear()
        try:
            cents = _amount(self.amount)
        except MoneyError as exc:
            self.table.setRowCount(0)
            self.outcome.setText("")
            if self.amount.text().strip():
                self.error.setText(f"Amount: {exc}")
            return
        self.preview_wanted.emit(self.household.currentText(), cents)
        self.waiting_wanted.emit(self.household.currentText(), cents, day_of(self.date))

    def show_waiting(
        self,
        account_ref: str,
        cents: int,
        day: dt.date | None,
        lines: Sequence[BankLineRecord],
    ) -> None:
        """Show the bank line waiting that looks like this payment (if still what is typed)."""
        typed = (self.household.currentText(), day_of(self.date))
        if (account_ref, day) != typed or not self._typed(cents):
            return  # an answer to what was typed before: a newer one is on its way
        self._waiting_line = lines[0] if lines else None
        line = self._waiting_line
        self._offer_link(visible=line is not None)
        if line is None:
            return
        more = f" ({len(lines) - 1} more like it)" if len(lines) > 1 else ""
        self.waiting.setText(
            f"Bank line {line.id} — {self._money(line.amount_cents)} on {line.date:%d %b %Y}"
            f"{transacted_aside(line.date, line.transaction_date)}, "
            f"“{line.description}” — looks like this payment and is waiting "
            f"({line.status.value.lower()}){more}. Recording it again would count the money "
            "twice."
        )
        self.link_button.setText(f"Link to bank line {line.id} instead")
        self.link_button.setToolTip(
            f"Records this payment and links it to bank line {line.id}: the money is "
            "counted once, and the line needs no review."
        )
        self.link_button.setEnabled(self._previewed is not None)

    def _offer_link(self, *, visible: bool) -> None:
        """Show or hide the waiting line and the offer to link to it."""
        self.waiting.setVisible(visible)
        self.link_button.setVisible(visible)

    def show_preview(self, account_ref: str, preview: PaymentPreview) -> None:
        """Show what the payment will pay (if it is still what is typed)."""
        plan = preview.plan
        if account_ref != self.household.currentText() or not self._typed(plan.amount_cents):
            return
        money = self._money
        self.table.setRowCount(len(plan.allocations))
        for row, allocation in enumerate(plan.allocations):
            cells = (
                allocation.number,
                money(allocation.balance_due_cents),
                money(allocation.cents),
                "paid in full" if allocation.settles else money(allocation.balance_after_cents),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(row, column, item)
        self.outcome.setText(self._outcome_text(preview))
        self._previewed = (account_ref, plan.amount_cents)
        self.ok.setEnabled(True)
        self.link_button.setEnabled(True)

    def show_preview_error(self, message: str) -> None:
        """The preview was refused (e.g. no such household)."""
        self.table.setRowCount(0)
        self.outcome.setText("")
        self.error.setText(message)

    def _outcome_text(self, preview: PaymentPreview) -> str:
        plan, money = preview.plan, self._money
        if preview.kind == "exact":
            return f"Exact payment: it settles the {money(preview.due_cents)} that is due."
        if preview.kind == "partial":
            left = preview.due_cents - plan.allocated_cents
            return f"Part payment: {money(left)} will still be due."
        return (
            f"Over-payment: {money(plan.allocated_cents)} pays invoices and "
            f"{money(plan.credit_cents)} becomes credit for the household."
        )

    def _money(self, cents: int) -> str:
        return format_rands(cents, self.style_)

    def _typed(self, cents: int) -> bool:
        try:
            return _amount(self.amount) == cents
        except MoneyError:
            return False

    def _accept(self, link_line_id: int | None = None) -> None:
        if self._previewed is None:
            self.ask_preview()
            return
        ref, cents = self._previewed
        reference = self.reference.text().strip() or None
        # Qt hands a str enum back as a plain str.
        method = PaymentMethod(self.method.currentData())
        self.result_value = PaymentInput(
            ref, cents, day_of(self.date), method, reference, link_line_id
        )
        self.accept()

    def _link(self) -> None:
        if self._waiting_line is not None:
            self._accept(self._waiting_line.id)


@dataclass(frozen=True, slots=True)
class MovementInput:
    """An adjustment or refund as typed."""

    amount_cents: int
    day: dt.date
    reason: str


class AdjustmentDialog(QDialog):
    """Make a household owe more or less, with a reason (write-offs, corrections)."""

    def __init__(self, account_ref: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Adjust {account_ref}")
        self.direction = QComboBox()
        self.direction.addItem("Owes less (write-off, correction in their favour)", -1)
        self.direction.addItem("Owes more (an amount not yet billed)", 1)
        self.amount = QLineEdit(placeholderText="0.00")
        self.date = date_edit(today)
        self.reason = QLineEdit(placeholderText="Why (shown in the ledger and on statements)")
        self.error = error_label()
        self.result_value: MovementInput | None = None
        form = QFormLayout()
        form.addRow("The household", self.direction)
        form.addRow("Amount", self.amount)
        form.addRow("Date", self.date)
        form.addRow("Reason", self.reason)
        buttons, _ok = ok_cancel(self, "Adjust")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        try:
            cents = _amount(self.amount) * int(self.direction.currentData())
            reason = _reason(self.reason)
        except MoneyError as exc:
            self.error.setText(f"Amount: {exc}")
            return
        except ValueError:
            self.error.setText("Reason: say why the balance changes")
            return
        self.result_value = MovementInput(cents, day_of(self.date), reason)
        self.accept()


class RefundDialog(QDialog):
    """Pay a household's unused credit back, with a reason."""

    def __init__(
        self,
        account_ref: str,
        credit_cents: int,
        today: dt.date,
        style: MoneyStyle,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Refund credit to {account_ref}")
        self.credit_cents = credit_cents
        self.amount = QLineEdit(format_rands(credit_cents, style).removeprefix("R "))
        self.date = date_edit(today)
        self.reason = QLineEdit(placeholderText="Why (shown in the ledger)")
        self.error = error_label()
        self.result_value: MovementInput | None = None
        form = QFormLayout()
        form.addRow("Unused credit", QLabel(format_rands(credit_cents, style)))
        form.addRow("Refund", self.amount)
        form.addRow("Date paid out", self.date)
        form.addRow("Reason", self.reason)
        buttons, _ok = ok_cancel(self, "Refund")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        try:
            cents = _amount(self.amount)
            reason = _reason(self.reason)
        except MoneyError as exc:
            self.error.setText(f"Amount: {exc}")
            return
        except ValueError:
            self.error.setText("Reason: say why the money is paid back")
            return
        if cents > self.credit_cents:
            self.error.setText("Amount: more than the household's unused credit")
            return
        self.result_value = MovementInput(cents, day_of(self.date), reason)
        self.accept()
