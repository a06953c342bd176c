"""Chart of accounts, categorisation of bank lines, and bank reconciliations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    Cents,
    Created,
    IntPK,
    JsonDoc,
    Name,
    OptCents,
    OptText,
    TenantId,
    UtcDateTime,
    balance_within_limit,
    enum_type,
    fk,
    in_book_years,
    within_limit,
)
from crechebooks_desktop.domain.enums import (
    AccountType,
    CategorySource,
    ReconciliationStatus,
    VatType,
)


class Account(Base):
    """A general-ledger account (income, expense, bank, ...); once used, archived, never deleted."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[Name]
    account_type: Mapped[AccountType] = mapped_column(enum_type(AccountType, "account_type"))
    vat_type: Mapped[VatType] = mapped_column(
        enum_type(VatType, "vat_type"), default=VatType.NO_VAT
    )
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the book itself uses the account for (``domain.chart.SystemRole``), if anything.
    system_role: Mapped[str | None] = mapped_column(String(30))
    archived_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class CategorisationRule(Base):
    """The bookkeeper's rule: bank lines that meet its conditions go to an account.

    Rules are tried by ``position`` and the first that matches wins. Text
    conditions are compared without regard to case on ``text_field`` (the
    description, payer, reference, or ``any`` of them). The action is an
    account and VAT type, or ``split``: ``[{"account_id", "basis_points"}]``
    adding up to 10,000.
    """

    __tablename__ = "categorisation_rules"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        within_limit("amount_min_cents"),
        within_limit("amount_max_cents"),
        CheckConstraint("direction IN ('in', 'out')", name="direction_known"),
        CheckConstraint(
            "text_field IN ('any', 'description', 'payer', 'reference')", name="text_field_known"
        ),
        CheckConstraint("account_id IS NOT NULL OR split IS NOT NULL", name="has_action"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    text_field: Mapped[str] = mapped_column(String(12), default="any")
    text_contains: Mapped[str | None] = mapped_column(String(200))
    text_starts: Mapped[str | None] = mapped_column(String(200))
    text_regex: Mapped[str | None] = mapped_column(String(300))
    amount_min_cents: Mapped[OptCents]
    amount_max_cents: Mapped[OptCents]
    direction: Mapped[str | None] = mapped_column(String(3))
    bank_account_id: Mapped[int | None] = fk("bank_accounts.id", nullable=True, index=False)
    account_id: Mapped[int | None] = fk("accounts.id", nullable=True, index=False)
    vat_type: Mapped[VatType | None] = mapped_column(enum_type(VatType, "vat_type"))
    split: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDoc)
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)


class LineCategory(Base):
    """One part of a bank line's categorisation: an account, its share and its VAT.

    A line categorised to one account has one part; a line split across
    accounts has several, adding up to the line's amount.
    """

    __tablename__ = "line_categories"
    __table_args__ = (
        UniqueConstraint("bank_line_id", "part_no"),
        within_limit("amount_cents"),
        within_limit("vat_cents"),
        CheckConstraint("confidence BETWEEN 0 AND 100", name="confidence_percent"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    # Indexed by the unique (bank_line_id, part_no), which leads with it: a second
    # index would only slow the bulk insert of a categorisation run.
    bank_line_id: Mapped[int] = fk("bank_lines.id", index=False)
    part_no: Mapped[int] = mapped_column(SmallInteger, default=1)
    account_id: Mapped[int] = fk("accounts.id")
    amount_cents: Mapped[Cents]
    vat_type: Mapped[VatType] = mapped_column(enum_type(VatType, "vat_type"))
    vat_cents: Mapped[Cents] = mapped_column(default=0)
    source: Mapped[CategorySource] = mapped_column(enum_type(CategorySource, "category_source"))
    confidence: Mapped[int] = mapped_column(SmallInteger, default=100)
    reason: Mapped[OptText]
    rule_id: Mapped[int | None] = fk("categorisation_rules.id", nullable=True, index=False)
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)


class CategoryMemory(Base):
    """A person's choice of account for a payer or text, remembered for suggestions."""

    __tablename__ = "category_memory"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    text_key: Mapped[str] = mapped_column(String(200), index=True)
    account_id: Mapped[int] = fk("accounts.id", index=False)
    vat_type: Mapped[VatType] = mapped_column(enum_type(VatType, "vat_type"))
    bank_line_id: Mapped[int | None] = fk("bank_lines.id", nullable=True, index=False)
    created_at: Mapped[Created]
    forgotten_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Reconciliation(Base):
    """A bank account reconciled to a statement date; finishing locks the period."""

    __tablename__ = "reconciliations"
    __table_args__ = (
        balance_within_limit("statement_balance_cents"),
        balance_within_limit("opening_balance_cents"),
        balance_within_limit("file_balance_cents"),
        in_book_years("statement_date"),
        Index("ix_reconciliations_account_date", "bank_account_id", "statement_date"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    bank_account_id: Mapped[int] = fk("bank_accounts.id", index=False)
    statement_date: Mapped[dt.date] = mapped_column(Date)
    statement_balance_cents: Mapped[Cents]
    opening_balance_cents: Mapped[Cents] = mapped_column(default=0)
    # What the imported statement said, when the bookkeeper's figure differs from it.
    file_balance_cents: Mapped[OptCents]
    status: Mapped[ReconciliationStatus] = mapped_column(
        enum_type(ReconciliationStatus, "reconciliation_status"),
        default=ReconciliationStatus.IN_PROGRESS,
    )
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    unlocked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    unlocked_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    unlock_reason: Mapped[OptText]
