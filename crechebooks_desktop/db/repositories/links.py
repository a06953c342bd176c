"""What a bank line may already be in the book: payments and refunds recorded by hand.

Reads for the link candidates of matching (``domain.match_links``) and the
refund links of money out. Every write that links or unlinks a line asks
the period locks first (``db.repositories.locks``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, delete, insert, select

from crechebooks_desktop.db.repositories.locks import PeriodLocks
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Household, LedgerEntry, Payment, RefundLink
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.match_links import HandPayment, RefundEntry

_CHUNK = 900


class LinkRepository(TenantScoped):
    """Payments and refunds recorded by hand, and the links of refunds to bank lines."""

    def hand_payments(
        self, amounts: Iterable[int], first: dt.date, last: dt.date
    ) -> list[HandPayment]:
        """Standing payments linked to no bank line, of these amounts, dated ``first``-``last``."""
        wanted = sorted(set(amounts))
        found: list[HandPayment] = []
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(
                    Payment.id,
                    Payment.household_id,
                    Household.account_ref,
                    Payment.payment_date,
                    Payment.amount_cents,
                )
                .join(Household, Household.id == Payment.household_id)
                .where(
                    Payment.tenant_id == self.tenant_id,
                    Payment.bank_line_id.is_(None),
                    Payment.reversed_at.is_(None),
                    Payment.amount_cents.in_(wanted[start : start + _CHUNK]),
                    Payment.payment_date.between(first, last),
                )
                .order_by(Payment.id)
            )
            found.extend(HandPayment(int(i), int(h), r, d, int(a)) for i, h, r, d, a in rows)
        return found

    # ------------------------------------------------------------------ refunds

    def _refunds(self) -> Select[int, int, str, dt.date, int, str, int | None]:
        return (
            select(
                LedgerEntry.id,
                LedgerEntry.household_id,
                Household.account_ref,
                LedgerEntry.entry_date,
                LedgerEntry.amount_cents,
                LedgerEntry.description,
                RefundLink.bank_line_id,
            )
            .join(Household, Household.id == LedgerEntry.household_id)
            .outerjoin(RefundLink, RefundLink.ledger_entry_id == LedgerEntry.id)
            .where(LedgerEntry.tenant_id == self.tenant_id)
        )

    def refund_entries(self, amount_cents: int, first: dt.date, last: dt.date) -> list[RefundEntry]:
        """REFUND entries of this amount dated ``first``-``last`` and linked to no line."""
        rows = self.session.execute(
            self._refunds()
            .where(
                LedgerEntry.entry_type == EntryType.REFUND,
                LedgerEntry.amount_cents == amount_cents,
                LedgerEntry.entry_date.between(first, last),
                RefundLink.id.is_(None),
            )
            .order_by(LedgerEntry.entry_date, LedgerEntry.id)
        )
        return [_refund(row) for row in rows]

    def entry(self, entry_id: int) -> tuple[EntryType, RefundEntry] | None:
        """A ledger entry of the creche (its type, and it as a refund), if there is one."""
        row = self.session.execute(self._refunds().where(LedgerEntry.id == entry_id)).first()
        if row is None:
            return None
        kind = self.session.scalar(select(LedgerEntry.entry_type).where(LedgerEntry.id == entry_id))
        return EntryType(str(kind)), _refund(row)

    def link_refund(self, entry_id: int, line_id: int, created_by: int | None, what: str) -> None:
        """Record that a debit line shows a refund paid out by hand.

        Raises:
            PeriodLocked: the line is inside a locked period.
        """
        PeriodLocks(self.session, self.tenant_id).check_lines([line_id], what)
        self.session.execute(
            insert(RefundLink),
            [
                {
                    "tenant_id": self.tenant_id,
                    "ledger_entry_id": entry_id,
                    "bank_line_id": line_id,
                    "created_at": utc_now(),
                    "created_by": created_by,
                }
            ],
        )

    def unlink_refund(self, line_id: int, what: str) -> None:
        """Remove a debit line's refund link (the refund itself stands).

        Raises:
            PeriodLocked: the line is inside a locked period.
        """
        PeriodLocks(self.session, self.tenant_id).check_lines([line_id], what)
        self.session.execute(
            delete(RefundLink)
            .where(RefundLink.tenant_id == self.tenant_id, RefundLink.bank_line_id == line_id)
            .execution_options(synchronize_session=False)
        )


def _refund(row: Any) -> RefundEntry:
    entry_id, household_id, ref, day, cents, description, line_id = row
    return RefundEntry(
        int(entry_id),
        int(household_id),
        str(ref),
        day,
        int(cents),
        str(description),
        None if line_id is None else int(line_id),
    )
