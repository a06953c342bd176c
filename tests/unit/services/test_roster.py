"""Ad-hoc charges and ending enrolments (services.roster), on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Charge
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EnrolmentStatus, LineType, VatTreatment
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.roster.charges_and_endings import (
    ChargeValue,
    EndedEnrolment,
    add_charge,
    end_enrolment,
    list_fees,
)
from tests.roster_support import audit_since, last_audit_id, load_samples, snapshot

Creche = tuple[CrecheSettings, Actor]
D = dt.date


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


def test_a_bookkeeper_adds_charges(book: Book, roster: dict[str, Actor]) -> None:
    actor = roster["bookkeeper"]
    mark = last_audit_id(book)
    with book.write(actor.tenant_id) as uow:
        late = add_charge(
            uow, actor, "dlamini01-1", LineType.LATE_PICKUP, 15_000, D(2026, 11, 20), " Late "
        )
        trip = add_charge(uow, actor, "NAIDOO02-1", LineType.AD_HOC, 8_000, D(2026, 11, 3))
        exempt = add_charge(
            uow,
            actor,
            "NAIDOO02-1",
            LineType.AD_HOC,
            5_000,
            D(2026, 11, 4),
            "Book fair",
            VatTreatment.EXEMPT,
        )
    assert late == ChargeValue(
        late.charge_id, "DLAMINI01-1", LineType.LATE_PICKUP, 15_000, D(2026, 11, 20), "Late", None
    )
    assert (trip.vat_treatment, trip.description) == (VatTreatment.STANDARD, None)
    assert exempt.vat_treatment is VatTreatment.EXEMPT
    with book.read(actor.tenant_id) as uow:
        stored = uow.roster.session.scalars(select(Charge).order_by(Charge.id)).all()
        assert [(c.amount_cents, c.vat_treatment, c.invoice_id) for c in stored] == [
            (15_000, None, None),
            (8_000, VatTreatment.STANDARD, None),
            (5_000, VatTreatment.EXEMPT, None),
        ]
    records = audit_since(book, mark)
    assert [(r[0], r[1]) for r in records] == [
        ("charge.add", str(late.charge_id)),
        ("charge.add", str(trip.charge_id)),
        ("charge.add", str(exempt.charge_id)),
    ]
    assert records[0][3] == {
        "child_ref": "DLAMINI01-1",
        "line_type": "LATE_PICKUP",
        "amount_cents": 15_000,
        "charge_date": "2026-11-20",
        "description": "Late",
        "vat_treatment": None,
    }


UNIFORM = {"line_type": LineType.UNIFORM, "amount_cents": 100}
BAD_CHARGES = {
    "unknown child": ("NOBODY", UNIFORM, NotFoundError, "no child with reference 'NOBODY'"),
    "zero": ("BOTHA07-1", {**UNIFORM, "amount_cents": 0}, RuleViolation, "more than zero"),
    "negative": ("BOTHA07-1", {**UNIFORM, "amount_cents": -5}, RuleViolation, "more than zero"),
    "fee line type": (
        "BOTHA07-1",
        {**UNIFORM, "line_type": LineType.MONTHLY_FEE},
        RuleViolation,
        "MONTHLY_FEE is billed by the monthly run, not as a charge",
    ),
    "long description": (
        "BOTHA07-1",
        {**UNIFORM, "description": "x" * 501},
        RuleViolation,
        "the description is longer than 500 characters",
    ),
    "vat for a typed line": (
        "BOTHA07-1",
        {**UNIFORM, "vat": VatTreatment.EXEMPT},
        RuleViolation,
        "only an AD_HOC charge can be marked standard or exempt; UNIFORM charges",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHARGES))
def test_bad_charges_change_nothing(book: Book, roster: dict[str, Actor], case: str) -> None:
    child, values, error, message = BAD_CHARGES[case]
    actor = roster["admin"]
    before = snapshot(book)
    with pytest.raises(error, match=message), book.write(actor.tenant_id) as uow:
        add_charge(uow, actor, child, charge_date=D(2026, 11, 1), **values)  # type: ignore[arg-type]
    assert snapshot(book) == before


def test_viewers_cannot_charge_and_only_admins_end_enrolments(
    book: Book, roster: dict[str, Actor]
) -> None:
    before = snapshot(book)
    with pytest.raises(PermissionDenied), book.write(roster["viewer"].tenant_id) as uow:
        add_charge(uow, roster["viewer"], "BOTHA07-1", LineType.UNIFORM, 100, D(2026, 11, 1))
    bookkeeper = roster["bookkeeper"]
    with pytest.raises(PermissionDenied), book.write(bookkeeper.tenant_id) as uow:
        end_enrolment(uow, bookkeeper, "BOTHA07-1", D(2026, 11, 1), EnrolmentStatus.WITHDRAWN)
    assert snapshot(book) == before


def test_end_an_enrolment(book: Book, roster: dict[str, Actor]) -> None:
    actor = roster["admin"]
    mark = last_audit_id(book)
    with book.write(actor.tenant_id) as uow:
        ended = end_enrolment(uow, actor, "botha07-1", D(2026, 10, 31), EnrolmentStatus.GRADUATED)
    assert ended == EndedEnrolment(
        ended.enrolment_id, "BOTHA07-1", D(2026, 1, 14), D(2026, 10, 31), EnrolmentStatus.GRADUATED
    )
    ((action, entity_id, old, new),) = audit_since(book, mark)
    assert (action, entity_id) == ("enrolment.end", str(ended.enrolment_id))
    assert old == {"child_ref": "BOTHA07-1", "end_date": "2026-11-30", "status": "ACTIVE"}
    assert new == {"child_ref": "BOTHA07-1", "end_date": "2026-10-31", "status": "GRADUATED"}
    with book.read(actor.tenant_id) as uow:
        counts = uow.roster.counts()
    assert counts["active_enrolments"] == 14


@pytest.mark.parametrize(
    ("child", "day", "status", "message"),
    [
        ("KHUMALO10-1", D(2026, 6, 30), EnrolmentStatus.WITHDRAWN, "before the enrolment's start"),
        ("KHUMALO10-1", D(2026, 8, 1), EnrolmentStatus.ACTIVE, "ends as WITHDRAWN or GRADUATED"),
        ("NOBODY", D(2026, 8, 1), EnrolmentStatus.WITHDRAWN, "no child with reference"),
    ],
)
def test_bad_ends_change_nothing(
    book: Book,
    roster: dict[str, Actor],
    child: str,
    day: D,
    status: EnrolmentStatus,
    message: str,
) -> None:
    actor = roster["admin"]
    before = snapshot(book)
    refused = pytest.raises((RuleViolation, NotFoundError), match=message)
    with refused, book.write(actor.tenant_id) as uow:
        end_enrolment(uow, actor, child, day, status)
    assert snapshot(book) == before


def test_nothing_left_to_end_and_fees_listed(book: Book, roster: dict[str, Actor]) -> None:
    actor = roster["admin"]
    with book.write(actor.tenant_id) as uow:
        end_enrolment(uow, actor, "ADAMS09-2", D(2026, 6, 30), EnrolmentStatus.WITHDRAWN)
    with (
        pytest.raises(RuleViolation, match="ADAMS09-2 has no active enrolment to end"),
        book.write(actor.tenant_id) as uow,
    ):
        end_enrolment(uow, actor, "ADAMS09-2", D(2026, 7, 31), EnrolmentStatus.WITHDRAWN)
    with book.read(actor.tenant_id) as uow:
        names = [fee.terms.name for fee in list_fees(uow)]
    assert names == [
        "Aftercare (hourly)",
        "Baby Room Full Day",
        "Custom arrangement",
        "Full Day (07:00-17:30)",
        "Half Day (07:00-13:00)",
    ]
