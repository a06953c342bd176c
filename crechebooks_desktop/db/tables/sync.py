"""Work waiting to go to Xero or S3, and what Xero knows of this book (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Cents,
    Created,
    IntPK,
    JsonDoc,
    OptText,
    TenantId,
    UtcDateTime,
    enum_type,
    fk,
    within_limit,
)
from crechebooks_desktop.domain.enums import SyncStatus, SyncTarget


class SyncOutbox(Base):
    """One thing to send, written in the same transaction as the change that caused it.

    ``idempotency_key`` goes with the request, so a request repeated after a
    crash is not applied twice; it changes only when the item is queued again
    for a new change. At most one unfinished item exists per thing and action.
    """

    __tablename__ = "sync_outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_sync_outbox_tenant_id_target_status", "tenant_id", "target", "status"),
        Index(
            "uq_sync_outbox_unfinished",
            "tenant_id",
            "target",
            "entity",
            "entity_id",
            "action",
            unique=True,
            sqlite_where=text("status <> 'DONE'"),
            postgresql_where=text("status <> 'DONE'"),
        ),
    )

    id: Mapped[IntPK]
    # Not indexed alone: the (tenant_id, target, status) index serves it.
    tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id", ondelete="RESTRICT"))
    target: Mapped[SyncTarget] = mapped_column(enum_type(SyncTarget, "sync_target"))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    status: Mapped[SyncStatus] = mapped_column(
        enum_type(SyncStatus, "sync_status"), default=SyncStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[OptText]
    created_at: Mapped[Created]
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class XeroConnection(Base):
    """The Xero organisation a creche syncs to; its tokens live in the keyring, never here."""

    __tablename__ = "xero_connections"

    tenant_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True
    )
    client_id: Mapped[str] = mapped_column(String(100))
    xero_tenant_id: Mapped[str] = mapped_column(String(64))
    xero_tenant_name: Mapped[str] = mapped_column(String(200))
    connection_id: Mapped[str | None] = mapped_column(String(64))
    sync_from: Mapped[dt.date] = mapped_column(Date)
    connected_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    connected_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    day_remaining: Mapped[int | None] = mapped_column(Integer)
    resume_after: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class XeroLink(Base):
    """The id Xero gave one of our rows, and the digest of what was last sent for it."""

    __tablename__ = "xero_links"
    __table_args__ = (UniqueConstraint("tenant_id", "entity", "entity_id"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(BigId)
    xero_id: Mapped[str] = mapped_column(String(64))
    sent_digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class XeroCreditDraw(Base):
    """Part of a use of credit (``use_kind`` credit, refund, reversal) drawn on its source in Xero.

    The source is ``source_kind`` "payment": the overpayment Xero keeps for that
    payment's excess. Decided once and kept, so a rerun sends the same requests;
    ``xero_id`` is set when Xero has the allocation or refund.
    """

    __tablename__ = "xero_credit_draws"
    __table_args__ = (
        UniqueConstraint("tenant_id", "use_kind", "use_id", "source_kind", "source_id"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        within_limit("amount_cents"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    use_kind: Mapped[str] = mapped_column(String(10))
    use_id: Mapped[int] = mapped_column(BigId)
    source_kind: Mapped[str] = mapped_column(String(12))
    source_id: Mapped[int] = mapped_column(BigId)
    amount_cents: Mapped[Cents]
    xero_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Created]


class XeroMapping(Base):
    """Where one of our accounts goes in Xero's chart (``kind`` bank_account, account or tax)."""

    __tablename__ = "xero_mappings"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "ours"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    kind: Mapped[str] = mapped_column(String(20))
    ours: Mapped[str] = mapped_column(String(100))
    xero_code: Mapped[str] = mapped_column(String(50))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
