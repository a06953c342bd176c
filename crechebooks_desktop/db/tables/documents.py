"""Archived documents: generated PDFs, and files attached to invoices."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Created,
    IntPK,
    TenantId,
    UtcDateTime,
)


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
    name: Mapped[str | None] = mapped_column(String(255))
    """An attachment's file name as attached (None: a generated PDF)."""
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """When an attachment was detached: hidden, never deleted."""
