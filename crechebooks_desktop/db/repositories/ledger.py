"""Ledger entries and the denormalised household balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, update

from crechebooks_desktop.db import history
from crechebooks_desktop.db.repositories.bulk import insert_rows, reserve_ids, table_of
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import HouseholdBalance, LedgerEntry, User
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.ledger import BalanceState, LedgerEntryValue
from crechebooks_desktop.errors import NotFoundError

_ENTRIES = table_of(LedgerEntry)


class LedgerRepository(TenantScoped):
    """Append entries and keep each household's balance row in step."""

    def lock_balances(self, household_ids: Iterable[int]) -> dict[int, BalanceState]:
        """Lock the households' balance rows for the rest of the transaction.

        PostgreSQL takes row locks (``FOR UPDATE``), in id order so that two
        writers never wait on each other in a circle; SQLite write transactions
        already hold the database's write lock (``BEGIN IMMEDIATE``).

        Raises:
            NotFoundError: a household is not in this creche.
        """
        wanted = sorted(set(household_ids))
        rows = self.session.execute(
            select(
                HouseholdBalance.household_id,
                HouseholdBalance.balance_cents,
                HouseholdBalance.credit_cents,
            )
            .where(
                HouseholdBalance.tenant_id == self.tenant_id,
                HouseholdBalance.household_id.in_(wanted),
            )
            .order_by(HouseholdBalance.household_id)
            .with_for_update()
        )
        found = {r[0]: BalanceState(r[0], r[1], r[2]) for r in rows}
        missing = [h for h in wanted if h not in found]
        if missing:
            raise NotFoundError(f"no household with id {missing[0]} in this creche")
        return found

    def balance(self, household_id: int) -> BalanceState:
        """A household's balance and unused credit, read without a lock (previews).

        Raises:
            NotFoundError: the household is not in this creche.
        """
        row = self.session.execute(
            select(HouseholdBalance.balance_cents, HouseholdBalance.credit_cents).where(
                HouseholdBalance.tenant_id == self.tenant_id,
                HouseholdBalance.household_id == household_id,
            )
        ).first()
        if row is None:
            raise NotFoundError(f"no household with id {household_id} in this creche")
        return BalanceState(household_id, row[0], row[1])

    def append_entries(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert entries (dicts of LedgerEntry columns) in one statement; their ids in order.

        The entries are sealed into the creche's hash chain when the transaction commits.
        """
        ids = reserve_ids(self.session, _ENTRIES, len(rows))
        now = utc_now()
        entries = [
            {**row, "id": entry_id, "tenant_id": self.tenant_id, "created_at": now}
            for entry_id, row in zip(ids, rows, strict=True)
        ]
        insert_rows(self.session, _ENTRIES, entries)
        history.note_written(self.session, history.LEDGER, entries)
        return ids

    def store_balances(
        self, states: Sequence[BalanceState], last_entry_ids: dict[int, int]
    ) -> None:
        """Write new balances (rows locked by ``lock_balances``)."""
        now = utc_now()
        self.session.execute(
            update(HouseholdBalance),
            [
                {
                    "household_id": s.household_id,
                    "balance_cents": s.balance_cents,
                    "credit_cents": s.credit_cents,
                    "last_entry_id": last_entry_ids[s.household_id],
                    "updated_at": now,
                }
                for s in states
            ],
        )

    def set_credit(self, household_id: int, credit_cents: int) -> None:
        """Change a locked household's unused credit (the balance does not move)."""
        self.session.execute(
            update(HouseholdBalance)
            .where(
                HouseholdBalance.tenant_id == self.tenant_id,
                HouseholdBalance.household_id == household_id,
            )
            .values(credit_cents=credit_cents, updated_at=utc_now())
        )

    def entries(
        self,
        household_id: int,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[LedgerEntryValue]:
        """A household's entries in posting order (by id), optionally within dates.

        Posting order is the order of the ``balance_after`` chain; a ledger
        as people read it goes by date (``domain.account_statement``).
        """
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

    def balance_before(self, household_id: int, day: dt.date) -> int:
        """The sum of a household's entries dated before ``day``: its balance brought forward."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
                LedgerEntry.tenant_id == self.tenant_id,
                LedgerEntry.household_id == household_id,
                LedgerEntry.entry_date < day,
            )
        )
        return int(total or 0)


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
