"""How much a Xero sync of the pending items would send, counted without calling Xero."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.xero import BATCH_SIZE
from crechebooks_desktop.services.sync import xero_credit, xero_credit_draws
from crechebooks_desktop.services.sync.xero_work import (
    ALLOCATION,
    HOUSEHOLD,
    INVOICE,
    NOT_SENT,
    PAYMENT,
    contacts_to_send,
    pending_items,
)

__all__ = ["Plan", "plan"]


@dataclass(frozen=True, slots=True)
class Plan:
    """How much a sync of the pending items would send, and in how many calls."""

    contacts: int
    invoices: int
    payments: int
    deletions: int
    credit_sources: int = 0
    credit_draws: int = 0

    @property
    def calls(self) -> int:
        """Calls to Xero: tax rates and chart, the batches, one per deletion, the payments check.

        Overpayments and credit notes batch; what draws on them is counted as one
        call each (an allocation goes alone; refunds, which batch, are rare).
        """
        counts = (self.contacts, self.invoices, self.payments, self.credit_sources)
        batches = sum(-(-n // BATCH_SIZE) for n in counts)
        return 2 + batches + self.deletions + self.credit_draws + 1


def plan(uow: UnitOfWork, actor: Actor, sync_from: dt.date) -> Plan:
    """Count what the pending items would send (no call to Xero is made).

    Every invoice is counted as sendable: its contact goes first in the same sync.
    """
    items = pending_items(uow, actor)
    households = [i for i in items if i.entity == HOUSEHOLD]
    invoices = [i for i in items if i.entity == INVOICE]
    payments = [i for i in items if i.entity == PAYMENT]
    credit = [i for i in items if i.entity == xero_credit.CREDIT_ITEM]
    contacts = contacts_to_send(uow, households, invoices, [i.entity_id for i in credit])
    found = {inv.id: inv for inv in uow.invoices.by_ids([i.entity_id for i in invoices])}
    linked = uow.xero.links(INVOICE, found)
    sendable = 0
    for item in invoices:
        invoice = found.get(item.entity_id)
        if invoice is None:
            continue
        if item.action == "void":
            sendable += item.entity_id in linked
        elif invoice.issue_date >= sync_from and invoice.status not in NOT_SENT:
            sendable += 1
    allocations = uow.xero.allocations_of_payments(i.entity_id for i in payments)
    paid = uow.xero.links(ALLOCATION, (a.allocation_id for a in allocations))
    creates = sum(
        1
        for a in allocations
        if not a.reversed and a.allocation_id not in paid and a.issue_date >= sync_from
    )
    deletions = sum(1 for a in allocations if a.reversed and a.allocation_id in paid)
    owed = xero_credit_draws.count(uow, credit, sync_from)
    return Plan(len(contacts.elements), sendable, creates, deletions, owed.sources, owed.draws)
