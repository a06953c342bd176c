"""Ending a child's enrolment from the Households tab: the offboarding of issue 13.

The dialog collects the child, the last day, withdrawn or graduated, whether
to bill the last month and what happens to the household's credit; as they
change it shows the preview ``services.roster.offboarding`` works out (the final
invoice, the credit used, refunded and left), and OK runs the offboarding in
one transaction. A refusal (a last day before the start, a refund beyond the
credit) is said in the dialog, in the service's words, and OK waits for a
choice that works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from crechebooks_desktop.domain.enums import EnrolmentStatus
from crechebooks_desktop.domain.money import MoneyError, MoneyStyle, parse_rands
from crechebooks_desktop.domain.offboarding import CreditAction, Refund
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.forms import FieldForm, FormDialog, date_edit, day_of
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.roster.offboarding import Leaver, Offboarded, OffboardingPlan

OFFBOARDED = Changes(roster=True, ledger=True, invoices=True)
_PREVIEW_DELAY_MS = 150  # typing a date or an amount asks for one preview, not one per key


@dataclass(frozen=True, slots=True)
class Choice:
    """What the dialog asks the offboarding to do."""

    child_ref: str
    last_day: dt.date
    status: EnrolmentStatus
    final_invoice: bool
    credit: CreditAction
    refund: Refund | None

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``offboard`` and ``preview_offboarding``."""
        return {"final_invoice": self.final_invoice, "credit": self.credit, "refund": self.refund}


def load_leavers(book: Book, workplace: Workplace, account_ref: str) -> list[Leaver]:
    """Runs on the database thread: the household's children still enrolled."""
    from crechebooks_desktop.services.roster.offboarding import leavers  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return leavers(uow, account_ref)


def preview(book: Book, workplace: Workplace, choice: Choice) -> OffboardingPlan:
    """Runs on the database thread: what the offboarding would do, changing nothing."""
    from crechebooks_desktop.services.roster.offboarding import preview_offboarding  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return preview_offboarding(
            uow, workplace.actor, choice.child_ref, choice.last_day, choice.status,
            **choice.options(),
        )  # fmt: skip


def offboard(book: Book, workplace: Workplace, choice: Choice) -> Offboarded:
    """Runs on the database thread: the offboarding, in one transaction."""
    from crechebooks_desktop.services.roster import offboarding  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return offboarding.offboard(
            uow, workplace.actor, choice.child_ref, choice.last_day, choice.status,
            **choice.options(),
        )  # fmt: skip


