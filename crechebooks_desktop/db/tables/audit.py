"""The append-only audit log (triggers in the migrations refuse UPDATE and DELETE).

Each record is sealed into its creche's hash chain when its transaction
commits (``db/history.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import BigId, ChainHash, ChainSeq, Created, IntPK, JsonDoc


class AuditRecord(Base):
    """Who changed what, when, and the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_tenant_id_id", "tenant_id", "id"),
        Index("ix_audit_log_tenant_id_chain_seq", "tenant_id", "chain_seq"),
    )

    id: Mapped[IntPK]
    # No foreign keys: the log must outlive anything it describes.
    tenant_id: Mapped[int | None] = mapped_column(BigId)
    user_id: Mapped[int | None] = mapped_column(BigId)
    username: Mapped[str] = mapped_column(String(100))
    at: Mapped[Created]
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    chain_seq: Mapped[ChainSeq]
    chain_hash: Mapped[ChainHash]
