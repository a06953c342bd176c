"""Random sequences of the real services never unbalance the books (issue #4).

A hypothesis state machine runs the monthly run, sending, payments (automatic
and explicit allocation), reversals, credit applied and refunded, adjustments
and voids, in any order, on a real book; after every step it checks every
invariant of docs/RULES.md, Ledger, with ``crechebooks check`` (household balance = sum of
entries = last balance_after; balance due = total - allocations >= 0;
allocations <= payment; balance = outstanding - unused credit). A step the
rules refuse (a RuleViolation, e.g. reversing a payment whose credit was spent)
must change nothing, which the same check then proves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus, PaymentMethod
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.admin import checks
from crechebooks_desktop.services.billing import invoice_lifecycle
from crechebooks_desktop.services.ledger import adjustments, payments
from crechebooks_desktop.services.ledger import credits as credit
from crechebooks_desktop.services.roster.household_view import household_summaries
from tests.billing_fixtures import Kid, add_family, add_fees, new_creche, run_month

MONTHS = [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
FAMILIES = ("DLAMINI", "NAIDOO", "BOTHA")


def _book_with_roster(make_book: Callable[[], Book]) -> tuple[Book, int, object]:
    book = make_book()
    creche, actor = new_creche(book)
    with book.write(creche.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(
            uow,
            "DLAMINI",
            Kid("DLAMINI-1", fees.full_day, dt.date(2025, 11, 3)),
            Kid("DLAMINI-2", fees.half_day, dt.date(2026, 2, 16)),
        )
        add_family(uow, "NAIDOO", Kid("NAIDOO-1", fees.plain, dt.date(2026, 1, 12)))
        add_family(
            uow,
            "BOTHA",
            Kid("BOTHA-1", fees.half_day, dt.date(2025, 6, 2), end=dt.date(2026, 3, 20)),
        )
    return book, creche.tenant_id, actor


class Books(RuleBasedStateMachine):
    """Every example starts from a fresh book made by ``make_book``."""

    make_book: Callable[[], Book]

    def __init__(self) -> None:
        super().__init__()
        self.book, self.tenant, self.actor = _book_with_roster(type(self).make_book)
        self.generated: set[dt.date] = set()
        self.payment_ids: list[int] = []

    # -- helpers ------------------------------------------------------------------
    def write(self, change: Callable[..., object]) -> None:
        try:
            with self.book.write(self.tenant) as uow:
                change(uow)
        except UserFacingError:
            pass  # refused by the rules: nothing may have changed (the invariant checks)

    def open_invoices(self, family: str) -> list:
        with self.book.read(self.tenant) as uow:
            return [
                i
                for i in uow.invoices.find(InvoiceFilter(household_ref=family))
                if i.balance_due_cents > 0
                and i.status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID)
            ]

    # -- rules --------------------------------------------------------------------
    @rule(month=st.sampled_from(MONTHS))
    def generate(self, month: dt.date) -> None:
        run_month(self.book, self.actor, month)
        self.generated.add(month)

    @precondition(lambda self: self.generated)
    @rule(data=st.data())
    def send(self, data: st.DataObject) -> None:
        month = data.draw(st.sampled_from(sorted(self.generated)))
        self.write(lambda uow: invoice_lifecycle.send_month(uow, self.actor, month))

    @rule(
        family=st.sampled_from(FAMILIES),
        amount=st.integers(1, 1_200_000),
        day=st.integers(1, 28),
        method=st.sampled_from(list(PaymentMethod)),
    )
    def pay_automatically(self, family: str, amount: int, day: int, method: PaymentMethod) -> None:
        def change(uow: object) -> None:
            paid = payments.add_payment(
                uow, self.actor, family, amount, dt.date(2026, 4, day), method, "EFT ref"
            )
            self.payment_ids.append(paid.payment_id)

        self.write(change)

    @rule(family=st.sampled_from(FAMILIES), data=st.data())
    def pay_explicitly(self, family: str, data: st.DataObject) -> None:
        open_ = self.open_invoices(family)
        if not open_:
            return
        target = data.draw(st.sampled_from(open_))
        part = data.draw(st.integers(1, target.balance_due_cents))
        extra = data.draw(st.integers(0, 50_000))

        def change(uow: object) -> None:
            paid = payments.add_payment(
                uow,
                self.actor,
                family,
                part + extra,
                dt.date(2026, 4, 15),
                PaymentMethod.CASH,
                None,
                [(target.number, part)],
            )
            self.payment_ids.append(paid.payment_id)

        self.write(change)

    @precondition(lambda self: self.payment_ids)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(self.payment_ids))
        self.write(
            lambda uow: payments.reverse_payment(
                uow, self.actor, payment_id, "Debit order bounced", dt.date(2026, 4, 28)
            )
        )

    @rule(family=st.sampled_from(FAMILIES))
    def apply_credit(self, family: str) -> None:
        self.write(lambda uow: credit.apply_household_credit(uow, self.actor, family))

    @rule(family=st.sampled_from(FAMILIES), amount=st.integers(1, 300_000))
    def refund(self, family: str, amount: int) -> None:
        self.write(
            lambda uow: credit.refund_credit(
                uow, self.actor, family, amount, dt.date(2026, 4, 20), "Family left"
            )
        )

    @rule(family=st.sampled_from(FAMILIES), amount=st.integers(-300_000, 300_000).filter(bool))
    def adjust(self, family: str, amount: int) -> None:
        self.write(
            lambda uow: adjustments.adjust_balance(
                uow, self.actor, family, amount, dt.date(2026, 4, 10), "Correction"
            )
        )

    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        with self.book.read(self.tenant) as uow:
            candidates = [
                i.number
                for i in uow.invoices.find(InvoiceFilter())
                if i.status in (InvoiceStatus.DRAFT, InvoiceStatus.SENT)
            ]
        if candidates:
            number = data.draw(st.sampled_from(candidates))
            self.write(
                lambda uow: invoice_lifecycle.void_invoice(
                    uow, self.actor, number, "Billed in error"
                )
            )

    # -- the invariants -----------------------------------------------------------
    @invariant()
    def books_balance(self) -> None:
        with self.book.read(self.tenant) as uow:
            report = checks.check_creche(uow)
            summaries = household_summaries(uow)
        assert report.violations == ()
        for household in summaries:
            assert household.balance_cents == (household.outstanding_cents - household.credit_cents)
            assert household.credit_cents >= 0


@pytest.mark.slow
def test_random_service_sequences_keep_every_invariant(
    make_book: Callable[[], Book], backend: str
) -> None:
    machine = type("BooksOnThisBackend", (Books,), {"make_book": staticmethod(make_book)})
    examples = 30 if backend == "sqlite" else 10
    machine.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine.TestCase().runTest()
