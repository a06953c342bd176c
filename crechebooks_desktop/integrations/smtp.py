"""Sending the outbox through the creche's own SMTP server (issue 12).

One connection per run. Each message: marked SENDING (committed) -> handed to
the server -> marked SENT (committed). What the server says decides the rest:

- a refused recipient, sender or message: FAILED with the server's words; the
  run goes on with the next message.
- the connection gone before the message was handed over (MAIL, RCPT): the
  message certainly did not go, so it is put back in the queue, and the run
  stops; the next run sends it and the rest.
- the connection gone (or timed out) while the message itself was being handed
  over (DATA): it may have gone, so it stays SENDING, "uncertain", and is never
  sent again by itself (``outbox retry ID`` does that); the run stops.
- the user name or password refused: the run stops before anything is sent.

A crash at any point leaves each message in a true state: at most one message
is SENDING, and it is reported as uncertain by the next run.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import OutboxMessageValue, OutboxStatus, SmtpSettings
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.integrations.email_message import (
    AttachmentChanged,
    build_email,
    email_bytes,
)
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.billing.monthly_run import Transactions
from crechebooks_desktop.services.delivery import outbox
from crechebooks_desktop.services.delivery.report import DeliveryReport, MessageOutcome
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.services.household_statements.reminders import REMINDER_KIND
from crechebooks_desktop.services.tasks import TaskState

__all__ = ["LOGIN_REFUSED", "send_queue"]

LOGIN_REFUSED = "the SMTP server refused the user name or password"
_ACCEPTED = {250, 251}
_CLOSING = 421


class _Stop(Exception):
    """The run cannot go on; the message is why."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: OutboxStatus
    reason: str | None = None
    stop: bool = False


def send_queue(
    transactions: Transactions,
    actor: Actor,
    creche: CrecheSettings,
    password: str | None,
    *,
    task: TaskState | None = None,
    on_sent: Callable[[OutboxMessageValue], None] | None = None,
    timeout: float = 30.0,
) -> DeliveryReport:
    """Send every QUEUED message of the creche, one by one, over one connection.

    Args:
        transactions: opens a write transaction in the creche (each step commits on its own).
        actor: who sends (needs to post money).
        creche: the creche's settings (its SMTP server and name).
        password: the SMTP password; None for a server that needs no login.
        task: progress (messages done of those queued) and cancel (between messages).
        on_sent: called after each message is recorded SENT (progress; tests inject faults).
        timeout: seconds to wait for the server at each step.

    Returns:
        What was sent, what failed and why, what is uncertain, what is still queued.

    Raises:
        PermissionDenied: the actor may not send.
        UserFacingError: no SMTP server is set, or it needs a password and none was given.
    """
    audit.require(actor, Permission.POST_MONEY)
    smtp = creche.smtp
    if smtp is None:
        raise UserFacingError("no SMTP server is set: set smtp-host and smtp-from first")
    if smtp.user and password is None:
        raise UserFacingError(f"the SMTP server needs the password of {smtp.user}")
    run = _Run(transactions, actor, creche, smtp, task or TaskState(), on_sent)
    with transactions() as uow:
        waiting = len(uow.outbox.find((OutboxStatus.QUEUED,)))
    stopped = None
    if waiting:
        try:
            with _connected(smtp, password, timeout) as connection:
                run.deliver_all(connection, waiting)
        except _Stop as stop:
            stopped = str(stop)
    return run.report(stopped)


class _Run:
    """One run's state: what was sent and failed so far."""

    def __init__(
        self,
        transactions: Transactions,
        actor: Actor,
        creche: CrecheSettings,
        smtp: SmtpSettings,
        task: TaskState,
        on_sent: Callable[[OutboxMessageValue], None] | None,
    ) -> None:
        self.transactions = transactions
        self.actor = actor
        self.creche = creche
        self.smtp = smtp
        self.task = task
        self.on_sent = on_sent
        self.sent: list[MessageOutcome] = []
        self.failed: list[MessageOutcome] = []

    def deliver_all(self, connection: smtplib.SMTP, waiting: int) -> None:
        last = 0
        while not self.task.cancelled:
            with self.transactions() as uow:
                message = outbox.claim_next(uow, last)
                withdrawn = _withdrawn(uow, self.actor, message)
            if message is None:
                return
            last = message.id
            if withdrawn is not None:
                self.failed.append(
                    MessageOutcome.of(withdrawn, withdrawn.status, withdrawn.last_error)
                )
                continue
            outcome = self._hand_over(connection, message)
            self._record(message, outcome)
            done = len(self.sent) + len(self.failed)
            self.task.progress(min(done, waiting), waiting, message.subject)
            if outcome.stop:
                raise _Stop(outcome.reason)
        raise _Stop("cancelled; the rest of the queue waits for the next run")

    def _hand_over(self, connection: smtplib.SMTP, message: OutboxMessageValue) -> _Outcome:
        try:
            mail = build_email(message, self.actor.tenant_id, self.smtp.sender, self.creche.name)
        except AttachmentChanged as exc:
            return _Outcome(OutboxStatus.FAILED, str(exc))
        try:
            refused = _envelope(connection, self.smtp.sender, message.recipients)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            reason = f"the connection to the SMTP server was lost ({_reason(exc)})"
            return _Outcome(OutboxStatus.QUEUED, reason, stop=True)
        if refused is not None:
            return refused
        return _hand_data(connection, email_bytes(mail), message.id)

    def _record(self, message: OutboxMessageValue, outcome: _Outcome) -> None:
        reason = outcome.reason or ""
        with self.transactions() as uow:
            if outcome.status is OutboxStatus.SENT:
                after = outbox.mark_sent(uow, self.actor, message.id)
            elif outcome.status is OutboxStatus.FAILED:
                after = outbox.mark_failed(uow, self.actor, message.id, reason)
            elif outcome.status is OutboxStatus.QUEUED:
                after = outbox.release(uow, self.actor, message.id, reason)
            else:
                after = outbox.mark_uncertain(uow, self.actor, message.id, reason)
        if after.status is OutboxStatus.SENT:
            self.sent.append(MessageOutcome.of(after, after.status))
            if self.on_sent is not None:
                self.on_sent(after)
        elif after.status is OutboxStatus.FAILED:
            self.failed.append(MessageOutcome.of(after, after.status, after.last_error))

    def report(self, stopped: str | None) -> DeliveryReport:
        with self.transactions() as uow:
            queued = len(uow.outbox.find((OutboxStatus.QUEUED,)))
            uncertain = uow.outbox.find((OutboxStatus.SENDING,))
        return DeliveryReport(
            sent=tuple(self.sent),
            failed=tuple(self.failed),
            uncertain=tuple(
                MessageOutcome.of(m, m.status, m.last_error or outbox.uncertain_note(m.id))
                for m in uncertain
            ),
            still_queued=queued,
            stopped=stopped,
        )


