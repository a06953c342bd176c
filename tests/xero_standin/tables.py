"""What each GET collection holds and how its records are shown and found.

Bank transactions and overpayments list the same records (the stand-in's only
bank transactions are overpayments), each by its own ID.
"""

from __future__ import annotations

from typing import Any

from tests.xero_standin import overpayments
from tests.xero_standin.bank_transactions import render_bank_transaction
from tests.xero_standin.contacts import contact_roles, render_contact
from tests.xero_standin.credit_notes import render_credit_note
from tests.xero_standin.invoices import render_invoice
from tests.xero_standin.listing import Listing
from tests.xero_standin.org_settings import render_account, render_tax_rate
from tests.xero_standin.payments import render_payment
from tests.xero_standin.store import Books


def listings(books: Books) -> dict[str, Listing[Any]]:
    """Every collection a GET can read, by resource name."""
    roles = contact_roles(books)
    index = books.index()
    return {
        "Contacts": Listing(
            "Contacts",
            "ContactID",
            list(books.contacts.values()),
            lambda c: render_contact(c, roles),
            lambda c: [c.contact_id, c.contact_number or ""],
            archived=lambda c: c.status == "ARCHIVED",
        ),
        "Invoices": Listing(
            "Invoices",
            "InvoiceID",
            list(books.invoices.values()),
            lambda i: render_invoice(books, i, index),
            lambda i: [i.invoice_id, i.number],
        ),
        "CreditNotes": Listing(
            "CreditNotes",
            "CreditNoteID",
            list(books.credit_notes.values()),
            lambda n: render_credit_note(books, n),
            lambda n: [n.credit_note_id, n.number],
        ),
        "Payments": Listing(
            "Payments",
            "PaymentID",
            list(books.payments.values()),
            lambda p: render_payment(books, p),
            lambda p: [p.payment_id],
        ),
        "BankTransactions": Listing(
            "BankTransactions",
            "BankTransactionID",
            list(books.overpayments.values()),
            lambda o: render_bank_transaction(books, o),
            lambda o: [o.bank_transaction_id],
        ),
        "Overpayments": Listing(
            "Overpayments",
            "OverpaymentID",
            list(books.overpayments.values()),
            lambda o: overpayments.render_overpayment(books, o),
            lambda o: [o.overpayment_id],
        ),
        "TaxRates": Listing(
            "TaxRates",
            "TaxType",
            list(books.tax_rates.values()),
            render_tax_rate,
            lambda r: [r.tax_type],
        ),
        "Accounts": Listing(
            "Accounts",
            "AccountID",
            list(books.accounts.values()),
            render_account,
            lambda a: [a.account_id],
        ),
    }
