"""What a Xero sync sends next, and what it learned, as plain values (issue 15).

The sync (``integrations.xero.sync``) asks for the pending items, turns them
into request elements here (in order of dependency: contacts, then invoices,
then payments), sends them, and records each answer here in its own
transaction: the ids Xero gave, the items settled, the items refused with
Xero's own message. Reads take the creche's current state, so an item queued
twice sends the thing as it is now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crechebooks_desktop.db.repositories.xero import AllocationRecord, LinkRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType, SyncTarget, VatTreatment
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.sync import SyncItem
from crechebooks_desktop.domain.xero import (
    PaymentToSend,
    contact_body,
    digest,
    invoice_body,
    payment_body,
    void_body,
)
from crechebooks_desktop.services import audit

__all__ = [
    "NOT_SENT",
    "Choices",
    "Element",
    "Prepared",
    "contacts_to_send",
    "fail_refused",
    "invoices_to_send",
    "payments_to_send",
    "pending_items",
    "record_answers",
    "settle",
]

HOUSEHOLD, INVOICE, PAYMENT, ALLOCATION = "household", "invoice", "payment", "allocation"
_XERO_IDS = {"ContactID", "InvoiceID", "PaymentID"}


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a request, and the outbox items it settles.

    Attributes:
        entity: the kind of our row (household, invoice, allocation).
        entity_id: our row's id.
        body: the element as Xero takes it.
        items: (outbox id, idempotency key) of the items it answers.
        xero_id: the id Xero already gave the row (an update or a deletion).
    """

    entity: str
    entity_id: int
    body: dict[str, Any]
    items: tuple[tuple[int, str], ...]
    xero_id: str | None = None

    @property
    def digest(self) -> str:
        """The body's digest without Xero's own id, kept with the link to skip an unchanged resend.

        The id is left out because the first send has none and the next ones do.
        """
        return digest({k: v for k, v in self.body.items() if k not in _XERO_IDS})


