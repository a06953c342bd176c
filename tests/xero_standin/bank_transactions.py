"""Bank transactions: the stand-in serves one kind, a customer's overpayment.

PUT /BankTransactions with Type RECEIVE-OVERPAYMENT records money a contact
paid beyond what they owe: an existing Contact (by ContactID or ContactNumber;
the stand-in makes no contact from a Name), an ACTIVE BANK account
(BankAccount.Code or .AccountID), a Date (today if left out) and line items
with a Description and an amount whose total is above zero. It is AUTHORISED
at once and makes an Overpayment (overpayments.py) whose OverpaymentID is a
uuid of its own, not the BankTransactionID; GET /BankTransactions/{id} and GET
/Overpayments/{id} find them by their own IDs.

Stricter than Xero, so a client's mistake shows in a test:

- ``Reference`` is refused: Xero keeps it only on SPEND and RECEIVE and drops
  it silently from an overpayment.
- AccountCode, TaxType and items on the lines are refused: Xero books an
  overpayment to Accounts Receivable with no tax whatever the line says.

Other types (RECEIVE, SPEND, prepayments, transfers), updates and a Status
other than AUTHORISED are refused as not served by the stand-in.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import contact_reference
from tests.xero_standin.documents import Context, build_lines, render_lines, totals
from tests.xero_standin.invoices import RATE_ONE
from tests.xero_standin.overpayments import bank_account
from tests.xero_standin.store import Books, Overpayment

SERVED_TYPE = "RECEIVE-OVERPAYMENT"
_LINE_FIELDS_REFUSED = ("AccountCode", "AccountID", "TaxType", "ItemCode", "Item")
_UNSERVED = ("Url", "BankTransactionID")


def save_bank_transaction(ctx: Context, element: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Record a RECEIVE-OVERPAYMENT; return its BankTransactionID, or why it was refused."""
    books = ctx.books
    kind = element.get("Type", "")
    if kind != SERVED_TYPE:
        return None, [
            f"Bank transactions of Type {kind} are not served by the stand-in (only {SERVED_TYPE})."
        ]
    errors = [
        f"{name} in a bank transaction body: not served by the stand-in."
        for name in _UNSERVED
        if name in element
    ]
    if "Reference" in element:
        errors.append(
            "Reference is only kept on SPEND and RECEIVE bank transactions; "
            "Xero drops it from an overpayment, so do not send it."
        )
    if element.get("Status", "AUTHORISED") != "AUTHORISED":
        errors.append("A new bank transaction must have Status AUTHORISED.")
    if element.get("CurrencyCode", "ZAR") != "ZAR":
        errors.append(f"The organisation is not subscribed to currency {element['CurrencyCode']}.")
    contact_id = _contact(books, element.get("Contact"), errors)
    account = bank_account(books, element.get("BankAccount") or {}, errors, "A bank transaction")
    day = wire.parse_date(element["Date"]) if "Date" in element else ctx.today
    if day is None:
        errors.append(f"Date {element['Date']!r} is not a valid date.")
    raw_lines = element.get("LineItems", [])
    for number, raw in enumerate(raw_lines, start=1):
        errors += [
            f"Line item {number}: {name} cannot be set on an overpayment line "
            "(Xero books it to Accounts Receivable with no tax)."
            for name in _LINE_FIELDS_REFUSED
            if name in raw
        ]
    line_amount_types = element.get("LineAmountTypes", "NoTax")
    lines = build_lines(ctx, raw_lines, line_amount_types, (), errors)
    total = totals(lines, line_amount_types)[2]
    if not raw_lines:
        errors.append("A bank transaction needs at least one line item.")
    elif total <= 0:
        errors.append("The total of an overpayment must be more than zero.")
    if errors or contact_id is None or account is None or day is None:
        return None, errors
    overpayment = Overpayment(
        overpayment_id=str(uuid.uuid4()),
        bank_transaction_id=str(uuid.uuid4()),
        contact_id=contact_id,
        account_id=account.account_id,
        date=day,
        line_amount_types=line_amount_types,
        lines=lines,
        total_cents=total,
        status="AUTHORISED",
        updated=ctx.now,
        is_reconciled=bool(element.get("IsReconciled")),
    )
    books.put(books.overpayments, overpayment.overpayment_id, overpayment)
    return overpayment.bank_transaction_id, []


def _contact(books: Books, raw: dict[str, Any] | None, errors: list[str]) -> str | None:
    """The existing contact an overpayment names (by ContactID or ContactNumber)."""
    raw = raw or {}
    if raw.get("ContactID"):
        if raw["ContactID"] in books.contacts:
            return str(raw["ContactID"])
        errors.append(f"No contact with ContactID {raw['ContactID']} exists in this organisation.")
        return None
    if raw.get("ContactNumber"):
        found = books.contact_by_number(raw["ContactNumber"])
        if found is not None:
            return found.contact_id
        errors.append(f"No contact has ContactNumber {raw['ContactNumber']}.")
        return None
    errors.append("An overpayment must name an existing Contact (ContactID or ContactNumber).")
    return None


def render_bank_transaction(books: Books, overpayment: Overpayment) -> dict[str, Any]:
    """The RECEIVE-OVERPAYMENT bank transaction as Xero returns it."""
    account = books.accounts[overpayment.account_id]
    return {
        "BankTransactionID": overpayment.bank_transaction_id,
        "BankAccount": {
            "AccountID": account.account_id,
            "Code": account.code,
            "Name": account.name,
        },
        "Type": SERVED_TYPE,
        "IsReconciled": overpayment.is_reconciled,
        "CurrencyRate": RATE_ONE,
        "OverpaymentID": overpayment.overpayment_id,
        "HasAttachments": False,
        "Contact": contact_reference(books, overpayment.contact_id),
        "DateString": wire.date_string(overpayment.date),
        "Date": wire.ms_date(overpayment.date),
        "Status": "AUTHORISED",
        "LineAmountTypes": overpayment.line_amount_types,
        "LineItems": render_lines(books, overpayment.lines),
        "SubTotal": wire.money(overpayment.total_cents),
        "TotalTax": wire.money(0),
        "Total": wire.money(overpayment.total_cents),
        "UpdatedDateUTC": wire.ms_timestamp(overpayment.updated),
        "CurrencyCode": "ZAR",
    }
