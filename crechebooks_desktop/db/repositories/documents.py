"""Archived documents (generated PDFs), and what the book keeps about their copies.

The hash an invoice keeps of its latest copy, and each document's key in the
S3 archive (issue 15).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import and_, exists, select, update

from crechebooks_desktop.db.repositories.bulk import insert_rows, reserve_ids, table_of
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Document, Invoice, SyncOutbox
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import SyncStatus, SyncTarget

_CHUNK = 900
"""Ids per IN (...) list (SQLite allows 32,766 bound parameters in all)."""


class NewDocument(NamedTuple):
    """A document row to insert (``add_many``)."""

    kind: str
    entity: str
    entity_id: int
    sha256: str
    local_path: str


@dataclass(frozen=True, slots=True)
class DocumentValue:
    """One archived document."""

    id: int
    kind: str
    entity: str
    entity_id: int
    sha256: str
    local_path: str
    remote_key: str | None
    created_at: dt.datetime
    name: str | None = None
    hidden_at: dt.datetime | None = None


class DocumentRepository(TenantScoped):
    """Record archived documents and read them back."""

    def add(self, kind: str, entity: str, entity_id: int, sha256: str, local_path: str) -> int:
        """Insert a document row; returns its id."""
        row = Document(
            tenant_id=self.tenant_id,
            kind=kind,
            entity=entity,
            entity_id=entity_id,
            sha256=sha256,
            local_path=local_path,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_attachment(
        self, entity: str, entity_id: int, name: str, sha256: str, local_path: str
    ) -> int:
        """Insert a file attached to a thing (kind ``attachment``); returns its id."""
        row = Document(
            tenant_id=self.tenant_id,
            kind="attachment",
            entity=entity,
            entity_id=entity_id,
            sha256=sha256,
            local_path=local_path,
            name=name,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def hide(self, document_id: int) -> None:
        """Hide a document (an attachment detached): the row and its file stay."""
        self.session.execute(
            update(Document)
            .where(Document.tenant_id == self.tenant_id, Document.id == document_id)
            .values(hidden_at=utc_now())
            .execution_options(synchronize_session=False)
        )

    def add_many(self, rows: Sequence[NewDocument]) -> list[int]:
        """Insert many document rows in one statement; their ids, in order."""
        table = table_of(Document)
        ids = reserve_ids(self.session, table, len(rows))
        now = utc_now()
        insert_rows(
            self.session,
            table,
            [
                {"id": i, "tenant_id": self.tenant_id, "created_at": now, **row._asdict()}
                for i, row in zip(ids, rows, strict=True)
            ],
        )
        return ids

    def versions(self, kind: str, entity: str, entity_id: int) -> list[DocumentValue]:
        """Every archived copy of one thing, oldest first (the last is the current one)."""
        rows = self.session.scalars(
            select(Document)
            .where(
                Document.tenant_id == self.tenant_id,
                Document.kind == kind,
                Document.entity == entity,
                Document.entity_id == entity_id,
            )
            .order_by(Document.id)
        )
        return [_value(row) for row in rows]

    def of_entities(
        self, kind: str, entity: str, entity_ids: Sequence[int]
    ) -> dict[int, list[DocumentValue]]:
        """Every archived copy of many things at once, by entity id, oldest first."""
        found: dict[int, list[DocumentValue]] = {}
        ids = sorted(set(entity_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self.session.scalars(
                select(Document)
                .where(
                    Document.tenant_id == self.tenant_id,
                    Document.kind == kind,
                    Document.entity == entity,
                    Document.entity_id.in_(ids[start : start + _CHUNK]),
                )
                .order_by(Document.id)
            )
            for row in rows:
                found.setdefault(row.entity_id, []).append(_value(row))
        return found

    def get_many(self, document_ids: Sequence[int]) -> dict[int, DocumentValue]:
        """The creche's documents with these ids (those that exist), by id."""
        found: dict[int, DocumentValue] = {}
        ids = sorted(set(document_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self.session.scalars(
                select(Document).where(
                    Document.tenant_id == self.tenant_id,
                    Document.id.in_(ids[start : start + _CHUNK]),
                )
            )
            found.update((row.id, _value(row)) for row in rows)
        return found

    def every(self) -> list[DocumentValue]:
        """Every archived document of the creche, oldest first."""
        rows = self.session.scalars(
            select(Document).where(Document.tenant_id == self.tenant_id).order_by(Document.id)
        )
        return [_value(row) for row in rows]

    def without_remote_copy(self, entity: str, action: str) -> list[int]:
        """Documents with no remote key and no S3 item waiting or refused for them, oldest first.

        Those are the ones archived before the S3 archive was set up (or whose
        item was settled without a key): queuing them archives the back catalogue,
        and leaves an item already waiting, or refused until someone asks again, alone.
        """
        unfinished = exists().where(
            and_(
                SyncOutbox.tenant_id == self.tenant_id,
                SyncOutbox.target == SyncTarget.S3,
                SyncOutbox.entity == entity,
                SyncOutbox.entity_id == Document.id,
                SyncOutbox.action == action,
                SyncOutbox.status != SyncStatus.DONE,
            )
        )
        return list(
            self.session.scalars(
                select(Document.id)
                .where(
                    Document.tenant_id == self.tenant_id,
                    Document.remote_key.is_(None),
                    ~unfinished,
                )
                .order_by(Document.id)
            )
        )

    def set_remote_key(self, document_id: int, key: str) -> None:
        """Record where the document's copy is in the S3 archive."""
        self.session.execute(
            update(Document)
            .where(Document.tenant_id == self.tenant_id, Document.id == document_id)
            .values(remote_key=key)
            .execution_options(synchronize_session=False)
        )

    def set_invoice_hash(self, invoice_id: int, sha256: str) -> None:
        """Point an invoice at its latest archived PDF (``invoices.document_hash``).

        The invoice's version is left alone: the hash is a note about a printed
        copy, not an edit, and must not make a concurrent edit of the invoice fail.
        """
        self.session.execute(
            update(Invoice)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.id == invoice_id)
            .values(document_hash=sha256)
            .execution_options(synchronize_session=False)
        )


def _value(row: Document) -> DocumentValue:
    return DocumentValue(
        id=row.id,
        kind=row.kind,
        entity=row.entity,
        entity_id=row.entity_id,
        sha256=row.sha256,
        local_path=row.local_path,
        remote_key=row.remote_key,
        created_at=row.created_at,
        name=row.name,
        hidden_at=row.hidden_at,
    )
