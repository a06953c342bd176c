"""Household credit for Xero: payments' excess, the uses of credit, and their draws (issue 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, func, insert, select, update

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.repositories.xero import NO_BANK_ACCOUNT, chunks
from crechebooks_desktop.db.tables import (
    Allocation,
    BankAccount,
    BankLine,
    Invoice,
    LedgerEntry,
    Payment,
    XeroCreditDraw,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.xero_credit import Draw


@dataclass(frozen=True, slots=True)
class ExcessRecord:
    """A payment whose excess became household credit."""

    payment_id: int
    household_id: int
    paid_on: dt.date
    excess_cents: int
    reference: str | None
    bank_account: str
    reversed_on: dt.date | None
    reversal_reason: str | None


@dataclass(frozen=True, slots=True)
class CreditAllocationRecord:
    """Credit applied to an invoice."""

    allocation_id: int
    household_id: int
    applied_on: dt.date
    cents: int
    invoice_id: int
    invoice_number: str
    issue_date: dt.date


@dataclass(frozen=True, slots=True)
class RefundRecord:
    """Credit paid back out (a REFUND ledger entry)."""

    entry_id: int
    household_id: int
    refunded_on: dt.date
    cents: int
    description: str


@dataclass(frozen=True, slots=True)
class AdjustmentAllocation:
    """Part of a negative adjustment taken straight off an invoice."""

    allocation_id: int
    cents: int
    invoice_id: int
    issue_date: dt.date


@dataclass(frozen=True, slots=True)
class AdjustmentRecord:
    """A negative adjustment: what it took off invoices, and the credit it left."""

    entry_id: int
    household_id: int
    on: dt.date
    cents: int
    description: str
    allocations: tuple[AdjustmentAllocation, ...]

    @property
    def credit_cents(self) -> int:
        """What no invoice took: household credit."""
        return self.cents - sum(a.cents for a in self.allocations)


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """A draw as stored: ``xero_id`` is None until Xero has it."""

    draw_id: int
    draw: Draw
    xero_id: str | None


class XeroCreditRepository(TenantScoped):
    """What the credit of a creche's households is made of, and how it is drawn on in Xero."""

    def excess_payments(self, household_ids: Iterable[int]) -> list[ExcessRecord]:
        """Payments of these households that left credit (amount above what they allocated)."""
        found: list[ExcessRecord] = []
        allocated = func.coalesce(func.sum(Allocation.amount_cents), 0)
        for chunk in chunks(sorted(set(household_ids))):
            rows = self.session.execute(
                select(
                    Payment.id,
                    Payment.household_id,
                    Payment.payment_date,
                    Payment.amount_cents - allocated,
                    Payment.reference,
                    BankAccount.name,
                    LedgerEntry.entry_date,
                    Payment.reversal_reason,
                )
                .outerjoin(Allocation, Allocation.payment_id == Payment.id)
                .outerjoin(
                    LedgerEntry,
                    (LedgerEntry.source_type == "payment")
                    & (LedgerEntry.source_id == Payment.id)
                    & (LedgerEntry.entry_type == EntryType.REVERSAL),
                )
                .outerjoin(BankLine, BankLine.id == Payment.bank_line_id)
                .outerjoin(BankAccount, BankAccount.id == BankLine.bank_account_id)
                .where(Payment.tenant_id == self.tenant_id, Payment.household_id.in_(chunk))
                .group_by(Payment.id, BankAccount.name, LedgerEntry.entry_date)
                .having(Payment.amount_cents > allocated)
                .order_by(Payment.id)
            )
            found.extend(
                ExcessRecord(
                    int(pid),
                    int(hid),
                    paid_on,
                    int(excess),
                    reference,
                    bank or NO_BANK_ACCOUNT,
                    reversed_on,
                    reason,
                )
                for pid, hid, paid_on, excess, reference, bank, reversed_on, reason in rows
            )
        return found

    def with_credit(self, household_ids: Iterable[int]) -> list[int]:
        """Those of these households whose credit may have moved (excess, use, adjustment)."""
        wanted = sorted(set(household_ids))
        moved = {e.household_id for e in self.excess_payments(wanted)}
        moved |= {a.household_id for a in self.credit_allocations(wanted)}
        moved |= {r.household_id for r in self.refunds(wanted)}
        moved |= {a.household_id for a in self.adjustments(wanted)}
        return sorted(moved)

    def credit_allocations(self, household_ids: Iterable[int]) -> list[CreditAllocationRecord]:
        """Credit applied to these households' invoices (not a payment's, not an adjustment's)."""
        found: list[CreditAllocationRecord] = []
        for chunk in chunks(sorted(set(household_ids))):
            rows = self.session.execute(
                select(
                    Allocation.id,
                    Invoice.household_id,
                    Allocation.created_at,
                    Allocation.amount_cents,
                    Invoice.id,
                    Invoice.number,
                    Invoice.issue_date,
                )
                .join(Invoice, Invoice.id == Allocation.invoice_id)
                .where(
                    Allocation.tenant_id == self.tenant_id,
                    Allocation.payment_id.is_(None),
                    Allocation.adjustment_entry_id.is_(None),
                    Allocation.reversed_at.is_(None),
                    Invoice.household_id.in_(chunk),
                )
                .order_by(Allocation.id)
            )
            found.extend(
                CreditAllocationRecord(int(a), int(h), at.date(), int(c), int(i), n, issued)
                for a, h, at, c, i, n, issued in rows
            )
        return found

    def adjustments(self, household_ids: Iterable[int]) -> list[AdjustmentRecord]:
        """Negative adjustments of these households, with the allocations each made."""
        found: list[AdjustmentRecord] = []
        for chunk in chunks(sorted(set(household_ids))):
            entries = self._entries(chunk, EntryType.ADJUSTMENT, LedgerEntry.amount_cents < 0)
            made: dict[int, list[AdjustmentAllocation]] = {}
            for entry_chunk in chunks([int(e[0]) for e in entries]):
                rows = self.session.execute(
                    select(
                        Allocation.id,
                        Allocation.adjustment_entry_id,
                        Allocation.amount_cents,
                        Invoice.id,
                        Invoice.issue_date,
                    )
                    .join(Invoice, Invoice.id == Allocation.invoice_id)
                    .where(
                        Allocation.tenant_id == self.tenant_id,
                        Allocation.adjustment_entry_id.in_(entry_chunk),
                    )
                    .order_by(Allocation.id)
                )
                for a, entry, cents, invoice, issued in rows:
                    made.setdefault(int(entry or 0), []).append(
                        AdjustmentAllocation(int(a), int(cents), int(invoice), issued)
                    )
            found.extend(
                AdjustmentRecord(int(e), int(h), on, -int(c), text, tuple(made.get(int(e), ())))
                for e, h, on, c, text in entries
            )
        return found

    def refunds(self, household_ids: Iterable[int]) -> list[RefundRecord]:
        """Credit these households were paid back."""
        return [
            RefundRecord(int(e), int(h), on, int(c), text)
            for chunk in chunks(sorted(set(household_ids)))
            for e, h, on, c, text in self._entries(chunk, EntryType.REFUND)
        ]

    def _entries(
        self, household_ids: Sequence[int], entry_type: EntryType, *where: ColumnElement[bool]
    ) -> Sequence[Row[int, int, dt.date, int, str]]:
        """(id, household, date, amount, description) of these households' entries of a type."""
        return self.session.execute(
            select(
                LedgerEntry.id,
                LedgerEntry.household_id,
                LedgerEntry.entry_date,
                LedgerEntry.amount_cents,
                LedgerEntry.description,
            )
            .where(
                LedgerEntry.tenant_id == self.tenant_id,
                LedgerEntry.entry_type == entry_type,
                LedgerEntry.household_id.in_(household_ids),
                *where,
            )
            .order_by(LedgerEntry.id)
        ).all()

    def draws(self, sources: Iterable[tuple[str, int]]) -> list[DrawRecord]:
        """The draws on these sources ((kind, id)), in the order they were decided."""
        by_kind: dict[str, list[int]] = {}
        for kind, source_id in set(sources):
            by_kind.setdefault(kind, []).append(source_id)
        found: list[DrawRecord] = []
        for kind, ids in by_kind.items():
            for chunk in chunks(sorted(ids)):
                rows = self.session.execute(
                    select(
                        XeroCreditDraw.id,
                        XeroCreditDraw.use_kind,
                        XeroCreditDraw.use_id,
                        XeroCreditDraw.source_id,
                        XeroCreditDraw.amount_cents,
                        XeroCreditDraw.xero_id,
                    ).where(
                        XeroCreditDraw.tenant_id == self.tenant_id,
                        XeroCreditDraw.source_kind == kind,
                        XeroCreditDraw.source_id.in_(chunk),
                    )
                )
                found.extend(
                    DrawRecord(int(i), Draw(use_kind, int(use), kind, int(src), int(c)), xero_id)
                    for i, use_kind, use, src, c, xero_id in rows
                )
        found.sort(key=lambda d: d.draw_id)
        return found

    def add_draws(self, draws: Sequence[Draw]) -> None:
        """Keep newly decided draws (not yet in Xero)."""
        if not draws:
            return
        now = utc_now()
        self.session.execute(
            insert(XeroCreditDraw),
            [
                {
                    "tenant_id": self.tenant_id,
                    "use_kind": d.kind,
                    "use_id": d.use_id,
                    "source_kind": d.source_kind,
                    "source_id": d.source_id,
                    "amount_cents": d.cents,
                    "xero_id": None,
                    "created_at": now,
                }
                for d in draws
            ],
        )

    def mark_drawn(self, draw_id: int, xero_id: str) -> None:
        """Xero has this draw, under this id."""
        self.session.execute(
            update(XeroCreditDraw)
            .where(XeroCreditDraw.tenant_id == self.tenant_id, XeroCreditDraw.id == draw_id)
            .values(xero_id=xero_id)
        )
