"""Connect and sync against the Xero stand-in, which checks Xero's contract (issue 15).

Each test drives the real code (OAuth with PKCE, the keyring, the outbox, the
rate-limited client) through the stand-in, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod, SyncTarget
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.integrations.xero.connect import api_for, disconnect
from crechebooks_desktop.integrations.xero.limits import Limits
from crechebooks_desktop.integrations.xero.sync import MappingNeeded, SyncReport, run_sync
from crechebooks_desktop.integrations.xero.tokens import token_key
from crechebooks_desktop.services.billing.invoice_lifecycle import void_invoice
from crechebooks_desktop.services.ledger.payments import add_payment, reverse_payment
from crechebooks_desktop.services.sync import xero_connection
from tests.billing_fixtures import invoices
from tests.delivery_fixtures import MemoryKeyring
from tests.xero_standin import XeroStandin
from tests.xero_sync_fixtures import (
    DECEMBER,
    ORGANISATION,
    connect_to_standin,
    december_month,
    map_income_to_sales,
    send_december,
)


def _sync(book: Book, actor: Actor, limits: Limits | None = None) -> SyncReport:
    return run_sync(book, actor, api_for(book, actor, limits))


def _pending(book: Book, actor: Actor) -> int:
    with book.read(actor.tenant_id) as uow:
        return uow.sync_outbox.counts(SyncTarget.XERO).pending


@pytest.fixture
def connected(
    book: Book, xero_env: XeroStandin, memory_keyring: MemoryKeyring
) -> tuple[Actor, XeroStandin]:
    """December's invoices sent by a creche connected to the stand-in's first organisation."""
    _creche, actor = december_month(book)
    done = connect_to_standin(book, actor, xero_env)
    assert done.organisation.name == ORGANISATION
    assert done.in_keyring
    send_december(book, actor)
    return actor, xero_env


def test_connecting_keeps_only_the_refresh_token_in_the_keyring(
    book: Book, xero_env: XeroStandin, memory_keyring: MemoryKeyring
) -> None:
    _creche, actor = december_month(book)
    done = connect_to_standin(book, actor, xero_env, "Demo Company (ZA)")
    assert done.organisation.name == "Demo Company (ZA)"
    key = (secrets.SERVICE, token_key(book.name, actor.tenant_id))
    assert memory_keyring.store[key] in xero_env.identity.refresh_tokens
    authorize = next(r for r in xero_env.requests if r.site == "login")
    assert authorize.query["code_challenge_method"] == ["S256"]
    assert "offline_access" in authorize.query["scope"][0].split()
    with book.read(actor.tenant_id) as uow:
        status = xero_connection.status(uow, actor).as_json()
    assert status["connected"] is True
    assert status["tenant"] == "Demo Company (ZA)"
    assert status["sync_from"] == DECEMBER.isoformat()


def test_a_month_goes_to_xero_once_with_our_numbers_and_totals(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    with pytest.raises(MappingNeeded, match="xero map --account 4000"):
        _sync(book, actor)
    assert not [r for r in standin.requests if r.site == "api" and r.method != "GET"]
    map_income_to_sales(book, actor)
    with book.write(actor.tenant_id) as uow:
        add_payment(uow, actor, "NAIDOO02", 100_000, dt.date(2026, 12, 3), PaymentMethod.EFT)
    report = _sync(book, actor)
    ours = invoices(book, actor.tenant_id)
    assert report.failed == []
    assert report.pending == 0
    assert report.sent == 3 + len(ours) + 1  # contacts, invoices, one payment
    books = standin.books(ORGANISATION)
    with standin.lock:
        assert sorted(c.contact_number or "" for c in books.contacts.values()) == [
            "DLAMINI01", "NAIDOO02", "SMITH03",
        ]  # fmt: skip
        for invoice in ours:
            theirs = books.invoice_by_number("ACCREC", invoice.number)
            assert theirs is not None, invoice.number
            assert theirs.status in {"AUTHORISED", "PAID"}
            assert theirs.total_cents == invoice.total_cents
            assert theirs.tax_cents == invoice.vat_cents
            assert {line.tax_type for line in theirs.lines} <= {"TAX001", "TAX003"}
        (payment,) = books.payments.values()
        assert payment.amount_cents == 100_000
        assert not books.auto_created_contacts  # every invoice named its contact by id
    assert not standin.oversized_batches
    again = _sync(book, actor)
    assert again.sent == 0
    assert again.calls == 1  # only the look for payments made in Xero


def test_a_refused_invoice_fails_with_xeros_words_and_waits_for_a_change_or_a_retry(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    map_income_to_sales(book, actor)
    first, *others = invoices(book, actor.tenant_id)
    standin.reject_element("Invoices", {"InvoiceNumber": first.number}, "Rejected by the test.")
    report = _sync(book, actor)
    assert report.failed == [
        {"kind": "invoice", "id": first.id, "message": "Rejected by the test."}
    ]
    books = standin.books(ORGANISATION)
    assert books.invoice_by_number("ACCREC", first.number) is None
    assert all(books.invoice_by_number("ACCREC", i.number) for i in others)
    posts = len(standin.requests)
    assert _sync(book, actor).failed  # not sent again by itself
    assert not [r for r in standin.requests[posts:] if r.path.endswith("/Invoices")]
    standin.faults.clear()
    with book.write(actor.tenant_id) as uow:
        assert xero_connection.retry_failed(uow, actor) == 1
    assert _sync(book, actor).failed == []
    assert books.invoice_by_number("ACCREC", first.number) is not None


def test_a_void_and_a_reversed_payment_follow_to_xero(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    map_income_to_sales(book, actor)
    with book.write(actor.tenant_id) as uow:
        paid = add_payment(uow, actor, "DLAMINI01", 50_000, dt.date(2026, 12, 2), PaymentMethod.EFT)
    assert _sync(book, actor).failed == []
    books = standin.books(ORGANISATION)
    assert len(books.payments) == 1
    smith = next(i for i in invoices(book, actor.tenant_id) if i.household_ref == "SMITH03")
    with book.write(actor.tenant_id) as uow:
        reverse_payment(uow, actor, paid.payment_id, "bounced")
        void_invoice(uow, actor, smith.number, "billed twice")
    assert _sync(book, actor).failed == []
    assert [p.status for p in books.payments.values()] == ["DELETED"]
    voided = books.invoice_by_number("ACCREC", smith.number)
    assert voided is not None
    assert voided.status == "VOIDED"


def test_a_payment_made_in_xero_is_reported_never_imported(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    map_income_to_sales(book, actor)
    _sync(book, actor)
    number = invoices(book, actor.tenant_id)[0].number
    standin.record_payment_in_xero(ORGANISATION, number, 12_345, dt.date(2026, 12, 9))
    report = _sync(book, actor)
    assert [(p.invoice_number, p.amount) for p in report.unknown_payments] == [(number, "123.45")]
    assert invoices(book, actor.tenant_id)[0].amount_paid_cents == 0


def test_errors_and_limits_are_ridden_out_without_a_duplicate(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    map_income_to_sales(book, actor)
    standin.fail_next(1, kind="429", path_contains="/Contacts", retry_after=1)
    standin.fail_next(1, kind="500", path_contains="/Invoices")
    standin.fail_next(1, kind="drop_after_apply", path_contains="/Invoices")
    report = _sync(book, actor)
    assert report.failed == []
    assert report.pending == 0
    books = standin.books(ORGANISATION)
    numbers = [i.number for i in books.invoices.values()]
    assert sorted(numbers) == sorted(i.number for i in invoices(book, actor.tenant_id))
    assert standin.replayed_requests  # the dropped answer was asked for again, not reapplied
    statuses = standin.status_counts()
    assert statuses[429] == 1
    assert statuses[500] == 1


def test_the_client_keeps_within_the_minute_and_concurrency_limits(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    standin.minute_limit, standin.window_seconds = 6, 1.0
    api = api_for(book, actor, Limits(per_minute=6, window_seconds=1.0, concurrent=5))
    errors: list[BaseException] = []

    def read_rates() -> None:
        try:
            for _ in range(3):
                api.get("TaxRates")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read_rates) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert api.calls == 24
    assert standin.max_calls_in_window <= 6
    assert standin.max_concurrent_seen <= 5
    assert sum(standin.rate_limited.values()) == 0  # never over a limit


def test_a_cancelled_sync_stops_while_waiting_and_keeps_the_rest_queued(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    map_income_to_sales(book, actor)
    api = api_for(book, actor)
    standin.fail_next(1, kind="429", path_contains="/Contacts", retry_after=3600)
    steps: list[str] = []

    def progress(step: str, _done: int, _of: int) -> None:
        steps.append(step)

    rate_limited = threading.Event()
    original = api.limiter.pause

    def pause(seconds: float) -> None:
        original(seconds)
        rate_limited.set()

    api.limiter.pause = pause  # type: ignore[method-assign]
    result: list[SyncReport] = []
    worker = threading.Thread(target=lambda: result.append(run_sync(book, actor, api, progress)))
    worker.start()
    assert rate_limited.wait(30)
    api.cancel.set()
    worker.join(30)
    (report,) = result
    assert report.stopped is not None
    assert report.stopped.startswith("cancelled")
    assert report.pending > 0


def test_disconnecting_removes_the_tokens_and_the_connection(
    book: Book, connected: tuple[Actor, XeroStandin], memory_keyring: MemoryKeyring
) -> None:
    actor, standin = connected
    assert disconnect(book, actor) == ORGANISATION
    assert memory_keyring.store == {}
    # Every refresh token is revoked, or was used up by a refresh before.
    tokens = standin.identity.refresh_tokens.values()
    assert all(t.revoked or t.used_at is not None for t in tokens)
    assert any(t.revoked for t in tokens)
    assert not standin.is_connected(standin.org(ORGANISATION).tenant_id)
    with pytest.raises(UserFacingError, match="not connected to Xero"):
        api_for(book, actor)
    assert _pending(book, actor) > 0  # queued work stays for a later connection


def test_without_a_keyring_the_connection_lasts_for_the_session_only(
    book: Book, xero_env: XeroStandin, no_keyring: None
) -> None:
    _creche, actor = december_month(book)
    done = connect_to_standin(book, actor, xero_env)
    assert not done.in_keyring  # kept in memory; the front end says so
    send_december(book, actor)
    map_income_to_sales(book, actor)
    assert _sync(book, actor).failed == []  # this session goes on
    secrets._session.clear()  # a new session: nothing was kept
    with pytest.raises(UserFacingError, match=r"no keyring.*connect again"):
        _sync(book, actor)


def test_an_invoice_whose_contact_xero_refused_says_why(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    actor, standin = connected
    map_income_to_sales(book, actor)
    standin.reject_element(
        "Contacts", {"ContactNumber": "NAIDOO02"}, "Contact name is a duplicate."
    )
    report = _sync(book, actor)
    naidoo = next(i for i in invoices(book, actor.tenant_id) if i.household_ref == "NAIDOO02")
    assert report.failed == [
        {
            "kind": "invoice",
            "id": naidoo.id,
            "message": "household NAIDOO02 is not in Xero: Xero refused its contact: "
            "Contact name is a duplicate.",
        }
    ]
    assert report.sent == 2 + len(invoices(book, actor.tenant_id)) - 1


def test_calls_others_made_this_minute_are_respected(
    book: Book, connected: tuple[Actor, XeroStandin]
) -> None:
    """Xero's own count wins: MinLimit-Remaining 0 holds the next call; a 429 waits Retry-After."""
    from tests.xero_fixtures import XeroApi as RawApi

    actor, standin = connected
    standin.minute_limit, standin.window_seconds = 4, 2.0
    other = RawApi(standin)  # another app of the organisation's, same allowance here
    for _ in range(3):
        assert other.call("GET", "TaxRates").status_code == 200
    api = api_for(book, actor, Limits(per_minute=4, window_seconds=2.0))
    api.get("TaxRates")  # the fourth call of the minute: Xero says none is left
    api.get("TaxRates")  # held until the minute has room, so never refused
    assert sum(standin.rate_limited.values()) == 0
    for _ in range(4):
        assert other.call("GET", "TaxRates").status_code in {200, 429}
    api.get("Accounts")  # refused with Retry-After if the other used the minute; then sent
    assert api.calls >= 3
    assert standin.max_calls_in_window <= 4


def test_the_access_token_is_refreshed_before_it_expires_and_each_refresh_rotates(
    book: Book, connected: tuple[Actor, XeroStandin], memory_keyring: MemoryKeyring
) -> None:
    from crechebooks_desktop.integrations.xero.endpoints import endpoints
    from crechebooks_desktop.integrations.xero.oauth import Tokens
    from crechebooks_desktop.integrations.xero.tokens import TokenStore

    actor, standin = connected
    key = (secrets.SERVICE, token_key(book.name, actor.tenant_id))
    store = TokenStore(endpoints(), standin.client_id, key[1])
    first = store.access_token()  # a new session: refreshed from the keyring's token
    kept = memory_keyring.store[key]
    assert first in standin.identity.access_tokens
    now = dt.datetime.now(dt.UTC)
    store.keep(Tokens(first, kept, now + dt.timedelta(minutes=20)))
    assert store.access_token() == first  # far from expiry: no call
    store.keep(Tokens(first, kept, now + dt.timedelta(minutes=4)))
    second = store.access_token()  # within five minutes of expiry: refreshed
    assert second != first
    assert memory_keyring.store[key] != kept  # the new refresh token replaced the old one
    assert standin.identity.refresh_tokens[kept].used_at is not None
