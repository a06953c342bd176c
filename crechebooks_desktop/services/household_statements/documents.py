"""Archiving statement PDFs, as invoices' are (``services.documents``): a copy, a row, a hash.

A statement's archived copies live at
``<data_dir>/documents/statements/<year>/<REF>-<from>-<to>[-child-<REF>][-open].pdf``
(the year of its last day; later versions ``...-2.pdf``, ``...-3.pdf``; a name
already taken by a file is skipped, never overwritten). Each copy has a
``documents`` row (kind ``statement``, entity ``household``, the household's
id) with its SHA-256. Rendering is deterministic, so a reprint of an unchanged
statement has the same hash and reuses the archived copy; a statement that
changed (a payment recorded since) is archived as a new version.

Archiving is a record, not a change: any role that may read the book may
archive, and each new copy is audited (``document.create``) as an invoice's
is. Files are written first, atomically and flushed to disk (several at once
in a batch); when they or the rows cannot be written, the new files are
removed again, so a row never claims a missing or partial file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.repositories.documents import DocumentValue, NewDocument
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.household_statement import StatementKind, StatementOf
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.documents import sha256_hex, write_many_atomically
from crechebooks_desktop.services.household_statements.statement import Period, household_statement
from crechebooks_desktop.services.sync.documents import queue_uploads

__all__ = [
    "HOUSEHOLD_ENTITY",
    "STATEMENT_KIND",
    "ArchivedStatement",
    "archive_path",
    "archive_statement_pdf",
    "archive_statement_pdfs",
    "creche_of",
    "safe_name",
    "statement_for_print",
    "statement_key",
]

STATEMENT_KIND = "statement"
"""``documents.kind`` of a statement PDF."""
HOUSEHOLD_ENTITY = "household"
"""``documents.entity`` of a statement PDF: whose statement it is."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_VERSION = re.compile(r"(?:-\d+)?\.pdf")
"""What follows a statement's key in its copies' names: ``.pdf``, ``-2.pdf``, ..."""


@dataclass(frozen=True, slots=True)
class ArchivedStatement:
    """Where a statement's PDF is archived, and whether this call archived it.

    Attributes:
        household_ref: whose statement.
        key: the statement's name in the archive (``statement_key``).
        path: the archived file.
        sha256: its hash (hex).
        version: 1 for the first copy, 2 for the next, ...
        created: False when an identical copy was already archived and was reused.
    """

    household_ref: str
    key: str
    path: Path
    sha256: str
    version: int
    created: bool


def safe_name(text: str) -> str:
    """``text`` as part of a file name: other than letters, digits, ``._-`` becomes ``_``."""
    return _UNSAFE.sub("_", text)


def statement_key(statement: StatementOf) -> str:
    """``<REF>-<from>-<to>[-child-<REF>][-open]``: which statement, as a file name's stem."""
    party = statement.party
    key = f"{party.household_ref}-{statement.date_from.isoformat()}-{statement.date_to.isoformat()}"
    if party.child_ref:
        key += f"-child-{party.child_ref}"
    if statement.kind == StatementKind.OPEN_ITEMS:
        key += "-open"
    return safe_name(key)


def archive_path(data_dir: Path, statement: StatementOf, version: int) -> Path:
    """``<data_dir>/documents/statements/<year>/<key>[-<version>].pdf``."""
    suffix = "" if version == 1 else f"-{version}"
    folder = data_dir / "documents" / "statements" / str(statement.date_to.year)
    return folder / f"{statement_key(statement)}{suffix}.pdf"


def creche_of(uow: UnitOfWork, actor: Actor) -> CrecheSettings:
    """The actor's creche, as its documents show it."""
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    return creche


def statement_for_print(
    uow: UnitOfWork,
    actor: Actor,
    account_ref: str,
    period: Period,
    *,
    child_ref: str | None = None,
    open_items: bool = False,
) -> tuple[StatementOf, CrecheSettings]:
    """A household's (or child's) statement and its creche, as the PDF shows them.

    Raises:
        PermissionDenied: the actor may not read the book.
        NotFoundError: no such household or child.
        RuleViolation: a child's open-items statement.
    """
    audit.require(actor, Permission.READ)
    statement = household_statement(
        uow, account_ref.strip(), period, child_ref=child_ref, open_items=open_items
    )
    return statement, creche_of(uow, actor)


def archive_statement_pdf(
    uow: UnitOfWork, actor: Actor, statement: StatementOf, pdf: bytes, data_dir: Path
) -> ArchivedStatement:
    """Archive one statement's PDF, or reuse the archived copy when it is identical.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who prints it (any role that may read the book).
        statement: the statement the PDF shows.
        pdf: the rendered PDF.
        data_dir: the book's data folder.

    Returns:
        Where the copy is, its hash and version, and whether it was created now.

    Raises:
        PermissionDenied: the actor may not read the book.
        UserFacingError: the archive folder cannot be written.
    """
    (archived,) = archive_statement_pdfs(uow, actor, [(statement, pdf)], data_dir)
    return archived


