"""The roster import's rules against the book (services.roster_import), on both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EnrolmentStatus, FeeType, LineType
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.roster import (
    ChildDetails,
    FeeRow,
    FeeTerms,
    HouseholdDetails,
    RecurringExtra,
    RosterRow,
)
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.roster.charges_and_endings import end_enrolment
from crechebooks_desktop.services.roster.file_import import (
    ImportSummary,
    RosterImportSummary,
    import_fees,
    import_roster,
)
from tests.roster_support import audit_since, last_audit_id, snapshot

Creche = tuple[CrecheSettings, Actor]
D = dt.date
FULL = FeeTerms("Full Day", FeeType.FULL_DAY, 485_000, 75_000, 50_000)
CUSTOM = FeeTerms("Agreed", FeeType.CUSTOM, None, 75_000, None)
HOURLY = FeeTerms("Aftercare", FeeType.HOURLY, 6_500)
DLAMINI = HouseholdDetails("DLAMINI01", "Mrs Nomsa Dlamini", None, "nomsa@example.com", None)
NAIDOO = HouseholdDetails("NAIDOO02", "Mrs Priya Naidoo")


def row(
    line: int, child_ref: str, household: HouseholdDetails = DLAMINI, **terms: object
) -> RosterRow:
    values: dict[str, object] = {"fee_name": "Full Day", "start_date": D(2026, 1, 14), **terms}
    child = ChildDetails(child_ref, "Lwazi", "Dlamini", D(2022, 3, 14))
    return RosterRow(line, household, child, **values)  # type: ignore[arg-type]


@pytest.fixture
def fees(book: Book, creche: Creche) -> Actor:
    """The creche with three fees; its admin."""
    _settings, actor = creche
    with book.write(actor.tenant_id) as uow:
        summary = import_fees(
            uow, actor, [FeeRow(2, FULL), FeeRow(3, CUSTOM), FeeRow(4, HOURLY)], "fees.csv"
        )
    assert summary == ImportSummary(created=3)
    return actor


def _import(book: Book, actor: Actor, *rows: RosterRow, file: str = "r.csv") -> RosterImportSummary:
    with book.write(actor.tenant_id) as uow:
        return import_roster(uow, actor, rows, file)


def _refused(book: Book, actor: Actor, *rows: RosterRow) -> list[str]:
    before = snapshot(book)
    with pytest.raises(ProblemsError) as refused:
        _import(book, actor, *rows)
    assert snapshot(book) == before
    return [str(p) for p in refused.value.problems]


def test_only_admins_import(book: Book, fees: Actor) -> None:
    with book.write(fees.tenant_id) as uow:
        add_user(uow, fees, "bella", Role.BOOKKEEPER, None)
    with book.read(fees.tenant_id) as uow:
        bookkeeper = acting_user(uow, fees.tenant_id, "bella")
    before = snapshot(book)
    with pytest.raises(PermissionDenied, match="may not change the roster and fees"):
        _import(book, bookkeeper, row(2, "DLAMINI01-1"))
    with pytest.raises(PermissionDenied), book.write(fees.tenant_id) as uow:
        import_fees(uow, bookkeeper, [FeeRow(2, FULL)], "fees.csv")
    assert snapshot(book) == before


def test_every_creation_is_audited_with_its_values(book: Book, fees: Actor) -> None:
    mark = last_audit_id(book)
    summary = _import(
        book,
        fees,
        row(2, "DLAMINI01-1", extras=(RecurringExtra(LineType.MEALS, 40_000, "Lunch"),)),
        row(3, "DLAMINI01-2", fee_name="agreed", custom_amount_cents=410_000),
        row(4, "NAIDOO02-1", NAIDOO, fee_name="AFTERCARE", hours_per_month=Decimal("22.5")),
    )
    assert summary == RosterImportSummary(
        ImportSummary(created=2), ImportSummary(created=3), ImportSummary(created=3)
    )
    records = audit_since(book, mark)
    assert [r[0] for r in records] == [
        "household.create",
        "household.create",
        "child.create",
        "enrolment.create",
        "child.create",
        "enrolment.create",
        "child.create",
        "enrolment.create",
    ]
    assert all(r[2] is None for r in records)
    assert records[0][3] == {
        "account_ref": "DLAMINI01",
        "parent_name": "Mrs Nomsa Dlamini",
        "second_parent_name": None,
        "email": "nomsa@example.com",
        "phone": None,
        "address": None,
    }
    assert records[3][3]["extras"] == [
        {"line_type": "MEALS", "amount_cents": 40_000, "description": "Lunch"}
    ]
    assert (records[5][3]["fee"], records[5][3]["custom_amount_cents"]) == ("Agreed", 410_000)
    assert (records[7][3]["fee"], records[7][3]["hours_per_month"]) == ("Aftercare", "22.5")


def test_a_child_cannot_move_household_by_import(book: Book, fees: Actor) -> None:
    _import(book, fees, row(2, "DLAMINI01-1"))
    assert _refused(book, fees, row(5, "DLAMINI01-1", NAIDOO)) == [
        "r.csv:5: child_ref: child_ref DLAMINI01-1 belongs to household DLAMINI01"
    ]


def test_book_problems_are_listed_with_the_files_own(book: Book, fees: Actor) -> None:
    known = [ImportProblem("r.csv", 9, "child_dob", "not a date in the form YYYY-MM-DD: 'x'")]
    before = snapshot(book)
    with pytest.raises(ProblemsError) as refused, book.write(fees.tenant_id) as uow:
        import_roster(
            uow,
            fees,
            [
                row(4, "DLAMINI01-1", fee_name="Half Day"),
                row(2, "DLAMINI01-2", fee_name="Agreed", hours_per_month=Decimal(3)),
            ],
            "r.csv",
            known,
        )
    assert [str(p) for p in refused.value.problems] == [
        "r.csv:2: custom_amount: required for the CUSTOM fee 'Agreed'",
        "r.csv:2: hours_per_month: only an HOURLY fee takes hours; 'Agreed' is CUSTOM",
        "r.csv:4: fee_name: no fee called 'Half Day' in this creche",
        "r.csv:9: child_dob: not a date in the form YYYY-MM-DD: 'x'",
    ]
    assert snapshot(book) == before
    # Problems found reading the file alone refuse it too.
    with pytest.raises(ProblemsError), book.write(fees.tenant_id) as uow:
        import_roster(uow, fees, [], "r.csv", known)
    assert snapshot(book) == before


def test_an_ended_enrolment_is_not_reopened_by_a_blank_end_date(book: Book, fees: Actor) -> None:
    _import(book, fees, row(2, "DLAMINI01-1"))
    with book.write(fees.tenant_id) as uow:
        end_enrolment(uow, fees, "DLAMINI01-1", D(2026, 10, 31), EnrolmentStatus.WITHDRAWN)
    assert _refused(book, fees, row(2, "DLAMINI01-1")) == [
        (
            "r.csv:2: end_date: the enrolment from 2026-01-14 ended on 2026-10-31 (WITHDRAWN); "
            "give that end_date, or a new start_date to enrol the child again"
        )
    ]
    same = _import(book, fees, row(2, "DLAMINI01-1", end_date=D(2026, 10, 31)))
    assert same.enrolments == ImportSummary(unchanged=1)
    again = _import(book, fees, row(2, "DLAMINI01-1", start_date=D(2027, 1, 13)))
    assert (again.enrolments, again.ended) == (ImportSummary(created=1), 0)
    with book.read(fees.tenant_id) as uow:
        child = uow.roster.child_by_ref("DLAMINI01-1")
        assert child is not None
        statuses = [(e.terms.start_date, e.status) for e in uow.roster.enrolments(child.id)]
    assert statuses == [
        (D(2026, 1, 14), EnrolmentStatus.WITHDRAWN),
        (D(2027, 1, 13), EnrolmentStatus.ACTIVE),
    ]


def test_a_fee_type_cannot_change_under_enrolments(book: Book, fees: Actor) -> None:
    _import(book, fees, row(2, "DLAMINI01-1"))
    before = snapshot(book)
    as_custom = FeeTerms("FULL DAY", FeeType.CUSTOM, None)
    with pytest.raises(ProblemsError) as refused, book.write(fees.tenant_id) as uow:
        import_fees(uow, fees, [FeeRow(3, as_custom)], "fees.csv")
    assert [str(p) for p in refused.value.problems] == [
        (
            "fees.csv:3: fee_type: 'Full Day' is FULL_DAY with 1 enrolment(s); its type cannot "
            "change (import a new fee instead)"
        )
    ]
    assert snapshot(book) == before
    # A fee nobody is enrolled on may change type.
    hourly_as_full = FeeTerms("Aftercare", FeeType.FULL_DAY, 300_000)
    mark = last_audit_id(book)
    with book.write(fees.tenant_id) as uow:
        summary = import_fees(uow, fees, [FeeRow(2, hourly_as_full)], "fees.csv")
    assert summary == ImportSummary(updated=1)
    ((action, _id, old, new),) = audit_since(book, mark)
    assert (action, old["fee_type"], new["fee_type"]) == (
        "fee_structure.update",
        "HOURLY",
        "FULL_DAY",
    )
