"""The Xero stand-in's books: seeded data, totals, contacts, payments, credit notes, batches."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests import xero_fixtures
from tests.xero_fixtures import XeroApi, validation_messages
from tests.xero_standin import FakeClock, XeroStandin

# The fixtures under test, offered to this module.
xero_standin = xero_fixtures.xero_standin
xero_standin_fake_clock = xero_fixtures.xero_standin_fake_clock


# ------------------------------------------------------------------------ the books


def test_seeded_tax_rates_differ_by_organisation_and_look_south_african(
    xero_standin: XeroStandin,
) -> None:
    first = XeroApi(xero_standin, org=0).call("GET", "TaxRates").json()["TaxRates"]
    second = XeroApi(xero_standin, org=1).call("GET", "TaxRates").json()["TaxRates"]
    standard = [r for r in first if r["ReportTaxType"] == "OUTPUT" and r["Status"] == "ACTIVE"]
    assert [(r["EffectiveRate"], r["CanApplyToRevenue"]) for r in standard] == [(15, True)]
    assert {r["TaxType"] for r in first}.isdisjoint({r["TaxType"] for r in second})
    accounts = XeroApi(xero_standin).call("GET", "Accounts").json()["Accounts"]
    banks = [(a["Code"], a["Name"]) for a in accounts if a["Type"] == "BANK"]
    assert banks == [("090", "Business Bank Account")]


def test_totals_are_worked_per_line_in_cents_half_to_even(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    inclusive = api.invoice(contact_id, "INV-1", 3450.0)
    assert (inclusive["SubTotal"], inclusive["TotalTax"], inclusive["Total"]) == (3000, 450, 3450)
    # 0.30 at 15% is 4.5 cents of tax, twice: half to even gives 4 each (half up would give 5).
    lines = [{"Description": f"Snack {n}", "UnitAmount": 0.3, "AccountCode": "200"} for n in (1, 2)]
    exclusive = api.invoice(contact_id, "INV-2", LineAmountTypes="Exclusive", LineItems=lines)
    assert [line["TaxAmount"] for line in exclusive["LineItems"]] == [0.04, 0.04]
    assert (exclusive["SubTotal"], exclusive["TotalTax"], exclusive["Total"]) == (0.6, 0.08, 0.68)
    stored = xero_standin.books(api.tenant).invoice_by_number("ACCREC", "INV-2")
    assert stored is not None
    assert (stored.total_cents, stored.due_cents) == (68, 68)


def test_money_is_written_with_two_decimals(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    api.invoice(api.contact(), "INV-1", 40.0)
    text = api.call("GET", "Invoices").text
    assert '"Total":40.00' in text
    assert '"Quantity":1.0000' in text


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ({"AccountCode": "999"}, "Account code '999' is not a valid code for this document."),
        ({"TaxType": "OUTPUT"}, "The TaxType code 'OUTPUT' does not exist"),
        ({"TaxType": "TAX006"}, "The TaxType code 'TAX006' is ARCHIVED"),
        (
            {"TaxType": "TAX005"},
            "The TaxType code 'TAX005' cannot be used with account code '200'.",
        ),
        ({"AccountCode": "090"}, "is a bank account"),
        ({"UnitAmount": 1.005}, "UnitAmount 1.005 has more than 2 decimal places"),
        ({"LineAmount": 99}, "LineAmount 99 is not Quantity x UnitAmount"),
    ],
)
def test_bad_lines_are_refused(
    xero_standin: XeroStandin, line: dict[str, Any], complaint: str
) -> None:
    api = XeroApi(xero_standin)
    element = {
        "Type": "ACCREC",
        "Contact": {"ContactID": api.contact()},
        "DueDate": "2026-03-07",
        "Status": "AUTHORISED",
        "LineItems": [{"Description": "Fees", "UnitAmount": 10, "AccountCode": "200"} | line],
    }
    answer = api.call("PUT", "Invoices", {"Invoices": [element]})
    assert answer.status_code == 400
    assert any(complaint in message for message in validation_messages(answer)), (
        validation_messages(answer)
    )


def test_unknown_contact_and_duplicate_invoice_number_are_refused(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    api.invoice(contact_id, "INV-7")
    duplicate = api.call(
        "PUT",
        "Invoices",
        {
            "Invoices": [
                {"Type": "ACCREC", "InvoiceNumber": "INV-7", "Contact": {"ContactID": contact_id}}
            ]
        },
    )
    assert validation_messages(duplicate) == ["Invoice # must be unique."]
    stranger = {"Type": "ACCREC", "Contact": {"ContactID": "11111111-1111-1111-1111-111111111111"}}
    unknown = api.call("PUT", "Invoices", {"Invoices": [stranger]})
    assert "No contact with ContactID 11111111" in validation_messages(unknown)[0]


def test_contacts_update_by_contact_number_instead_of_duplicating(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    first = api.contact("Thandi Mokoena", "P-001")
    again = api.call(
        "POST", "Contacts", {"Contacts": [{"ContactNumber": "P-001", "Name": "Thandi M."}]}
    )
    assert again.json()["Contacts"][0]["ContactID"] == first
    twice = api.call("PUT", "Contacts", {"Contacts": [{"ContactNumber": "P-001", "Name": "Other"}]})
    assert twice.status_code == 400
    books = xero_standin.books(api.tenant)
    assert [c.name for c in books.contacts.values() if c.contact_number == "P-001"] == ["Thandi M."]


def test_payments_settle_and_deleting_reopens(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    invoice = api.invoice(api.contact(), "INV-1", 100.0)
    assert validation_messages(api.pay(invoice["InvoiceID"], 100.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    assert (
        "cannot take payments"
        in validation_messages(api.pay(invoice["InvoiceID"], 10, code="200"))[0]
    )
    part = api.pay(invoice["InvoiceID"], 40).json()["Payments"][0]
    rest = api.pay(invoice["InvoiceID"], 60).json()["Payments"][0]
    assert rest["Invoice"]["Status"] == "PAID"
    void = api.call(
        "POST", f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]}
    )
    assert "cannot be voided" in validation_messages(void)[0]
    deleted = api.call("POST", f"Payments/{rest['PaymentID']}", {"Status": "DELETED"})
    assert deleted.json()["Payments"][0]["Status"] == "DELETED"
    wrapped = api.call(
        "POST", f"Payments/{part['PaymentID']}", {"Payments": [{"Status": "DELETED"}]}
    )
    assert wrapped.status_code == 200
    reopened = api.call("GET", f"Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]
    assert (reopened["Status"], reopened["AmountPaid"], reopened["AmountDue"]) == (
        "AUTHORISED",
        0,
        100,
    )
    voided = api.call(
        "POST", f"Invoices/{invoice['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]}
    )
    assert voided.json()["Invoices"][0]["Status"] == "VOIDED"


def test_draft_invoice_takes_no_payment(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    draft = api.invoice(api.contact(), "INV-1", Status="DRAFT")
    assert validation_messages(api.pay(draft["InvoiceID"], 1)) == [
        "Invoice not of valid status for creation of a payment"
    ]


def test_credit_note_allocation_reduces_amount_due(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    invoice = api.invoice(contact_id, "INV-1", 500.0)
    note = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": contact_id},
        "Status": "AUTHORISED",
        "LineAmountTypes": "Inclusive",
        "LineItems": [{"Description": "Sibling discount", "UnitAmount": 200, "AccountCode": "200"}],
    }
    created = api.call("PUT", "CreditNotes", {"CreditNotes": [note]}).json()["CreditNotes"][0]
    assert (created["CreditNoteNumber"], created["RemainingCredit"]) == ("CN-0001", 200)
    allocation = {
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "Amount": 200,
        "Date": "2026-03-02",
    }
    path = f"CreditNotes/{created['CreditNoteID']}/Allocations"
    assert api.call("PUT", path, {"Allocations": [allocation]}).status_code == 200
    after = api.call("GET", f"Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]
    assert (after["AmountCredited"], after["AmountDue"]) == (200, 300)
    assert (
        api.call("GET", f"CreditNotes/{created['CreditNoteID']}").json()["CreditNotes"][0]["Status"]
        == "PAID"
    )


def test_payment_made_in_xero_shows_up_for_a_changed_since_read(
    xero_standin_fake_clock: XeroStandin,
) -> None:
    standin = xero_standin_fake_clock
    api = XeroApi(standin)
    api.invoice(api.contact(), "INV-1", 300.0)
    assert isinstance(standin.clock, FakeClock)
    standin.clock.advance(600)
    since = "2026-03-02T08:05:00"
    assert (
        api.call("GET", "Invoices", headers={"If-Modified-Since": since}).json()["Invoices"] == []
    )
    standin.record_payment_in_xero(api.tenant, "INV-1", 12_000, dt.date(2026, 3, 3))
    changed = api.call("GET", "Invoices", headers={"If-Modified-Since": since}).json()["Invoices"]
    assert [(i["InvoiceNumber"], i["AmountPaid"], i["AmountDue"]) for i in changed] == [
        ("INV-1", 120, 180)
    ]


def test_lists_filter_and_page(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    for n in range(1, 4):
        api.contact(f"Parent {n}", f"P-{n}")
    where = api.call("GET", "Contacts", params={"where": 'ContactNumber=="P-2"'}).json()["Contacts"]
    assert [c["Name"] for c in where] == ["Parent 2"]
    paged = api.call("GET", "Contacts", params={"page": "2", "pageSize": "2"}).json()
    assert paged["pagination"] == {"page": 2, "pageSize": 2, "pageCount": 2, "itemCount": 3}
    assert [c["Name"] for c in paged["Contacts"]] == ["Parent 3"]
    by_number = api.call("GET", "Contacts/P-1").json()["Contacts"]
    assert [c["Name"] for c in by_number] == ["Parent 1"]
    unsupported = api.call("GET", "Contacts", params={"where": 'Name=="A" OR Name=="B"'})
    assert unsupported.status_code == 400


def test_data_belongs_to_one_organisation(xero_standin: XeroStandin) -> None:
    XeroApi(xero_standin, org=0).contact()
    assert XeroApi(xero_standin, org=1).call("GET", "Contacts").json()["Contacts"] == []


# --------------------------------------------------------------- batches and retries


def _three_invoices(contact_id: str) -> dict[str, Any]:
    def element(number: str, account: str) -> dict[str, Any]:
        line = {"Description": "Fees", "UnitAmount": 10, "AccountCode": account}
        contact = {"ContactID": contact_id}
        return {"Type": "ACCREC", "Contact": contact, "InvoiceNumber": number, "LineItems": [line]}

    return {"Invoices": [element("INV-1", "200"), element("INV-2", "999"), element("INV-3", "200")]}


def test_summarize_errors_false_saves_the_good_elements(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    body = _three_invoices(api.contact())
    refused = api.call("PUT", "Invoices", body)
    assert refused.status_code == 400
    assert [e["InvoiceNumber"] for e in refused.json()["Elements"]] == ["INV-2"]
    assert xero_standin.books(api.tenant).invoices == {}
    answer = api.call("PUT", "Invoices", body, params={"summarizeErrors": "false"})
    assert answer.status_code == 200
    invoices = answer.json()["Invoices"]
    assert [i["StatusAttributeString"] for i in invoices] == ["OK", "ERROR", "OK"]
    assert invoices[1]["HasErrors"] is True
    assert invoices[1]["ValidationErrors"] == [
        {"Message": "Account code '999' is not a valid code for this document."}
    ]
    numbers = sorted(i.number for i in xero_standin.books(api.tenant).invoices.values())
    assert numbers == ["INV-1", "INV-3"]


def test_reject_element_marks_the_chosen_element(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    xero_standin.reject_element("Invoices", {"InvoiceNumber": "INV-3"}, "Made up by the test.")
    body = _three_invoices(contact_id)
    body["Invoices"][1]["LineItems"][0]["AccountCode"] = "200"
    invoices = api.call("PUT", "Invoices", body, params={"summarizeErrors": "false"}).json()[
        "Invoices"
    ]
    assert [i["StatusAttributeString"] for i in invoices] == ["OK", "OK", "ERROR"]
    assert invoices[2]["ValidationErrors"] == [{"Message": "Made up by the test."}]
