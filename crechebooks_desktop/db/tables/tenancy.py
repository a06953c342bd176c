"""Creches (tenants), users and who may work in which creche."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Created,
    IntPK,
    Name,
    OptText,
    UtcDateTime,
    enum_type,
    within_limit,
)
from crechebooks_desktop.domain.roles import Role


class Tenant(Base):
    """A creche and its settings; every other row belongs to one."""

    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint("due_day BETWEEN 1 AND 28", name="due_day_in_month"),
        CheckConstraint("length(invoice_prefix) BETWEEN 1 AND 10", name="invoice_prefix_length"),
        CheckConstraint(
            "categorise_confidence BETWEEN 0 AND 100", name="categorise_confidence_percent"
        ),
        CheckConstraint("smtp_port BETWEEN 1 AND 65535", name="smtp_port_range"),
        CheckConstraint("smtp_security IN ('none', 'starttls', 'ssl')", name="smtp_security_known"),
        CheckConstraint("reminder_min_cents >= 0", name="reminder_min_not_negative"),
        within_limit("reminder_min_cents"),
        CheckConstraint("billing_day BETWEEN 1 AND 28", name="billing_day_in_month"),
    )

    id: Mapped[IntPK]
    name: Mapped[Name] = mapped_column(unique=True)
    trading_name: Mapped[OptText]
    address: Mapped[OptText]
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    vat_number: Mapped[str | None] = mapped_column(String(20))
    prices_include_vat: Mapped[bool] = mapped_column(Boolean, default=True)
    invoice_prefix: Mapped[str] = mapped_column(String(10), default="INV")
    due_day: Mapped[int] = mapped_column(SmallInteger, default=7)
    sibling_discounts: Mapped[str] = mapped_column(String(100), default="")
    money_style: Mapped[str] = mapped_column(String(20), default="SPACE_COMMA")
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account_name: Mapped[str | None] = mapped_column(String(200))
    bank_account_number: Mapped[str | None] = mapped_column(String(40))
    bank_branch_code: Mapped[str | None] = mapped_column(String(20))
    # A learned categorisation suggestion below this (percent) waits for a person.
    categorise_confidence: Mapped[int] = mapped_column(SmallInteger, default=80)
    # The creche's mailbox (issue 12); its password is in the keyring, never in the book.
    smtp_host: Mapped[str | None] = mapped_column(String(200))
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls")
    smtp_user: Mapped[str | None] = mapped_column(String(200))
    smtp_from: Mapped[str | None] = mapped_column(String(200))
    # Reminders (issue 12): nobody owing less than this (cents) is reminded.
    reminder_min_cents: Mapped[int] = mapped_column(BigInteger, default=5_000)
    # The day of the month on which ``jobs run`` makes the month's invoices (None: never).
    billing_day: Mapped[int | None] = mapped_column(SmallInteger)
    # The S3 archive of generated PDFs (issue 15); credentials are never here.
    s3_bucket: Mapped[str | None] = mapped_column(String(63))
    s3_region: Mapped[str | None] = mapped_column(String(40))
    s3_prefix: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[Created]


class User(Base):
    """A person who signs in; roles are per creche (``TenantUser``)."""

    __tablename__ = "users"

    id: Mapped[IntPK]
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[OptText]
    password_hash: Mapped[str | None] = mapped_column(String(300))
    # A user added without a password signs in first with a one-time set-up code
    # (issue 13), kept only as a hash, and only until it expires or is used.
    setup_code_hash: Mapped[str | None] = mapped_column(String(300))
    setup_code_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Created]


class TenantUser(Base):
    """A user's role in one creche."""

    __tablename__ = "tenant_users"

    tenant_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    # Disabled here by an administrator (issue 13): no sign-in, no acting; never deleted,
    # since the audit log names them. Other creches of the book are not affected.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
