"""Household credit in Xero, against the stand-in: overpayments and what draws on them (issue 15).

A payment's excess becomes an overpayment in Xero; credit applied to a later
invoice is allocated from it, a refund is paid out of it, a reversed payment's
excess is refunded from it. After each sync, Xero's figures are the book's:
each invoice's amount due is our balance due, each contact's unused
overpayments and credit notes are the household's credit. A negative
adjustment is a credit note; credit from an opening balance is Xero's own.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod, SyncTarget
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.integrations.xero import oauth
from crechebooks_desktop.integrations.xero.connect import api_for
from crechebooks_desktop.integrations.xero.sync import SyncReport, run_sync
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.ledger.adjustments import adjust_balance
from crechebooks_desktop.services.ledger.allocations import require_household
from crechebooks_desktop.services.ledger.credits import apply_household_credit, refund_credit
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from crechebooks_desktop.services.ledger.payments import add_payment, reverse_payment
from tests.billing_fixtures import invoices, run_month
from tests.delivery_fixtures import MemoryKeyring
from tests.xero_standin import XeroStandin
from tests.xero_sync_fixtures import (
    ORGANISATION,
    connect_to_standin,
    december_month,
    map_income_to_sales,
    send_december,
)

JANUARY = dt.date(2027, 1, 1)
DECEMBER_20 = dt.date(2026, 12, 20)
_SHORT = (
    "R 200,00 of credit applied to an invoice on {today} is not in Xero: this credit came "
    "from an opening balance or from before the sync start (or a refund of credit that was "
    "not money received); record it in Xero by hand, then retry"
)


@pytest.fixture
def connected(
    book: Book, xero_env: XeroStandin, memory_keyring: MemoryKeyring
) -> tuple[Actor, XeroStandin]:
    """December sent and synced by a creche connected to the stand-in, income mapped."""
    _creche, actor = december_month(book)
    connect_to_standin(book, actor, xero_env)
    send_december(book, actor)
    map_income_to_sales(book, actor)
    assert _sync(book, actor).failed == []
    return actor, xero_env


def _sync(book: Book, actor: Actor) -> SyncReport:
    return run_sync(book, actor, api_for(book, actor))


def _owed(book: Book, actor: Actor, ref: str) -> int:
    return sum(i.total_cents for i in invoices(book, actor.tenant_id) if i.household_ref == ref)


def _pay(book: Book, actor: Actor, ref: str, cents: int, day: int) -> int:
    with book.write(actor.tenant_id) as uow:
        paid = add_payment(
            uow, actor, ref, cents, dt.date(2026, 12, day), PaymentMethod.EFT, reference=ref
        )
    return paid.payment_id


def _credit(book: Book, actor: Actor, ref: str) -> int:
    with book.read(actor.tenant_id) as uow:
        household_id, _ = require_household(uow, ref)
        return uow.ledger.balance(household_id).credit_cents


def _xero_credit(standin: XeroStandin, ref: str) -> int:
    books = standin.books(ORGANISATION)
    contact = books.contact_by_number(ref)
    assert contact is not None, ref
    overpaid = sum(
        o.remaining_cents
        for o in books.overpayments.values()
        if o.contact_id == contact.contact_id and o.status != "VOIDED"
    )
    noted = sum(
        n.remaining_cents
        for n in books.credit_notes.values()
        if n.contact_id == contact.contact_id and n.status != "VOIDED"
    )
    return overpaid + noted


def _assert_xero_matches_the_book(book: Book, actor: Actor, standin: XeroStandin) -> None:
    books = standin.books(ORGANISATION)
    for ours in invoices(book, actor.tenant_id):
        theirs = books.invoice_by_number("ACCREC", ours.number)
        assert theirs is not None, ours.number
        assert theirs.due_cents == ours.balance_due_cents, ours.number
    for ref in ("DLAMINI01", "NAIDOO02", "SMITH03"):
        assert _xero_credit(standin, ref) == _credit(book, actor, ref), ref


def test_credit_follows_to_xero_as_overpayments_allocations_and_refunds(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    _pay(book, actor, "DLAMINI01", _owed(book, actor, "DLAMINI01") + 15_000, 2)
    _pay(book, actor, "NAIDOO02", _owed(book, actor, "NAIDOO02") + 30_000, 3)
    smith = _pay(book, actor, "SMITH03", _owed(book, actor, "SMITH03") + 5_000, 4)
    report = _sync(book, actor)
    assert report.failed == []
    assert report.pending == 0
    books = standin.books(ORGANISATION)
    assert sorted(o.total_cents for o in books.overpayments.values()) == [5_000, 15_000, 30_000]
    _assert_xero_matches_the_book(book, actor, standin)

    # A refund, and a bounced debit order: its invoice payment goes, its excess is paid out.
    with book.write(actor.tenant_id) as uow:
        refund_credit(uow, actor, "NAIDOO02", 10_000, dt.date(2026, 12, 10), "asked for it")
        reverse_payment(uow, actor, smith, "debit order bounced", dt.date(2026, 12, 11))
    report = _sync(book, actor)
    assert report.failed == []
    assert report.pending == 0
    _assert_xero_matches_the_book(book, actor, standin)
    refunds = [p for p in books.payments.values() if p.overpayment_id]
    assert sorted((p.amount_cents, p.reference) for p in refunds) == [
        (5_000, "Payment 3 reversed: debit order bounced"),
        (10_000, "Refund of credit: asked for it"),
    ]

    # January's invoices take the rest of the credit as they are sent.
    run_month(book, actor, JANUARY)
    with book.write(actor.tenant_id) as uow:
        send_month(uow, actor, JANUARY)
    report = _sync(book, actor)
    assert report.failed == []
    assert report.pending == 0
    _assert_xero_matches_the_book(book, actor, standin)
    allocated = sorted(a.amount_cents for o in books.overpayments.values() for a in o.allocations)
    assert allocated == [15_000, 20_000]

    # A sync with nothing new sends nothing again.
    writes = len(standin.applied_requests)
    report = _sync(book, actor)
    assert report.sent == 0
    assert len(standin.applied_requests) == writes


def test_a_dropped_answer_is_asked_again_never_applied_twice(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    _pay(book, actor, "DLAMINI01", _owed(book, actor, "DLAMINI01") + 15_000, 2)
    standin.fail_next(1, kind="drop_after_apply", path_contains="/BankTransactions")
    _sync(book, actor)
    run_month(book, actor, JANUARY)
    with book.write(actor.tenant_id) as uow:
        send_month(uow, actor, JANUARY)
    standin.fail_next(1, kind="drop_after_apply", path_contains="/Allocations")
    _sync(book, actor)
    report = _sync(book, actor)
    assert report.failed == []
    assert report.pending == 0
    books = standin.books(ORGANISATION)
    assert len(books.overpayments) == 1
    (overpayment,) = books.overpayments.values()
    assert len(overpayment.allocations) == 1
    assert standin.replayed_requests
    _assert_xero_matches_the_book(book, actor, standin)


def test_a_negative_adjustment_is_a_credit_note_allocated_then_drawn_on(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    owed = _owed(book, actor, "DLAMINI01")
    with book.write(actor.tenant_id) as uow:
        adjust_balance(uow, actor, "DLAMINI01", -(owed + 20_000), DECEMBER_20, "goodwill")
    assert _sync(book, actor).failed == []
    books = standin.books(ORGANISATION)
    (note,) = books.credit_notes.values()
    assert (note.type, note.total_cents, note.remaining_cents) == (
        "ACCRECCREDIT",
        owed + 20_000,
        20_000,
    )
    _assert_xero_matches_the_book(book, actor, standin)
    run_month(book, actor, JANUARY)
    with book.write(actor.tenant_id) as uow:
        send_month(uow, actor, JANUARY)
    report = _sync(book, actor)
    assert report.failed == []
    assert report.pending == 0
    assert books.credit_notes[note.credit_note_id].remaining_cents == 0
    _assert_xero_matches_the_book(book, actor, standin)


def test_credit_that_xero_does_not_hold_fails_saying_what_to_do(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    with book.write(actor.tenant_id) as uow:
        household_id, _ = require_household(uow, "DLAMINI01")
        creche = uow.tenants.get(actor.tenant_id)
        assert creche is not None
        post_opening_balance(uow, actor, creche, household_id, -20_000, dt.date(2026, 11, 30))
        apply_household_credit(uow, actor, "DLAMINI01")
    report = _sync(book, actor)
    assert [(f["kind"], f["message"]) for f in report.failed] == [
        ("credit", _SHORT.format(today=dt.datetime.now(dt.UTC).date().isoformat()))
    ]
    books = standin.books(ORGANISATION)
    assert (books.overpayments, books.credit_notes) == ({}, {})
    with book.read(actor.tenant_id) as uow:
        assert uow.sync_outbox.counts(SyncTarget.XERO).failed == 1


def test_a_connection_made_without_bank_transactions_says_to_connect_again(
    book: Book,
    xero_env: XeroStandin,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A book connected before overpayments were sent lacks that permission in Xero."""
    _creche, actor = december_month(book)
    older = tuple(s for s in oauth.SCOPES if s != "accounting.banktransactions")
    monkeypatch.setattr(oauth, "SCOPES", older)
    connect_to_standin(book, actor, xero_env)
    send_december(book, actor)
    map_income_to_sales(book, actor)
    _pay(book, actor, "DLAMINI01", _owed(book, actor, "DLAMINI01") + 15_000, 2)
    report = _sync(book, actor)
    (failed,) = report.failed
    assert failed["kind"] == "credit"
    assert str(failed["message"]).endswith(
        "(the connection lacks a permission this version needs: connect again with "
        "`crechebooks xero connect`)"
    )
    assert xero_env.books(ORGANISATION).overpayments == {}
