"""Adding and editing households, children and enrolments (services.roster_edit), both backends.

Each change is checked field by field, refused whole (with every problem, one
line, nothing written) or made and audited with before and after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EnrolmentStatus, LineType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.roster import ChildDetails, HouseholdDetails, RecurringExtra
from crechebooks_desktop.errors import NotFoundError, PermissionDenied
from crechebooks_desktop.importers.roster_csv import import_roster_file
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.roster.charges_and_endings import end_enrolment
from crechebooks_desktop.services.roster.checks import RosterRefused
from crechebooks_desktop.services.roster.children import add_child, edit_child
from crechebooks_desktop.services.roster.enrolments import (
    EnrolmentForm,
    add_enrolment,
    child_enrolments,
    edit_enrolment,
)
from crechebooks_desktop.services.roster.household_view import household_detail
from crechebooks_desktop.services.roster.households import (
    add_household,
    edit_household,
    find_household,
)
from tests.roster_support import SAMPLE_ROSTER, audit_since, last_audit_id, load_samples, snapshot

Creche = tuple[CrecheSettings, Actor]
D = dt.date
TODAY = D(2026, 11, 21)
FULL_DAY = "Full Day (07:00-17:30)"
MOYO = HouseholdDetails(
    " moyo11 ", " Mrs Rudo Moyo ", None, "rudo@moyo.test", "082 555 1111", "12 Oak Street"
)


@pytest.fixture
def roster(book: Book, creche: Creche) -> dict[str, Actor]:
    """The sample roster; the creche's admin, bookkeeper and viewer by role."""
    _settings, admin = creche
    load_samples(book, admin)
    with book.write(admin.tenant_id) as uow:
        add_user(uow, admin, "bella", Role.BOOKKEEPER, None)
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
    with book.read(admin.tenant_id) as uow:
        return {
            "admin": admin,
            "bookkeeper": acting_user(uow, admin.tenant_id, "bella"),
            "viewer": acting_user(uow, admin.tenant_id, "olivia"),
        }


