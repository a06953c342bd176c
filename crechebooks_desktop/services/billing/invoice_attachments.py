"""Files kept with an invoice: PDFs, images, office documents (issue 16).

An attachment is a ``documents`` row of kind ``attachment`` for the entity
``invoice``, with the file's SHA-256 and its name as attached; the file is
copied to ``<data_dir>/documents/attachments/<year>/<number>/<name>`` (a name
made safe; a second file of the same name gets ``-2``, ``-3``, ...). Where the
creche has an S3 bucket, the row queues the file for that archive in the same
transaction, as an archived invoice PDF does.

Every file of one call is checked first (there, a regular file, at most
:data:`SIZE_LIMIT` bytes, of an allowed kind by its extension and, where cheap,
its first bytes, not the same bytes as a file already attached), then all are
stored in the caller's transaction: all or nothing. A file written for a
transaction that then fails is removed again.

Detaching hides the row (``hidden_at``); the file stays where it is, and the
audit trail keeps both the attach and the detach with name and hash.
Attaching and detaching need the permission every other change to an
invoice needs, on an invoice of any status.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.repositories.documents import DocumentValue
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation, UserFacingError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.documents import sha256_hex, write_atomically
from crechebooks_desktop.services.sync.documents import queue_uploads

__all__ = [
    "ATTACHMENT_KIND",
    "EXTENSIONS",
    "SIZE_LIMIT",
    "Attachment",
    "attach_files",
    "attachment_folder",
    "detach_file",
    "list_attachments",
]

ATTACHMENT_KIND = "attachment"
"""``documents.kind`` of a file attached to an invoice."""
INVOICE_ENTITY = "invoice"
SIZE_LIMIT = 10 * 1024 * 1024
"""The largest file that may be attached: 10 MB."""

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_MAGIC: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".odt": _ZIP,
    ".ods": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
    ".txt": None,
    ".csv": None,
}
"""Allowed extensions and the first bytes their files must start with (None: text)."""
EXTENSIONS = tuple(sorted(_MAGIC))
"""The extensions a file may have to be attached (``.pdf``, ``.png``...)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file kept with an invoice.

    Attributes:
        number: the invoice number.
        name: the file's name in the invoice's folder (made safe).
        original: its name as attached.
        size: its size in bytes (None when the file is missing).
        sha256: its hash (hex).
        added_at: when it was attached.
        path: where it is kept.
        added_by: who attached it (from the audit trail; None: not known).
    """

    number: str
    name: str
    original: str
    size: int | None
    sha256: str
    added_at: dt.datetime
    path: Path
    added_by: str | None = None

    def as_json(self) -> dict[str, object]:
        """The attachment for ``--json``."""
        return {
            "number": self.number,
            "name": self.name,
            "original_name": self.original,
            "size": self.size,
            "sha256": self.sha256,
            "added_at": self.added_at.isoformat(),
            "added_by": self.added_by,
            "path": str(self.path),
        }


def attachment_folder(data_dir: Path, invoice: InvoiceValue) -> Path:
    """``<data_dir>/documents/attachments/<year>/<number>``."""
    number = _UNSAFE.sub("_", invoice.number)
    return data_dir / "documents" / "attachments" / str(invoice.issue_date.year) / number


def attach_files(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    files: Sequence[Path],
    data_dir: Path,
    written_to: list[Path] | None = None,
) -> list[Attachment]:
    """Attach files to an invoice: all of them, or none.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who attaches them.
        number: the invoice number (case-insensitive).
        files: the files to attach.
        data_dir: the book's data folder.
        written_to: where to add the files written, so that the caller removes
            them when the transaction then fails to commit.

    Returns:
        The attachments made, in the order given.

    Raises:
        PermissionDenied: the actor may not change invoices.
        NotFoundError: no such invoice.
        RuleViolation: a file is missing, a folder, too big, of a kind not
            allowed, or already attached (the message names it).
    """
    audit.require(actor, Permission.POST_MONEY)
    invoice = _invoice(uow, number, lock=True)
    if not files:
        raise RuleViolation("no file to attach")
    existing = uow.documents.versions(ATTACHMENT_KIND, INVOICE_ENTITY, invoice.id)
    visible = {d.sha256 for d in existing if d.hidden_at is None}
    checked: list[tuple[Path, bytes, str]] = []
    for file in files:
        data = _read_checked(file)
        digest = sha256_hex(data)
        if digest in visible or any(digest == d for _, _, d in checked):
            raise RuleViolation(f"{file}: the same file is already attached to {invoice.number}")
        checked.append((file, data, digest))
    folder = attachment_folder(data_dir, invoice)
    taken = {Path(d.local_path).name for d in existing}
    written: list[Path] = []
    made: list[Attachment] = []
    try:
        for file, data, digest in checked:
            path = _free_path(folder, file.name, taken)
            taken.add(path.name)
            write_atomically(path, data)
            written.append(path)
            document_id = uow.documents.add_attachment(
                INVOICE_ENTITY, invoice.id, file.name, digest, str(path)
            )
            queue_uploads(uow, [document_id])  # the S3 archive's copy, when a bucket is set
            audit.record(
                uow,
                actor,
                "invoice.attach",
                "invoice",
                invoice.id,
                None,
                {
                    "number": invoice.number,
                    "document_id": document_id,
                    "name": path.name,
                    "original_name": file.name,
                    "size": len(data),
                    "sha256": digest,
                },
            )
            made.append(
                Attachment(
                    invoice.number,
                    path.name,
                    file.name,
                    len(data),
                    digest,
                    dt.datetime.now(dt.UTC),
                    path,
                    actor.username,
                )
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    if written_to is not None:
        written_to.extend(written)
    return made


def list_attachments(uow: UnitOfWork, actor: Actor, number: str) -> list[Attachment]:
    """The files attached to an invoice and not detached, oldest first.

    Raises:
        NotFoundError: no such invoice.
    """
    audit.require(actor, Permission.READ)
    invoice = _invoice(uow, number)
    rows = uow.documents.versions(ATTACHMENT_KIND, INVOICE_ENTITY, invoice.id)
    records = uow.audit.of_entity(actor.tenant_id, "invoice.attach", "invoice", invoice.id)
    by = {r.after.get("document_id"): r.username for r in records if r.after is not None}
    return [_attachment(invoice, d, by.get(d.id)) for d in rows if d.hidden_at is None]


def detach_file(uow: UnitOfWork, actor: Actor, number: str, name: str) -> Attachment:
    """Hide a file attached to an invoice; the file itself is kept.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who detaches it.
        number: the invoice number (case-insensitive).
        name: the attachment's name as ``attachments`` lists it.

    Returns:
        The attachment hidden.

    Raises:
        PermissionDenied: the actor may not change invoices.
        NotFoundError: no such invoice, or no visible attachment of that name.
    """
    audit.require(actor, Permission.POST_MONEY)
    invoice = _invoice(uow, number, lock=True)
    rows = uow.documents.versions(ATTACHMENT_KIND, INVOICE_ENTITY, invoice.id)
    found = [d for d in rows if Path(d.local_path).name == name.strip()]
    if not found:
        raise NotFoundError(f"{invoice.number} has no attachment {name.strip()!r}")
    document = found[-1]
    if document.hidden_at is not None:
        raise NotFoundError(f"{invoice.number}: {name.strip()!r} is already detached")
    uow.documents.hide(document.id)
    audit.record(
        uow,
        actor,
        "invoice.detach",
        "invoice",
        invoice.id,
        {
            "number": invoice.number,
            "document_id": document.id,
            "name": name.strip(),
            "sha256": document.sha256,
        },
        None,
    )
    return _attachment(invoice, document)


def _invoice(uow: UnitOfWork, number: str, *, lock: bool = False) -> InvoiceValue:
    invoice = uow.invoices.get(number, lock=lock)
    if invoice is None:
        raise NotFoundError(f"no invoice {number.strip()!r} in this creche")
    return invoice


def _read_checked(file: Path) -> bytes:
    if not file.exists():
        raise RuleViolation(f"{file}: no such file")
    if not file.is_file():
        raise RuleViolation(f"{file}: not a file (a folder?)")
    extension = file.suffix.lower()
    if extension not in _MAGIC:
        raise RuleViolation(
            f"{file}: cannot attach a {extension or 'file without an extension'} "
            f"(allowed: {', '.join(EXTENSIONS)})"
        )
    try:
        size = file.stat().st_size
        if size > SIZE_LIMIT:
            raise RuleViolation(f"{file}: {size:,} bytes, more than the 10 MB limit")
        data = file.read_bytes()
    except OSError as exc:
        raise UserFacingError(f"cannot read {file}: {exc.strerror or exc}") from None
    if len(data) > SIZE_LIMIT:
        raise RuleViolation(f"{file}: more than the 10 MB limit")
    magic = _MAGIC[extension]
    if magic is not None and not data.startswith(magic):
        raise RuleViolation(f"{file}: not a {extension} file (its contents do not match)")
    if extension == ".webp" and data[8:12] != b"WEBP":
        raise RuleViolation(f"{file}: not a .webp file (its contents do not match)")
    if magic is None and b"\x00" in data:
        raise RuleViolation(f"{file}: not a {extension} file (it is not text)")
    return data


def _free_path(folder: Path, original: str, taken: set[str]) -> Path:
    safe = _UNSAFE.sub("_", original).lstrip(".") or "file"
    stem, dot, extension = safe.rpartition(".")
    if not dot:
        stem, extension = safe, ""
    suffix = f".{extension}" if extension else ""
    name, n = safe, 1
    while name in taken or (folder / name).exists():
        n += 1
        name = f"{stem}-{n}{suffix}"
    return folder / name


def _attachment(
    invoice: InvoiceValue, document: DocumentValue, added_by: str | None = None
) -> Attachment:
    path = Path(document.local_path)
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None
    return Attachment(
        invoice.number,
        path.name,
        document.name or path.name,
        size,
        document.sha256,
        document.created_at,
        path,
        added_by,
    )
