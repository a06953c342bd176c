"""Invoices as the stand-in keeps and returns them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import contact_reference
from tests.xero_standin.documents import render_lines
from tests.xero_standin.saving import Kind
from tests.xero_standin.store import Books, Index, Invoice

INVOICES = Kind(
    label="invoice",
    types=("ACCREC", "ACCPAY"),
    numbered="ACCREC",
    prefix="INV-",
    id_field="InvoiceID",
    number_field="InvoiceNumber",
    table=lambda books: books.invoices,
    record=Invoice,
    needs_due_date=True,
)

RATE_ONE = Decimal("1.000000")


def render_invoice(books: Books, invoice: Invoice, index: Index) -> dict[str, Any]:
    """An invoice as Xero returns it, with its payments, credit notes and overpayments."""
    rendered: dict[str, Any] = {
        "Type": invoice.type,
        "InvoiceID": invoice.invoice_id,
        "InvoiceNumber": invoice.number,
        "Reference": invoice.reference,
        "Payments": [_payment_stub(p) for p in index.payments.get(invoice.invoice_id, [])],
        "CreditNotes": [
            {
                "CreditNoteID": note.credit_note_id,
                "CreditNoteNumber": note.number,
                "AppliedAmount": wire.money(allocation.amount_cents),
                "Total": wire.money(note.total_cents),
            }
            for note, allocation in index.allocations.get(invoice.invoice_id, [])
        ],
        "Prepayments": [],
        "Overpayments": [
            {
                "OverpaymentID": overpayment.overpayment_id,
                "Date": wire.ms_date(allocation.date),
                "AppliedAmount": wire.money(allocation.amount_cents),
                "Total": wire.money(overpayment.total_cents),
            }
            for overpayment, allocation in index.overpayments.get(invoice.invoice_id, [])
        ],
        "AmountDue": wire.money(invoice.due_cents),
        "AmountPaid": wire.money(invoice.paid_cents),
        "AmountCredited": wire.money(invoice.credited_cents),
        "CurrencyRate": RATE_ONE,
        "IsDiscounted": any(line.discount_rate for line in invoice.lines),
        "HasAttachments": False,
        "HasErrors": False,
        "Contact": contact_reference(books, invoice.contact_id),
        "DateString": wire.date_string(invoice.date),
        "Date": wire.ms_date(invoice.date),
    }
    if invoice.due_date is not None:
        rendered["DueDateString"] = wire.date_string(invoice.due_date)
        rendered["DueDate"] = wire.ms_date(invoice.due_date)
    rendered |= {
        "Status": invoice.status,
        "LineAmountTypes": invoice.line_amount_types,
        "LineItems": render_lines(books, invoice.lines),
        "SubTotal": wire.money(invoice.subtotal_cents),
        "TotalTax": wire.money(invoice.tax_cents),
        "Total": wire.money(invoice.total_cents),
        "UpdatedDateUTC": wire.ms_timestamp(invoice.updated),
        "UpdatedDateUTCString": wire.iso_timestamp(invoice.updated),
        "CurrencyCode": "ZAR",
    }
    if invoice.fully_paid_on is not None:
        rendered["FullyPaidOnDate"] = wire.ms_date(invoice.fully_paid_on)
    return rendered


def _payment_stub(payment: Any) -> dict[str, Any]:
    return {
        "PaymentID": payment.payment_id,
        "Date": wire.ms_date(payment.date),
        "Amount": wire.money(payment.amount_cents),
        "Reference": payment.reference,
        "CurrencyRate": RATE_ONE,
        "HasAccount": True,
        "HasValidationErrors": False,
    }
