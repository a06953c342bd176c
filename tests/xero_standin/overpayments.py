"""Customer overpayments: allocation to invoices, and how Xero shows them.

An overpayment is made by a RECEIVE-OVERPAYMENT bank transaction
(bank_transactions.py); its credit is used by allocation (here) or refund
(refunds.py), as in Xero.

An allocation (PUT /Overpayments/{id}/Allocations) takes credit from an
AUTHORISED overpayment to an AUTHORISED sales invoice (ACCREC) of the same
contact, no more than the credit left or the invoice's AmountDue; the
invoice's AmountCredited rises (Xero counts overpayments there) and it is PAID
when nothing is due. DELETE /Overpayments/{id}/Allocations/{AllocationID}
undoes one and answers with the deleted Allocation itself (IsDeleted true, no
envelope), as the spec's response schema says.

Used up (allocated + refunded = total), an overpayment is PAID; given credit
back (an allocation or a refund deleted), AUTHORISED again.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import contact_reference
from tests.xero_standin.documents import Context, render_lines
from tests.xero_standin.invoices import RATE_ONE
from tests.xero_standin.store import (
    Account,
    Allocation,
    Books,
    Invoice,
    Overpayment,
    Payment,
)


def bank_account(books: Books, ref: dict[str, Any], errors: list[str], what: str) -> Account | None:
    """The ACTIVE BANK account ``ref`` names by AccountID or Code, or None with a message."""
    account_id, code = ref.get("AccountID"), ref.get("Code")
    found = books.accounts.get(account_id) if account_id else None
    if found is None and code:
        found = books.account_by_code(code)
    if found is None:
        errors.append(f"{what} must name an existing bank account (Code or AccountID).")
        return None
    if found.type != "BANK" or found.status != "ACTIVE":
        errors.append(f"Account {found.code} is not an ACTIVE BANK account.")
        return None
    return found


# ------------------------------------------------------------------ allocations


def allocate(
    ctx: Context, overpayment_id: str, element: dict[str, Any]
) -> tuple[str | None, list[str]]:
    """Allocate part of an overpayment to an invoice; return the AllocationID, or why not."""
    books = ctx.books
    overpayment = books.overpayments.get(overpayment_id)
    if overpayment is None:
        return None, [f"No overpayment with OverpaymentID {overpayment_id} exists."]
    invoice = books.invoices.get((element.get("Invoice") or {}).get("InvoiceID", ""))
    amount = wire.to_cents(element.get("Amount", 0))
    day = wire.parse_date(element.get("Date", ""))
    errors = _allocation_refusals(overpayment, invoice, amount)
    if day is None:
        errors.append("An allocation needs a valid Date.")
    if errors or invoice is None or amount is None or day is None:
        return None, errors
    allocation = Allocation(str(uuid.uuid4()), invoice.invoice_id, amount, day)
    store_overpayment(ctx, overpayment, allocations=(*overpayment.allocations, allocation))
    credited = dataclasses.replace(
        invoice, credited_cents=invoice.credited_cents + amount, updated=ctx.now
    )
    if credited.due_cents == 0:
        credited = dataclasses.replace(credited, status="PAID", fully_paid_on=day)
    books.put(books.invoices, invoice.invoice_id, credited)
    return allocation.allocation_id, []


def delete_allocation(
    ctx: Context, overpayment_id: str, allocation_id: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """Undo an allocation; return it as the answer shows it, or why not."""
    books = ctx.books
    overpayment = books.overpayments.get(overpayment_id)
    found = next(
        (
            a
            for a in (overpayment.allocations if overpayment else ())
            if a.allocation_id == allocation_id
        ),
        None,
    )
    if overpayment is None or found is None:
        return None, [f"No allocation {allocation_id} on overpayment {overpayment_id} exists."]
    if overpayment.status == "VOIDED":
        return None, ["This overpayment is VOIDED and cannot be changed."]
    answer = render_allocation(books, overpayment, found) | {"IsDeleted": True}
    kept = tuple(a for a in overpayment.allocations if a.allocation_id != allocation_id)
    store_overpayment(ctx, overpayment, allocations=kept)
    invoice = books.invoices[found.invoice_id]
    reopened = dataclasses.replace(
        invoice,
        credited_cents=invoice.credited_cents - found.amount_cents,
        status="AUTHORISED" if invoice.status == "PAID" else invoice.status,
        fully_paid_on=None,
        updated=ctx.now,
    )
    books.put(books.invoices, invoice.invoice_id, reopened)
    return answer, []


def _allocation_refusals(
    overpayment: Overpayment, invoice: Invoice | None, amount: int | None
) -> list[str]:
    errors = []
    if overpayment.status != "AUTHORISED":
        errors.append(
            f"Only an AUTHORISED overpayment can be allocated; this one is {overpayment.status}."
        )
    if invoice is None:
        errors.append("The allocation must name an existing Invoice by InvoiceID.")
    elif invoice.type != "ACCREC":
        errors.append("A RECEIVE-OVERPAYMENT can only be allocated to a sales invoice (ACCREC).")
    elif invoice.status != "AUTHORISED":
        errors.append(
            f"An overpayment can only be allocated to an AUTHORISED invoice, not {invoice.status}."
        )
    elif invoice.contact_id != overpayment.contact_id:
        errors.append("The overpayment and the invoice must belong to the same contact.")
    if amount is None or amount <= 0:
        errors.append("The allocation Amount must be positive with at most 2 decimals.")
    elif amount > overpayment.remaining_cents or (
        invoice is not None and amount > invoice.due_cents
    ):
        errors.append("The allocation Amount exceeds the credit left or the amount due.")
    return errors


def store_overpayment(ctx: Context, overpayment: Overpayment, **changes: Any) -> None:
    """Store a changed overpayment, PAID when used up and AUTHORISED when not."""
    changed = dataclasses.replace(overpayment, **changes, updated=ctx.now)
    if changed.status in {"AUTHORISED", "PAID"}:
        status = "PAID" if changed.remaining_cents == 0 else "AUTHORISED"
        changed = dataclasses.replace(changed, status=status)
    ctx.books.put(ctx.books.overpayments, overpayment.overpayment_id, changed)


# -------------------------------------------------------------------- rendering


def render_overpayment(books: Books, overpayment: Overpayment) -> dict[str, Any]:
    """An overpayment as GET /Overpayments returns it."""
    return {
        "OverpaymentID": overpayment.overpayment_id,
        "Type": "RECEIVE-OVERPAYMENT",
        "RemainingCredit": wire.money(overpayment.remaining_cents),
        "Allocations": [
            {
                "AllocationID": item.allocation_id,
                "Amount": wire.money(item.amount_cents),
                "Date": wire.ms_date(item.date),
                "Invoice": _invoice_reference(books, item.invoice_id),
            }
            for item in overpayment.allocations
        ],
        "Payments": [_payment_stub(books.payments[r.payment_id]) for r in overpayment.refunds],
        "HasAttachments": False,
        "Contact": contact_reference(books, overpayment.contact_id),
        "DateString": wire.date_string(overpayment.date),
        "Date": wire.ms_date(overpayment.date),
        "Status": overpayment.status,
        "LineAmountTypes": overpayment.line_amount_types,
        "LineItems": render_lines(books, overpayment.lines),
        "SubTotal": wire.money(overpayment.total_cents),
        "TotalTax": wire.money(0),
        "Total": wire.money(overpayment.total_cents),
        "UpdatedDateUTC": wire.ms_timestamp(overpayment.updated),
        "UpdatedDateUTCString": wire.iso_timestamp(overpayment.updated),
        "CurrencyCode": "ZAR",
        "CurrencyRate": RATE_ONE,
    }


def render_allocation(
    books: Books, overpayment: Overpayment, allocation: Allocation
) -> dict[str, Any]:
    """An overpayment's allocation as PUT (or DELETE) .../Allocations answers it."""
    return {
        "AllocationID": allocation.allocation_id,
        "Amount": wire.money(allocation.amount_cents),
        "Date": wire.ms_date(allocation.date),
        "Invoice": _invoice_reference(books, allocation.invoice_id),
        "Overpayment": {"OverpaymentID": overpayment.overpayment_id},
        "IsDeleted": False,
    }


def find_allocation(books: Books, allocation_id: str) -> dict[str, Any]:
    """Render an overpayment allocation found by its ID (KeyError if there is none)."""
    for overpayment in books.overpayments.values():
        for allocation in overpayment.allocations:
            if allocation.allocation_id == allocation_id:
                return render_allocation(books, overpayment, allocation)
    raise KeyError(allocation_id)


def _invoice_reference(books: Books, invoice_id: str) -> dict[str, Any]:
    invoice = books.invoices[invoice_id]
    return {"InvoiceID": invoice.invoice_id, "InvoiceNumber": invoice.number}


def _payment_stub(payment: Payment) -> dict[str, Any]:
    return {
        "PaymentID": payment.payment_id,
        "Date": wire.ms_date(payment.date),
        "Amount": wire.money(payment.amount_cents),
        "Reference": payment.reference,
        "CurrencyRate": RATE_ONE,
        "HasAccount": True,
        "HasValidationErrors": False,
    }
