"""Recording, previewing and reversing payments (services.payments), SQLite and PostgreSQL.

The creche (no VAT, no sibling discount) bills ADAMS01 for two children —
R 4 850 and R 3 200 a month — and BOTHA02 for one (R 4 850). October and
November are sent (due 7 October and 7 November); December is left DRAFT
where a test needs one. After every service call the book's invariants are
checked (``crechebooks check``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Allocation, AuditRecord, LedgerEntry, Payment
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus, PaymentMethod
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_lifecycle import (
    mark_overdue,
    send_month,
    void_invoice,
)
from crechebooks_desktop.services.ledger.credits import refund_credit
from crechebooks_desktop.services.ledger.household_balances import household_balances
from crechebooks_desktop.services.ledger.payments import (
    RecordedPayment,
    ReversedPayment,
    add_payment,
    preview_payment,
    reverse_payment,
)
from tests.billing_fixtures import (
    FULL_DAY,
    HALF_DAY,
    Kid,
    add_family,
    add_fees,
    new_creche,
    run_month,
)
from tests.billing_fixtures import invoices as find

S = InvoiceStatus
TERM = dt.date(2026, 1, 14)
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
ALL_FOUR = 2 * (FULL_DAY + HALF_DAY)  # ADAMS01's October and November


@dataclass(frozen=True)
class Audited:
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Family:
    """The book, its creche and ADAMS01's invoices, oldest first.

    Attributes:
        oct_full, oct_half, nov_full, nov_half: ADAMS01's invoice numbers.
        botha: BOTHA02's October invoice.
    """

    book: Book
    settings: CrecheSettings
    actor: Actor
    oct_full: str
    oct_half: str
    nov_full: str
    nov_half: str
    botha: str

    @property
    def tenant(self) -> int:
        return self.settings.tenant_id

    def write(self, action: Callable[[UnitOfWork], Any]) -> Any:
        """Run a service in one transaction, then check every invariant."""
        with self.book.write(self.tenant) as uow:
            result = action(uow)
        self.check()
        return result

    def check(self) -> None:
        with self.book.read(self.tenant) as uow:
            report = check_creche(uow)
        assert report.violations == ()
        assert report.ok

    def pay(
        self,
        cents: int,
        day: dt.date = dt.date(2026, 11, 10),
        requested: list[tuple[str, int]] | None = None,
        ref: str = "ADAMS01",
        method: PaymentMethod = PaymentMethod.EFT,
        reference: str | None = None,
    ) -> RecordedPayment:
        return self.write(  # type: ignore[no-any-return]
            lambda uow: add_payment(uow, self.actor, ref, cents, day, method, reference, requested)
        )

    def reverse(
        self, payment_id: int, day: dt.date = dt.date(2026, 11, 20), reason: str = "Bounced"
    ) -> ReversedPayment:
        return self.write(  # type: ignore[no-any-return]
            lambda uow: reverse_payment(uow, self.actor, payment_id, reason, day)
        )

    def state(self, number: str) -> tuple[InvoiceStatus, int]:
        with self.book.read(self.tenant) as uow:
            found = uow.invoices.get(number)
        assert found is not None
        return found.status, found.balance_due_cents

    def position(self, ref: str = "ADAMS01") -> tuple[int, int, int]:
        """(balance, outstanding, credit)."""
        with self.book.read(self.tenant) as uow:
            (found,) = [b for b in household_balances(uow) if b.household_ref == ref]
        return found.balance_cents, found.outstanding_cents, found.credit_cents

    def entries(self, ref: str = "ADAMS01") -> list[tuple[EntryType, int, int]]:
        with self.book.read(self.tenant) as uow:
            household = uow.roster.household_id(ref)
            assert household is not None
            return [
                (e.entry_type, e.amount_cents, e.balance_after_cents)
                for e in uow.ledger.entries(household)
            ]

    def household_id(self, ref: str = "ADAMS01") -> int:
        with self.book.read(self.tenant) as uow:
            found = uow.roster.household_id(ref)
        assert found is not None
        return found

    def audit(self, entity: str, entity_id: object) -> list[Audited]:
        """The audit records of one thing, oldest first."""
        with self.book.read() as uow:
            rows = uow._session.execute(
                select(AuditRecord.action, AuditRecord.before, AuditRecord.after)
                .where(AuditRecord.entity == entity, AuditRecord.entity_id == str(entity_id))
                .order_by(AuditRecord.id)
            )
            return [Audited(action, before, after) for action, before, after in rows]

    def counts(self) -> dict[str, int]:
        """Rows of the tables a money command writes to."""
        with self.book.read() as uow:
            session = uow._session
            return {
                model.__tablename__: int(
                    session.scalar(select(func.count()).select_from(model)) or 0
                )
                for model in (Payment, Allocation, LedgerEntry, AuditRecord)
            }

    def refused(self, action: Callable[[UnitOfWork], Any], match: str) -> None:
        """The service refuses, one line, and nothing is written."""
        before = self.counts()
        states = {n: self.state(n) for n in (self.oct_full, self.oct_half, self.nov_full)}
        with (
            pytest.raises(RuleViolation, match=match) as refused,
            self.book.write(self.tenant) as uow,
        ):
            action(uow)
        assert "\n" not in str(refused.value)
        assert self.counts() == before
        assert {n: self.state(n) for n in states} == states
        self.check()


def build_family(book: Book) -> Family:
    """The creche of this module's docstring."""
    settings, actor = new_creche(book, sibling_discounts="")
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(
            uow,
            "ADAMS01",
            Kid("ADAMS01-1", fees.plain, TERM),
            Kid("ADAMS01-2", fees.half_day, TERM),
        )
        add_family(uow, "BOTHA02", Kid("BOTHA02-1", fees.plain, TERM))
    for month in (OCT, NOV):
        run_month(book, actor, month)
        with book.write(settings.tenant_id) as uow:
            send_month(uow, actor, month)

    def number(child: str, month: dt.date) -> str:
        (found,) = [i for i in find(book, settings.tenant_id, month=month) if i.child_ref == child]
        return found.number

    return Family(
        book,
        settings,
        actor,
        number("ADAMS01-1", OCT),
        number("ADAMS01-2", OCT),
        number("ADAMS01-1", NOV),
        number("ADAMS01-2", NOV),
        number("BOTHA02-1", OCT),
    )