@dataclass(frozen=True, slots=True)
class Prepared:
    """One step's elements, and the items settled or refused without a call.

    Attributes:
        elements: to send (batched by the caller).
        deletions: payments to delete in Xero, one call each.
        done: items with nothing to send (unchanged, or not in Xero).
        refused: (item, message) that cannot be sent as they are.
        skipped: items left alone (an invoice issued before the sync start).
    """

    elements: list[Element] = field(default_factory=list)
    deletions: list[Element] = field(default_factory=list)
    done: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[SyncItem, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Choices:
    """The organisation's codes for the book's lines and bank accounts."""

    amount_types: str
    tax_types: Mapping[VatTreatment, str]
    account_codes: Mapping[LineType, str]
    bank_codes: Mapping[str, str]


def pending_items(uow: UnitOfWork, actor: Actor) -> list[SyncItem]:
    """Every Xero item waiting, oldest first."""
    audit.require(actor, Permission.POST_MONEY)
    return uow.sync_outbox.pending(SyncTarget.XERO)


def contacts_to_send(
    uow: UnitOfWork,
    items: Sequence[SyncItem],
    invoice_items: Sequence[SyncItem],
    credit_households: Sequence[int] = (),
) -> Prepared:
    """Contacts for queued households, and for invoices or credit whose household Xero lacks."""
    keys: dict[int, list[tuple[int, str]]] = {}
    for item in items:
        keys.setdefault(item.entity_id, []).append((item.id, item.idempotency_key))
    invoice_homes = uow.xero.invoice_households(i.entity_id for i in invoice_items)
    homes = {*invoice_homes.values(), *credit_households}
    linked = uow.xero.links(HOUSEHOLD, [*keys, *homes])
    for household in homes:
        if household not in linked:
            keys.setdefault(household, [])
    prepared = Prepared()
    for stored in uow.xero.households(keys):
        link = linked.get(stored.id)
        body = contact_body(stored.details, link.xero_id if link else None)
        element = Element(
            HOUSEHOLD, stored.id, body, tuple(keys[stored.id]), link.xero_id if link else None
        )
        if link is not None and link.sent_digest == element.digest:
            prepared.done.extend(element.items)
        else:
            prepared.elements.append(element)
    return prepared


def invoices_to_send(
    uow: UnitOfWork,
    items: Sequence[SyncItem],
    choices: Choices,
    sync_from: dt.date,
    refused_contacts: Mapping[int, str] | None = None,
) -> Prepared:
    """Invoices to create or update, and voids; each needs its household in Xero.

    ``refused_contacts`` (household id -> Xero's words) says why a contact is
    missing, so the invoice that cannot go says it too.
    """
    prepared = Prepared()
    by_id = {i.entity_id: i for i in items}
    invoices = {inv.id: inv for inv in uow.invoices.by_ids(sorted(by_id))}
    links = uow.xero.links(INVOICE, invoices)
    contacts = uow.xero.links(HOUSEHOLD, {inv.recipient.household_id for inv in invoices.values()})
    for item in items:
        key = (item.id, item.idempotency_key)
        invoice = invoices.get(item.entity_id)
        link = links.get(item.entity_id)
        if invoice is None:
            prepared.refused.append((item, "the invoice is no longer in the book"))
        elif item.action == "void":
            if link is None:
                prepared.done.append(key)  # never in Xero: nothing to void
            else:
                body = void_body(link.xero_id)
                prepared.elements.append(Element(INVOICE, invoice.id, body, (key,), link.xero_id))
        elif invoice.issue_date < sync_from:
            prepared.skipped.append(key)
        elif invoice.status in {InvoiceStatus.DRAFT, InvoiceStatus.VOID}:
            prepared.done.append(key)  # a void follows as its own item
        elif (contact := contacts.get(invoice.recipient.household_id)) is None:
            why = (refused_contacts or {}).get(invoice.recipient.household_id)
            prepared.refused.append(
                (
                    item,
                    f"household {invoice.household_ref} is not in Xero: "
                    + (f"Xero refused its contact: {why}" if why else "its contact was not sent"),
                )
            )
        else:
            body = invoice_body(
                invoice,
                contact.xero_id,
                link.xero_id if link else None,
                choices.amount_types,
                choices.tax_types,
                choices.account_codes,
            )
            element = Element(INVOICE, invoice.id, body, (key,), link.xero_id if link else None)
            if link is not None and link.sent_digest == element.digest:
                prepared.done.append(key)
            else:
                prepared.elements.append(element)
    return prepared


def payments_to_send(
    uow: UnitOfWork, items: Sequence[SyncItem], choices: Choices, sync_from: dt.date
) -> Prepared:
    """Payments to create (one per standing allocation) and delete (reversed ones).

    A payment item is settled when all its allocations are (its elements carry
    its key, and are sent in one batch).
    """
    prepared = Prepared()
    by_payment = {i.entity_id: i for i in items}
    allocations = uow.xero.allocations_of_payments(by_payment)
    links = uow.xero.links(ALLOCATION, (a.allocation_id for a in allocations))
    invoice_links = uow.xero.links(INVOICE, (a.invoice_id for a in allocations))
    parts: dict[int, list[int]] = {payment: [] for payment in by_payment}
    refused: set[int] = set()
    for allocation in allocations:
        item = by_payment[allocation.payment_id]
        key = (item.id, item.idempotency_key)
        link = links.get(allocation.allocation_id)
        if allocation.reversed:
            if link is not None:
                parts[allocation.payment_id].append(allocation.allocation_id)
                prepared.deletions.append(
                    Element(ALLOCATION, allocation.allocation_id, {}, (key,), link.xero_id)
                )
            continue
        if link is not None or allocation.issue_date < sync_from:
            continue  # already in Xero, or its invoice is not sent there
        invoice = invoice_links.get(allocation.invoice_id)
        code = choices.bank_codes.get(allocation.bank_account)
        problem = _payment_problem(allocation, invoice, code)
        if problem is not None:
            if allocation.payment_id not in refused:
                refused.add(allocation.payment_id)
                prepared.refused.append((item, problem))
            continue
        assert invoice is not None  # noqa: S101 - checked just above
        assert code is not None  # noqa: S101
        parts[allocation.payment_id].append(allocation.allocation_id)
        body = payment_body(_to_send(allocation), invoice.xero_id, code)
        prepared.elements.append(Element(ALLOCATION, allocation.allocation_id, body, (key,)))
    for payment, allocation_ids in parts.items():
        if not allocation_ids and payment not in refused:
            item = by_payment[payment]
            prepared.done.append((item.id, item.idempotency_key))
    return prepared


NOT_SENT = {InvoiceStatus.DRAFT, InvoiceStatus.VOID}
"""Invoice statuses Xero is not sent."""


def _payment_problem(
    allocation: AllocationRecord, invoice: LinkRecord | None, code: str | None
) -> str | None:
    if invoice is None:
        return f"invoice {allocation.invoice_number} is not in Xero yet"
    if code is None:
        return f"no Xero bank account is mapped for {allocation.bank_account}"
    return None


def _to_send(allocation: AllocationRecord) -> PaymentToSend:
    return PaymentToSend(
        allocation.allocation_id,
        allocation.invoice_number,
        allocation.amount_cents,
        allocation.payment_date,
        allocation.reference,
        allocation.bank_account,
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """Xero's answer for one element: saved with this id, or refused with these words."""

    element: Element
    xero_id: str | None
    message: str | None


def record_answers(
    uow: UnitOfWork,
    answers: Sequence[Answer],
    finished_items: Sequence[tuple[int, str]] = (),
    deleted: Sequence[Element] = (),
) -> None:
    """Keep the ids Xero gave, settle the items, record refusals (one transaction).

    Args:
        uow: the transaction.
        answers: one per element sent.
        finished_items: items to mark done when none of their elements was refused
            (payment items whose last allocation was just sent).
        deleted: payments Xero deleted (their links are dropped).
    """
    saved = [
        LinkRecord(a.element.entity, a.element.entity_id, a.xero_id, a.element.digest)
        for a in answers
        if a.message is None and a.xero_id is not None
    ]
    uow.xero.save_links(saved)
    uow.xero.drop_links(ALLOCATION, [e.entity_id for e in deleted])
    refused = fail_refused(uow, answers)
    done = {key for a in answers if a.message is None for key in a.element.items}
    done |= {key for e in deleted for key in e.items}
    done |= set(finished_items)
    uow.sync_outbox.mark_done(sorted(k for k in done if k not in refused))


def fail_refused(uow: UnitOfWork, answers: Sequence[Answer]) -> set[tuple[int, str]]:
    """Fail the items of the elements Xero refused, with its words; return their keys."""
    refused: dict[tuple[int, str], str] = {}
    for answer in answers:
        if answer.message is not None:
            for key in answer.element.items:
                refused.setdefault(key, answer.message)
    for (item_id, item_key), message in refused.items():
        uow.sync_outbox.mark_failed(item_id, item_key, message)
    return set(refused)


def settle(
    uow: UnitOfWork, done: Sequence[tuple[int, str]], refused: Sequence[tuple[SyncItem, str]]
) -> None:
    """Settle items that needed no call, and refuse those that cannot be sent as they are."""
    uow.sync_outbox.mark_done(done)
    for item, message in refused:
        uow.sync_outbox.mark_failed(item.id, item.idempotency_key, message)
