"""The Xero stand-in as a pytest fixture, with helpers to call it directly.

``xero_standin`` yields a started ``XeroStandin`` (tests/xero_standin) and
stops it afterwards; the test then fails if the stand-in hit an error of its
own while serving (``internal_errors``), so a broken stand-in never passes
for a broken client. Offer it to a folder's tests by importing it in that
folder's ``conftest.py`` (or in the test module). ``XeroApi`` calls the
Accounting API by hand, for tests of the stand-in itself.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.xero_standin import FakeClock, XeroStandin

TIMEOUT = 10
REDIRECT_URI = "http://localhost:8765/callback"
SCOPES = "offline_access accounting.transactions accounting.contacts accounting.settings"


@pytest.fixture
def xero_standin() -> Iterator[XeroStandin]:
    """A started stand-in on the system clock."""
    yield from _running(XeroStandin())


@pytest.fixture
def xero_standin_fake_clock() -> Iterator[XeroStandin]:
    """A started stand-in whose ``clock`` is a FakeClock the test moves by hand."""
    yield from _running(XeroStandin(clock=FakeClock()))


def _running(standin: XeroStandin) -> Iterator[XeroStandin]:
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()
    assert not standin.internal_errors, "\n".join(standin.internal_errors)


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def validation_messages(answer: requests.Response) -> list[str]:
    """Every ValidationErrors message of Xero's 400 envelope."""
    body = answer.json()
    return [m["Message"] for e in body["Elements"] for m in e["ValidationErrors"]]


class XeroApi:
    """Calls /api.xro/2.0 directly as one organisation, for tests of the stand-in itself."""

    def __init__(self, standin: XeroStandin, org: int = 0, scope: str = SCOPES) -> None:
        self.standin = standin
        self.token = standin.issue_tokens(scope)["access_token"]
        self.tenant = standin.organisations[org].tenant_id
        self.session = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        sent = {
            "Authorization": f"Bearer {self.token}",
            "xero-tenant-id": self.tenant,
            "Accept": "application/json",
        }
        return self.session.request(
            method,
            f"{self.standin.api_url}/api.xro/2.0/{path}",
            json=body,
            params=params,
            headers=sent | (headers or {}),
            timeout=TIMEOUT,
        )

    def contact(self, name: str = "Thandi Mokoena", number: str = "P-001") -> str:
        answer = self.call(
            "PUT", "Contacts", {"Contacts": [{"Name": name, "ContactNumber": number}]}
        )
        assert answer.status_code == 200, answer.text
        contact_id: str = answer.json()["Contacts"][0]["ContactID"]
        return contact_id

    def invoice(
        self, contact_id: str, number: str, amount: float = 3450.0, **extra: Any
    ) -> dict[str, Any]:
        element = {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact_id},
            "InvoiceNumber": number,
            "Date": "2026-03-01",
            "DueDate": "2026-03-07",
            "Status": "AUTHORISED",
            "LineAmountTypes": "Inclusive",
            "LineItems": [
                {
                    "Description": "March fees",
                    "Quantity": 1,
                    "UnitAmount": amount,
                    "AccountCode": "200",
                }
            ],
        } | extra
        answer = self.call("PUT", "Invoices", {"Invoices": [element]})
        assert answer.status_code == 200, answer.text
        invoice: dict[str, Any] = answer.json()["Invoices"][0]
        return invoice

    def pay(self, invoice_id: str, amount: float, code: str = "090") -> requests.Response:
        payment: dict[str, Any] = {"Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": code}}
        payment |= {"Date": "2026-03-05", "Amount": amount}
        return self.call("PUT", "Payments", {"Payments": [payment]})
