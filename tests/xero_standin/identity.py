"""Xero's identity service for a PKCE (no client secret) app: authorize, token, revocation.

- ``GET /identity/connect/authorize`` (login site) checks the app, the loopback
  redirect, the scopes and the S256 code challenge, then consents on the user's
  behalf and redirects with ``code`` and ``state`` (or ``error=access_denied``
  when the test sets ``consent = False``). Bad requests get a 400 JSON error and
  no redirect. Consent connects every organisation of the stand-in.
- ``POST /connect/token`` (identity site) trades a code (single use, five
  minutes) and its verifier for tokens, or a refresh token for new ones. Every
  refresh returns a new refresh token and the old one stops working (Xero
  allows 30 minutes of grace; ``refresh_grace_seconds`` turns that on). A
  client secret is refused: the app is a PKCE app.
- ``POST /connect/revocation`` revokes a refresh token and the access tokens
  issued from it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode

from tests.xero_standin import wire

CODE_SECONDS = 300
REFRESH_SECONDS = 60 * 24 * 3600
_LOOPBACK = re.compile(r"^http://(localhost|127\.0\.0\.1):\d{1,5}/callback$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
KNOWN_SCOPES = frozenset(
    {
        "openid", "profile", "email", "offline_access",
        "accounting.transactions", "accounting.transactions.read",
        "accounting.invoices", "accounting.invoices.read",
        "accounting.payments", "accounting.payments.read",
        "accounting.banktransactions", "accounting.banktransactions.read",
        "accounting.manualjournals", "accounting.manualjournals.read",
        "accounting.contacts", "accounting.contacts.read",
        "accounting.settings", "accounting.settings.read",
        "accounting.attachments", "accounting.attachments.read",
        "accounting.reports.read", "accounting.journals.read", "accounting.budgets.read",
    }
)  # fmt: skip


class IdentitySettings(Protocol):
    """The stand-in's switches the identity service reads on every call."""

    client_id: str
    consent: bool
    access_token_seconds: int
    refresh_grace_seconds: int

    def connect_all(self, now: float) -> None:
        """Connect every organisation (the user consented)."""
        ...


@dataclass
class Grant:
    """One consent: its scopes and the tokens issued under it."""

    auth_event_id: str
    client_id: str
    scopes: frozenset[str]


@dataclass
class AccessToken:
    """A bearer token."""

    grant: Grant
    expires_at: float
    revoked: bool = False


@dataclass
class RefreshToken:
    """A refresh token; ``used_at`` is when it was rotated away."""

    grant: Grant
    expires_at: float
    used_at: float | None = None
    revoked: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass
class _Code:
    grant: Grant
    redirect_uri: str
    challenge: str
    expires_at: float
    used: bool = False


