"""What statements and arrears read: households, ledger entries, invoices and their money.

Every read here covers many households at once (a batch of 1,000 statements,
the arrears report), so each is one query for all of them, grouped in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from crechebooks_desktop.db.repositories.ledger import _entry
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Allocation,
    Household,
    Invoice,
    LedgerEntry,
    Payment,
    User,
)
from crechebooks_desktop.domain.aging import InvoiceMoney, MoneyIn
from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus
from crechebooks_desktop.domain.household_statement import StatementParty
from crechebooks_desktop.domain.ledger import LedgerEntryValue

# Bound parameters per IN (...) list: SQLite allows 32,766 in all; stay well under.
_CHUNK = 900


def _local_date(stamp: dt.datetime) -> dt.date:
    """The book's local date of a stored (UTC) timestamp."""
    return stamp.astimezone().date()


class StatementRepository(TenantScoped):
    """Reads for statements and arrears, over one or many households."""

    def _scoped(self, query: Any, column: Any, ids: Sequence[int] | None) -> Iterable[Any]:
        """Run ``query`` for every id (in chunks), or once for all when ``ids`` is None."""
        if ids is None:
            yield from self.session.execute(query)
            return
        for start in range(0, len(ids), _CHUNK):
            yield from self.session.execute(query.where(column.in_(ids[start : start + _CHUNK])))

    def parties(self, household_ids: Sequence[int] | None = None) -> list[StatementParty]:
        """Households as a statement addresses them, by account reference."""
        query = select(
            Household.id,
            Household.account_ref,
            Household.parent_name,
            Household.second_parent_name,
            Household.email,
            Household.address,
        ).where(Household.tenant_id == self.tenant_id)
        rows = self._scoped(query, Household.id, household_ids)
        return sorted((StatementParty(*row) for row in rows), key=lambda p: p.household_ref)

    def entries(
        self, date_from: dt.date, date_to: dt.date, household_ids: Sequence[int] | None = None
    ) -> dict[int, list[LedgerEntryValue]]:
        """Households' ledger entries dated in the period, in posting order."""
        query = (
            select(LedgerEntry, User.username)
            .outerjoin(User, User.id == LedgerEntry.created_by)
            .where(
                LedgerEntry.tenant_id == self.tenant_id,
                LedgerEntry.entry_date >= date_from,
                LedgerEntry.entry_date <= date_to,
            )
            .order_by(LedgerEntry.id)
        )
        found: dict[int, list[LedgerEntryValue]] = defaultdict(list)
        for row, username in self._scoped(query, LedgerEntry.household_id, household_ids):
            found[row.household_id].append(_entry(row, username))
        return found

    def balances_before(
        self, day: dt.date, household_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """Each household's balance brought forward to ``day`` (entries dated before it)."""
        query = (
            select(LedgerEntry.household_id, func.sum(LedgerEntry.amount_cents))
            .where(LedgerEntry.tenant_id == self.tenant_id, LedgerEntry.entry_date < day)
            .group_by(LedgerEntry.household_id)
        )
        return {
            int(hid): int(total)
            for hid, total in self._scoped(query, LedgerEntry.household_id, household_ids)
        }

    def references(self, entries: Iterable[LedgerEntryValue]) -> dict[tuple[str, int], str]:
        """What to show as each entry's reference: its invoice's number, its payment's reference."""
        invoice_ids, payment_ids = set(), set()
        for entry in entries:
            if entry.source_id is None:
                continue
            if entry.source_type == "invoice":
                invoice_ids.add(entry.source_id)
            elif entry.source_type == "payment":
                payment_ids.add(entry.source_id)
        found: dict[tuple[str, int], str] = {}
        numbers = select(Invoice.id, Invoice.number).where(Invoice.tenant_id == self.tenant_id)
        for invoice_id, number in self._scoped(numbers, Invoice.id, sorted(invoice_ids)):
            found["invoice", int(invoice_id)] = number
        for payment_id, reference in self.payment_references(sorted(payment_ids)).items():
            found["payment", payment_id] = reference
        return found

    def payment_references(self, payment_ids: Sequence[int]) -> dict[int, str]:
        """Payments' references (those that have one)."""
        query = select(Payment.id, Payment.reference).where(
            Payment.tenant_id == self.tenant_id, Payment.reference.is_not(None)
        )
        return {int(pid): ref for pid, ref in self._scoped(query, Payment.id, payment_ids)}

    def invoices(
        self,
        issued_to: dt.date,
        household_ids: Sequence[int] | None = None,
        child_id: int | None = None,
    ) -> list[InvoiceMoney]:
        """Invoices issued on or before a day (void ones with the date of their reversal)."""
        query = select(
            Invoice.id,
            Invoice.number,
            Invoice.household_id,
            Invoice.child_id,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.total_cents,
            Invoice.status,
        ).where(Invoice.tenant_id == self.tenant_id, Invoice.issue_date <= issued_to)
        if child_id is not None:
            query = query.where(Invoice.child_id == child_id)
        rows = list(self._scoped(query, Invoice.household_id, household_ids))
        voided = self._reversal_dates(
            "invoice", [int(r[0]) for r in rows if r[7] is InvoiceStatus.VOID]
        )
        return [
            InvoiceMoney(int(iid), number, int(hid), cid, issued, due, int(total), status,
                         voided.get(int(iid)))
            for iid, number, hid, cid, issued, due, total, status in rows
        ]  # fmt: skip

    def _reversal_dates(self, source_type: str, ids: Sequence[int]) -> dict[int, dt.date]:
        """The dates of the REVERSAL entries of these invoices or payments."""
        if not ids:
            return {}
        query = (
            select(LedgerEntry.source_id, func.min(LedgerEntry.entry_date))
            .where(
                LedgerEntry.tenant_id == self.tenant_id,
                LedgerEntry.entry_type == EntryType.REVERSAL,
                LedgerEntry.source_type == source_type,
            )
            .group_by(LedgerEntry.source_id)
        )
        return {int(sid): day for sid, day in self._scoped(query, LedgerEntry.source_id, ids)}

    def money(self, invoice_ids: Sequence[int]) -> list[MoneyIn]:
        """The money allocated to these invoices, each with the days it counts from and until."""
        query = (
            select(
                Allocation.invoice_id,
                Allocation.amount_cents,
                Allocation.payment_id,
                Allocation.created_at,
                Allocation.reversed_at,
                Payment.payment_date,
            )
            .outerjoin(Payment, Payment.id == Allocation.payment_id)
            .where(Allocation.tenant_id == self.tenant_id)
        )
        rows = list(self._scoped(query, Allocation.invoice_id, sorted(set(invoice_ids))))
        reversed_payments = sorted({int(r[2]) for r in rows if r[2] is not None and r[4]})
        undone = self._reversal_dates("payment", reversed_payments)
        found = []
        for invoice_id, cents, payment_id, created_at, reversed_at, paid_on in rows:
            if payment_id is None:
                if reversed_at is not None:
                    continue  # credit taken back: as ``balances --as-of``, it never counts
                found.append(MoneyIn(int(invoice_id), int(cents), _local_date(created_at)))
                continue
            until = undone.get(int(payment_id)) if reversed_at is not None else None
            found.append(MoneyIn(int(invoice_id), int(cents), paid_on, until, int(payment_id)))
        return found
