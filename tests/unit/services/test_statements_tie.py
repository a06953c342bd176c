"""Statements tie to the ledger on any book, for any period (issue 12).

Random books: invoices issued and sent, opening balances, adjustments up and
down, payments (allocated oldest first), payment reversals, refunds and voids,
each dated at random and posted in random order through the real services,
one transaction each, on a real book (SQLite and PostgreSQL). Then for every
household and random periods:

- opening + the lines' amounts = closing, and each line's running balance is
  the one before it plus its amount;
- the opening balance is the balance as of the day before the period, and the
  closing balance is the balance as of its last day (``balances --as-of``);
- the aging of the invoices less the credit held is the closing balance;
- as of today, each invoice's balance on the statement is the invoice's own
  balance due, and a child's statements add up to what its invoices owe.
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType, PaymentMethod
from crechebooks_desktop.domain.household_statement import StatementOf
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.billing import invoice_lifecycle as invoices
from crechebooks_desktop.services.billing.invoice_lifecycle import AdHocLine
from crechebooks_desktop.services.household_statements.statement import (
    Period,
    household_statement,
    household_statements,
)
from crechebooks_desktop.services.ledger import adjustments, payments
from crechebooks_desktop.services.ledger import credits as credit
from crechebooks_desktop.services.ledger import household_balances as balances
from crechebooks_desktop.services.ledger.household_balances import OpeningBalanceRow
from crechebooks_desktop.services.ledger.posting import household_ledger
from tests.billing_fixtures import new_creche

START = dt.date(2026, 1, 1)
FAMILIES = ("ADAMS01", "BOTHA02")
KINDS = ("invoice", "opening", "adjust", "pay", "refund", "reverse", "void")

postings = st.lists(
    st.tuples(
        st.sampled_from(FAMILIES),
        st.sampled_from(KINDS),
        st.integers(-300_000, 300_000).filter(bool),
        st.integers(0, 150),  # days after START
    ),
    min_size=1,
    max_size=12,
)


def _post(book: Book, tenant: int, actor: Actor, posting: tuple[str, str, int, int]) -> None:
    """One posting in its own transaction; one the rules refuse changes nothing."""
    ref, kind, amount, days = posting
    day = START + dt.timedelta(days=days)
    try:
        with book.write(tenant) as uow:
            _POSTERS[kind](uow, actor, ref, amount, day)
    except UserFacingError:
        pass


def _invoice(uow: UnitOfWork, actor: Actor, ref: str, amount: int, day: dt.date) -> None:
    """An ad-hoc invoice for the household's child; sent when the amount drawn is positive."""
    line = AdHocLine(LineType.UNIFORM, abs(amount), "Uniform")
    made = invoices.new_ad_hoc_invoice(uow, actor, f"{ref}-1", day, [line])
    if amount > 0:
        invoices.send_invoices(uow, actor, [made.number])


def _opening(uow: UnitOfWork, actor: Actor, ref: str, amount: int, day: dt.date) -> None:
    row = OpeningBalanceRow(2, ref, amount, day)
    balances.import_opening_balances(uow, actor, [row], "opening.csv")


def _adjust(uow: UnitOfWork, actor: Actor, ref: str, amount: int, day: dt.date) -> None:
    adjustments.adjust_balance(uow, actor, ref, amount, day, "Correction")


def _pay(uow: UnitOfWork, actor: Actor, ref: str, amount: int, day: dt.date) -> None:
    payments.add_payment(uow, actor, ref, abs(amount), day, PaymentMethod.EFT, "EFT")


def _refund(uow: UnitOfWork, actor: Actor, ref: str, amount: int, day: dt.date) -> None:
    credit.refund_credit(uow, actor, ref, abs(amount), day, "Paid back")


def _reverse(uow: UnitOfWork, actor: Actor, ref: str, _amount: int, day: dt.date) -> None:
    """The household's latest payment bounces."""
    latest = _latest_payment(uow, ref)
    if latest is not None:
        payments.reverse_payment(uow, actor, latest, "Bounced", on=day)


def _void(uow: UnitOfWork, actor: Actor, ref: str, _amount: int, _day: dt.date) -> None:
    """Void the household's latest invoice that has no money on it."""
    for invoice in reversed(invoices.find_invoices(uow, InvoiceFilter(household_ref=ref))):
        if invoice.status in {InvoiceStatus.DRAFT, InvoiceStatus.SENT}:
            invoices.void_invoice(uow, actor, invoice.number, "Wrong child")
            return


