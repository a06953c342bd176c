"""What a new South African organisation holds in the stand-in: tax rates and a chart.

Tax types are Xero's custom-rate codes (TAX001, ...), and differ between
organisations (the second uses TAX011, ...), so a client has to find a rate by
what it is (ReportTaxType, EffectiveRate, Status, CanApplyToRevenue), never by
a code it remembers. An archived 14% rate (South Africa's rate before April
2018) sits beside the active 15% one.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.xero_standin.store import Account, Books, Organisation, TaxRate

_RATES = (
    # name, ReportTaxType, rate, revenue, expenses, status
    ("Standard Rate Sales", "OUTPUT", "15", True, False, "ACTIVE"),
    ("Zero Rated Sales", "ZERORATEDOUTPUT", "0", True, False, "ACTIVE"),
    ("Exempt Sales", "EXEMPTOUTPUT", "0", True, False, "ACTIVE"),
    ("No VAT", "NONE", "0", True, True, "ACTIVE"),
    ("Standard Rate Purchases", "INPUT", "15", False, True, "ACTIVE"),
    ("Standard Rate Sales (14%)", "OUTPUT", "14", True, False, "ARCHIVED"),
)

_CHART: tuple[tuple[str, str, str, int, dict[str, Any]], ...] = (
    # code, name, type, tax rate (index in _RATES), extra
    ("090", "Business Bank Account", "BANK", 3, {"bank_account_number": "62001234567"}),
    ("200", "Sales", "REVENUE", 0, {}),
    ("260", "Other Revenue", "REVENUE", 0, {}),
    ("400", "Advertising", "EXPENSE", 4, {}),
    ("429", "General Expenses", "EXPENSE", 4, {}),
    ("610", "Accounts Receivable", "CURRENT", 3, {"system_account": "DEBTORS"}),
    ("800", "Accounts Payable", "CURRLIAB", 3, {"system_account": "CREDITORS"}),
    ("820", "VAT", "CURRLIAB", 3, {"system_account": "GST"}),
    ("970", "Owner A Funds Introduced", "EQUITY", 3, {"enable_payments": True}),
)


def new_organisation(name: str, index: int) -> Organisation:
    """An organisation with fresh identifiers."""
    return Organisation(
        tenant_id=str(uuid.uuid4()),
        name=name,
        connection_id=str(uuid.uuid4()),
        short_code=f"!za{index:03d}",
    )


def tax_code(index: int, position: int) -> str:
    """The TaxType code of the ``position``-th seeded rate of the ``index``-th organisation."""
    return f"TAX{index * 10 + position + 1:03d}"


def seeded_books(organisation: Organisation, index: int, now: float) -> Books:
    """Books with the South African tax rates and a small chart of accounts."""
    books = Books(organisation)
    for position, (name, report, rate, revenue, expenses, status) in enumerate(_RATES):
        code = tax_code(index, position)
        books.tax_rates[code] = TaxRate(
            code, name, report, Decimal(rate), revenue=revenue, expenses=expenses, status=status
        )
    for code, name, kind, rate_position, extra in _CHART:
        account = Account(
            account_id=str(uuid.uuid4()),
            code=code,
            name=name,
            type=kind,
            tax_type=tax_code(index, rate_position),
            updated=now,
            **extra,
        )
        books.accounts[account.account_id] = account
    books.commit()
    return books
