"""Refunds of overpayments: PUT /Payments naming an Overpayment instead of an Invoice.

A refund is money paid back to the contact from an ACTIVE BANK account
(Account.Code, Account.AccountID or Code), on a Date, no more than the
overpayment's credit left; it may carry a Reference. It is kept as a Payment
with ``overpayment_id`` set (and no invoice). Deleting that payment (POST
/Payments/{id}, Status DELETED) puts the credit back. GET /Payments shows it
with PaymentType AROVERPAYMENTPAYMENT and, as Xero's own answers do (its
support calls the label confusing), under ``Invoice`` with the OverpaymentID as
InvoiceID; there is no ``Overpayment`` block.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import contact_reference
from tests.xero_standin.documents import Context
from tests.xero_standin.invoices import RATE_ONE
from tests.xero_standin.overpayments import bank_account, store_overpayment
from tests.xero_standin.store import Books, Payment, Refund

_OTHER_TARGETS = ("Invoice", "InvoiceNumber", "CreditNote", "CreditNoteNumber", "Prepayment")


def refund(ctx: Context, element: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Pay part of an overpayment back (PUT /Payments naming an Overpayment); return PaymentID."""
    books = ctx.books
    errors = [
        f"A refund names its Overpayment only; {name} cannot be given as well."
        for name in _OTHER_TARGETS
        if name in element
    ]
    if element.get("PaymentID"):
        errors.append("A payment cannot be changed; delete it and make a new one.")
    if element.get("Status", "AUTHORISED") != "AUTHORISED":
        errors.append("A new payment must have Status AUTHORISED.")
    overpayment_id = (element.get("Overpayment") or {}).get("OverpaymentID", "")
    overpayment = books.overpayments.get(overpayment_id)
    if overpayment is None:
        errors.append(f"No overpayment with OverpaymentID {overpayment_id} exists.")
    elif overpayment.status != "AUTHORISED":
        errors.append(f"Only an AUTHORISED overpayment can be refunded, not {overpayment.status}.")
    account = bank_account(books, _account_ref(element), errors, "A refund")
    amount = wire.to_cents(element["Amount"]) if "Amount" in element else None
    if amount is None or amount <= 0:
        errors.append("A refund needs an Amount, positive with at most 2 decimals.")
    elif overpayment is not None and amount > overpayment.remaining_cents:
        errors.append("Payment amount exceeds the amount outstanding on this document")
    day = wire.parse_date(element["Date"]) if "Date" in element else None
    if day is None:
        errors.append("A payment needs a valid Date.")
    if errors or overpayment is None or account is None or amount is None or day is None:
        return None, errors
    payment = Payment(
        payment_id=str(uuid.uuid4()),
        invoice_id="",
        account_id=account.account_id,
        date=day,
        amount_cents=amount,
        reference=element.get("Reference", ""),
        status="AUTHORISED",
        updated=ctx.now,
        is_reconciled=bool(element.get("IsReconciled")),
        overpayment_id=overpayment.overpayment_id,
    )
    books.put(books.payments, payment.payment_id, payment)
    store_overpayment(
        ctx, overpayment, refunds=(*overpayment.refunds, Refund(payment.payment_id, amount))
    )
    return payment.payment_id, []


def undo_refund(ctx: Context, payment: Payment) -> None:
    """A refund's payment was deleted: its amount is credit again."""
    overpayment = ctx.books.overpayments[payment.overpayment_id or ""]
    kept = tuple(r for r in overpayment.refunds if r.payment_id != payment.payment_id)
    store_overpayment(ctx, overpayment, refunds=kept)


def _account_ref(element: dict[str, Any]) -> dict[str, Any]:
    ref = dict(element.get("Account") or {})
    if "Code" in element and not ref:
        ref["Code"] = element["Code"]
    return ref


def render_refund(books: Books, payment: Payment) -> dict[str, Any]:
    """A refund of an overpayment as GET /Payments returns it."""
    account = books.accounts[payment.account_id]
    overpayment = books.overpayments[payment.overpayment_id or ""]
    return {
        "PaymentID": payment.payment_id,
        "Date": wire.ms_date(payment.date),
        "BankAmount": wire.money(payment.amount_cents),
        "Amount": wire.money(payment.amount_cents),
        "Reference": payment.reference,
        "CurrencyRate": RATE_ONE,
        "PaymentType": "AROVERPAYMENTPAYMENT",
        "Status": payment.status,
        "UpdatedDateUTC": wire.ms_timestamp(payment.updated),
        "UpdatedDateUTCString": wire.iso_timestamp(payment.updated),
        "HasAccount": True,
        "IsReconciled": payment.is_reconciled,
        "Account": {"AccountID": account.account_id, "Code": account.code, "Name": account.name},
        "Invoice": {
            "InvoiceID": overpayment.overpayment_id,
            "Contact": contact_reference(books, overpayment.contact_id),
            "CurrencyCode": "ZAR",
        },
        "HasValidationErrors": False,
    }
