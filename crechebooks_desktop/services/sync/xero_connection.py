"""The creche's Xero connection, mappings and sync record, as use cases (issue 15).

Connecting and disconnecting are settings (an administrator's); mapping
accounts and syncing are the bookkeeper's; anyone may look at the status.
No token passes through here: the keyring keeps them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from crechebooks_desktop.db.repositories.xero import ConnectionRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.sync import OutboxCounts, SyncItem
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services import audit

__all__ = [
    "MAPPING_KINDS",
    "XeroStatus",
    "connection",
    "forget_connection",
    "mappings",
    "queue_since",
    "record_connection",
    "record_sync",
    "retry_failed",
    "set_mapping",
    "status",
]

MAPPING_KINDS = ("bank_account", "account", "tax")


@dataclass(frozen=True, slots=True)
class XeroStatus:
    """What the Sync panel and ``xero status`` show."""

    connection: ConnectionRecord | None
    counts: OutboxCounts
    failed: tuple[SyncItem, ...]

    def as_json(self) -> dict[str, object]:
        """``xero status --json``."""
        c = self.connection
        return {
            "connected": c is not None,
            "tenant": c.xero_tenant_name if c else None,
            "tenant_id": c.xero_tenant_id if c else None,
            "sync_from": c.sync_from.isoformat() if c else None,
            "connected_at": c.connected_at.isoformat() if c else None,
            "connected_by": c.connected_by if c else None,
            "last_sync_at": c.last_sync_at.isoformat() if c and c.last_sync_at else None,
            "calls_left_today": c.day_remaining if c else None,
            "resume_after": c.resume_after.isoformat() if c and c.resume_after else None,
            "pending": self.counts.pending,
            "sent": self.counts.done,
            "failed": [
                {"kind": i.entity, "id": i.entity_id, "message": i.last_error} for i in self.failed
            ],
        }


def status(uow: UnitOfWork, actor: Actor) -> XeroStatus:
    """The connection, and how many items wait, went and failed."""
    audit.require(actor, Permission.READ)
    return XeroStatus(
        uow.xero.connection(),
        uow.sync_outbox.counts(SyncTarget.XERO),
        tuple(uow.sync_outbox.failed(SyncTarget.XERO)),
    )


def connection(uow: UnitOfWork, actor: Actor) -> ConnectionRecord:
    """The connection a sync uses.

    Raises:
        UserFacingError: the creche is not connected to Xero.
    """
    audit.require(actor, Permission.READ)
    found = uow.xero.connection()
    if found is None:
        raise UserFacingError(
            "this creche is not connected to Xero; connect first (`crechebooks xero connect`)"
        )
    return found


def record_connection(
    uow: UnitOfWork,
    actor: Actor,
    client_id: str,
    xero_tenant_id: str,
    xero_tenant_name: str,
    connection_id: str | None,
    sync_from: dt.date,
) -> None:
    """Keep the organisation chosen at connecting (audited; never a token)."""
    audit.require(actor, Permission.MANAGE_SETTINGS)
    before = uow.xero.connection()
    uow.xero.connect(
        client_id, xero_tenant_id, xero_tenant_name, connection_id, sync_from, actor.user_id
    )
    audit.record(
        uow,
        actor,
        "xero.connect",
        "tenant",
        actor.tenant_id,
        {"tenant": before.xero_tenant_name} if before else None,
        {"tenant": xero_tenant_name, "tenant_id": xero_tenant_id, "sync_from": sync_from},
    )


def forget_connection(uow: UnitOfWork, actor: Actor) -> ConnectionRecord | None:
    """Forget the organisation (audited); what was connected, if anything.

    Items already queued stay, and go if the creche connects again.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    before = uow.xero.connection()
    if before is not None:
        uow.xero.disconnect()
        audit.record(
            uow, actor, "xero.disconnect", "tenant", actor.tenant_id,
            {"tenant": before.xero_tenant_name}, None,
        )  # fmt: skip
    return before


def mappings(uow: UnitOfWork, actor: Actor) -> dict[str, dict[str, str]]:
    """Every mapping, by kind."""
    audit.require(actor, Permission.READ)
    return {kind: uow.xero.mappings(kind) for kind in MAPPING_KINDS}


def set_mapping(uow: UnitOfWork, actor: Actor, kind: str, ours: str, xero_code: str) -> None:
    """Map one of ours to a Xero code (audited).

    Raises:
        UserFacingError: an unknown kind, or an empty name or code.
    """
    audit.require(actor, Permission.POST_MONEY)
    if kind not in MAPPING_KINDS:
        raise UserFacingError(
            f"unknown mapping kind {kind!r}; use one of {', '.join(MAPPING_KINDS)}"
        )
    ours, xero_code = ours.strip(), xero_code.strip()
    if not ours or not xero_code:
        raise UserFacingError("a mapping needs both our name and Xero's code")
    if kind == "bank_account" and ours != "*":
        account = uow.bank.account_named(ours)
        if account is None:
            raise UserFacingError(f"no bank account named {ours!r} in this creche")
        ours = account.name
    if kind == "account" and ours != "*" and not uow.chart.by_code(ours):
        raise UserFacingError(f"no account {ours} in this creche's chart")
    before = uow.xero.mappings(kind).get(ours)
    uow.xero.set_mapping(kind, ours, xero_code)
    audit.record(
        uow, actor, "xero.map", "xero_mapping", None,
        {"kind": kind, "ours": ours, "xero_code": before} if before else None,
        {"kind": kind, "ours": ours, "xero_code": xero_code},
    )  # fmt: skip
    # What waits for this mapping may go now.
    uow.sync_outbox.retry(SyncTarget.XERO)


def queue_since(uow: UnitOfWork, actor: Actor, day: dt.date) -> dict[str, int]:
    """Send invoices issued from ``day`` on (with their households, payments and credit).

    Returns:
        How many of each were queued.
    """
    audit.require(actor, Permission.POST_MONEY)
    if uow.xero.connection() is None:
        raise UserFacingError("this creche is not connected to Xero; connect first")
    households, invoices, payments = uow.xero.sent_since(day)
    uow.xero.set_sync_from(day)
    things = [
        *(("household", h, "upsert") for h in households),
        *(("invoice", i, "upsert") for i in invoices),
        *(("payment", p, "upsert") for p in payments),
        *(("credit", h, "upsert") for h in uow.xero_credit.with_credit(households)),
    ]
    uow.sync_outbox.queue_many(SyncTarget.XERO, things)
    counts = {"households": len(households), "invoices": len(invoices), "payments": len(payments)}
    audit.record(
        uow, actor, "xero.queue", "tenant", actor.tenant_id, None, {"since": day, **counts}
    )
    return counts


def retry_failed(uow: UnitOfWork, actor: Actor, item_ids: Sequence[int] | None = None) -> int:
    """Try refused items again at the next sync (all, or these); how many."""
    audit.require(actor, Permission.POST_MONEY)
    return uow.sync_outbox.retry(SyncTarget.XERO, item_ids)


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """One sync run, for the audit log and the status."""

    sent: int
    failed: int
    pending: int
    calls: int
    day_remaining: int | None
    resume_after: dt.datetime | None
    stopped: str | None


def record_sync(uow: UnitOfWork, actor: Actor, summary: SyncSummary) -> None:
    """Note the run on the connection and in the audit log."""
    audit.require(actor, Permission.POST_MONEY)
    uow.xero.record_sync(summary.day_remaining, summary.resume_after)
    audit.record(uow, actor, "xero.sync", "tenant", actor.tenant_id, None, asdict(summary))
