"""The outbox: queue a message once per key, and move it through its states (issue 12).

Each function is one step in the caller's transaction; a sender commits each
step on its own (``integrations.smtp.send_queue``), so that a crash leaves a
true state: a message is SENDING from just before its first byte goes out
until the server's answer is recorded. A message found in SENDING may have
gone, so it is never sent again by itself: ``retry`` with its id does that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from crechebooks_desktop.db.repositories.outbox import NewMessage
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.delivery import (
    KEY_LIMIT,
    Attachment,
    OutboxMessageValue,
    OutboxStatus,
    is_email_address,
)
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit

__all__ = [
    "claim_next",
    "list_messages",
    "mark_failed",
    "mark_sent",
    "mark_uncertain",
    "queue",
    "record_printed",
    "release",
    "retry",
    "uncertain_note",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_ERROR_LIMIT = 1000
_ENTITY = "outbox_message"


def queue(
    uow: UnitOfWork,
    actor: Actor,
    key: str,
    household_id: int | None,
    to: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[Attachment],
    *,
    kind: str | None = None,
) -> OutboxMessageValue:
    """Queue an e-mail, once: a key already in the outbox returns that message unchanged.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who sends (needs to post money, as sending an invoice does).
        key: the idempotency key, one per document and recipient
            (``domain.delivery.delivery_key``).
        household_id: the household it goes to, if any.
        to: the recipients' addresses (at least one).
        subject: the subject line (folded onto one line).
        body: the plain-text body.
        attachments: the files to attach, each with the SHA-256 it must still
            have when the message is sent.
        kind: ``invoice``, ``statement``, ``reminder``, ... (default: the key's first part).

    Returns:
        The queued message, or the one already queued under ``key`` (in whatever state).

    Raises:
        PermissionDenied: the actor may not send.
        RuleViolation: no recipient, an address that is not one, a bad key or hash.
    """
    audit.require(actor, Permission.POST_MONEY)
    existing = uow.outbox.by_key(_checked_key(key))
    if existing is not None:
        return existing
    recipients = _checked_recipients(to)
    new = _new(key, kind, household_id, recipients, subject, body, attachments, OutboxStatus.QUEUED)
    return _add(uow, actor, new, "outbox.queue")


def record_printed(
    uow: UnitOfWork,
    actor: Actor,
    key: str,
    household_id: int | None,
    subject: str,
    attachments: Sequence[Attachment],
    reason: str,
    *,
    kind: str | None = None,
) -> OutboxMessageValue:
    """Record that a household's documents were written for printing instead of e-mailed.

    Idempotent like ``queue``. The message is PRINTED (final) and ``reason``
    (``no e-mail address``, ``no SMTP server set``) is kept as its note.

    Raises:
        PermissionDenied: the actor may not send.
        RuleViolation: a bad key or hash.
    """
    audit.require(actor, Permission.POST_MONEY)
    existing = uow.outbox.by_key(_checked_key(key))
    if existing is not None:
        return existing
    new = _new(key, kind, household_id, (), subject, "", attachments, OutboxStatus.PRINTED)
    return _add(uow, actor, replace(new, note=_short(reason)), "outbox.print")


def list_messages(
    uow: UnitOfWork, actor: Actor, status: OutboxStatus | None = None
) -> list[OutboxMessageValue]:
    """The creche's outbox, oldest first, optionally only one state."""
    audit.require(actor, Permission.READ)
    return uow.outbox.find((status,) if status else ())


def claim_next(uow: UnitOfWork, after_id: int = 0) -> OutboxMessageValue | None:
    """Take the oldest QUEUED message (after ``after_id``) and mark it SENDING.

    The caller commits this before handing the message to the server, and
    records the answer with ``mark_sent``, ``mark_failed`` or ``release``.

    Returns:
        The message, now SENDING with one more attempt, or None when none is queued.
    """
    message = uow.outbox.next_queued(after_id)
    if message is None:
        return None
    uow.outbox.set_status(message.id, OutboxStatus.SENDING, attempted=True)
    return _get(uow, message.id)


def mark_sent(uow: UnitOfWork, actor: Actor, message_id: int) -> OutboxMessageValue:
    """The server accepted the message: SENDING -> SENT, audited."""
    message = _in_state(uow, message_id, OutboxStatus.SENDING)
    uow.outbox.set_status(message_id, OutboxStatus.SENT, sent_at=dt.datetime.now(dt.UTC))
    return _audited(uow, actor, message, "outbox.sent")


def mark_failed(uow: UnitOfWork, actor: Actor, message_id: int, reason: str) -> OutboxMessageValue:
    """The message did not go, or may not have: -> FAILED with ``reason``, audited.

    Args:
        uow: a write transaction.
        actor: who ran the delivery.
        message_id: the message (SENDING or QUEUED).
        reason: what happened, in the server's words where it gave any.
    """
    message = _get(uow, message_id)
    if message.status not in {OutboxStatus.SENDING, OutboxStatus.QUEUED}:
        raise RuleViolation(f"outbox message {message_id} is {message.status.value}, not sending")
    uow.outbox.set_status(message_id, OutboxStatus.FAILED, error=_short(reason))
    return _audited(uow, actor, message, "outbox.failed")


def mark_uncertain(
    uow: UnitOfWork, actor: Actor, message_id: int, reason: str
) -> OutboxMessageValue:
    """The message may have gone (the connection was lost while it was handed over).

    It stays SENDING, with ``reason``, so that no run sends it again by itself
    (audited); ``retry`` with its id does.
    """
    message = _in_state(uow, message_id, OutboxStatus.SENDING)
    uow.outbox.set_status(message_id, OutboxStatus.SENDING, error=_short(reason))
    return _audited(uow, actor, message, "outbox.uncertain")


def uncertain_note(message_id: int) -> str:
    """What to do about a message that may have gone (one left SENDING)."""
    return (
        "it may have gone: check the mailbox's sent folder; "
        f"`crechebooks outbox retry {message_id}` sends it again"
    )


def release(uow: UnitOfWork, actor: Actor, message_id: int, reason: str) -> OutboxMessageValue:
    """Put a SENDING message back in the queue: it certainly did not start (audited).

    Used when the connection was gone before the message was handed over, so
    the next run sends it without anyone having to retry it.
    """
    message = _in_state(uow, message_id, OutboxStatus.SENDING)
    uow.outbox.set_status(message_id, OutboxStatus.QUEUED, error=_short(reason))
    return _audited(uow, actor, message, "outbox.requeue")


def retry(uow: UnitOfWork, actor: Actor, message_id: int | None = None) -> list[OutboxMessageValue]:
    """Queue failed messages again (FAILED -> QUEUED), audited.

    Without an id, every FAILED message. With an id, that message, which may
    also be one left SENDING (it may have gone: asking for it by id is the
    person's decision to send it again).

    Returns:
        The messages put back in the queue (a QUEUED one named by id is returned as it is).

    Raises:
        PermissionDenied: the actor may not send.
        NotFoundError: no message with that id.
        RuleViolation: the message was sent or printed already.
    """
    audit.require(actor, Permission.POST_MONEY)
    if message_id is None:
        targets = uow.outbox.find((OutboxStatus.FAILED,))
    else:
        found = _get(uow, message_id, lock=True)
        if found.status is OutboxStatus.QUEUED:
            return [found]
        if found.status in {OutboxStatus.SENT, OutboxStatus.PRINTED}:
            when = f" on {found.sent_at:%Y-%m-%d %H:%M} UTC" if found.sent_at else ""
            raise RuleViolation(
                f"outbox message {message_id} was {found.status.value.lower()}{when}; "
                "there is nothing to retry"
            )
        targets = [found]
    retried = []
    for message in targets:
        uow.outbox.set_status(message.id, OutboxStatus.QUEUED)
        retried.append(_audited(uow, actor, message, "outbox.retry"))
    return retried


def _new(
    key: str,
    kind: str | None,
    household_id: int | None,
    recipients: tuple[str, ...],
    subject: str,
    body: str,
    attachments: Sequence[Attachment],
    status: OutboxStatus,
) -> NewMessage:
    for attachment in attachments:
        if not _SHA256.fullmatch(attachment.sha256):
            raise RuleViolation(f"attachment {attachment.file_name!r} has no SHA-256 hash")
    return NewMessage(
        key=key,
        kind=(kind or key.partition(":")[0])[:30],
        household_id=household_id,
        recipients=recipients,
        subject=one_line(subject)[:300],
        body=body,
        status=status,
        attachments=tuple(attachments),
    )


def _add(uow: UnitOfWork, actor: Actor, new: NewMessage, action: str) -> OutboxMessageValue:
    message = uow.outbox.add(new, actor.user_id)
    audit.record(uow, actor, action, _ENTITY, message.id, None, _facts(message))
    return message


def _audited(
    uow: UnitOfWork, actor: Actor, before: OutboxMessageValue, action: str
) -> OutboxMessageValue:
    after = _get(uow, before.id)
    audit.record(
        uow,
        actor,
        action,
        _ENTITY,
        after.id,
        {"status": before.status.value},
        {"status": after.status.value, "attempts": after.attempts, "error": after.last_error},
    )
    return after


def _facts(message: OutboxMessageValue) -> dict[str, object]:
    return {
        "key": message.key,
        "kind": message.kind,
        "household_id": message.household_id,
        "recipients": list(message.recipients),
        "subject": message.subject,
        "status": message.status.value,
        "note": message.last_error,
        "attachments": [
            {"file_name": a.file_name, "sha256": a.sha256} for a in message.attachments
        ],
    }


def _checked_key(key: str) -> str:
    if not key or len(key) > KEY_LIMIT or one_line(key) != key:
        raise RuleViolation(f"an outbox key is one line of 1 to {KEY_LIMIT} characters")
    return key


def _checked_recipients(to: Sequence[str]) -> tuple[str, ...]:
    recipients = tuple(dict.fromkeys(address.strip() for address in to if address.strip()))
    if not recipients:
        raise RuleViolation("a message needs at least one recipient")
    for address in recipients:
        if not is_email_address(address):
            raise RuleViolation(f"{address!r} is not an e-mail address")
    return recipients


def _get(uow: UnitOfWork, message_id: int, *, lock: bool = False) -> OutboxMessageValue:
    message = uow.outbox.get(message_id, lock=lock)
    if message is None:
        raise NotFoundError(f"no outbox message {message_id} in this creche")
    return message


def _in_state(uow: UnitOfWork, message_id: int, status: OutboxStatus) -> OutboxMessageValue:
    message = _get(uow, message_id, lock=True)
    if message.status is not status:
        raise RuleViolation(
            f"outbox message {message_id} is {message.status.value}, not {status.value}"
        )
    return message


def _short(reason: str) -> str:
    text = one_line(reason)
    return text if len(text) <= _ERROR_LIMIT else text[: _ERROR_LIMIT - 1] + "…"
