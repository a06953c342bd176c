"""Bank accounts, imported statements and their lines, and matching memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, Index, Integer, String, UniqueConstraint
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
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome


class BankAccount(Base):
    """A creche's bank account whose statements are imported."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        within_limit("opening_balance_cents"),
        in_book_years("opening_as_of"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    name: Mapped[Name]
    bank: Mapped[str] = mapped_column(String(30), default="other")
    account_number: Mapped[str | None] = mapped_column(String(40))
    opening_balance_cents: Mapped[Cents] = mapped_column(default=0)
    opening_as_of: Mapped[dt.date | None] = mapped_column(Date)
    account_id: Mapped[int | None] = fk("accounts.id", nullable=True, index=False)
    created_at: Mapped[Created]
    # Closed (issue 13): takes no more statements; its lines stay as history.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class BankImport(Base):
    """One statement file taken in."""

    __tablename__ = "bank_imports"
    # Balances, not amounts: an opening balance may be worked out from the lines.
    __table_args__ = (
        balance_within_limit("opening_balance_cents"),
        balance_within_limit("closing_balance_cents"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    bank_account_id: Mapped[int] = fk("bank_accounts.id")
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    file_format: Mapped[str] = mapped_column(String(20))
    profile: Mapped[str | None] = mapped_column(String(30))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    opening_balance_cents: Mapped[OptCents]
    closing_balance_cents: Mapped[OptCents]
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the file's own balances do not add up (opening + lines != closing, or a
    # running balance that jumps): reconciling then needs the bookkeeper's figure.
    balance_problem: Mapped[OptText]
    imported_at: Mapped[Created]
    imported_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)


class BankLine(Base):
    """A statement line; credits are matched to households, debits categorised."""

    __tablename__ = "bank_lines"
    __table_args__ = (
        UniqueConstraint("bank_account_id", "dedup_key"),
        CheckConstraint("amount_cents <> 0 OR status = 'SPLIT'", name="amount_not_zero"),
        within_limit("amount_cents"),
        balance_within_limit("balance_cents"),
        in_book_years("line_date"),
        in_book_years("transaction_date"),
        Index("ix_bank_lines_account_date", "bank_account_id", "line_date"),
        # Lines waiting in review, found when an invoice they name changes (issue 11).
        Index("ix_bank_lines_tenant_status", "tenant_id", "status"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    bank_account_id: Mapped[int] = fk("bank_accounts.id")
    import_id: Mapped[int | None] = fk("bank_imports.id", nullable=True)
    # The posting date: the line's place on the statement and in its balance.
    line_date: Mapped[dt.date] = mapped_column(Date, index=True)
    # The day the payer made it, where the bank gives it apart (issue 14); shown only.
    # NULL when the file gives none or it is the posting date.
    transaction_date: Mapped[dt.date | None] = mapped_column(Date)
    amount_cents: Mapped[Cents]
    description: Mapped[str] = mapped_column(String(500), default="")
    reference: Mapped[str | None] = mapped_column(String(200))
    payer: Mapped[str | None] = mapped_column(String(200))
    fitid: Mapped[str | None] = mapped_column(String(255))
    dedup_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[BankLineStatus] = mapped_column(
        enum_type(BankLineStatus, "bank_line_status"), default=BankLineStatus.UNMATCHED
    )
    split_parent_id: Mapped[int | None] = fk("bank_lines.id", nullable=True)
    account_id: Mapped[int | None] = fk("accounts.id", nullable=True, index=False)
    # The statement's running balance after this line, when the file gives one.
    balance_cents: Mapped[OptCents]
    created_at: Mapped[Created]


class MatchDecision(Base):
    """What matching decided for a bank line, and why (kept for review and undo)."""

    __tablename__ = "match_decisions"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    bank_line_id: Mapped[int] = fk("bank_lines.id")
    outcome: Mapped[MatchOutcome] = mapped_column(enum_type(MatchOutcome, "match_outcome"))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    household_id: Mapped[int | None] = fk("households.id", nullable=True, index=False)
    payment_id: Mapped[int | None] = fk("payments.id", nullable=True, index=False)
    note: Mapped[OptText]
    decided_at: Mapped[Created]
    decided_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class PayerAlias(Base):
    """A learned payer name/reference that points at a household."""

    __tablename__ = "payer_aliases"

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    household_id: Mapped[int] = fk("households.id")
    payer_key: Mapped[str] = mapped_column(String(200), index=True)
    decision_id: Mapped[int | None] = fk("match_decisions.id", nullable=True, index=False)
    created_at: Mapped[Created]
    forgotten_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
