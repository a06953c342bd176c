"""What the book sends to Xero, as Xero's accounting API spells it (issue 15).

Pure values and functions: a household becomes a Contact, a sent invoice an
ACCREC Invoice, a payment's allocation to an invoice a Payment. Amounts are
integer cents here and become exact decimals (``Decimal``) in the bodies; a
float never carries money. Tax types and account codes are never hard-coded:
they are chosen from the organisation's own tax rates and chart, by meaning
(:func:`choose_tax_types`, :func:`choose_account`), or from a mapping the
person set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crechebooks_desktop.domain.enums import LineType, VatTreatment
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.roster import HouseholdDetails

__all__ = [
    "BATCH_SIZE",
    "ElementResult",
    "LineAmountTypes",
    "MappingProblem",
    "PaymentToSend",
    "XeroAccount",
    "XeroTaxRate",
    "choose_account",
    "choose_bank_account",
    "choose_tax_types",
    "contact_body",
    "digest",
    "element_results",
    "income_account_code",
    "invoice_body",
    "line_amount_types",
    "money",
    "payment_body",
    "void_body",
]

BATCH_SIZE = 50
"""Elements per call: Xero's advice for batched Contacts, Invoices and Payments."""


class LineAmountTypes:
    """How an invoice's line amounts are meant: with VAT in them, without, or no VAT."""

    INCLUSIVE = "Inclusive"
    EXCLUSIVE = "Exclusive"
    NO_TAX = "NoTax"


def line_amount_types(vat_registered: bool, prices_include_vat: bool) -> str:
    """The creche's setting as Xero's ``LineAmountTypes``."""
    if not vat_registered:
        return LineAmountTypes.NO_TAX
    return LineAmountTypes.INCLUSIVE if prices_include_vat else LineAmountTypes.EXCLUSIVE


def money(cents: int) -> Decimal:
    """Cents as an exact two-place decimal (what Xero's amount fields take)."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


# Which of the default chart's income accounts each kind of invoice line earns.
_INCOME_CODES: Mapping[LineType, str] = {
    LineType.REGISTRATION: "4010",
    LineType.RE_REGISTRATION: "4010",
    LineType.EXTRA_MURAL: "4020",
    LineType.SCHOOL_TRIP: "4020",
    LineType.MEALS: "4030",
    LineType.TRANSPORT: "4040",
    LineType.BOOKS: "4050",
    LineType.STATIONERY: "4050",
    LineType.UNIFORM: "4050",
}
_FEES_CODE = "4000"


def income_account_code(line_type: LineType) -> str:
    """The book's own income account for a kind of invoice line (school fees by default)."""
    return _INCOME_CODES.get(line_type, _FEES_CODE)


@dataclass(frozen=True, slots=True)
class XeroTaxRate:
    """One of the organisation's tax rates (``GET /TaxRates``), as far as choosing needs."""

    tax_type: str
    name: str
    rate: Decimal
    report_tax_type: str | None
    can_apply_to_revenue: bool
    active: bool


@dataclass(frozen=True, slots=True)
class XeroAccount:
    """One account of the organisation's chart (``GET /Accounts``)."""

    code: str
    name: str
    type: str
    active: bool
    enable_payments: bool = False

    @property
    def is_bank(self) -> bool:
        """A bank account, or one that takes payments."""
        return self.type == "BANK" or self.enable_payments

    @property
    def is_revenue(self) -> bool:
        """An income account an invoice line can go to."""
        return self.type in {"REVENUE", "SALES", "OTHERINCOME"}


@dataclass(frozen=True, slots=True)
class MappingProblem:
    """Something that must be mapped before the first sync, in words."""

    kind: str
    ours: str
    message: str


_OUTPUT_REPORT_TYPES = {
    VatTreatment.STANDARD: {"OUTPUT", "SALESOUTPUT"},
    VatTreatment.EXEMPT: {"EXEMPTOUTPUT"},
}
_NAME_WORDS = {VatTreatment.STANDARD: "standard", VatTreatment.EXEMPT: "exempt"}


