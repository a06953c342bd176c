"""Delivering documents to households: the outbox's states, keys and SMTP settings (issue 12).

An outbox message moves through these states:

- ``QUEUED``: waiting to be sent (new, or put back by ``outbox retry``, or put
  back because the connection dropped before it started).
- ``SENDING``: handed to the SMTP server. It is committed before the first
  byte goes out, so a crash leaves it here; such a message may have gone, and
  is never sent again by itself (``outbox retry ID`` sends it again).
- ``SENT``: the server accepted it.
- ``FAILED``: refused, or its fate is unknown; ``last_error`` says why, in the
  server's words where it gave any. ``outbox retry`` puts it back in the queue.
- ``PRINTED``: no e-mail (no SMTP server set, or the household has no
  address): its PDFs were written for printing instead. Final.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EMAIL_PATTERN",
    "KEY_LIMIT",
    "Attachment",
    "OutboxMessageValue",
    "OutboxStatus",
    "SmtpSecurity",
    "SmtpSettings",
    "delivery_key",
    "is_email_address",
    "message_id",
]

EMAIL_PATTERN = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")
"""An address the outbox takes: one ``local@domain.tld``, no display name."""

KEY_LIMIT = 300
"""The longest idempotency key the book keeps (``outbox_messages.idempotency_key``)."""


class OutboxStatus(enum.StrEnum):
    """Where an outbox message stands (see the module's docstring)."""

    QUEUED = "QUEUED"
    SENDING = "SENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    PRINTED = "PRINTED"


class SmtpSecurity(enum.StrEnum):
    """How the connection to the SMTP server is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"

    @property
    def default_port(self) -> int:
        """The usual port: 25 plain, 587 STARTTLS, 465 SSL."""
        return {"none": 25, "starttls": 587, "ssl": 465}[self.value]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The creche's mailbox, as far as the book keeps it (the password is in the keyring).

    Attributes:
        host: the server's name.
        port: its port.
        security: plain, STARTTLS or SSL.
        user: the login name; None for a server that needs no login.
        sender: the From address.
    """

    host: str
    port: int
    security: SmtpSecurity
    user: str | None
    sender: str

    @property
    def secret_key(self) -> str:
        """The name the password has in the keyring: one per login at a server."""
        return f"smtp:{self.user or ''}@{self.host.lower()}"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to attach to a message, and the hash it must still have when sent.

    Attributes:
        file_name: the name the recipient sees (``INV-2026-000010.pdf``).
        local_path: where the file is (an archived document).
        sha256: its SHA-256 (hex) as archived.
        document_id: its ``documents`` row, when it is an archived document.
    """

    file_name: str
    local_path: str
    sha256: str
    document_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The attachment as ``--json`` prints it."""
        return {
            "file_name": self.file_name,
            "local_path": self.local_path,
            "sha256": self.sha256,
            "document_id": self.document_id,
        }


@dataclass(frozen=True, slots=True)
class OutboxMessageValue:
    """One outbox message with its attachments (see the module's docstring for the states)."""

    id: int
    key: str
    kind: str
    household_id: int | None
    household_ref: str | None
    household_name: str | None
    recipients: tuple[str, ...]
    subject: str
    body: str
    status: OutboxStatus
    attempts: int
    last_error: str | None
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    attachments: tuple[Attachment, ...]

    def as_json(self) -> dict[str, Any]:
        """The message as ``outbox list --json`` prints it (without the body)."""
        return {
            "id": self.id,
            "key": self.key,
            "kind": self.kind,
            "household_ref": self.household_ref,
            "household_name": self.household_name,
            "recipients": list(self.recipients),
            "subject": self.subject,
            "status": self.status.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "queued_at": self.queued_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "attachments": [a.as_json() for a in self.attachments],
        }


def is_email_address(text: str) -> bool:
    """Whether ``text`` is one plain e-mail address."""
    return EMAIL_PATTERN.fullmatch(text) is not None


def delivery_key(kind: str, documents: Sequence[tuple[str, str]], recipients: Sequence[str]) -> str:
    """The idempotency key of a message: its kind, documents and recipients.

    The same documents (same numbers and bytes) to the same addresses give the
    same key, so queueing them again finds the message already there; a changed
    document (a new hash) or another address is a new message.

    Args:
        kind: ``invoice``, ``statement``, ``reminder``, ...
        documents: (name, SHA-256 hex) of each attached document, e.g. the
            invoice number and its archived PDF's hash.
        recipients: the addresses (order and case do not matter).

    Returns:
        ``kind:NAMES:vHASH:ADDRESSES``, hashed in part when it would be longer
        than ``KEY_LIMIT``.
    """
    names = "+".join(name for name, _ in documents)
    version = hashlib.sha256("|".join(sha for _, sha in documents).encode()).hexdigest()[:16]
    addresses = ",".join(sorted({r.strip().lower() for r in recipients})) or "print"
    key = f"{kind}:{names}:v{version}:{addresses}"
    if len(key) <= KEY_LIMIT:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{kind}:{digest}"


def message_id(tenant_id: int, key: str, sender: str) -> str:
    """A Message-ID made from the key: a resend of the same message carries the same one."""
    digest = hashlib.sha256(f"{tenant_id}:{key}".encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "crechebooks.invalid"
    return f"<{digest}@{domain}>"
