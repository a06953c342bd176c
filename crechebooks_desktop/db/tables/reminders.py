"""Payment reminders (the creche's policy, holds, what was sent) and scheduled jobs' runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    Cents,
    Created,
    IntPK,
    JsonDoc,
    TenantId,
    UtcDateTime,
    fk,
    within_limit,
)


class ReminderLevelRow(Base):
    """One level of the creche's reminder policy (none stored: the default levels)."""

    __tablename__ = "reminder_levels"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint("days > 0", name="days_positive"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    number: Mapped[int] = mapped_column(SmallInteger)
    days: Mapped[int] = mapped_column(SmallInteger)
    subject: Mapped[str] = mapped_column(String(200))
    wording: Mapped[str] = mapped_column(Text)


class ReminderHold(Base):
    """A household the creche has agreed not to remind until a date (a payment plan)."""

    __tablename__ = "reminder_holds"
    __table_args__ = (UniqueConstraint("tenant_id", "household_id"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    household_id: Mapped[int] = fk("households.id", index=False)
    reason: Mapped[str] = mapped_column(String(300))
    until: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)


class Reminder(Base):
    """A reminder a household was sent (or given on paper), with its letter."""

    __tablename__ = "reminders"
    __table_args__ = (
        within_limit("total_cents"),
        CheckConstraint("delivery IN ('email', 'print')", name="delivery_known"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    household_id: Mapped[int] = fk("households.id")
    as_of: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(SmallInteger)
    total_cents: Mapped[Cents]
    delivery: Mapped[str] = mapped_column(String(10))
    document_id: Mapped[int | None] = fk("documents.id", nullable=True, index=False)
    outbox_message_id: Mapped[int | None] = fk("outbox_messages.id", nullable=True, index=False)
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)


class ReminderInvoice(Base):
    """An invoice on a reminder at a level; the database holds each invoice to each level once."""

    __tablename__ = "reminder_invoices"
    __table_args__ = (UniqueConstraint("invoice_id", "level"), within_limit("owed_cents"))

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    reminder_id: Mapped[int] = fk("reminders.id")
    # Indexed by the unique (invoice_id, level), which leads with it.
    invoice_id: Mapped[int] = fk("invoices.id", index=False)
    level: Mapped[int] = mapped_column(SmallInteger)
    owed_cents: Mapped[Cents]


class JobRun(Base):
    """A scheduled job's run for its period: one per job and period, whatever happens."""

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "job", "period"),
        CheckConstraint("status IN ('RUNNING', 'DONE', 'FAILED')", name="job_status"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    result: Mapped[Any] = mapped_column(JsonDoc, nullable=True)
    started_at: Mapped[Created]
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
