"""Contacts: create, update, find, and the contact named on an invoice.

PUT creates; POST updates the contact named by ContactID, else by
ContactNumber, else creates (Xero's update-or-create). A ContactID the
organisation does not have is an error. Names are unique among ACTIVE
contacts (Xero's rule, message from its example); the stand-in also keeps
ContactNumber unique so a client that creates a second contact for the same
child/parent is caught. As in Xero, an invoice whose Contact gives only a Name
nobody has creates a new contact; those are listed in
``Books.auto_created_contacts`` so a test can catch a client relying on it.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.documents import Context
from tests.xero_standin.store import Books, Contact

# Kept as fields of the record, or only ever written by Xero.
_CORE = {"ContactID", "ContactNumber", "Name", "ContactStatus"}
_NOT_KEPT = {
    "UpdatedDateUTC", "IsSupplier", "IsCustomer", "ValidationErrors", "HasValidationErrors",
    "StatusAttributeString", "HasAttachments", "Balances", "Website", "Discount",
}  # fmt: skip
_IDENTIFY = (
    "The Contact must contain at least 1 of the following elements to identify the contact: "
    "Name, ContactID, ContactNumber"
)


def save_contact(
    ctx: Context, element: dict[str, Any], method: str, path_id: str | None = None
) -> tuple[str | None, list[str]]:
    """Create or update one contact; return its ContactID, or the reasons it was refused."""
    books = ctx.books
    contact_id = path_id or element.get("ContactID")
    existing = None
    if contact_id:
        existing = books.contacts.get(contact_id)
        if existing is None:
            return None, [f"No contact with ContactID {contact_id} exists in this organisation."]
    elif method == "POST" and element.get("ContactNumber"):
        existing = books.contact_by_number(element["ContactNumber"])
    errors = _check(books, element, existing)
    if errors:
        return None, errors
    record = Contact(
        contact_id=existing.contact_id if existing else str(uuid.uuid4()),
        name=element.get("Name", existing.name if existing else ""),
        contact_number=element.get("ContactNumber", existing.contact_number if existing else None),
        status=element.get("ContactStatus", existing.status if existing else "ACTIVE"),
        updated=ctx.now,
        details=_details(existing, element),
    )
    books.put(books.contacts, record.contact_id, record)
    return record.contact_id, []


def _check(books: Books, element: dict[str, Any], existing: Contact | None) -> list[str]:
    errors = []
    name = element.get("Name", existing.name if existing else "")
    if not name.strip():
        errors.append("A contact must have a Name.")
    status = element.get("ContactStatus", existing.status if existing else "ACTIVE")
    same_name = books.active_contact_named(name) if name.strip() else None
    if status == "ACTIVE" and same_name and (existing is None or same_name is not existing):
        errors.append(
            f"The contact name {name} is already assigned to another contact. "
            "The contact name must be unique across all active contacts."
        )
    number = element.get("ContactNumber")
    holder = books.contact_by_number(number) if number else None
    if holder is not None and holder is not existing:
        errors.append(f"The contact number {number} is already assigned to another contact.")
    fields = ("AccountsReceivableTaxType", "AccountsPayableTaxType")
    errors += [
        f"The TaxType code '{element[name]}' does not exist."
        for name in fields
        if name in element and element[name] not in books.tax_rates
    ]
    return errors


def _details(existing: Contact | None, element: dict[str, Any]) -> dict[str, Any]:
    details = dict(existing.details) if existing else {}
    details.update({k: v for k, v in element.items() if k not in _CORE | _NOT_KEPT})
    return details


def document_contact(ctx: Context, raw: dict[str, Any] | None, errors: list[str]) -> str | None:
    """The ContactID a document names; an unknown Name makes a new contact, as in Xero."""
    books = ctx.books
    raw = raw or {}
    if raw.get("ContactID"):
        if raw["ContactID"] not in books.contacts:
            errors.append(
                f"No contact with ContactID {raw['ContactID']} exists in this organisation."
            )
            return None
        return str(raw["ContactID"])
    number = raw.get("ContactNumber")
    if number and (found := books.contact_by_number(number)) is not None:
        return found.contact_id
    name = raw.get("Name", "")
    if not name.strip():
        errors.append(_IDENTIFY if not number else f"No contact has ContactNumber {number}.")
        return None
    named = books.active_contact_named(name)
    if named is not None and not number:
        return named.contact_id
    contact_id = str(uuid.uuid4())
    books.put(books.contacts, contact_id, Contact(contact_id, name, number, "ACTIVE", ctx.now))
    books.auto_created_contacts.append(contact_id)
    return contact_id


def contact_roles(books: Books) -> tuple[set[str], set[str]]:
    """Contacts with a sales invoice (IsCustomer) and with a bill (IsSupplier)."""
    live = [i for i in books.invoices.values() if i.status != "DELETED"]
    return (
        {i.contact_id for i in live if i.type == "ACCREC"},
        {i.contact_id for i in live if i.type == "ACCPAY"},
    )


def render_contact(contact: Contact, roles: tuple[set[str], set[str]]) -> dict[str, Any]:
    """A contact as Xero returns it."""
    rendered: dict[str, Any] = {"ContactID": contact.contact_id}
    if contact.contact_number is not None:
        rendered["ContactNumber"] = contact.contact_number
    rendered |= {"ContactStatus": contact.status, "Name": contact.name}
    rendered |= {"Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": []}
    rendered |= dict(contact.details)
    return rendered | {
        "UpdatedDateUTC": wire.ms_timestamp(contact.updated),
        "IsSupplier": contact.contact_id in roles[1],
        "IsCustomer": contact.contact_id in roles[0],
        "HasAttachments": False,
        "HasValidationErrors": False,
    }


def contact_reference(books: Books, contact_id: str) -> dict[str, Any]:
    """The short Contact Xero nests in an invoice or payment."""
    contact = books.contacts.get(contact_id)
    name = contact.name if contact else ""
    return {
        "ContactID": contact_id,
        "Name": name,
        "ContactPersons": [],
        "HasValidationErrors": False,
    }