@pytest.fixture
def family(book: Book) -> Family:
    built = build_family(book)
    built.check()
    # Oldest first is (due date, number): the full-day child was invoiced first.
    assert built.oct_full < built.oct_half < built.nov_full < built.nov_half
    assert built.position() == (ALL_FOUR, ALL_FOUR, 0)
    return built


def drafts_for_december(f: Family) -> tuple[str, str]:
    """December's run for everyone, left DRAFT; ADAMS01's two numbers."""
    run_month(f.book, f.actor, DEC)
    f.check()
    found = [i for i in find(f.book, f.tenant, month=DEC) if i.household_ref == "ADAMS01"]
    return found[0].number, found[1].number


# --------------------------------------------------------------------------- add


def test_an_exact_payment_pays_the_oldest_invoice(family: Family) -> None:
    f = family
    paid = f.pay(FULL_DAY, reference="ADAMS01 Oct")
    assert [(a.number, a.cents, a.status_after) for a in paid.allocations] == [
        (f.oct_full, FULL_DAY, S.PAID)
    ]
    assert (paid.amount_cents, paid.credit_cents, paid.household_ref) == (FULL_DAY, 0, "ADAMS01")
    assert paid.as_json() == {
        "payment_id": paid.payment_id,
        "amount_cents": FULL_DAY,
        "allocations": [{"invoice": f.oct_full, "amount_cents": FULL_DAY}],
        "credit_cents": 0,
    }
    assert f.state(f.oct_full) == (S.PAID, 0)
    assert f.state(f.oct_half) == (S.SENT, HALF_DAY)
    assert f.entries()[-1] == (EntryType.PAYMENT, -FULL_DAY, ALL_FOUR - FULL_DAY)
    assert f.position() == (ALL_FOUR - FULL_DAY, ALL_FOUR - FULL_DAY, 0)
    with f.book.read(f.tenant) as uow:
        (entry,) = [
            e for e in uow.ledger.entries(f.household_id()) if e.entry_type is EntryType.PAYMENT
        ]
        stored = uow.payments.get(paid.payment_id)
    (record,) = f.audit("payment", paid.payment_id)
    assert (entry.description, entry.source_type, entry.source_id, entry.entry_date) == (
        "Payment by EFT: ADAMS01 Oct",
        "payment",
        paid.payment_id,
        dt.date(2026, 11, 10),
    )
    assert stored is not None
    assert (stored.method, stored.reference, stored.reversed_at) == (
        PaymentMethod.EFT,
        "ADAMS01 Oct",
        None,
    )
    assert record.action == "payment.add"
    assert record.after is not None
    assert record.after["allocations"] == [
        {
            "invoice": f.oct_full,
            "amount_cents": FULL_DAY,
            "status_before": "SENT",
            "status_after": "PAID",
            "balance_due_cents": 0,
        }
    ]


