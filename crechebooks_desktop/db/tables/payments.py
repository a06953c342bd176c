"""Money received from households and how it is allocated to invoices."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Cents,
    Created,
    IntPK,
    OptText,
    TenantId,
    UtcDateTime,
    enum_type,
    fk,
    in_book_years,
    within_limit,
)
from crechebooks_desktop.domain.enums import PaymentMethod


class Payment(Base):
    """Money in from a household (cash, EFT, card, debit order)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        within_limit("amount_cents"),
        in_book_years("payment_date"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    household_id: Mapped[int] = fk("households.id")
    payment_date: Mapped[dt.date] = mapped_column(Date)
    amount_cents: Mapped[Cents]
    method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod, "payment_method"))
    reference: Mapped[str | None] = mapped_column(String(200))
    bank_line_id: Mapped[int | None] = fk("bank_lines.id", nullable=True)
    reversed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    reversal_reason: Mapped[OptText]
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)


class Allocation(Base):
    """Part of a payment applied to one invoice."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        within_limit("amount_cents"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    payment_id: Mapped[int | None] = fk("payments.id", nullable=True)
    invoice_id: Mapped[int] = fk("invoices.id")
    # The negative adjustment that made it; None with no payment means credit was used.
    adjustment_entry_id: Mapped[int | None] = fk("ledger_entries.id", nullable=True, index=False)
    amount_cents: Mapped[Cents]
    # Set when the allocation is undone (payment reversed); rows are kept for history.
    reversed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[Created]


class RefundLink(Base):
    """A refund paid out by hand (a REFUND ledger entry) linked to the bank line that shows it."""

    __tablename__ = "refund_links"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    ledger_entry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("ledger_entries.id", ondelete="RESTRICT"), unique=True
    )
    bank_line_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("bank_lines.id", ondelete="RESTRICT"), unique=True
    )
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
