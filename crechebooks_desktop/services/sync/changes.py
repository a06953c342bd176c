"""Queue Xero work in the transaction of the change that causes it.

Every change the book makes is audited (``services.audit``), so the audit
record is the one place that sees them all: a change to something Xero keeps
(a household, a sent or voided invoice, a payment or its reversal) queues its
outbox item there, in the same transaction, while the creche is connected.
Household credit is queued by the services that move it (:func:`queue_credit`):
an audit record does not say whether credit moved.
"""

from __future__ import annotations

from collections.abc import Iterable

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import SyncTarget

__all__ = ["SYNCED_ACTIONS", "queue_credit", "queue_synced"]

SYNCED_ACTIONS: dict[str, tuple[str, str]] = {
    "household.create": ("household", "upsert"),
    "household.update": ("household", "upsert"),
    "invoice.send": ("invoice", "upsert"),
    "invoice.void": ("invoice", "void"),
    "payment.add": ("payment", "upsert"),
    "payment.reverse": ("payment", "upsert"),
}
"""Audit action -> (outbox entity, outbox action); the audited entity id is the thing's id."""


def queue_synced(uow: UnitOfWork, changes: Iterable[tuple[str, object]]) -> None:
    """Queue the Xero items these (audit action, entity id) changes call for.

    Nothing is queued while the creche has no Xero connection: connecting
    later queues what it chooses to send (``xero queue --since``).
    """
    things = [
        (SYNCED_ACTIONS[action][0], int(str(entity_id)), SYNCED_ACTIONS[action][1])
        for action, entity_id in changes
        if action in SYNCED_ACTIONS and entity_id is not None
    ]
    if things and uow.tenant_id is not None and uow.xero.is_connected():
        uow.sync_outbox.queue_many(SyncTarget.XERO, things)


def queue_credit(uow: UnitOfWork, household_ids: Iterable[int]) -> None:
    """Queue the households' credit for Xero: it was made, used, refunded or taken back.

    Called by the services that move credit (a payment's excess, credit applied
    or refunded, a payment reversed), in their transaction; nothing while the
    creche has no Xero connection.
    """
    things = [("credit", household_id, "upsert") for household_id in household_ids]
    if things and uow.tenant_id is not None and uow.xero.is_connected():
        uow.sync_outbox.queue_many(SyncTarget.XERO, things)
