"""OAuth 2.0 with PKCE for a desktop app: no client secret (Xero's "Auth Code with PKCE").

The browser signs in at Xero and comes back to a one-shot server on loopback
(``http://localhost:PORT/callback``), which checks ``state`` and closes. The
code is exchanged with the verifier whose S256 hash the authorize URL carried.
Tokens never reach a log or an exception message: only Xero's error code does.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.server
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.xero.endpoints import SCOPES, TIMEOUT, Endpoints

__all__ = [
    "AuthorizationRequest",
    "CallbackReceiver",
    "OAuthError",
    "Tokens",
    "exchange_code",
    "new_authorization",
    "refresh_tokens",
    "revoke",
]


class OAuthError(UserFacingError):
    """Xero refused to sign in or to give tokens (its error code is in the message)."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """An access token, when it expires, and the refresh token that replaces it."""

    access_token: str
    refresh_token: str
    expires_at: dt.datetime

    def __repr__(self) -> str:  # never show a token, even in a debugger's dump or a log
        return f"Tokens(expires_at={self.expires_at.isoformat()})"


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """One sign-in: the URL to open, and the secrets to check its answer with."""

    url: str
    state: str
    verifier: str
    redirect_uri: str

    def __repr__(self) -> str:
        return f"AuthorizationRequest(redirect_uri={self.redirect_uri!r})"


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_authorization(where: Endpoints, client_id: str, redirect_uri: str) -> AuthorizationRequest:
    """A fresh state and verifier, and the authorize URL with the S256 challenge."""
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256",
        },
        quote_via=urllib.parse.quote,
    )
    return AuthorizationRequest(f"{where.authorize}?{query}", state, verifier, redirect_uri)


class CallbackReceiver:
    """A one-shot HTTP server on loopback that takes Xero's redirect with the code.

    Bound to 127.0.0.1 on a free port (or the one given: Xero matches the
    redirect URI exactly, so an app registered with a fixed port needs it).
    """

    def __init__(self, port: int = 0) -> None:
        self._done = threading.Event()
        self._query: dict[str, str] = {}
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path != "/callback":
                    self.send_error(404)
                    return
                answer = dict(urllib.parse.parse_qsl(parsed.query))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                words = (
                    "CrecheBooks is connected to Xero. You may close this tab."
                    if "code" in answer
                    else "Xero did not connect CrecheBooks. You may close this tab."
                )
                self.wfile.write(f"<html><body><p>{words}</p></body></html>".encode())
                receiver._take(answer)

            def log_message(self, *_args: Any) -> None:
                return  # the query holds the code: never logged

        try:
            self._server = http.server.HTTPServer(("127.0.0.1", port), Handler)
        except OSError as exc:
            raise OAuthError(
                f"cannot listen on port {port} for Xero's answer ({exc.strerror})"
            ) from None
        self._server.timeout = 0.5  # handle_request returns to look at _done twice a second
        self._thread = threading.Thread(target=self._serve, daemon=True, name="xero-callback")
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        """The loopback address Xero sends the browser back to."""
        return f"http://localhost:{self._server.server_address[1]}/callback"

    def _serve(self) -> None:
        while not self._done.is_set():
            self._server.handle_request()

    def _take(self, answer: dict[str, str]) -> None:
        self._query = answer
        self._done.set()

    def wait(
        self, request: AuthorizationRequest, timeout: float, cancelled: Callable[[], bool]
    ) -> str:
        """The code from Xero's redirect, once it comes (checked against ``state``).

        Raises:
            OAuthError: refused, a wrong state, no answer in time, or cancelled.
        """
        waited = 0.0
        try:
            while not self._done.wait(0.25):
                waited += 0.25
                if cancelled():
                    raise OAuthError("connecting to Xero was cancelled")
                if waited >= timeout:
                    raise OAuthError(
                        f"Xero's answer did not come within {int(timeout)} seconds; "
                        "connect again when the browser is ready"
                    )
        finally:
            self.close()
        answer = self._query
        if answer.get("state") != request.state:
            raise OAuthError("Xero's answer did not carry this sign-in's state; nothing was kept")
        if "error" in answer:
            raise OAuthError(f"Xero did not connect: {answer['error']}")
        code = answer.get("code")
        if not code:
            raise OAuthError("Xero's answer had no code")
        return code

    def close(self) -> None:
        """Stop listening."""
        self._done.set()
        self._server.server_close()


def exchange_code(
    where: Endpoints, client_id: str, request: AuthorizationRequest, code: str
) -> Tokens:
    """Tokens for the code, proven with the verifier."""
    return _token_call(
        where,
        {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.verifier,
        },
    )


def refresh_tokens(where: Endpoints, client_id: str, refresh_token: str) -> Tokens:
    """New tokens for a refresh token (Xero gives a new refresh token each time)."""
    return _token_call(
        where,
        {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token},
    )


def revoke(where: Endpoints, client_id: str, refresh_token: str) -> None:
    """Revoke a refresh token (disconnecting); a failure is not an error here."""
    try:
        requests.post(
            where.revocation,
            data={"token": refresh_token, "client_id": client_id},
            timeout=TIMEOUT,
        )
    except requests.RequestException:
        return


def _token_call(where: Endpoints, form: dict[str, str]) -> Tokens:
    try:
        response = requests.post(
            where.token, data=form, headers={"Accept": "application/json"}, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise OAuthError(f"cannot reach Xero's sign-in ({type(exc).__name__})") from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != HTTPStatus.OK:
        error = answer.get("error") if isinstance(answer, dict) else None
        hint = " (connect again: `crechebooks xero connect`)" if error == "invalid_grant" else ""
        raise OAuthError(
            f"Xero refused the sign-in: {error or f'HTTP {response.status_code}'}{hint}"
        )
    try:
        lifetime = int(answer["expires_in"])
        return Tokens(
            str(answer["access_token"]),
            str(answer["refresh_token"]),
            dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lifetime),
        )
    except (KeyError, TypeError, ValueError):
        raise OAuthError("Xero's token answer lacked a token or its lifetime") from None
