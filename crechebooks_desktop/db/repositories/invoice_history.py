"""Invoices from a creche's previous system: numbers and hashes taken, payments in bulk.

The invoices themselves are written by ``InvoiceRepository.add_many`` (with
their amount paid and import hash); this writes the earlier payments on them,
each wholly allocated to its invoice, in a few statements however many there
are (a 10,000-row file is one import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from crechebooks_desktop.db.repositories.bulk import copy_rows, reserve_ids, table_of
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Allocation, Invoice, Payment
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import PaymentMethod

__all__ = ["EarlierPayment", "InvoiceHistoryRepository"]

_CHUNK = 900
_PAYMENTS = table_of(Payment)
_ALLOCATIONS = table_of(Allocation)


@dataclass(frozen=True, slots=True)
class EarlierPayment:
    """Money paid on an imported invoice before the book began, all of it allocated to it."""

    household_id: int
    invoice_id: int
    payment_date: dt.date
    amount_cents: int
    reference: str


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


class InvoiceHistoryRepository(TenantScoped):
    """What a history import checks and writes besides the invoices."""

    def imported_numbers_starting(self, prefix: str) -> list[str]:
        """Numbers of the creche's imported invoices that start with ``prefix`` (any case)."""
        query = select(Invoice.number).where(
            Invoice.tenant_id == self.tenant_id,
            Invoice.imported_at.is_not(None),
            func.upper(Invoice.number).startswith(prefix.upper(), autoescape=True),
        )
        return list(self.session.execute(query.order_by(Invoice.number)).scalars())

    def numbers_taken(self, numbers: Iterable[str]) -> dict[str, str | None]:
        """Of these invoice numbers, those the creche has: upper-cased number -> import hash.

        The hash is None for the book's own invoices.
        """
        wanted = sorted({number.strip().upper() for number in numbers})
        found: dict[str, str | None] = {}
        for chunk in _chunks(wanted):
            rows = self.session.execute(
                select(func.upper(Invoice.number), Invoice.import_hash).where(
                    Invoice.tenant_id == self.tenant_id, func.upper(Invoice.number).in_(chunk)
                )
            )
            found.update((number, digest) for number, digest in rows)
        return found

    def imported_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Of these row hashes, those already imported into the creche."""
        wanted = sorted(set(hashes))
        found: set[str] = set()
        for chunk in _chunks(wanted):
            found.update(
                self.session.scalars(
                    select(Invoice.import_hash).where(
                        Invoice.tenant_id == self.tenant_id, Invoice.import_hash.in_(chunk)
                    )
                )
            )
        return found

    def add_payments(self, payments: Sequence[EarlierPayment], user_id: int | None) -> list[int]:
        """Store earlier payments and allocate each wholly to its invoice; their ids in order.

        The invoices were written with these amounts already paid
        (``NewInvoice.amount_paid_cents``); the ledger entries are the caller's.
        """
        ids = reserve_ids(self.session, _PAYMENTS, len(payments))
        if not ids:
            return []
        now = utc_now()
        copy_rows(
            self.session,
            _PAYMENTS,
            ("id", "household_id", "payment_date", "amount_cents", "reference"),
            [
                (pid, p.household_id, p.payment_date, p.amount_cents, p.reference)
                for pid, p in zip(ids, payments, strict=True)
            ],
            {
                "tenant_id": self.tenant_id,
                "method": PaymentMethod.EFT,
                "created_at": now,
                "created_by": user_id,
            },
        )
        allocation_ids = reserve_ids(self.session, _ALLOCATIONS, len(payments))
        copy_rows(
            self.session,
            _ALLOCATIONS,
            ("id", "payment_id", "invoice_id", "amount_cents"),
            [
                (aid, pid, p.invoice_id, p.amount_cents)
                for aid, pid, p in zip(allocation_ids, ids, payments, strict=True)
            ],
            {"tenant_id": self.tenant_id, "created_at": now},
        )
        return ids
