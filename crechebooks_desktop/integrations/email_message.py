"""An outbox message as an e-mail, its attachments read from disk and checked (issue 12).

Each attachment's bytes must still have the SHA-256 the outbox recorded when
the message was queued: a file changed or lost since then is not sent (the
recipient would get something other than the archived document).
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import mimetypes
from email.message import EmailMessage
from pathlib import Path

from crechebooks_desktop.domain.delivery import Attachment, OutboxMessageValue, message_id

__all__ = ["AttachmentChanged", "build_email", "email_bytes"]


class AttachmentChanged(Exception):
    """An attachment is missing or no longer has its recorded SHA-256; the message says which."""


def build_email(
    message: OutboxMessageValue, tenant_id: int, sender: str, sender_name: str | None = None
) -> EmailMessage:
    """The e-mail for an outbox message.

    Args:
        message: the outbox message.
        tenant_id: its creche (part of the Message-ID).
        sender: the From address (the creche's ``smtp_from``).
        sender_name: the name shown with it (the creche's name).

    Returns:
        The message with its attachments; its Message-ID is made from the
        key, so sending it again carries the same one.

    Raises:
        AttachmentChanged: an attachment is missing or its bytes changed.
    """
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["From"] = email.utils.formataddr((sender_name or "", sender))
    mail["To"] = ", ".join(message.recipients)
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(localtime=True)
    mail["Message-ID"] = message_id(tenant_id, message.key, sender)
    mail.set_content(message.body or message.subject)
    for attachment in message.attachments:
        maintype, subtype = _mime_type(attachment.file_name)
        mail.add_attachment(
            _checked_bytes(attachment),
            maintype=maintype,
            subtype=subtype,
            filename=attachment.file_name,
        )
    return mail


def email_bytes(mail: EmailMessage) -> bytes:
    """The message as it goes over SMTP (CRLF line ends)."""
    return mail.as_bytes(policy=email.policy.SMTP)


def _checked_bytes(attachment: Attachment) -> bytes:
    try:
        data = Path(attachment.local_path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise AttachmentChanged(
            f"attachment {attachment.file_name} cannot be read from {attachment.local_path} "
            f"({reason}); print it again and send a new message"
        ) from None
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise AttachmentChanged(
            f"attachment {attachment.file_name} at {attachment.local_path} changed since the "
            "message was queued (its SHA-256 differs); print it again and send a new message"
        )
    return data


def _mime_type(file_name: str) -> tuple[str, str]:
    guessed, _encoding = mimetypes.guess_type(file_name)
    maintype, _, subtype = (guessed or "application/octet-stream").partition("/")
    return maintype, subtype
