"""Chart of accounts, categorisation rules and bank reconciliations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    Cents,
    Created,
    IntPK,
    Name,
    TenantId,
    UtcDateTime,
    enum_type,
    fk,
    in_book_years,
    within_limit,
)
from crechebooks_desktop.domain.enums import AccountType, ReconciliationStatus, VatTreatment


class Account(Base):
    """A general-ledger account (income, expense, bank, ...)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[Name]
    account_type: Mapped[AccountType] = mapped_column(enum_type(AccountType, "account_type"))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class CategorisationRule(Base):
    """Puts bank lines whose text matches a pattern into an account."""

    __tablename__ = "categorisation_rules"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    pattern: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int] = fk("accounts.id")
    vat_treatment: Mapped[VatTreatment] = mapped_column(enum_type(VatTreatment, "vat_treatment"))
    priority: Mapped[int] = mapped_column(Integer, default=100)


class Reconciliation(Base):
    """A bank account reconciled to a statement date; finishing locks the period."""

    __tablename__ = "reconciliations"
    __table_args__ = (
        within_limit("statement_balance_cents"),
        in_book_years("statement_date"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    bank_account_id: Mapped[int] = fk("bank_accounts.id")
    statement_date: Mapped[dt.date] = mapped_column(Date)
    statement_balance_cents: Mapped[Cents]
    status: Mapped[ReconciliationStatus] = mapped_column(
        enum_type(ReconciliationStatus, "reconciliation_status"),
        default=ReconciliationStatus.IN_PROGRESS,
    )
    created_at: Mapped[Created]
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
