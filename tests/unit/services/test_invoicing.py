"""The monthly run (services.invoicing.generate_month) on SQLite and PostgreSQL.

The rules themselves (VAT, pro-rata, siblings) are tested on values in
tests/unit/domain/test_billing.py; here the run is driven through the database:
which children get an invoice, their numbers, lines, ledger entries and audit
records, and that a run can be repeated, cancelled and resumed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import (
    EntryType,
    FeeType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing import monthly_run as invoicing
from crechebooks_desktop.services.demo.creche import DemoResult
from crechebooks_desktop.services.roster.charges_and_endings import add_charge
from crechebooks_desktop.services.tasks import TaskState
from tests.billing_fixtures import (
    FULL_DAY,
    HALF_DAY,
    RE_REGISTRATION,
    REGISTRATION,
    VAT_NUMBER,
    Fees,
    Kid,
    add_family,
    add_fees,
    audit_actions,
    get,
    invoices,
    last_numbers,
    line_summary,
    new_creche,
    numbers,
    row_counts,
    run_month,
    sequence,
)

Creche = tuple[CrecheSettings, Actor]
NOV = dt.date(2026, 11, 1)
TERM = dt.date(2026, 1, 14)


@dataclass(frozen=True)
class Roster:
    """The ids of the small hand-made roster (see ``roster``)."""

    adams: int
    amy: int  # ADAMS01-1, full day, born 2021 (older)
    ben: int  # ADAMS01-2, half day, born 2022
    botha: int
    cara: int  # BOTHA02-1, starts 10 November 2026
    cele: int
    dan: int  # CELE03-1, ended 31 October 2026
    dube: int
    eve: int  # DUBE04-1, withdrawn 20 November 2026
    fees: Fees


@pytest.fixture
def acorns(book: Book) -> Creche:
    """A creche that is not VAT-registered, sibling discounts 0,10,15, due on the 7th."""
    return new_creche(book)


@pytest.fixture
def roster(book: Book, acorns: Creche) -> Roster:
    settings, _actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        adams, (amy, ben) = add_family(
            uow,
            "ADAMS01",
            Kid("ADAMS01-1", fees.full_day, TERM, born=dt.date(2021, 3, 1)),
            Kid("ADAMS01-2", fees.half_day, TERM, born=dt.date(2022, 5, 5)),
        )
        botha, (cara,) = add_family(
            uow, "BOTHA02", Kid("BOTHA02-1", fees.full_day, dt.date(2026, 11, 10))
        )
        cele, (dan,) = add_family(
            uow, "CELE03", Kid("CELE03-1", fees.full_day, TERM, end=dt.date(2026, 10, 31))
        )
        dube, (eve,) = add_family(
            uow,
            "DUBE04",
            Kid("DUBE04-1", fees.full_day, dt.date(2025, 1, 14), end=dt.date(2026, 11, 20)),
        )
    return Roster(adams, amy, ben, botha, cara, cele, dan, dube, eve, fees)


# 485 000 x 21/30 (10-30 Nov) and 485 000 x 20/30 = 323 333.33 (1-20 Nov).
CARA_FEE = 339_500
EVE_FEE = 323_333


def test_one_draft_invoice_per_enrolled_child_numbered_in_order(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, actor = acorns
    result = run_month(book, actor, dt.date(2026, 11, 17))  # any day of the month

    assert result.month == NOV
    assert result.cancelled is False
    assert result.skipped_child_ids == ()
    assert [(c.number, c.household_id, c.child_id, c.total_cents) for c in result.created] == [
        ("INV-2026-000001", roster.adams, roster.amy, FULL_DAY),
        ("INV-2026-000002", roster.adams, roster.ben, HALF_DAY - 32_000),
        ("INV-2026-000003", roster.botha, roster.cara, CARA_FEE + REGISTRATION),
        ("INV-2026-000004", roster.dube, roster.eve, EVE_FEE),
    ]
    assert result.total_billed_cents == 485_000 + 288_000 + 414_500 + 323_333

    found = invoices(book, settings.tenant_id)
    assert [(i.number, i.child_ref, i.household_ref) for i in found] == [
        ("INV-2026-000001", "ADAMS01-1", "ADAMS01"),
        ("INV-2026-000002", "ADAMS01-2", "ADAMS01"),
        ("INV-2026-000003", "BOTHA02-1", "BOTHA02"),
        ("INV-2026-000004", "DUBE04-1", "DUBE04"),
    ]
    for inv in found:
        assert inv.status is InvoiceStatus.DRAFT
        assert inv.kind is InvoiceKind.MONTHLY
        assert inv.billing_month == NOV
        assert inv.issue_date == NOV
        assert inv.due_date == dt.date(2026, 11, 7)
        assert inv.amount_paid_cents == 0
        assert inv.balance_due_cents == inv.total_cents
        assert inv.vat_cents == 0
        assert inv.subtotal_cents == inv.total_cents == sum(line.gross_cents for line in inv.lines)
        assert [line.position for line in inv.lines] == list(range(1, len(inv.lines) + 1))
    assert [line_summary(inv) for inv in found] == [
        [("MONTHLY_FEE", "Full Day — November 2026", 485_000, 0, 485_000)],
        [
            ("MONTHLY_FEE", "Half Day — November 2026", 320_000, 0, 320_000),
            ("DISCOUNT", "Sibling discount (10%)", -32_000, 0, -32_000),
        ],
        [
            (
                "MONTHLY_FEE",
                "Full Day — November 2026 (pro-rata, 21 of 30 days)",
                CARA_FEE,
                0,
                CARA_FEE,
            ),
            ("REGISTRATION", "Registration fee", 75_000, 0, 75_000),
        ],
        [
            (
                "MONTHLY_FEE",
                "Full Day — November 2026 (pro-rata, 20 of 30 days)",
                EVE_FEE,
                0,
                EVE_FEE,
            )
        ],
    ]
    assert last_numbers(book) == {2026: 4}


def test_child_whose_enrolment_ended_last_month_gets_nothing(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, actor = acorns
    october = run_month(book, actor, dt.date(2026, 10, 1))
    november = run_month(book, actor, NOV)
    assert roster.dan in {c.child_id for c in october.created}
    assert roster.dan not in {c.child_id for c in november.created}
    assert roster.dan not in november.skipped_child_ids
    assert [i.child_ref for i in invoices(book, settings.tenant_id, month=NOV)] == [
        "ADAMS01-1",
        "ADAMS01-2",
        "BOTHA02-1",
        "DUBE04-1",
    ]
    # Withdrawn on 20 November: nothing in December either; Cara has not started in October.
    december = run_month(book, actor, dt.date(2026, 12, 1))
    assert {c.child_id for c in december.created} == {roster.amy, roster.ben, roster.cara}
    assert roster.cara not in {c.child_id for c in october.created}


def test_ledger_charges_chain_and_balances_match(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, actor = acorns
    run_month(book, actor, NOV)
    found = {i.number: i for i in invoices(book, settings.tenant_id)}
    households = (roster.adams, roster.botha, roster.cele, roster.dube)
    with book.read(settings.tenant_id) as uow:
        ledgers = {h: uow.ledger.entries(h) for h in households}
        summaries = {s.account_ref: s for s in uow.roster.household_summaries()}
        report = check_creche(uow)

    assert [
        (e.entry_type, e.amount_cents, e.balance_after_cents, e.entry_date, e.description)
        for e in ledgers[roster.adams]
    ] == [
        (EntryType.CHARGE, 485_000, 485_000, NOV, "Invoice INV-2026-000001"),
        (EntryType.CHARGE, 288_000, 773_000, NOV, "Invoice INV-2026-000002"),
    ]
    assert [(e.source_type, e.source_id) for e in ledgers[roster.adams]] == [
        ("invoice", found["INV-2026-000001"].id),
        ("invoice", found["INV-2026-000002"].id),
    ]
    assert [(e.amount_cents, e.balance_after_cents) for e in ledgers[roster.botha]] == [
        (414_500, 414_500)
    ]
    assert ledgers[roster.cele] == []
    assert [(e.amount_cents, e.balance_after_cents) for e in ledgers[roster.dube]] == [
        (EVE_FEE, EVE_FEE)
    ]
    by_household: dict[str, int] = {}
    for inv in found.values():
        by_household[inv.household_ref] = by_household.get(inv.household_ref, 0) + inv.total_cents
    assert by_household == {"ADAMS01": 773_000, "BOTHA02": 414_500, "DUBE04": 323_333}
    assert {
        ref: (s.balance_cents, s.outstanding_cents, s.credit_cents) for ref, s in summaries.items()
    } == {
        "ADAMS01": (773_000, 773_000, 0),
        "BOTHA02": (414_500, 414_500, 0),
        "CELE03": (0, 0, 0),
        "DUBE04": (323_333, 323_333, 0),
    }
    assert (report.households, report.invoices, report.payments) == (4, 4, 0)
    assert report.violations == ()
    assert report.ok


def test_run_is_audited_per_invoice_and_per_ledger_entry(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, actor = acorns
    before = audit_actions(book)
    run_month(book, actor, NOV)
    after = audit_actions(book)
    assert after - before == {"invoice.create": 4, "ledger.post": 4}

    first = invoices(book, settings.tenant_id)[0]
    with book.read() as uow:
        records = uow.audit.latest(settings.tenant_id, limit=8)
    creates = [r for r in records if r.action == "invoice.create"]
    (record,) = [r for r in creates if r.entity_id == str(first.id)]
    assert (record.entity, record.username, record.user_id) == ("invoice", "admin", actor.user_id)
    assert record.before is None
    assert record.after == {
        "number": "INV-2026-000001",
        "household_id": roster.adams,
        "child_id": roster.amy,
        "billing_month": "2026-11-01",
        "status": "DRAFT",
        "total": "4850.00",
        "lines": 1,
    }
    posts = [r for r in records if r.action == "ledger.post"]
    assert sorted(r.after["amount_cents"] for r in posts if r.after) == sorted(
        [485_000, 288_000, 414_500, 323_333]
    )


def test_issue_date_is_honoured_and_sets_the_number_year(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, actor = acorns
    issued = dt.date(2027, 1, 2)
    december = run_month(book, actor, dt.date(2026, 12, 1), issue_date=issued)
    assert numbers_of(december) == ["INV-2027-000001", "INV-2027-000002", "INV-2027-000003"]
    found = invoices(book, settings.tenant_id, month=dt.date(2026, 12, 1))
    assert {(i.issue_date, i.due_date, i.billing_month) for i in found} == {
        (issued, dt.date(2026, 12, 7), dt.date(2026, 12, 1))
    }
    with book.read(settings.tenant_id) as uow:
        (entry, _second) = uow.ledger.entries(roster.adams)
    assert entry.entry_date == issued

    # Each year has its own sequence: November 2026 (issued 1 November) starts at 1 ...
    november = run_month(book, actor, NOV)
    assert numbers_of(november)[0] == "INV-2026-000001"
    # ... and January 2027 (issued 1 January) carries on after the December run.
    january = run_month(book, actor, dt.date(2027, 1, 1))
    assert numbers_of(january) == ["INV-2027-000004", "INV-2027-000005", "INV-2027-000006"]
    assert last_numbers(book) == {2026: 4, 2027: 6}


def numbers_of(result: invoicing.GenerationResult) -> list[str]:
    return [c.number for c in result.created]


@pytest.mark.parametrize(
    ("start", "description", "fee"),
    [
        # 10-29 February 2028 (a leap year): 485 000 x 20/29 = 334 482.76
        (dt.date(2028, 2, 10), "Full Day Plain — February 2028 (pro-rata, 20 of 29 days)", 334_483),
        # 10-28 February 2027: 485 000 x 19/28 = 329 107.14
        (dt.date(2027, 2, 10), "Full Day Plain — February 2027 (pro-rata, 19 of 28 days)", 329_107),
    ],
    ids=["leap-2028", "common-2027"],
)
def test_pro_rata_in_february(
    book: Book, acorns: Creche, start: dt.date, description: str, fee: int
) -> None:
    settings, actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, start))
    (created,) = run_month(book, actor, start).created
    assert created.total_cents == fee
    (inv,) = invoices(book, settings.tenant_id)
    assert line_summary(inv) == [("MONTHLY_FEE", description, fee, 0, fee)]
    # The whole of the next month is exactly the monthly fee.
    (march,) = run_month(book, actor, start.replace(month=3)).created
    assert march.total_cents == FULL_DAY


def test_withdrawal_on_the_last_day_of_a_leap_february_is_a_whole_month(
    book: Book, acorns: Creche
) -> None:
    settings, actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM, end=dt.date(2028, 2, 29)))
        add_family(uow, "BOTHA02", Kid("BOTHA02-1", fees.plain, TERM, end=dt.date(2028, 2, 28)))
    result = run_month(book, actor, dt.date(2028, 2, 1))
    # 28 of 29 days: 485 000 x 28/29 = 468 275.86
    assert [c.total_cents for c in result.created] == [FULL_DAY, 468_276]
    assert run_month(book, actor, dt.date(2028, 3, 1)).created == ()


def test_sibling_ties_rank_the_older_child_first_then_the_lower_id(
    book: Book, acorns: Creche
) -> None:
    settings, actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        # The younger child is added first (lower id): age must decide, not the id.
        _h1, (young, old, baby) = add_family(
            uow,
            "ADAMS01",
            Kid("ADAMS01-1", fees.plain, TERM, born=dt.date(2022, 8, 1)),
            Kid("ADAMS01-2", fees.plain, TERM, born=dt.date(2021, 2, 1)),
            Kid("ADAMS01-3", fees.plain, TERM, born=dt.date(2023, 4, 1)),
        )
        # Twins: same fee, same date of birth -> the lower child id is first.
        _h2, (twin_a, twin_b) = add_family(
            uow,
            "BOTHA02",
            Kid("BOTHA02-1", fees.plain, TERM, born=dt.date(2022, 1, 1)),
            Kid("BOTHA02-2", fees.plain, TERM, born=dt.date(2022, 1, 1)),
        )
    result = run_month(book, actor, NOV)
    assert [(c.child_id, c.total_cents) for c in result.created] == [
        (old, FULL_DAY),  # position 0: 0%
        (young, FULL_DAY - 48_500),  # position 1: 10%
        (baby, FULL_DAY - 72_750),  # position 2 and later: 15%
        (twin_a, FULL_DAY),
        (twin_b, FULL_DAY - 48_500),
    ]
    discounts = {i.child_ref: line_summary(i)[1:] for i in invoices(book, settings.tenant_id)}
    assert discounts == {
        "ADAMS01-2": [],
        "ADAMS01-1": [("DISCOUNT", "Sibling discount (10%)", -48_500, 0, -48_500)],
        "ADAMS01-3": [("DISCOUNT", "Sibling discount (15%)", -72_750, 0, -72_750)],
        "BOTHA02-1": [],
        "BOTHA02-2": [("DISCOUNT", "Sibling discount (10%)", -48_500, 0, -48_500)],
    }


@pytest.mark.parametrize(
    ("vat_number", "include", "month", "meals", "fee_treatment"),
    [
        # inclusive: VAT = 40 000 x 15/115 = 5 217.39 inside the gross
        (VAT_NUMBER, "yes", NOV, (34_783, 5_217, 40_000), VatTreatment.EXEMPT),
        # exclusive: VAT = 40 000 x 15% on top of the net
        (VAT_NUMBER, "no", NOV, (40_000, 6_000, 46_000), VatTreatment.EXEMPT),
        # not registered: no VAT on anything, whatever the price setting
        ("", "yes", NOV, (40_000, 0, 40_000), None),
        ("", "no", NOV, (40_000, 0, 40_000), None),
        # 14% before 1 April 2018: 40 000 x 14/114 = 4 912.28
        (VAT_NUMBER, "yes", dt.date(2018, 3, 1), (35_088, 4_912, 40_000), VatTreatment.EXEMPT),
        (VAT_NUMBER, "yes", dt.date(2018, 4, 1), (34_783, 5_217, 40_000), VatTreatment.EXEMPT),
    ],
    ids=["inclusive", "exclusive", "unregistered", "unregistered-exclusive", "2018-03", "2018-04"],
)
def test_vat_on_a_meals_extra(
    book: Book,
    vat_number: str,
    include: str,
    month: dt.date,
    meals: tuple[int, int, int],
    fee_treatment: VatTreatment | None,
) -> None:
    settings, actor = new_creche(book, vat_number=vat_number, prices_include_vat=include)
    assert settings.vat_registered is bool(vat_number)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        extras = ((LineType.MEALS, 40_000, "Hot lunches"),)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, dt.date(2017, 1, 1), extras=extras))
    (created,) = run_month(book, actor, month).created
    (inv,) = invoices(book, settings.tenant_id)
    month_name = month.strftime("%B %Y")
    assert line_summary(inv) == [
        ("MONTHLY_FEE", f"Full Day Plain — {month_name}", 485_000, 0, 485_000),
        ("MEALS", "Hot lunches", *meals),
    ]
    net, vat, gross = meals
    assert (inv.subtotal_cents, inv.vat_cents, inv.total_cents) == (
        485_000 + net,
        vat,
        485_000 + gross,
    )
    assert created.total_cents == inv.total_cents
    if fee_treatment is not None:
        assert [line.vat_treatment for line in inv.lines] == [
            VatTreatment.EXEMPT,
            VatTreatment.STANDARD,
        ]
    with book.read(settings.tenant_id) as uow:
        (entry,) = uow.ledger.entries(inv.recipient.household_id)
        assert check_creche(uow).ok
    assert entry.amount_cents == 485_000 + gross


def test_registration_in_the_start_month_only_and_not_on_a_fee_change(
    book: Book, acorns: Creche
) -> None:
    settings, actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        _h, (child,) = add_family(
            uow, "ADAMS01", Kid("ADAMS01-1", fees.full_day, TERM, end=dt.date(2026, 3, 15))
        )
        # Moves to half days from 16 March: a new enrolment, not a new registration.
        uow.roster.add_enrolment(child, fees.half_day, dt.date(2026, 3, 16))
    got = {}
    for month in (1, 2, 3, 4):
        (created,) = run_month(book, actor, dt.date(2026, month, 1)).created
        got[month] = created.number
    lines = {m: line_summary(get(book, settings.tenant_id, n)) for m, n in got.items()}
    assert got == {m: f"INV-2026-00000{m}" for m in (1, 2, 3, 4)}
    assert lines[1] == [
        # 14-31 January: 485 000 x 18/31 = 281 612.90
        ("MONTHLY_FEE", "Full Day — January 2026 (pro-rata, 18 of 31 days)", 281_613, 0, 281_613),
        ("REGISTRATION", "Registration fee", REGISTRATION, 0, REGISTRATION),
    ]
    assert lines[2] == [("MONTHLY_FEE", "Full Day — February 2026", FULL_DAY, 0, FULL_DAY)]
    assert lines[3] == [
        # 1-15 March: 485 000 x 15/31 = 234 677.42; 16-31 March: 320 000 x 16/31 = 165 161.29
        ("MONTHLY_FEE", "Full Day — March 2026 (pro-rata, 15 of 31 days)", 234_677, 0, 234_677),
        ("MONTHLY_FEE", "Half Day — March 2026 (pro-rata, 16 of 31 days)", 165_161, 0, 165_161),
    ]
    assert lines[4] == [("MONTHLY_FEE", "Half Day — April 2026", HALF_DAY, 0, HALF_DAY)]


def test_re_registration_in_january_for_earlier_starters_only(book: Book, acorns: Creche) -> None:
    settings, actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.full_day, TERM))
        add_family(uow, "BOTHA02", Kid("BOTHA02-1", fees.full_day, dt.date(2027, 1, 1)))
        add_family(uow, "CELE03", Kid("CELE03-1", fees.full_day, dt.date(2027, 1, 20)))
    december = run_month(book, actor, dt.date(2026, 12, 1))
    assert [c.total_cents for c in december.created] == [FULL_DAY]

    january = run_month(book, actor, dt.date(2027, 1, 1))
    assert numbers_of(january) == ["INV-2027-000001", "INV-2027-000002", "INV-2027-000003"]
    lines = [line_summary(i) for i in invoices(book, settings.tenant_id, month=dt.date(2027, 1, 1))]
    assert lines == [
        [
            ("MONTHLY_FEE", "Full Day — January 2027", FULL_DAY, 0, FULL_DAY),
            ("RE_REGISTRATION", "Re-registration fee 2027", RE_REGISTRATION, 0, RE_REGISTRATION),
        ],
        [
            ("MONTHLY_FEE", "Full Day — January 2027", FULL_DAY, 0, FULL_DAY),
            ("REGISTRATION", "Registration fee", REGISTRATION, 0, REGISTRATION),
        ],
        [
            # 20-31 January: 485 000 x 12/31 = 187 741.94
            (
                "MONTHLY_FEE",
                "Full Day — January 2027 (pro-rata, 12 of 31 days)",
                187_742,
                0,
                187_742,
            ),
            ("REGISTRATION", "Registration fee", REGISTRATION, 0, REGISTRATION),
        ],
    ]
    february = run_month(book, actor, dt.date(2027, 2, 1))
    assert [c.total_cents for c in february.created] == [FULL_DAY] * 3


def test_pending_charges_are_billed_once_in_their_month(book: Book) -> None:
    settings, actor = new_creche(book, vat_number=VAT_NUMBER)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))
        # Starts in December: a November charge waits for the December invoice.
        add_family(uow, "BOTHA02", Kid("BOTHA02-1", fees.plain, dt.date(2026, 12, 1)))
        add_charge(
            uow, actor, "adams01-1", LineType.SCHOOL_TRIP, 15_000, dt.date(2026, 11, 20), "Zoo"
        )
        add_charge(
            uow, actor, "ADAMS01-1", LineType.AD_HOC, 5_000, NOV.replace(day=5), None,
            VatTreatment.EXEMPT,
        )  # fmt: skip
        add_charge(uow, actor, "ADAMS01-1", LineType.LATE_PICKUP, 10_000, dt.date(2026, 12, 2))
        add_charge(uow, actor, "BOTHA02-1", LineType.UNIFORM, 35_000, dt.date(2026, 11, 25))

    november = run_month(book, actor, NOV)
    (inv,) = invoices(book, settings.tenant_id, month=NOV)
    assert [c.child_id for c in november.created] == [inv.child_id]
    assert line_summary(inv) == [
        ("MONTHLY_FEE", "Full Day Plain — November 2026", FULL_DAY, 0, FULL_DAY),
        ("AD_HOC", "Ad hoc", 5_000, 0, 5_000),  # exempt as recorded; oldest charge first
        ("SCHOOL_TRIP", "Zoo", 13_043, 1_957, 15_000),  # 15 000 x 15/115 = 1 956.52
    ]
    assert [line.vat_treatment for line in inv.lines][1:] == [
        VatTreatment.EXEMPT,
        VatTreatment.STANDARD,
    ]
    assert inv.total_cents == FULL_DAY + 20_000

    run_month(book, actor, dt.date(2026, 12, 1))
    dec = invoices(book, settings.tenant_id, month=dt.date(2026, 12, 1))
    assert [(i.child_ref, line_summary(i)[1:]) for i in dec] == [
        ("ADAMS01-1", [("LATE_PICKUP", "Late pickup", 8_696, 1_304, 10_000)]),
        ("BOTHA02-1", [("UNIFORM", "Uniform", 30_435, 4_565, 35_000)]),
    ]
    with book.read(settings.tenant_id) as uow:
        assert check_creche(uow).ok


def test_a_second_run_creates_nothing_and_reports_every_child_skipped(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, actor = acorns
    first = run_month(book, actor, NOV)
    before = (invoices(book, settings.tenant_id), row_counts(book), last_numbers(book))

    again = run_month(book, actor, NOV)
    assert again.created == ()
    assert again.total_billed_cents == 0
    assert again.cancelled is False
    assert sorted(again.skipped_child_ids) == sorted(c.child_id for c in first.created)
    assert sorted(again.skipped_child_ids) == sorted(
        [roster.amy, roster.ben, roster.cara, roster.eve]
    )
    assert (invoices(book, settings.tenant_id), row_counts(book), last_numbers(book)) == before

    # A child enrolled since is picked up by the next run, with the next number.
    with book.write(settings.tenant_id) as uow:
        add_family(uow, "EKSTEEN05", Kid("EKSTEEN05-1", roster.fees.plain, dt.date(2026, 11, 2)))
    third = run_month(book, actor, NOV)
    assert numbers_of(third) == ["INV-2026-000005"]
    assert len(third.skipped_child_ids) == 4
    with book.read(settings.tenant_id) as uow:
        assert check_creche(uow).ok


@pytest.fixture
def five_households(book: Book, acorns: Creche) -> list[list[int]]:
    """Five households (the first with two children); their child ids."""
    settings, _actor = acorns
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        made = [
            add_family(
                uow,
                "H1",
                Kid("H1-1", fees.plain, TERM, born=dt.date(2021, 1, 1)),
                Kid("H1-2", fees.plain, TERM, born=dt.date(2022, 1, 1)),
            )[1]
        ]
        made += [
            add_family(uow, f"H{i}", Kid(f"H{i}-1", fees.plain, TERM))[1] for i in (2, 3, 4, 5)
        ]
    return made


def test_progress_rises_batch_by_batch_to_total_of_total(
    book: Book, acorns: Creche, five_households: list[list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings, actor = acorns
    monkeypatch.setattr(invoicing, "HOUSEHOLDS_PER_BATCH", 2)
    seen: list[tuple[int, int, str]] = []
    result = run_month(book, actor, NOV, task=TaskState(lambda *p: seen.append(p)))
    assert seen == [
        (2, 5, "3 invoices created"),
        (4, 5, "5 invoices created"),
        (5, 5, "6 invoices created"),
    ]
    assert [done for done, _total, _m in seen] == sorted({done for done, _t, _m in seen})
    assert numbers_of(result) == [f"INV-2026-00000{n}" for n in range(1, 7)]


def test_cancel_after_the_first_batch_then_resume(
    book: Book, acorns: Creche, five_households: list[list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, actor = acorns
    monkeypatch.setattr(invoicing, "HOUSEHOLDS_PER_BATCH", 2)
    seen: list[tuple[int, int]] = []

    def cancel_at_once(done: int, total: int, _message: str) -> None:
        seen.append((done, total))
        task.cancel()

    task = TaskState(cancel_at_once)
    stopped = run_month(book, actor, NOV, task=task)
    assert stopped.cancelled is True
    assert seen == [(2, 5)]
    first_batch = five_households[0] + five_households[1]
    assert [(c.number, c.child_id) for c in stopped.created] == [
        ("INV-2026-000001", first_batch[0]),
        ("INV-2026-000002", first_batch[1]),
        ("INV-2026-000003", first_batch[2]),
    ]
    # Exactly the first batch's households are in the book, whole.
    assert [i.child_id for i in invoices(book, settings.tenant_id)] == first_batch
    assert last_numbers(book) == {2026: 3}
    with book.read(settings.tenant_id) as uow:
        assert check_creche(uow).ok

    progress: list[tuple[int, int, str]] = []
    rest = run_month(book, actor, NOV, task=TaskState(lambda *p: progress.append(p)))
    assert rest.cancelled is False
    assert sorted(rest.skipped_child_ids) == sorted(first_batch)
    assert [(c.number, c.child_id) for c in rest.created] == [
        ("INV-2026-000004", five_households[2][0]),
        ("INV-2026-000005", five_households[3][0]),
        ("INV-2026-000006", five_households[4][0]),
    ]
    assert progress == [
        (2, 5, "0 invoices created"),
        (4, 5, "2 invoices created"),
        (5, 5, "3 invoices created"),
    ]
    found = invoices(book, settings.tenant_id)
    assert [sequence(n) for n in numbers(found)] == [1, 2, 3, 4, 5, 6]
    assert sorted(i.child_id for i in found) == sorted(c for kids in five_households for c in kids)
    with book.read(settings.tenant_id) as uow:
        assert check_creche(uow).ok


def test_a_run_cancelled_before_it_starts_writes_nothing(
    book: Book, acorns: Creche, five_households: list[list[int]]
) -> None:
    _settings, actor = acorns
    before = row_counts(book)
    task = TaskState()
    task.cancel()
    result = run_month(book, actor, NOV, task=task)
    assert (result.cancelled, result.created, result.skipped_child_ids) == (True, (), ())
    assert row_counts(book) == before
    assert last_numbers(book) == {}


def test_an_empty_month_creates_nothing(book: Book, acorns: Creche, roster: Roster) -> None:
    _settings, actor = acorns
    seen: list[object] = []
    result = run_month(book, actor, dt.date(2024, 6, 1), task=TaskState(lambda *p: seen.append(p)))
    assert (result.created, result.skipped_child_ids, result.cancelled) == ((), (), False)
    assert seen == []
    assert last_numbers(book) == {}


def test_an_owner_viewer_may_not_run_the_month_and_nothing_is_written(
    book: Book, acorns: Creche, roster: Roster
) -> None:
    settings, admin = acorns
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
        add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    with book.read(settings.tenant_id) as uow:
        viewer = acting_user(uow, settings.tenant_id, "olivia")
        bookkeeper = acting_user(uow, settings.tenant_id, "bea")
    before = row_counts(book)
    with pytest.raises(PermissionDenied, match=r"^olivia \(owner-viewer\) may not record money"):
        run_month(book, viewer, NOV)
    assert row_counts(book) == before
    assert last_numbers(book) == {}

    # A bookkeeper may; the records carry their name.
    assert len(run_month(book, bookkeeper, NOV).created) == 4
    with book.read() as uow:
        names = {r.username for r in uow.audit.latest(settings.tenant_id, limit=8)}
    assert names == {"bea"}


def test_the_demo_creches_november(demo_first_day: tuple[Book, DemoResult]) -> None:
    book, made = demo_first_day
    creche = made.creche
    with book.read(creche.tenant_id) as uow:
        actor = acting_user(uow, creche.tenant_id, None)
    result = run_month(book, actor, NOV)
    # 60 children, one withdrawn at the end of October; numbers after the 9 opening invoices.
    assert [sequence(c.number) for c in result.created] == list(range(10, 69))
    found = invoices(book, creche.tenant_id, month=NOV)
    assert len(found) == 59
    assert {(i.status, i.issue_date, i.due_date) for i in found} == {
        (InvoiceStatus.DRAFT, NOV, dt.date(2026, 11, 7))
    }
    assert sum(i.total_cents for i in found) == result.total_billed_cents
    with book.read(creche.tenant_id) as uow:
        report = check_creche(uow)
    assert (report.ok, report.invoices, report.households) == (True, 68, 45)


def test_a_full_sibling_discount_makes_a_zero_invoice_with_no_ledger_entry(book: Book) -> None:
    settings, actor = new_creche(book, sibling_discounts="0,100")
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        household, (older, younger) = add_family(
            uow,
            "ADAMS01",
            Kid("ADAMS01-1", fees.plain, TERM, born=dt.date(2021, 1, 1)),
            Kid("ADAMS01-2", fees.half_day, TERM, born=dt.date(2022, 1, 1)),
        )
    before = audit_actions(book)
    result = run_month(book, actor, NOV)
    assert [(c.child_id, c.total_cents) for c in result.created] == [
        (older, FULL_DAY),
        (younger, 0),
    ]
    free = get(book, settings.tenant_id, "INV-2026-000002")
    assert line_summary(free) == [
        ("MONTHLY_FEE", "Half Day — November 2026", HALF_DAY, 0, HALF_DAY),
        ("DISCOUNT", "Sibling discount (100%)", -HALF_DAY, 0, -HALF_DAY),
    ]
    assert (free.total_cents, free.balance_due_cents, free.status) == (0, 0, InvoiceStatus.DRAFT)
    with book.read(settings.tenant_id) as uow:
        entries = uow.ledger.entries(household)
        assert check_creche(uow).ok
    assert [(e.amount_cents, e.description) for e in entries] == [
        (FULL_DAY, "Invoice INV-2026-000001")
    ]
    assert audit_actions(book) - before == {"invoice.create": 2, "ledger.post": 1}


def test_two_creches_in_one_book_are_billed_and_numbered_apart(book: Book) -> None:
    acorns, acorns_admin = new_creche(book, "Acorns")
    bees, bees_admin = new_creche(book, "Bumblebees", invoice_prefix="bb", due_day="3")
    kids = {}
    for settings in (acorns, bees):
        with book.write(settings.tenant_id) as uow:
            fees = add_fees(uow)
            kids[settings.tenant_id] = add_family(
                uow,
                "ADAMS01",
                Kid("ADAMS01-1", fees.plain, TERM),
                Kid("ADAMS01-2", fees.plain, TERM),
            )[1]
    assert [c.number for c in run_month(book, bees_admin, NOV).created] == [
        "BB-2026-000001",
        "BB-2026-000002",
    ]
    assert invoices(book, acorns.tenant_id) == []
    created = run_month(book, acorns_admin, NOV).created
    assert [(c.number, c.child_id) for c in created] == [
        ("INV-2026-000001", kids[acorns.tenant_id][0]),
        ("INV-2026-000002", kids[acorns.tenant_id][1]),
    ]
    assert {i.due_date for i in invoices(book, bees.tenant_id)} == {dt.date(2026, 11, 3)}
    assert run_month(book, bees_admin, NOV).created == ()
    with book.read(bees.tenant_id) as uow:
        assert uow.invoices.get("INV-2026-000001") is None
        assert check_creche(uow).ok
    with book.read(acorns.tenant_id) as uow:
        assert uow.invoices.get("BB-2026-000001") is None
        report = check_creche(uow)
    assert (report.ok, report.invoices, report.households) == (True, 2, 1)


def test_every_rounding_is_half_to_even_once_per_line(book: Book) -> None:
    settings, actor = new_creche(book, vat_number=VAT_NUMBER, prices_include_vat="no")
    with book.write(settings.tenant_id) as uow:
        custom = uow.roster.add_fee_structure("Agreed", FeeType.CUSTOM, None)
        roster = uow.roster
        first = roster.add_household("ADAMS01", "Mrs Adams")
        half = roster.add_child(first, "ADAMS01-1", "Amy", "Adams", dt.date(2021, 1, 1))
        # 16-30 November: 100 001 x 15/30 = 50 000.5 -> 50 000 (half-up would give 50 001).
        # Standard-rated extras on net prices: 70 x 15% = 10.5 -> 10; 30 x 15% = 4.5 -> 4.
        roster.add_enrolment(
            half,
            custom,
            dt.date(2026, 11, 16),
            custom_amount_cents=100_001,
            extras=((LineType.MEALS, 70, None), (LineType.BOOKS, 30, None)),
        )
        second = roster.add_household("BOTHA02", "Mr Botha")
        older = roster.add_child(second, "BOTHA02-1", "Ben", "Botha", dt.date(2021, 1, 1))
        younger = roster.add_child(second, "BOTHA02-2", "Bea", "Botha", dt.date(2022, 1, 1))
        roster.add_enrolment(older, custom, TERM, custom_amount_cents=500_000)
        # Second sibling: 10% of 485 005 = 48 500.5 -> 48 500.
        roster.add_enrolment(younger, custom, TERM, custom_amount_cents=485_005)
    run_month(book, actor, NOV)
    found = {i.child_ref: line_summary(i) for i in invoices(book, settings.tenant_id)}
    assert found == {
        "ADAMS01-1": [
            ("MONTHLY_FEE", "Agreed — November 2026 (pro-rata, 15 of 30 days)", 50_000, 0, 50_000),
            ("MEALS", "Meals", 70, 10, 80),
            ("BOOKS", "Books", 30, 4, 34),
        ],
        "BOTHA02-1": [("MONTHLY_FEE", "Agreed — November 2026", 500_000, 0, 500_000)],
        "BOTHA02-2": [
            ("MONTHLY_FEE", "Agreed — November 2026", 485_005, 0, 485_005),
            ("DISCOUNT", "Sibling discount (10%)", -48_500, 0, -48_500),
        ],
    }
    (adams,) = invoices(book, settings.tenant_id, household_ref="ADAMS01")
    assert (adams.subtotal_cents, adams.vat_cents, adams.total_cents) == (50_100, 14, 50_114)


def test_an_hourly_fee_is_rate_times_hours_and_not_pro_rata(book: Book) -> None:
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        hourly = uow.roster.add_fee_structure("Aftercare", FeeType.HOURLY, 6_500, 35_000)
        household = uow.roster.add_household("ADAMS01", "Mrs Adams")
        child = uow.roster.add_child(household, "ADAMS01-1", "Amy", "Adams", None)
        uow.roster.add_enrolment(
            child, hourly, dt.date(2026, 11, 20), hours_per_month=Decimal("12.5")
        )
    (created,) = run_month(book, actor, NOV).created
    (inv,) = invoices(book, settings.tenant_id)
    assert created.total_cents == 81_250 + 35_000
    assert line_summary(inv) == [
        ("MONTHLY_FEE", "Aftercare — 12.5 hours", 81_250, 0, 81_250),  # started on the 20th
        ("REGISTRATION", "Registration fee", 35_000, 0, 35_000),
    ]
    fee_line = inv.lines[0]
    assert (fee_line.quantity, fee_line.unit_cents) == (Decimal("12.5"), 6_500)
    assert inv.as_json()["lines"][0]["quantity"] == "12.5"
