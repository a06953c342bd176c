"""Secrets in the operating system's keyring, cached for this process (docs/RULES.md, Delivery).

The SMTP password (and later Xero tokens and S3 keys) is kept in the keyring
under ``(service, key)``, never in the book, a file or a log. ``keyring`` is an
optional package (extra ``sync``), imported only when a secret is needed;
without it, or on a machine with no keyring backend, :class:`SecretUnavailable`
says so, and the front end asks for the secret once per session instead
(:func:`remember_for_session`).

Nothing here logs a secret or puts one in a message.
"""

from __future__ import annotations

import threading
from types import ModuleType

from crechebooks_desktop.errors import UserFacingError

__all__ = [
    "SERVICE",
    "SecretUnavailable",
    "delete_secret",
    "forget_for_session",
    "get_secret",
    "keyring_available",
    "remember_for_session",
    "require_keyring",
    "set_secret",
]

SERVICE = "crechebooks-desktop"
"""The keyring's service name for this application's secrets."""

_session: dict[tuple[str, str], str] = {}
_lock = threading.Lock()


class SecretUnavailable(UserFacingError):
    """The keyring cannot be used here: the package is missing or the machine has no backend."""


def _keyring() -> ModuleType:
    try:
        import keyring  # noqa: PLC0415 - optional: imported only when a secret is needed
    except ImportError:
        raise SecretUnavailable(
            "the keyring package is not installed, so secrets cannot be kept"
        ) from None
    return keyring


def _unavailable(exc: Exception) -> SecretUnavailable:
    # The backend's own message names the backend, never the secret; keep only its gist.
    if type(exc).__name__ == "NoKeyringError":
        return SecretUnavailable("this machine has no keyring (no keyring backend is available)")
    return SecretUnavailable(f"the keyring could not be used ({type(exc).__name__})")


def keyring_available() -> bool:
    """Whether a keyring backend is there to keep secrets."""
    try:
        require_keyring()
    except SecretUnavailable:
        return False
    return True


def require_keyring() -> None:
    """Refuse when no keyring can keep secrets here.

    Raises:
        SecretUnavailable: the package is missing or the machine has no backend.
    """
    keyring = _keyring()
    from keyring.backends import fail  # noqa: PLC0415 - optional package

    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise SecretUnavailable("this machine has no keyring (no keyring backend is available)")


def get_secret(service: str, key: str) -> str | None:
    """The secret stored under ``(service, key)``: this session's copy, else the keyring's.

    Returns:
        The secret, or None when the keyring has none.

    Raises:
        SecretUnavailable: no keyring here and no copy for this session.
    """
    with _lock:
        cached = _session.get((service, key))
    if cached is not None:
        return cached
    keyring = _keyring()
    try:
        value: str | None = keyring.get_password(service, key)
    except Exception as exc:  # noqa: BLE001 - a backend may raise anything (D-Bus, a locked store)
        raise _unavailable(exc) from None
    if value is not None:
        remember_for_session(service, key, value)
    return value


def set_secret(service: str, key: str, value: str) -> None:
    """Store a secret in the keyring (and keep it for this session).

    Raises:
        SecretUnavailable: no keyring here; nothing was stored.
    """
    keyring = _keyring()
    try:
        keyring.set_password(service, key, value)
    except Exception as exc:  # noqa: BLE001 - a backend may raise anything (D-Bus, a locked store)
        raise _unavailable(exc) from None
    remember_for_session(service, key, value)


def delete_secret(service: str, key: str) -> bool:
    """Remove a secret from the keyring and this session.

    Returns:
        True when the keyring had it.

    Raises:
        SecretUnavailable: no keyring here (this session's copy is forgotten anyway).
    """
    forget_for_session(service, key)
    keyring = _keyring()
    try:
        keyring.delete_password(service, key)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:  # noqa: BLE001 - a backend may raise anything (D-Bus, a locked store)
        raise _unavailable(exc) from None
    return True


def remember_for_session(service: str, key: str, value: str) -> None:
    """Keep a secret in this process's memory only (asked once per session)."""
    with _lock:
        _session[(service, key)] = value


def forget_for_session(service: str, key: str) -> None:
    """Drop this process's copy of a secret (e.g. after the server refused it)."""
    with _lock:
        _session.pop((service, key), None)
