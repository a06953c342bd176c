"""Payments against invoices: apply, delete (reverse), render.

A payment names its invoice (Invoice.InvoiceID, Invoice.InvoiceNumber or
InvoiceNumber) and the account the money went to (Account.Code,
Account.AccountID or Code), which must be a BANK account or one with payments
enabled. It may not exceed AmountDue, and only an AUTHORISED invoice takes
one. Paying the rest marks the invoice PAID; deleting a payment (POST
/Payments/{id} with Status DELETED) puts it back to AUTHORISED. A payment
naming an Overpayment is a refund of it (refunds.py). Payments to credit
notes and prepayments are not served by the stand-in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import contact_reference
from tests.xero_standin.documents import Context
from tests.xero_standin.invoices import RATE_ONE
from tests.xero_standin.refunds import refund, render_refund, undo_refund
from tests.xero_standin.store import Account, Books, Invoice, Payment

_UNSERVED = ("CreditNote", "CreditNoteNumber", "Prepayment", "BatchPayment")
_NOT_PAYABLE = "Invoice not of valid status for creation of a payment"
_TOO_MUCH = "Payment amount exceeds the amount outstanding on this document"


def save_payment(ctx: Context, element: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Apply one payment (or refund an overpayment); return its PaymentID, or why not."""
    if "Overpayment" in element:
        return refund(ctx, element)
    books = ctx.books
    errors: list[str] = []
    if element.get("PaymentID"):
        errors.append("A payment cannot be changed; delete it and make a new one.")
    errors += [
        f"Payments with {name} are not served by the stand-in."
        for name in _UNSERVED
        if name in element
    ]
    invoice = _invoice(books, element, errors)
    account = _account(books, element, errors)
    amount = _amount(element, errors)
    day = wire.parse_date(element["Date"]) if "Date" in element else None
    if day is None:
        errors.append("A payment needs a valid Date.")
    if element.get("Status", "AUTHORISED") != "AUTHORISED":
        errors.append("A new payment must have Status AUTHORISED.")
    if invoice is not None and invoice.status != "AUTHORISED":
        errors.append(_NOT_PAYABLE)
    elif invoice is not None and amount is not None and amount > invoice.due_cents:
        errors.append(_TOO_MUCH)
    if errors or invoice is None or account is None or amount is None or day is None:
        return None, errors
    payment = apply_payment(
        books, invoice, account, amount, day, element.get("Reference", ""), ctx.now
    )
    if element.get("IsReconciled"):
        books.put(
            books.payments, payment.payment_id, dataclasses.replace(payment, is_reconciled=True)
        )
    return payment.payment_id, []


def apply_payment(
    books: Books,
    invoice: Invoice,
    account: Account,
    amount_cents: int,
    day: dt.date,
    reference: str,
    now: float,
) -> Payment:
    """Record a payment and mark the invoice paid as far as it goes."""
    payment = Payment(
        payment_id=str(uuid.uuid4()),
        invoice_id=invoice.invoice_id,
        account_id=account.account_id,
        date=day,
        amount_cents=amount_cents,
        reference=reference,
        status="AUTHORISED",
        updated=now,
    )
    books.put(books.payments, payment.payment_id, payment)
    paid = dataclasses.replace(invoice, paid_cents=invoice.paid_cents + amount_cents, updated=now)
    if paid.due_cents == 0:
        paid = dataclasses.replace(paid, status="PAID", fully_paid_on=day)
    books.put(books.invoices, invoice.invoice_id, paid)
    return payment


