"""Credit notes: the same saving as invoices, plus allocation to an invoice.

An allocation (PUT /CreditNotes/{id}/Allocations) takes credit from an
AUTHORISED credit note to an AUTHORISED invoice of the same contact, no more
than either has left; a fully allocated credit note, like a fully settled
invoice, becomes PAID. Allocations or Payments inside a credit note body are
refused (the stand-in serves allocation only through its own call).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import contact_reference
from tests.xero_standin.documents import Context, render_lines
from tests.xero_standin.invoices import RATE_ONE
from tests.xero_standin.saving import Kind
from tests.xero_standin.store import Allocation, Books, CreditNote, Invoice

CREDIT_NOTES = Kind(
    label="credit note",
    types=("ACCRECCREDIT", "ACCPAYCREDIT"),
    numbered="ACCRECCREDIT",
    prefix="CN-",
    id_field="CreditNoteID",
    number_field="CreditNoteNumber",
    table=lambda books: books.credit_notes,
    record=CreditNote,
    needs_due_date=False,
    unserved=("Allocations", "Payments"),
)


def allocate(ctx: Context, note_id: str, element: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Allocate part of a credit note to an invoice; return the AllocationID, or why not."""
    books = ctx.books
    note = books.credit_notes.get(note_id)
    if note is None:
        return None, [f"No credit note with CreditNoteID {note_id} exists."]
    invoice_id = (element.get("Invoice") or {}).get("InvoiceID", "")
    invoice = books.invoices.get(invoice_id)
    amount = wire.to_cents(element.get("Amount", 0))
    day = wire.parse_date(element.get("Date", ""))
    errors = _refusals(note, invoice, amount, day is not None)
    if errors or invoice is None or amount is None or day is None:
        return None, errors
    allocation = Allocation(str(uuid.uuid4()), invoice.invoice_id, amount, day)
    used = dataclasses.replace(note, allocations=(*note.allocations, allocation), updated=ctx.now)
    if used.remaining_cents == 0:
        used = dataclasses.replace(used, status="PAID")
    books.put(books.credit_notes, note_id, used)
    credited = dataclasses.replace(
        invoice, credited_cents=invoice.credited_cents + amount, updated=ctx.now
    )
    if credited.due_cents == 0:
        credited = dataclasses.replace(credited, status="PAID", fully_paid_on=day)
    books.put(books.invoices, invoice.invoice_id, credited)
    return allocation.allocation_id, []


def _refusals(
    note: CreditNote, invoice: Invoice | None, amount: int | None, dated: bool
) -> list[str]:
    errors = []
    if note.status != "AUTHORISED":
        errors.append(
            f"Only an AUTHORISED credit note can be allocated; this one is {note.status}."
        )
    if invoice is None:
        errors.append("The allocation must name an existing Invoice by InvoiceID.")
    elif invoice.status != "AUTHORISED":
        errors.append(
            f"Credit can only be allocated to an AUTHORISED invoice, not {invoice.status}."
        )
    elif invoice.contact_id != note.contact_id:
        errors.append("The credit note and the invoice must belong to the same contact.")
    if amount is None or amount <= 0:
        errors.append("The allocation Amount must be positive with at most 2 decimals.")
    elif amount > note.remaining_cents or (invoice is not None and amount > invoice.due_cents):
        errors.append("The allocation Amount exceeds the credit left or the amount due.")
    if not dated:
        errors.append("An allocation needs a valid Date.")
    return errors


def render_allocation(books: Books, note: CreditNote, allocation: Allocation) -> dict[str, Any]:
    """An allocation as Xero returns it."""
    invoice = books.invoices[allocation.invoice_id]
    return {
        "AllocationID": allocation.allocation_id,
        "Amount": wire.money(allocation.amount_cents),
        "Date": wire.ms_date(allocation.date),
        "Invoice": {"InvoiceID": invoice.invoice_id, "InvoiceNumber": invoice.number},
        "CreditNote": {"CreditNoteID": note.credit_note_id, "CreditNoteNumber": note.number},
        "IsDeleted": False,
        "StatusAttributeString": "OK",
    }


def render_credit_note(books: Books, note: CreditNote) -> dict[str, Any]:
    """A credit note as Xero returns it."""
    rendered: dict[str, Any] = {
        "Type": note.type,
        "CreditNoteID": note.credit_note_id,
        "CreditNoteNumber": note.number,
        "Reference": note.reference,
        "Contact": contact_reference(books, note.contact_id),
        "DateString": wire.date_string(note.date),
        "Date": wire.ms_date(note.date),
        "Status": note.status,
        "LineAmountTypes": note.line_amount_types,
        "LineItems": render_lines(books, note.lines),
        "SubTotal": wire.money(note.subtotal_cents),
        "TotalTax": wire.money(note.tax_cents),
        "Total": wire.money(note.total_cents),
        "UpdatedDateUTC": wire.ms_timestamp(note.updated),
        "CurrencyCode": "ZAR",
        "CurrencyRate": RATE_ONE,
        "RemainingCredit": wire.money(note.remaining_cents),
        "Allocations": [
            {
                "AllocationID": item.allocation_id,
                "Amount": wire.money(item.amount_cents),
                "Date": wire.ms_date(item.date),
                "Invoice": {"InvoiceID": item.invoice_id},
            }
            for item in note.allocations
        ],
        "Payments": [],
        "HasAttachments": False,
        "HasErrors": False,
    }
    if note.due_date is not None:
        rendered["DueDate"] = wire.ms_date(note.due_date)
    return rendered
