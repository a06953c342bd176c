"""What happens to one request, from arrival to the bytes going out.

Order, as Xero does it: injected failure -> route -> Accept: application/json
(406; Xero would answer XML) -> bearer token (401) ->
xero-tenant-id of a connected organisation (403) -> the token's scopes (403) ->
rate limits (429) -> Idempotency-Key replay -> the call itself (under the
stand-in's lock) -> a held answer, if a test asked (only for a request that got
this far) -> the concurrency slot is given back -> the request is recorded -> the
answer goes out (or the connection is dropped).

An Idempotency-Key is remembered per organisation with the answer it got (200
or 400); the same key again with the same method, path and body gets that
answer back without anything being done again. The same key with a different
request is refused (400), which Xero does not document but a client must never
need.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from tests.xero_standin import routes, wire
from tests.xero_standin.accounting import Call
from tests.xero_standin.faults import Failure
from tests.xero_standin.identity import AccessToken

if TYPE_CHECKING:
    from tests.xero_standin.server import XeroStandin

Send = Callable[[wire.Reply | None], None]
IDEMPOTENCY_KEY_MAX = 128


@dataclass(frozen=True)
class Exchange:
    """One request as it arrived."""

    site: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    time: float


@dataclass(frozen=True)
class RecordedRequest:
    """One request the stand-in answered (status 0: the connection was dropped)."""

    site: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int
    time: float
    tenant_id: str | None = None
    idempotency_key: str | None = None
    replayed: bool = False
    fault: str | None = None


@dataclass
class _Outcome:
    reply: wire.Reply
    tenant: str | None = None
    admitted: bool = False
    replayed: bool = False
    applied: bool = False
    handled: bool = True  # False: refused before any work (401, 403, 404, 406, 429)


class Gateway:
    """Serves requests for one stand-in."""

    def __init__(self, standin: XeroStandin) -> None:
        self._standin = standin
        self._remembered: dict[tuple[str, str], tuple[str, wire.Reply]] = {}

    def serve(self, exchange: Exchange, send: Send) -> None:
        """Answer one request through ``send`` (None: drop the connection).

        The request is recorded and its concurrency slot given back before the
        answer goes out, so a client that has its answer always finds both done.
        """
        standin = self._standin
        failure = standin.faults.take(exchange.path)
        if failure is not None and failure.kind != "drop_after_apply":
            reply = None if failure.kind == "drop" else _failure_reply(failure)
            self._record(exchange, _Outcome(reply or wire.Reply(0)), failure.kind)
            send(reply)
            return
        outcome = self._outcome(exchange)
        try:
            if outcome.handled:
                standin.faults.hold_if_wanted(exchange.path)
        finally:
            if outcome.admitted and outcome.tenant is not None:
                standin.limits.release(outcome.tenant)
        if failure is not None:
            self._record(exchange, replace(outcome, reply=wire.Reply(0)), failure.kind)
            send(None)
            return
        self._record(exchange, outcome, None)
        send(outcome.reply)

    def _outcome(self, exchange: Exchange) -> _Outcome:
        standin = self._standin
        if exchange.site == "login":
            if exchange.method == "GET" and exchange.path == "/identity/connect/authorize":
                with standin.lock:
                    return _Outcome(standin.identity.authorize(exchange.query, exchange.time))
        elif exchange.site == "identity":
            form = {k: v[0] for k, v in parse_qs(exchange.body.decode("utf-8", "replace")).items()}
            with standin.lock:
                if exchange.method == "POST" and exchange.path == "/connect/token":
                    reply = standin.identity.token(form, exchange.headers, exchange.time)
                    return _Outcome(reply)
                if exchange.method == "POST" and exchange.path == "/connect/revocation":
                    return _Outcome(standin.identity.revoke(form))
        elif exchange.path == "/connections" or exchange.path.startswith("/connections/"):
            return _Outcome(self._connections(exchange))
        elif exchange.path.startswith(routes.PREFIX + "/"):
            return self._accounting(exchange)
        reply = wire.problem(404, "Not Found", f"{exchange.method} {exchange.path}")
        return _Outcome(reply, handled=False)

    def _connections(self, exchange: Exchange) -> wire.Reply:
        standin = self._standin
        with standin.lock:
            token = standin.identity.bearer(
                exchange.headers.get("authorization", ""), exchange.time
            )
            if isinstance(token, wire.Reply):
                return token
            if exchange.method == "GET" and exchange.path == "/connections":
                return wire.Reply(200, standin.connection_list(token.grant.auth_event_id))
            connection_id = exchange.path.removeprefix("/connections/")
            if exchange.method == "DELETE" and standin.disconnect(connection_id):
                return wire.Reply(204)
        return wire.problem(404, "Not Found", f"{exchange.method} {exchange.path}")

    def _accounting(self, exchange: Exchange) -> _Outcome:
        standin = self._standin
        found = routes.find(exchange.method, exchange.path.removeprefix(routes.PREFIX))
        if isinstance(found, str):
            status = 404 if found == "not found" else 405
            detail = f"{exchange.method} {exchange.path}"
            return _Outcome(wire.problem(status, found.title(), detail), handled=False)
        route = found.route
        refused = self._refuse(exchange, route)
        if refused is not None:
            return _Outcome(refused, handled=False)
        tenant = exchange.headers["xero-tenant-id"]
        admitted = standin.limits.admit(tenant, exchange.time)
        if not isinstance(admitted, dict):
            detail = f"Rate limit exceeded: {admitted.problem}"
            reply = wire.problem(429, "Too Many Requests", detail)
            reply.headers |= admitted.headers | {
                "Retry-After": str(admitted.retry_after),
                "X-Rate-Limit-Problem": admitted.problem,
            }
            return _Outcome(reply, tenant, handled=False)
        try:
            outcome = self._call(exchange, found, tenant)
        except BaseException:
            standin.limits.release(tenant)
            raise
        outcome.reply.headers |= admitted
        return outcome

    def _refuse(self, exchange: Exchange, route: routes.Route) -> wire.Reply | None:
        """The 406, 401 or 403 a call gets before any work, or None."""
        standin = self._standin
        if standin.require_accept_json and "application/json" not in exchange.headers.get(
            "accept", ""
        ):
            detail = "Xero answers XML unless the request says Accept: application/json"
            return wire.problem(406, "Not Acceptable", detail)
        with standin.lock:
            authorization = exchange.headers.get("authorization", "")
            token = standin.identity.bearer(authorization, exchange.time)
        if isinstance(token, wire.Reply):
            return token
        return self._refuse_tenant(exchange, route, token)

    def _refuse_tenant(
        self, exchange: Exchange, route: routes.Route, token: AccessToken
    ) -> wire.Reply | None:
        tenant = exchange.headers.get("xero-tenant-id", "")
        if not self._standin.is_connected(tenant):
            return wire.problem(403, "Forbidden", "AuthenticationUnsuccessful")
        if not routes.scope_allows(route, token.grant.scopes):
            detail = (
                f"AuthorizationUnsuccessful: the token's scopes do not allow {route.operation_id}"
            )
            return wire.problem(403, "Forbidden", detail)
        return None

    def _call(self, exchange: Exchange, found: routes.Found, tenant: str) -> _Outcome:
        standin = self._standin
        route = found.route
        key = exchange.headers.get("idempotency-key") if route.writes else None
        if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
            message = f"Idempotency-Key is longer than {IDEMPOTENCY_KEY_MAX} characters"
            reply = wire.validation_failure([{"ValidationErrors": wire.messages([message])}])
            return _Outcome(reply, tenant, admitted=True)
        fingerprint = _fingerprint(exchange)
        with standin.lock:
            if key is not None and (tenant, key) in self._remembered:
                seen, reply = self._remembered[(tenant, key)]
                if seen != fingerprint:
                    message = "This Idempotency-Key was already used for a different request"
                    reply = wire.validation_failure(
                        [{"ValidationErrors": wire.messages([message])}]
                    )
                    return _Outcome(reply, tenant, admitted=True)
                copy = wire.Reply(reply.status, reply.body, dict(reply.headers))
                return _Outcome(copy, tenant, admitted=True, replayed=True)
            call = Call(
                route,
                found.item_id,
                exchange.query,
                exchange.headers,
                exchange.body,
                standin.books(tenant),
                exchange.time,
                standin,
                found.sub_item_id,
            )
            reply = standin.accounting.handle(call)
            if key is not None and reply.status in {200, 400}:
                self._remembered[(tenant, key)] = (
                    fingerprint,
                    wire.Reply(reply.status, reply.body),
                )
        applied = route.writes and reply.status == 200
        return _Outcome(reply, tenant, admitted=True, applied=applied)

    def _record(self, exchange: Exchange, outcome: _Outcome, fault: str | None) -> None:
        headers = {k: v for k, v in exchange.headers.items() if k != "authorization"}
        record = RecordedRequest(
            site=exchange.site,
            method=exchange.method,
            path=exchange.path,
            query=exchange.query,
            headers=headers,
            body=_body_of(exchange),
            status=outcome.reply.status,
            time=exchange.time,
            tenant_id=exchange.headers.get("xero-tenant-id"),
            idempotency_key=exchange.headers.get("idempotency-key"),
            replayed=outcome.replayed,
            fault=fault,
        )
        self._standin.note(record, applied=outcome.applied)


def _failure_reply(failure: Failure) -> wire.Reply:
    status = int(failure.kind)
    titles = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    reply = wire.problem(status, titles[status], "injected by the test")
    if status == 429:
        reply.headers |= {"Retry-After": str(failure.retry_after), "X-Rate-Limit-Problem": "minute"}
    elif status == 503:
        reply.headers["Retry-After"] = str(failure.retry_after)
    return reply


def _fingerprint(exchange: Exchange) -> str:
    digest = hashlib.sha256(exchange.body).hexdigest()
    query = sorted(exchange.query.items())
    return f"{exchange.method} {exchange.path} {query} {digest}"


def _body_of(exchange: Exchange) -> Any:
    if not exchange.body:
        return None
    if exchange.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {k: v[0] for k, v in parse_qs(exchange.body.decode("utf-8", "replace")).items()}
    try:
        return wire.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        return exchange.body.decode("utf-8", "replace")
