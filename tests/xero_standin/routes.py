"""Which Accounting API calls the stand-in serves, each tied to its operation in the spec.

Paths are matched as the spec spells them (``/Invoices``, not ``/invoices``).
Each route names the scope family it needs; the tokens' scopes are checked
against it (the broad ``accounting.transactions`` or the granular
``accounting.invoices`` / ``accounting.payments`` /
``accounting.banktransactions`` all do; overpayments go with payments, as in
Xero's granular scopes). PUT, POST and DELETE need a write scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "/api.xro/2.0"


@dataclass(frozen=True)
class Route:
    """One served operation."""

    method: str
    resource: str
    with_id: bool
    sub: str | None
    operation_id: str
    family: str
    sub_id: bool = False  # a second ID after ``sub``: /Overpayments/{id}/Allocations/{id}

    @property
    def writes(self) -> bool:
        """Whether the call changes data (PUT/POST/DELETE)."""
        return self.method in {"PUT", "POST", "DELETE"}


ROUTES = (
    Route("GET", "Contacts", False, None, "getContacts", "contacts"),
    Route("PUT", "Contacts", False, None, "createContacts", "contacts"),
    Route("POST", "Contacts", False, None, "updateOrCreateContacts", "contacts"),
    Route("GET", "Contacts", True, None, "getContact", "contacts"),
    Route("POST", "Contacts", True, None, "updateContact", "contacts"),
    Route("GET", "Invoices", False, None, "getInvoices", "invoices"),
    Route("PUT", "Invoices", False, None, "createInvoices", "invoices"),
    Route("POST", "Invoices", False, None, "updateOrCreateInvoices", "invoices"),
    Route("GET", "Invoices", True, None, "getInvoice", "invoices"),
    Route("POST", "Invoices", True, None, "updateInvoice", "invoices"),
    Route("GET", "CreditNotes", False, None, "getCreditNotes", "invoices"),
    Route("PUT", "CreditNotes", False, None, "createCreditNotes", "invoices"),
    Route("POST", "CreditNotes", False, None, "updateOrCreateCreditNotes", "invoices"),
    Route("GET", "CreditNotes", True, None, "getCreditNote", "invoices"),
    Route("POST", "CreditNotes", True, None, "updateCreditNote", "invoices"),
    Route("PUT", "CreditNotes", True, "Allocations", "createCreditNoteAllocation", "invoices"),
    Route("GET", "Payments", False, None, "getPayments", "payments"),
    Route("PUT", "Payments", False, None, "createPayments", "payments"),
    Route("POST", "Payments", False, None, "createPayment", "payments"),
    Route("GET", "Payments", True, None, "getPayment", "payments"),
    Route("POST", "Payments", True, None, "deletePayment", "payments"),
    Route("PUT", "BankTransactions", False, None, "createBankTransactions", "banktransactions"),
    Route("GET", "BankTransactions", False, None, "getBankTransactions", "banktransactions"),
    Route("GET", "BankTransactions", True, None, "getBankTransaction", "banktransactions"),
    Route("GET", "Overpayments", False, None, "getOverpayments", "payments"),
    Route("GET", "Overpayments", True, None, "getOverpayment", "payments"),
    Route("PUT", "Overpayments", True, "Allocations", "createOverpaymentAllocations", "payments"),
    Route(
        "DELETE",
        "Overpayments",
        True,
        "Allocations",
        "deleteOverpaymentAllocations",
        "payments",
        sub_id=True,
    ),
    Route("GET", "TaxRates", False, None, "getTaxRates", "settings"),
    Route("GET", "Accounts", False, None, "getAccounts", "settings"),
    Route("GET", "Accounts", True, None, "getAccount", "settings"),
    Route("GET", "Organisation", False, None, "getOrganisations", "settings"),
)

# Scopes that grant each family, for reading and for writing.
_READ = {
    "contacts": {"accounting.contacts", "accounting.contacts.read"},
    "invoices": {
        "accounting.transactions", "accounting.transactions.read",
        "accounting.invoices", "accounting.invoices.read",
    },
    "payments": {
        "accounting.transactions", "accounting.transactions.read",
        "accounting.payments", "accounting.payments.read",
    },
    "banktransactions": {
        "accounting.transactions", "accounting.transactions.read",
        "accounting.banktransactions", "accounting.banktransactions.read",
    },
    "settings": {"accounting.settings", "accounting.settings.read"},
}  # fmt: skip
_WRITE = {
    "contacts": {"accounting.contacts"},
    "invoices": {"accounting.transactions", "accounting.invoices"},
    "payments": {"accounting.transactions", "accounting.payments"},
    "banktransactions": {"accounting.transactions", "accounting.banktransactions"},
    "settings": {"accounting.settings"},
}

_PATH = re.compile(
    r"^/(?P<resource>[A-Za-z]+)(?:/(?P<id>[^/]+))?"
    r"(?:/(?P<sub>[A-Za-z]+)(?:/(?P<sub_id>[^/]+))?)?/?$"
)


@dataclass(frozen=True)
class Found:
    """A route with the IDs its path carried."""

    route: Route
    item_id: str | None
    sub_item_id: str | None = None


def find(method: str, path: str) -> Found | str:
    """The route and item IDs for a path below the prefix, or why none fits."""
    found = _PATH.match(path)
    if not found:
        return "not found"
    resource, item, sub = found.group("resource"), found.group("id"), found.group("sub")
    sub_item = found.group("sub_id")
    candidates = [
        r
        for r in ROUTES
        if r.resource == resource
        and r.with_id == (item is not None)
        and r.sub == sub
        and r.sub_id == (sub_item is not None)
    ]
    if not candidates:
        return "not found"
    for route in candidates:
        if route.method == method:
            return Found(route, item, sub_item)
    return "method not allowed"


def scope_allows(route: Route, scopes: frozenset[str]) -> bool:
    """Whether a token with these scopes may make this call."""
    wanted = _WRITE if route.writes else _READ
    return bool(wanted[route.family] & scopes)


def check_routes_against_spec(operation: dict[str, tuple[str, str]]) -> None:
    """Fail loudly if a route's method or path does not match its operation in the spec."""
    for route in ROUTES:
        method, template = operation[route.operation_id]
        parts = (
            [route.resource]
            + (["{id}"] if route.with_id else [])
            + ([route.sub] if route.sub else [])
            + (["{id}"] if route.sub_id else [])
        )
        spelled = "/" + "/".join(parts)
        generic = re.sub(r"\{[^}]+\}", "{id}", template)
        if method != route.method or generic != spelled:
            raise AssertionError(f"{route.operation_id}: spec has {method} {template}")
