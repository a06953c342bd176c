"""Backing the whole book up into one file: database, documents, manifest (issue 13).

The database is copied first (a consistent snapshot: SQLite's online backup, or
pg_dump), then the documents folder. A document's file is written before its
row and never removed, so every row the snapshot holds has its file by then;
each row read before the snapshot is checked against its file, and a missing or
changed one refuses the backup (it could never be restored), naming it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop import __version__
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.book_files import BookFile
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.private_files import create_private_file
from crechebooks_desktop.services.admin.book_backup.manifest import (
    DOCUMENTS,
    MANIFEST,
    DocumentEntry,
    Manifest,
    Member,
)

_CHUNK = 1 << 20
# PDFs and pg_dump's custom format are compressed already; the SQLite file is not.
_STORED_SUFFIXES = (".pdf", ".pgdump")


@dataclass(frozen=True, slots=True)
class BackupMade:
    """A backup written: where, how many documents, and its size."""

    path: Path
    documents: int
    size: int


def back_up_book(book: Book, destination: Path) -> BackupMade:
    """Write the whole book (database and archived documents) to one new, owner-only file.

    Args:
        book: the open book.
        destination: the file to create; its folder must exist.

    Returns:
        What was written.

    Raises:
        UserFacingError: the destination exists or cannot be written, the
            database cannot be copied, or an archived document is missing or
            changed (named); nothing is left behind.
    """
    _check_destination(destination)
    data_dir = book.settings.data_dir
    with book.read() as uow:
        rows = uow.book_files.documents()
    try:  # beside the backup (never a small /tmp), owner-only (0700)
        staging = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}."))
    except OSError as exc:
        raise UserFacingError(
            f"cannot write the backup to {destination}: {exc.strerror or exc}"
        ) from None
    try:
        database = book.backup(staging / _database_name(book))
        entries = _document_entries(rows, data_dir)
        files = [(database.name, database), *_documents(data_dir)]
        manifest = _write_zip(book, destination, files, entries)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupMade(destination, len(manifest.documents), destination.stat().st_size)


def _database_name(book: Book) -> str:
    return "book.sqlite" if book.engine.dialect.name == "sqlite" else "book.pgdump"


def _check_destination(destination: Path) -> None:
    folder = destination.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise UserFacingError(f"cannot write the backup to {destination}: {folder} {what}")
    if destination.is_dir():
        raise UserFacingError(
            f"{destination} is a folder; name the backup file in it, "
            f"e.g. {destination / 'book-backup'}"
        )
    if destination.exists() or destination.is_symlink():
        raise UserFacingError(f"{destination} already exists; choose a new file name")


def _document_entries(rows: list[BookFile], data_dir: Path) -> list[DocumentEntry]:
    """Each row's member, after checking its file; a missing or changed one refuses."""
    entries: list[DocumentEntry] = []
    problems: list[str] = []
    for row in rows:
        path = Path(row.local_path)
        if not path.is_relative_to(data_dir / DOCUMENTS):
            problems.append(f"document {row.id}: {path} is outside the book's folder {data_dir}")
            continue
        found = file_sha256(path)
        if found is None:
            problems.append(f"document {row.id}: {path} is missing")
        elif found != row.sha256:
            problems.append(f"document {row.id}: {path} was changed since it was archived")
        else:
            member = path.relative_to(data_dir).as_posix()
            entries.append(DocumentEntry(row.id, row.tenant_id, row.sha256, member))
    if problems:
        count = len(problems)
        head = (
            f"the book's archived documents are not all sound ({count} problem"
            f"{'' if count == 1 else 's'}), so a backup could not be restored; "
            "nothing was written"
        )
        raise UserFacingError("\n".join([head, *problems]))
    return entries


def _documents(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Every file of the documents folder (not a half-written temporary one), by name."""
    folder = data_dir / DOCUMENTS
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            yield path.relative_to(data_dir).as_posix(), path


def _write_zip(
    book: Book,
    destination: Path,
    files: list[tuple[str, Path]],
    entries: list[DocumentEntry],
) -> Manifest:
    try:
        create_private_file(destination)
    except FileExistsError:
        raise UserFacingError(f"{destination} already exists; choose a new file name") from None
    except OSError as exc:
        raise UserFacingError(
            f"cannot write the backup to {destination}: {exc.strerror or exc}"
        ) from None
    try:
        with zipfile.ZipFile(destination, "w", allowZip64=True) as archive:
            members = tuple(_add(archive, name, path) for name, path in files)
            manifest = Manifest(
                backend=book.engine.dialect.name,
                book=book.name,
                data_dir=str(book.settings.data_dir),
                made_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                app_version=__version__,
                members=members,
                documents=tuple(entries),
            )
            archive.writestr(MANIFEST, manifest.to_json(), zipfile.ZIP_DEFLATED)
        with destination.open("rb+") as out:
            os.fsync(out.fileno())
    except OSError as exc:
        destination.unlink(missing_ok=True)
        raise UserFacingError(
            f"cannot write the backup to {destination}: {exc.strerror or exc}"
        ) from None
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return manifest


def _add(archive: zipfile.ZipFile, name: str, path: Path) -> Member:
    digest = hashlib.sha256()
    size = 0
    method = zipfile.ZIP_STORED if name.endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info = zipfile.ZipInfo.from_file(path, name)
    info.compress_type = method
    with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return Member(name, digest.hexdigest(), size)


def file_sha256(path: Path) -> str | None:
    """A file's SHA-256 (hex), read in chunks; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
