"""Invoices and the gapless per-year invoice number sequence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Invoice, InvoiceLine, InvoiceSequence
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment


@dataclass(frozen=True, slots=True)
class NewLine:
    """A line to write on a new invoice (amounts already split for VAT)."""

    line_type: LineType
    description: str
    unit_cents: int
    net_cents: int
    vat_cents: int
    gross_cents: int
    vat_treatment: VatTreatment
    quantity: Decimal = Decimal(1)
    child_id: int | None = None


class InvoiceRepository(TenantScoped):
    """Number and store invoices."""

    def next_number(self, year: int, prefix: str) -> str:
        """Take the next number of the year (e.g. ``INV-2026-000123``).

        The sequence row is created if missing and locked for the rest of the
        transaction, so concurrent writers get consecutive numbers and a
        rolled-back transaction gives its number back: no gaps, no reuse.
        """
        values = {"tenant_id": self.tenant_id, "year": year, "last_number": 0}
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(insert(InvoiceSequence).values(values).on_conflict_do_nothing())
        sequence = self.session.scalars(
            select(InvoiceSequence)
            .where(InvoiceSequence.tenant_id == self.tenant_id, InvoiceSequence.year == year)
            .with_for_update()
        ).one()
        sequence.last_number += 1
        self.session.flush()
        return f"{prefix}-{year}-{sequence.last_number:06d}"

    def add(
        self,
        *,
        number: str,
        household_id: int,
        child_id: int | None,
        kind: InvoiceKind,
        status: InvoiceStatus,
        issue_date: dt.date,
        due_date: dt.date,
        billing_month: dt.date | None,
        lines: list[NewLine],
    ) -> int:
        """Insert an invoice whose totals are the sums of its lines; returns its id."""
        subtotal = sum(line.net_cents for line in lines)
        vat = sum(line.vat_cents for line in lines)
        invoice = Invoice(
            tenant_id=self.tenant_id,
            number=number,
            household_id=household_id,
            child_id=child_id,
            billing_month=billing_month,
            kind=kind,
            status=status,
            issue_date=issue_date,
            due_date=due_date,
            subtotal_cents=subtotal,
            vat_cents=vat,
            total_cents=subtotal + vat,
            amount_paid_cents=0,
            balance_due_cents=subtotal + vat,
        )
        self.session.add(invoice)
        self.session.flush()
        for position, line in enumerate(lines, start=1):
            self.session.add(
                InvoiceLine(
                    tenant_id=self.tenant_id,
                    invoice_id=invoice.id,
                    position=position,
                    line_type=line.line_type,
                    description=line.description,
                    quantity=line.quantity,
                    unit_cents=line.unit_cents,
                    net_cents=line.net_cents,
                    vat_cents=line.vat_cents,
                    gross_cents=line.gross_cents,
                    vat_treatment=line.vat_treatment,
                    child_id=line.child_id,
                )
            )
        self.session.flush()
        return invoice.id