def test_a_partial_payment_leaves_a_balance(family: Family) -> None:
    f = family
    paid = f.pay(100_000, method=PaymentMethod.CASH)
    assert [(a.number, a.cents, a.status_after) for a in paid.allocations] == [
        (f.oct_full, 100_000, S.PARTIALLY_PAID)
    ]
    assert f.state(f.oct_full) == (S.PARTIALLY_PAID, FULL_DAY - 100_000)
    # A second payment finishes it and moves on to the next invoice.
    second = f.pay(FULL_DAY - 100_000 + 1_000)
    assert [(a.number, a.cents, a.status_after) for a in second.allocations] == [
        (f.oct_full, FULL_DAY - 100_000, S.PAID),
        (f.oct_half, 1_000, S.PARTIALLY_PAID),
    ]
    assert f.position() == (ALL_FOUR - FULL_DAY - 1_000, ALL_FOUR - FULL_DAY - 1_000, 0)


def test_an_over_payment_settles_every_invoice_oldest_first_and_the_rest_is_credit(
    family: Family,
) -> None:
    f = family
    paid = f.pay(ALL_FOUR + 50_000, method=PaymentMethod.DEBIT_ORDER)
    assert [(a.number, a.cents, a.status_after) for a in paid.allocations] == [
        (f.oct_full, FULL_DAY, S.PAID),
        (f.oct_half, HALF_DAY, S.PAID),
        (f.nov_full, FULL_DAY, S.PAID),
        (f.nov_half, HALF_DAY, S.PAID),
    ]
    assert paid.credit_cents == 50_000
    assert f.position() == (-50_000, 0, 50_000)
    # Another household's invoices are never touched.
    assert f.state(f.botha) == (S.SENT, FULL_DAY)
    # With nothing open, all of a payment is credit.
    more = f.pay(10_000)
    assert (more.allocations, more.credit_cents) == ((), 10_000)
    assert f.position() == (-60_000, 0, 60_000)


def test_overdue_invoices_take_payments_too(family: Family) -> None:
    f = family
    f.write(lambda uow: mark_overdue(uow, f.actor, dt.date(2026, 10, 20)))
    assert f.state(f.oct_full)[0] is S.OVERDUE
    paid = f.pay(FULL_DAY + 100_000, dt.date(2026, 10, 21))
    assert [(a.status_before, a.status_after) for a in paid.allocations] == [
        (S.OVERDUE, S.PAID),
        (S.OVERDUE, S.PARTIALLY_PAID),
    ]


def test_explicit_pairs_go_where_they_are_told_and_the_rest_is_credit(family: Family) -> None:
    f = family
    paid = f.pay(500_000, requested=[(f.nov_half.lower(), HALF_DAY), (f.oct_full, 100_000)])
    assert [(a.number, a.cents, a.status_after) for a in paid.allocations] == [
        (f.nov_half, HALF_DAY, S.PAID),
        (f.oct_full, 100_000, S.PARTIALLY_PAID),
    ]
    assert paid.credit_cents == 500_000 - HALF_DAY - 100_000
    assert f.state(f.oct_half) == (S.SENT, HALF_DAY)
    assert f.position() == (ALL_FOUR - 500_000, ALL_FOUR - HALF_DAY - 100_000, 80_000)