class OffboardingDialog(FormDialog):
    """End a child's enrolment and settle the household's account.

    Signals:
        loaded(int): the household's children still enrolled were read (how many).
        previewed(object): a preview was shown (an ``OffboardingPlan``) or refused
            (the ``UserFacingError``).
        offboarded(object): the ``Offboarded`` result (the dialog then closes).
    """

    loaded = Signal(int)
    previewed = Signal(object)
    offboarded = Signal(object)

    def __init__(
        self,
        session: BookSession,
        account_ref: str,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"End an enrolment — {account_ref}", "End enrolment", parent)
        self._session = session
        self.account_ref = account_ref
        day = today or dt.date.today()  # noqa: DTZ011 - the book's business date is local
        self.form = FieldForm()
        self.body.addWidget(self.form)
        self._fields(day)
        self.preview_text = QLabel()
        self.preview_text.setObjectName("previewBox")
        self.preview_text.setWordWrap(True)
        self.preview_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_text.setMinimumHeight(150)
        self.preview_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.addSpacing(6)
        self.body.addWidget(QLabel("<b>What will happen</b>"))
        self.body.addWidget(self.preview_text)
        self.finish_layout()
        self._asked = 0
        self._ready = False
        self._timer = QTimer(self, singleShot=True, interval=_PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self._connect()
        self._update_refund_fields()
        self.set_busy(True)
        self.resize(620, self.sizeHint().height())
        session.query(lambda b, w: load_leavers(b, w, account_ref), self._show_leavers, self._bug)

    def _fields(self, day: dt.date) -> None:
        self.child = QComboBox()
        self.last_day = date_edit(day)
        self.status = QComboBox()
        self.status.addItem("Withdrawn", EnrolmentStatus.WITHDRAWN.value)
        self.status.addItem("Graduated", EnrolmentStatus.GRADUATED.value)
        self.final_invoice = QCheckBox("Bill the month of the last day, pro-rata")
        self.final_invoice.setChecked(True)
        self.keep = QRadioButton("Keep")
        self.apply = QRadioButton("Apply to invoices")
        self.refund = QRadioButton("Apply, then refund the rest")
        self.keep.setChecked(True)
        self.credit = QButtonGroup(self)
        credit_row = QWidget()
        row = QHBoxLayout(credit_row)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.keep, self.apply, self.refund):
            self.credit.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.refund_amount = QLineEdit(placeholderText="all the credit left")
        self.refund_date = date_edit(day)
        self.reason = QLineEdit(placeholderText="e.g. the family moved to Durban")
        form = self.form
        form.add_row("child", "Child", self.child)
        form.add_row("last_day", "Last day", self.last_day, "the last day attended and billed")
        form.add_row("status", "Leaves as", self.status)
        form.add_row(
            "final", "Final invoice", self.final_invoice,
            "a month already billed in full gets a credit for the days not attended",
        )  # fmt: skip
        form.add_row("credit", "Household credit", credit_row)
        form.add_row("refund_amount", "Refund", self.refund_amount)
        form.add_row("refund_date", "Refund date", self.refund_date)
        form.add_row("reason", "Reason for the refund", self.reason)

    def _connect(self) -> None:
        for signal in (
            self.child.currentIndexChanged, self.last_day.dateChanged,
            self.status.currentIndexChanged, self.final_invoice.toggled,
            self.credit.buttonToggled, self.refund_amount.textChanged,
            self.refund_date.dateChanged, self.reason.textChanged,
        ):  # fmt: skip
            signal.connect(self._changed)

    # ------------------------------------------------------------------ loading

    def _show_leavers(self, leavers: list[Leaver]) -> None:
        self.child.blockSignals(True)
        for leaver in leavers:
            self.child.addItem(
                f"{leaver.child_ref} — {leaver.name} (since {leaver.start_date:%d %b %Y})",
                leaver.child_ref,
            )
        self.child.blockSignals(False)
        self._ready = bool(leavers)
        if not leavers:
            self.say(f"No child of {self.account_ref} has an enrolment to end.")
        self.loaded.emit(len(leavers))
        if leavers:
            self.refresh_preview()

    def select_child(self, child_ref: str) -> None:
        """Choose a child by reference (the preview follows)."""
        self.child.setCurrentIndex(self.child.findData(child_ref))

    # ------------------------------------------------------------------ preview

    def _changed(self, *_args: object) -> None:
        self._update_refund_fields()
        self._asked += 1  # a preview on its way is of the choice before this change
        self.set_busy(True)
        self._timer.start()

    def _update_refund_fields(self) -> None:
        """The refund's fields are shown only when the credit is refunded."""
        refunding = self.refund.isChecked()
        for field in (self.refund_amount, self.refund_date, self.reason):
            field.setEnabled(refunding)
            cell = field.parentWidget()  # FieldForm's cell: the field and its message
            if cell is not None:
                self.form.rows.setRowVisible(cell, refunding)
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def refresh_preview(self) -> None:
        """Ask the services what the choice would do (on the database thread)."""
        self._timer.stop()
        if not self._ready:
            return
        choice = self.choice()
        if choice is None:
            self.preview_text.clear()
            return
        self._asked += 1
        asked = self._asked
        self._session.query(
            lambda b, w: preview(b, w, choice),
            lambda plan: self._show_plan(asked, plan),
            lambda exc: self._refused(asked, exc),
        )

    def choice(self) -> Choice | None:
        """What the fields say; None (with the problem beside its field) when unreadable."""
        self.form.clear_problems()
        self.say("")
        credit = (
            CreditAction.REFUND if self.refund.isChecked()
            else CreditAction.APPLY if self.apply.isChecked()
            else CreditAction.KEEP
        )  # fmt: skip
        refund = None
        if credit is CreditAction.REFUND:
            try:
                text = self.refund_amount.text().strip()
                amount = parse_rands(text) if text else None
            except MoneyError as exc:
                self.form.show_problems({"refund_amount": str(exc)})
                return None
            reason = self.reason.text().strip() or f"{self.child.currentData()} left"
            refund = Refund(day_of(self.refund_date), reason, amount)
        return Choice(
            str(self.child.currentData()),
            day_of(self.last_day),
            EnrolmentStatus(self.status.currentData()),
            self.final_invoice.isChecked(),
            credit,
            refund,
        )

    def _style(self) -> MoneyStyle:
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _show_plan(self, asked: int, plan: OffboardingPlan) -> None:
        if asked != self._asked:  # a later choice is being previewed
            return
        self.preview_text.setText("\n".join(plan.describe(self._style())))
        self.set_busy(not self._may())
        if not self._may():
            self.say("Only an administrator can end an enrolment.")
        self.previewed.emit(plan)

    def _refused(self, asked: int, error: BaseException) -> None:
        if asked != self._asked:
            return
        if not isinstance(error, UserFacingError):
            self._bug(error)
            return
        self.preview_text.setText("Nothing can be done as chosen: see the reason below.")
        self.say(str(error))
        self.previewed.emit(error)

    def _may(self) -> bool:
        workplace = self._session.workplace
        actor = workplace.actor if workplace else None
        return actor is not None and actor.can(Permission.MANAGE_ROSTER)

    def _bug(self, error: BaseException) -> None:
        report(self, error, "preview the offboarding")

    # ------------------------------------------------------------------ OK

    def submit(self) -> None:
        """End the enrolment through ``services.roster.offboarding.offboard``."""
        choice = self.choice()
        if choice is None or not self._ready:
            return
        self.set_busy(True)
        self._session.mutate(
            lambda b, w: offboard(b, w, choice),
            OFFBOARDED,
            self,
            self._finished,
            lambda exc: self.show_failure(exc, "end the enrolment"),
        )

    def _finished(self, done: Offboarded) -> None:
        self.offboarded.emit(done)
        self.accept()
