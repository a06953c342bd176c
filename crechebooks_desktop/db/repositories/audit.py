"""Writing and reading the audit log (append-only in the database).

Records are written through Core with their ids reserved, and noted for
sealing into the creche's hash chain when the transaction commits
(``db/history.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crechebooks_desktop.db import history
from crechebooks_desktop.db.repositories.bulk import insert_rows, reserve_ids, table_of
from crechebooks_desktop.db.tables import AuditRecord
from crechebooks_desktop.db.types import utc_now


@dataclass(frozen=True, slots=True)
class AuditValue:
    """One audit record."""

    id: int
    tenant_id: int | None
    user_id: int | None
    username: str
    at: dt.datetime
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


_AUDIT = table_of(AuditRecord)


class AuditRepository:
    """Append audit records; read them back for display and tests."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        tenant_id: int | None,
        user_id: int | None,
        username: str,
        action: str,
        entity: str,
        entity_id: object,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Add one record to the current transaction."""
        self.append_many(
            [
                {
                    "tenant_id": tenant_id,
                    "user_id": user_id,
                    "username": username,
                    "action": action,
                    "entity": entity,
                    "entity_id": None if entity_id is None else str(entity_id),
                    "before": before,
                    "after": after,
                }
            ]
        )

    def append_many(self, records: list[dict[str, Any]]) -> None:
        """Add many records at once (bulk jobs: demo books, monthly runs)."""
        if not records:
            return
        ids = reserve_ids(self.session, _AUDIT, len(records))
        now = utc_now()
        rows = [{"at": now, **r, "id": i} for i, r in zip(ids, records, strict=True)]
        insert_rows(self.session, _AUDIT, rows)
        history.note_written(self.session, history.AUDIT, rows)

    def latest(self, tenant_id: int | None, limit: int = 50) -> list[AuditValue]:
        """The newest records of a creche (or of the book, with None), newest first."""
        query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if tenant_id is not None:
            query = query.where(AuditRecord.tenant_id == tenant_id)
        return [_value(r) for r in self.session.scalars(query)]

    def of_entity(
        self, tenant_id: int, action: str, entity: str, entity_id: int
    ) -> list[AuditValue]:
        """The creche's records of one action on one thing, oldest first."""
        query = (
            select(AuditRecord)
            .where(
                AuditRecord.tenant_id == tenant_id,
                AuditRecord.action == action,
                AuditRecord.entity == entity,
                AuditRecord.entity_id == str(entity_id),
            )
            .order_by(AuditRecord.id)
        )
        return [_value(r) for r in self.session.scalars(query)]

    def has_action(self, tenant_id: int, action: str) -> bool:
        """Whether the creche's log holds a record of this action (e.g. ``demo.create``)."""
        query = (
            select(AuditRecord.id)
            .where(AuditRecord.tenant_id == tenant_id, AuditRecord.action == action)
            .limit(1)
        )
        return self.session.scalar(query) is not None


def _value(r: AuditRecord) -> AuditValue:
    """A stored record as the value the services read."""
    return AuditValue(
        id=r.id,
        tenant_id=r.tenant_id,
        user_id=r.user_id,
        username=r.username,
        at=r.at,
        action=r.action,
        entity=r.entity,
        entity_id=r.entity_id,
        before=r.before,
        after=r.after,
    )
