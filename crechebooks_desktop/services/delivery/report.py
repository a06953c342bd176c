"""What a delivery run reports: who was sent what, what failed, what is left (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crechebooks_desktop.domain.delivery import OutboxMessageValue, OutboxStatus


@dataclass(frozen=True, slots=True)
class MessageOutcome:
    """One message's state after a run.

    Attributes:
        id: the outbox message.
        household_ref: its household's account reference, if any.
        household_name: the household's parent name, if any.
        recipients: the addresses.
        subject: the subject line.
        status: where it stands now.
        error: why it failed (the server's words where it gave any), or None.
    """

    id: int
    household_ref: str | None
    household_name: str | None
    recipients: tuple[str, ...]
    subject: str
    status: OutboxStatus
    error: str | None = None

    @classmethod
    def of(
        cls, message: OutboxMessageValue, status: OutboxStatus, error: str | None = None
    ) -> MessageOutcome:
        """The outcome of ``message``, now in ``status``."""
        return cls(
            message.id,
            message.household_ref,
            message.household_name,
            message.recipients,
            message.subject,
            status,
            error,
        )

    def as_json(self) -> dict[str, Any]:
        """The outcome as ``--json`` prints it."""
        return {
            "id": self.id,
            "household_ref": self.household_ref,
            "household_name": self.household_name,
            "recipients": list(self.recipients),
            "subject": self.subject,
            "status": self.status.value,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """The result of sending the queue.

    Attributes:
        sent: messages the server accepted in this run.
        failed: messages that ended FAILED in this run, with the reason.
        uncertain: messages in SENDING: they may have gone, and are not sent again by themselves.
        still_queued: how many messages are still QUEUED after the run.
        stopped: why the run stopped before the queue was empty (None when it emptied it).
    """

    sent: tuple[MessageOutcome, ...] = ()
    failed: tuple[MessageOutcome, ...] = ()
    uncertain: tuple[MessageOutcome, ...] = ()
    still_queued: int = 0
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every message went: nothing failed, uncertain or left behind."""
        return not (self.failed or self.uncertain or self.still_queued or self.stopped)

    def as_json(self) -> dict[str, Any]:
        """The report as ``--json`` prints it."""
        return {
            "sent": [m.as_json() for m in self.sent],
            "failed": [m.as_json() for m in self.failed],
            "uncertain": [m.as_json() for m in self.uncertain],
            "still_queued": self.still_queued,
            "stopped": self.stopped,
        }
