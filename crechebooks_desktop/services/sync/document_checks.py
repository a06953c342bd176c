"""``documents verify``: each archived PDF, here and in the bucket, against the book (issue 15).

Locally, each file must be there and have the SHA-256 the book recorded when
it was archived. In the bucket (when one is set), each document with a remote
key must be there, its SHA-256 metadata the book's, and the store's own SHA-256
checksum of its bytes the book's too. The book is read once, in a short
transaction; the files and the store are asked afterwards, outside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crechebooks_desktop.db.repositories.documents import DocumentValue
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.billing.monthly_run import Transactions
from crechebooks_desktop.services.sync.document_store import ArchiveStore, difference

__all__ = ["DocumentProblem", "VerifyReport", "verify_documents"]

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    """An archived copy that is missing or not what the book recorded.

    Attributes:
        kind: the document's kind (``invoice``, ``statement``, ``reminder``,
            ``reconciliation``).
        document_id: its ``documents`` row.
        file: its file's name.
        where: ``local`` (the archived file) or ``remote`` (the bucket's object).
        problem: ``missing`` or ``different``.
        detail: what exactly (the path or key, and how it differs).
    """

    kind: str
    document_id: int
    file: str
    where: str
    problem: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        """``{"kind", "id", "file", "where", "problem", "detail"}``; ``id`` is the document's."""
        return {
            "kind": self.kind,
            "id": self.document_id,
            "file": self.file,
            "where": self.where,
            "problem": self.problem,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``documents verify`` found.

    Attributes:
        checked: documents whose local file was checked (every one in the book).
        remote_checked: documents whose object in the bucket was checked.
        not_uploaded: documents with no remote copy yet while a bucket is set.
        bucket: the bucket checked (None: none set, only local files checked).
        problems: each missing or different copy, local ones first per document.
    """

    checked: int
    remote_checked: int
    not_uploaded: int
    bucket: str | None
    problems: tuple[DocumentProblem, ...]

    @property
    def ok(self) -> bool:
        """Whether every copy checked is there and is the book's."""
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """The report as ``--json`` prints it."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "remote_checked": self.remote_checked,
            "not_uploaded": self.not_uploaded,
            "bucket": self.bucket,
            "problems": [p.as_json() for p in self.problems],
        }


def verify_documents(
    transactions: Transactions, actor: Actor, store: ArchiveStore | None
) -> VerifyReport:
    """Check every archived document's file, and its object in the bucket when one is given.

    Args:
        transactions: opens a transaction in the actor's creche (read only here).
        actor: who checks (any role that may read the book).
        store: the creche's bucket, or None when none is set.

    Returns:
        What was checked and each copy missing or different.

    Raises:
        PermissionDenied: the actor may not read the book.
        UserFacingError: the store cannot be used (``ArchiveUnavailable``).
    """
    audit.require(actor, Permission.READ)
    with transactions() as uow:
        documents = uow.documents.every()
    if store is not None:
        store.check()
    problems: list[DocumentProblem] = []
    remote_checked = not_uploaded = 0
    for document in documents:
        problems += _local(document)
        if store is None:
            continue
        if document.remote_key is None:
            not_uploaded += 1
            continue
        remote_checked += 1
        problems += _remote(document, store)
    return VerifyReport(
        checked=len(documents),
        remote_checked=remote_checked,
        not_uploaded=not_uploaded,
        bucket=store.where if store is not None else None,
        problems=tuple(problems),
    )


def _local(document: DocumentValue) -> list[DocumentProblem]:
    path = Path(document.local_path)
    try:
        digest = _file_sha256(path)
    except FileNotFoundError:
        return [_problem(document, "local", "missing", f"{path} is not there")]
    except OSError as exc:
        return [_problem(document, "local", "missing", f"{path} cannot be read: {exc.strerror}")]
    if digest != document.sha256:
        detail = f"{path} has SHA-256 {digest}, not the book's {document.sha256}"
        return [_problem(document, "local", "different", detail)]
    return []


def _remote(document: DocumentValue, store: ArchiveStore) -> list[DocumentProblem]:
    key = document.remote_key or ""
    where = f"{store.where}/{key}"
    found = store.find(key)
    if found is None:
        return [_problem(document, "remote", "missing", f"{where} is not there")]
    problem = difference(found, document.sha256)
    if problem is not None:
        return [_problem(document, "remote", "different", f"{where}: {problem}")]
    return []


def _problem(document: DocumentValue, where: str, problem: str, detail: str) -> DocumentProblem:
    return DocumentProblem(
        document.kind, document.id, Path(document.local_path).name, where, problem, detail
    )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