def test_explicit_refusals_write_nothing(family: Family) -> None:
    f = family
    december = drafts_for_december(f)
    f.write(lambda uow: void_invoice(uow, f.actor, december[1], "Billed twice"))
    f.pay(FULL_DAY, requested=[(f.oct_full, FULL_DAY)])  # now PAID

    def attempt(*requested: tuple[str, int], cents: int = 500_000) -> Callable[[UnitOfWork], Any]:
        return lambda uow: add_payment(
            uow, f.actor, "ADAMS01", cents, NOV, PaymentMethod.EFT, None, list(requested)
        )

    f.refused(attempt((f.oct_half, HALF_DAY + 1)), "more than the balance due on invoice")
    f.refused(
        attempt((f.oct_half, 300_000), (f.nov_full, 300_000)),
        "add up to R 6 000,00, more than the R 5 000,00",
    )
    f.refused(attempt(("INV-2099-000001", 1)), "INV-2099-000001 is not an invoice of this")
    f.refused(attempt((f.botha, 1)), f"{f.botha} is not an invoice of this household")
    f.refused(attempt((december[0], 1)), f"{december[0]} is DRAFT; money can be allocated")
    f.refused(attempt((december[1], 1)), f"{december[1]} is VOID")
    f.refused(attempt((f.oct_full, 1)), r"balance due on invoice .* \(R 0,00\)")
    f.refused(attempt((f.oct_half, 0)), "must be more than zero")
    f.refused(attempt((f.oct_half, 1), (f.oct_half, 1)), "named twice")


def test_automatic_allocation_leaves_drafts_to_the_credit_applied_when_sent(
    family: Family,
) -> None:
    f = family
    december = drafts_for_december(f)
    paid = f.pay(ALL_FOUR + FULL_DAY + 1_000)
    assert [a.number for a in paid.allocations] == [
        f.oct_full,
        f.oct_half,
        f.nov_full,
        f.nov_half,
    ]
    assert paid.credit_cents == FULL_DAY + 1_000
    assert f.state(december[0]) == (S.DRAFT, FULL_DAY)
    sent = f.write(lambda uow: send_month(uow, f.actor, DEC))
    applied = {s.number: (s.status, s.credit_applied_cents) for s in sent}
    assert applied[december[0]] == (S.PAID, FULL_DAY)
    assert applied[december[1]] == (S.PARTIALLY_PAID, 1_000)
    assert f.position() == (HALF_DAY - 1_000, HALF_DAY - 1_000, 0)


@pytest.mark.parametrize(
    ("cents", "ref", "reference", "error", "match"),
    [
        (0, "ADAMS01", None, RuleViolation, "a payment must be more than zero"),
        (-100, "ADAMS01", None, RuleViolation, r"more than zero \(got -R 1,00\)"),
        (100, "NOBODY", None, NotFoundError, "no household 'NOBODY' in this creche"),
        (100, "ADAMS01", "x" * 201, RuleViolation, "reference is too long"),
    ],
)
def test_bad_payments_are_refused(
    family: Family,
    cents: int,
    ref: str,
    reference: str | None,
    error: type[Exception],
    match: str,
) -> None:
    f = family
    before = f.counts()
    with pytest.raises(error, match=match), f.book.write(f.tenant) as uow:
        add_payment(uow, f.actor, ref, cents, NOV, PaymentMethod.CARD, reference)
    assert f.counts() == before
    f.check()


def test_an_owner_viewer_may_not_record_or_reverse(family: Family) -> None:
    f = family
    paid = f.pay(1_000)
    f.write(lambda uow: add_user(uow, f.actor, "olivia", Role.OWNER_VIEWER, None))
    with f.book.read(f.tenant) as uow:
        viewer = acting_user(uow, f.tenant, "olivia")
    before = f.counts()
    for attempt in (
        lambda uow: add_payment(uow, viewer, "ADAMS01", 100, NOV, PaymentMethod.EFT),
        lambda uow: reverse_payment(uow, viewer, paid.payment_id, "no"),
    ):
        with pytest.raises(PermissionDenied, match="olivia"), f.book.write(f.tenant) as uow:
            attempt(uow)
    assert f.counts() == before
    # A bookkeeper may.
    f.write(lambda uow: add_user(uow, f.actor, "bea", Role.BOOKKEEPER, None))
    with f.book.read(f.tenant) as uow:
        bookkeeper = acting_user(uow, f.tenant, "bea")
    f.write(lambda uow: add_payment(uow, bookkeeper, "ADAMS01", 100, NOV, PaymentMethod.EFT))