class Identity:
    """Authorization codes and tokens, in memory."""

    def __init__(self, settings: IdentitySettings) -> None:
        self._settings = settings
        self._codes: dict[str, _Code] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}

    # --------------------------------------------------------------- authorize

    def authorize(self, query: Mapping[str, list[str]], now: float) -> wire.Reply:
        """Check the request and redirect back with a code (consent is automatic)."""
        params = {name: values[0] for name, values in query.items() if values}
        problem = self._authorize_problem(params)
        if problem:
            return wire.Reply(400, {"error": "invalid_request", "error_description": problem})
        redirect = params["redirect_uri"]
        if not self._settings.consent:
            answer = {"error": "access_denied", "state": params["state"]}
            return wire.Reply(302, None, {"Location": f"{redirect}?{urlencode(answer)}"})
        self._settings.connect_all(now)
        scopes = frozenset(params["scope"].split())
        grant = Grant(str(uuid.uuid4()), params["client_id"], scopes)
        code = secrets.token_urlsafe(32)
        self._codes[code] = _Code(grant, redirect, params["code_challenge"], now + CODE_SECONDS)
        answer = {"code": code, "scope": params["scope"], "state": params["state"]}
        return wire.Reply(302, None, {"Location": f"{redirect}?{urlencode(answer)}"})

    def _authorize_problem(self, params: Mapping[str, str]) -> str | None:
        checks = (
            (params.get("response_type") == "code", "response_type must be code"),
            (params.get("client_id") == self._settings.client_id, "unknown client_id"),
            (
                bool(_LOOPBACK.match(params.get("redirect_uri", ""))),
                "redirect_uri must be http://localhost:PORT/callback or http://127.0.0.1:PORT/callback",
            ),
            (bool(params.get("state")), "state is required"),
            (params.get("code_challenge_method") == "S256", "code_challenge_method must be S256"),
            (
                bool(_CHALLENGE.match(params.get("code_challenge", ""))),
                "code_challenge must be base64url(sha256(verifier)) without padding",
            ),
        )
        for ok, message in checks:
            if not ok:
                return message
        return _scope_problem(params.get("scope", ""))

    # ------------------------------------------------------------------- token

    def token(self, form: Mapping[str, str], headers: Mapping[str, str], now: float) -> wire.Reply:
        """Answer POST /connect/token."""
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return _error("invalid_request", "send the form as application/x-www-form-urlencoded")
        if "client_secret" in form or headers.get("authorization", "").lower().startswith("basic"):
            return _error("invalid_client", "this is a PKCE app: send no client secret")
        if form.get("client_id") != self._settings.client_id:
            return _error("invalid_client", "unknown client_id")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(form, now)
        if grant_type == "refresh_token":
            return self._refresh(form, now)
        return _error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _exchange_code(self, form: Mapping[str, str], now: float) -> wire.Reply:
        code = self._codes.get(form.get("code", ""))
        if code is None or code.used or code.expires_at <= now:
            return _error("invalid_grant", "the code is unknown, used or expired")
        if form.get("redirect_uri") != code.redirect_uri:
            return _error("invalid_grant", "redirect_uri differs from the one authorised")
        verifier = form.get("code_verifier", "")
        if not _VERIFIER.match(verifier) or _challenge_of(verifier) != code.challenge:
            return _error("invalid_grant", "code_verifier does not match the code_challenge")
        code.used = True
        return self.issue(code.grant, now)

    def _refresh(self, form: Mapping[str, str], now: float) -> wire.Reply:
        token = self.refresh_tokens.get(form.get("refresh_token", ""))
        grace = self._settings.refresh_grace_seconds
        if (
            token is None
            or token.revoked
            or token.expires_at <= now
            or (token.used_at is not None and now - token.used_at >= grace)
            or token.grant.client_id != form.get("client_id")
        ):
            return _error("invalid_grant", "the refresh token is unknown, used, revoked or expired")
        token.used_at = token.used_at if token.used_at is not None else now
        return self.issue(token.grant, now)

    def issue(self, grant: Grant, now: float) -> wire.Reply:
        access = secrets.token_urlsafe(32)
        self.access_tokens[access] = AccessToken(grant, now + self._settings.access_token_seconds)
        body: dict[str, object] = {
            "id_token": None,
            "access_token": access,
            "expires_in": self._settings.access_token_seconds,
            "token_type": "Bearer",
            "scope": " ".join(sorted(grant.scopes)),
        }
        if "offline_access" in grant.scopes:
            refresh = secrets.token_urlsafe(32)
            self.refresh_tokens[refresh] = RefreshToken(
                grant, now + REFRESH_SECONDS, access_tokens=[access]
            )
            body["refresh_token"] = refresh
        if "openid" not in grant.scopes:
            del body["id_token"]
        else:
            body["id_token"] = "stand-in-id-token"
        return wire.Reply(200, body, {"Cache-Control": "no-store"})

    def revoke(self, form: Mapping[str, str]) -> wire.Reply:
        """Answer POST /connect/revocation: the refresh token and its access tokens stop working."""
        if form.get("client_id") != self._settings.client_id:
            return _error("invalid_client", "unknown client_id")
        token = self.refresh_tokens.get(form.get("token", ""))
        if token is not None:
            token.revoked = True
            for access in token.access_tokens:
                self.access_tokens[access].revoked = True
        return wire.Reply(200, None)

    # ------------------------------------------------------------------ bearer

    def bearer(self, header: str, now: float) -> AccessToken | wire.Reply:
        """The access token an Authorization header carries, or the 401 Xero answers."""
        found = re.fullmatch(r"Bearer\s+(\S+)", header.strip())
        token = self.access_tokens.get(found.group(1)) if found else None
        if token is None or token.revoked:
            reply = wire.problem(401, "Unauthorized", "AuthenticationUnsuccessful")
        elif token.expires_at <= now:
            expired = wire.iso_timestamp(token.expires_at)
            reply = wire.problem(401, "Unauthorized", f"TokenExpired: token expired at {expired}")
        else:
            return token
        reply.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return reply


def _scope_problem(scope: str) -> str | None:
    scopes = set(scope.split())
    unknown = sorted(scopes - KNOWN_SCOPES)
    if unknown:
        return f"unknown scope(s): {', '.join(unknown)}"
    transactions = (
        "accounting.transactions" in scopes
        or {
            "accounting.invoices",
            "accounting.payments",
        }
        <= scopes
    )
    needed = {"offline_access", "accounting.contacts"}
    settings = bool({"accounting.settings", "accounting.settings.read"} & scopes)
    if not needed <= scopes or not transactions or not settings:
        return (
            "scope must include offline_access, accounting.contacts, accounting.settings "
            "(or accounting.settings.read) and accounting.transactions (or "
            "accounting.invoices and accounting.payments)"
        )
    return None


def _challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _error(code: str, description: str) -> wire.Reply:
    return wire.Reply(400, {"error": code, "error_description": description})
