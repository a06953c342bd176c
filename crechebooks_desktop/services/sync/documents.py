"""Copying archived PDFs to the creche's S3 bucket through the sync outbox (issue 15).

Every ``documents`` row written while a bucket is set queues an S3 item in
the same transaction (:func:`queue_uploads`); a sync run first queues the
documents archived before the bucket was set (the back catalogue), then
drains the items. For each one, outside any transaction: the archived file is
read and must still have the SHA-256 the book recorded; an object already at
its key with that hash counts as sent (a rerun after a crash sends nothing
twice); otherwise it is uploaded, never over another object, with the book's
hash as the checksum the store must find, then asked for again to confirm it.
Then, in one transaction, the document's remote key is recorded and the item
marked done. A refusal (file missing or changed, the store's own refusal)
marks the item failed with the reason; it waits until asked for again
(``retry``) or queued again. A store that cannot be reached stops the run and
leaves the rest pending.

Syncing changes the book (remote keys, the outbox), so it needs a role that
may post money; looking at the archive's state needs only to read the book.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crechebooks_desktop.db.repositories.documents import DocumentValue
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.sync import OutboxCounts, SyncItem
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.billing.monthly_run import Transactions
from crechebooks_desktop.services.sync.document_store import (
    ArchiveStore,
    ArchiveUnavailable,
    UploadRefused,
    difference,
    key_of,
    s3_of,
)
from crechebooks_desktop.services.tasks import TaskState

__all__ = [
    "DOCUMENT_ENTITY",
    "UPLOAD_ACTION",
    "ArchiveFailure",
    "ArchiveStatus",
    "ArchiveSyncReport",
    "archive_status",
    "queue_uploads",
    "sync_archive",
]

DOCUMENT_ENTITY = "document"
"""``sync_outbox.entity`` of an archived document's S3 item."""
UPLOAD_ACTION = "upload"
"""``sync_outbox.action`` of an archived document's S3 item."""

_BATCH = 200


