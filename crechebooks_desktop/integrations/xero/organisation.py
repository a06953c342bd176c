"""The organisation's chart of accounts and tax rates, as the sync and the mappings read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crechebooks_desktop.domain.xero import XeroAccount, XeroTaxRate
from crechebooks_desktop.integrations.xero.api import XeroApi

__all__ = ["account_of", "read_accounts", "read_tax_rates", "tax_rate_of"]


def read_tax_rates(api: XeroApi) -> list[XeroTaxRate]:
    """``GET /TaxRates``."""
    return [tax_rate_of(raw) for raw in api.get("TaxRates").get("TaxRates") or []]


def read_accounts(api: XeroApi) -> list[XeroAccount]:
    """``GET /Accounts``."""
    return [account_of(raw) for raw in api.get("Accounts").get("Accounts") or []]


def tax_rate_of(raw: dict[str, Any]) -> XeroTaxRate:
    """A TaxRate element (its rate as an exact decimal, from the number's text)."""
    return XeroTaxRate(
        tax_type=str(raw.get("TaxType", "")),
        name=str(raw.get("Name", "")),
        rate=Decimal(str(raw.get("EffectiveRate", raw.get("DisplayTaxRate", 0)))),
        report_tax_type=raw.get("ReportTaxType"),
        can_apply_to_revenue=bool(raw.get("CanApplyToRevenue", True)),
        active=raw.get("Status", "ACTIVE") == "ACTIVE",
    )


def account_of(raw: dict[str, Any]) -> XeroAccount:
    """An Account element."""
    return XeroAccount(
        code=str(raw.get("Code", "")),
        name=str(raw.get("Name", "")),
        type=str(raw.get("Type", "")),
        active=raw.get("Status", "ACTIVE") == "ACTIVE",
        enable_payments=bool(raw.get("EnablePaymentsToAccount", False)),
    )
