"""Where Xero is: configurable for tests and for Xero's own changes."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["SCOPES", "Endpoints", "endpoints"]

SCOPES = (
    "openid",
    "profile",
    "email",
    "offline_access",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.settings.read",
)
"""What the book asks for: contacts, invoices and payments to write, settings (tax
rates, accounts) to read, and ``offline_access`` for a refresh token. These are
the granular scopes every Xero app made since March 2026 must use (the older
``accounting.transactions`` is refused to them)."""

TIMEOUT = (10.0, 60.0)
"""(connect, read) seconds for every request to Xero."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Xero's three hosts."""

    login: str
    identity: str
    api: str

    @property
    def authorize(self) -> str:
        """Where the browser signs in and consents."""
        return f"{self.login}/identity/connect/authorize"

    @property
    def token(self) -> str:
        """Where codes and refresh tokens become tokens."""
        return f"{self.identity}/connect/token"

    @property
    def revocation(self) -> str:
        """Where a refresh token is revoked."""
        return f"{self.identity}/connect/revocation"

    @property
    def connections(self) -> str:
        """The organisations the person let the app reach."""
        return f"{self.api}/connections"

    @property
    def accounting(self) -> str:
        """The accounting API's root."""
        return f"{self.api}/api.xro/2.0"


def endpoints() -> Endpoints:
    """Xero's hosts, from ``CRECHEBOOKS_XERO_*_URL`` where set."""
    return Endpoints(
        login=_url("CRECHEBOOKS_XERO_LOGIN_URL", "https://login.xero.com"),
        identity=_url("CRECHEBOOKS_XERO_IDENTITY_URL", "https://identity.xero.com"),
        api=_url("CRECHEBOOKS_XERO_API_URL", "https://api.xero.com"),
    )


def _url(name: str, default: str) -> str:
    return (os.environ.get(name) or default).rstrip("/")
