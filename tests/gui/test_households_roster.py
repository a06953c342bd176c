"""Adding and editing the roster from the Households tab (issue 13), real database thread.

Each dialog is filled in as a person would; what it saved is read back through
the services, a refused input shows the service's words beside the field with
the dialog still open and nothing written, and roles without the permission
get no enabled buttons. The jobs run on both backends.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import LineType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.roster import ChildDetails, HouseholdDetails
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services.admin import users
from crechebooks_desktop.services.roster.checks import RosterRefused
from crechebooks_desktop.services.roster.enrolments import EnrolmentForm, child_enrolments
from crechebooks_desktop.services.roster.households import find_household
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.households import jobs
from crechebooks_desktop.ui.households.charge_dialog import ChargeDialog
from crechebooks_desktop.ui.households.child_dialog import ChildDialog
from crechebooks_desktop.ui.households.enrolment_dialog import EnrolmentDialog
from crechebooks_desktop.ui.households.household_dialog import HouseholdDialog
from crechebooks_desktop.ui.households.view import HouseholdsView
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.ops import Workplace
from tests.roster_support import load_samples, snapshot

FULL_DAY = "Full Day (07:00-17:30)"


def _book(path: Path) -> Book:
    book, _ = Book.open(settings_for(str(path)))
    return book


def _read(path: Path, read):  # type: ignore[no-untyped-def]
    book = _book(path)
    try:
        with book.read(1) as uow:
            return read(uow)
    finally:
        book.close()


def _audit_count(path: Path) -> int:
    return _read(path, lambda uow: len(uow.audit.latest(None, limit=100_000)))


def _tab(qtbot, shell: Shell, household: str = "ADAMS19") -> HouseholdsView:
    view = shell.window.households
    opened: list = []
    view.roster.open_dialog = opened.append  # type: ignore[method-assign]
    view.opened = opened  # type: ignore[attr-defined]
    household_id = next(r.id for r in view.model.rows() if r.account_ref == household)
    with qtbot.waitSignal(view.detail_loaded, timeout=10_000):
        view.select_household(household_id)
    # Start-up may have read the list (and so the detail) twice: let every read finish,
    # so that the next detail read a test waits for is one its change caused.
    qtbot.waitUntil(lambda: not shell.executor.busy, timeout=20_000)
    return view


def _saved(qtbot, view: HouseholdsView, dialog) -> None:
    """Press OK and wait for the tab to show the change.

    Waits for the change, then for a detail read that began after it: a read still
    running from before (the tab's own start-up) must not count as the change shown.
    """
    loads: list[int] = []
    view.detail_loaded.connect(loads.append)
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.ok.click()
    seen = len(loads)
    qtbot.waitUntil(lambda: len(loads) > seen, timeout=10_000)
    view.detail_loaded.disconnect(loads.append)
    assert not dialog.isVisible()


def _refused(qtbot, dialog) -> None:
    dialog.show()
    dialog.ok.click()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10_000)
    assert dialog.isVisible()
    assert dialog.ok.isEnabled()


def test_the_detail_shows_children_and_enrolments(qtbot, start) -> None:
    view = _tab(qtbot, start())
    tree = view.detail.tree
    assert tree.topLevelItem(0).text(0) == "Khanyisile Adams (ADAMS19-1)"
    assert tree.topLevelItem(0).child(0).text(1) == FULL_DAY
    assert "ADAMS19" in view.detail.heading.text()
    assert view.roster.buttons["add_household"].isEnabled()
    assert view.roster.buttons["edit_child"].isEnabled()
    assert not view.roster.buttons["edit_enrolment"].isEnabled()
    view.detail.tree.setCurrentItem(tree.topLevelItem(0).child(0))
    assert view.roster.buttons["edit_enrolment"].isEnabled()


def test_add_and_edit_a_household(qtbot, start, demo_book_path) -> None:
    view = _tab(qtbot, start())
    view.roster.buttons["add_household"].click()
    dialog = view.opened[-1]
    assert isinstance(dialog, HouseholdDialog)
    dialog.fields["account_ref"].setText("moyo11")
    dialog.fields["parent_name"].setText("Mrs Rudo Moyo")
    dialog.fields["email"].setText("rudo@moyo.test")
    dialog.fields["address"].setText("12 Oak Street")
    _saved(qtbot, view, dialog)
    assert view.selected_household().details.account_ref == "MOYO11"
    view.roster.buttons["edit_household"].click()
    edit = view.opened[-1]
    assert edit.fields["address"].text() == "12 Oak Street"
    edit.fields["phone"].setText("082 555 1111")
    _saved(qtbot, view, edit)
    stored = _read(demo_book_path, lambda uow: find_household(uow, "MOYO11").details)
    assert stored == HouseholdDetails(
        "MOYO11", "Mrs Rudo Moyo", None, "rudo@moyo.test", "082 555 1111", "12 Oak Street"
    )


def test_a_refused_household_says_why_beside_the_field(qtbot, start, demo_book_path) -> None:
    view = _tab(qtbot, start())
    before = _audit_count(demo_book_path)
    view.roster.buttons["edit_household"].click()
    dialog = view.opened[-1]
    dialog.fields["account_ref"].setText("botha04")
    dialog.fields["email"].setText("not an address")
    _refused(qtbot, dialog)
    assert dialog.problem("account_ref") == "BOTHA04 is already another household's reference"
    assert dialog.problem("email") == "not an email address: 'not an address'"
    assert dialog.problem("parent_name") == ""
    assert dialog.error.text().endswith("; nothing was changed")
    assert _audit_count(demo_book_path) == before


def test_add_and_edit_a_child(qtbot, start, demo_book_path) -> None:
    view = _tab(qtbot, start())
    view.roster.buttons["add_child"].click()
    dialog = view.opened[-1]
    assert isinstance(dialog, ChildDialog)
    dialog.first_name.setText("Zola")
    dialog.last_name.setText("Adams")
    dialog.date_of_birth.setText("2099-01-01")
    _refused(qtbot, dialog)
    assert dialog.problem("date_of_birth").startswith("2099-01-01 is after today")
    dialog.date_of_birth.setText("2025-02-30")
    dialog.ok.click()  # not a day: said before anything is sent
    assert dialog.problem("date_of_birth") == "2025-02-30 is not a day (February 2025 has 28 days)"
    dialog.date_of_birth.setText("2025-02-03")
    _saved(qtbot, view, dialog)
    assert view.detail.selected_child().details == ChildDetails(
        "ADAMS19-2", "Zola", "Adams", dt.date(2025, 2, 3)
    )
    view.roster.buttons["edit_child"].click()
    edit = view.opened[-1]
    edit.first_name.setText("Zolani")
    _saved(qtbot, view, edit)
    assert view.detail.selected_child().details.first_name == "Zolani"


def test_enrol_then_edit_the_enrolment(qtbot, start, demo_book_path) -> None:
    view = _tab(qtbot, start())
    view.roster.buttons["add_enrolment"].click()
    dialog = view.opened[-1]
    assert isinstance(dialog, EnrolmentDialog)
    assert dialog.fee.count() == 4
    dialog.fee.setCurrentText("Custom arrangement")
    dialog.start.setDate(dt.date(2026, 12, 1))
    _refused(qtbot, dialog)
    assert dialog.problem("custom_amount") == "required for the CUSTOM fee 'Custom arrangement'"
    dialog.custom_amount.setText("3 000,00")
    row = dialog.extras.add_extra()
    dialog.extras.cell(row, 1).setText("400")  # type: ignore[attr-defined]
    dialog.extras.cell(row, 2).setText("Hot lunches")  # type: ignore[attr-defined]
    _saved(qtbot, view, dialog)
    chosen = view.detail.selected_enrolment()
    assert (chosen.fee_name, chosen.terms.custom_amount_cents) == ("Custom arrangement", 300_000)
    assert chosen.terms.extras[0].line_type is LineType.EXTRA_MURAL
    history = _read(demo_book_path, lambda uow: child_enrolments(uow, "ADAMS19-1"))
    assert [e.terms.end_date for e in history] == [dt.date(2026, 11, 30), None]

    view.roster.buttons["edit_enrolment"].click()
    edit = view.opened[-1]
    assert edit.custom_amount.text() == "3000.00"
    edit.ends.setChecked(True)
    edit.end.setDate(dt.date(2026, 11, 1))  # before the start
    _refused(qtbot, edit)
    assert edit.problem("end_date") == "2026-11-01 is before the start date 2026-12-01"
    edit.end.setDate(dt.date(2027, 6, 30))
    _saved(qtbot, view, edit)
    assert view.detail.selected_enrolment().terms.end_date == dt.date(2027, 6, 30)


def test_add_a_charge(qtbot, start, demo_book_path) -> None:
    view = _tab(qtbot, start())
    view.roster.buttons["add_charge"].click()
    dialog = view.opened[-1]
    assert isinstance(dialog, ChargeDialog)
    dialog.line_type.setCurrentIndex(dialog.line_type.findData("LATE_PICKUP"))
    assert not dialog.exempt.isEnabled()
    dialog.amount.setText("0")
    _refused(qtbot, dialog)
    assert dialog.error.text() == "a charge must be more than zero"
    dialog.amount.setText("150")
    before = _audit_count(demo_book_path)
    _saved(qtbot, view, dialog)
    assert _audit_count(demo_book_path) == before + 1


@pytest.mark.parametrize(("role", "charge"), [(Role.OWNER_VIEWER, False), (Role.BOOKKEEPER, True)])
def test_roles_that_may_not_manage_the_roster_get_no_roster_buttons(
    qtbot, start, demo_book_path, role: Role, charge: bool
) -> None:
    book = _book(demo_book_path)
    try:
        with book.write(1) as uow:
            admin = users.acting_user(uow, 1, "admin")
            users.add_user(uow, admin, "someone", role, "pw")
    finally:
        book.close()
    view = _tab(qtbot, start("someone"))
    enabled = {k for k, b in view.roster.buttons.items() if b.isEnabled()}
    assert enabled == ({"add_charge"} if charge else set())
    assert view.roster.buttons["add_household"].toolTip() == "Your role may not do this."


# --------------------------------------------------------------------------- jobs, both backends


def test_jobs_change_the_roster_on_both_backends(book: Book, creche) -> None:  # type: ignore[no-untyped-def]
    settings, admin = creche
    load_samples(book, admin)
    workplace = Workplace("test", settings, admin)
    household = jobs.add_household(book, workplace, HouseholdDetails("MOYO11", "Mrs Moyo"))
    child = jobs.add_child(book, workplace, "moyo11", ChildDetails("", "Tari", "Moyo"))
    added = jobs.add_enrolment(
        book, workplace, child.details.child_ref, EnrolmentForm(FULL_DAY, dt.date(2026, 12, 1))
    )
    screen = jobs.load_detail(book, workplace, household.id)
    assert screen.detail.household.details.account_ref == "MOYO11"
    ((entry),) = screen.detail.children
    assert (entry.child.details.child_ref, entry.enrolments) == ("MOYO11-1", (added,))
    assert FULL_DAY in screen.fee_names
    before = snapshot(book)
    with pytest.raises(RosterRefused, match="end_date: 2026-11-30 is before the start date"):
        jobs.edit_enrolment(
            book,
            workplace,
            added.enrolment_id,
            EnrolmentForm(FULL_DAY, dt.date(2026, 12, 1), dt.date(2026, 11, 30)),
        )
    assert snapshot(book) == before


def test_jobs_refuse_a_viewer(book: Book, creche) -> None:  # type: ignore[no-untyped-def]
    settings, admin = creche
    with book.write(admin.tenant_id) as uow:
        users.add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
        viewer: Actor = users.acting_user(uow, admin.tenant_id, "olivia")
    settings_: CrecheSettings = settings

    with pytest.raises(PermissionDenied):
        jobs.add_household(book, Workplace("t", settings_, viewer), HouseholdDetails("X1", "Y"))
