"""The stand-in itself: three loopback HTTP servers and the handle tests hold.

``login_url``, ``identity_url`` and ``api_url`` are three servers on
127.0.0.1 (ports chosen by the system), like login.xero.com,
identity.xero.com and api.xero.com, so a client that sends a request to the
wrong one is caught. See the package docstring for the whole public API.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import traceback
import uuid
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

from tests.xero_standin import wire
from tests.xero_standin.accounting import Accounting
from tests.xero_standin.clock import Clock, SystemClock
from tests.xero_standin.contract import Contract, ReadOnlyPolicy
from tests.xero_standin.faults import FaultKind, Faults
from tests.xero_standin.gateway import Exchange, Gateway, RecordedRequest
from tests.xero_standin.identity import Grant, Identity
from tests.xero_standin.limits import Limits
from tests.xero_standin.payments import apply_payment
from tests.xero_standin.routes import check_routes_against_spec
from tests.xero_standin.seed import new_organisation, seeded_books
from tests.xero_standin.spec import operations
from tests.xero_standin.store import Account, Books, Contact, Organisation, TaxRate

DEFAULT_ORGANISATIONS = ("Sunshine Creche (Pty) Ltd", "Demo Company (ZA)")
DEFAULT_SCOPES = "offline_access accounting.transactions accounting.contacts accounting.settings"
RECOMMENDED_BATCH = 50
SITES = ("login", "identity", "api")


class XeroStandin:
    """Xero's identity and Accounting APIs on loopback, for tests. Start it before use."""

    def __init__(
        self,
        *,
        organisations: Sequence[str] = DEFAULT_ORGANISATIONS,
        client_id: str = "TESTCLIENTID",
        clock: Clock | None = None,
    ) -> None:
        self.client_id = client_id
        self.consent = True
        self.access_token_seconds = 1800
        self.refresh_grace_seconds = 0
        self.limits_enabled = True
        self.minute_limit = 60
        self.window_seconds = 60.0
        self.day_limit = 5000
        self.day_seconds = 86400.0
        self.concurrent_limit = 5
        self.app_minute_limit = 10000
        self.read_only: ReadOnlyPolicy = "refuse"
        self.require_accept_json = True
        self.clock: Clock = clock or SystemClock()
        self.created = self.clock.now()
        self.organisations = [new_organisation(n, i) for i, n in enumerate(organisations)]
        self._books = {
            org.tenant_id: seeded_books(org, i, self.created)
            for i, org in enumerate(self.organisations)
        }
        self._connected: dict[str, float] = {}
        self.requests: list[RecordedRequest] = []
        self.applied_requests: list[RecordedRequest] = []
        self.replayed_requests: list[RecordedRequest] = []
        self.batch_sizes: list[tuple[str, int]] = []
        self.internal_errors: list[str] = []
        self.lock = threading.RLock()
        self.faults = Faults()
        self.limits = Limits(self)
        self.identity = Identity(self)
        contract = Contract()
        check_routes_against_spec({k: (m, t) for k, (m, t, _) in operations().items()})
        self.accounting = Accounting(contract)
        self._gateway = Gateway(self)
        self._servers: dict[str, ThreadingHTTPServer] = {}

    # ------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        """Start the three servers, each in its own thread."""
        for site in SITES:
            handler = type(f"{site.title()}Handler", (_Handler,), {"standin": self, "site": site})
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(
                target=server.serve_forever, args=(0.02,), name=f"xero-{site}", daemon=True
            ).start()
            self._servers[site] = server
        return self

    def stop(self) -> None:
        """Let held answers go and stop the servers."""
        self.faults.release()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _url(self, site: str) -> str:
        host, port = self._servers[site].server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def login_url(self) -> str:
        """Like https://login.xero.com (authorize)."""
        return self._url("login")

    @property
    def identity_url(self) -> str:
        """Like https://identity.xero.com (token, revocation)."""
        return self._url("identity")

    @property
    def api_url(self) -> str:
        """Like https://api.xero.com (connections, /api.xro/2.0)."""
        return self._url("api")

    # ---------------------------------------------------------------- faults

    def fail_next(
        self,
        n: int = 1,
        kind: FaultKind = "500",
        path_contains: str | None = None,
        retry_after: int = 1,
    ) -> None:
        """The next ``n`` requests whose path contains ``path_contains`` fail that way."""
        self.faults.fail_next(n, kind, path_contains, retry_after)

    def hold_after_applying(self, path_contains: str, count: int = 1) -> None:
        """The next ``count`` matching requests do their work, then wait for ``release()``."""
        self.faults.hold_after_applying(path_contains, count)

    @property
    def held(self) -> threading.Event:
        """Set once every request ``hold_after_applying`` asked for is waiting."""
        return self.faults.held

    def release(self) -> None:
        """Let held answers go."""
        self.faults.release()

    def reject_element(
        self,
        kind: str,
        match: dict[str, Any],
        message: str = "Rejected by the test.",
        times: int | None = None,
    ) -> None:
        """Elements of collection ``kind`` (e.g. "Invoices") whose fields equal ``match`` fail."""
        self.faults.reject_element(kind, match, message, times)

    # ----------------------------------------------------------- measurement

    @property
    def max_concurrent_seen(self) -> int:
        """Most calls one organisation had in progress at once."""
        return self.limits.max_concurrent_seen

    @property
    def max_calls_in_window(self) -> int:
        """Most calls one organisation had admitted within ``window_seconds``."""
        return self.limits.max_calls_in_window(self.window_seconds)

    @property
    def rate_limited(self) -> Counter[str]:
        """429s the limits gave, by problem (minute, day, concurrent, appminute)."""
        return Counter(self.limits.refused)

    def status_counts(self) -> Counter[int]:
        """Answers given, by HTTP status (0: connection dropped)."""
        with self.lock:
            return Counter(item.status for item in self.requests)

    def note(self, record: RecordedRequest, *, applied: bool) -> None:
        """Keep a record of an answered request."""
        with self.lock:
            self.requests.append(record)
            if applied:
                self.applied_requests.append(record)
            if record.replayed:
                self.replayed_requests.append(record)

    def observe_batch(self, collection: str, size: int) -> None:
        """Note a write's element count (Xero recommends at most 50)."""
        self.batch_sizes.append((collection, size))

    @property
    def oversized_batches(self) -> list[tuple[str, int]]:
        """Writes with more than 50 elements."""
        return [item for item in self.batch_sizes if item[1] > RECOMMENDED_BATCH]

    def rejections(self, collection: str, element: dict[str, Any]) -> list[str]:
        """Messages ``reject_element`` attaches to this element."""
        return self.faults.rejections(collection, element)

    # ---------------------------------------------------------- organisations

    def org(self, which: str | Organisation) -> Organisation:
        """An organisation by tenant ID or name."""
        if isinstance(which, Organisation):
            return which
        for organisation in self.organisations:
            if which in {organisation.tenant_id, organisation.name}:
                return organisation
        raise KeyError(which)

    def books(self, which: str | Organisation) -> Books:
        """An organisation's data (hold ``lock`` while the servers may be changing it)."""
        return self._books[self.org(which).tenant_id]

    store = books

    def is_connected(self, tenant_id: str) -> bool:
        """Whether requests may name this organisation."""
        with self.lock:
            return tenant_id in self._connected

    def connect_all(self, now: float) -> None:
        """Consent: every organisation is connected."""
        with self.lock:
            self._connected = {org.tenant_id: now for org in self.organisations}

    def disconnect(self, connection_id: str) -> bool:
        """DELETE /connections/{id}: that organisation is no longer connected."""
        with self.lock:
            for organisation in self.organisations:
                if organisation.connection_id == connection_id:
                    return self._connected.pop(organisation.tenant_id, None) is not None
        return False

    def connection_list(self, auth_event_id: str) -> list[dict[str, Any]]:
        """GET /connections: the connected organisations."""
        with self.lock:
            return [
                {
                    "id": org.connection_id,
                    "authEventId": auth_event_id,
                    "tenantId": org.tenant_id,
                    "tenantType": "ORGANISATION",
                    "tenantName": org.name,
                    "createdDateUtc": _utc_text(self._connected[org.tenant_id]),
                    "updatedDateUtc": _utc_text(self._connected[org.tenant_id]),
                }
                for org in self.organisations
                if org.tenant_id in self._connected
            ]

    def issue_tokens(self, scope: str = DEFAULT_SCOPES) -> dict[str, Any]:
        """Connect every organisation and return a token response, skipping the browser dance."""
        with self.lock:
            now = self.clock.now()
            self.connect_all(now)
            grant = Grant(str(uuid.uuid4()), self.client_id, frozenset(scope.split()))
            reply = self.identity.issue(grant, now)
        body: dict[str, Any] = reply.body
        return body

    # --------------------------------------------------------------- seeding

    def add_account(
        self,
        org: str | Organisation,
        code: str,
        name: str,
        type: str = "BANK",  # noqa: A002 - Xero's field name
        *,
        tax_type: str | None = None,
        bank_account_number: str = "",
        enable_payments: bool = False,
        status: str = "ACTIVE",
    ) -> str:
        """Add an account to the chart; return its AccountID."""
        books = self.books(org)
        with self.lock:
            no_vat = next(
                r.tax_type for r in books.tax_rates.values() if r.report_tax_type == "NONE"
            )
            account = Account(
                account_id=str(uuid.uuid4()),
                code=code,
                name=name,
                type=type,
                tax_type=tax_type or no_vat,
                status=status,
                bank_account_number=bank_account_number,
                enable_payments=enable_payments,
                updated=self.clock.now(),
            )
            books.accounts[account.account_id] = account
            return account.account_id

    def add_tax_rate(
        self,
        org: str | Organisation,
        tax_type: str,
        name: str,
        report_tax_type: str,
        rate: Decimal | int | str,
        *,
        revenue: bool = True,
        expenses: bool = False,
        status: str = "ACTIVE",
    ) -> None:
        """Add a tax rate (``rate`` a percentage)."""
        rate_record = TaxRate(
            tax_type, name, report_tax_type, Decimal(rate), revenue, expenses, status
        )
        with self.lock:
            self.books(org).tax_rates[tax_type] = rate_record

    def add_contact(
        self,
        org: str | Organisation,
        name: str,
        contact_number: str | None = None,
        *,
        contact_id: str | None = None,
        status: str = "ACTIVE",
    ) -> str:
        """Add a contact as if made in Xero; return its ContactID."""
        contact = Contact(
            contact_id or str(uuid.uuid4()), name, contact_number, status, self.clock.now()
        )
        with self.lock:
            self.books(org).contacts[contact.contact_id] = contact
        return contact.contact_id

    def record_payment_in_xero(
        self,
        org: str | Organisation,
        invoice_number: str,
        amount_cents: int,
        date: dt.date,
        *,
        account_code: str | None = None,
        reference: str = "",
    ) -> str:
        """A payment entered in Xero itself (the client does not know it); return its PaymentID."""
        books = self.books(org)
        with self.lock:
            invoice = books.invoice_by_number("ACCREC", invoice_number)
            if invoice is None or invoice.status != "AUTHORISED":
                raise ValueError(f"{invoice_number} is not an AUTHORISED sales invoice")
            if not 0 < amount_cents <= invoice.due_cents:
                raise ValueError(f"{amount_cents} cents is more than {invoice_number} has due")
            accounts = books.accounts.values()
            account = next(
                a
                for a in accounts
                if (a.code == account_code if account_code else a.type == "BANK")
            )
            payment = apply_payment(
                books, invoice, account, amount_cents, date, reference, self.clock.now()
            )
            books.commit()
            return payment.payment_id


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, hands it to the gateway, writes (or drops) the answer."""

    standin: ClassVar[XeroStandin]
    site: ClassVar[str]
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's
        # algorithm and the client's delayed ACK add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the stand-in records requests itself."""

    def _serve(self) -> None:
        standin = self.standin
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        exchange = Exchange(
            site=self.site,
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            time=standin.clock.now(),
        )
        try:
            standin._gateway.serve(exchange, self._send)
        except Exception:
            standin.internal_errors.append(traceback.format_exc())
            self._send(wire.problem(500, "Stand-in error", "see standin.internal_errors"))

    def _send(self, reply: wire.Reply | None) -> None:
        """Write the answer; None drops the connection without one."""
        try:
            if reply is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            payload = wire.dumps(reply.body) if reply.body is not None else b""
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away (e.g. killed while held)


def _utc_text(seconds: float) -> str:
    """Xero's connection timestamps: 2019-07-09T23:40:30.1833130."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0")
