"""The delivery outbox: messages to households and the documents attached (issue 12)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Created,
    IntPK,
    TenantId,
    UtcDateTime,
    enum_type,
    fk,
)
from crechebooks_desktop.domain.delivery import KEY_LIMIT, OutboxStatus


class OutboxMessage(Base):
    """One message to one household: e-mailed through the creche's SMTP server, or printed.

    ``idempotency_key`` names its documents (with their hashes) and recipients:
    queueing the same again finds this row instead of making a second message.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LIMIT))
    kind: Mapped[str] = mapped_column(String(30))
    household_id: Mapped[int | None] = fk("households.id", nullable=True)
    recipients: Mapped[str] = mapped_column(String(1000))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "outbox_status"), default=OutboxStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    queued_at: Mapped[Created]
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[int | None] = fk("users.id", index=False, nullable=True)


class OutboxAttachment(Base):
    """A file attached to an outbox message, with the hash it must still have when sent."""

    __tablename__ = "outbox_attachments"

    id: Mapped[IntPK]
    message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int | None] = fk("documents.id", nullable=True)
    local_path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
