"""An invoice's life after the run (services.invoices) on SQLite and PostgreSQL.

Transitions the services drive: DRAFT -> SENT (send), SENT -> PARTIALLY_PAID and
SENT -> PAID (send applying household credit), SENT -> OVERDUE (mark_overdue),
DRAFT -> VOID and SENT -> VOID (void). Every other move they are asked for is
refused with a message naming the invoice and both statuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.tables import Allocation
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import (
    EntryType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.invoice import IllegalTransition
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_lifecycle import (
    AdHocLine,
    SentInvoice,
    find_invoices,
    get_invoice,
    mark_overdue,
    new_ad_hoc_invoice,
    send_invoices,
    send_month,
    void_invoice,
)
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from crechebooks_desktop.services.roster.charges_and_endings import add_charge
from tests.billing_fixtures import (
    FULL_DAY,
    HALF_DAY,
    VAT_NUMBER,
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
)

NOV = dt.date(2026, 11, 1)
DEC = dt.date(2026, 12, 1)
TERM = dt.date(2026, 1, 14)
INV1, INV2, INV3 = "INV-2026-000001", "INV-2026-000002", "INV-2026-000003"


@dataclass(frozen=True)
class Drafts:
    """A VAT-registered creche (prices include VAT) after its November run.

    INV1: ADAMS01-1, full day R 4 850; INV2: BOTHA02-1, half day R 3 200;
    INV3: CELE03-1, full day R 4 850. All DRAFT, due 7 November.
    """

    settings: CrecheSettings
    actor: Actor
    households: dict[str, int]

    @property
    def tenant(self) -> int:
        return self.settings.tenant_id


@pytest.fixture
def drafts(book: Book) -> Drafts:
    settings, actor = new_creche(book, vat_number=VAT_NUMBER)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        households = {
            "ADAMS01": add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))[0],
            "BOTHA02": add_family(uow, "BOTHA02", Kid("BOTHA02-1", fees.half_day, TERM))[0],
            "CELE03": add_family(uow, "CELE03", Kid("CELE03-1", fees.plain, TERM))[0],
        }
    created = run_month(book, actor, NOV).created
    assert [(c.number, c.total_cents) for c in created] == [
        (INV1, FULL_DAY),
        (INV2, HALF_DAY),
        (INV3, FULL_DAY),
    ]
    return Drafts(settings, actor, households)


def _give_credit(book: Book, d: Drafts, ref: str, cents: int) -> None:
    with book.write(d.tenant) as uow:
        post_opening_balance(uow, d.actor, d.settings, d.households[ref], -cents, NOV)


def _send(book: Book, d: Drafts, *numbers_: str) -> list[SentInvoice]:
    with book.write(d.tenant) as uow:
        return send_invoices(uow, d.actor, list(numbers_))


def _void(book: Book, d: Drafts, number: str, reason: str = "Billed in error") -> None:
    with book.write(d.tenant) as uow:
        void_invoice(uow, d.actor, number, reason)


def _money(book: Book, d: Drafts, ref: str) -> tuple[int, int, int]:
    """(balance, outstanding, credit) of a household."""
    with book.read(d.tenant) as uow:
        (found,) = [s for s in uow.roster.household_summaries() if s.account_ref == ref]
    return found.balance_cents, found.outstanding_cents, found.credit_cents


def _ledger(book: Book, d: Drafts, ref: str) -> list[tuple[EntryType, int, int]]:
    with book.read(d.tenant) as uow:
        entries = uow.ledger.entries(d.households[ref])
    return [(e.entry_type, e.amount_cents, e.balance_after_cents) for e in entries]


def _check_ok(book: Book, d: Drafts) -> None:
    with book.read(d.tenant) as uow:
        report = check_creche(uow)
    assert report.violations == ()
    assert report.ok


def _status(book: Book, d: Drafts, number: str) -> InvoiceStatus:
    return get(book, d.tenant, number).status


# --------------------------------------------------------------------------- send


def test_send_moves_a_draft_to_sent_and_only_once(book: Book, drafts: Drafts) -> None:
    d = drafts
    counts = row_counts(book)
    actions = audit_actions(book)
    assert _send(book, d, "inv-2026-000001") == [SentInvoice(INV1, InvoiceStatus.SENT, 0, FULL_DAY)]
    inv = get(book, d.tenant, INV1)
    assert (inv.status, inv.amount_paid_cents, inv.balance_due_cents) == (
        InvoiceStatus.SENT,
        0,
        FULL_DAY,
    )
    assert audit_actions(book) - actions == {"invoice.send": 1}
    assert row_counts(book) == {**counts, "audit_log": counts["audit_log"] + 1}
    with book.read() as uow:
        (record,) = uow.audit.latest(d.tenant, limit=1)
    assert (record.action, record.entity, record.entity_id) == (
        "invoice.send",
        "invoice",
        str(inv.id),
    )
    assert record.before == {"status": "DRAFT", "credit_cents": 0}
    assert record.after == {"status": "SENT", "credit_applied_cents": 0}

    with pytest.raises(IllegalTransition) as refused:
        _send(book, d, INV1)
    assert str(refused.value) == f"invoice {INV1} cannot go from SENT to SENT"
    assert _status(book, d, INV1) is InvoiceStatus.SENT
    assert audit_actions(book) - actions == {"invoice.send": 1}
    _check_ok(book, d)


def test_sending_several_is_all_or_nothing(book: Book, drafts: Drafts) -> None:
    d = drafts
    _send(book, d, INV2)
    with pytest.raises(IllegalTransition, match=f"invoice {INV2} cannot go from SENT to SENT"):
        _send(book, d, INV1, INV2)
    assert _status(book, d, INV1) is InvoiceStatus.DRAFT  # rolled back with the refusal
    with pytest.raises(NotFoundError) as unknown:
        _send(book, d, "INV-2026-999999")
    assert str(unknown.value) == "no invoice 'INV-2026-999999' in this creche"


def test_send_applies_credit_smaller_than_the_invoice(book: Book, drafts: Drafts) -> None:
    d = drafts
    _give_credit(book, d, "ADAMS01", 100_000)
    assert _money(book, d, "ADAMS01") == (385_000, 485_000, 100_000)
    ledger_before = _ledger(book, d, "ADAMS01")
    assert ledger_before == [
        (EntryType.CHARGE, 485_000, 485_000),
        (EntryType.CREDIT, -100_000, 385_000),
    ]

    assert _send(book, d, INV1) == [
        SentInvoice(INV1, InvoiceStatus.PARTIALLY_PAID, 100_000, 385_000)
    ]
    inv = get(book, d.tenant, INV1)
    assert (inv.status, inv.amount_paid_cents, inv.balance_due_cents) == (
        InvoiceStatus.PARTIALLY_PAID,
        100_000,
        385_000,
    )
    # The balance does not move (owed less, and no credit left): no ledger entry.
    assert _ledger(book, d, "ADAMS01") == ledger_before
    assert _money(book, d, "ADAMS01") == (385_000, 385_000, 0)
    with book.read(d.tenant) as uow:
        allocations = uow._session.execute(
            select(Allocation.invoice_id, Allocation.payment_id, Allocation.amount_cents)
        ).all()
    assert [tuple(a) for a in allocations] == [(inv.id, None, 100_000)]
    with book.read() as uow:
        (record,) = uow.audit.latest(d.tenant, limit=1)
    assert record.before == {"status": "DRAFT", "credit_cents": 100_000}
    assert record.after == {"status": "PARTIALLY_PAID", "credit_applied_cents": 100_000}
    _check_ok(book, d)


def test_send_applies_credit_larger_than_the_invoice_and_carries_the_rest(
    book: Book, drafts: Drafts
) -> None:
    d = drafts
    _give_credit(book, d, "ADAMS01", 600_000)
    assert _send(book, d, INV1) == [SentInvoice(INV1, InvoiceStatus.PAID, FULL_DAY, 0)]
    inv = get(book, d.tenant, INV1)
    assert (inv.status, inv.amount_paid_cents, inv.balance_due_cents) == (
        InvoiceStatus.PAID,
        FULL_DAY,
        0,
    )
    assert _money(book, d, "ADAMS01") == (-115_000, 0, 115_000)
    _check_ok(book, d)

    # The rest is applied to the household's next invoice as it is sent.
    (december,) = run_month(book, d.actor, DEC).created[:1]
    assert _send(book, d, december.number) == [
        SentInvoice(december.number, InvoiceStatus.PARTIALLY_PAID, 115_000, 370_000)
    ]
    assert _money(book, d, "ADAMS01") == (370_000, 370_000, 0)
    # A household without credit is sent as it is.
    assert _send(book, d, INV2) == [SentInvoice(INV2, InvoiceStatus.SENT, 0, HALF_DAY)]
    _check_ok(book, d)


def test_credit_exactly_the_invoice_pays_it(book: Book, drafts: Drafts) -> None:
    d = drafts
    _give_credit(book, d, "BOTHA02", HALF_DAY)
    assert _send(book, d, INV2) == [SentInvoice(INV2, InvoiceStatus.PAID, HALF_DAY, 0)]
    assert _money(book, d, "BOTHA02") == (0, 0, 0)
    _check_ok(book, d)


def test_send_month_sends_only_that_months_drafts(book: Book, drafts: Drafts) -> None:
    d = drafts
    december = [c.number for c in run_month(book, d.actor, DEC).created]
    assert december == ["INV-2026-000004", "INV-2026-000005", "INV-2026-000006"]
    with book.write(d.tenant) as uow:
        ad_hoc = new_ad_hoc_invoice(
            uow, d.actor, "BOTHA02-1", NOV.replace(day=12), [AdHocLine(LineType.BOOKS, 9_900)]
        ).number
    _send(book, d, INV1)

    with book.write(d.tenant) as uow:
        sent = send_month(uow, d.actor, dt.date(2026, 11, 30))  # any day of the month
    assert sent == [
        SentInvoice(INV2, InvoiceStatus.SENT, 0, HALF_DAY),
        SentInvoice(INV3, InvoiceStatus.SENT, 0, FULL_DAY),
    ]
    status = {i.number: i.status for i in invoices(book, d.tenant)}
    assert status == {
        INV1: InvoiceStatus.SENT,
        INV2: InvoiceStatus.SENT,
        INV3: InvoiceStatus.SENT,
        "INV-2026-000004": InvoiceStatus.DRAFT,
        "INV-2026-000005": InvoiceStatus.DRAFT,
        "INV-2026-000006": InvoiceStatus.DRAFT,
        ad_hoc: InvoiceStatus.DRAFT,
    }
    with book.write(d.tenant) as uow:
        assert send_month(uow, d.actor, NOV) == []
    _check_ok(book, d)


# --------------------------------------------------------------------------- void


@pytest.mark.parametrize("sent_first", [False, True], ids=["draft", "sent"])
def test_void_reverses_the_charge(book: Book, drafts: Drafts, sent_first: bool) -> None:
    d = drafts
    if sent_first:
        _send(book, d, INV1)
    actions = audit_actions(book)
    with book.write(d.tenant) as uow:
        voided = void_invoice(uow, d.actor, INV1, "  Duplicate of a manual invoice  ")
    assert (voided.number, voided.status, voided.void_reason) == (
        INV1,
        InvoiceStatus.VOID,
        "Duplicate of a manual invoice",
    )
    assert voided.total_cents == FULL_DAY  # the invoice keeps its amounts and number
    with book.read(d.tenant) as uow:
        entries = uow.ledger.entries(d.households["ADAMS01"])
    assert [(e.entry_type, e.amount_cents, e.balance_after_cents) for e in entries] == [
        (EntryType.CHARGE, FULL_DAY, FULL_DAY),
        (EntryType.REVERSAL, -FULL_DAY, 0),
    ]
    reversal = entries[1]
    assert reversal.description == f"Void {INV1}: Duplicate of a manual invoice"
    assert (reversal.source_type, reversal.source_id) == ("invoice", voided.id)
    assert reversal.entry_date == dt.date.today()  # noqa: DTZ011 - the service dates it today
    assert _money(book, d, "ADAMS01") == (0, 0, 0)
    with book.read(d.tenant) as uow:
        outstanding = [
            i.number
            for i in find_invoices(uow, InvoiceFilter())
            if i.status is not InvoiceStatus.VOID and i.balance_due_cents
        ]
        assert [i.number for i in find_invoices(uow, InvoiceFilter(status=InvoiceStatus.VOID))] == [
            INV1
        ]
    assert outstanding == [INV2, INV3]
    assert audit_actions(book) - actions == {"invoice.void": 1, "ledger.post": 1}
    with book.read() as uow:
        (void_record,) = [r for r in uow.audit.latest(d.tenant, 5) if r.action == "invoice.void"]
    assert void_record.before == {"status": "SENT" if sent_first else "DRAFT"}
    assert void_record.after == {
        "status": "VOID",
        "reason": "Duplicate of a manual invoice",
        "charges_released": 0,
    }
    _check_ok(book, d)


@pytest.mark.parametrize("reason", ["", "   "])
def test_void_needs_a_reason(book: Book, drafts: Drafts, reason: str) -> None:
    d = drafts
    counts = row_counts(book)
    with pytest.raises(RuleViolation) as refused:
        _void(book, d, INV1, reason)
    assert str(refused.value) == "a reason is needed to void an invoice"
    assert _status(book, d, INV1) is InvoiceStatus.DRAFT
    assert row_counts(book) == counts


def test_void_is_refused_once_money_is_allocated_or_past_sent(book: Book, drafts: Drafts) -> None:
    d = drafts
    _give_credit(book, d, "ADAMS01", 100_000)
    _give_credit(book, d, "BOTHA02", 400_000)
    sent = _send(book, d, INV1, INV2, INV3)
    assert [s.status for s in sent] == [
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
        InvoiceStatus.SENT,
    ]
    with book.write(d.tenant) as uow:
        assert mark_overdue(uow, d.actor, dt.date(2026, 11, 8)) == [INV3]
    counts = row_counts(book)
    for number, status in (
        (INV1, "PARTIALLY_PAID"),
        (INV2, "PAID"),
        (INV3, "OVERDUE"),
    ):
        with pytest.raises(RuleViolation) as refused:
            _void(book, d, number)
        assert str(refused.value) == f"invoice {number} cannot go from {status} to VOID"
    assert row_counts(book) == counts
    assert [_status(book, d, n) for n in (INV1, INV2, INV3)] == [
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
        InvoiceStatus.OVERDUE,
    ]
    _check_ok(book, d)


def test_void_twice_is_refused(book: Book, drafts: Drafts) -> None:
    d = drafts
    _void(book, d, INV2)
    counts = row_counts(book)
    with pytest.raises(IllegalTransition) as refused:
        _void(book, d, INV2, "again")
    assert str(refused.value) == f"invoice {INV2} cannot go from VOID to VOID"
    with pytest.raises(IllegalTransition, match="cannot go from VOID to SENT"):
        _send(book, d, INV2)
    with pytest.raises(NotFoundError, match="no invoice 'INV-2026-000099' in this creche"):
        _void(book, d, "INV-2026-000099")
    assert row_counts(book) == counts
    assert _ledger(book, d, "BOTHA02") == [
        (EntryType.CHARGE, HALF_DAY, HALF_DAY),
        (EntryType.REVERSAL, -HALF_DAY, 0),
    ]


def test_after_a_void_the_run_bills_the_child_again_with_the_next_number(
    book: Book, drafts: Drafts
) -> None:
    d = drafts
    # A December run and a charge for Botha first, so the charge is on the voided invoice.
    with book.write(d.tenant) as uow:
        add_charge(uow, d.actor, "BOTHA02-1", LineType.STATIONERY, 11_500, DEC.replace(day=3))
    run_month(book, d.actor, DEC)
    (botha_dec,) = invoices(book, d.tenant, month=DEC, household_ref="BOTHA02")
    assert botha_dec.number == "INV-2026-000005"
    assert line_summary(botha_dec)[1:] == [("STATIONERY", "Stationery", 10_000, 1_500, 11_500)]

    with book.write(d.tenant) as uow:
        voided = void_invoice(uow, d.actor, botha_dec.number, "Wrong fee")
    assert voided.status is InvoiceStatus.VOID
    with book.read() as uow:
        (record,) = [r for r in uow.audit.latest(d.tenant, 5) if r.action == "invoice.void"]
    assert record.after is not None
    assert record.after["charges_released"] == 1

    again = run_month(book, d.actor, DEC)
    assert [c.number for c in again.created] == ["INV-2026-000007"]
    assert len(again.skipped_child_ids) == 2
    renewed = get(book, d.tenant, "INV-2026-000007")
    assert renewed.child_ref == "BOTHA02-1"
    assert line_summary(renewed) == line_summary(botha_dec)  # the charge is billed again
    assert get(book, d.tenant, botha_dec.number).status is InvoiceStatus.VOID
    assert [i.number for i in invoices(book, d.tenant, month=DEC)] == [
        "INV-2026-000004",
        "INV-2026-000005",
        "INV-2026-000006",
        "INV-2026-000007",
    ]
    assert last_numbers(book) == {2026: 7}
    total = HALF_DAY + 11_500
    assert _ledger(book, d, "BOTHA02") == [
        (EntryType.CHARGE, HALF_DAY, HALF_DAY),
        (EntryType.CHARGE, total, HALF_DAY + total),
        (EntryType.REVERSAL, -total, HALF_DAY),
        (EntryType.CHARGE, total, HALF_DAY + total),
    ]
    # A third run has nothing left to do.
    assert run_month(book, d.actor, DEC).created == ()
    _check_ok(book, d)


# --------------------------------------------------------------------------- overdue


def test_mark_overdue_takes_sent_invoices_past_due_with_a_balance(
    book: Book, drafts: Drafts
) -> None:
    d = drafts
    _give_credit(book, d, "BOTHA02", 100_000)  # -> PARTIALLY_PAID
    _give_credit(book, d, "CELE03", FULL_DAY)  # -> PAID
    _send(book, d, INV1, INV2, INV3)
    run_month(book, d.actor, DEC)  # DRAFTs due 7 December
    with book.write(d.tenant) as uow:
        ad_hoc = new_ad_hoc_invoice(
            uow, d.actor, "ADAMS01-1", dt.date(2026, 11, 21), [AdHocLine(LineType.BOOKS, 5_000)]
        )
    assert ad_hoc.due_date == dt.date(2026, 12, 7)
    _send(book, d, ad_hoc.number)
    actions = audit_actions(book)

    with book.write(d.tenant) as uow:
        assert mark_overdue(uow, d.actor, dt.date(2026, 11, 7)) == []  # the due date itself
    with book.write(d.tenant) as uow:
        assert mark_overdue(uow, d.actor, dt.date(2026, 11, 8)) == [INV1]
    assert audit_actions(book) - actions == {"invoice.overdue": 1}
    with book.read() as uow:
        (record,) = uow.audit.latest(d.tenant, limit=1)
    assert (record.action, record.entity_id) == (
        "invoice.overdue",
        str(get(book, d.tenant, INV1).id),
    )
    assert record.before == {"status": "SENT"}
    assert record.after == {"status": "OVERDUE", "as_of": "2026-11-08"}

    with book.write(d.tenant) as uow:
        # INV1 is OVERDUE already; December's are DRAFTs; the ad-hoc one is now past due.
        assert mark_overdue(uow, d.actor, dt.date(2026, 12, 8)) == [ad_hoc.number]
    status = {i.number: i.status for i in invoices(book, d.tenant)}
    assert status[INV1] is InvoiceStatus.OVERDUE
    assert status[INV2] is InvoiceStatus.PARTIALLY_PAID
    assert status[INV3] is InvoiceStatus.PAID
    assert status[ad_hoc.number] is InvoiceStatus.OVERDUE
    assert {status[n] for n in ("INV-2026-000004", "INV-2026-000005", "INV-2026-000006")} == {
        InvoiceStatus.DRAFT
    }
    with pytest.raises(IllegalTransition, match=f"invoice {INV1} cannot go from OVERDUE to SENT"):
        _send(book, d, INV1)
    owed = 2 * FULL_DAY + 5_000  # November, December and the ad-hoc invoice
    assert _money(book, d, "ADAMS01") == (owed, owed, 0)
    _check_ok(book, d)


# --------------------------------------------------------------------------- ad hoc


def test_an_ad_hoc_invoice_with_vat_inside_the_price(book: Book, drafts: Drafts) -> None:
    d = drafts
    actions = audit_actions(book)
    with book.write(d.tenant) as uow:
        inv = new_ad_hoc_invoice(
            uow,
            d.actor,
            "adams01-1",
            dt.date(2026, 11, 21),
            [
                AdHocLine(LineType.UNIFORM, 35_000, "Winter jersey"),
                AdHocLine(LineType.AD_HOC, 12_000, "Photo day", exempt=True),
                AdHocLine(LineType.AD_HOC, 23_000),
            ],
        )
    assert inv == get(book, d.tenant, "INV-2026-000004")
    assert (inv.kind, inv.status, inv.billing_month, inv.child_ref, inv.household_ref) == (
        InvoiceKind.AD_HOC,
        InvoiceStatus.DRAFT,
        None,
        "ADAMS01-1",
        "ADAMS01",
    )
    assert (inv.issue_date, inv.due_date) == (dt.date(2026, 11, 21), dt.date(2026, 12, 7))
    assert line_summary(inv) == [
        ("UNIFORM", "Winter jersey", 30_435, 4_565, 35_000),  # 35 000 x 15/115 = 4 565.22
        ("AD_HOC", "Photo day", 12_000, 0, 12_000),
        ("AD_HOC", "Ad hoc", 20_000, 3_000, 23_000),
    ]
    assert [line.vat_treatment for line in inv.lines] == [
        VatTreatment.STANDARD,
        VatTreatment.EXEMPT,
        VatTreatment.STANDARD,
    ]
    assert (inv.subtotal_cents, inv.vat_cents, inv.total_cents, inv.balance_due_cents) == (
        62_435,
        7_565,
        70_000,
        70_000,
    )
    with book.read(d.tenant) as uow:
        entries = uow.ledger.entries(d.households["ADAMS01"])
    assert [(e.entry_type, e.amount_cents, e.balance_after_cents) for e in entries] == [
        (EntryType.CHARGE, FULL_DAY, FULL_DAY),
        (EntryType.CHARGE, 70_000, FULL_DAY + 70_000),
    ]
    assert (entries[1].entry_date, entries[1].description, entries[1].source_id) == (
        dt.date(2026, 11, 21),
        "Invoice INV-2026-000004",
        inv.id,
    )
    assert audit_actions(book) - actions == {"invoice.create": 1, "ledger.post": 1}
    with book.read() as uow:
        (record,) = [r for r in uow.audit.latest(d.tenant, 2) if r.action == "invoice.create"]
    assert record.after == {"number": "INV-2026-000004", "kind": "AD_HOC", "total": "700.00"}
    # It goes on like any other invoice.
    assert _send(book, d, inv.number) == [SentInvoice(inv.number, InvoiceStatus.SENT, 0, 70_000)]
    _void(book, d, inv.number)
    assert _money(book, d, "ADAMS01") == (FULL_DAY, FULL_DAY, 0)
    _check_ok(book, d)


@pytest.mark.parametrize(
    ("vat_number", "include", "uniform"),
    [
        (VAT_NUMBER, "no", (35_000, 5_250, 40_250)),
        ("", "yes", (35_000, 0, 35_000)),
        ("", "no", (35_000, 0, 35_000)),
    ],
    ids=["exclusive", "unregistered", "unregistered-exclusive"],
)
def test_ad_hoc_vat_follows_the_creche(
    book: Book, vat_number: str, include: str, uniform: tuple[int, int, int]
) -> None:
    settings, actor = new_creche(book, vat_number=vat_number, prices_include_vat=include)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))
        inv = new_ad_hoc_invoice(
            uow, actor, "ADAMS01-1", NOV, [AdHocLine(LineType.UNIFORM, 35_000, "Jersey")]
        )
    assert inv.number == "INV-2026-000001"
    assert line_summary(inv) == [("UNIFORM", "Jersey", *uniform)]
    assert inv.total_cents == uniform[2]
    with book.read(settings.tenant_id) as uow:
        (entry,) = uow.ledger.entries(inv.recipient.household_id)
        assert check_creche(uow).ok
    assert entry.amount_cents == uniform[2]


def test_ad_hoc_due_date_is_the_next_due_day_on_or_after_the_issue_date(
    book: Book, drafts: Drafts
) -> None:
    d = drafts
    got = {}
    for issued in (
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 7),
        dt.date(2026, 12, 8),
        dt.date(2027, 1, 5),
    ):
        with book.write(d.tenant) as uow:
            inv = new_ad_hoc_invoice(
                uow, d.actor, "CELE03-1", issued, [AdHocLine(LineType.SCHOOL_TRIP, 2_300)]
            )
        got[issued] = (inv.number, inv.due_date)
    assert got == {
        dt.date(2026, 11, 21): ("INV-2026-000004", dt.date(2026, 12, 7)),
        dt.date(2026, 11, 3): ("INV-2026-000005", dt.date(2026, 11, 7)),
        dt.date(2026, 11, 7): ("INV-2026-000006", dt.date(2026, 11, 7)),
        dt.date(2026, 12, 8): ("INV-2026-000007", dt.date(2027, 1, 7)),
        dt.date(2027, 1, 5): ("INV-2027-000001", dt.date(2027, 1, 7)),
    }


def test_ad_hoc_refusals_write_nothing_and_use_no_number(book: Book, drafts: Drafts) -> None:
    d = drafts
    counts = row_counts(book)
    day = dt.date(2026, 11, 21)
    refusals: list[tuple[str, list[AdHocLine], type[Exception], str]] = [
        (
            "ADAMS01-1",
            [AdHocLine(LineType.MONTHLY_FEE, 485_000)],
            RuleViolation,
            "MONTHLY_FEE lines come from the monthly run or the ledger, not an ad-hoc invoice",
        ),
        (
            "ADAMS01-1",
            [AdHocLine(LineType.UNIFORM, 1_000), AdHocLine(LineType.DISCOUNT, 500)],
            RuleViolation,
            "DISCOUNT lines come from the monthly run or the ledger, not an ad-hoc invoice",
        ),
        (
            "ADAMS01-1",
            [AdHocLine(LineType.REGISTRATION, 75_000)],
            RuleViolation,
            "REGISTRATION lines come from the monthly run or the ledger, not an ad-hoc invoice",
        ),
        (
            "ADAMS01-1",
            [AdHocLine(LineType.UNIFORM, 0)],
            RuleViolation,
            "each line needs an amount above zero",
        ),
        (
            "ADAMS01-1",
            [AdHocLine(LineType.UNIFORM, -100)],
            RuleViolation,
            "each line needs an amount above zero",
        ),
        ("ADAMS01-1", [], RuleViolation, "an invoice needs at least one line"),
        (
            "NOBODY-9",
            [AdHocLine(LineType.UNIFORM, 1_000)],
            NotFoundError,
            "no child 'NOBODY-9' in this creche",
        ),
    ]
    for child, lines, error, message in refusals:
        with pytest.raises(error) as refused, book.write(d.tenant) as uow:
            new_ad_hoc_invoice(uow, d.actor, child, day, lines)
        assert str(refused.value) == message
    assert row_counts(book) == counts
    assert last_numbers(book) == {2026: 3}
    with book.write(d.tenant) as uow:
        inv = new_ad_hoc_invoice(uow, d.actor, "ADAMS01-1", day, [AdHocLine(LineType.UNIFORM, 1)])
    assert inv.number == "INV-2026-000004"


# --------------------------------------------------------------------------- reads, roles


def test_get_and_find_invoices(book: Book, drafts: Drafts) -> None:
    d = drafts
    run_month(book, d.actor, DEC)
    _send(book, d, INV2)
    with book.read(d.tenant) as uow:
        assert get_invoice(uow, " inv-2026-000002 ").number == INV2
        with pytest.raises(NotFoundError, match="no invoice 'INV-2099-000001' in this creche"):
            get_invoice(uow, "INV-2099-000001")

        def found(**where: object) -> list[str]:
            return numbers(find_invoices(uow, InvoiceFilter(**where)))  # type: ignore[arg-type]

        assert found() == [f"INV-2026-00000{n}" for n in range(1, 7)]
        assert found(month=DEC) == ["INV-2026-000004", "INV-2026-000005", "INV-2026-000006"]
        assert found(status=InvoiceStatus.SENT) == [INV2]
        assert found(month=NOV, status=InvoiceStatus.DRAFT) == [INV1, INV3]
        assert found(household_ref="botha02") == [INV2, "INV-2026-000005"]
        assert found(text="cele03") == [INV3, "INV-2026-000006"]
        assert found(text="000004") == ["INV-2026-000004"]
        assert found(text="03-1 CELE") == [INV3, "INV-2026-000006"]  # the child's full name
        assert found(text="parent of botha") == [INV2, "INV-2026-000005"]
        assert found(household_ref="NOBODY") == []


def test_an_owner_viewer_may_not_change_invoices(book: Book, drafts: Drafts) -> None:
    d = drafts
    with book.write(d.tenant) as uow:
        add_user(uow, d.actor, "olivia", Role.OWNER_VIEWER, None)
    with book.read(d.tenant) as uow:
        viewer = acting_user(uow, d.tenant, "olivia")
    counts = row_counts(book)
    attempts = [
        lambda uow: send_invoices(uow, viewer, [INV1]),
        lambda uow: send_month(uow, viewer, NOV),
        lambda uow: void_invoice(uow, viewer, INV1, "no"),
        lambda uow: mark_overdue(uow, viewer, dt.date(2026, 12, 31)),
        lambda uow: new_ad_hoc_invoice(
            uow, viewer, "ADAMS01-1", NOV, [AdHocLine(LineType.UNIFORM, 100)]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as refused, book.write(d.tenant) as uow:
            attempt(uow)
        assert str(refused.value) == "olivia (owner-viewer) may not record money movements"
    assert row_counts(book) == counts
    assert {i.status for i in invoices(book, d.tenant)} == {InvoiceStatus.DRAFT}
