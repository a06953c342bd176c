"""A stand-in for Xero's identity and Accounting APIs: real HTTP on 127.0.0.1, for tests.

Use it through the ``xero_standin`` or ``xero_standin_fake_clock`` fixture
(tests/xero_fixtures.py, which also has ``pkce_pair()``, ``XeroApi`` for
calling it by hand and ``validation_messages(response)``), or::

    with XeroStandin() as standin:   # or XeroStandin().start() ... standin.stop()
        ...

Request bodies are checked against Xero's own OpenAPI contract (a copy in
``contract/``, with its MIT licence and source); see contract.py for how
strictly. Module map: server.py (HTTP, this facade), gateway.py (what happens
to a request), identity.py (OAuth 2.0 + PKCE), routes.py / accounting.py /
tables.py / listing.py / where.py (the Accounting API), contacts.py,
saving.py, documents.py, invoices.py, credit_notes.py, payments.py,
bank_transactions.py, overpayments.py, refunds.py (the books' rules),
limits.py (rate limits), faults.py (failures on demand), store.py / seed.py
(the data), wire.py (JSON, dates, money), clock.py.

Public API
==========

``XeroStandin(*, organisations=("Sunshine Creche (Pty) Ltd", "Demo Company (ZA)"),
client_id="TESTCLIENTID", clock=None)``

Lifecycle: ``start() -> self``, ``stop()`` (releases held answers), context
manager. Base URLs (set env vars from these): ``login_url`` (GET
/identity/connect/authorize), ``identity_url`` (POST /connect/token,
/connect/revocation), ``api_url`` (GET /connections, DELETE
/connections/{id}, /api.xro/2.0/...). Three servers, three ports.

Settings (plain attributes, read on every request; change them any time):

- ``client_id`` (str), ``consent`` (bool, default True: authorize redirects
  with a code; False: with ``error=access_denied``).
- ``access_token_seconds`` (1800), ``refresh_grace_seconds`` (0: an old
  refresh token is refused at once; Xero allows 1800).
- ``limits_enabled`` (True), ``minute_limit`` (60) per ``window_seconds``
  (60.0), ``day_limit`` (5000) per ``day_seconds`` (86400.0),
  ``concurrent_limit`` (5), ``app_minute_limit`` (10000).
- ``read_only``: "refuse" (default: a readOnly property in a request body is a
  400) or "ignore".
- ``require_accept_json`` (True): an Accounting call without ``Accept:
  application/json`` gets 406 (Xero would answer XML).
- ``clock``: ``SystemClock()`` or ``FakeClock(start=None)`` (2026-03-02 08:00
  UTC by default; ``advance(seconds)``, ``set(datetime)``, ``now()``). It
  drives token expiry, rate-limit windows, UpdatedDateUTC and request times.

Data: ``organisations`` (list of ``Organisation``: ``tenant_id``, ``name``,
``connection_id``, ``short_code``); ``org(tenant_id_or_name) ->
Organisation``; ``books(org)`` (alias ``store(org)``) -> ``Books`` with dicts
by ID ``contacts``, ``invoices``, ``credit_notes``, ``payments``,
``overpayments`` (by OverpaymentID), ``accounts``, ``tax_rates`` (by
TaxType), ``auto_created_contacts`` (IDs of contacts Xero made from an unknown
Contact Name on an invoice), and lookups ``invoice_by_number(type, number)``,
``contact_by_number(number)``, ``account_by_code(code)``,
``credit_note_by_number(number)``,
``overpayment_by_bank_transaction(bank_transaction_id)``. Records are
frozen dataclasses (store.py), money in integer cents: ``Contact``
(contact_id, name, contact_number, status, updated, details),
``Invoice`` (invoice_id, type, number, contact_id, status,
line_amount_types, date, due_date, reference, lines, subtotal_cents,
tax_cents, total_cents, paid_cents, credited_cents, due_cents,
fully_paid_on, updated), ``Line`` (line_item_id, description, quantity,
unit_amount, account_code, tax_type, line_cents, tax_cents, discount_rate),
``Payment`` (payment_id, invoice_id, account_id, date, amount_cents,
reference, status, updated, is_reconciled, overpayment_id: set on a refund of
an overpayment, whose invoice_id is then ""), ``CreditNote``
(credit_note_id, ..., allocations, remaining_cents), ``Allocation``
(allocation_id, invoice_id, amount_cents, date), ``Overpayment``
(overpayment_id, bank_transaction_id, contact_id, account_id, date,
line_amount_types, lines, total_cents, status AUTHORISED/PAID/VOIDED,
updated, allocations, refunds, is_reconciled; used_cents, remaining_cents),
``Refund`` (payment_id, amount_cents), ``Account``, ``TaxRate``. Hold
``standin.lock`` when reading while a client may be writing.

Seeding (each organisation starts with South African VAT rates under
organisation-specific codes: TAX001 "Standard Rate Sales" OUTPUT 15%, TAX002
"Zero Rated Sales" ZERORATEDOUTPUT, TAX003 "Exempt Sales" EXEMPTOUTPUT, TAX004
"No VAT" NONE, TAX005 "Standard Rate Purchases" INPUT 15%, TAX006 "Standard
Rate Sales (14%)" ARCHIVED; the second organisation uses TAX011...TAX016; and
accounts 090 "Business Bank Account" BANK, 200 "Sales", 260 "Other Revenue",
400, 429 expenses, 610, 800, 820 system accounts, 970 equity with payments
enabled):

- ``add_account(org, code, name, type="BANK", *, tax_type=None,
  bank_account_number="", enable_payments=False, status="ACTIVE") -> AccountID``
- ``add_tax_rate(org, tax_type, name, report_tax_type, rate, *, revenue=True,
  expenses=False, status="ACTIVE")``
- ``add_contact(org, name, contact_number=None, *, contact_id=None,
  status="ACTIVE") -> ContactID``
- ``record_payment_in_xero(org, invoice_number, amount_cents, date, *,
  account_code=None, reference="") -> PaymentID`` (a payment made in Xero
  that the client does not know; first BANK account unless a code is given)
- ``issue_tokens(scope="offline_access accounting.transactions
  accounting.contacts accounting.settings") -> token response dict``
  (connects every organisation; skips the browser flow)

Failures on demand:

- ``fail_next(n=1, kind="500", path_contains=None, retry_after=1)``; kind is
  "429" (with Retry-After and X-Rate-Limit-Problem: minute), "500", "503"
  (with Retry-After), "drop" (connection closed, nothing done) or
  "drop_after_apply" (done, then closed without an answer). Matches requests
  to any of the three sites whose path contains ``path_contains``.
- ``hold_after_applying(path_contains, count=1)``: the next ``count``
  matching requests do their work and then wait, keeping their concurrency
  slot; ``held`` (threading.Event) is set when all are waiting; ``release()``
  lets them answer (to a dead socket if the client was killed: no harm).
  Requests refused before any work (401/403/404/406/429) are not held.
- ``reject_element(kind, match, message="Rejected by the test.",
  times=None)``: elements of collection ``kind`` ("Contacts", "Invoices",
  "Payments", "CreditNotes", "Allocations") whose sent fields equal every
  item of ``match`` get that ValidationErrors message (``times`` times, or
  always). Also "BankTransactions"; "Allocations" covers credit note and
  overpayment allocations alike.
- ``faults.clear()`` forgets queued failures and rejections.

Measurements:

- ``requests``: list of ``RecordedRequest`` (site, method, path, query,
  headers without Authorization (lower-case names), body (JSON with Decimals,
  or the form), status (0 = dropped), time, tenant_id, idempotency_key,
  replayed, fault), in the order answered; a request is recorded (and its
  concurrency slot freed) before its answer is sent, so once a client has
  an answer the record is there.
- ``applied_requests`` (writes that did their work and answered 200, or were
  dropped after it) and ``replayed_requests`` (answered from an
  Idempotency-Key), lists of RecordedRequest.
- ``max_concurrent_seen``, ``max_calls_in_window`` (most admitted calls of one
  organisation within ``window_seconds``), ``rate_limited`` (Counter of 429s
  given by the limits, by problem), ``status_counts()`` (Counter by status),
  ``batch_sizes`` ((collection, elements) per write), ``oversized_batches``
  (over 50), ``internal_errors`` (tracebacks; the fixture fails the test if
  any).

Behaviour worth knowing: summarizeErrors defaults to true (any bad element ->
400, nothing saved); ``summarizeErrors=false`` -> 200 with
StatusAttributeString OK/ERROR per element (ERROR ones echo the element with
ValidationErrors and HasErrors / HasValidationErrors). POST updates by ID,
else by ContactNumber / ACCREC InvoiceNumber / CreditNoteNumber, else
creates; PUT creates (a number already used is an error). Dates come back as
/Date(ms+0000)/ with DateString beside them, money as 2-decimal numbers. An
Idempotency-Key replays the stored answer for the same request (same key,
other request -> 400). Unknown
query parameters, unknown or readOnly body properties, nulls and strings for
numbers are 400s naming the JSON path. GET lists take If-Modified-Since, IDs,
InvoiceNumbers, ContactIDs, Statuses, where (a subset, see where.py), order,
page/pageSize; single records by ID or number.

Overpayments (see bank_transactions.py, overpayments.py, refunds.py): PUT
/BankTransactions serves only Type RECEIVE-OVERPAYMENT (other types are
refused as not served); it answers the bank transaction (BankTransactionID,
OverpaymentID, a different uuid, Status AUTHORISED, Total, ...) and makes an
Overpayment, read by GET /BankTransactions[/{id}] and GET
/Overpayments[/{id}]. A Reference, or an AccountCode or TaxType on a line, is
refused (Xero drops or overrides them on an overpayment). PUT
/Overpayments/{id}/Allocations allocates credit to an AUTHORISED ACCREC
invoice of the same contact (its AmountCredited rises); DELETE
/Overpayments/{id}/Allocations/{AllocationID} undoes one and answers the
Allocation alone with IsDeleted true. PUT /Payments naming
``Overpayment.OverpaymentID`` (not an Invoice) with a BANK ``Account`` is a
refund (PaymentType AROVERPAYMENTPAYMENT, shown under ``Invoice`` with the
OverpaymentID as InvoiceID, as Xero does); deleting it puts the credit back.
Used up, an overpayment is PAID. BankTransactions need accounting.transactions
or accounting.banktransactions; Overpayments go with payments.
"""

from tests.xero_standin.clock import FakeClock, SystemClock
from tests.xero_standin.gateway import RecordedRequest
from tests.xero_standin.server import XeroStandin
from tests.xero_standin.store import (
    Account,
    Allocation,
    Books,
    Contact,
    CreditNote,
    Invoice,
    Line,
    Organisation,
    Overpayment,
    Payment,
    Refund,
    TaxRate,
)

__all__ = [
    "Account",
    "Allocation",
    "Books",
    "Contact",
    "CreditNote",
    "FakeClock",
    "Invoice",
    "Line",
    "Organisation",
    "Overpayment",
    "Payment",
    "RecordedRequest",
    "Refund",
    "SystemClock",
    "TaxRate",
    "XeroStandin",
]
