"""The creche's Xero and S3 outbox (``sync_outbox``, issue 15).

An item is queued in the transaction of the change that causes it. At most one
unfinished item exists per thing and action: queuing again while one waits (or
after it was refused) makes that item pending again with a new idempotency key,
since what will be sent has changed. An item is marked done only if its key is
still the one that was sent, so a change made while it was in flight queues it
again instead of being lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import SyncOutbox
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import SyncStatus, SyncTarget
from crechebooks_desktop.domain.sync import OutboxCounts, SyncItem

_UNFINISHED = text("status <> 'DONE'")
_KEYS = ["tenant_id", "target", "entity", "entity_id", "action"]
_ERROR_LIMIT = 500


def new_key() -> str:
    """A fresh idempotency key (a random UUID: Xero takes keys up to 128 characters)."""
    return str(uuid.uuid4())


class SyncOutboxRepository(TenantScoped):
    """Queue, read and settle outbox items."""

    def queue(
        self,
        target: SyncTarget,
        entity: str,
        entity_id: int,
        action: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Queue a thing to send, or make its unfinished item pending again."""
        self.queue_many(target, [(entity, entity_id, action)], payload)

    def queue_many(
        self,
        target: SyncTarget,
        things: Iterable[tuple[str, int, str]],
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Queue many (entity, id, action) in one statement (a month's invoices)."""
        unique = list(dict.fromkeys(things))
        if not unique:
            return
        now = utc_now()
        dialect = self.session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        for start in range(0, len(unique), 1000):
            statement = upsert(SyncOutbox).values(
                [
                    {
                        "tenant_id": self.tenant_id,
                        "target": target,
                        "entity": entity,
                        "entity_id": entity_id,
                        "action": action,
                        "idempotency_key": new_key(),
                        "payload": payload or {},
                        "status": SyncStatus.PENDING,
                        "attempts": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for entity, entity_id, action in unique[start : start + 1000]
                ]
            )
            self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=_KEYS,
                    index_where=_UNFINISHED,
                    set_={
                        "idempotency_key": statement.excluded.idempotency_key,
                        "payload": statement.excluded.payload,
                        "status": SyncStatus.PENDING,
                        "attempts": 0,
                        "last_error": None,
                        "updated_at": now,
                    },
                )
            )

    def pending(self, target: SyncTarget, limit: int | None = None) -> list[SyncItem]:
        """Items waiting to be sent, oldest first."""
        query = (
            select(SyncOutbox)
            .where(
                SyncOutbox.tenant_id == self.tenant_id,
                SyncOutbox.target == target,
                SyncOutbox.status == SyncStatus.PENDING,
            )
            .order_by(SyncOutbox.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_item(row) for row in self.session.scalars(query)]

    def failed(self, target: SyncTarget) -> list[SyncItem]:
        """Items refused, oldest first."""
        rows = self.session.scalars(
            select(SyncOutbox)
            .where(
                SyncOutbox.tenant_id == self.tenant_id,
                SyncOutbox.target == target,
                SyncOutbox.status == SyncStatus.FAILED,
            )
            .order_by(SyncOutbox.id)
        )
        return [_item(row) for row in rows]

    def counts(self, target: SyncTarget) -> OutboxCounts:
        """How many items are pending, done and failed."""
        rows = self.session.execute(
            select(SyncOutbox.status, func.count())
            .where(SyncOutbox.tenant_id == self.tenant_id, SyncOutbox.target == target)
            .group_by(SyncOutbox.status)
        )
        found = {SyncStatus(status): int(count) for status, count in rows}
        return OutboxCounts(
            pending=found.get(SyncStatus.PENDING, 0),
            done=found.get(SyncStatus.DONE, 0),
            failed=found.get(SyncStatus.FAILED, 0),
        )

    def mark_done(self, sent: Iterable[tuple[int, str]]) -> int:
        """Settle items sent with these (id, idempotency key) pairs; how many were settled.

        An item queued again since (its key changed) stays pending.
        """
        now = utc_now()
        settled = 0
        for item_id, key in sent:
            result = self.session.execute(
                update(SyncOutbox)
                .where(
                    SyncOutbox.tenant_id == self.tenant_id,
                    SyncOutbox.id == item_id,
                    SyncOutbox.idempotency_key == key,
                )
                .values(
                    status=SyncStatus.DONE,
                    done_at=now,
                    updated_at=now,
                    last_error=None,
                    attempts=SyncOutbox.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            settled += int(getattr(result, "rowcount", 0) or 0)
        return settled

    def mark_failed(self, item_id: int, key: str, message: str) -> None:
        """Record a refusal (the remote side's own words); retried after a change or on request."""
        now = utc_now()
        self.session.execute(
            update(SyncOutbox)
            .where(
                SyncOutbox.tenant_id == self.tenant_id,
                SyncOutbox.id == item_id,
                SyncOutbox.idempotency_key == key,
            )
            .values(
                status=SyncStatus.FAILED,
                last_error=message[:_ERROR_LIMIT],
                updated_at=now,
                attempts=SyncOutbox.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )

    def retry(self, target: SyncTarget, item_ids: Sequence[int] | None = None) -> int:
        """Make refused items pending again (all, or these), each with a new key; how many.

        The key is new because the refused request was answered: the same key
        would only bring back the same refusal.
        """
        query = select(SyncOutbox.id).where(
            SyncOutbox.tenant_id == self.tenant_id,
            SyncOutbox.target == target,
            SyncOutbox.status == SyncStatus.FAILED,
        )
        if item_ids is not None:
            query = query.where(SyncOutbox.id.in_(list(item_ids)))
        now = utc_now()
        ids = list(self.session.scalars(query))
        for item_id in ids:
            self.session.execute(
                update(SyncOutbox)
                .where(SyncOutbox.id == item_id)
                .values(status=SyncStatus.PENDING, idempotency_key=new_key(), updated_at=now)
                .execution_options(synchronize_session=False)
            )
        return len(ids)


def _item(row: SyncOutbox) -> SyncItem:
    return SyncItem(
        id=row.id,
        target=SyncTarget(row.target),
        entity=row.entity,
        entity_id=row.entity_id,
        action=row.action,
        idempotency_key=row.idempotency_key,
        status=SyncStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        updated_at=row.updated_at,
        payload=dict(row.payload or {}),
    )
