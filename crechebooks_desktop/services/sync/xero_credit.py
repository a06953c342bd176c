"""Household credit to Xero: its sources first, then what draws on them (issue 15).

A ``credit`` outbox item stands for one household's credit (queued when a
payment leaves credit or is reversed, when credit is used or refunded, when a
negative adjustment is made). The sync sends, after the payments:

1. the household's sources of credit not yet in Xero: each payment's excess as
   a RECEIVE-OVERPAYMENT on the payment's mapped bank account, each negative
   adjustment as an ACCREC credit note (``sources_to_send``);
2. what draws on them (``xero_credit_draws``): the credit notes' allocations to
   the invoices the adjustments reduced, and each use of credit.

The item is settled when all of that is in Xero; an element Xero refuses, or
a use that finds too little credit there, fails the item with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.db.repositories.xero import LinkRecord
from crechebooks_desktop.db.repositories.xero_credit import AdjustmentRecord, ExcessRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import LineType
from crechebooks_desktop.domain.sync import SyncItem
from crechebooks_desktop.domain.xero_credit import (
    credit_note_body,
    credit_note_number,
    overpayment_body,
)
from crechebooks_desktop.services.sync.xero_work import (
    HOUSEHOLD,
    Answer,
    Choices,
    Element,
    fail_refused,
)

__all__ = [
    "ADJUSTMENT_ALLOCATION",
    "CREDIT_ITEM",
    "CREDIT_NOTE",
    "DRAW",
    "OVERPAYMENT",
    "Sources",
    "finish",
    "record",
    "refuse",
    "sources_to_send",
]

CREDIT_ITEM = "credit"
"""The outbox entity: one household's credit (entity id = the household)."""
OVERPAYMENT = "overpayment"
"""The link entity of a payment's excess as an overpayment (entity id = the payment)."""
CREDIT_NOTE = "credit_note"
"""The link entity of a negative adjustment as a credit note (entity id = the ledger entry)."""
ADJUSTMENT_ALLOCATION = "adjustment_allocation"
"""The link entity of a credit note's allocation to an invoice (entity id = the allocation)."""
DRAW = "credit_draw"
"""The element entity of a draw (entity id = the draw; the draw row keeps Xero's id)."""


@dataclass(frozen=True, slots=True)
class Sources:
    """Overpayments and credit notes to create, and the items that cannot go as they are."""

    overpayments: list[Element] = field(default_factory=list)
    credit_notes: list[Element] = field(default_factory=list)
    refused: list[tuple[SyncItem, str]] = field(default_factory=list)


def sources_to_send(
    uow: UnitOfWork, items: Sequence[SyncItem], choices: Choices, sync_from: dt.date
) -> Sources:
    """These households' overpayments and credit notes that Xero does not have yet.

    A reversed payment's excess is not sent (nothing is left of it); nothing
    dated before the sync start is (Xero's opening balances hold it).
    """
    by_household = {item.entity_id: item for item in items}
    excess = [
        e
        for e in uow.xero_credit.excess_payments(by_household)
        if e.reversed_on is None and e.paid_on >= sync_from
    ]
    adjustments = [a for a in uow.xero_credit.adjustments(by_household) if a.on >= sync_from]
    paid = uow.xero.links(OVERPAYMENT, (e.payment_id for e in excess))
    noted = uow.xero.links(CREDIT_NOTE, (a.entry_id for a in adjustments))
    found = _Found(
        by_household,
        uow.xero.links(HOUSEHOLD, by_household),
        {h.id: h.details.account_ref for h in uow.xero.households(by_household)},
    )
    for record in excess:
        if record.payment_id not in paid:
            found.overpayment(record, choices.bank_codes.get(record.bank_account))
    account = choices.account_codes.get(LineType.CREDIT)
    for adjustment in adjustments:
        if adjustment.entry_id not in noted:
            found.credit_note(adjustment, account)
    return found.sources


@dataclass(slots=True)
class _Found:
    """Sources found so far, and the households refused (once each)."""

    items: dict[int, SyncItem]
    contacts: dict[int, LinkRecord]
    refs: dict[int, str]
    sources: Sources = field(default_factory=Sources)
    refused: set[int] = field(default_factory=set)

    def overpayment(self, record: ExcessRecord, code: str | None) -> None:
        contact = self.contacts.get(record.household_id)
        if contact is None:
            self.refuse(record.household_id, self.not_in_xero(record.household_id))
        elif code is None:
            self.refuse(
                record.household_id, f"no Xero bank account is mapped for {record.bank_account}"
            )
        else:
            body = overpayment_body(
                contact.xero_id, code, record.paid_on, record.excess_cents, _described(record)
            )
            item = _key(self.items[record.household_id])
            self.sources.overpayments.append(Element(OVERPAYMENT, record.payment_id, body, item))

    def credit_note(self, adjustment: AdjustmentRecord, account: str | None) -> None:
        contact = self.contacts.get(adjustment.household_id)
        if contact is None:
            self.refuse(adjustment.household_id, self.not_in_xero(adjustment.household_id))
        elif account is None:
            self.refuse(adjustment.household_id, "no Xero account is mapped for credit notes")
        else:
            body = _credit_note(adjustment, contact.xero_id, account)
            item = _key(self.items[adjustment.household_id])
            self.sources.credit_notes.append(Element(CREDIT_NOTE, adjustment.entry_id, body, item))

    def refuse(self, household: int, problem: str) -> None:
        if household not in self.refused:
            self.refused.add(household)
            self.sources.refused.append((self.items[household], problem))

    def not_in_xero(self, household: int) -> str:
        return f"household {self.refs.get(household, household)} is not in Xero"


def record(uow: UnitOfWork, answers: Sequence[Answer]) -> set[tuple[int, str]]:
    """Keep what Xero made (links, or a draw's id); fail the items of what it refused.

    Returns:
        The keys of the items failed.
    """
    links = []
    for answer in answers:
        element = answer.element
        if answer.message is not None or answer.xero_id is None:
            continue
        if element.entity == DRAW:
            uow.xero_credit.mark_drawn(element.entity_id, answer.xero_id)
        else:
            links.append(
                LinkRecord(element.entity, element.entity_id, answer.xero_id, element.digest)
            )
    uow.xero.save_links(links)
    return fail_refused(uow, answers)


def refuse(uow: UnitOfWork, refused: Sequence[tuple[SyncItem, str]]) -> set[tuple[int, str]]:
    """Fail these items with their reasons; return their keys."""
    for item, message in refused:
        uow.sync_outbox.mark_failed(item.id, item.idempotency_key, message)
    return {(item.id, item.idempotency_key) for item, _ in refused}


def finish(uow: UnitOfWork, items: Sequence[SyncItem], failed: Collection[tuple[int, str]]) -> None:
    """Settle every credit item that did not fail: all its credit is in Xero."""
    uow.sync_outbox.mark_done(
        [(i.id, i.idempotency_key) for i in items if (i.id, i.idempotency_key) not in failed]
    )


def _key(item: SyncItem) -> tuple[tuple[int, str], ...]:
    return ((item.id, item.idempotency_key),)


def _described(record: ExcessRecord) -> str:
    reference = f" ({record.reference})" if record.reference else ""
    return f"Credit from payment {record.payment_id}{reference} of {record.paid_on.isoformat()}"


def _credit_note(adjustment: AdjustmentRecord, contact_id: str, account: str) -> dict[str, object]:
    return credit_note_body(
        contact_id,
        credit_note_number(adjustment.entry_id),
        adjustment.on,
        adjustment.cents,
        adjustment.description,
        account,
    )