def choose_tax_types(
    rates: Sequence[XeroTaxRate],
    standard_rate: Decimal,
    mapped: Mapping[str, str],
) -> tuple[dict[VatTreatment, str], list[MappingProblem]]:
    """Each VAT treatment's tax type in the organisation, chosen by meaning.

    A mapping the person set wins. Otherwise the one active revenue rate whose
    reporting type means the treatment (output tax at the standard rate;
    exempt output at 0%) is taken; when the reporting types say nothing, a
    single rate whose name says "standard"/"exempt" at the right rate is.
    None, or more than one, is a problem to map.

    Args:
        rates: the organisation's tax rates.
        standard_rate: the VAT rate in percent (15).
        mapped: treatment name -> tax type the person chose.
    """
    chosen: dict[VatTreatment, str] = {}
    problems: list[MappingProblem] = []
    known = {rate.tax_type for rate in rates}
    for treatment in VatTreatment:
        own = mapped.get(treatment.value)
        if own is not None:
            if own in known:
                chosen[treatment] = own
            else:
                problems.append(
                    MappingProblem(
                        "tax",
                        treatment.value,
                        f"the tax type {own} mapped for {treatment.value} is not in Xero",
                    )
                )
            continue
        want = standard_rate if treatment is VatTreatment.STANDARD else Decimal(0)
        usable = [r for r in rates if r.active and r.can_apply_to_revenue and r.rate == want]
        fits = [r for r in usable if r.report_tax_type in _OUTPUT_REPORT_TYPES[treatment]]
        if not fits:
            fits = [r for r in usable if _NAME_WORDS[treatment] in r.name.lower()]
        if len(fits) == 1:
            chosen[treatment] = fits[0].tax_type
            continue
        found = ", ".join(sorted(r.tax_type for r in fits)) or "none"
        problems.append(
            MappingProblem(
                "tax",
                treatment.value,
                f"choose Xero's tax type for {treatment.value} lines "
                f"(`xero map --tax {treatment.value} --to TYPE`); candidates: {found}",
            )
        )
    return chosen, problems


def choose_account(
    ours_code: str, ours_name: str, chart: Sequence[XeroAccount], mapped: Mapping[str, str]
) -> str | MappingProblem:
    """The Xero account code an income account of ours goes to.

    The person's mapping (of this account, else of every income account,
    ``*``); else the same code in Xero's chart; else the one revenue account
    with the same name; else Xero's only revenue account.
    """
    active = {a.code: a for a in chart if a.active}
    own = mapped.get(ours_code) or mapped.get("*")
    if own is not None:
        if own in active:
            return own
        return MappingProblem(
            "account", ours_code, f"account {own} mapped for {ours_code} is not in Xero"
        )
    same = active.get(ours_code)
    if same is not None and same.is_revenue:
        return same.code
    revenue = [a for a in active.values() if a.is_revenue]
    named = [a for a in revenue if a.name.casefold() == ours_name.casefold()]
    if len(named) == 1:
        return named[0].code
    if len(revenue) == 1:
        return revenue[0].code
    return MappingProblem(
        "account",
        ours_code,
        f"choose the Xero account for {ours_code} {ours_name} "
        f"(`xero map --account {ours_code} --to CODE`, or `--account '*'` for all income)",
    )


def choose_bank_account(
    ours: str, chart: Sequence[XeroAccount], mapped: Mapping[str, str]
) -> str | MappingProblem:
    """The Xero bank account payments into one of our bank accounts are recorded on.

    The person's mapping, else the organisation's only bank account.
    """
    payable = {a.code for a in chart if a.active and a.is_bank}
    own = mapped.get(ours) or mapped.get("*")
    if own is not None:
        if own in payable:
            return own
        return MappingProblem(
            "bank_account", ours, f"account {own} mapped for {ours} is not a bank account in Xero"
        )
    # Only a real bank account is a default; one that merely takes payments must be chosen.
    banks = [a.code for a in chart if a.active and a.type == "BANK"]
    if len(banks) == 1:
        return banks[0]
    return MappingProblem(
        "bank_account",
        ours,
        f"choose the Xero bank account for payments into {ours} "
        f"(`xero map --bank-account {ours!r} --to CODE`)",
    )


def contact_body(details: HouseholdDetails, contact_id: str | None) -> dict[str, Any]:
    """A household as a Contact (ContactNumber = the household reference)."""
    body: dict[str, Any] = {
        "ContactNumber": details.account_ref,
        "Name": f"{details.parent_name} ({details.account_ref})",
        "IsCustomer": True,
    }
    if contact_id:
        body["ContactID"] = contact_id
    first, _, last = details.parent_name.strip().rpartition(" ")
    if first:
        body["FirstName"] = first
        body["LastName"] = last
    if details.email:
        body["EmailAddress"] = details.email
    if details.phone:
        body["Phones"] = [{"PhoneType": "MOBILE", "PhoneNumber": details.phone}]
    if details.address:
        lines = [part.strip() for part in details.address.replace(",", "\n").splitlines()]
        lines = [line for line in lines if line]
        address: dict[str, Any] = {"AddressType": "POBOX"}
        # Xero has four address lines: the rest go on the last one.
        kept = [*lines[:3], ", ".join(lines[3:])] if lines[3:] else lines
        for n, line in enumerate(kept, start=1):
            address[f"AddressLine{n}"] = line
        body["Addresses"] = [address]
    return body


