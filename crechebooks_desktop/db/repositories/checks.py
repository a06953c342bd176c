"""Set-based queries that gather the facts the ledger invariants are judged on."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Allocation,
    Household,
    HouseholdBalance,
    Invoice,
    LedgerEntry,
    Payment,
)
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.ledger import HouseholdFacts


class CheckRepository(TenantScoped):
    """Read-only queries over a whole creche for ``crechebooks check``."""

    def household_facts(self) -> Iterator[HouseholdFacts]:
        """Stored balance, entry totals and outstanding invoices per household."""
        sums = (
            select(
                LedgerEntry.household_id,
                func.sum(LedgerEntry.amount_cents).label("total"),
                func.max(LedgerEntry.id).label("last_id"),
            )
            .where(LedgerEntry.tenant_id == self.tenant_id)
            .group_by(LedgerEntry.household_id)
            .subquery()
        )
        last_entry = LedgerEntry.__table__.alias("last_entry")
        due = (
            select(Invoice.household_id, func.sum(Invoice.balance_due_cents).label("due"))
            .where(Invoice.tenant_id == self.tenant_id, Invoice.status != InvoiceStatus.VOID)
            .group_by(Invoice.household_id)
            .subquery()
        )
        query = (
            select(
                Household.id,
                Household.account_ref,
                func.coalesce(HouseholdBalance.balance_cents, 0),
                func.coalesce(HouseholdBalance.credit_cents, 0),
                func.coalesce(sums.c.total, 0),
                last_entry.c.balance_after_cents,
                func.coalesce(due.c.due, 0),
            )
            .outerjoin(HouseholdBalance, HouseholdBalance.household_id == Household.id)
            .outerjoin(sums, sums.c.household_id == Household.id)
            .outerjoin(last_entry, last_entry.c.id == sums.c.last_id)
            .outerjoin(due, due.c.household_id == Household.id)
            .where(Household.tenant_id == self.tenant_id)
            .order_by(Household.account_ref)
        )
        for row in self.session.execute(query):
            yield HouseholdFacts(
                household_id=row[0],
                account_ref=row[1],
                stored_balance_cents=int(row[2]),
                stored_credit_cents=int(row[3]),
                entries_sum_cents=int(row[4]),
                last_balance_after_cents=None if row[5] is None else int(row[5]),
                outstanding_cents=int(row[6]),
            )

    def chain_links(self) -> Iterator[tuple[str, int, int, int, int]]:
        """Each entry's (household ref, id, previous balance_after, amount, balance_after).

        The first entry of a household follows from a balance of zero.
        """
        previous = (
            func.lag(LedgerEntry.balance_after_cents, 1, 0)
            .over(partition_by=LedgerEntry.household_id, order_by=LedgerEntry.id)
            .label("previous")
        )
        links = (
            select(
                LedgerEntry.household_id,
                LedgerEntry.id,
                previous,
                LedgerEntry.amount_cents,
                LedgerEntry.balance_after_cents,
            )
            .where(LedgerEntry.tenant_id == self.tenant_id)
            .subquery()
        )
        query = (
            select(
                Household.account_ref,
                links.c.id,
                links.c.previous,
                links.c.amount_cents,
                links.c.balance_after_cents,
            )
            .join(Household, Household.id == links.c.household_id)
            .where(links.c.previous + links.c.amount_cents != links.c.balance_after_cents)
            .order_by(links.c.id)
        )
        for ref, entry_id, prev, amount, after in self.session.execute(query):
            yield ref, entry_id, int(prev), int(amount), int(after)

    def invoice_facts(self) -> Iterator[tuple[str, int, int, int]]:
        """(number, total, live allocations, balance due) of every invoice."""
        allocated = (
            select(Allocation.invoice_id, func.sum(Allocation.amount_cents).label("paid"))
            .where(Allocation.tenant_id == self.tenant_id, Allocation.reversed_at.is_(None))
            .group_by(Allocation.invoice_id)
            .subquery()
        )
        query = (
            select(
                Invoice.number,
                Invoice.total_cents,
                func.coalesce(allocated.c.paid, 0),
                Invoice.balance_due_cents,
            )
            .outerjoin(allocated, allocated.c.invoice_id == Invoice.id)
            .where(Invoice.tenant_id == self.tenant_id)
            .order_by(Invoice.number)
        )
        for number, total, paid, due in self.session.execute(query):
            yield number, int(total), int(paid), int(due)

    def payment_facts(self) -> Iterator[tuple[int, int, int]]:
        """(payment id, amount, live allocations) of every payment."""
        allocated = (
            select(Allocation.payment_id, func.sum(Allocation.amount_cents).label("used"))
            .where(Allocation.tenant_id == self.tenant_id, Allocation.reversed_at.is_(None))
            .group_by(Allocation.payment_id)
            .subquery()
        )
        query = (
            select(Payment.id, Payment.amount_cents, func.coalesce(allocated.c.used, 0))
            .outerjoin(allocated, allocated.c.payment_id == Payment.id)
            .where(Payment.tenant_id == self.tenant_id)
            .order_by(Payment.id)
        )
        for payment_id, amount, used in self.session.execute(query):
            yield int(payment_id), int(amount), int(used)
