"""Archiving generated PDFs: a copy in the book's data folder, a row, and a hash to check.

An invoice's archived copies live at
``<data_dir>/documents/invoices/<year>/<number>.pdf`` (later versions
``<number>-2.pdf``, ``<number>-3.pdf``, ...; a name already taken by a file is
skipped, never overwritten). Each copy has a ``documents`` row with
its SHA-256, and the invoice keeps the hash of its latest copy; with an S3
bucket set, the row also queues the copy for that archive (``services.sync.documents``).
Rendering is deterministic, so a reprint of an unchanged invoice has the same
hash and reuses the archived copy; a changed invoice (paid, voided) is archived
as a new version.

File and row stay consistent: the file is written first, atomically (a temporary
file renamed into place, so no reader ever sees half a PDF), and removed again when
its row cannot be written. A row therefore never claims a missing or partial file,
unless someone removes or edits it afterwards, which :func:`verify_archive` detects.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, UserFacingError
from crechebooks_desktop.private_files import make_private_folder
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.sync.documents import queue_uploads

__all__ = [
    "INVOICE_KIND",
    "ArchivedDocument",
    "archive_invoice_pdf",
    "archive_path",
    "invoice_for_print",
    "sha256_hex",
    "verify_archive",
    "write_atomically",
    "write_many_atomically",
]

INVOICE_KIND = "invoice"
"""``documents.kind`` and ``documents.entity`` of an invoice PDF."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class ArchivedDocument:
    """Where an invoice's PDF is archived, and whether this call archived it.

    Attributes:
        number: the invoice number.
        path: the archived file.
        sha256: its hash (hex).
        version: 1 for the first copy, 2 for the next, ...
        created: False when an identical copy was already archived and was reused.
    """

    number: str
    path: Path
    sha256: str
    version: int
    created: bool


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def invoice_for_print(
    uow: UnitOfWork, actor: Actor, number: str, *, lock: bool = False
) -> tuple[InvoiceValue, CrecheSettings]:
    """The invoice and its creche, as a document shows them.

    Args:
        uow: the transaction.
        actor: who prints (any role may).
        number: the invoice number (case-insensitive).
        lock: hold the invoice until the transaction ends (a write transaction
            that goes on to archive it), so two prints of it take turns.

    Returns:
        The invoice and the creche's settings.

    Raises:
        NotFoundError: no invoice with that number in the actor's creche.
    """
    audit.require(actor, Permission.READ)
    invoice = uow.invoices.get(number, lock=lock)
    if invoice is None:
        raise NotFoundError(f"no invoice {number.strip()!r} in this creche")
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    return invoice, creche


def archive_invoice_pdf(
    uow: UnitOfWork, actor: Actor, invoice: InvoiceValue, pdf: bytes, data_dir: Path
) -> ArchivedDocument:
    """Archive an invoice's PDF, or reuse the archived copy when it is identical.

    Args:
        uow: the transaction (a write transaction).
        actor: who prints it (any role may; the archive is a record, not a change).
        invoice: the invoice the PDF shows.
        pdf: the rendered PDF.
        data_dir: the book's data folder.

    Returns:
        Where the copy is, its hash and version, and whether it was created now.

    Raises:
        UserFacingError: the archive folder cannot be written.
    """
    audit.require(actor, Permission.READ)
    digest = sha256_hex(pdf)
    versions = uow.documents.versions(INVOICE_KIND, INVOICE_KIND, invoice.id)
    if versions and versions[-1].sha256 == digest:
        path = Path(versions[-1].local_path)
        if not path.exists():  # lost: the same bytes put it back; an edited copy stays as evidence
            write_atomically(path, pdf)
        return ArchivedDocument(invoice.number, path, digest, len(versions), created=False)
    version = len(versions) + 1
    path = _unused_path(data_dir, invoice, version)
    write_atomically(path, pdf)
    try:
        _record(uow, actor, invoice, path, digest, version)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return ArchivedDocument(invoice.number, path, digest, version, created=True)


