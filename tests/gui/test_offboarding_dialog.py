"""The offboarding dialog of the Households tab (issue 13), over the demo book, real worker.

BALOYI40 has one child (Full Day, R 4 850 a month) and R 500 of unused credit;
nothing is billed yet for November 2026. The dialog is filled in as a person
would; its preview is the service's, a refused choice is said in the dialog
with OK held back, and what OK did is read back from the book.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import EnrolmentStatus, InvoiceStatus
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.offboarding import CreditAction
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services.admin import users
from crechebooks_desktop.services.roster.offboarding import Offboarded, OffboardingPlan
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.households.offboarding import (
    Choice,
    OffboardingDialog,
    load_leavers,
    offboard,
    preview,
)
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.ops import Workplace
from tests.unit.services.test_payments import build_family

NOV_20 = QDate(2026, 11, 20)
PRO_RATA = 323_333  # R 4 850 x 20/30 = R 3 233.33


@pytest.fixture
def demo_book_path(demo_first_day_path: Path) -> Path:
    """The demo on its first day: November not yet billed, so the final invoice is made."""
    return demo_first_day_path


def _book(path: Path) -> Book:
    book, _ = Book.open(settings_for(str(path)))
    return book


def _open(qtbot, shell: Shell) -> OffboardingDialog:
    view = shell.window.households
    view.search.setText("BALOYI40")
    assert not view.end_button.isEnabled()  # nothing chosen yet
    view.table.selectRow(0)
    assert view.end_button.isEnabled()
    dialog = view.open_offboarding()
    assert dialog is not None
    with (
        qtbot.waitSignal(dialog.loaded, timeout=10_000) as loaded,
        qtbot.waitSignal(dialog.previewed, timeout=10_000),
    ):
        pass
    assert loaded.args == [1]
    assert dialog.child.currentData() == "BALOYI40-1"
    return dialog


def _preview(qtbot, dialog: OffboardingDialog, change) -> object:
    with qtbot.waitSignal(dialog.previewed, timeout=10_000) as shown:
        change()
    return shown.args[0]


def _state(path: Path) -> tuple[object, ...]:
    book = _book(path)
    try:
        with book.read(1) as uow:
            child = uow.roster.child_by_ref("BALOYI40-1")
            assert child is not None
            (enrolment,) = uow.roster.enrolments(child.id)
            november = [
                (i.number, i.status, i.total_cents, i.balance_due_cents)
                for i in uow.invoices.find(InvoiceFilter(household_ref="BALOYI40"))
            ]
            balance = uow.ledger.balance(child.household_id)
            audits = len(uow.audit.latest(None, limit=100_000))
        return (enrolment.status, enrolment.terms.end_date, november, balance, audits)
    finally:
        book.close()


def test_the_dialog_previews_refuses_and_offboards(qtbot, start, demo_book_path) -> None:
    shell = start()
    dialog = _open(qtbot, shell)
    before = _state(demo_book_path)
    style = MoneyStyle[shell.session.workplace.creche.money_style]

    plan = _preview(qtbot, dialog, lambda: dialog.last_day.setDate(NOV_20))
    assert isinstance(plan, OffboardingPlan)
    assert plan.final is not None
    assert plan.final.total_cents == PRO_RATA
    assert plan.credit_cents == 50_000
    shown = dialog.preview_text.text()
    assert f"Final invoice for November 2026: {format_rands(PRO_RATA, style)}" in shown
    assert dialog.ok.isEnabled()

    # Refused: R 600 back when the household holds R 500 (no final invoice to pay first).
    dialog.final_invoice.setChecked(False)
    dialog.refund.setChecked(True)
    refused = _preview(qtbot, dialog, lambda: dialog.refund_amount.setText("600"))
    assert isinstance(refused, RuleViolation)
    assert dialog.error.text() == (
        f"cannot refund {format_rands(60_000)}: only {format_rands(50_000)} of the "
        "household's credit is left to refund"
    )
    assert not dialog.ok.isEnabled()
    assert dialog.preview_text.text() == "Nothing can be done as chosen: see the reason below."
    # An amount that is no amount is said beside its field.
    dialog.refund_amount.setText("six hundred")
    qtbot.waitUntil(lambda: dialog.form.problem("refund_amount") != "", timeout=5_000)
    assert not dialog.ok.isEnabled()
    assert _state(demo_book_path) == before

    # Apply the credit to the final invoice, and end the enrolment.
    dialog.final_invoice.setChecked(True)
    dialog.status.setCurrentIndex(dialog.status.findData("GRADUATED"))
    plan = _preview(qtbot, dialog, dialog.apply.click)
    assert isinstance(plan, OffboardingPlan)
    assert not dialog.refund_amount.isEnabled()
    assert (plan.credit_applied_cents, plan.credit_after_cents) == (50_000, 0)
    assert dialog.ok.isEnabled()
    with (
        qtbot.waitSignal(dialog.offboarded, timeout=10_000) as finished,
        qtbot.waitSignal(shell.window.households.loaded, timeout=10_000),
    ):
        dialog.ok.click()
    done = finished.args[0]
    assert isinstance(done, Offboarded)
    status, end, invoices, balance, audits = _state(demo_book_path)
    assert (status, end) == (EnrolmentStatus.GRADUATED, dt.date(2026, 11, 20))
    assert invoices == [(done.invoice, InvoiceStatus.PARTIALLY_PAID, PRO_RATA, PRO_RATA - 50_000)]
    assert (balance.balance_cents, balance.credit_cents) == (PRO_RATA - 50_000, 0)
    assert audits > before[-1]


def test_an_owner_viewer_sees_the_preview_but_cannot_end(qtbot, start, demo_book_path) -> None:
    book = _book(demo_book_path)
    try:
        with book.write(1) as uow:
            admin = users.acting_user(uow, 1, "admin")
            users.add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "view")
    finally:
        book.close()
    shell = start("olivia")
    dialog = _open(qtbot, shell)
    before = _state(demo_book_path)
    plan = _preview(qtbot, dialog, lambda: dialog.last_day.setDate(NOV_20))
    assert isinstance(plan, OffboardingPlan)
    assert not dialog.ok.isEnabled()
    assert dialog.error.text() == "Only an administrator can end an enrolment."
    dialog.submit()  # as if OK were pressed anyway: the service refuses
    qtbot.waitUntil(lambda: "may not change the roster" in dialog.error.text(), timeout=10_000)
    assert _state(demo_book_path) == before


def test_the_dialog_s_jobs_over_both_backends(book: Book) -> None:
    """The worker's functions without a window, on SQLite and PostgreSQL."""
    f = build_family(book)
    place = Workplace("test", f.settings, f.actor)
    assert [c.child_ref for c in load_leavers(book, place, "ADAMS01")] == [
        "ADAMS01-1",
        "ADAMS01-2",
    ]
    choice = Choice(
        "ADAMS01-2", dt.date(2026, 12, 10), EnrolmentStatus.WITHDRAWN, True, CreditAction.KEEP, None
    )
    plan = preview(book, place, choice)
    done = offboard(book, place, choice)
    assert done.plan == plan
    assert plan.final is not None
    assert plan.final.total_cents == 103_226  # R 3 200 x 10/31
    assert [c.child_ref for c in load_leavers(book, place, "ADAMS01")] == ["ADAMS01-1"]
    f.check()
