"""The Xero outbox: queued with the change, in its transaction, once per thing (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod, SyncStatus, SyncTarget
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.roster import HouseholdDetails
from crechebooks_desktop.domain.sync import SyncItem
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.ledger.payments import add_payment, reverse_payment
from crechebooks_desktop.services.roster.households import add_household, edit_household
from crechebooks_desktop.services.sync import xero_connection
from tests.billing_fixtures import Kid, add_family, add_fees, new_creche, run_month

DECEMBER = dt.date(2026, 12, 1)


def _connect(book: Book, actor: Actor) -> None:
    with book.write(actor.tenant_id) as uow:
        xero_connection.record_connection(
            uow, actor, "CLIENT", "org-1", "Acorns (Pty) Ltd", "conn-1", DECEMBER
        )


def _pending(book: Book, actor: Actor) -> list[SyncItem]:
    with book.read(actor.tenant_id) as uow:
        return uow.sync_outbox.pending(SyncTarget.XERO)


def test_nothing_is_queued_while_the_creche_is_not_connected(book: Book) -> None:
    _creche, actor = new_creche(book)
    with book.write(actor.tenant_id) as uow:
        add_household(uow, actor, HouseholdDetails("DLAMINI01", "Nomsa Dlamini"))
    assert _pending(book, actor) == []


def test_a_change_queues_one_item_and_a_second_change_renews_its_key(book: Book) -> None:
    _creche, actor = new_creche(book)
    _connect(book, actor)
    with book.write(actor.tenant_id) as uow:
        add_household(uow, actor, HouseholdDetails("DLAMINI01", "Nomsa Dlamini"))
    (first,) = _pending(book, actor)
    assert (first.entity, first.action, first.status) == ("household", "upsert", SyncStatus.PENDING)
    with book.write(actor.tenant_id) as uow:
        edit_household(uow, actor, "DLAMINI01", HouseholdDetails("DLAMINI01", "Nomsa Mokoena"))
    (second,) = _pending(book, actor)
    assert second.id == first.id
    assert second.idempotency_key != first.idempotency_key
    with book.write(actor.tenant_id) as uow:
        # The answer to the old key does not settle the item queued again since.
        assert uow.sync_outbox.mark_done([(first.id, first.idempotency_key)]) == 0
        assert uow.sync_outbox.mark_done([(second.id, second.idempotency_key)]) == 1
    assert _pending(book, actor) == []
    with book.write(actor.tenant_id) as uow:
        edit_household(uow, actor, "DLAMINI01", HouseholdDetails("DLAMINI01", "Nomsa Dlamini"))
    (third,) = _pending(book, actor)
    assert third.id != first.id  # a done item is never sent again; a new one is queued


def test_a_rolled_back_change_queues_nothing(book: Book) -> None:
    _creche, actor = new_creche(book)
    _connect(book, actor)

    def change_then_fail() -> None:
        with book.write(actor.tenant_id) as uow:
            add_household(uow, actor, HouseholdDetails("DLAMINI01", "Nomsa Dlamini"))
            raise RuntimeError("the change fails after it was audited")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert _pending(book, actor) == []


def test_sending_a_month_queues_every_invoice_and_payments_queue_their_own(book: Book) -> None:
    _creche, actor = new_creche(book)
    with book.write(actor.tenant_id) as uow:
        fees = add_fees(uow)
        for n in range(3):
            add_family(uow, f"FAM{n}", Kid(f"FAM{n}-1", fees.plain, dt.date(2026, 1, 1)))
    _connect(book, actor)
    run_month(book, actor, DECEMBER)
    assert _pending(book, actor) == []  # drafts are not Xero's
    with book.write(actor.tenant_id) as uow:
        send_month(uow, actor, DECEMBER)
    assert [(i.entity, i.action) for i in _pending(book, actor)] == [("invoice", "upsert")] * 3
    with book.write(actor.tenant_id) as uow:
        paid = add_payment(uow, actor, "FAM0", 100_000, DECEMBER, PaymentMethod.EFT, "FAM0")
    with book.write(actor.tenant_id) as uow:
        reverse_payment(uow, actor, paid.payment_id, "bounced")
    payments = [i for i in _pending(book, actor) if i.entity == "payment"]
    assert [(i.entity_id, i.action) for i in payments] == [(paid.payment_id, "upsert")]


def test_refused_items_go_again_only_when_asked_with_new_keys(book: Book) -> None:
    _creche, actor = new_creche(book)
    _connect(book, actor)
    with book.write(actor.tenant_id) as uow:
        add_household(uow, actor, HouseholdDetails("DLAMINI01", "Nomsa Dlamini"))
    (item,) = _pending(book, actor)
    with book.write(actor.tenant_id) as uow:
        uow.sync_outbox.mark_failed(item.id, item.idempotency_key, "Email address must be valid")
    assert _pending(book, actor) == []
    with book.read(actor.tenant_id) as uow:
        status = xero_connection.status(uow, actor)
    assert status.as_json()["failed"] == [
        {"kind": "household", "id": item.entity_id, "message": "Email address must be valid"}
    ]
    with book.write(actor.tenant_id) as uow:
        assert xero_connection.retry_failed(uow, actor) == 1
    (again,) = _pending(book, actor)
    assert again.id == item.id
    assert again.idempotency_key != item.idempotency_key


def test_mappings_name_real_accounts(book: Book) -> None:
    _creche, actor = new_creche(book)
    with book.write(actor.tenant_id) as uow:
        xero_connection.set_mapping(uow, actor, "account", "4000", "200")
        with pytest.raises(UserFacingError, match="no account 9999"):
            xero_connection.set_mapping(uow, actor, "account", "9999", "200")
        with pytest.raises(UserFacingError, match="no bank account named"):
            xero_connection.set_mapping(uow, actor, "bank_account", "Nowhere", "090")
    with book.read(actor.tenant_id) as uow:
        assert xero_connection.mappings(uow, actor)["account"] == {"4000": "200"}
