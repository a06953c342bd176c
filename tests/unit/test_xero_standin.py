"""The Xero stand-in's protocol: sign-in, the contract, retries, limits, faults (over HTTP).

Its books (totals, payments, batches) are tested in test_xero_standin_books.py.
"""

from __future__ import annotations

import socket
import threading
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests import xero_fixtures
from tests.xero_fixtures import (
    REDIRECT_URI,
    SCOPES,
    TIMEOUT,
    XeroApi,
    pkce_pair,
    validation_messages,
)
from tests.xero_standin import FakeClock, XeroStandin
from tests.xero_standin.contract import Contract
from tests.xero_standin.spec import example_request

# The fixtures under test, offered to this module.
xero_standin = xero_fixtures.xero_standin
xero_standin_fake_clock = xero_fixtures.xero_standin_fake_clock


def _authorize(standin: XeroStandin, **changes: str) -> tuple[requests.Response, str]:
    """Ask for a code; return the answer and the PKCE verifier."""
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": standin.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPES,
        "state": "st4te",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    } | changes
    answer = requests.get(
        f"{standin.login_url}/identity/connect/authorize",
        params=params,
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    return answer, verifier


def _token(standin: XeroStandin, **form: str) -> requests.Response:
    form = {"client_id": standin.client_id} | form
    return requests.post(f"{standin.identity_url}/connect/token", data=form, timeout=TIMEOUT)


def _code_flow(standin: XeroStandin) -> tuple[str, str]:
    """Authorize; return (code, verifier)."""
    answer, verifier = _authorize(standin)
    assert answer.status_code == 302
    location = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert location["state"] == ["st4te"]
    return location["code"][0], verifier


# ------------------------------------------------------------------------ identity


def test_pkce_code_flow_gives_tokens_and_connections(xero_standin: XeroStandin) -> None:
    code, verifier = _code_flow(xero_standin)
    answer = _token(
        xero_standin,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 1800
    assert tokens["refresh_token"]
    assert set(tokens["scope"].split()) == set(SCOPES.split())
    connections = requests.get(
        f"{xero_standin.api_url}/connections",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=TIMEOUT,
    ).json()
    assert [c["tenantName"] for c in connections] == [
        "Sunshine Creche (Pty) Ltd",
        "Demo Company (ZA)",
    ]
    assert {c["tenantType"] for c in connections} == {"ORGANISATION"}
    assert [c["tenantId"] for c in connections] == [o.tenant_id for o in xero_standin.organisations]


def test_wrong_verifier_and_reused_code_are_refused(xero_standin: XeroStandin) -> None:
    code, verifier = _code_flow(xero_standin)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    wrong = _token(xero_standin, **form, code_verifier=pkce_pair()[0])
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert _token(xero_standin, **form, code_verifier=verifier).status_code == 200
    again = _token(xero_standin, **form, code_verifier=verifier)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_code_expires_after_five_minutes(xero_standin_fake_clock: XeroStandin) -> None:
    standin = xero_standin_fake_clock
    code, verifier = _code_flow(standin)
    assert isinstance(standin.clock, FakeClock)
    standin.clock.advance(300)
    late = _token(
        standin,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    assert (late.status_code, late.json()["error"]) == (400, "invalid_grant")


def test_code_for_another_redirect_or_with_a_secret_is_refused(xero_standin: XeroStandin) -> None:
    code, verifier = _code_flow(xero_standin)
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier}
    other = _token(xero_standin, **form, redirect_uri="http://localhost:9999/callback")
    assert other.json()["error"] == "invalid_grant"
    secret = _token(xero_standin, **form, redirect_uri=REDIRECT_URI, client_secret="s3cret")
    assert (secret.status_code, secret.json()["error"]) == (400, "invalid_client")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"client_id": "SOMEONEELSE"}, "client_id"),
        ({"redirect_uri": "https://example.com/callback"}, "redirect_uri"),
        ({"code_challenge_method": "plain"}, "S256"),
        (
            {"scope": "accounting.transactions accounting.contacts accounting.settings"},
            "offline_access",
        ),
        ({"scope": SCOPES + " accounting.transaction"}, "unknown scope"),
        ({"state": ""}, "state"),
    ],
)
def test_bad_authorize_requests_get_400_without_redirect(
    xero_standin: XeroStandin, change: dict[str, str], complaint: str
) -> None:
    answer, _ = _authorize(xero_standin, **change)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert complaint in answer.json()["error_description"]


