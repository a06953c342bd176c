"""The demo creche (services.demo): its shape, its money, and that it is repeatable."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import (
    Child,
    Enrolment,
    FeeStructure,
    Household,
    Invoice,
    InvoiceSequence,
)
from crechebooks_desktop.domain.enums import EnrolmentStatus, InvoiceKind, InvoiceStatus
from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services.demo.creche import DEMO_NAME, DemoResult, create_demo_creche
from crechebooks_desktop.services.roster.household_view import household_summaries, roster_counts

TODAY = dt.date(2026, 11, 21)
Demo = tuple[Book, DemoResult]

# Which families start with a debt or a credit is fixed by their position; the
# amounts come from the seeded generator, out of these choices.
DEBTORS = {
    "VANDERME03",
    "KHUMALO08",
    "MAHLANGU13",
    "JACOBS18",
    "VENTER23",
    "RADEBE28",
    "NEL33",
    "MKHIZE38",
    "NTULI43",
}
IN_CREDIT = {"PILLAY07", "MOODLEY29", "BALOYI40"}
DEBT_CHOICES = {48_500, 97_000, 150_000, 32_000, 242_500}
CREDIT_CHOICES = {25_000, 50_000, 10_000}


def _summaries(demo: Demo) -> list[HouseholdSummary]:
    book, made = demo
    with book.read(made.creche.tenant_id) as uow:
        return household_summaries(uow)


def test_counts(demo_book: Demo) -> None:
    book, made = demo_book
    assert (made.households, made.children, made.enrolments, made.opening_invoices) == (
        45,
        60,
        60,
        9,
    )
    with book.read(made.creche.tenant_id) as uow:
        assert roster_counts(uow) == {"households": 45, "children": 60, "active_enrolments": 59}
        fees = uow._session.scalars(select(FeeStructure.name).order_by(FeeStructure.id)).all()
    assert len(fees) == 4


def test_creche_settings(demo_book: Demo) -> None:
    _book, made = demo_book
    creche = made.creche
    assert creche.name == DEMO_NAME == "Sunflower Kids Educare"
    assert (creche.vat_number, creche.vat_registered) == ("4123456789", True)
    assert creche.sibling_discounts == "0,10,15"
    assert creche.prices_include_vat is True
    assert creche.bank_name == "FNB"
    assert creche.bank_branch_code == "250655"
    assert creche.trading_name == "Sunflower Kids Educare (Pty) Ltd"


def test_siblings(demo_book: Demo) -> None:
    summaries = _summaries(demo_book)
    sizes = Counter(len(s.children) for s in summaries)
    assert sizes == {1: 32, 2: 11, 3: 2}
    assert {s.account_ref for s in summaries if len(s.children) == 3} == {"NKOSI05", "PETERSEN20"}
    assert sum(len(s.children) for s in summaries) == 60
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        surnames = uow._session.execute(
            select(Household.account_ref, Child.last_name).join(
                Child, Child.household_id == Household.id
            )
        ).all()
    by_household: dict[str, set[str]] = {}
    for ref, surname in surnames:
        by_household.setdefault(ref, set()).add(surname)
    assert all(len(names) == 1 for names in by_household.values())


def test_withdrawal_and_mid_month_starters(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        rows = uow._session.execute(
            select(
                Household.account_ref,
                Enrolment.start_date,
                Enrolment.end_date,
                Enrolment.status,
            )
            .join(Child, Child.id == Enrolment.child_id)
            .join(Household, Household.id == Child.household_id)
            .order_by(Household.account_ref, Child.child_ref)
        ).all()
    assert len(rows) == 60
    withdrawn = [r for r in rows if r.status is EnrolmentStatus.WITHDRAWN]
    assert [tuple(r) for r in withdrawn] == [
        ("MAHLANGU13", dt.date(2026, 1, 14), dt.date(2026, 10, 31), EnrolmentStatus.WITHDRAWN)
    ]
    mid_month = [
        (r.account_ref, r.start_date)
        for r in rows
        if r.start_date.year == TODAY.year
        and r.start_date.month == TODAY.month
        and r.start_date.day > 1
    ]
    assert mid_month == [
        ("HENDRICK31", dt.date(2026, 11, 10)),
        ("SIBIYA42", dt.date(2026, 11, 11)),
        ("SIBIYA42", dt.date(2026, 11, 11)),
    ]
    assert {r.status for r in rows} == {EnrolmentStatus.ACTIVE, EnrolmentStatus.WITHDRAWN}
    assert all(r.end_date is None for r in rows if r.status is EnrolmentStatus.ACTIVE)
    starts = Counter(r.start_date for r in rows)
    assert starts[dt.date(2026, 1, 14)] > 30
    assert starts[dt.date(2025, 1, 14)] > 0  # enrolled since last year


def test_opening_invoices_are_numbered_without_gaps(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        invoices = uow._session.execute(
            select(
                Invoice.number,
                Household.account_ref,
                Invoice.kind,
                Invoice.status,
                Invoice.issue_date,
                Invoice.vat_cents,
                Invoice.total_cents,
                Invoice.balance_due_cents,
            )
            .join(Household, Household.id == Invoice.household_id)
            .order_by(Invoice.id)
        ).all()
        sequence = uow._session.execute(
            select(InvoiceSequence.year, InvoiceSequence.last_number)
        ).all()
    assert [i.number for i in invoices] == [f"INV-2026-{n:06d}" for n in range(1, 10)]
    assert {i.account_ref for i in invoices} == DEBTORS
    assert [i.account_ref for i in invoices] == sorted(
        DEBTORS, key=lambda ref: int(ref[-2:])
    )  # in household order
    assert {(i.kind, i.status, i.issue_date, i.vat_cents) for i in invoices} == {
        (InvoiceKind.AD_HOC, InvoiceStatus.SENT, dt.date(2026, 11, 1), 0)
    }
    assert all(i.total_cents == i.balance_due_cents for i in invoices)
    assert {i.total_cents for i in invoices} <= DEBT_CHOICES
    assert [tuple(s) for s in sequence] == [(2026, 9)]


def test_balances(demo_book: Demo) -> None:
    summaries = _summaries(demo_book)
    assert len(summaries) == 45
    owing = {s.account_ref: s for s in summaries if s.balance_cents > 0}
    credit = {s.account_ref: s for s in summaries if s.balance_cents < 0}
    square = [s for s in summaries if s.balance_cents == 0]
    assert set(owing) == DEBTORS
    assert set(credit) == IN_CREDIT
    assert len(square) == 45 - 9 - 3
    for s in owing.values():
        assert s.balance_cents == s.outstanding_cents
        assert s.balance_cents in DEBT_CHOICES
        assert s.credit_cents == 0
    for s in credit.values():
        assert s.balance_cents == -s.credit_cents
        assert s.credit_cents in CREDIT_CHOICES
        assert s.outstanding_cents == 0
    for s in square:
        assert (s.outstanding_cents, s.credit_cents) == (0, 0)


def test_ledger_entries_match_the_opening_balances(demo_book: Demo) -> None:
    book, made = demo_book
    summaries = {s.account_ref: s for s in _summaries(demo_book)}
    with book.read(made.creche.tenant_id) as uow:
        for ref in sorted(DEBTORS | IN_CREDIT):
            (entry,) = uow.ledger.entries(summaries[ref].id)
            assert entry.amount_cents == entry.balance_after_cents == summaries[ref].balance_cents
            assert entry.entry_date == dt.date(2026, 11, 1)
            assert entry.created_by == "admin"
        assert uow.ledger.entries(summaries["DLAMINI01"].id) == []


def test_demo_is_audited(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read() as uow:
        records = uow.audit.latest(made.creche.tenant_id, limit=10_000)
    actions = Counter(r.action for r in records)
    assert actions["creche.create"] == 1
    assert actions["household.create"] == 45
    assert actions["child.enrol"] == 60
    assert actions["fee_structure.create"] == 4
    assert actions["invoice.create"] == 9
    assert actions["ledger.post"] == 12
    assert actions["settings.set"] == 8
    assert {r.username for r in records} == {"admin"}


def test_demo_is_deterministic(make_book: Callable[[], Book]) -> None:
    made = []
    for _ in range(2):
        book = make_book()
        with book.write() as uow:
            result = create_demo_creche(uow, TODAY)
        with book.read(result.creche.tenant_id) as uow:
            made.append((result, household_summaries(uow)))
    (first, first_summaries), (second, second_summaries) = made
    assert first == second
    assert first_summaries == second_summaries
    assert len(first_summaries) == 45


def test_demo_needs_an_empty_name(demo_book: Demo) -> None:
    book, _made = demo_book
    with pytest.raises(RuleViolation, match="already has a creche called"), book.write() as uow:
        create_demo_creche(uow, TODAY)
    with book.read() as uow:
        assert len(uow.tenants.all()) == 1
