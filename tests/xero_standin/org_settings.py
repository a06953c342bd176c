"""Tax rates, accounts and the organisation, as Xero returns them."""

from __future__ import annotations

from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.store import Account, Organisation, TaxRate


def render_tax_rate(rate: TaxRate) -> dict[str, Any]:
    """A tax rate as GET /TaxRates returns it."""
    return {
        "Name": rate.name,
        "TaxType": rate.tax_type,
        "ReportTaxType": rate.report_tax_type,
        "CanApplyToAssets": rate.report_tax_type == "NONE",
        "CanApplyToEquity": rate.report_tax_type == "NONE",
        "CanApplyToExpenses": rate.expenses,
        "CanApplyToLiabilities": rate.report_tax_type == "NONE",
        "CanApplyToRevenue": rate.revenue,
        "DisplayTaxRate": wire.rate(rate.rate),
        "EffectiveRate": wire.rate(rate.rate),
        "Status": rate.status,
        "TaxComponents": [
            {
                "Name": "VAT",
                "Rate": wire.rate(rate.rate),
                "IsCompound": False,
                "IsNonRecoverable": False,
            }
        ],
    }


def render_account(account: Account) -> dict[str, Any]:
    """An account as GET /Accounts returns it."""
    rendered: dict[str, Any] = {
        "AccountID": account.account_id,
        "Code": account.code,
        "Name": account.name,
        "Status": account.status,
        "Type": account.type,
        "TaxType": account.tax_type,
        "Class": account.account_class,
        "EnablePaymentsToAccount": account.enable_payments,
        "ShowInExpenseClaims": False,
        "BankAccountType": "BANK" if account.type == "BANK" else "",
        "ReportingCode": account.account_class[:3],
        "HasAttachments": False,
        "UpdatedDateUTC": wire.ms_timestamp(account.updated),
        "AddToWatchlist": False,
    }
    if account.type == "BANK":
        rendered |= {"BankAccountNumber": account.bank_account_number, "CurrencyCode": "ZAR"}
    if account.system_account:
        rendered["SystemAccount"] = account.system_account
    return rendered


def render_organisation(organisation: Organisation, created: float) -> dict[str, Any]:
    """The organisation as GET /Organisation returns it: a VAT-registered South African company."""
    return {
        "OrganisationID": organisation.tenant_id,
        "APIKey": "",
        "Name": organisation.name,
        "LegalName": organisation.name,
        "PaysTax": True,
        "Version": "GLOBAL",
        "OrganisationType": "COMPANY",
        "BaseCurrency": "ZAR",
        "CountryCode": "ZA",
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "TaxNumber": organisation.tax_number,
        "FinancialYearEndDay": 28,
        "FinancialYearEndMonth": 2,
        "SalesTaxBasis": "INVOICE",
        "SalesTaxPeriod": "TWOMONTHS",
        "DefaultSalesTax": "Tax Inclusive",
        "DefaultPurchasesTax": "Tax Inclusive",
        "CreatedDateUTC": wire.ms_timestamp(created),
        "OrganisationEntityType": "COMPANY",
        "Timezone": "SOUTHAFRICASTANDARDTIME",
        "ShortCode": organisation.short_code,
        "Edition": "BUSINESS",
        "Class": "STANDARD",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }
