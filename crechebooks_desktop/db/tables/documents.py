"""Generated documents (archived PDFs) and pending sync work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Created,
    IntPK,
    JsonDoc,
    OptText,
    TenantId,
    UtcDateTime,
    enum_type,
)
from crechebooks_desktop.domain.enums import SyncStatus, SyncTarget


class Document(Base):
    """A generated PDF, kept with its hash so a reprint can be checked."""

    __tablename__ = "documents"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    kind: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(BigId)
    sha256: Mapped[str] = mapped_column(String(64))
    local_path: Mapped[str] = mapped_column(String(500))
    remote_key: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[Created]


class SyncOutbox(Base):
    """Work waiting to go to Xero or S3, written in the same transaction as its cause."""

    __tablename__ = "sync_outbox"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    target: Mapped[SyncTarget] = mapped_column(enum_type(SyncTarget, "sync_target"))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(BigId)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    status: Mapped[SyncStatus] = mapped_column(
        enum_type(SyncStatus, "sync_status"), default=SyncStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[OptText]
    created_at: Mapped[Created]
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
