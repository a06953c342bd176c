"""Restoring a backup as a new book, only once every part of it has been checked (issue 13).

``restore FILE --to PATH`` unpacks the backup into a folder beside PATH that
nobody else uses, then checks, before anything is put in place:

- every member's SHA-256 and size against the manifest (and that nothing is
  missing, added, or named to land outside the book);
- every row of the documents table against its file: the member it names
  holds exactly the bytes whose SHA-256 the row records;
- the ledger: ``check`` (balances, invoices, payments, the history's hash
  chains) of every creche in the book.

Only then are the book and its documents folder moved to PATH and its data
folder. A backup that fails any check is refused, naming each problem, and
nothing is written. A PostgreSQL book's backup is not restored into a SQLite
file (the schema differs in places; pg_restore takes it into an empty database).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.private_files import create_private_file, make_private_folder
from crechebooks_desktop.services.admin import checks
from crechebooks_desktop.services.admin.book_backup.make import file_sha256
from crechebooks_desktop.services.admin.book_backup.manifest import (
    MANIFEST,
    Manifest,
    NotABackup,
    safe_member_name,
)
from crechebooks_desktop.settings import Settings

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Restored:
    """A backup restored as a new book."""

    book: Path
    data_dir: Path
    creches: int
    documents: int
    made_at: str


class DamagedBackup(UserFacingError):
    """The backup does not hold what its manifest says, or its book fails ``check``.

    Attributes:
        problems: each problem, one line each (also in the message).
    """

    def __init__(self, shown: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        count = len(problems)
        head = (
            f"{shown} is damaged and was not restored ({count} problem"
            f"{'' if count == 1 else 's'}); nothing was written"
        )
        super().__init__("\n".join([head, *problems]))


def restore_book(backup: Path, target: Settings) -> Restored:
    """Check a backup through and through, then put its book in place at ``target``.

    Args:
        backup: the backup file (from ``back_up_book``).
        target: the new book: a SQLite file that is not there yet, whose data
            folder is not there either (or empty).

    Returns:
        Where the book and its documents now are.

    Raises:
        NotABackup: the file is not a CrecheBooks backup.
        DamagedBackup: a member is missing, altered or unexpected, a document
            does not match its row, or the book fails ``check`` (each named).
        UserFacingError: the target is taken or cannot be written, or the
            backup is of a PostgreSQL book. In every case nothing is written.
    """
    shown = str(backup)
    book_path = _target_file(target)
    with _opened_zip(backup) as archive:
        manifest = _manifest(archive, shown)
        if manifest.backend != "sqlite":
            raise UserFacingError(
                f"{shown} is a backup of a PostgreSQL book ({manifest.book}), which cannot "
                "become a SQLite file; unzip it and give book.pgdump to pg_restore (into an "
                "empty database), and put its documents folder in that book's data folder"
            )
        with _staging(book_path) as staging:
            problems = _unpack(archive, manifest, staging)
            if problems:
                raise DamagedBackup(shown, problems)
            creches = _check_book(staging, manifest, target, shown)
            _put_in_place(staging, book_path, target.data_dir)
    return Restored(book_path, target.data_dir, creches, len(manifest.documents), manifest.made_at)


def _target_file(target: Settings) -> Path:
    if not target.db_url.startswith("sqlite:///"):
        raise UserFacingError(
            "--to: name a new SQLite book file (restoring into a PostgreSQL server is done "
            "with pg_restore)"
        )
    path = Path(target.db_url.removeprefix("sqlite:///"))
    if path.exists() or path.is_symlink():
        raise UserFacingError(f"--to: {path} already exists; restore into a new file")
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise UserFacingError(f"--to: cannot restore to {path}: {path.parent} {what}")
    data_dir = target.data_dir
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise UserFacingError(
            f"--to: the new book's data folder {data_dir} is already there and not empty; "
            "restore to another file name"
        )
    return path


@contextlib.contextmanager
def _opened_zip(backup: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(backup)
    except FileNotFoundError:
        raise UserFacingError(f"there is no backup at {backup}") from None
    except IsADirectoryError:
        raise UserFacingError(f"{backup} is a folder, not a backup file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotABackup(
            f"{backup} is not a CrecheBooks backup (not a readable zip file: {exc})"
        ) from None
    with archive:
        yield archive


def _manifest(archive: zipfile.ZipFile, shown: str) -> Manifest:
    try:
        data = archive.read(MANIFEST)
    except KeyError:
        raise NotABackup(f"{shown} is not a CrecheBooks backup (it has no {MANIFEST})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DamagedBackup(shown, [f"{MANIFEST}: cannot be read ({exc})"]) from None
    return Manifest.from_json(data, shown)


@contextlib.contextmanager
def _staging(book_path: Path) -> Iterator[Path]:
    """A private folder beside the new book (same disk: moved into place in one step)."""
    try:
        staging = Path(tempfile.mkdtemp(dir=book_path.parent, prefix=f".{book_path.name}."))
    except OSError as exc:
        raise UserFacingError(
            f"--to: cannot restore to {book_path}: {exc.strerror or exc}"
        ) from None
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(archive: zipfile.ZipFile, manifest: Manifest, staging: Path) -> list[str]:
    """Write each member into ``staging``, checking it; the problems found."""
    listed = {m.name for m in manifest.members}
    names = {i.filename for i in archive.infolist()}
    problems = [
        f"{name}: is in the file but not in its manifest"
        for name in sorted(names - listed - {MANIFEST})
    ]
    if manifest.database not in listed:
        problems.append(f"{manifest.database}: the database is not in the manifest")
    for member in manifest.members:
        if member.name not in names:
            problems.append(f"{member.name}: is missing")
            continue
        problems.extend(_unpack_member(archive, member.name, member.sha256, member.size, staging))
    return problems


def _unpack_member(
    archive: zipfile.ZipFile, name: str, sha256: str, size: int, staging: Path
) -> list[str]:
    if not safe_member_name(name):
        return [f"{name}: would be written outside the book"]
    path = staging / "files" / name
    digest = hashlib.sha256()
    written = 0
    try:
        make_private_folder(path.parent)
        create_private_file(path)  # the book and its documents: owner-only, like the originals
        with archive.open(name) as source, path.open("wb") as target:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                written += len(chunk)
                target.write(chunk)
    except (FileExistsError, NotADirectoryError):
        return [f"{name}: is listed twice, or inside another file, in the manifest"]
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        return [f"{name}: cannot be read back ({exc})"]
    except OSError as exc:  # the disk, not the backup
        raise UserFacingError(f"--to: cannot unpack the backup: {exc.strerror or exc}") from None
    if written != size or digest.hexdigest() != sha256:
        return [f"{name}: its SHA-256 is not the one in the manifest (the file was altered)"]
    return []


def _check_book(staging: Path, manifest: Manifest, target: Settings, shown: str) -> int:
    """Open the unpacked book, point its documents at their new home, and check it all."""
    files = staging / "files"
    staged = Settings(db_url=f"sqlite:///{files / manifest.database}", data_dir=files)
    try:
        book, _result = Book.open(staged)
    except UserFacingError as exc:
        raise DamagedBackup(shown, [f"{manifest.database}: {exc}"]) from None
    try:
        with book.write() as uow:  # the staged copy: where its documents will be
            uow.book_files.relocate(manifest.data_dir + os.sep, str(target.data_dir) + os.sep)
        problems = _document_problems(book, manifest, files, target.data_dir)
        creches = 0
        with book.read() as uow:
            for creche in uow.tenants.all():
                creches += 1
                report = checks.check_creche(uow.for_tenant(creche.tenant_id))
                problems.extend(f"check: {creche.name}: {v}" for v in report.violations)
    finally:
        book.close()
    if problems:
        raise DamagedBackup(shown, problems)
    return creches


def _document_problems(book: Book, manifest: Manifest, files: Path, data_dir: Path) -> list[str]:
    """Every documents row against its file, and against the manifest's own list."""
    problems: list[str] = []
    listed = {d.id: d for d in manifest.documents}
    with book.read() as uow:
        rows = uow.book_files.documents()
    for row in rows:
        path = Path(row.local_path)
        entry = listed.pop(row.id, None)
        if not path.is_relative_to(data_dir):
            problems.append(f"document {row.id}: {path} is not in the book's data folder")
            continue
        member = path.relative_to(data_dir).as_posix()
        if entry is None or entry.member != member or entry.sha256 != row.sha256:
            problems.append(f"document {row.id}: {member} is not as the manifest lists it")
        found = file_sha256(files / member) if safe_member_name(member) else None
        if found is None:
            problems.append(f"document {row.id}: {member} is not in the backup")
        elif found != row.sha256:
            problems.append(
                f"document {row.id}: {member} does not have the SHA-256 its row records"
            )
    problems.extend(f"document {i}: listed in the manifest, not in the book" for i in listed)
    return problems


def _put_in_place(staging: Path, book_path: Path, data_dir: Path) -> None:
    """Move the checked book and its documents to where they belong (the book first)."""
    files = staging / "files"
    try:
        _move_new(files / "book.sqlite", book_path)
    except FileExistsError:
        raise UserFacingError(
            f"--to: {book_path} already exists; restore into a new file"
        ) from None
    except OSError as exc:
        raise UserFacingError(
            f"--to: cannot restore to {book_path}: {exc.strerror or exc}"
        ) from None
    documents = files / "documents"
    try:
        if documents.is_dir():
            make_private_folder(data_dir)
            documents.rename(data_dir / "documents")
    except OSError as exc:
        book_path.unlink(missing_ok=True)
        raise UserFacingError(
            f"--to: cannot put the documents in {data_dir}: {exc.strerror or exc}"
        ) from None


def _move_new(source: Path, destination: Path) -> None:
    """Move a file to a name that must stay new: link then unlink, never replacing one."""
    try:
        os.link(source, destination)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if destination.exists():
            raise FileExistsError(destination) from None
        source.rename(destination)