@dataclass(frozen=True, slots=True)
class ArchiveFailure:
    """A document the archive refused, and why.

    Attributes:
        kind: the document's kind (``invoice``, ``statement``, ``reminder``,
            ``reconciliation``).
        document_id: its ``documents`` row.
        file: its file's name.
        message: why (the store's own words where it gave any).
    """

    kind: str
    document_id: int
    file: str
    message: str

    def as_json(self) -> dict[str, Any]:
        """``{"kind", "id", "file", "message"}``; ``id`` is the document's id."""
        return {
            "kind": self.kind,
            "id": self.document_id,
            "file": self.file,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ArchiveStatus:
    """The archive's state, for the Sync panel (no network: the book's view of it).

    Attributes:
        bucket: the bucket set (None: the archive is off).
        counts: outbox items waiting, sent and refused.
        failures: the refused documents, oldest first, with the reason.
        not_queued: documents with no remote copy and no item yet (the next
            sync queues them).
    """

    bucket: str | None
    counts: OutboxCounts
    failures: tuple[ArchiveFailure, ...]
    not_queued: int


@dataclass(frozen=True, slots=True)
class ArchiveSyncReport:
    """What a sync run did.

    Attributes:
        sent: documents now in the bucket that were not recorded there before
            (uploaded, or found there already with the book's hash).
        failed: every document refused (this run's and earlier ones' not asked
            for again), with the reason.
        pending: items still waiting after the run.
        queued: documents of the back catalogue queued by this run.
        retried: refused items made pending again by this run.
        stopped: why the run stopped before the queue was empty (None: it emptied it).
    """

    sent: int
    failed: tuple[ArchiveFailure, ...]
    pending: int
    queued: int = 0
    retried: int = 0
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every document is in the bucket: nothing refused, waiting or stopped."""
        return not (self.failed or self.pending or self.stopped)

    def as_json(self) -> dict[str, Any]:
        """``{"sent", "failed": [{"kind", "id", "file", "message"}], "pending", ...}``."""
        return {
            "sent": self.sent,
            "failed": [f.as_json() for f in self.failed],
            "pending": self.pending,
            "queued": self.queued,
            "retried": self.retried,
            "stopped": self.stopped,
        }


def queue_uploads(uow: UnitOfWork, document_ids: Sequence[int]) -> int:
    """Queue new documents for the S3 archive, in the transaction that writes their rows.

    Nothing is queued while the creche has no bucket set.

    Returns:
        How many were queued.
    """
    if not document_ids:
        return 0
    creche = uow.tenants.get(uow.documents.tenant_id)
    if creche is None or creche.s3 is None:
        return 0
    uow.sync_outbox.queue_many(
        SyncTarget.S3,
        [(DOCUMENT_ENTITY, document_id, UPLOAD_ACTION) for document_id in document_ids],
    )
    return len(document_ids)


def archive_status(uow: UnitOfWork, actor: Actor) -> ArchiveStatus:
    """The archive's state as the book knows it: counts, refusals and what waits to be queued.

    Raises:
        PermissionDenied: the actor may not read the book.
    """
    audit.require(actor, Permission.READ)
    creche = _creche(uow, actor)
    return ArchiveStatus(
        bucket=creche.s3_bucket,
        counts=uow.sync_outbox.counts(SyncTarget.S3),
        failures=_failures(uow),
        not_queued=len(uow.documents.without_remote_copy(DOCUMENT_ENTITY, UPLOAD_ACTION)),
    )


def sync_archive(
    transactions: Transactions,
    actor: Actor,
    store: ArchiveStore,
    *,
    retry_failed: bool = False,
    task: TaskState | None = None,
) -> ArchiveSyncReport:
    """Copy every queued archived document to the bucket (see the module's notes).

    Args:
        transactions: opens a write transaction in the actor's creche (each step commits).
        actor: who syncs (a role that may post money).
        store: the bucket (``integrations.s3``).
        retry_failed: make refused items pending again first.
        task: progress (documents done of those waiting) and cancel (between documents).

    Returns:
        What was sent, what is refused and why, what still waits.

    Raises:
        PermissionDenied: the actor may not sync.
        UserFacingError: no bucket set, or the store cannot be used (checked
            before anything in the book changes).
    """
    audit.require(actor, Permission.POST_MONEY)
    with transactions() as uow:
        s3_of(_creche(uow, actor))
    store.check()
    with transactions() as uow:
        retried = uow.sync_outbox.retry(SyncTarget.S3) if retry_failed else 0
        back = uow.documents.without_remote_copy(DOCUMENT_ENTITY, UPLOAD_ACTION)
        uow.sync_outbox.queue_many(
            SyncTarget.S3, [(DOCUMENT_ENTITY, document_id, UPLOAD_ACTION) for document_id in back]
        )
        creche = _creche(uow, actor)
        waiting = uow.sync_outbox.pending(SyncTarget.S3)
    run = _Run(transactions, creche, store, task or TaskState())
    stopped = run.send_all(waiting)
    with transactions() as uow:
        report = ArchiveSyncReport(
            sent=run.sent,
            failed=_failures(uow),
            pending=uow.sync_outbox.counts(SyncTarget.S3).pending,
            queued=len(back),
            retried=retried,
            stopped=stopped,
        )
        if report.sent or run.refused or report.queued or report.retried or stopped:
            audit.record(
                uow, actor, "documents.sync", "tenant", actor.tenant_id, None,
                {**report.as_json(), "failed": run.refused, "bucket": creche.s3_bucket},
            )  # fmt: skip
    return report


@dataclass
class _Run:
    """One run's progress through the waiting items."""

    transactions: Transactions
    creche: CrecheSettings
    store: ArchiveStore
    task: TaskState
    sent: int = 0
    refused: int = 0
    _done: int = field(default=0, repr=False)

    def send_all(self, waiting: Sequence[SyncItem]) -> str | None:
        """Send the items in batches; why the run stopped early, or None."""
        for start in range(0, len(waiting), _BATCH):
            batch = waiting[start : start + _BATCH]
            with self.transactions() as uow:
                documents = uow.documents.get_many([item.entity_id for item in batch])
            for item in batch:
                if self.task.cancelled:
                    return "cancelled; the rest waits for the next sync"
                try:
                    self._send(item, documents.get(item.entity_id))
                except ArchiveUnavailable as exc:
                    return str(exc)
                self._done += 1
                self.task.progress(self._done, len(waiting), _file(documents.get(item.entity_id)))
        return None

    def _send(self, item: SyncItem, document: DocumentValue | None) -> None:
        if document is None:
            self._refuse(item, "the document is no longer in the book")
            return
        key = key_of(self.creche, document)
        try:
            self._upload(key, document)
        except UploadRefused as exc:
            self._refuse(item, str(exc))
            return
        with self.transactions() as uow:
            uow.documents.set_remote_key(document.id, key)
            uow.sync_outbox.mark_done([(item.id, item.idempotency_key)])
        self.sent += 1

    def _upload(self, key: str, document: DocumentValue) -> None:
        """Put the document at ``key``, or find it there already; refuse anything else."""
        data = _archived_bytes(document)
        where = f"{self.store.where}/{key}"
        if self._holds(key, document.sha256, where, before=True):
            return
        stored = self.store.put(key, data, document.sha256)
        # Not stored: another upload won the race (a second PC syncing); it must be the same copy.
        if not self._holds(key, document.sha256, where, before=not stored):
            raise UploadRefused(f"{where} is not there just after its upload; try the sync again")

    def _holds(self, key: str, sha256: str, where: str, *, before: bool) -> bool:
        """Whether the object at ``key`` is the book's copy (False: no object there)."""
        found = self.store.find(key)
        if found is None:
            return False
        problem = difference(found, sha256)
        if problem is None:
            return True
        if before:
            raise UploadRefused(
                f"another object is already at {where} ({problem}); it is not overwritten"
            )
        raise UploadRefused(f"{where} was uploaded but {problem}")

    def _refuse(self, item: SyncItem, message: str) -> None:
        with self.transactions() as uow:
            uow.sync_outbox.mark_failed(item.id, item.idempotency_key, message)
        self.refused += 1


def _archived_bytes(document: DocumentValue) -> bytes:
    """The archived file, which must still have the SHA-256 the book recorded.

    A file changed since it was archived is not sent: the store would refuse
    it anyway (it is told the book's hash), and a store that does not check
    would keep the wrong bytes.
    """
    path = Path(document.local_path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UploadRefused(f"the archived file {path} is missing") from None
    except OSError as exc:
        raise UploadRefused(
            f"cannot read the archived file {path}: {exc.strerror or exc}"
        ) from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise UploadRefused(
            f"the archived file {path} was changed after it was archived (its SHA-256 is "
            "not the one the book recorded); it is not uploaded"
        )
    return data


def _failures(uow: UnitOfWork) -> tuple[ArchiveFailure, ...]:
    items = uow.sync_outbox.failed(SyncTarget.S3)
    documents = uow.documents.get_many([item.entity_id for item in items])
    return tuple(
        ArchiveFailure(
            kind=documents[item.entity_id].kind if item.entity_id in documents else "",
            document_id=item.entity_id,
            file=_file(documents.get(item.entity_id)),
            message=item.last_error or "",
        )
        for item in items
    )


def _file(document: DocumentValue | None) -> str:
    return Path(document.local_path).name if document is not None else ""


def _creche(uow: UnitOfWork, actor: Actor) -> CrecheSettings:
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    return creche
