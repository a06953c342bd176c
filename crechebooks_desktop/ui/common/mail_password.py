"""The SMTP password in the window: the keyring first, else asked once per session (issue 12).

``look_up`` runs on the database thread (the keyring may be slow or ask the
desktop for permission); when it finds no password it says why, and the
window asks on the GUI thread with ``password_dialog`` (replaced in tests).
``resolve`` then runs, on the database thread, at the start of the job that
sends: it takes what was typed and keeps it for this session only, so the
person is asked once each time CrecheBooks starts. Nothing is queued before
the password is had, as on the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from crechebooks_desktop.errors import UserFacingError

if TYPE_CHECKING:
    from crechebooks_desktop.domain.delivery import SmtpSettings

NO_KEYRING = (
    "This computer has no keyring, so the password is asked once each time CrecheBooks starts "
    "and kept only in memory."
)
NOT_STORED = (
    "No password for it is stored in the keyring (`crechebooks settings set smtp-password` "
    "stores it), so it is asked now and kept only in memory until CrecheBooks closes."
)


@dataclass(frozen=True, slots=True)
class PasswordNeed:
    """The password must be asked: for which login, and why it was not found."""

    user: str
    host: str
    why: str

    @property
    def question(self) -> str:
        """What the password dialog says."""
        return f"The SMTP password for {self.user} at {self.host}:\n\n{self.why}"


@dataclass(frozen=True, slots=True)
class PasswordLookup:
    """What the keyring said: the password (None: no login needed), or that it must be asked."""

    password: str | None = None
    need: PasswordNeed | None = None


AskPassword = Callable[[QWidget, PasswordNeed], str | None]
"""Asks for the password on the GUI thread; None when the person cancels."""


class _MustAsk(Exception):
    """Raised by the stand-in asker: the keyring had no password."""


def look_up(smtp: SmtpSettings) -> PasswordLookup:
    """The password from this session or the keyring, or why it must be asked (worker thread)."""
    from crechebooks_desktop.integrations.smtp_password import smtp_password  # noqa: PLC0415

    notes: list[str] = []

    def must_ask(_prompt: str) -> str:
        raise _MustAsk

    try:
        return PasswordLookup(smtp_password(smtp, must_ask, notes.append))
    except _MustAsk:
        why = NO_KEYRING if notes else NOT_STORED
        return PasswordLookup(need=PasswordNeed(smtp.user or "", smtp.host, why))


def resolve(smtp: SmtpSettings, typed: str | None) -> str | None:
    """The password to send with: the stored one, else ``typed``, kept for this session.

    Raises:
        UserFacingError: it had to be asked and nothing was typed; nothing was sent.
    """
    from crechebooks_desktop.integrations.smtp_password import smtp_password  # noqa: PLC0415

    def answer(_prompt: str) -> str:
        if typed is None:
            raise UserFacingError("the SMTP password was not given; nothing was sent")
        return typed

    return smtp_password(smtp, answer, lambda _note: None)


def password_dialog(parent: QWidget, need: PasswordNeed) -> str | None:
    """Ask for the password (hidden as it is typed)."""
    text, ok = QInputDialog.getText(
        parent, "SMTP password", need.question, QLineEdit.EchoMode.Password
    )
    return text if ok else None
