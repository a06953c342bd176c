"""What the book sends to Xero: bodies, exact amounts, codes chosen by meaning (issue 15)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.invoice_values import InvoiceLineValue, InvoiceValue, Recipient
from crechebooks_desktop.domain.roster import HouseholdDetails
from crechebooks_desktop.domain.xero import (
    LineAmountTypes,
    MappingProblem,
    XeroAccount,
    XeroTaxRate,
    choose_account,
    choose_bank_account,
    choose_tax_types,
    contact_body,
    element_results,
    invoice_body,
    money,
)
from crechebooks_desktop.integrations.xero.wire import to_json

RATES = [
    XeroTaxRate("TAX003", "Standard Rate Sales (15%)", Decimal(15), "OUTPUT", True, True),
    XeroTaxRate("TAX004", "Standard Rate Purchases (15%)", Decimal(15), "INPUT", False, True),
    XeroTaxRate("TAX007", "Exempt Sales", Decimal(0), "EXEMPTOUTPUT", True, True),
    XeroTaxRate("TAX009", "Zero Rated Sales", Decimal(0), "ZERORATEDOUTPUT", True, True),
    XeroTaxRate("OLD15", "Old standard (14%)", Decimal(14), "OUTPUT", True, False),
]
CHART = [
    XeroAccount("090", "Business Bank Account", "BANK", True),
    XeroAccount("200", "Sales", "REVENUE", True),
    XeroAccount("260", "Other Revenue", "REVENUE", True),
    XeroAccount("4000", "School fees", "REVENUE", True),
    XeroAccount("970", "Owner's funds", "EQUITY", True, enable_payments=True),
]


def _recipient() -> Recipient:
    return Recipient(7, "DLAMINI01", "Mrs Nomsa Dlamini", None, None, None, None)


def _invoice(*lines: InvoiceLineValue) -> InvoiceValue:
    total = sum(line.gross_cents for line in lines)
    return InvoiceValue(
        id=1,
        number="INV-2026-000001",
        recipient=_recipient(),
        child_id=3,
        child_ref="DLAMINI01-1",
        child_name="Lwazi Dlamini",
        billing_month=dt.date(2026, 12, 1),
        kind=InvoiceKind.MONTHLY,
        status=InvoiceStatus.SENT,
        issue_date=dt.date(2026, 12, 1),
        due_date=dt.date(2026, 12, 7),
        subtotal_cents=sum(line.net_cents for line in lines),
        vat_cents=sum(line.vat_cents for line in lines),
        total_cents=total,
        amount_paid_cents=0,
        balance_due_cents=total,
        void_reason=None,
        lines=lines,
    )


def _line(
    line_type: LineType, quantity: str, gross: int, vat: int, treatment: VatTreatment
) -> InvoiceLineValue:
    return InvoiceLineValue(
        1, line_type, line_type.value.title(), Decimal(quantity), gross, gross - vat, vat, gross,
        treatment,
    )  # fmt: skip


def test_tax_types_are_chosen_by_rate_and_meaning_never_by_code() -> None:
    chosen, problems = choose_tax_types(RATES, Decimal(15), {})
    assert problems == []
    assert chosen == {VatTreatment.STANDARD: "TAX003", VatTreatment.EXEMPT: "TAX007"}


def test_two_rates_that_fit_must_be_mapped_and_the_mapping_wins() -> None:
    twin = XeroTaxRate("TAX099", "Standard Rate Sales II", Decimal(15), "OUTPUT", True, True)
    chosen, problems = choose_tax_types([*RATES, twin], Decimal(15), {})
    assert [p.ours for p in problems] == ["STANDARD"]
    assert "TAX003, TAX099" in problems[0].message
    assert "xero map --tax STANDARD" in problems[0].message
    chosen, problems = choose_tax_types([*RATES, twin], Decimal(15), {"STANDARD": "TAX099"})
    assert problems == []
    assert chosen[VatTreatment.STANDARD] == "TAX099"


def test_a_mapped_tax_type_xero_lacks_is_a_problem() -> None:
    _chosen, problems = choose_tax_types(RATES, Decimal(15), {"EXEMPT": "GONE"})
    assert [(p.kind, p.ours) for p in problems] == [("tax", "EXEMPT")]


def test_accounts_same_code_then_name_then_the_only_one_else_a_mapping() -> None:
    assert choose_account("4000", "School fees", CHART, {}) == "4000"
    assert choose_account("4010", "Sales", CHART, {}) == "200"  # same name
    problem = choose_account("4020", "Extra-murals", CHART, {})
    assert isinstance(problem, MappingProblem)
    assert "xero map --account 4020" in problem.message
    assert choose_account("4020", "Extra-murals", CHART, {"4020": "260"}) == "260"
    only = [CHART[0], CHART[1]]
    assert choose_account("4020", "Extra-murals", only, {}) == "200"


def test_the_only_bank_account_is_the_default_and_two_need_a_mapping() -> None:
    assert choose_bank_account("*", CHART, {}) == "090"
    two = [*CHART, XeroAccount("091", "Savings", "BANK", True)]
    assert isinstance(choose_bank_account("FNB Cheque", two, {}), MappingProblem)
    assert choose_bank_account("FNB Cheque", two, {"FNB Cheque": "091"}) == "091"
    assert choose_bank_account("FNB Cheque", two, {"*": "090"}) == "090"
    assert choose_bank_account("FNB Cheque", two, {"*": "970"}) == "970"  # takes payments
    assert isinstance(choose_bank_account("FNB Cheque", two, {"*": "200"}), MappingProblem)


def test_a_household_becomes_a_contact_numbered_with_its_reference() -> None:
    details = HouseholdDetails(
        "DLAMINI01", "Nomsa Dlamini", None, "nomsa@example.test", "082 555 0101",
        "12 Oak Street, Parkview, Johannesburg, Gauteng, 2193",
    )  # fmt: skip
    body = contact_body(details, None)
    assert body["ContactNumber"] == "DLAMINI01"
    assert body["FirstName"] == "Nomsa"
    assert body["LastName"] == "Dlamini"
    assert body["EmailAddress"] == "nomsa@example.test"
    assert body["Phones"] == [{"PhoneType": "MOBILE", "PhoneNumber": "082 555 0101"}]
    address = body["Addresses"][0]
    assert address["AddressLine1"] == "12 Oak Street"
    assert address["AddressLine4"] == "Gauteng, 2193"
    assert "ContactID" not in body
    assert contact_body(details, "abc")["ContactID"] == "abc"


def test_an_invoice_keeps_our_number_amounts_and_codes() -> None:
    fee = _line(LineType.MONTHLY_FEE, "1", 485_000, 0, VatTreatment.EXEMPT)
    books = _line(LineType.BOOKS, "3", 34_500, 4_500, VatTreatment.STANDARD)
    invoice = _invoice(fee, books)
    codes = dict.fromkeys(LineType, "200")
    taxes = {VatTreatment.STANDARD: "TAX003", VatTreatment.EXEMPT: "TAX007"}
    body = invoice_body(invoice, "contact-1", None, LineAmountTypes.INCLUSIVE, taxes, codes)
    assert body["InvoiceNumber"] == "INV-2026-000001"
    assert body["Type"] == "ACCREC"
    assert body["Status"] == "AUTHORISED"
    assert body["Contact"] == {"ContactID": "contact-1"}
    assert body["LineAmountTypes"] == "Inclusive"
    first, second = body["LineItems"]
    assert (first["LineAmount"], first["TaxType"]) == (Decimal("4850.00"), "TAX007")
    assert (second["Quantity"], second["UnitAmount"]) == (Decimal(3), Decimal("115.00"))
    assert second["LineAmount"] == Decimal("345.00")
    assert second["TaxType"] == "TAX003"
    exclusive = invoice_body(invoice, "c", "x", LineAmountTypes.EXCLUSIVE, taxes, codes)
    assert exclusive["LineItems"][1]["LineAmount"] == Decimal("300.00")  # net
    assert exclusive["InvoiceID"] == "x"
    no_tax = invoice_body(invoice, "c", None, LineAmountTypes.NO_TAX, {}, codes)
    assert all("TaxType" not in line for line in no_tax["LineItems"])


def test_a_quantity_that_does_not_divide_the_amount_is_sent_as_one() -> None:
    odd = _line(LineType.AD_HOC, "3", 10_000, 0, VatTreatment.EXEMPT)
    body = invoice_body(
        _invoice(odd), "c", None, LineAmountTypes.NO_TAX, {}, dict.fromkeys(LineType, "200")
    )
    line = body["LineItems"][0]
    assert (line["Quantity"], line["UnitAmount"], line["LineAmount"]) == (
        Decimal(1), Decimal("100.00"), Decimal("100.00"),
    )  # fmt: skip


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_amounts_go_over_the_wire_exactly(cents: int) -> None:
    text = to_json({"Amount": money(cents), "Name": "0.1"}).decode()
    parsed = json.loads(text, parse_float=Decimal)
    assert parsed["Amount"] == Decimal(cents) / 100
    assert parsed["Name"] == "0.1"
    assert int(parsed["Amount"] * 100) == cents


def test_element_results_take_ids_and_xeros_own_messages() -> None:
    answer = {
        "Invoices": [
            {"InvoiceID": "id-1", "StatusAttributeString": "OK"},
            {
                "InvoiceID": "00000000-0000-0000-0000-000000000000",
                "HasErrors": True,
                "StatusAttributeString": "ERROR",
                "ValidationErrors": [{"Message": "Account code '999' is not a valid code"}],
            },
        ]
    }
    ok, refused = element_results("Invoices", answer)
    assert ok.ok
    assert ok.xero_id == "id-1"
    assert not refused.ok
    assert refused.xero_id is None
    assert refused.errors == ("Account code '999' is not a valid code",)


def test_batches_hold_fifty_and_keep_one_payments_allocations_together() -> None:
    from crechebooks_desktop.integrations.xero.sync import _batches
    from crechebooks_desktop.services.sync.xero_work import Element

    contacts = [Element("household", n, {}, ()) for n in range(120)]
    assert [len(b) for b in _batches(contacts)] == [50, 50, 20]
    one = [Element("allocation", n, {}, ((n // 3, "k"),)) for n in range(54)]
    sizes = [len(b) for b in _batches(one)]
    assert sizes == [51, 3]  # the 17th payment's three allocations stay in one request
