"""Invoices as the rest of the application sees them: immutable, complete values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment


@dataclass(frozen=True, slots=True)
class InvoiceLineValue:
    """One printed line of an invoice."""

    position: int
    line_type: LineType
    description: str
    quantity: Decimal
    unit_cents: int
    net_cents: int
    vat_cents: int
    gross_cents: int
    vat_treatment: VatTreatment

    def as_json(self) -> dict[str, Any]:
        """The line as ``--json`` prints it."""
        return {
            "line_type": self.line_type.value,
            "description": self.description,
            "quantity": format(self.quantity.normalize(), "f"),
            "net_cents": self.net_cents,
            "vat_cents": self.vat_cents,
            "gross_cents": self.gross_cents,
        }


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who an invoice is addressed to (the household, the debtor)."""

    household_id: int
    household_ref: str
    parent_name: str
    second_parent_name: str | None
    email: str | None
    phone: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class InvoiceValue:
    """An invoice with its recipient, child and lines.

    ``notes`` are the office's own (issue 16): shown in the window and by
    ``invoices show``, printed only when asked, never part of what is archived.
    """

    id: int
    number: str
    recipient: Recipient
    child_id: int | None
    child_ref: str | None
    child_name: str | None
    billing_month: dt.date | None
    kind: InvoiceKind
    status: InvoiceStatus
    issue_date: dt.date
    due_date: dt.date
    subtotal_cents: int
    vat_cents: int
    total_cents: int
    amount_paid_cents: int
    balance_due_cents: int
    void_reason: str | None
    lines: tuple[InvoiceLineValue, ...]
    notes: str | None = None
    imported: bool = False

    @property
    def household_ref(self) -> str:
        """The household's account reference (also the payment reference)."""
        return self.recipient.household_ref

    @property
    def discount_cents(self) -> int:
        """What the DISCOUNT lines take off, as a positive amount (0 without one)."""
        return -sum(line.gross_cents for line in self.lines if line.line_type is LineType.DISCOUNT)

    def as_json(self) -> dict[str, Any]:
        """The invoice as ``--json`` prints it (amounts in integer cents)."""
        return {
            "number": self.number,
            "household_ref": self.household_ref,
            "child_ref": self.child_ref,
            "child_name": self.child_name,
            "kind": self.kind.value,
            "billing_month": self.billing_month.strftime("%Y-%m") if self.billing_month else None,
            "status": self.status.value,
            "issue_date": self.issue_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "subtotal_cents": self.subtotal_cents,
            "discount_cents": self.discount_cents,
            "vat_cents": self.vat_cents,
            "total_cents": self.total_cents,
            "amount_paid_cents": self.amount_paid_cents,
            "balance_due_cents": self.balance_due_cents,
            "lines": [line.as_json() for line in self.lines],
            "notes": self.notes,
            "imported": self.imported,
        }


@dataclass(frozen=True, slots=True)
class AllocationValue:
    """Money applied to an invoice: from a payment, or from household credit."""

    amount_cents: int
    applied_at: dt.datetime
    payment_date: dt.date | None
    method: str | None
    reference: str | None
    reversed: bool

    @property
    def source(self) -> str:
        """Where the money came from, in words."""
        if self.payment_date is None:
            return "Household credit"
        parts = [self.method or "", self.reference or ""]
        return " ".join(p for p in parts if p) or "Payment"
