"""The demo creche (services.demo): its shape, its money, and that it is repeatable."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import (
    BankImport,
    Child,
    Enrolment,
    FeeStructure,
    Household,
    Invoice,
    InvoiceSequence,
)
from crechebooks_desktop.domain.enums import (
    BankLineStatus,
    EnrolmentStatus,
    InvoiceKind,
    InvoiceStatus,
    MatchOutcome,
    ReconciliationStatus,
)
from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.sign_in import sign_in
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank.review_queue import list_lines
from crechebooks_desktop.services.demo.creche import (
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_USER,
    DemoResult,
    create_demo_creche,
    is_demo,
)
from crechebooks_desktop.services.demo.lived_months import (
    DEMO_ACCOUNT,
    PlannedLine,
    month_statement,
)
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.services.household_statements.arrears import arrears_report
from crechebooks_desktop.services.reconciliation import reconcile
from crechebooks_desktop.services.reconciliation.categorise import categories_of as categorise_parts
from crechebooks_desktop.services.roster.household_view import household_summaries, roster_counts
from tests.conftest import CRECHE

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


def test_opening_invoices_are_numbered_without_gaps(demo_first_day: Demo) -> None:
    book, made = demo_first_day
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


def test_opening_balances(demo_first_day: Demo) -> None:
    summaries = _summaries(demo_first_day)
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


def test_ledger_entries_match_the_opening_balances(demo_first_day: Demo) -> None:
    book, made = demo_first_day
    summaries = {s.account_ref: s for s in _summaries(demo_first_day)}
    with book.read(made.creche.tenant_id) as uow:
        for ref in sorted(DEBTORS | IN_CREDIT):
            (entry,) = uow.ledger.entries(summaries[ref].id)
            assert entry.amount_cents == entry.balance_after_cents == summaries[ref].balance_cents
            assert entry.entry_date == dt.date(2026, 11, 1)
            assert entry.created_by == "admin"
        assert uow.ledger.entries(summaries["DLAMINI01"].id) == []


def test_demo_is_audited(demo_first_day: Demo) -> None:
    book, made = demo_first_day
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
    assert actions["demo.create"] == 1
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


# --- The lived-in book: September to November 2026 -----------------------------------------

SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def test_three_months_billed_and_sent(demo_book: Demo) -> None:
    book, made = demo_book
    assert (made.months, made.invoices) == ((SEP, OCT, NOV), 57 + 57 + 59)
    with book.read(made.creche.tenant_id) as uow:
        rows = uow._session.execute(
            select(Invoice.billing_month, Invoice.kind, Invoice.status, Invoice.issue_date)
        ).all()
    monthly = Counter(r.billing_month for r in rows if r.kind is InvoiceKind.MONTHLY)
    assert monthly == {SEP: 57, OCT: 57, NOV: 59}  # two start in November, one left in October
    assert InvoiceStatus.DRAFT not in {r.status for r in rows}
    by_month = Counter((r.billing_month, r.status) for r in rows)
    assert by_month == {
        (SEP, InvoiceStatus.PAID): 57,
        (OCT, InvoiceStatus.PAID): 54,
        (OCT, InvoiceStatus.OVERDUE): 3,  # three households stopped paying after September
        (NOV, InvoiceStatus.PAID): 47,
        (NOV, InvoiceStatus.OVERDUE): 12,
        (None, InvoiceStatus.PAID): 5,  # opening balances: some paid off in September
        (None, InvoiceStatus.OVERDUE): 4,
    }
    # The opening balances come first, dated the book's first day.
    assert {r.issue_date for r in rows if r.kind is InvoiceKind.AD_HOC} == {SEP}


def test_statements_imported_and_most_payments_matched(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        lines = uow.bank.lines()
        files = [
            name
            for (name,) in uow._session.execute(
                select(BankImport.file_name).order_by(BankImport.id)
            )
        ]
        decided = list_lines(uow)
        report = check_creche(uow)
    assert files == ["fnb-2026-09.csv", "fnb-2026-10.csv", "fnb-2026-11.csv"]
    assert len(lines) == made.bank_lines == 148
    assert max(line.date for line in lines) <= TODAY
    statuses = Counter(line.status for line in lines)
    assert statuses == {
        BankLineStatus.MATCHED: 125,
        BankLineStatus.CATEGORISED: 18,
        BankLineStatus.REVIEW: 2,
        BankLineStatus.UNMATCHED: 3,
    }
    assert report.payments == 125
    auto = [d for d in decided if d.decision is MatchOutcome.AUTO_APPLIED]
    accepted = [d for d in decided if d.decision is MatchOutcome.ACCEPTED]
    assert len(auto) > 100  # most by matching itself; the bookkeeper accepted the rest
    assert accepted
    assert all(d.line.date < NOV for d in accepted)


def test_lines_left_for_the_bookkeeper(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        left = [
            (line.date, line.description, line.amount_cents, line.status)
            for line in uow.bank.lines()
            if line.status not in (BankLineStatus.MATCHED, BankLineStatus.CATEGORISED)
        ]
        review = {d.line.description: d for d in list_lines(uow, [BankLineStatus.REVIEW])}
    assert left == [
        (dt.date(2026, 11, 3), "IB PAYMENT NAIDOO20", 921_500, BankLineStatus.REVIEW),
        (dt.date(2026, 11, 3), "SNAPSCAN FEES", -3_120, BankLineStatus.UNMATCHED),
        (dt.date(2026, 11, 4), "IB PAYMENT SITHOLE15", 160_000, BankLineStatus.REVIEW),
        (dt.date(2026, 11, 5), "ACB CREDIT L BRANDT", 137_500, BankLineStatus.UNMATCHED),
        (dt.date(2026, 11, 6), "#CASH DEPOSIT FEE", -6_850, BankLineStatus.UNMATCHED),
    ]
    # A mistyped reference (NAIDOO02's) and a part payment: suggested, not applied.
    assert review["IB PAYMENT NAIDOO20"].candidates[0]["household_ref"] == "NAIDOO02"
    assert review["IB PAYMENT SITHOLE15"].candidates[0]["household_ref"] == "SITHOLE15"


def test_last_month_reconciled(demo_book: Demo) -> None:
    book, made = demo_book
    assert made.reconciled_through == dt.date(2026, 10, 31)
    with book.read(made.creche.tenant_id) as uow:
        history = reconcile.history(uow, DEMO_ACCOUNT)
        lock = uow.bank.locks.of_account(bank.require_account(uow, DEMO_ACCOUNT).id)
    assert [(r.statement_date, r.status) for r in history] == [
        (dt.date(2026, 10, 31), ReconciliationStatus.FINISHED),
        (dt.date(2026, 9, 30), ReconciliationStatus.FINISHED),
    ]
    assert lock is not None
    assert lock.through == dt.date(2026, 10, 31)


def test_expenses_categorised(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        lines = {line.id: line for line in uow.bank.lines([BankLineStatus.CATEGORISED])}
        parts = categorise_parts(uow, list(lines))
    accounts = Counter(part.account_code for found in parts.values() for part in found)
    # By the rules; SnapScan's fees (6500) and a supplier's refund (5110) by hand.
    assert accounts == {"5000": 2, "5100": 6, "5110": 1, "6200": 3, "6500": 4, "4100": 2}
    assert {
        lines[i].description for i, found in parts.items() if found[0].account_code == "4100"
    } == {"CREDIT INTEREST"}


def test_arrears_reminders_and_credit(demo_book: Demo) -> None:
    book, made = demo_book
    with book.read(made.creche.tenant_id) as uow:
        arrears = arrears_report(uow, TODAY)
        due = reminders.preview(uow, TODAY)
    late = {d.household_ref: d.days_overdue for d in arrears.debtors}
    assert len(late) > 5
    assert max(late.values()) > 60  # an opening balance from September
    # SMITH10 paid a round sum. (Credit applied when an invoice is sent counts from the
    # day it was applied, which for this book made in the past is after TODAY: the three
    # families that came in with credit may show it too.)
    held = {c.household_ref: c.credit_cents for c in arrears.credits}
    assert held["SMITH10"] == 28_500
    assert set(held) <= {"SMITH10", *IN_CREDIT}
    assert due.reminders


def test_admin_signs_in_with_the_known_password(demo_book: Demo) -> None:
    book, made = demo_book
    assert (made.user, made.password) == (DEMO_USER, DEMO_PASSWORD) == ("admin", "demo")
    with book.write() as uow:
        actor = sign_in(uow, made.creche.tenant_id, DEMO_USER, DEMO_PASSWORD)
        assert is_demo(uow, made.creche.tenant_id)
        other, _admin = init_creche(uow, CRECHE)
        assert not is_demo(uow, other.tenant_id)
    assert actor.username == "admin"


def test_statement_files_read_back_as_imported() -> None:
    plan = [
        PlannedLine(dt.date(2026, 11, 2), "MRS N DLAMINI INV-2026-000010", 485_000),
        PlannedLine(dt.date(2026, 11, 3), "SNAPSCAN FEES", -3_120),
        PlannedLine(dt.date(2026, 11, 25), "SALARIES NOVEMBER", -3_850_000),
    ]
    statement, text = month_statement(plan, NOV, 12_500_000)
    read = read_statement(text.encode(), statement.file_name)
    assert read.lines == statement.lines
    assert (read.file_format, read.profile) == ("csv", "fnb")
    assert read.closing_balance_cents == statement.closing_balance_cents == 9_131_880
