"""Payments, their allocations, and the invoices money is allocated to.

Reads return plain values (``domain.allocation``). Invoices are locked
(``FOR UPDATE``, by id) before a household's balance row is, the order every
money-moving service uses, so concurrent writers queue instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Exists, Select, Subquery, and_, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from crechebooks_desktop.db.repositories.locks import PeriodLocks
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Allocation,
    Household,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.allocation import OpenInvoice, PaymentRecord
from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus, LineType, PaymentMethod

# Invoices that cannot take money now. DRAFTs are left out (and so never locked
# here): ``invoices send`` locks a DRAFT and then its household's balance, so
# locking it here too, before the balance, could deadlock with a month's send.
_CLOSED = (InvoiceStatus.DRAFT, InvoiceStatus.VOID, InvoiceStatus.PAID)


class PaymentRepository(TenantScoped):
    """Record payments and allocations; give money back when a payment is reversed."""

    def household(self, account_ref: str) -> tuple[int, str] | None:
        """(id, account reference as stored) of a household, found without regard to case."""
        row = self.session.execute(
            select(Household.id, Household.account_ref).where(
                Household.tenant_id == self.tenant_id,
                func.upper(Household.account_ref) == account_ref.strip().upper(),
            )
        ).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def household_ref(self, household_id: int) -> str:
        """A household's account reference."""
        return str(
            self.session.scalar(
                select(Household.account_ref).where(
                    Household.tenant_id == self.tenant_id, Household.id == household_id
                )
            )
        )

    def add(
        self,
        household_id: int,
        payment_date: dt.date,
        amount_cents: int,
        method: PaymentMethod,
        reference: str | None,
        created_by: int | None,
        bank_line_id: int | None = None,
    ) -> int:
        """Insert a payment (from a bank line, if given); returns its id."""
        result = self.session.execute(
            insert(Payment).returning(Payment.id),
            [
                {
                    "tenant_id": self.tenant_id,
                    "household_id": household_id,
                    "payment_date": payment_date,
                    "amount_cents": amount_cents,
                    "method": method,
                    "reference": reference,
                    "bank_line_id": bank_line_id,
                    "created_at": utc_now(),
                    "created_by": created_by,
                }
            ],
        )
        return int(result.scalar_one())

    def get(self, payment_id: int, *, lock: bool = False) -> PaymentRecord | None:
        """One payment of the creche, locked for the transaction if asked."""
        query = select(Payment).where(Payment.tenant_id == self.tenant_id, Payment.id == payment_id)
        if lock:
            query = query.with_for_update()
        row = self.session.scalar(query)
        if row is None:
            return None
        return PaymentRecord(
            id=row.id,
            household_id=row.household_id,
            payment_date=row.payment_date,
            amount_cents=row.amount_cents,
            method=row.method,
            reference=row.reference,
            reversed_at=row.reversed_at,
            reversal_reason=row.reversal_reason,
            bank_line_id=row.bank_line_id,
        )

    def link_bank_line(self, payment_id: int, line_id: int, what: str) -> None:
        """Record that a payment recorded by hand is the money on this bank line.

        Raises:
            PeriodLocked: the line is inside a locked period (``what`` says what was refused).
        """
        PeriodLocks(self.session, self.tenant_id).check_lines([line_id], what)
        self._set_line(payment_id, line_id)

    def unlink_bank_line(self, payment_id: int, what: str) -> None:
        """Take a payment's link to its bank line back (the payment itself stands).

        Raises:
            PeriodLocked: its line is inside a locked period.
        """
        PeriodLocks(self.session, self.tenant_id).check_payment(payment_id, what)
        self._set_line(payment_id, None)

    def _set_line(self, payment_id: int, line_id: int | None) -> None:
        self.session.execute(
            update(Payment)
            .where(Payment.tenant_id == self.tenant_id, Payment.id == payment_id)
            .values(bank_line_id=line_id)
            .execution_options(synchronize_session=False)
        )

    def mark_reversed(self, payment_id: int, reason: str) -> dt.datetime:
        """Record that a payment was reversed, and why; returns when.

        Raises:
            PeriodLocked: the payment is linked to a bank line in a locked period.
        """
        PeriodLocks(self.session, self.tenant_id).check_payment(
            payment_id, f"payment {payment_id} cannot be reversed"
        )
        now = utc_now()
        self.session.execute(
            update(Payment)
            .where(Payment.tenant_id == self.tenant_id, Payment.id == payment_id)
            .values(reversed_at=now, reversal_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return now

    def live_allocations(self, payment_id: int) -> list[tuple[int, int, int]]:
        """(allocation id, invoice id, cents) of a payment's allocations not yet reversed."""
        rows = self.session.execute(
            select(Allocation.id, Allocation.invoice_id, Allocation.amount_cents)
            .where(
                Allocation.tenant_id == self.tenant_id,
                Allocation.payment_id == payment_id,
                Allocation.reversed_at.is_(None),
            )
            .order_by(Allocation.id)
        )
        return [(int(a), int(i), int(c)) for a, i, c in rows]

    def reverse_allocations(self, allocation_ids: Sequence[int], at: dt.datetime) -> None:
        """Mark allocations as undone (the rows stay, for history)."""
        if not allocation_ids:
            return
        self.session.execute(
            update(Allocation)
            .where(Allocation.tenant_id == self.tenant_id, Allocation.id.in_(allocation_ids))
            .values(reversed_at=at)
            .execution_options(synchronize_session=False)
        )

    def give_back(self, invoice_id: int, cents: int, status: InvoiceStatus) -> None:
        """Take reversed money back off an invoice: paid down, balance due up."""
        self.session.execute(
            update(Invoice)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.id == invoice_id)
            .values(
                amount_paid_cents=Invoice.amount_paid_cents - cents,
                balance_due_cents=Invoice.balance_due_cents + cents,
                status=status,
                version=Invoice.version + 1,
            )
            .execution_options(synchronize_session=False)
        )

    # ------------------------------------------------------------------ invoices

    def _open_query(self) -> Select[int, str, InvoiceStatus, dt.date, int, int]:
        return select(
            Invoice.id,
            Invoice.number,
            Invoice.status,
            Invoice.due_date,
            Invoice.total_cents,
            Invoice.balance_due_cents,
        ).where(Invoice.tenant_id == self.tenant_id)

    def _values(
        self, query: Select[int, str, InvoiceStatus, dt.date, int, int], *, lock: bool
    ) -> list[OpenInvoice]:
        query = query.order_by(Invoice.id)
        if lock:
            query = query.with_for_update()
        return [
            OpenInvoice(int(i), n, s, d, int(t), int(b))
            for i, n, s, d, t, b in self.session.execute(query)
        ]

    def open_invoices(self, household_id: int, *, lock: bool = False) -> list[OpenInvoice]:
        """A household's invoices that can take money (sent, not VOID, not PAID), by id."""
        query = self._open_query().where(
            Invoice.household_id == household_id, Invoice.status.not_in(_CLOSED)
        )
        return self._values(query, lock=lock)

    def named_invoices(
        self, household_id: int, numbers: Iterable[str], *, lock: bool = False
    ) -> list[OpenInvoice]:
        """A household's invoices with these numbers (any status; case-insensitive)."""
        wanted = sorted({n.strip().upper() for n in numbers})
        if not wanted:
            return []
        query = self._open_query().where(
            Invoice.household_id == household_id, func.upper(Invoice.number).in_(wanted)
        )
        return self._values(query, lock=lock)

    def invoices_by_id(
        self, invoice_ids: Iterable[int], *, lock: bool = False
    ) -> list[OpenInvoice]:
        """Invoices by id, in id order."""
        wanted = sorted(set(invoice_ids))
        if not wanted:
            return []
        return self._values(self._open_query().where(Invoice.id.in_(wanted)), lock=lock)

    def with_opening_balance(self, household_ids: Iterable[int]) -> set[int]:
        """The households that already have an opening balance (owed or in credit)."""
        wanted = sorted(set(household_ids))
        if not wanted:
            return set()
        owed = (
            select(Invoice.household_id)
            .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.household_id.in_(wanted),
                Invoice.status != InvoiceStatus.VOID,
                InvoiceLine.line_type == LineType.OPENING_BALANCE,
            )
        )
        in_credit = select(LedgerEntry.household_id).where(
            LedgerEntry.tenant_id == self.tenant_id,
            LedgerEntry.household_id.in_(wanted),
            LedgerEntry.entry_type == EntryType.CREDIT,
        )
        return {int(row[0]) for row in self.session.execute(owed.union(in_credit))}

    # ------------------------------------------------------------------ as of a date

    def balances_as_of(self, day: dt.date, end_of_day: dt.datetime) -> list[tuple[str, int, int]]:
        """(household ref, balance, outstanding) of every household at the end of ``day``.

        Balance: the sum of the household's entries dated on or before ``day``.
        Outstanding: invoices issued by then and not voided by then (their
        void's REVERSAL entry dated on or before ``day``), less the money
        allocated to them by then: a payment's allocations from its payment
        date until its REVERSAL entry's date; other allocations (household
        credit, negative adjustments) from when they were recorded
        (``created_at`` before ``end_of_day``).

        Args:
            day: the business date.
            end_of_day: the instant that day ends, as an aware datetime.
        """
        balances = (
            select(
                LedgerEntry.household_id.label("household_id"),
                func.sum(LedgerEntry.amount_cents).label("balance"),
            )
            .where(LedgerEntry.tenant_id == self.tenant_id, LedgerEntry.entry_date <= day)
            .group_by(LedgerEntry.household_id)
            .subquery()
        )
        paid = self._allocated_by(day, end_of_day)
        void_by_then = self._reversal_exists("invoice", Invoice.id, day)
        void_recorded = self._reversal_exists("invoice", Invoice.id)
        live_then = or_(
            Invoice.status != InvoiceStatus.VOID,
            and_(void_recorded, ~void_by_then),
        )
        due = (
            select(
                Invoice.household_id.label("household_id"),
                func.sum(Invoice.total_cents - func.coalesce(paid.c.cents, 0)).label("due"),
            )
            .outerjoin(paid, paid.c.invoice_id == Invoice.id)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.issue_date <= day, live_then)
            .group_by(Invoice.household_id)
            .subquery()
        )
        rows = self.session.execute(
            select(
                Household.account_ref,
                func.coalesce(balances.c.balance, 0),
                func.coalesce(due.c.due, 0),
            )
            .outerjoin(balances, balances.c.household_id == Household.id)
            .outerjoin(due, due.c.household_id == Household.id)
            .where(Household.tenant_id == self.tenant_id)
            .order_by(Household.account_ref)
        )
        return [(ref, int(balance), int(outstanding)) for ref, balance, outstanding in rows]

    def _reversal_exists(
        self, source_type: str, source_id: Any, by_day: dt.date | None = None
    ) -> Exists:
        """Whether a REVERSAL entry for the source exists (dated by ``by_day``, if given)."""
        reversal = aliased(LedgerEntry)
        query = select(reversal.id).where(
            reversal.tenant_id == self.tenant_id,
            reversal.entry_type == EntryType.REVERSAL,
            reversal.source_type == source_type,
            reversal.source_id == source_id,
        )
        if by_day is not None:
            query = query.where(reversal.entry_date <= by_day)
        return query.exists()

    def _allocated_by(self, day: dt.date, end_of_day: dt.datetime) -> Subquery:
        """Per invoice, the money allocated to it as the book stood at the end of ``day``."""
        reversed_by_then = self._reversal_exists("payment", Allocation.payment_id, day)
        from_payment = and_(
            Allocation.payment_id.is_not(None),
            Payment.payment_date <= day,
            ~reversed_by_then,
        )
        from_credit = and_(
            Allocation.payment_id.is_(None),
            Allocation.reversed_at.is_(None),
            Allocation.created_at < end_of_day,
        )
        return (
            select(
                Allocation.invoice_id.label("invoice_id"),
                func.sum(Allocation.amount_cents).label("cents"),
            )
            .outerjoin(Payment, Payment.id == Allocation.payment_id)
            .where(Allocation.tenant_id == self.tenant_id, or_(from_payment, from_credit))
            .group_by(Allocation.invoice_id)
            .subquery()
        )
