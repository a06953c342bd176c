"""The household ledger and the denormalised balance kept beside it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Cents,
    ChainHash,
    ChainSeq,
    Created,
    IntPK,
    TenantId,
    UtcDateTime,
    balance_within_limit,
    enum_type,
    fk,
    in_book_years,
    utc_now,
    within_limit,
)
from crechebooks_desktop.domain.enums import EntryType


class LedgerEntry(Base):
    """One movement of a household's balance; never edited once written.

    Sealed into the creche's hash chain when its transaction commits.

    ``amount_cents`` is positive when the household owes more and negative when
    it owes less; ``balance_after_cents`` is the balance once it is applied.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        within_limit("amount_cents"),
        balance_within_limit("balance_after_cents"),
        in_book_years("entry_date"),
        Index("ix_ledger_entries_household_seq", "household_id", "id"),
        # Keyset pagination of the all-households ledger: (date, id).
        Index("ix_ledger_entries_tenant_date_id", "tenant_id", "entry_date", "id"),
        Index("ix_ledger_entries_tenant_id_chain_seq", "tenant_id", "chain_seq"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    household_id: Mapped[int] = fk("households.id", index=False)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    entry_type: Mapped[EntryType] = mapped_column(enum_type(EntryType, "entry_type"))
    amount_cents: Mapped[Cents]
    balance_after_cents: Mapped[Cents]
    source_type: Mapped[str | None] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(BigId)
    description: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[Created]
    created_by: Mapped[int | None] = fk("users.id", nullable=True, index=False)
    chain_seq: Mapped[ChainSeq]
    chain_hash: Mapped[ChainHash]


class HouseholdBalance(Base):
    """A household's current balance and unused credit, updated with each entry.

    The row is locked (``SELECT ... FOR UPDATE``) while an entry is posted, so
    concurrent writers queue instead of losing an update.
    """

    __tablename__ = "household_balances"
    __table_args__ = (
        CheckConstraint("credit_cents >= 0", name="credit_not_negative"),
        balance_within_limit("balance_cents"),
        balance_within_limit("credit_cents"),
    )

    household_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("households.id", ondelete="RESTRICT"), primary_key=True
    )
    tenant_id: Mapped[TenantId]
    balance_cents: Mapped[Cents] = mapped_column(default=0)
    credit_cents: Mapped[Cents] = mapped_column(default=0)
    last_entry_id: Mapped[int | None] = mapped_column(BigId)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now)