def archive_statement_pdfs(
    uow: UnitOfWork,
    actor: Actor,
    items: Sequence[tuple[StatementOf, bytes]],
    data_dir: Path,
    *,
    threads: int = 1,
) -> list[ArchivedStatement]:
    """Archive many statements' PDFs in one transaction: one read, one insert, one audit batch.

    The creche's row is held until the transaction ends, so two PCs archiving
    the same statement take turns and agree on its versions.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who prints them.
        items: each statement with its rendered PDF.
        data_dir: the book's data folder.
        threads: files written at once (``services.documents.write_many_atomically``).

    Returns:
        Each statement's archived copy, in the order given.

    Raises:
        PermissionDenied: the actor may not read the book.
        UserFacingError: a file cannot be written (the files this call wrote are removed).
    """
    audit.require(actor, Permission.READ)
    if not items:
        return []
    uow.tenants.lock(actor.tenant_id)
    known = uow.documents.of_entities(
        STATEMENT_KIND, HOUSEHOLD_ENTITY, [s.party.household_id for s, _pdf in items]
    )
    archive = _Archive(data_dir, known)
    found = [archive.add(statement, pdf) for statement, pdf in items]
    try:
        write_many_atomically(archive.to_write, threads)
        _record(uow, actor, archive.new)
    except BaseException:
        archive.remove_new_files()
        raise
    return found


@dataclass
class _Archive:
    """What one call archives: the copies known before it and those it writes."""

    data_dir: Path
    known: dict[int, list[DocumentValue]]

    def __post_init__(self) -> None:
        self.new: list[tuple[StatementOf, ArchivedStatement]] = []
        self.to_write: list[tuple[Path, bytes]] = []
        self._latest: dict[str, ArchivedStatement] = {}
        self._planned: set[Path] = set()

    def add(self, statement: StatementOf, pdf: bytes) -> ArchivedStatement:
        """Plan the statement's copy: reuse the identical latest one, or a new version's file."""
        key = statement_key(statement)
        digest = sha256_hex(pdf)
        latest = self._latest.get(key) or self._known_latest(statement, key)
        if latest is not None and latest.sha256 == digest:
            if latest.path not in self._planned and not latest.path.exists():
                self.to_write.append((latest.path, pdf))  # lost: the same bytes put it back
                self._planned.add(latest.path)
            return ArchivedStatement(
                latest.household_ref, key, latest.path, digest, latest.version, created=False
            )
        version = 1 if latest is None else latest.version + 1
        path = self._unused_path(statement, version)
        self.to_write.append((path, pdf))
        self._planned.add(path)
        archived = ArchivedStatement(
            statement.party.household_ref, key, path, digest, version, created=True
        )
        self.new.append((statement, archived))
        self._latest[key] = archived
        return archived

    def _known_latest(self, statement: StatementOf, key: str) -> ArchivedStatement | None:
        """The statement's latest archived copy before this call (matched by file name)."""
        versions = _versions(self.known.get(statement.party.household_id, ()), statement, key)
        if not versions:
            return None
        last = versions[-1]
        return ArchivedStatement(
            statement.party.household_ref,
            key,
            Path(last.local_path),
            last.sha256,
            len(versions),
            created=False,
        )

    def _unused_path(self, statement: StatementOf, version: int) -> Path:
        """The version's file name, or the next one free: never overwrite a file."""
        suffix = version
        while (path := archive_path(self.data_dir, statement, suffix)) in self._planned or (
            path.exists()
        ):
            suffix += 1
        return path

    def remove_new_files(self) -> None:
        """Take back the new versions' files (their rows were not written)."""
        for _statement, archived in self.new:
            archived.path.unlink(missing_ok=True)


def _versions(
    documents: Sequence[DocumentValue], statement: StatementOf, key: str
) -> list[DocumentValue]:
    """The copies of this statement among a household's statement documents, oldest first.

    A copy is known by its file's name: ``<key>.pdf`` or ``<key>-<n>.pdf``, in
    the folder of the statement's year.
    """
    year = str(statement.date_to.year)
    found = []
    for document in documents:
        path = Path(document.local_path)
        rest = path.name.removeprefix(key)
        if rest != path.name and path.parent.name == year and _VERSION.fullmatch(rest):
            found.append(document)
    return found


def _record(
    uow: UnitOfWork, actor: Actor, new: Sequence[tuple[StatementOf, ArchivedStatement]]
) -> None:
    rows = [
        NewDocument(
            STATEMENT_KIND,
            HOUSEHOLD_ENTITY,
            statement.party.household_id,
            archived.sha256,
            str(archived.path),
        )
        for statement, archived in new
    ]
    ids = uow.documents.add_many(rows)
    queue_uploads(uow, ids)  # the S3 archive's copies, when a bucket is set (issue 15)
    audit.record_many(
        uow,
        actor,
        [
            ("document.create", "document", document_id, None, _audited(statement, archived))
            for document_id, (statement, archived) in zip(ids, new, strict=True)
        ],
    )


def _audited(statement: StatementOf, archived: ArchivedStatement) -> dict[str, object]:
    party = statement.party
    return {
        "kind": STATEMENT_KIND,
        "statement": statement.kind,
        "household_id": party.household_id,
        "household_ref": party.household_ref,
        "child_ref": party.child_ref,
        "from": statement.date_from.isoformat(),
        "to": statement.date_to.isoformat(),
        "closing_cents": statement.closing_cents,
        "version": archived.version,
        "sha256": archived.sha256,
        "local_path": str(archived.path),
    }
