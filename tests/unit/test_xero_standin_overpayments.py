"""The Xero stand-in's overpayments: made by a bank transaction, allocated, refunded (over HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import xero_fixtures
from tests.xero_fixtures import XeroApi, validation_messages
from tests.xero_standin import XeroStandin
from tests.xero_standin.contract import Contract
from tests.xero_standin.spec import example_request

# The fixtures under test, offered to this module.
xero_standin = xero_fixtures.xero_standin

UNKNOWN_ID = "11111111-1111-1111-1111-111111111111"


def _element(contact_id: str, amount: Any = 150.0, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "RECEIVE-OVERPAYMENT",
        "Contact": {"ContactID": contact_id},
        "BankAccount": {"Code": "090"},
        "Date": "2026-03-02",
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Fees paid twice", "LineAmount": amount}],
    } | extra


def _overpayment(api: XeroApi, contact_id: str, amount: float = 150.0) -> dict[str, Any]:
    answer = api.call(
        "PUT", "BankTransactions", {"BankTransactions": [_element(contact_id, amount)]}
    )
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()["BankTransactions"][0]
    return created


def _allocate(
    api: XeroApi, overpayment_id: str, invoice_id: str, amount: float, **params: str
) -> Any:
    allocation = {"Invoice": {"InvoiceID": invoice_id}, "Amount": amount, "Date": "2026-03-03"}
    path = f"Overpayments/{overpayment_id}/Allocations"
    return api.call("PUT", path, {"Allocations": [allocation]}, params=params or None)


def _refund(api: XeroApi, overpayment_id: str, amount: float, code: str = "090") -> Any:
    refund = {
        "Overpayment": {"OverpaymentID": overpayment_id},
        "Account": {"Code": code},
        "Date": "2026-03-04",
        "Amount": amount,
        "Reference": "EFT back to parent",
    }
    return api.call("PUT", "Payments", {"Payments": [refund]})


def _read(api: XeroApi, collection: str, item_id: str) -> dict[str, Any]:
    answer = api.call("GET", f"{collection}/{item_id}")
    assert answer.status_code == 200, answer.text
    record: dict[str, Any] = answer.json()[collection][0]
    return record


# ------------------------------------------------------------------------ creating


def test_receive_overpayment_makes_an_overpayment(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    created = _overpayment(api, contact_id)
    assert created["Type"] == "RECEIVE-OVERPAYMENT"
    assert (created["Status"], created["Total"], created["SubTotal"]) == ("AUTHORISED", 150, 150)
    assert created["BankAccount"]["Code"] == "090"
    assert created["OverpaymentID"] != created["BankTransactionID"]
    assert created["StatusAttributeString"] == "OK"
    again = _read(api, "BankTransactions", created["BankTransactionID"])
    assert again["OverpaymentID"] == created["OverpaymentID"]
    overpayment = _read(api, "Overpayments", created["OverpaymentID"])
    assert overpayment["Contact"]["ContactID"] == contact_id
    assert (overpayment["Status"], overpayment["RemainingCredit"], overpayment["Total"]) == (
        "AUTHORISED",
        150,
        150,
    )
    assert (overpayment["Allocations"], overpayment["Payments"]) == ([], [])
    listed = api.call("GET", "Overpayments").json()["Overpayments"]
    assert [o["OverpaymentID"] for o in listed] == [created["OverpaymentID"]]
    stored = xero_standin.books(api.tenant).overpayments[created["OverpaymentID"]]
    assert (stored.total_cents, stored.remaining_cents, stored.contact_id) == (
        15000,
        15000,
        contact_id,
    )


def test_contract_refuses_a_bad_body_and_nothing_is_saved(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    as_text = api.call(
        "PUT", "BankTransactions", {"BankTransactions": [_element(contact_id, "150.00")]}
    )
    assert as_text.status_code == 400
    assert any(
        "BankTransactions[0].LineItems[0].LineAmount: must be a number" in m
        for m in validation_messages(as_text)
    ), validation_messages(as_text)
    unknown = api.call(
        "PUT", "BankTransactions", {"BankTransactions": [_element(contact_id, Payer="Mom")]}
    )
    assert validation_messages(unknown) == [
        "BankTransactions[0].Payer: is not a property of BankTransaction"
    ]
    read_only = _element(contact_id, OverpaymentID=UNKNOWN_ID)
    assert api.call("PUT", "BankTransactions", {"BankTransactions": [read_only]}).status_code == 400
    assert xero_standin.books(api.tenant).overpayments == {}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"Type": "RECEIVE"}, "Type RECEIVE are not served by the stand-in"),
        ({"Type": "RECEIVE-PREPAYMENT"}, "not served by the stand-in"),
        ({"Reference": "March"}, "Reference is only kept on SPEND and RECEIVE"),
        ({"BankAccount": {"Code": "200"}}, "Account 200 is not an ACTIVE BANK account."),
        ({"BankAccount": {"Code": "999"}}, "must name an existing bank account"),
        ({"Contact": {"ContactID": UNKNOWN_ID}}, "No contact with ContactID 11111111"),
        ({"Contact": {"Name": "Nobody"}}, "must name an existing Contact"),
        ({"LineItems": [{"Description": "Nothing", "LineAmount": 0}]}, "more than zero"),
        (
            {"LineItems": [{"Description": "Fees", "LineAmount": 10, "AccountCode": "200"}]},
            "AccountCode cannot be set on an overpayment line",
        ),
        ({"Status": "DELETED"}, "must have Status AUTHORISED"),
    ],
)
def test_the_books_refuse_a_bad_overpayment(
    xero_standin: XeroStandin, change: dict[str, Any], complaint: str
) -> None:
    api = XeroApi(xero_standin)
    answer = api.call(
        "PUT", "BankTransactions", {"BankTransactions": [_element(api.contact()) | change]}
    )
    assert answer.status_code == 400
    assert any(complaint in m for m in validation_messages(answer)), validation_messages(answer)


# --------------------------------------------------------------------- allocating


def test_allocation_lowers_amount_due_and_remaining_credit(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    invoice = api.invoice(contact_id, "INV-1", 500.0)
    overpayment_id = _overpayment(api, contact_id)["OverpaymentID"]
    answer = _allocate(api, overpayment_id, invoice["InvoiceID"], 50)
    assert answer.status_code == 200, answer.text
    allocation = answer.json()["Allocations"][0]
    assert allocation["Amount"] == 50
    assert allocation["Invoice"] == {"InvoiceID": invoice["InvoiceID"], "InvoiceNumber": "INV-1"}
    assert allocation["Overpayment"] == {"OverpaymentID": overpayment_id}
    assert allocation["StatusAttributeString"] == "OK"
    after = _read(api, "Invoices", invoice["InvoiceID"])
    assert (after["AmountDue"], after["AmountCredited"], after["Status"]) == (450, 50, "AUTHORISED")
    assert [(o["OverpaymentID"], o["AppliedAmount"]) for o in after["Overpayments"]] == [
        (overpayment_id, 50)
    ]
    overpayment = _read(api, "Overpayments", overpayment_id)
    assert overpayment["RemainingCredit"] == 100
    assert [a["AllocationID"] for a in overpayment["Allocations"]] == [allocation["AllocationID"]]


def test_allocation_to_another_contact_or_above_the_credit_is_refused(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    other = api.contact("Sipho Dlamini", "P-002")
    theirs = api.invoice(other, "INV-1", 500.0)
    ours = api.invoice(contact_id, "INV-2", 500.0)
    overpayment_id = _overpayment(api, contact_id)["OverpaymentID"]
    assert validation_messages(_allocate(api, overpayment_id, theirs["InvoiceID"], 50)) == [
        "The overpayment and the invoice must belong to the same contact."
    ]
    assert validation_messages(_allocate(api, overpayment_id, ours["InvoiceID"], 150.01)) == [
        "The allocation Amount exceeds the credit left or the amount due."
    ]
    assert _read(api, "Invoices", ours["InvoiceID"])["AmountDue"] == 500
    assert _read(api, "Overpayments", overpayment_id)["RemainingCredit"] == 150


def test_an_invoice_fully_settled_by_allocation_is_paid_until_it_is_deleted(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    invoice = api.invoice(contact_id, "INV-1", 150.0)
    overpayment_id = _overpayment(api, contact_id)["OverpaymentID"]
    allocation = _allocate(api, overpayment_id, invoice["InvoiceID"], 150).json()["Allocations"][0]
    assert _read(api, "Invoices", invoice["InvoiceID"])["Status"] == "PAID"
    assert _read(api, "Overpayments", overpayment_id)["Status"] == "PAID"
    path = f"Overpayments/{overpayment_id}/Allocations/{allocation['AllocationID']}"
    deleted = api.call("DELETE", path)
    assert deleted.status_code == 200, deleted.text
    assert (deleted.json()["AllocationID"], deleted.json()["IsDeleted"]) == (
        allocation["AllocationID"],
        True,
    )
    reopened = _read(api, "Invoices", invoice["InvoiceID"])
    assert (reopened["Status"], reopened["AmountDue"], reopened["AmountCredited"]) == (
        "AUTHORISED",
        150,
        0,
    )
    overpayment = _read(api, "Overpayments", overpayment_id)
    assert (overpayment["Status"], overpayment["RemainingCredit"]) == ("AUTHORISED", 150)
    assert api.call("DELETE", path).status_code == 400


def test_allocations_with_summarize_errors_false_answer_each(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    invoice = api.invoice(contact_id, "INV-1", 500.0)
    overpayment_id = _overpayment(api, contact_id)["OverpaymentID"]
    good = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 20, "Date": "2026-03-03"}
    bad = good | {"Invoice": {"InvoiceID": UNKNOWN_ID}}
    xero_standin.reject_element("Allocations", {"Amount": 30}, "Made up by the test.")
    body = {"Allocations": [good, bad, good | {"Amount": 30}]}
    answer = api.call(
        "PUT",
        f"Overpayments/{overpayment_id}/Allocations",
        body,
        params={"summarizeErrors": "false"},
    )
    assert answer.status_code == 200, answer.text
    items = answer.json()["Allocations"]
    assert [i["StatusAttributeString"] for i in items] == ["OK", "ERROR", "ERROR"]
    assert items[2]["ValidationErrors"] == [{"Message": "Made up by the test."}]
    assert _read(api, "Overpayments", overpayment_id)["RemainingCredit"] == 130


# ----------------------------------------------------------------------- refunds


def test_refund_uses_up_the_credit_and_deleting_it_puts_the_credit_back(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    invoice = api.invoice(contact_id, "INV-1", 500.0)
    overpayment_id = _overpayment(api, contact_id)["OverpaymentID"]
    assert _allocate(api, overpayment_id, invoice["InvoiceID"], 50).status_code == 200
    assert validation_messages(_refund(api, overpayment_id, 100.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    assert validation_messages(_refund(api, overpayment_id, 10, code="970")) == [
        "Account 970 is not an ACTIVE BANK account."
    ]
    answer = _refund(api, overpayment_id, 100)
    assert answer.status_code == 200, answer.text
    payment = answer.json()["Payments"][0]
    assert (payment["PaymentType"], payment["Amount"], payment["Status"]) == (
        "AROVERPAYMENTPAYMENT",
        100,
        "AUTHORISED",
    )
    assert payment["Invoice"]["InvoiceID"] == overpayment_id
    assert payment["Reference"] == "EFT back to parent"
    used = _read(api, "Overpayments", overpayment_id)
    assert (used["Status"], used["RemainingCredit"]) == ("PAID", 0)
    assert [p["PaymentID"] for p in used["Payments"]] == [payment["PaymentID"]]
    assert _read(api, "Invoices", invoice["InvoiceID"])["Payments"] == []
    assert "AUTHORISED overpayment" in validation_messages(_refund(api, overpayment_id, 1))[0]
    deleted = api.call("POST", f"Payments/{payment['PaymentID']}", {"Status": "DELETED"})
    assert deleted.json()["Payments"][0]["Status"] == "DELETED"
    back = _read(api, "Overpayments", overpayment_id)
    assert (back["Status"], back["RemainingCredit"], back["Payments"]) == ("AUTHORISED", 100, [])
    stored = xero_standin.books(api.tenant).payments[payment["PaymentID"]]
    assert (stored.overpayment_id, stored.invoice_id, stored.status) == (
        overpayment_id,
        "",
        "DELETED",
    )


def test_refund_of_an_unknown_overpayment_is_refused(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    assert validation_messages(_refund(api, UNKNOWN_ID, 10)) == [
        f"No overpayment with OverpaymentID {UNKNOWN_ID} exists."
    ]


# ------------------------------------------------------------- batches and retries


def test_idempotency_key_replays_the_answer_and_makes_one_overpayment(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    body = {"BankTransactions": [_element(api.contact())]}
    key = {"Idempotency-Key": "overpayment-P-001-2026-03-02"}
    first = api.call("PUT", "BankTransactions", body, headers=key)
    again = api.call("PUT", "BankTransactions", body, headers=key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert len(xero_standin.books(api.tenant).overpayments) == 1
    assert [r.path for r in xero_standin.replayed_requests] == ["/api.xro/2.0/BankTransactions"]


def test_summarize_errors_false_saves_the_good_bank_transactions(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    body = {
        "BankTransactions": [
            _element(contact_id, 100.0),
            _element(contact_id, 50.0, BankAccount={"Code": "200"}),
            _element(contact_id, 25.0),
        ]
    }
    refused = api.call("PUT", "BankTransactions", body)
    assert refused.status_code == 400
    assert xero_standin.books(api.tenant).overpayments == {}
    answer = api.call("PUT", "BankTransactions", body, params={"summarizeErrors": "false"})
    assert answer.status_code == 200, answer.text
    items = answer.json()["BankTransactions"]
    assert [i["StatusAttributeString"] for i in items] == ["OK", "ERROR", "OK"]
    assert items[1]["ValidationErrors"] == [
        {"Message": "Account 200 is not an ACTIVE BANK account."}
    ]
    totals = sorted(o.total_cents for o in xero_standin.books(api.tenant).overpayments.values())
    assert totals == [2500, 10000]


def test_reject_element_marks_the_chosen_bank_transaction(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    xero_standin.reject_element(
        "BankTransactions", {"Date": "2026-03-05"}, "Made up by the test.", times=1
    )
    body = {"BankTransactions": [_element(contact_id), _element(contact_id, Date="2026-03-05")]}
    items = api.call("PUT", "BankTransactions", body, params={"summarizeErrors": "false"}).json()[
        "BankTransactions"
    ]
    assert [i["StatusAttributeString"] for i in items] == ["OK", "ERROR"]
    assert items[1]["ValidationErrors"] == [{"Message": "Made up by the test."}]
    retried = api.call(
        "PUT", "BankTransactions", {"BankTransactions": [body["BankTransactions"][1]]}
    )
    assert retried.status_code == 200
    assert len(xero_standin.books(api.tenant).overpayments) == 2


def test_granular_scopes_read_overpayments_but_need_banktransactions_to_make_one(
    xero_standin: XeroStandin,
) -> None:
    owner = XeroApi(xero_standin)
    overpayment_id = _overpayment(owner, owner.contact())["OverpaymentID"]
    scope = "offline_access accounting.contacts accounting.settings"
    granular = XeroApi(xero_standin, scope=f"{scope} accounting.invoices accounting.payments")
    assert granular.call("GET", f"Overpayments/{overpayment_id}").status_code == 200
    body = {"BankTransactions": [_element(owner.contact("Sipho Dlamini", "P-002"))]}
    assert granular.call("PUT", "BankTransactions", body).status_code == 403
    banking = XeroApi(
        xero_standin,
        scope=f"{scope} accounting.invoices accounting.payments accounting.banktransactions",
    )
    assert banking.call("PUT", "BankTransactions", body).status_code == 200


def test_xeros_own_allocation_example_passes_the_contract() -> None:
    example = example_request("createOverpaymentAllocations")
    assert Contract().validate_body("createOverpaymentAllocations", example) == []
