"""Generated documents (archived PDFs)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Created,
    IntPK,
    TenantId,
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