def invoice_body(
    invoice: InvoiceValue,
    contact_id: str,
    invoice_id: str | None,
    amount_types: str,
    tax_types: Mapping[VatTreatment, str],
    account_codes: Mapping[LineType, str],
) -> dict[str, Any]:
    """A sent invoice as an AUTHORISED ACCREC Invoice with our number.

    Each line's amount is the book's own (gross where prices include VAT, net
    where they do not), so Xero's totals are the book's; a quantity that does
    not divide the amount exactly is sent as one of the whole amount.
    """
    lines = []
    for line in invoice.lines:
        cents = line.gross_cents if amount_types != LineAmountTypes.EXCLUSIVE else line.net_cents
        quantity = line.quantity
        unit = Decimal(cents) / 100 / quantity if quantity else Decimal(0)
        if quantity <= 0 or unit != unit.quantize(Decimal("0.0001")):
            quantity, unit = Decimal(1), money(cents)
        item: dict[str, Any] = {
            "Description": line.description,
            "Quantity": quantity.normalize() if quantity == quantity.to_integral() else quantity,
            "UnitAmount": unit.quantize(Decimal("0.01"))
            if unit == unit.quantize(Decimal("0.01"))
            else unit.quantize(Decimal("0.0001")),
            "LineAmount": money(cents),
            "AccountCode": account_codes[line.line_type],
        }
        if amount_types != LineAmountTypes.NO_TAX:
            item["TaxType"] = tax_types[line.vat_treatment]
        lines.append(item)
    body: dict[str, Any] = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "InvoiceNumber": invoice.number,
        "Reference": invoice.child_name or invoice.household_ref,
        "Date": invoice.issue_date.isoformat(),
        "DueDate": invoice.due_date.isoformat(),
        "LineAmountTypes": amount_types,
        "Status": "AUTHORISED",
        "LineItems": lines,
    }
    if invoice_id:
        body["InvoiceID"] = invoice_id
    return body


def void_body(invoice_id: str) -> dict[str, Any]:
    """An invoice voided in Xero."""
    return {"InvoiceID": invoice_id, "Status": "VOIDED"}


@dataclass(frozen=True, slots=True)
class PaymentToSend:
    """One allocation of a payment to an invoice: one Payment in Xero."""

    allocation_id: int
    invoice_number: str
    amount_cents: int
    payment_date: dt.date
    reference: str | None
    bank_account: str


def payment_body(payment: PaymentToSend, invoice_id: str, account_code: str) -> dict[str, Any]:
    """A Payment against the invoice, on the mapped bank account."""
    body: dict[str, Any] = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": account_code},
        "Date": payment.payment_date.isoformat(),
        "Amount": money(payment.amount_cents),
    }
    if payment.reference:
        body["Reference"] = payment.reference
    return body


def digest(body: Mapping[str, Any]) -> str:
    """A body's SHA-256 over its canonical JSON (what was sent, to skip sending it again)."""
    text = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ElementResult:
    """Xero's answer for one element of a batch: its id, or its refusal."""

    xero_id: str | None
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Saved by Xero."""
        return not self.errors and self.xero_id is not None


_ID_FIELDS = {
    "Contacts": "ContactID",
    "Invoices": "InvoiceID",
    "Payments": "PaymentID",
    "BankTransactions": "OverpaymentID",
    "CreditNotes": "CreditNoteID",
    "Allocations": "AllocationID",
}
"""The id each collection's answer carries (a bank transaction: its overpayment's)."""


def element_results(collection: str, answer: Mapping[str, Any]) -> list[ElementResult]:
    """Per-element results of a ``summarizeErrors=false`` answer, in request order."""
    found = []
    for element in answer.get(collection) or []:
        messages = tuple(
            str(error.get("Message", "")).strip()
            for error in element.get("ValidationErrors") or []
            if isinstance(error, Mapping)
        )
        failed = element.get("HasErrors") or element.get("StatusAttributeString") == "ERROR"
        if failed and not messages:
            messages = ("Xero refused it without saying why",)
        xero_id = element.get(_ID_FIELDS[collection])
        if collection == "Allocations" and not xero_id:
            # An allocation's answer may carry no id of its own: its overpayment's stands in.
            xero_id = (element.get("Overpayment") or {}).get("OverpaymentID")
        saved = str(xero_id) if xero_id and not messages else None
        found.append(ElementResult(saved, messages))
    return found