_POSTERS = {
    "invoice": _invoice,
    "opening": _opening,
    "adjust": _adjust,
    "pay": _pay,
    "refund": _refund,
    "reverse": _reverse,
    "void": _void,
}


def _latest_payment(uow: UnitOfWork, ref: str) -> int | None:
    """The household's latest payment not yet reversed, from its ledger."""
    ids = [
        e.source_id
        for e in household_ledger(uow, ref).lines
        if e.source_type == "payment" and e.source_id is not None
    ]
    for payment_id in sorted(set(ids), reverse=True):
        payment = uow.payments.get(payment_id)
        if payment is not None and payment.reversed_at is None:
            return payment_id
    return None


def _check_adds_up(statement: StatementOf, before: int, after: tuple[int, int]) -> None:
    running = statement.opening_cents
    for line in statement.lines:
        running += line.amount_cents
        assert line.balance_cents == running, line
    assert statement.closing_cents == running
    assert statement.opening_cents == before
    balance, outstanding = after
    assert statement.closing_cents == balance
    assert statement.aging.total_cents == outstanding  # as ``balances --as-of`` sees it
    assert (
        statement.aging.total_cents - statement.credit_cents + statement.unbilled_cents
        == statement.closing_cents
    )
    assert not (statement.credit_cents and statement.unbilled_cents)


def _balances(uow: UnitOfWork, day: dt.date) -> dict[str, tuple[int, int]]:
    return {
        b.household_ref: (b.balance_cents, b.outstanding_cents)
        for b in balances.household_balances(uow, day)
    }


def _check(book: Book, tenant: int, periods: list[tuple[int, int]]) -> None:
    today = dt.date.today()  # noqa: DTZ011 - the book's local date
    with book.read(tenant) as uow:
        for start, length in [*periods, (0, (today - START).days)]:
            period = Period(START + dt.timedelta(days=start), START + dt.timedelta(start + length))
            before = _balances(uow, period.date_from - dt.timedelta(days=1))
            after = _balances(uow, period.date_to)
            every = {s.party.household_ref: s for s in household_statements(uow, period)}
            for ref in FAMILIES:
                one = household_statement(uow, ref, period)
                assert one == every[ref]
                _check_adds_up(one, before[ref][0], after[ref])
                opened = household_statement(uow, ref, period, open_items=True)
                assert opened.closing_cents == after[ref][0]
        # Today: the statement's invoices are the invoices' own balances; a child's adds up.
        period = Period(START, today)
        for ref in FAMILIES:
            statement = household_statement(uow, ref, period)
            own = {
                i.number: i.balance_due_cents
                for i in invoices.find_invoices(uow, InvoiceFilter(household_ref=ref))
                if i.status is not InvoiceStatus.VOID and i.balance_due_cents
            }
            shown = {p.invoice.number: p.balance_cents for p in statement.open_invoices}
            assert shown == own
            child = household_statement(uow, ref, period, child_ref=f"{ref}-1")
            child_owes = sum(
                i.balance_due_cents
                for i in invoices.find_invoices(uow, InvoiceFilter(household_ref=ref))
                if i.status is not InvoiceStatus.VOID and i.child_ref == f"{ref}-1"
            )
            assert child.closing_cents == child_owes
            running = child.opening_cents
            for line in child.lines:
                running += line.amount_cents
                assert line.balance_cents == running


def test_statements_tie_to_the_ledger_for_any_book_and_period(book: Book, backend: str) -> None:
    names = (f"Creche {n}" for n in itertools.count())

    @settings(
        max_examples=12 if backend == "sqlite" else 5,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        postings=postings,
        periods=st.lists(st.tuples(st.integers(0, 160), st.integers(0, 90)), max_size=3),
    )
    def random_books(postings: list[tuple[str, str, int, int]], periods: list) -> None:  # type: ignore[type-arg]
        creche, actor = new_creche(book, next(names))  # a fresh creche: examples stay apart
        with book.write(creche.tenant_id) as uow:
            for ref in FAMILIES:
                household_id = uow.roster.add_household(ref, f"Parent of {ref}")
                uow.roster.add_child(household_id, f"{ref}-1", "Kid", ref, None)
        for posting in postings:
            _post(book, creche.tenant_id, actor, posting)
        _check(book, creche.tenant_id, periods)

    random_books()