def test_granular_scopes_are_accepted_and_refusal_redirects_with_access_denied(
    xero_standin: XeroStandin,
) -> None:
    granular = (
        "offline_access accounting.invoices accounting.payments accounting.contacts "
        "accounting.settings"
    )
    assert _authorize(xero_standin, scope=granular)[0].status_code == 302
    xero_standin.consent = False
    answer, _ = _authorize(xero_standin)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query) == {
        "error": ["access_denied"],
        "state": ["st4te"],
    }


def test_refresh_rotates_and_the_old_refresh_token_stops_working(xero_standin: XeroStandin) -> None:
    first = xero_standin.issue_tokens()
    refreshed = _token(
        xero_standin, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    stale = _token(xero_standin, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert (stale.status_code, stale.json()["error"]) == (400, "invalid_grant")
    newest = _token(xero_standin, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert newest.status_code == 200


def test_revoked_refresh_token_and_its_access_token_stop_working(xero_standin: XeroStandin) -> None:
    tokens = xero_standin.issue_tokens()
    revoked = requests.post(
        f"{xero_standin.identity_url}/connect/revocation",
        data={"token": tokens["refresh_token"], "client_id": xero_standin.client_id},
        timeout=TIMEOUT,
    )
    assert revoked.status_code == 200
    refresh = _token(
        xero_standin, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refresh.json()["error"] == "invalid_grant"
    connections = requests.get(
        f"{xero_standin.api_url}/connections",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=TIMEOUT,
    )
    assert connections.status_code == 401


def test_expired_access_token_gets_xeros_401(xero_standin_fake_clock: XeroStandin) -> None:
    standin = xero_standin_fake_clock
    api = XeroApi(standin)
    assert api.call("GET", "Organisation").status_code == 200
    assert isinstance(standin.clock, FakeClock)
    standin.clock.advance(1800)
    answer = api.call("GET", "Organisation")
    assert answer.status_code == 401
    assert answer.json()["Title"] == "Unauthorized"
    assert answer.json()["Detail"].startswith("TokenExpired: token expired at 2026-03-02T08:30:00Z")


def test_tenant_header_and_scopes_are_checked(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    assert (
        api.call("GET", "Contacts", headers={"xero-tenant-id": "not-a-tenant"}).status_code == 403
    )
    assert (
        api.call("GET", "Contacts", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    )
    reader = XeroApi(xero_standin, scope="offline_access accounting.contacts.read")
    assert reader.call("GET", "Contacts").status_code == 200
    assert reader.call("PUT", "Contacts", {"Contacts": [{"Name": "X"}]}).status_code == 403
    assert reader.call("GET", "Invoices").status_code == 403


def test_accounting_calls_must_ask_for_json(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    assert api.call("GET", "Organisation", headers={"Accept": "*/*"}).status_code == 406
    xero_standin.require_accept_json = False
    assert api.call("GET", "Organisation", headers={"Accept": "*/*"}).status_code == 200


def test_disconnected_organisation_is_refused(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    connection = xero_standin.organisations[0].connection_id
    deleted = requests.delete(
        f"{xero_standin.api_url}/connections/{connection}",
        headers={"Authorization": f"Bearer {api.token}"},
        timeout=TIMEOUT,
    )
    assert deleted.status_code == 204
    assert api.call("GET", "Contacts").status_code == 403
    assert XeroApi(xero_standin, org=1).call("GET", "Contacts").status_code == 200


# ------------------------------------------------------------------------ contract


def test_unknown_field_is_refused_naming_its_path_and_nothing_is_saved(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    contact_id = api.contact()
    element = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "LineItems": [{"Description": "Fees", "Qty": 1, "UnitAmount": 10, "AccountCode": "200"}],
    }
    answer = api.call("PUT", "Invoices", {"Invoices": [element]})
    assert answer.status_code == 400
    assert validation_messages(answer) == [
        "Invoices[0].LineItems[0].Qty: is not a property of LineItem"
    ]
    assert answer.json()["Elements"][0]["Type"] == "ACCREC"
    assert xero_standin.books(api.tenant).invoices == {}


@pytest.mark.parametrize(
    ("element", "complaint"),
    [
        ({"Total": 10}, "Invoices[0].Total: is read-only in Invoice"),
        ({"Status": None}, "Invoices[0].Status: null is not allowed"),
        ({"Status": "APPROVED"}, "Invoices[0].Status: 'APPROVED' is not one of"),
        ({"Contact": {"ContactID": "42"}}, "Invoices[0].Contact.ContactID: '42' is not a UUID"),
        (
            {"LineItems": [{"UnitAmount": "10.00"}]},
            "Invoices[0].LineItems[0].UnitAmount: must be a number",
        ),
    ],
)
def test_contract_problems_are_named(
    xero_standin: XeroStandin, element: dict[str, Any], complaint: str
) -> None:
    answer = XeroApi(xero_standin).call(
        "PUT", "Invoices", {"Invoices": [{"Type": "ACCREC"} | element]}
    )
    assert answer.status_code == 400
    assert any(message.startswith(complaint) for message in validation_messages(answer)), (
        validation_messages(answer)
    )


def test_unknown_query_parameter_is_refused(xero_standin: XeroStandin) -> None:
    answer = XeroApi(xero_standin).call(
        "PUT", "Contacts", {"Contacts": [{"Name": "A"}]}, params={"summariseErrors": "false"}
    )
    assert answer.status_code == 400
    assert validation_messages(answer) == [
        "summariseErrors: is not a query parameter of createContacts"
    ]


@pytest.mark.parametrize(
    "operation",
    [
        "createContacts",
        "updateOrCreateContacts",
        "updateContact",
        "createInvoices",
        "updateOrCreateInvoices",
        "updateInvoice",
        "createPayments",
        "createPayment",
        "deletePayment",
    ],
)
def test_xeros_own_request_examples_pass_the_contract(operation: str) -> None:
    contract = Contract()
    assert contract.validate_body(operation, example_request(operation), read_only="ignore") == []


def test_readonly_refusal_catches_the_one_readonly_field_in_xeros_examples() -> None:
    problems = Contract().validate_body("createContacts", example_request("createContacts"))
    assert [str(p) for p in problems] == [
        "Contacts[0].UpdatedDateUTC: is read-only in Contact; do not send it"
    ]


def test_xeros_example_bodies_are_served_once_their_references_exist(
    xero_standin: XeroStandin,
) -> None:
    """The examples name a contact, tax type and invoice the stand-in seeds or creates first."""
    api = XeroApi(xero_standin)
    xero_standin.read_only = "ignore"  # createContacts' example sends UpdatedDateUTC
    contacts = example_request("createContacts")
    xero_standin.add_contact(api.tenant, "Someone", contact_id=contacts["Contacts"][0]["ContactID"])
    assert api.call("PUT", "Contacts", contacts).status_code == 200
    invoices = example_request("createInvoices")
    xero_standin.add_contact(
        api.tenant, "Tyre Co", contact_id=invoices["Invoices"][0]["Contact"]["ContactID"]
    )
    xero_standin.add_tax_rate(api.tenant, "NONE", "No GST", "NONE", 0)
    created = api.call("PUT", "Invoices", invoices)
    assert created.status_code == 200, created.text
    invoice = created.json()["Invoices"][0]
    assert (invoice["Total"], invoice["AmountDue"], invoice["InvoiceNumber"]) == (
        40,
        40,
        "INV-0001",
    )
    payments = example_request("createPayments")
    payments["Payments"][0]["Invoice"]["InvoiceID"] = invoice["InvoiceID"]
    paid = api.call("PUT", "Payments", payments)
    assert paid.status_code == 200, paid.text
    assert paid.json()["Payments"][0]["Account"]["Code"] == "970"
    assert xero_standin.books(api.tenant).invoices[invoice["InvoiceID"]].paid_cents == 100


def test_idempotency_key_replays_instead_of_applying_again(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    invoice = api.invoice(api.contact(), "INV-1", 100.0)
    payment = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": {"Code": "090"}}
    body = {"Payments": [payment | {"Date": "2026-03-05", "Amount": 30}]}
    key = {"Idempotency-Key": "pay-INV-1-1"}
    first = api.call("PUT", "Payments", body, headers=key)
    second = api.call("PUT", "Payments", body, headers=key)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(xero_standin.books(api.tenant).payments) == 1
    assert len(xero_standin.replayed_requests) == 1
    assert [r.path for r in xero_standin.applied_requests][-1] == "/api.xro/2.0/Payments"
    body["Payments"][0]["Amount"] = 31
    assert api.call("PUT", "Payments", body, headers=key).status_code == 400


def test_drop_after_apply_then_retry_with_the_key_creates_nothing_twice(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    xero_standin.fail_next(kind="drop_after_apply", path_contains="/Contacts")
    body = {"Contacts": [{"Name": "Lerato Dube", "ContactNumber": "P-9"}]}
    key = {"Idempotency-Key": "contact-P-9"}
    with pytest.raises(requests.ConnectionError):
        api.call("PUT", "Contacts", body, headers=key)
    assert len(xero_standin.books(api.tenant).contacts) == 1
    assert api.call("PUT", "Contacts", body, headers=key).status_code == 200
    assert len(xero_standin.books(api.tenant).contacts) == 1
    assert [r.status for r in xero_standin.requests[-2:]] == [0, 200]


def test_drop_closes_the_connection_and_does_nothing(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    xero_standin.fail_next(kind="drop", path_contains="/Contacts")
    with pytest.raises(requests.ConnectionError):
        api.contact()
    assert xero_standin.books(api.tenant).contacts == {}
    api.contact()
    assert len(xero_standin.books(api.tenant).contacts) == 1


@pytest.mark.parametrize(("kind", "status"), [("429", 429), ("500", 500), ("503", 503)])
def test_injected_errors_answer_without_doing_anything(
    xero_standin: XeroStandin, kind: str, status: int
) -> None:
    api = XeroApi(xero_standin)
    xero_standin.fail_next(kind=kind, path_contains="/Contacts", retry_after=7)  # type: ignore[arg-type]
    answer = api.call("PUT", "Contacts", {"Contacts": [{"Name": "A"}]})
    assert answer.status_code == status
    if status != 500:
        assert answer.headers["Retry-After"] == "7"
    assert xero_standin.books(api.tenant).contacts == {}


# ------------------------------------------------------------------------ limits


def test_minute_limit_answers_429_with_retry_after(xero_standin_fake_clock: XeroStandin) -> None:
    standin = xero_standin_fake_clock
    standin.minute_limit, standin.window_seconds = 3, 2.0
    api = XeroApi(standin)
    remaining = [api.call("GET", "Organisation").headers["X-MinLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = api.call("GET", "Organisation")
    assert refused.status_code == 429
    assert (refused.headers["Retry-After"], refused.headers["X-Rate-Limit-Problem"]) == (
        "2",
        "minute",
    )
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    assert XeroApi(standin, org=1).call("GET", "Organisation").status_code == 200  # its own limit
    assert isinstance(standin.clock, FakeClock)
    standin.clock.advance(2)
    assert api.call("GET", "Organisation").status_code == 200
    assert standin.max_calls_in_window == 3
    assert standin.rate_limited == {"minute": 1}
    standin.limits_enabled = False
    assert all(api.call("GET", "Organisation").status_code == 200 for _ in range(4))


def test_day_limit_answers_429_day(xero_standin_fake_clock: XeroStandin) -> None:
    standin = xero_standin_fake_clock
    standin.day_limit = 2
    api = XeroApi(standin)
    assert [api.call("GET", "Accounts").headers["X-DayLimit-Remaining"] for _ in range(2)] == [
        "1",
        "0",
    ]
    assert api.call("GET", "Accounts").headers["X-Rate-Limit-Problem"] == "day"


def _in_thread(call: Any) -> tuple[threading.Thread, list[requests.Response]]:
    answers: list[requests.Response] = []
    thread = threading.Thread(target=lambda: answers.append(call()))
    thread.start()
    return thread, answers


def test_concurrent_limit_and_hold_release(xero_standin: XeroStandin) -> None:
    xero_standin.concurrent_limit = 2
    api = XeroApi(xero_standin)
    xero_standin.hold_after_applying("/TaxRates", count=2)
    started = [_in_thread(lambda: XeroApi(xero_standin).call("GET", "TaxRates")) for _ in range(2)]
    assert xero_standin.held.wait(TIMEOUT)
    refused = api.call("GET", "Accounts")
    assert (refused.status_code, refused.headers["X-Rate-Limit-Problem"]) == (429, "concurrent")
    xero_standin.release()
    for thread, answers in started:
        thread.join(TIMEOUT)
        assert [a.status_code for a in answers] == [200]
    assert xero_standin.max_concurrent_seen == 2
    assert api.call("GET", "Accounts").status_code == 200


def test_held_request_is_applied_before_its_answer_and_a_dead_client_does_no_harm(
    xero_standin: XeroStandin,
) -> None:
    api = XeroApi(xero_standin)
    xero_standin.hold_after_applying("/Contacts")
    body = b'{"Contacts":[{"Name":"Held Parent"}]}'
    request = (
        f"PUT /api.xro/2.0/Contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {api.token}\r\n"
        f"xero-tenant-id: {api.tenant}\r\nContent-Type: application/json\r\n"
        "Accept: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    host, port = urlsplit(xero_standin.api_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as client:
        client.sendall(request)
        assert xero_standin.held.wait(TIMEOUT)
        names = [c.name for c in xero_standin.books(api.tenant).contacts.values()]
        assert names == ["Held Parent"]
    xero_standin.release()  # the answer goes to a closed socket
    assert api.call("GET", "Contacts").json()["Contacts"][0]["Name"] == "Held Parent"


def test_requests_are_recorded_without_the_token(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    body = {"Contacts": [{"Name": "A", "ContactNumber": "P-1"}]}
    api.call("PUT", "Contacts", body, params={"summarizeErrors": "false"})
    record = xero_standin.requests[-1]
    assert (record.method, record.path, record.status) == ("PUT", "/api.xro/2.0/Contacts", 200)
    assert record.query == {"summarizeErrors": ["false"]}
    assert record.body == {"Contacts": [{"Name": "A", "ContactNumber": "P-1"}]}
    assert "authorization" not in record.headers
    assert record.tenant_id == api.tenant
    assert xero_standin.batch_sizes == [("Contacts", 1)]


def test_body_numbers_are_read_exactly(xero_standin: XeroStandin) -> None:
    api = XeroApi(xero_standin)
    api.invoice(api.contact(), "INV-1", 0.1)
    assert xero_standin.requests[-1].body["Invoices"][0]["LineItems"][0]["UnitAmount"] == Decimal(
        "0.1"
    )