def _record(
    uow: UnitOfWork, actor: Actor, invoice: InvoiceValue, path: Path, digest: str, version: int
) -> None:
    document_id = uow.documents.add(INVOICE_KIND, INVOICE_KIND, invoice.id, digest, str(path))
    uow.documents.set_invoice_hash(invoice.id, digest)
    queue_uploads(uow, [document_id])  # the S3 archive's copy, when a bucket is set (issue 15)
    audit.record(
        uow,
        actor,
        "document.create",
        "document",
        document_id,
        None,
        {
            "kind": INVOICE_KIND,
            "invoice_id": invoice.id,
            "number": invoice.number,
            "status": invoice.status.value,
            "version": version,
            "sha256": digest,
            "local_path": str(path),
        },
    )


def _unused_path(data_dir: Path, invoice: InvoiceValue, version: int) -> Path:
    """The version's file name, or the next one free: an archive never overwrites a file.

    A file can be there without a row: left by a transaction that failed after
    writing it, or written by another creche or book sharing the data folder
    (their numbers can be the same). Either way it is not this copy's to replace.
    """
    suffix = version
    while (path := archive_path(data_dir, invoice, suffix)).exists():
        suffix += 1
    return path


def archive_path(data_dir: Path, invoice: InvoiceValue, version: int) -> Path:
    """``<data_dir>/documents/invoices/<year>/<number>[-<version>].pdf``."""
    name = _UNSAFE.sub("_", invoice.number)
    suffix = "" if version == 1 else f"-{version}"
    folder = data_dir / "documents" / "invoices" / str(invoice.issue_date.year)
    return folder / f"{name}{suffix}.pdf"


def verify_archive(uow: UnitOfWork, number: str) -> bool:
    """Whether every archived copy of an invoice's PDF is there, unchanged.

    Args:
        uow: a transaction in the invoice's creche.
        number: the invoice number.

    Returns:
        True when each archived file exists and still has its recorded SHA-256;
        False when one is missing or was altered.

    Raises:
        NotFoundError: no such invoice, or it has never been archived.
    """
    invoice = uow.invoices.get(number)
    if invoice is None:
        raise NotFoundError(f"no invoice {number.strip()!r} in this creche")
    versions = uow.documents.versions(INVOICE_KIND, INVOICE_KIND, invoice.id)
    if not versions:
        raise NotFoundError(f"invoice {invoice.number} has no archived PDF yet")
    return all(_file_sha256(Path(v.local_path)) == v.sha256 for v in versions)


def _file_sha256(path: Path) -> str | None:
    try:
        return sha256_hex(path.read_bytes())
    except OSError:
        return None


def write_atomically(path: Path, data: bytes) -> Path:
    """Write a file so that it is either complete or not there at all.

    The bytes go to a temporary file in the same folder, flushed to disk, which
    then replaces ``path`` in one step. The file is owner-only (documents and
    exports hold personal information), and so are the folders created for it.

    Args:
        path: the file to write (replaced if it exists).
        data: its contents.

    Returns:
        ``path``.

    Raises:
        UserFacingError: the folder cannot be created or the file written.
    """
    try:
        make_private_folder(path.parent)
        handle, temporary = tempfile.mkstemp(  # owner-only (0600), kept so by the rename
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise UserFacingError(f"cannot write {path}: {_reason(exc)}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UserFacingError(f"cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_many_atomically(files: Sequence[tuple[Path, bytes]], threads: int = 1) -> None:
    """Write many files as :func:`write_atomically` does, ``threads`` at a time.

    Each file is flushed to disk before it is renamed into place, and most of
    a small file's cost is that wait, not the processor: a batch of statements
    writes its files several at once (issue 12).

    Args:
        files: each file's path and contents.
        threads: how many to write at once (1: one after the other, here).

    Raises:
        UserFacingError: a file cannot be written (the first such error; the
            other files are finished or left out, each complete or not there).
    """
    if threads <= 1 or len(files) <= 1:
        for path, data in files:
            write_atomically(path, data)
        return
    with ThreadPoolExecutor(max_workers=min(threads, len(files))) as pool:
        futures = [pool.submit(write_atomically, path, data) for path, data in files]
        for future in futures:
            future.result()


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
