"""What the detail pane's attachments ask of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain values. A file
is opened from a read-only copy in a folder of this session's own, never from
the documents folder, so no viewer can change the file whose SHA-256 is on record.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.errors import NotFoundError, UserFacingError
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.billing.invoice_attachments import Attachment

_session_folder: list[Path] = []  # made on first use, removed when the program ends


def listed(book: Book, workplace: Workplace, number: str) -> list[Attachment]:
    """The files attached to an invoice and not removed, oldest first."""
    from crechebooks_desktop.services.billing.invoice_attachments import list_attachments  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return list_attachments(uow, workplace.actor, number)


def attach(
    book: Book, workplace: Workplace, number: str, files: Sequence[Path]
) -> list[Attachment]:
    """Attach files to an invoice, all or none; then its attachments as they stand.

    A file written for a transaction that fails to commit is removed again.
    """
    from crechebooks_desktop.services.billing.invoice_attachments import attach_files  # noqa: PLC0415

    written: list[Path] = []
    try:
        with book.write(workplace.creche.tenant_id) as uow:
            attach_files(uow, workplace.actor, number, files, book.settings.data_dir, written)
    except BaseException:
        for path in written:  # no row claims them
            path.unlink(missing_ok=True)
        raise
    return listed(book, workplace, number)


def detach(book: Book, workplace: Workplace, number: str, name: str) -> list[Attachment]:
    """Hide an attachment (the file stays in the documents folder); then those left."""
    from crechebooks_desktop.services.billing.invoice_attachments import detach_file  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        detach_file(uow, workplace.actor, number, name)
    return listed(book, workplace, number)


def prepare_to_open(book: Book, workplace: Workplace, number: str, name: str) -> Path:
    """A read-only copy of an attachment, of the same name, to hand to the system viewer.

    Raises:
        NotFoundError: the invoice has no such attachment (any more).
        UserFacingError: the stored file is missing, unreadable, or no longer
            the file attached (its SHA-256 differs); the message says where it is.
    """
    from crechebooks_desktop.services.documents import sha256_hex  # noqa: PLC0415

    found = [a for a in listed(book, workplace, number) if a.name == name]
    if not found:
        raise NotFoundError(f"{number} has no attachment {name!r} any more")
    stored = found[0].path
    try:
        data = stored.read_bytes()
    except FileNotFoundError:
        raise UserFacingError(f"{name} is missing: it is no longer at {stored}") from None
    except OSError as exc:
        raise UserFacingError(f"cannot read {stored}: {exc.strerror or exc}") from None
    if sha256_hex(data) != found[0].sha256:
        raise UserFacingError(
            f"{name} has changed since it was attached (its SHA-256 no longer matches "
            f"the one on record); the file is at {stored}"
        )
    folder = session_folder() / _safe(number)
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / stored.name
    if copy.exists():  # opened before: a fresh copy, in case that one was changed
        copy.chmod(stat.S_IRUSR | stat.S_IWUSR)
        copy.unlink()
    copy.write_bytes(data)
    copy.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return copy


def session_folder() -> Path:
    """This session's folder of copies to view (made once, removed at exit)."""
    if not _session_folder:
        folder = Path(tempfile.mkdtemp(prefix="crechebooks-attachments-"))
        _session_folder.append(folder)
        atexit.register(_remove, folder)
    return _session_folder[0]


def _remove(folder: Path) -> None:
    with contextlib.suppress(OSError):
        for path in folder.rglob("*"):
            if path.is_file():
                path.chmod(stat.S_IRUSR | stat.S_IWUSR)  # a read-only copy would stay behind
    shutil.rmtree(folder, ignore_errors=True)


def _safe(number: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in number)
