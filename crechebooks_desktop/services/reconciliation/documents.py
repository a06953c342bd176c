"""Archiving reconciliation statements, as invoices' PDFs are (``services.documents``).

A FINISHED reconciliation's statement is a record the bookkeeper files; its
archived copies live at
``<data_dir>/documents/reconciliations/<year>/<account-slug>-<YYYY-MM-DD>.pdf``
(the statement date's year; later versions ``...-2.pdf``, ``...-3.pdf``; a
name already taken by a file is skipped, never overwritten). Each copy has a
``documents`` row (kind and entity ``reconciliation``, the reconciliation's
id) with its SHA-256, queues its S3 copy when a bucket is set, and is audited
(``document.create``). Rendering is deterministic, so the statement of an
unchanged reconciliation reuses the archived copy; one that reads differently
now (the creche renamed, a timing difference linked to a line since) is
archived as a new version.

A report of a reconciliation in progress (or unlocked since) is a draft and
is not archived. Archiving is a record, not a change: any role that may read
the book may archive. The file is written first, atomically, and removed
again when its row cannot be written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import ReconciliationStatus
from crechebooks_desktop.domain.reconciliation import ReconcileStatus
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.s3_archive import name_slug
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.documents import sha256_hex, write_atomically
from crechebooks_desktop.services.reconciliation.reconcile import ReconcileReport, report
from crechebooks_desktop.services.sync.documents import queue_uploads

__all__ = [
    "RECONCILIATION_KIND",
    "ArchivedReconciliation",
    "archive_path",
    "archive_reconciliation_pdf",
    "not_archived_because",
    "report_for_print",
]

RECONCILIATION_KIND = "reconciliation"
"""``documents.kind`` and ``documents.entity`` of a reconciliation statement's PDF."""


@dataclass(frozen=True, slots=True)
class ArchivedReconciliation:
    """Where a reconciliation statement's PDF is archived, and whether this call archived it.

    Attributes:
        reconciliation_id: the reconciliation.
        path: the archived file.
        sha256: its hash (hex).
        version: 1 for the first copy, 2 for the next, ...
        created: False when an identical copy was already archived and was reused.
    """

    reconciliation_id: int
    path: Path
    sha256: str
    version: int
    created: bool


def report_for_print(
    uow: UnitOfWork, actor: Actor, account_name: str, statement_date: dt.date
) -> ReconcileReport:
    """The reconciliation statement at a date, held for archiving until the transaction ends.

    Raises:
        PermissionDenied: the actor may not read the book.
        NotFoundError: no such account, or no reconciliation at that date.
    """
    audit.require(actor, Permission.READ)
    return report(uow, account_name, statement_date, lock=True)


def not_archived_because(status: ReconcileStatus) -> str | None:
    """Why a statement of this reconciliation is a draft, not archived (None: it is archived)."""
    if status.status is ReconciliationStatus.FINISHED:
        return None
    if status.status is ReconciliationStatus.UNLOCKED:
        return "the reconciliation was unlocked, so it is not finished"
    return "the reconciliation is not finished"


def archive_path(data_dir: Path, status: ReconcileStatus, version: int) -> Path:
    """``<data_dir>/documents/reconciliations/<year>/<account-slug>-<date>[-<version>].pdf``."""
    day = status.statement_date
    suffix = "" if version == 1 else f"-{version}"
    folder = data_dir / "documents" / "reconciliations" / str(day.year)
    return folder / f"{name_slug(status.account, 'bank-account')}-{day.isoformat()}{suffix}.pdf"


def archive_reconciliation_pdf(
    uow: UnitOfWork, actor: Actor, found: ReconcileReport, pdf: bytes, data_dir: Path
) -> ArchivedReconciliation:
    """Archive a finished reconciliation's statement, or reuse the identical archived copy.

    Args:
        uow: a write transaction in the actor's creche (``report_for_print`` holds the
            reconciliation in it).
        actor: who makes the statement (any role that may read the book).
        found: the statement the PDF shows.
        pdf: the rendered PDF.
        data_dir: the book's data folder.

    Returns:
        Where the copy is, its hash and version, and whether it was created now.

    Raises:
        PermissionDenied: the actor may not read the book.
        RuleViolation: the reconciliation is not finished (a draft is not archived).
        UserFacingError: the archive folder cannot be written.
    """
    audit.require(actor, Permission.READ)
    status = found.status
    record_id = status.reconciliation_id
    why = not_archived_because(status)
    if why is not None or record_id is None:
        why = why or "the reconciliation is not in the book"
        raise RuleViolation(f"the statement of {status.account} is not archived: {why}")
    digest = sha256_hex(pdf)
    versions = uow.documents.versions(RECONCILIATION_KIND, RECONCILIATION_KIND, record_id)
    if versions and versions[-1].sha256 == digest:
        path = Path(versions[-1].local_path)
        if not path.exists():  # lost: the same bytes put it back; an edited copy stays as evidence
            write_atomically(path, pdf)
        return ArchivedReconciliation(record_id, path, digest, len(versions), created=False)
    version = len(versions) + 1
    path = _unused_path(data_dir, status, version)
    write_atomically(path, pdf)
    archived = ArchivedReconciliation(record_id, path, digest, version, created=True)
    try:
        _record(uow, actor, status, archived)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return archived


def _unused_path(data_dir: Path, status: ReconcileStatus, version: int) -> Path:
    """The version's file name, or the next one free: an archive never overwrites a file.

    A file can be there without a row of this reconciliation: left by a failed
    transaction, or the statement of an earlier reconciliation at the same date
    (finished, unlocked and finished again), or of another account with the same slug.
    """
    suffix = version
    while (path := archive_path(data_dir, status, suffix)).exists():
        suffix += 1
    return path


def _record(
    uow: UnitOfWork, actor: Actor, status: ReconcileStatus, archived: ArchivedReconciliation
) -> None:
    document_id = uow.documents.add(
        RECONCILIATION_KIND,
        RECONCILIATION_KIND,
        archived.reconciliation_id,
        archived.sha256,
        str(archived.path),
    )
    queue_uploads(uow, [document_id])  # the S3 archive's copy, when a bucket is set (issue 15)
    audit.record(
        uow,
        actor,
        "document.create",
        "document",
        document_id,
        None,
        {
            "kind": RECONCILIATION_KIND,
            "reconciliation_id": archived.reconciliation_id,
            "account": status.account,
            "statement_date": status.statement_date.isoformat(),
            "closing_cents": status.closing_cents,
            "version": archived.version,
            "sha256": archived.sha256,
            "local_path": str(archived.path),
        },
    )
