"""The delivery outbox: messages to households and their attachments (issue 12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Household, OutboxAttachment, OutboxMessage
from crechebooks_desktop.domain.delivery import Attachment, OutboxMessageValue, OutboxStatus

_SEPARATOR = ","


@dataclass(frozen=True, slots=True)
class NewMessage:
    """What a new outbox row holds."""

    key: str
    kind: str
    household_id: int | None
    recipients: tuple[str, ...]
    subject: str
    body: str
    status: OutboxStatus
    attachments: tuple[Attachment, ...]
    note: str | None = None


class OutboxRepository(TenantScoped):
    """Queue messages, move them through their states and read them back."""

    def add(self, new: NewMessage, created_by: int | None) -> OutboxMessageValue:
        """Insert a message and its attachments; returns it."""
        row = OutboxMessage(
            tenant_id=self.tenant_id,
            idempotency_key=new.key,
            kind=new.kind,
            household_id=new.household_id,
            recipients=_SEPARATOR.join(new.recipients),
            subject=new.subject,
            body=new.body,
            status=new.status,
            attempts=0,
            last_error=new.note,
            created_by=created_by,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            OutboxAttachment(
                message_id=row.id,
                position=position,
                file_name=a.file_name,
                document_id=a.document_id,
                local_path=a.local_path,
                sha256=a.sha256,
            )
            for position, a in enumerate(new.attachments, start=1)
        )
        self.session.flush()
        found = self.get(row.id)
        assert found is not None  # noqa: S101 - inserted just above
        return found

    def by_key(self, key: str) -> OutboxMessageValue | None:
        """The message with this idempotency key, if any."""
        message_id = self.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.tenant_id == self.tenant_id, OutboxMessage.idempotency_key == key
            )
        )
        return None if message_id is None else self.get(message_id)

    def get(self, message_id: int, *, lock: bool = False) -> OutboxMessageValue | None:
        """One message by id (locked until the transaction ends, when asked)."""
        query = select(OutboxMessage).where(
            OutboxMessage.tenant_id == self.tenant_id, OutboxMessage.id == message_id
        )
        if lock:
            query = query.with_for_update()
        row = self.session.scalars(query.execution_options(populate_existing=True)).first()
        return None if row is None else self._values([row])[0]

    def find(
        self, statuses: Sequence[OutboxStatus] = (), ids: Sequence[int] = ()
    ) -> list[OutboxMessageValue]:
        """Messages in any of ``statuses`` (all when empty), or with these ids, oldest first."""
        query = select(OutboxMessage).where(OutboxMessage.tenant_id == self.tenant_id)
        if statuses:
            query = query.where(OutboxMessage.status.in_(list(statuses)))
        if ids:
            query = query.where(OutboxMessage.id.in_(list(ids)))
        query = query.order_by(OutboxMessage.id).execution_options(populate_existing=True)
        return self._values(list(self.session.scalars(query)))

    def next_queued(self, after_id: int = 0) -> OutboxMessageValue | None:
        """The oldest QUEUED message after ``after_id``, locked (others skip it on PostgreSQL)."""
        row = self.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.tenant_id == self.tenant_id,
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.id > after_id,
            )
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).first()
        return None if row is None else self._values([row])[0]

    def set_status(
        self,
        message_id: int,
        status: OutboxStatus,
        *,
        error: str | None = None,
        sent_at: dt.datetime | None = None,
        attempted: bool = False,
    ) -> None:
        """Move a message to ``status``, with the reason (or None) and when it was sent."""
        values: dict[str, object] = {"status": status, "last_error": error, "sent_at": sent_at}
        if attempted:
            values["attempts"] = OutboxMessage.attempts + 1
        self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.tenant_id == self.tenant_id, OutboxMessage.id == message_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def counts(self) -> dict[OutboxStatus, int]:
        """How many messages are in each state."""
        rows = self.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.tenant_id == self.tenant_id)
            .group_by(OutboxMessage.status)
        )
        return {OutboxStatus(status): int(count) for status, count in rows}

    def _values(self, rows: list[OutboxMessage]) -> list[OutboxMessageValue]:
        attachments = self._attachments([row.id for row in rows])
        households = self._households({row.household_id for row in rows} - {None})
        return [
            _value(row, households.get(row.household_id), attachments.get(row.id, ()))
            for row in rows
        ]

    def _attachments(self, message_ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
        found: dict[int, list[Attachment]] = {}
        if not message_ids:
            return {}
        rows = self.session.scalars(
            select(OutboxAttachment)
            .where(OutboxAttachment.message_id.in_(message_ids))
            .order_by(OutboxAttachment.message_id, OutboxAttachment.position)
        )
        for a in rows:
            found.setdefault(a.message_id, []).append(
                Attachment(a.file_name, a.local_path, a.sha256, a.document_id)
            )
        return {key: tuple(value) for key, value in found.items()}

    def _households(self, ids: set[int | None]) -> dict[int | None, tuple[str, str]]:
        if not ids:
            return {}
        rows = self.session.execute(
            select(Household.id, Household.account_ref, Household.parent_name).where(
                Household.tenant_id == self.tenant_id, Household.id.in_(ids)
            )
        )
        return {row.id: (row.account_ref, row.parent_name) for row in rows}


def _value(
    row: OutboxMessage, household: tuple[str, str] | None, attachments: tuple[Attachment, ...]
) -> OutboxMessageValue:
    return OutboxMessageValue(
        id=row.id,
        key=row.idempotency_key,
        kind=row.kind,
        household_id=row.household_id,
        household_ref=household[0] if household else None,
        household_name=household[1] if household else None,
        recipients=tuple(r for r in row.recipients.split(_SEPARATOR) if r),
        subject=row.subject,
        body=row.body,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        queued_at=row.queued_at,
        sent_at=row.sent_at,
        attachments=attachments,
    )