def _withdrawn(
    uow: UnitOfWork, actor: Actor, message: OutboxMessageValue | None
) -> OutboxMessageValue | None:
    """A reminder whose invoices were paid, voided or covered since it was queued: FAILED, unsent.

    Asked in the transaction that claims the message, with its invoices locked,
    so a reminder never goes out about an invoice that is no longer owed.
    """
    if message is None or message.kind != REMINDER_KIND:
        return None
    reason = reminders.still_owed(uow, message.id)
    if reason is None:
        return None
    return outbox.mark_failed(uow, actor, message.id, f"not sent: {reason}")


def _envelope(
    connection: smtplib.SMTP, sender: str, recipients: tuple[str, ...]
) -> _Outcome | None:
    """MAIL and RCPT; an outcome when the server refuses, None when it takes them all."""
    code, words = connection.mail(sender)
    if code == _CLOSING:
        return _Outcome(OutboxStatus.QUEUED, _words("the server is closing", code, words), True)
    if code not in _ACCEPTED:
        connection.rset()
        return _refusal(f"the server refused the sender {sender}", code, words)
    refused = []
    for address in recipients:
        code, words = connection.rcpt(address)
        if code == _CLOSING:
            return _Outcome(OutboxStatus.QUEUED, _words("the server is closing", code, words), True)
        if code not in _ACCEPTED:
            refused.append(_words(address, code, words))
    if refused:
        connection.rset()
        return _Outcome(OutboxStatus.FAILED, "the server refused " + "; ".join(refused))
    return None


def _hand_data(connection: smtplib.SMTP, data: bytes, message_id: int) -> _Outcome:
    """DATA: the message itself; a connection lost now leaves it uncertain."""
    try:
        code, words = connection.data(data)
    except smtplib.SMTPDataError as exc:
        return _refusal("the server refused the message", exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        reason = (
            f"the connection to the SMTP server was lost while the message was handed "
            f"over ({_reason(exc)}); " + outbox.uncertain_note(message_id)
        )
        return _Outcome(OutboxStatus.SENDING, reason, stop=True)
    if code not in _ACCEPTED:
        return _refusal("the server refused the message", code, words)
    return _Outcome(OutboxStatus.SENT)


def _refusal(what: str, code: int, words: bytes | str) -> _Outcome:
    if code == _CLOSING:
        return _Outcome(OutboxStatus.QUEUED, _words("the server is closing", code, words), True)
    return _Outcome(OutboxStatus.FAILED, _words(what, code, words))


def _words(what: str, code: int, words: bytes | str) -> str:
    text = words.decode("utf-8", "replace") if isinstance(words, bytes) else words
    return f"{what}: {code} {' '.join(text.split())}"


@contextmanager
def _connected(smtp: SmtpSettings, password: str | None, timeout: float) -> Iterator[smtplib.SMTP]:
    """A connection to the server, secured and logged in as the settings say."""
    where = f"{smtp.host}:{smtp.port}"
    try:
        connection = _open(smtp, timeout)
    except (smtplib.SMTPException, OSError) as exc:
        raise _Stop(f"cannot reach the SMTP server at {where}: {_reason(exc)}") from None
    try:
        _log_in(connection, smtp, password, where)
        yield connection
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _open(smtp: SmtpSettings, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.security.value == "ssl":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    connection = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    if smtp.security.value == "starttls":
        connection.ehlo()
        connection.starttls(context=context)
    return connection


def _log_in(connection: smtplib.SMTP, smtp: SmtpSettings, password: str | None, where: str) -> None:
    try:
        connection.ehlo()
        if smtp.user:
            connection.login(smtp.user, password or "")
    except smtplib.SMTPAuthenticationError as exc:
        secrets.forget_for_session(secrets.SERVICE, smtp.secret_key)
        raise _Stop(_words(LOGIN_REFUSED, exc.smtp_code, exc.smtp_error)) from None
    except smtplib.SMTPNotSupportedError:
        raise _Stop(
            f"the SMTP server at {where} offers no login; clear smtp-user if it needs none"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise _Stop(f"cannot log in to the SMTP server at {where}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _words("the server said", exc.smtp_code, exc.smtp_error)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