def test_preview_shows_the_plan_and_writes_nothing(family: Family) -> None:
    f = family
    before = f.counts()
    with f.book.read(f.tenant) as uow:
        plan = preview_payment(uow, "adams01", FULL_DAY + HALF_DAY + 10)
        explicit = preview_payment(uow, "ADAMS01", 10_000, [(f.nov_full, 2_000)])
        with pytest.raises(RuleViolation, match="more than the balance due"):
            preview_payment(uow, "ADAMS01", 10_000_000, [(f.nov_full, FULL_DAY + 1)])
        with pytest.raises(RuleViolation, match="more than zero"):
            preview_payment(uow, "ADAMS01", 0)
    assert [(a.number, a.cents, a.settles) for a in plan.allocations] == [
        (f.oct_full, FULL_DAY, True),
        (f.oct_half, HALF_DAY, True),
        (f.nov_full, 10, False),
    ]
    assert plan.credit_cents == 0
    assert ([(a.number, a.cents) for a in explicit.allocations], explicit.credit_cents) == (
        [(f.nov_full, 2_000)],
        8_000,
    )
    assert f.counts() == before
    # What was previewed is what is recorded.
    paid = f.pay(FULL_DAY + HALF_DAY + 10)
    assert [(a.number, a.cents) for a in paid.allocations] == [
        (a.number, a.cents) for a in plan.allocations
    ]


# --------------------------------------------------------------------------- reverse


def test_reversal_restores_the_invoice_and_the_balance(family: Family) -> None:
    f = family
    paid = f.pay(FULL_DAY, dt.date(2026, 10, 3))
    undone = f.reverse(paid.payment_id, dt.date(2026, 10, 5), "Debit order bounced")
    assert f.state(f.oct_full) == (S.SENT, FULL_DAY)  # not past due on the 5th
    assert f.position() == (ALL_FOUR, ALL_FOUR, 0)
    assert f.entries()[-2:] == [
        (EntryType.PAYMENT, -FULL_DAY, ALL_FOUR - FULL_DAY),
        (EntryType.REVERSAL, FULL_DAY, ALL_FOUR),
    ]
    assert undone.as_json() == {
        "payment_id": paid.payment_id,
        "household_ref": "ADAMS01",
        "amount_cents": FULL_DAY,
        "invoices": [
            {
                "invoice": f.oct_full,
                "amount_cents": FULL_DAY,
                "status": "SENT",
                "balance_due_cents": FULL_DAY,
            }
        ],
        "credit_taken_cents": 0,
        "entry_id": undone.entry_id,
    }
    with f.book.read(f.tenant) as uow:
        stored = uow.payments.get(paid.payment_id)
        (entry,) = [
            e for e in uow.ledger.entries(f.household_id()) if e.entry_type is EntryType.REVERSAL
        ]
        allocations = uow.invoices.allocations_of(
            next(i.id for i in find(f.book, f.tenant) if i.number == f.oct_full)
        )
    records = f.audit("payment", paid.payment_id)
    assert stored is not None
    assert stored.reversed_at is not None
    assert stored.reversal_reason == "Debit order bounced"
    assert (entry.description, entry.source_id, entry.entry_date) == (
        f"Reversal of payment {paid.payment_id}: Debit order bounced",
        paid.payment_id,
        dt.date(2026, 10, 5),
    )
    assert [a.reversed for a in allocations] == [True]
    assert [r.action for r in records] == ["payment.add", "payment.reverse"]
    assert records[1].before == {
        "reversed": False,
        "credit_cents": 0,
        "invoices": [{"invoice": f.oct_full, "status": "PAID"}],
    }
    assert records[1].after is not None
    assert records[1].after["invoices"][0]["status"] == "SENT"


