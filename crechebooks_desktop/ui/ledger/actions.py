"""The Ledger tab's money actions: record a payment, adjust, refund or apply credit, reverse.

Each opens its dialog, runs the service on the database thread as a mutation
(announcing ``Changes(ledger, invoices)``, so every tab refreshes itself) and
says what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QWidget,
)

from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus
from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.ledger import LedgerEntryValue
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.ledger import jobs
from crechebooks_desktop.ui.ledger.dialogs import (
    AdjustmentDialog,
    MovementInput,
    PaymentDialog,
    PaymentInput,
    RefundDialog,
)
from crechebooks_desktop.ui.ledger.household_panel import HouseholdLedgerPanel
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.ledger.credits import CreditApplication
    from crechebooks_desktop.services.ledger.payments import RecordedPayment
    from crechebooks_desktop.ui.ops import Workplace

T = TypeVar("T")
_MONEY_MOVED = Changes(ledger=True, invoices=True)
_LINKED = Changes(bank=True, ledger=True, invoices=True)


def payment_of(entry: LedgerEntryValue | None) -> int | None:
    """The payment a PAYMENT ledger line records (None for any other line)."""
    if entry is None or entry.entry_type is not EntryType.PAYMENT:
        return None
    if entry.source_type != "payment" or entry.source_id is None:
        return None
    return entry.source_id


class LedgerActions(QWidget):
    """Buttons for the selected household; enabled as the selection and the user allow.

    Signals:
        finished(str): an action was saved; what happened, in a sentence.
    """

    finished = Signal(str)

    def __init__(
        self,
        session: BookSession,
        panel: HouseholdLedgerPanel,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._panel = panel
        self._today = today
        self.note = QLabel()
        self.note.setObjectName("summaryLine")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note, 1)
        self.pay_button = self._button(layout, "Record payment…", self._pay)
        self.adjust_button = self._button(layout, "Adjust…", self._adjust)
        self.refund_button = self._button(layout, "Refund credit…", self._refund)
        self.apply_button = self._button(layout, "Apply credit", self.apply_credit)
        self.reverse_button = self._button(layout, "Reverse payment…", self._reverse)
        self.import_button = self._button(layout, "Import balances…", self._import)
        panel.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        panel.entry_table.selectionModel().currentRowChanged.connect(
            lambda *_: self.update_buttons()
        )
        panel.position_shown.connect(lambda _ref: self.update_buttons())
        session.workplace_changed.connect(lambda _w: self.update_buttons())
        self.finished.connect(self.note.setText)
        self.update_buttons()

    @staticmethod
    def _button(layout: QHBoxLayout, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    def update_buttons(self) -> None:
        """Enable what the selection and the user's role allow."""
        workplace = self._session.workplace
        may = workplace is not None and workplace.actor.can(Permission.POST_MONEY)
        household = self._panel.selected_household()
        chosen = may and household is not None
        credit = household.credit_cents if household else 0
        self.pay_button.setEnabled(may and self._panel.households.rowCount() > 0)
        self.import_button.setEnabled(may)
        self.adjust_button.setEnabled(chosen)
        self.refund_button.setEnabled(chosen and credit > 0)
        # Credit goes only to sent invoices (drafts take it when they are sent).
        payable = any(i.status is not InvoiceStatus.DRAFT for i in self._panel.invoices.rows())
        self.apply_button.setEnabled(chosen and credit > 0 and payable)
        self.reverse_button.setEnabled(chosen and self.reversible_payment() is not None)

    def reversible_payment(self) -> int | None:
        """The payment on the selected ledger line, unless it was reversed already."""
        payment_id = payment_of(self._panel.selected_entry())
        if payment_id is None:
            return None
        for entry in self._panel.entries.rows():
            if entry.entry_type is EntryType.REVERSAL and entry.source_id == payment_id:
                return None
        return payment_id

    def _household(self) -> HouseholdSummary:
        household = self._panel.selected_household()
        if household is None:
            raise UserFacingError("choose a household first")
        return household

    def _mutate(
        self,
        change: Callable[[Book, Workplace], T],
        doing: str,
        said: Callable[[T], str],
        changes: Changes = _MONEY_MOVED,
    ) -> None:
        self._session.mutate(
            change,
            changes,
            self,
            lambda result: self.finished.emit(said(result)),
            lambda exc: report(self, exc, doing),
        )

    # -- opening balances ---------------------------------------------------------------

    def _import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import opening balances", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.import_balances(Path(path))

    def import_balances(self, path: Path) -> None:
        """Bring in ``household_ref,amount,as_of`` rows; a bad file changes nothing."""
        self._mutate(
            lambda book, w: jobs.import_balances(book, w, path),
            f"import {path.name}",
            lambda count: f"Imported opening balances for {count} households from {path.name}",
        )

    def _money(self, cents: int) -> str:
        return format_rands(cents, self._panel.money_style())

    # -- record a payment -------------------------------------------------------------------

    def _pay(self) -> None:
        selected = self._panel.selected_household()
        dialog = self.payment_dialog(selected.account_ref if selected else None)
        if dialog.exec() and dialog.result_value is not None:
            self.record_payment(dialog.result_value)

    def payment_dialog(self, selected: str | None) -> PaymentDialog:
        """The payment dialog, its preview wired to the database thread."""
        refs = [h.account_ref for h in self._panel.households.rows()]
        dialog = PaymentDialog(refs, selected, self._today, self._panel.money_style(), self)

        def preview(ref: str, cents: int) -> None:
            self._session.query(
                lambda book, w: jobs.preview_payment(book, w, ref, cents),
                lambda found: dialog.show_preview(ref, found),
                lambda exc: dialog.show_preview_error(str(exc)),
            )

        def waiting(ref: str, cents: int, day: dt.date) -> None:
            self._session.query(
                lambda book, w: jobs.waiting_lines(book, w, ref, cents, day),
                lambda lines: dialog.show_waiting(ref, cents, day, lines),
                lambda _exc: dialog.show_waiting(ref, cents, day, ()),  # the preview says why
            )

        dialog.preview_wanted.connect(preview)
        dialog.waiting_wanted.connect(waiting)
        return dialog

    def record_payment(self, payment: PaymentInput) -> None:
        """Record the payment and say what it paid (linking it to its bank line, if chosen)."""
        if payment.link_line_id is not None:
            line_id = payment.link_line_id
            self._mutate(
                lambda book, w: jobs.record_and_link(book, w, payment, line_id),
                "record the payment and link it",
                lambda done: (
                    f"Recorded {self._money(payment.amount_cents)} from {payment.account_ref} "
                    f"as bank line {line_id} (payment {done.payment.payment_id}, linked: "
                    "counted once)"
                ),
                _LINKED,
            )
            return

        def said(result: RecordedPayment) -> str:
            paid = ", ".join(a.number for a in result.allocations)
            text = f"Recorded {self._money(payment.amount_cents)} from {payment.account_ref}"
            text += f": paid {paid}" if paid else ""
            credit = result.credit_cents
            return text + (f"; {self._money(credit)} became credit" if credit else "")

        self._mutate(
            lambda book, w: jobs.record_payment(book, w, payment), "record the payment", said
        )

    # -- adjust, refund, apply credit -------------------------------------------------------

    def _adjust(self) -> None:
        ref = self._household().account_ref
        dialog = AdjustmentDialog(ref, self._today, self)
        if dialog.exec() and dialog.result_value is not None:
            self.adjust(ref, dialog.result_value)

    def adjust(self, account_ref: str, change: MovementInput) -> None:
        """Post the adjustment."""
        self._mutate(
            lambda book, w: jobs.adjust(book, w, account_ref, change),
            f"adjust {account_ref}",
            lambda _r: f"Adjusted {account_ref} by {self._money(change.amount_cents)}",
        )

    def _refund(self) -> None:
        household = self._household()
        dialog = RefundDialog(
            household.account_ref,
            household.credit_cents,
            self._today,
            self._panel.money_style(),
            self,
        )
        if dialog.exec() and dialog.result_value is not None:
            self.refund(household.account_ref, dialog.result_value)

    def refund(self, account_ref: str, change: MovementInput) -> None:
        """Pay credit back."""
        self._mutate(
            lambda book, w: jobs.refund(book, w, account_ref, change),
            f"refund credit to {account_ref}",
            lambda _r: f"Refunded {self._money(change.amount_cents)} to {account_ref}",
        )

    def apply_credit(self) -> None:
        """Use the selected household's credit on its open invoices."""
        ref = self._household().account_ref

        def said(result: CreditApplication) -> str:
            used = result.credit_before_cents - result.credit_cents
            return f"Applied {self._money(used)} of {ref}'s credit to its invoices"

        self._mutate(lambda book, w: jobs.apply_credit(book, w, ref), f"apply {ref}'s credit", said)

    # -- reverse a payment ------------------------------------------------------------------

    def _reverse(self) -> None:
        payment_id = self.reversible_payment()
        if payment_id is None:
            return
        reason, ok = QInputDialog.getText(
            self, f"Reverse payment {payment_id}", "Why is it reversed (e.g. debit order bounced)?"
        )
        if ok and reason.strip():
            self.reverse_selected(reason)

    def reverse_selected(self, reason: str) -> None:
        """Reverse the payment on the selected ledger line, dated today."""
        payment_id = self.reversible_payment()
        if payment_id is None:
            return
        today = self._today
        self._mutate(
            lambda book, w: jobs.reverse(book, w, payment_id, reason, today),
            f"reverse payment {payment_id}",
            lambda _r: f"Reversed payment {payment_id}: its invoices owe again",
        )
