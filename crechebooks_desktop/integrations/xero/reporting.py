"""What a Xero sync reports, and the payments in Xero the book did not make (issue 15)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.integrations.xero.api import XeroApi

__all__ = ["SyncReport", "UnknownPayment", "unknown_payments"]

PAYMENTS_PAGE = 100
"""Xero pages ``GET /Payments`` by 100."""


@dataclass(frozen=True, slots=True)
class UnknownPayment:
    """A payment in Xero on one of our invoices that the book does not have."""

    xero_id: str
    invoice_number: str
    amount: str
    date: str


@dataclass(slots=True)
class SyncReport:
    """What a sync did (``xero sync --json``)."""

    sent: int = 0
    failed: list[dict[str, object]] = field(default_factory=list)
    pending: int = 0
    calls: int = 0
    skipped: int = 0
    stopped: str | None = None
    resume_after: dt.datetime | None = None
    calls_left_today: int | None = None
    unknown_payments: list[UnknownPayment] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The report as ``--json`` prints it."""
        return {
            "sent": self.sent,
            "failed": self.failed,
            "pending": self.pending,
            "calls": self.calls,
            "skipped": self.skipped,
            "stopped": self.stopped,
            "resume_after": self.resume_after.isoformat() if self.resume_after else None,
            "calls_left_today": self.calls_left_today,
            "unknown_payments": [
                {
                    "xero_id": p.xero_id,
                    "invoice": p.invoice_number,
                    "amount": p.amount,
                    "date": p.date,
                }
                for p in self.unknown_payments
            ],
        }


def unknown_payments(
    book: Book, actor: Actor, api: XeroApi, since: dt.datetime | None
) -> list[UnknownPayment]:
    """Payments in Xero on our invoices that the book did not send."""
    with book.read(actor.tenant_id) as uow:
        ours = uow.xero.all_xero_ids("allocation")
        invoices = uow.xero.all_xero_ids("invoice")
    if not invoices:
        return []
    found: list[UnknownPayment] = []
    page = 1
    while True:
        params = {"page": str(page)}
        if since is not None:
            params["where"] = f"UpdatedDateUTC>=DateTime({since:%Y,%m,%d})"
        payments = api.get("Payments", params).get("Payments") or []
        for payment in payments:
            invoice = payment.get("Invoice") or {}
            if (
                payment.get("PaymentID") not in ours
                and invoice.get("InvoiceID") in invoices
                and payment.get("Status") != "DELETED"
            ):
                found.append(
                    UnknownPayment(
                        str(payment.get("PaymentID")),
                        str(invoice.get("InvoiceNumber", "")),
                        str(payment.get("Amount", "")),
                        str(payment.get("Date", "")),
                    )
                )
        if len(payments) < PAYMENTS_PAGE:
            return found
        page += 1