def delete_payment(
    ctx: Context, payment_id: str, element: dict[str, Any]
) -> tuple[str | None, list[str]]:
    """Delete a payment (the only change Xero allows) and reopen its invoice."""
    books = ctx.books
    payment = books.payments.get(payment_id)
    if payment is None:
        return None, [f"No payment with PaymentID {payment_id} exists."]
    if element.get("Status") != "DELETED" or set(element) - {"Status", "PaymentID"}:
        return None, ['A payment can only be deleted: send {"Status": "DELETED"}.']
    if payment.status == "DELETED":
        return None, ["This payment has already been deleted."]
    books.put(
        books.payments, payment_id, dataclasses.replace(payment, status="DELETED", updated=ctx.now)
    )
    if payment.overpayment_id is not None:
        undo_refund(ctx, payment)
        return payment_id, []
    invoice = books.invoices[payment.invoice_id]
    reopened = dataclasses.replace(
        invoice,
        paid_cents=invoice.paid_cents - payment.amount_cents,
        status="AUTHORISED" if invoice.status == "PAID" else invoice.status,
        fully_paid_on=None,
        updated=ctx.now,
    )
    books.put(books.invoices, invoice.invoice_id, reopened)
    return payment_id, []


def render_payment(books: Books, payment: Payment) -> dict[str, Any]:
    """A payment as Xero returns it."""
    if payment.overpayment_id is not None:
        return render_refund(books, payment)
    account = books.accounts[payment.account_id]
    invoice = books.invoices[payment.invoice_id]
    return {
        "PaymentID": payment.payment_id,
        "Date": wire.ms_date(payment.date),
        "BankAmount": wire.money(payment.amount_cents),
        "Amount": wire.money(payment.amount_cents),
        "Reference": payment.reference,
        "CurrencyRate": RATE_ONE,
        "PaymentType": "ACCRECPAYMENT" if invoice.type == "ACCREC" else "ACCPAYPAYMENT",
        "Status": payment.status,
        "UpdatedDateUTC": wire.ms_timestamp(payment.updated),
        "UpdatedDateUTCString": wire.iso_timestamp(payment.updated),
        "HasAccount": True,
        "IsReconciled": payment.is_reconciled,
        "Account": {"AccountID": account.account_id, "Code": account.code, "Name": account.name},
        "Invoice": {
            "Type": invoice.type,
            "InvoiceID": invoice.invoice_id,
            "InvoiceNumber": invoice.number,
            "Reference": invoice.reference,
            "AmountDue": wire.money(invoice.due_cents),
            "AmountPaid": wire.money(invoice.paid_cents),
            "Status": invoice.status,
            "Total": wire.money(invoice.total_cents),
            "Contact": contact_reference(books, invoice.contact_id),
            "CurrencyCode": "ZAR",
        },
        "HasValidationErrors": False,
    }


def _invoice(books: Books, element: dict[str, Any], errors: list[str]) -> Invoice | None:
    ref = element.get("Invoice") or {}
    invoice_id = ref.get("InvoiceID")
    number = ref.get("InvoiceNumber") or element.get("InvoiceNumber")
    if invoice_id:
        found = books.invoices.get(invoice_id)
        if found is None:
            errors.append(f"No invoice with InvoiceID {invoice_id} exists.")
        return found
    if number:
        found = books.invoice_by_number("ACCREC", number) or books.invoice_by_number(
            "ACCPAY", number
        )
        if found is None:
            errors.append(f"No invoice with InvoiceNumber {number} exists.")
        return found
    if not any(name in element for name in _UNSERVED):
        errors.append("A payment must name its Invoice (InvoiceID or InvoiceNumber).")
    return None


def _account(books: Books, element: dict[str, Any], errors: list[str]) -> Account | None:
    ref = element.get("Account") or {}
    code = ref.get("Code") or element.get("Code")
    account_id = ref.get("AccountID")
    found = books.accounts.get(account_id) if account_id else None
    if found is None and code:
        found = books.account_by_code(code)
    if found is None:
        errors.append("A payment must name an existing Account (Code or AccountID).")
    elif not found.takes_payments:
        errors.append(
            f"Account {found.code} cannot take payments: it must be an ACTIVE BANK account "
            "or have payments enabled."
        )
        return None
    return found


def _amount(element: dict[str, Any], errors: list[str]) -> int | None:
    if "Amount" not in element:
        errors.append("A payment needs an Amount.")
        return None
    cents = wire.to_cents(element["Amount"])
    if cents is None or cents <= 0:
        errors.append(
            f"Payment Amount {element['Amount']} must be positive with at most 2 decimals."
        )
        return None
    return cents