def test_reversal_past_the_due_date_makes_invoices_overdue_again(family: Family) -> None:
    f = family
    f.write(lambda uow: mark_overdue(uow, f.actor, dt.date(2026, 10, 20)))
    paid = f.pay(FULL_DAY + 100_000, dt.date(2026, 10, 21))
    assert [a.status_after for a in paid.allocations] == [S.PAID, S.PARTIALLY_PAID]
    undone = f.reverse(paid.payment_id, dt.date(2026, 10, 22))
    assert [(r.number, r.status_before, r.status_after) for r in undone.invoices] == [
        (f.oct_full, S.PAID, S.OVERDUE),
        (f.oct_half, S.PARTIALLY_PAID, S.OVERDUE),
    ]
    assert f.state(f.oct_full) == (S.OVERDUE, FULL_DAY)
    assert f.state(f.oct_half) == (S.OVERDUE, HALF_DAY)
    # A SENT invoice paid and reversed after its due date is overdue too.
    nov = f.pay(FULL_DAY, dt.date(2026, 11, 5), [(f.nov_full, FULL_DAY)])
    f.reverse(nov.payment_id, dt.date(2026, 11, 8))
    assert f.state(f.nov_full) == (S.OVERDUE, FULL_DAY)


def test_reversing_one_of_two_payments_leaves_the_invoice_partly_paid(family: Family) -> None:
    f = family
    first = f.pay(100_000)
    f.pay(200_000)
    assert f.state(f.oct_full) == (S.PARTIALLY_PAID, FULL_DAY - 300_000)
    f.reverse(first.payment_id)
    assert f.state(f.oct_full) == (S.PARTIALLY_PAID, FULL_DAY - 200_000)
    assert f.position() == (ALL_FOUR - 200_000, ALL_FOUR - 200_000, 0)


def test_reversing_an_over_payment_takes_its_credit_back(family: Family) -> None:
    f = family
    paid = f.pay(ALL_FOUR + 50_000)
    undone = f.reverse(paid.payment_id)
    assert undone.credit_taken_cents == 50_000
    assert len(undone.invoices) == 4
    assert f.position() == (ALL_FOUR, ALL_FOUR, 0)
    assert f.entries()[-1] == (EntryType.REVERSAL, ALL_FOUR + 50_000, ALL_FOUR)
    # A payment that was all credit reverses too.
    credit_only = f.pay(ALL_FOUR + 10, requested=[])
    assert f.position() == (-10, ALL_FOUR, ALL_FOUR + 10)
    f.reverse(credit_only.payment_id)
    assert f.position() == (ALL_FOUR, ALL_FOUR, 0)


def test_a_payment_is_reversed_once(family: Family) -> None:
    f = family
    paid = f.pay(FULL_DAY)
    f.reverse(paid.payment_id, reason="Bounced")
    f.refused(
        lambda uow: reverse_payment(uow, f.actor, paid.payment_id, "again", dt.date(2026, 11, 30)),
        rf"payment {paid.payment_id} was reversed already \(Bounced\)",
    )


def test_reversal_is_refused_when_its_credit_was_refunded_or_applied(family: Family) -> None:
    f = family
    paid = f.pay(ALL_FOUR + 50_000)
    f.write(
        lambda uow: refund_credit(uow, f.actor, "ADAMS01", 30_000, dt.date(2026, 11, 12), "EFT")
    )
    f.refused(
        lambda uow: reverse_payment(
            uow, f.actor, paid.payment_id, "Bounced", NOV + dt.timedelta(20)
        ),
        r"R 500,00 of it became credit but ADAMS01 has only R 200,00 of unused credit left "
        r"\(R 300,00 was applied to invoices or refunded since\); to record the bounced "
        r"R 16 600,00, post a positive adjustment",
    )
    # Credit applied to a newly sent invoice is used as well.
    second = f.pay(20_000, requested=[])
    drafts_for_december(f)
    f.write(lambda uow: send_month(uow, f.actor, DEC))
    f.refused(
        lambda uow: reverse_payment(uow, f.actor, second.payment_id, "x", dt.date(2026, 12, 2)),
        "only R 0,00 of unused credit left",
    )