def _refused(book: Book, actor: Actor, change, error=RosterRefused) -> str:  # type: ignore[no-untyped-def]
    """Run ``change`` expecting a refusal that writes nothing; its message."""
    before = snapshot(book)
    with pytest.raises(error) as refused, book.write(actor.tenant_id) as uow:
        change(uow, actor)
    assert snapshot(book) == before
    message = str(refused.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------- households


def test_add_a_household_and_change_its_details(book: Book, roster: dict[str, Actor]) -> None:
    admin = roster["admin"]
    mark = last_audit_id(book)
    with book.write(admin.tenant_id) as uow:
        added = add_household(uow, admin, MOYO)
    assert added.details == HouseholdDetails(
        "MOYO11", "Mrs Rudo Moyo", None, "rudo@moyo.test", "082 555 1111", "12 Oak Street"
    )
    changed = HouseholdDetails("MOYO12", "Mrs Rudo Moyo", "Mr Tendai Moyo", None, None, "1 Elm")
    with book.write(admin.tenant_id) as uow:
        edited = edit_household(uow, admin, "moyo11", changed)
        again = edit_household(uow, admin, "MOYO12", changed)  # unchanged: not audited
    assert edited.id == added.id == again.id
    with book.read(admin.tenant_id) as uow:
        assert find_household(uow, "moyo12").details == changed
        assert uow.roster.household_by_ref("MOYO11") is None
    (create, update) = audit_since(book, mark)
    assert create[:3] == ("household.create", str(added.id), None)
    assert create[3]["address"] == "12 Oak Street"
    assert update[0] == "household.update"
    assert (update[2]["account_ref"], update[3]["account_ref"]) == ("MOYO11", "MOYO12")
    assert (update[2]["email"], update[3]["email"]) == ("rudo@moyo.test", None)


def test_household_refusals_name_every_field(book: Book, roster: dict[str, Actor]) -> None:
    admin = roster["admin"]
    bad = HouseholdDetails("DLAMINI 01", " ", None, "nomsa.at.home", "0" * 41)
    message = _refused(book, admin, lambda uow, a: add_household(uow, a, bad))
    assert message == (
        "account_ref: 'DLAMINI 01' is not a reference: up to 30 letters, digits and - _ . / "
        "(no spaces); parent_name: a value is required; email: not an email address: "
        "'nomsa.at.home'; phone: too long (41 characters; at most 40); nothing was changed"
    )
    taken = HouseholdDetails("naidoo02", "Mrs Moyo")
    assert _refused(book, admin, lambda uow, a: add_household(uow, a, taken)) == (
        "account_ref: NAIDOO02 is already another household's reference; nothing was changed"
    )
    message = _refused(book, admin, lambda uow, a: edit_household(uow, a, "DLAMINI01", taken))
    assert message.startswith("account_ref: NAIDOO02 is already another household's reference")
    lines = HouseholdDetails("MOYO11", "Mrs Moyo\nand Mr Moyo")
    assert "parent_name: contains a line break" in _refused(
        book, admin, lambda uow, a: add_household(uow, a, lines)
    )
    assert _refused(
        book, admin, lambda uow, a: edit_household(uow, a, "NOBODY", MOYO), NotFoundError
    ) == ("no household with reference 'NOBODY' in this creche")


@pytest.mark.parametrize("who", ["viewer", "bookkeeper"])
def test_only_those_who_manage_the_roster_may_change_it(
    book: Book, roster: dict[str, Actor], who: str
) -> None:
    form = EnrolmentForm(FULL_DAY, D(2026, 12, 1))
    child = ChildDetails("", "Tari", "Botha", D(2023, 1, 1))
    for change in (
        lambda uow, a: add_household(uow, a, MOYO),
        lambda uow, a: edit_household(uow, a, "BOTHA07", MOYO),
        lambda uow, a: add_child(uow, a, "BOTHA07", child, TODAY),
        lambda uow, a: edit_child(uow, a, "BOTHA07-1", child, TODAY),
        lambda uow, a: add_enrolment(uow, a, "BOTHA07-1", form),
        lambda uow, a: edit_enrolment(uow, a, 1, form),
    ):
        message = _refused(book, roster[who], change, PermissionDenied)
        assert "change the roster and fees" in message


# --------------------------------------------------------------------------- children


def test_add_a_child_with_a_made_up_reference_and_edit_it(
    book: Book, roster: dict[str, Actor]
) -> None:
    admin = roster["admin"]
    mark = last_audit_id(book)
    with book.write(admin.tenant_id) as uow:
        third = add_child(uow, admin, "dlamini01", ChildDetails(" ", "Zola", "Dlamini"), TODAY)
        named = add_child(
            uow, admin, "DLAMINI01", ChildDetails("dl-x", " Sam ", "Dlamini", D(2024, 2, 29)), TODAY
        )
    assert third.details == ChildDetails("DLAMINI01-3", "Zola", "Dlamini", None)
    assert named.details.child_ref == "DL-X"
    renamed = ChildDetails("DLAMINI01-4", "Samuel", "Dlamini", D(2024, 2, 28))
    with book.write(admin.tenant_id) as uow:
        edit_child(uow, admin, "dl-x", renamed, TODAY)
        detail = household_detail(uow, third.household_id)
    assert [c.child.details.child_ref for c in detail.children] == [
        "DLAMINI01-1", "DLAMINI01-2", "DLAMINI01-4", "DLAMINI01-3",
    ]  # fmt: skip
    assert [len(c.enrolments) for c in detail.children] == [1, 1, 0, 0]
    records = audit_since(book, mark)
    assert [r[0] for r in records] == ["child.create", "child.create", "child.update"]
    assert records[2][2]["first_name"] == "Sam"
    assert records[2][3] == {
        "child_ref": "DLAMINI01-4",
        "first_name": "Samuel",
        "last_name": "Dlamini",
        "date_of_birth": "2024-02-28",
        "household_ref": "DLAMINI01",
    }


def test_child_refusals(book: Book, roster: dict[str, Actor]) -> None:
    admin = roster["admin"]
    future = ChildDetails("BOTHA07-2", "Tari", "", D(2026, 12, 1))
    assert _refused(book, admin, lambda uow, a: add_child(uow, a, "BOTHA07", future, TODAY)) == (
        "last_name: a value is required; date_of_birth: 2026-12-01 is after today (2026-11-21); "
        "nothing was changed"
    )
    taken = ChildDetails("naidoo02-1", "Tari", "Botha")
    assert _refused(
        book, admin, lambda uow, a: edit_child(uow, a, "BOTHA07-1", taken, TODAY)
    ).startswith("child_ref: NAIDOO02-1 is already another child's reference")
    assert "no household with reference 'NOBODY'" in _refused(
        book, admin, lambda uow, a: add_child(uow, a, "NOBODY", taken, TODAY), NotFoundError
    )


# --------------------------------------------------------------------------- enrolments

SWIMMING = RecurringExtra(LineType.EXTRA_MURAL, 25_000, "Swimming")


def test_a_new_enrolment_ends_the_running_one_the_day_before(
    book: Book, roster: dict[str, Actor]
) -> None:
    admin = roster["admin"]
    mark = last_audit_id(book)
    form = EnrolmentForm("custom ARRANGEMENT", D(2026, 12, 1), None, 300_000, None, (SWIMMING,))
    with book.write(admin.tenant_id) as uow:
        (old,) = child_enrolments(uow, "ADAMS09-1")
        added = add_enrolment(uow, admin, "adams09-1", form)
    assert (added.fee_name, added.status, added.ended_previous) == (
        "Custom arrangement", EnrolmentStatus.ACTIVE, old.enrolment_id,
    )  # fmt: skip
    with book.read(admin.tenant_id) as uow:
        history = child_enrolments(uow, "ADAMS09-1")
    assert [(e.terms.start_date, e.terms.end_date) for e in history] == [
        (D(2026, 1, 14), D(2026, 11, 30)),
        (D(2026, 12, 1), None),
    ]
    assert history[1].terms.extras == (SWIMMING,)
    ended, created = audit_since(book, mark)
    assert (ended[0], ended[3]["end_date"]) == ("enrolment.end", "2026-11-30")
    assert created[0] == "enrolment.create"
    assert created[3]["fee"] == "Custom arrangement"
    assert created[3]["custom_amount_cents"] == 300_000


def test_edit_an_enrolment(book: Book, roster: dict[str, Actor]) -> None:
    admin = roster["admin"]
    with book.read(admin.tenant_id) as uow:
        (current,) = child_enrolments(uow, "KHUMALO10-1")
    mark = last_audit_id(book)
    form = EnrolmentForm(
        "Aftercare (hourly)", D(2026, 7, 1), D(2026, 12, 31), None, Decimal("40.5")
    )
    with book.write(admin.tenant_id) as uow:
        edited = edit_enrolment(uow, admin, current.enrolment_id, form)
        same = edit_enrolment(uow, admin, current.enrolment_id, form)
    assert edited == same
    assert (edited.fee_name, edited.terms.hours_per_month) == (
        "Aftercare (hourly)",
        Decimal("40.5"),
    )
    ((action, _id, before, after),) = audit_since(book, mark)
    assert action == "enrolment.update"
    assert (before["fee"], after["fee"]) == ("Half Day (07:00-13:00)", "Aftercare (hourly)")
    assert after["end_date"] == "2026-12-31"


ENROLMENT_REFUSALS = {
    "unknown fee": (
        EnrolmentForm("Weekends", D(2026, 12, 1)),
        "fee_name: no fee called 'Weekends' in this creche",
    ),
    "end before start": (
        EnrolmentForm(FULL_DAY, D(2026, 12, 1), D(2026, 11, 30)),
        "end_date: 2026-11-30 is before the start date 2026-12-01",
    ),
    "custom without amount": (
        EnrolmentForm("Custom arrangement", D(2026, 12, 1)),
        "custom_amount: required for the CUSTOM fee 'Custom arrangement'",
    ),
    "hours on a monthly fee": (
        EnrolmentForm(FULL_DAY, D(2026, 12, 1), hours_per_month=Decimal(10)),
        "hours_per_month: only an HOURLY fee takes hours; 'Full Day (07:00-17:30)' is FULL_DAY",
    ),
    "too many hours": (
        EnrolmentForm("Aftercare (hourly)", D(2026, 12, 1), hours_per_month=Decimal(800)),
        "hours_per_month: hours must be from 0 to 744, not 800",
    ),
    "an extra billed by the run": (
        EnrolmentForm(FULL_DAY, D(2026, 12, 1), extras=(RecurringExtra(LineType.DISCOUNT, 100),)),
        "extras: item 1: DISCOUNT cannot be a recurring extra",
    ),
    "before the latest start": (
        EnrolmentForm(FULL_DAY, D(2026, 1, 1)),
        "start_date: the child's latest enrolment starts on 2026-01-14",
    ),
    "the same start": (
        EnrolmentForm(FULL_DAY, D(2026, 1, 14)),
        "start_date: ADAMS09-1 already has an enrolment from 2026-01-14; change that one instead",
    ),
    "outside the book": (
        EnrolmentForm(FULL_DAY, D(2026, 12, 1), D(2200, 1, 1)),
        "end_date: 2200-01-01 is outside the dates a book takes",
    ),
}


@pytest.mark.parametrize("case", list(ENROLMENT_REFUSALS))
def test_enrolment_refusals_change_nothing(book: Book, roster: dict[str, Actor], case: str) -> None:
    form, expected = ENROLMENT_REFUSALS[case]
    message = _refused(
        book, roster["admin"], lambda uow, a: add_enrolment(uow, a, "ADAMS09-1", form)
    )
    assert message.startswith(expected), message


def test_an_edit_may_not_overlap_or_reopen(book: Book, roster: dict[str, Actor]) -> None:
    admin = roster["admin"]
    with book.write(admin.tenant_id) as uow:
        add_enrolment(uow, admin, "ADAMS09-2", EnrolmentForm(FULL_DAY, D(2026, 12, 1)))
        first, _second = child_enrolments(uow, "ADAMS09-2")
    overlapping = EnrolmentForm(FULL_DAY, D(2026, 1, 14), D(2026, 12, 15))
    assert _refused(
        book, admin, lambda uow, a: edit_enrolment(uow, a, first.enrolment_id, overlapping)
    ) == (
        "end_date: would overlap ADAMS09-2's enrolment from 2026-12-01 (open-ended); "
        "nothing was changed"
    )
    with book.write(admin.tenant_id) as uow:
        end_enrolment(uow, admin, "BOTHA07-1", D(2026, 10, 31), EnrolmentStatus.WITHDRAWN)
        (botha,) = child_enrolments(uow, "BOTHA07-1")
    reopened = EnrolmentForm(FULL_DAY, D(2026, 1, 14))
    assert _refused(
        book, admin, lambda uow, a: edit_enrolment(uow, a, botha.enrolment_id, reopened)
    ).startswith("end_date: the enrolment ended on 2026-10-31 (WITHDRAWN); it stays ended")
    assert _refused(
        book, admin, lambda uow, a: edit_enrolment(uow, a, 99_999, reopened), NotFoundError
    ) == ("no enrolment 99999 in this creche")


def test_a_roster_import_keeps_the_address_the_window_gave(
    book: Book, roster: dict[str, Actor]
) -> None:
    admin = roster["admin"]
    with book.write(admin.tenant_id) as uow:
        household = find_household(uow, "DLAMINI01")
        edit_household(
            uow, admin, "DLAMINI01", HouseholdDetails(**{
                **{f: getattr(household.details, f) for f in
                   ("account_ref", "parent_name", "second_parent_name", "email", "phone")},
                "address": "3 Jacaranda Ave",
            })
        )  # fmt: skip
    mark = last_audit_id(book)
    with book.write(admin.tenant_id) as uow:
        summary = import_roster_file(uow, admin, SAMPLE_ROSTER, "roster.csv")
        assert find_household(uow, "DLAMINI01").details.address == "3 Jacaranda Ave"
    assert summary.households.updated == 0
    assert audit_since(book, mark) == []
