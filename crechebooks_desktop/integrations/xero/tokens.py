"""Xero's tokens in the keyring, refreshed before they expire.

Only the refresh token is kept, in the operating system's keyring under the
book and creche; the access token lives in memory. Each refresh gives a new
refresh token, which replaces the old one at once. Where the machine has no
keyring, the connection lasts for this session only (kept in memory), and the
person is told so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.integrations.xero.endpoints import Endpoints
from crechebooks_desktop.integrations.xero.oauth import Tokens, refresh_tokens

__all__ = ["NO_KEYRING_NOTE", "TokenStore", "token_key"]

NO_KEYRING_NOTE = (
    "this machine has no keyring, so the Xero connection lasts for this session only; "
    "connect again in the next one"
)

REFRESH_MARGIN = dt.timedelta(minutes=5)
"""Refresh this long before the access token (30 minutes) expires."""


def token_key(book_name: str, tenant_id: int) -> str:
    """The keyring name of a creche's Xero refresh token in a book."""
    return f"xero:{tenant_id}@{book_name}"


class TokenStore:
    """A creche's Xero tokens: the refresh token in the keyring, the access token here."""

    def __init__(self, where: Endpoints, client_id: str, key: str) -> None:
        self._where = where
        self._client_id = client_id
        self._key = key
        self._lock = threading.Lock()
        self._tokens: Tokens | None = None

    def keep(self, tokens: Tokens) -> bool:
        """Keep new tokens; whether the keyring holds them (else this session only)."""
        with self._lock:
            self._tokens = tokens
        return self._store(tokens.refresh_token)

    def access_token(self, *, force: bool = False) -> str:
        """A valid access token, refreshed first when it is about to expire (or ``force``).

        Raises:
            UserFacingError: not connected (no refresh token), or Xero refused the refresh.
        """
        with self._lock:
            now = dt.datetime.now(dt.UTC)
            if (
                self._tokens is not None
                and not force
                and self._tokens.expires_at - now > REFRESH_MARGIN
            ):
                return self._tokens.access_token
            refresh = self._tokens.refresh_token if self._tokens else self._stored()
            fresh = refresh_tokens(self._where, self._client_id, refresh)
            self._tokens = fresh
        self._store(fresh.refresh_token)
        return fresh.access_token

    def forget(self) -> str | None:
        """Remove the tokens (disconnecting); the refresh token, to revoke it."""
        with self._lock:
            refresh = self._tokens.refresh_token if self._tokens else None
            self._tokens = None
        with contextlib.suppress(secrets.SecretUnavailable):
            refresh = refresh or secrets.get_secret(secrets.SERVICE, self._key)
        try:
            secrets.delete_secret(secrets.SERVICE, self._key)
        except secrets.SecretUnavailable:
            secrets.forget_for_session(secrets.SERVICE, self._key)
        return refresh

    def _stored(self) -> str:
        try:
            stored = secrets.get_secret(secrets.SERVICE, self._key)
        except secrets.SecretUnavailable as exc:
            raise UserFacingError(
                f"{exc}: the Xero connection was kept for its session only; "
                "connect again (`crechebooks xero connect`)"
            ) from None
        if stored is None:
            raise UserFacingError(
                "no Xero connection is kept on this machine for this book; "
                "connect again (`crechebooks xero connect`)"
            )
        return stored

    def _store(self, refresh_token: str) -> bool:
        try:
            secrets.set_secret(secrets.SERVICE, self._key, refresh_token)
        except secrets.SecretUnavailable:
            secrets.remember_for_session(secrets.SERVICE, self._key, refresh_token)
            return False
        return True
