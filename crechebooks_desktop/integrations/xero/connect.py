"""Connecting a creche to its Xero organisation, and disconnecting it.

The same steps for the command line and the window; the front end gives the
ways to show the URL (or open the browser) and to choose an organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.xero.api import XeroApi
from crechebooks_desktop.integrations.xero.endpoints import TIMEOUT, Endpoints, endpoints
from crechebooks_desktop.integrations.xero.limits import Limits
from crechebooks_desktop.integrations.xero.oauth import (
    CallbackReceiver,
    OAuthError,
    exchange_code,
    new_authorization,
    revoke,
)
from crechebooks_desktop.integrations.xero.tokens import TokenStore, token_key
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.sync import xero_connection

__all__ = ["Connected", "Organisation", "api_for", "connect", "disconnect"]


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation the person let the app reach (``GET /connections``)."""

    connection_id: str
    tenant_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Connected:
    """The outcome of connecting."""

    organisation: Organisation
    in_keyring: bool


def connect(
    book: Book,
    actor: Actor,
    client_id: str,
    *,
    show_url: Callable[[str], None],
    choose: Callable[[Sequence[Organisation]], Organisation],
    sync_from: dt.date,
    port: int = 0,
    timeout: float = 600.0,
    cancelled: Callable[[], bool] = lambda: False,
) -> Connected:
    """Sign in at Xero, choose the organisation, keep the refresh token, record the choice.

    Args:
        book: the book.
        actor: who connects (an administrator).
        client_id: the app's client id (an "Auth Code with PKCE" app: no secret).
        show_url: opens the browser at the URL, or prints it.
        choose: picks one of the organisations (asked, or ``--tenant``).
        sync_from: invoices issued from this day on are sent.
        port: the loopback port Xero redirects to (0: any free one).
        timeout: seconds to wait for the browser.
        cancelled: polled while waiting.

    Raises:
        PermissionDenied: the actor may not change settings.
        UserFacingError: Xero refused, nobody answered, or no organisation.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    client_id = client_id.strip()
    if not client_id:
        raise UserFacingError("a Xero client id is needed (the app's, from developer.xero.com)")
    where = endpoints()
    receiver = CallbackReceiver(port)
    try:
        request = new_authorization(where, client_id, receiver.redirect_uri)
        show_url(request.url)
        code = receiver.wait(request, timeout, cancelled)
    finally:
        receiver.close()
    tokens = exchange_code(where, client_id, request, code)
    organisations = _organisations(where, tokens.access_token)
    if not organisations:
        raise UserFacingError("the Xero sign-in gave access to no organisation; nothing was kept")
    chosen = choose(organisations)
    store = TokenStore(where, client_id, token_key(book.name, actor.tenant_id))
    kept = store.keep(tokens)
    with book.write(actor.tenant_id) as uow:
        xero_connection.record_connection(
            uow, actor, client_id, chosen.tenant_id, chosen.name, chosen.connection_id, sync_from
        )
    return Connected(chosen, kept)


def disconnect(book: Book, actor: Actor) -> str | None:
    """Remove the connection from Xero (where it answers), the keyring and the book.

    Returns:
        The organisation that was connected, if any.
    """
    with book.write(actor.tenant_id) as uow:
        before = xero_connection.forget_connection(uow, actor)
    if before is None:
        return None
    where = endpoints()
    store = TokenStore(where, before.client_id, token_key(book.name, actor.tenant_id))
    try:
        access = store.access_token()
        if before.connection_id:
            requests.delete(
                f"{where.connections}/{before.connection_id}",
                headers={"Authorization": f"Bearer {access}"},
                timeout=TIMEOUT,
            )
    except (UserFacingError, requests.RequestException):
        pass  # Xero unreachable or already revoked: the local part is done anyway
    refresh = store.forget()
    if refresh:
        revoke(where, before.client_id, refresh)
    return before.xero_tenant_name


def api_for(book: Book, actor: Actor, limits: Limits | None = None) -> XeroApi:
    """A client for the creche's connected organisation.

    Raises:
        UserFacingError: not connected.
    """
    with book.read(actor.tenant_id) as uow:
        found = xero_connection.connection(uow, actor)
    where = endpoints()
    store = TokenStore(where, found.client_id, token_key(book.name, actor.tenant_id))
    return XeroApi(where, store, found.xero_tenant_id, limits)


def _organisations(where: Endpoints, access_token: str) -> list[Organisation]:
    try:
        response = requests.get(
            where.connections,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise OAuthError(f"cannot reach Xero ({type(exc).__name__})") from None
    if response.status_code != 200:  # noqa: PLR2004 - HTTP OK
        raise OAuthError(f"Xero would not list the organisations (HTTP {response.status_code})")
    return [
        Organisation(str(row.get("id")), str(row["tenantId"]), str(row["tenantName"]))
        for row in response.json() or []
        if row.get("tenantType", "ORGANISATION") == "ORGANISATION"
    ]