def test_reversal_refusals(family: Family) -> None:
    f = family
    paid = f.pay(FULL_DAY, dt.date(2026, 11, 10))
    f.refused(
        lambda uow: reverse_payment(uow, f.actor, paid.payment_id, "x", dt.date(2026, 11, 9)),
        "was received on 2026-11-10; it cannot be reversed on 2026-11-09, before that",
    )
    f.refused(
        lambda uow: reverse_payment(uow, f.actor, paid.payment_id, "  ", dt.date(2026, 11, 11)),
        "a reason is needed to reverse a payment",
    )
    f.refused(
        lambda uow: reverse_payment(uow, f.actor, paid.payment_id, "x" * 201),
        "the reason is too long",
    )
    with pytest.raises(NotFoundError, match="no payment 999 in this creche"):
        f.write(lambda uow: reverse_payment(uow, f.actor, 999, "x"))


def test_reversal_defaults_to_today(family: Family) -> None:
    f = family
    paid = f.pay(FULL_DAY, dt.date(2026, 1, 1))
    f.write(lambda uow: reverse_payment(uow, f.actor, paid.payment_id, "Bounced"))
    with f.book.read(f.tenant) as uow:
        last = uow.ledger.entries(f.household_id())[-1]
    assert (last.entry_type, last.entry_date) == (EntryType.REVERSAL, dt.date.today())  # noqa: DTZ011


def test_balances_as_of_a_date_follow_the_business_dates(family: Family) -> None:
    f = family
    first = f.pay(FULL_DAY + 10_000, dt.date(2026, 11, 2))  # Oct full paid, 10 000 on Oct half
    f.pay(ALL_FOUR, dt.date(2026, 11, 5))  # the rest, and 10 000 credit
    f.reverse(first.payment_id, dt.date(2026, 11, 9))

    def at(day: dt.date) -> tuple[int, int, int]:
        with f.book.read(f.tenant) as uow:
            (found,) = [b for b in household_balances(uow, day) if b.household_ref == "ADAMS01"]
        return found.balance_cents, found.outstanding_cents, found.credit_cents

    october = FULL_DAY + HALF_DAY
    assert at(dt.date(2026, 9, 30)) == (0, 0, 0)
    assert at(OCT) == (october, october, 0)
    assert at(dt.date(2026, 11, 1)) == (ALL_FOUR, ALL_FOUR, 0)
    left = ALL_FOUR - FULL_DAY - 10_000
    assert at(dt.date(2026, 11, 2)) == (left, left, 0)
    assert at(dt.date(2026, 11, 4)) == (left, left, 0)
    # The second payment settles the rest; what it has over is credit.
    assert at(dt.date(2026, 11, 5)) == (-FULL_DAY - 10_000, 0, FULL_DAY + 10_000)
    # The first bounces: its invoices owe again, beside the second's credit.
    assert at(dt.date(2026, 11, 9)) == (0, FULL_DAY + 10_000, FULL_DAY + 10_000)
    assert at(dt.date(2026, 11, 9)) == f.position()
    with f.book.read(f.tenant) as uow:
        everyone = household_balances(uow, dt.date(2026, 11, 9))
    assert [b.as_json() for b in everyone] == [
        {
            "household_ref": "ADAMS01",
            "balance_cents": 0,
            "outstanding_cents": FULL_DAY + 10_000,
            "credit_cents": FULL_DAY + 10_000,
        },
        {
            "household_ref": "BOTHA02",
            "balance_cents": 2 * FULL_DAY,
            "outstanding_cents": 2 * FULL_DAY,
            "credit_cents": 0,
        },
    ]


def test_balances_as_of_count_a_void_from_its_date(family: Family) -> None:
    f = family
    f.write(lambda uow: void_invoice(uow, f.actor, f.botha, "Not enrolled in October"))
    today = dt.date.today()  # noqa: DTZ011 - a void is dated the day it is done
    with f.book.read(f.tenant) as uow:
        before = {b.household_ref: b for b in household_balances(uow, today - dt.timedelta(1))}
        after = {b.household_ref: b for b in household_balances(uow, today)}
    assert before["BOTHA02"].as_json() == {
        "household_ref": "BOTHA02",
        "balance_cents": 2 * FULL_DAY,
        "outstanding_cents": 2 * FULL_DAY,
        "credit_cents": 0,
    }
    assert (after["BOTHA02"].balance_cents, after["BOTHA02"].outstanding_cents) == (
        FULL_DAY,
        FULL_DAY,
    )
    assert after["BOTHA02"].credit_cents == 0
