"""Ledger entries and the denormalised household balances."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import HouseholdBalance, LedgerEntry, User
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import LedgerEntryValue
from crechebooks_desktop.errors import NotFoundError


class LedgerRepository(TenantScoped):
    """Append entries and keep each household's balance row in step."""

    def lock_balance(self, household_id: int) -> HouseholdBalance:
        """Lock and return a household's balance row for the rest of the transaction.

        PostgreSQL takes a row lock (``FOR UPDATE``); SQLite write transactions
        already hold the database's write lock (``BEGIN IMMEDIATE``).
        """
        row = self.session.scalars(
            select(HouseholdBalance)
            .where(
                HouseholdBalance.household_id == household_id,
                HouseholdBalance.tenant_id == self.tenant_id,
            )
            .with_for_update()
        ).first()
        if row is None:
            raise NotFoundError(f"no household with id {household_id} in this creche")
        return row

    def append(
        self,
        balance: HouseholdBalance,
        *,
        entry_date: dt.date,
        entry_type: EntryType,
        amount_cents: int,
        balance_after_cents: int,
        description: str,
        source: tuple[str, int] | None,
        user_id: int | None,
        credit_delta_cents: int = 0,
    ) -> int:
        """Insert an entry and move the locked balance row to match; returns the id."""
        entry = LedgerEntry(
            tenant_id=self.tenant_id,
            household_id=balance.household_id,
            entry_date=entry_date,
            entry_type=entry_type,
            amount_cents=amount_cents,
            balance_after_cents=balance_after_cents,
            description=description,
            source_type=source[0] if source else None,
            source_id=source[1] if source else None,
            created_by=user_id,
        )
        self.session.add(entry)
        self.session.flush()
        balance.balance_cents = balance_after_cents
        balance.credit_cents += credit_delta_cents
        balance.last_entry_id = entry.id
        balance.updated_at = utc_now()
        self.session.flush()
        return entry.id

    def entries(
        self,
        household_id: int,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[LedgerEntryValue]:
        """A household's entries, oldest first, optionally within dates."""
        query = (
            select(LedgerEntry, User.username)
            .outerjoin(User, User.id == LedgerEntry.created_by)
            .where(
                LedgerEntry.tenant_id == self.tenant_id,
                LedgerEntry.household_id == household_id,
            )
            .order_by(LedgerEntry.id)
        )
        if date_from is not None:
            query = query.where(LedgerEntry.entry_date >= date_from)
        if date_to is not None:
            query = query.where(LedgerEntry.entry_date <= date_to)
        return [_entry(row, username) for row, username in self.session.execute(query)]


def _entry(row: LedgerEntry, username: str | None) -> LedgerEntryValue:
    return LedgerEntryValue(
        id=row.id,
        household_id=row.household_id,
        entry_date=row.entry_date,
        entry_type=row.entry_type,
        amount_cents=row.amount_cents,
        balance_after_cents=row.balance_after_cents,
        description=row.description,
        source_type=row.source_type,
        source_id=row.source_id,
        created_at=row.created_at,
        created_by=username,
    )
