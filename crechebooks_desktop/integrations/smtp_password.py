"""The SMTP password: from the keyring, or asked once per session where there is none (issue 12).

The password is never written to the book, a file or a log. A server that
needs no login (no ``smtp_user``) needs no password.
"""

from __future__ import annotations

from collections.abc import Callable

from crechebooks_desktop.domain.delivery import SmtpSettings
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets

__all__ = ["NO_KEYRING_NOTE", "check_keyring", "smtp_password", "store_smtp_password"]

NO_KEYRING_NOTE = "the SMTP password is asked once per session and kept only in memory"

Ask = Callable[[str], str]
"""Asks the person for a secret (``getpass.getpass`` on a terminal)."""


def smtp_password(smtp: SmtpSettings, ask: Ask | None, tell: Callable[[str], None]) -> str | None:
    """The password to log in to the creche's SMTP server with.

    Args:
        smtp: the server's settings.
        ask: asks the person (None where nobody can be asked, e.g. a scheduled task).
        tell: shows a note (that the machine has no keyring and the password is asked).

    Returns:
        The password; None when the server needs no login.

    Raises:
        UserFacingError: a password is needed and cannot be had (none stored and
            nobody to ask, or an empty answer).
    """
    if not smtp.user:
        return None
    try:
        stored = secrets.get_secret(secrets.SERVICE, smtp.secret_key)
    except secrets.SecretUnavailable as exc:
        if ask is None:
            raise UserFacingError(
                f"{exc}, so the SMTP password of {smtp.user} must be typed at a terminal "
                "(once per session); nothing was sent"
            ) from None
        tell(f"{exc}: {NO_KEYRING_NOTE}")
        return _asked(smtp, ask)
    if stored is not None:
        return stored
    if ask is None:
        raise UserFacingError(
            f"no SMTP password is stored for {smtp.user} at {smtp.host}; store it with "
            "`crechebooks settings set smtp-password`; nothing was sent"
        )
    return _asked(smtp, ask)


def store_smtp_password(smtp: SmtpSettings, password: str) -> None:
    """Keep the password in the keyring (and for this session).

    Raises:
        UserFacingError: an empty password, or no keyring here (then it is
            asked once per session instead; nothing was stored).
    """
    if not smtp.user:
        raise UserFacingError("set smtp-user first: a server without a login needs no password")
    if not password:
        raise UserFacingError("no password given; nothing was stored")
    try:
        secrets.set_secret(secrets.SERVICE, smtp.secret_key, password)
    except secrets.SecretUnavailable as exc:
        raise _cannot_store(exc) from None


def check_keyring() -> None:
    """Refuse before asking for a password that could not be stored.

    Raises:
        UserFacingError: no keyring here; the password is asked once per session instead.
    """
    try:
        secrets.require_keyring()
    except secrets.SecretUnavailable as exc:
        raise _cannot_store(exc) from None


def _cannot_store(exc: secrets.SecretUnavailable) -> UserFacingError:
    return UserFacingError(
        f"{exc}, so the SMTP password cannot be stored; it will be asked once per "
        "session when mail is sent, and kept only in memory"
    )


def _asked(smtp: SmtpSettings, ask: Ask) -> str:
    password = ask(f"SMTP password for {smtp.user} at {smtp.host}: ")
    if not password:
        raise UserFacingError("no SMTP password given; nothing was sent")
    secrets.remember_for_session(secrets.SERVICE, smtp.secret_key, password)
    return password
