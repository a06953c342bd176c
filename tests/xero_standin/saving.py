"""Creating and updating invoices and credit notes (one code path for both).

An element that names an existing document by ID (in the body or the URL)
updates it; on POST one that names an existing number (ACCREC InvoiceNumber,
ACCRECCREDIT CreditNoteNumber) updates it too; anything else creates. Status
moves follow Xero: DRAFT/SUBMITTED -> AUTHORISED or DELETED, AUTHORISED ->
VOIDED (only with nothing paid or credited), PAID only by payment, VOIDED and
DELETED are final. A document with money applied cannot have its lines,
contact, date or amounts changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.contacts import document_contact
from tests.xero_standin.documents import (
    Context,
    build_lines,
    next_number,
    require_accounts,
    totals,
)
from tests.xero_standin.store import Books, Document, Line

_CREATE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
_MOVES = {
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "VOIDED"},
    "PAID": {"PAID"},
}
_FINANCIAL = ("LineItems", "Contact", "LineAmountTypes", "Date", "CurrencyCode")
_LOCKED = "This document cannot be edited as it has a payment or credit note allocated to it."


@dataclass(frozen=True)
class Kind:
    """What differs between invoices and credit notes."""

    label: str
    types: tuple[str, ...]
    numbered: str  # the type that gets numbers from Xero, unique within the organisation
    prefix: str
    id_field: str
    number_field: str
    table: Callable[[Books], dict[str, Any]]
    record: type[Document]
    needs_due_date: bool
    unserved: tuple[str, ...] = ()  # fields Xero acts on that the stand-in does not

    @property
    def a_label(self) -> str:
        """The label with its article: "an invoice", "a credit note"."""
        return ("an " if self.label[0] in "aeiou" else "a ") + self.label


def save_document(
    ctx: Context, kind: Kind, element: dict[str, Any], method: str, path_id: str | None = None
) -> tuple[str | None, list[str]]:
    """Create or update one invoice or credit note; return its ID, or why it was refused."""
    unserved = [name for name in kind.unserved if element.get(name)]
    if unserved:
        return None, [f"{', '.join(unserved)} in {kind.a_label} body: not served by the stand-in."]
    table = kind.table(ctx.books)
    document_id = path_id or element.get(kind.id_field)
    if document_id:
        existing = table.get(document_id)
        if existing is None:
            return None, [f"No {kind.label} with {kind.id_field} {document_id} exists."]
        return _update(ctx, kind, existing, element)
    number = element.get(kind.number_field)
    if method == "POST" and number:
        found = by_number(ctx.books, kind, element.get("Type", kind.numbered), number)
        if found is not None:
            return _update(ctx, kind, found, element)
    return _create(ctx, kind, element)


def by_number(books: Books, kind: Kind, doc_type: str, number: str) -> Document | None:
    """The live document of that type and number."""
    return next(
        (
            doc
            for doc in kind.table(books).values()
            if doc.type == doc_type and doc.number == number and doc.status != "DELETED"
        ),
        None,
    )


def _create(ctx: Context, kind: Kind, element: dict[str, Any]) -> tuple[str | None, list[str]]:
    errors: list[str] = []
    doc_type = element.get("Type", "")
    if doc_type not in kind.types:
        errors.append(f"{kind.a_label.capitalize()} needs a Type of {' or '.join(kind.types)}.")
    status = element.get("Status", "DRAFT")
    if status not in _CREATE_STATUSES:
        errors.append(f"A new {kind.label} cannot have Status {status}.")
    _check_currency(element, errors)
    line_amount_types = element.get("LineAmountTypes", "Exclusive")
    contact_id = document_contact(ctx, element.get("Contact"), errors)
    day = _date(element, "Date", errors) or ctx.today
    due = _date(element, "DueDate", errors)
    number = _number(ctx.books, kind, doc_type, element.get(kind.number_field), None, errors)
    lines = build_lines(ctx, element.get("LineItems", []), line_amount_types, (), errors)
    if status == "AUTHORISED":
        _approval_checks(kind, lines, due, errors)
    subtotal, tax, total = totals(lines, line_amount_types)
    if total < 0:
        errors.append(f"The total of {kind.a_label} cannot be negative.")
    if errors:
        return None, errors
    record = kind.record(
        document_id=str(uuid.uuid4()),
        type=doc_type,
        number=number,
        contact_id=contact_id or "",
        status=status,
        line_amount_types=line_amount_types,
        date=day,
        due_date=due,
        reference=element.get("Reference", ""),
        lines=lines,
        subtotal_cents=subtotal,
        tax_cents=tax,
        total_cents=total,
        updated=ctx.now,
    )
    ctx.books.put(kind.table(ctx.books), record.document_id, record)
    return record.document_id, []


def _update(
    ctx: Context, kind: Kind, doc: Document, element: dict[str, Any]
) -> tuple[str | None, list[str]]:
    if doc.status in {"VOIDED", "DELETED"}:
        return None, [f"This {kind.label} is {doc.status} and cannot be changed."]
    errors = _update_refusals(kind, doc, element)
    _check_currency(element, errors)
    status = element.get("Status", doc.status)
    line_amount_types = element.get("LineAmountTypes", doc.line_amount_types)
    lines = doc.lines
    if element.get("LineItems"):
        lines = build_lines(ctx, element["LineItems"], line_amount_types, doc.lines, errors)
    elif line_amount_types != doc.line_amount_types:
        errors.append("Send the LineItems again when changing LineAmountTypes.")
    contact_id = doc.contact_id
    if element.get("Contact"):
        contact_id = document_contact(ctx, element["Contact"], errors) or doc.contact_id
    day = _date(element, "Date", errors) or doc.date
    due = _date(element, "DueDate", errors) if "DueDate" in element else doc.due_date
    number = _number(ctx.books, kind, doc.type, element.get(kind.number_field), doc, errors)
    if status == "AUTHORISED":
        _approval_checks(kind, lines, due, errors)
    subtotal, tax, total = totals(lines, line_amount_types)
    if total < doc.applied_cents:
        errors.append(f"The total of the {kind.label} cannot fall below what is paid on it.")
    if errors:
        return None, errors
    record = dataclasses.replace(
        doc,
        status=status,
        line_amount_types=line_amount_types,
        lines=lines,
        contact_id=contact_id,
        date=day,
        due_date=due,
        number=number,
        reference=element.get("Reference", doc.reference),
        subtotal_cents=subtotal,
        tax_cents=tax,
        total_cents=total,
        updated=ctx.now,
    )
    ctx.books.put(kind.table(ctx.books), doc.document_id, record)
    return doc.document_id, []


def _update_refusals(kind: Kind, doc: Document, element: dict[str, Any]) -> list[str]:
    errors = []
    status = element.get("Status", doc.status)
    if doc.applied_cents:
        if any(element.get(key) for key in _FINANCIAL):
            errors.append(_LOCKED)
        if status in {"VOIDED", "DELETED"}:
            errors.append(
                "This document cannot be voided as it has a payment or credit note allocated to it."
            )
    if "Type" in element and element["Type"] != doc.type:
        errors.append(f"The Type of {kind.a_label} cannot be changed.")
    if status != doc.status and status not in _MOVES.get(doc.status, set()):
        errors.append(f"{kind.a_label.capitalize()} cannot go from {doc.status} to {status}.")
    return errors


def _approval_checks(
    kind: Kind, lines: tuple[Line, ...], due: dt.date | None, errors: list[str]
) -> None:
    if not lines:
        errors.append(f"{kind.a_label.capitalize()} needs at least one line item to be approved.")
    require_accounts(lines, errors)
    if kind.needs_due_date and due is None:
        errors.append(f"A DueDate is required to approve {kind.a_label}.")


def _number(
    books: Books,
    kind: Kind,
    doc_type: str,
    given: str | None,
    current: Document | None,
    errors: list[str],
) -> str:
    """The document's number: the one given, the current one, or Xero's next."""
    if doc_type != kind.numbered:
        return given if given is not None else (current.number if current else "")
    if given is None:
        if current is not None:
            return current.number
        taken = {doc.number for doc in kind.table(books).values()}
        return next_number(kind.prefix, taken)
    holder = by_number(books, kind, doc_type, given)
    if holder is not None and holder is not current:
        label = "Invoice" if kind.number_field == "InvoiceNumber" else "Credit Note"
        errors.append(f"{label} # must be unique.")
    return given


def _date(element: dict[str, Any], name: str, errors: list[str]) -> dt.date | None:
    if name not in element:
        return None
    day = wire.parse_date(element[name])
    if day is None:
        errors.append(f"{name} {element[name]!r} is not a valid date.")
    return day


def _check_currency(element: dict[str, Any], errors: list[str]) -> None:
    currency = element.get("CurrencyCode")
    if currency not in {None, "ZAR"}:
        errors.append(f"The organisation is not subscribed to currency {currency}.")
