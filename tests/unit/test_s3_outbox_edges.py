"""The archive's sync and checks at their edges, with a store kept in memory (issue 15).

What a real bucket rarely does on cue (vanish, change under an upload, stop
answering half-way) is played here by a store in this process; the real S3
API on loopback is in ``test_s3_sync.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.s3_archive import sha256_checksum
from crechebooks_desktop.errors import PermissionDenied, UserFacingError
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.sync import archive_settings
from crechebooks_desktop.services.sync.document_checks import verify_documents
from crechebooks_desktop.services.sync.document_store import (
    ArchiveUnavailable,
    RemoteObject,
)
from crechebooks_desktop.services.sync.documents import queue_uploads, sync_archive
from crechebooks_desktop.services.tasks import TaskState

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

Creche = tuple[CrecheSettings, Actor]


class MemoryStore:
    """A bucket in a dict; ``after_put`` and ``fail_put`` play the store's surprises."""

    where = "s3://memory"

    def __init__(self) -> None:
        self.objects: dict[str, RemoteObject] = {}
        self.puts: list[str] = []
        self.after_put: Callable[[str], None] | None = None
        self.fail_put: Exception | None = None

    def check(self) -> None:
        return None

    def find(self, key: str) -> RemoteObject | None:
        return self.objects.get(key)

    def put(self, key: str, data: bytes, sha256: str) -> bool:
        if self.fail_put is not None:
            raise self.fail_put
        self.puts.append(key)
        if key in self.objects:
            return False
        self.objects[key] = RemoteObject(sha256, sha256_checksum(sha256))
        if self.after_put is not None:
            self.after_put(key)
        return True


def archive(book: Book, actor: Actor, folder: Path, count: int) -> list[int]:
    """``count`` small archived documents (rows and files); their ids."""
    ids = []
    with book.write(actor.tenant_id) as uow:
        for n in range(1, count + 1):
            path = folder / "documents" / "invoices" / "2026" / f"INV-{n}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"%PDF-1.4 invoice {n}".encode())
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            document_id = uow.documents.add("invoice", "invoice", n, digest, str(path))
            ids.append(document_id)
            queue_uploads(uow, [document_id])
    return ids


@pytest.fixture
def archived(book: Book, creche: Creche, tmp_path: Path) -> tuple[Book, Actor, list[int]]:
    _settings, actor = creche
    with book.write(actor.tenant_id) as uow:
        assert queue_uploads(uow, []) == 0
        change_setting(uow, actor, "s3-bucket", "acorns-archive")
    return book, actor, archive(book, actor, tmp_path, 4)


def run(book: Book, actor: Actor, store: MemoryStore, **options: object):  # type: ignore[no-untyped-def]
    return sync_archive(lambda: book.write(actor.tenant_id), actor, store, **options)  # type: ignore[arg-type]


def test_a_store_that_stops_answering_stops_the_run(
    archived: tuple[Book, Actor, list[int]],
) -> None:
    book, actor, _ids = archived
    store = MemoryStore()
    store.after_put = lambda _key: setattr(store, "fail_put", ArchiveUnavailable("S3 went away"))
    report = run(book, actor, store)
    assert (report.sent, report.pending, report.stopped, report.ok) == (1, 3, "S3 went away", False)
    store.fail_put = None
    store.after_put = None
    assert run(book, actor, store).sent == 3


def test_cancel_leaves_the_rest_waiting(archived: tuple[Book, Actor, list[int]]) -> None:
    book, actor, _ids = archived
    progress: list[tuple[int, int, str]] = []

    def cancel_after_one(done: int, total: int, name: str) -> None:
        progress.append((done, total, name))
        task.cancel()

    task = TaskState(cancel_after_one)
    report = run(book, actor, MemoryStore(), task=task)
    assert (report.sent, report.pending) == (1, 3)
    assert report.stopped == "cancelled; the rest waits for the next sync"
    assert progress == [(1, 4, "INV-1.pdf")]


def test_what_the_store_holds_must_be_the_books(
    archived: tuple[Book, Actor, list[int]], tmp_path: Path
) -> None:
    book, actor, ids = archived
    store = MemoryStore()
    key = "little-acorns-playschool/invoice/2026/INV-{}.pdf"
    store.objects[key.format(1)] = RemoteObject("0" * 64, None)  # someone else's object

    def vanish_or_differ(put_key: str) -> None:
        if put_key == key.format(2):
            del store.objects[put_key]
        if put_key == key.format(3):
            found = store.objects[put_key]
            store.objects[put_key] = dataclasses.replace(found, checksum="AAAA")

    store.after_put = vanish_or_differ
    folder = tmp_path / "documents" / "invoices" / "2026"
    (folder / "INV-4.pdf").unlink()
    (folder / "INV-4.pdf").mkdir()  # a folder where the file was: it cannot be read
    with book.write(actor.tenant_id) as uow:
        uow.sync_outbox.queue(SyncTarget.S3, "document", 999, "upload")  # no such document
    report = run(book, actor, store)
    messages = {f.document_id: f.message for f in report.failed}
    assert messages[ids[0]] == (
        f"another object is already at s3://memory/{key.format(1)} (its SHA-256 metadata is "
        f"{'0' * 64}, not the book's {_sha(folder / 'INV-1.pdf')}); it is not overwritten"
    )
    assert messages[ids[1]] == (
        f"s3://memory/{key.format(2)} is not there just after its upload; try the sync again"
    )
    assert messages[ids[2]] == (
        f"s3://memory/{key.format(3)} was uploaded but the store's SHA-256 checksum of its "
        "bytes is not the book's"
    )
    assert messages[ids[3]].startswith(f"cannot read the archived file {folder / 'INV-4.pdf'}: ")
    assert messages[999] == "the document is no longer in the book"
    assert {f.kind for f in report.failed if f.document_id == 999} == {""}
    assert store.objects[key.format(1)] == RemoteObject("0" * 64, None)  # not overwritten


def test_verify_counts_what_is_not_uploaded_and_reads_what_is_missing(
    archived: tuple[Book, Actor, list[int]], tmp_path: Path
) -> None:
    book, actor, _ids = archived
    folder = tmp_path / "documents" / "invoices" / "2026"
    (folder / "INV-1.pdf").unlink()
    (folder / "INV-2.pdf").unlink()
    (folder / "INV-2.pdf").mkdir()
    report = verify_documents(lambda: book.read(actor.tenant_id), actor, MemoryStore())
    assert (report.checked, report.remote_checked, report.not_uploaded) == (4, 0, 4)
    assert report.as_json()["problems"] == [
        {
            "kind": "invoice",
            "id": 1,
            "file": "INV-1.pdf",
            "where": "local",
            "problem": "missing",
            "detail": f"{folder / 'INV-1.pdf'} is not there",
        },
        {
            "kind": "invoice",
            "id": 2,
            "file": "INV-2.pdf",
            "where": "local",
            "problem": "missing",
            "detail": f"{folder / 'INV-2.pdf'} cannot be read: Is a directory",
        },
    ]
    assert report.as_json()["bucket"] == "s3://memory"
    assert report.as_json()["ok"] is False


def test_storing_the_access_key_is_an_administrators_and_audited(
    book: Book, creche: Creche
) -> None:
    _settings, admin = creche
    with book.read(admin.tenant_id) as uow, pytest.raises(UserFacingError, match="set s3-bucket"):
        archive_settings.s3_for_credentials(uow, admin)
    with book.write(admin.tenant_id) as uow:
        change_setting(uow, admin, "s3-bucket", "acorns-archive")
    bookkeeper = dataclasses.replace(admin, role=Role.BOOKKEEPER)
    with book.read(admin.tenant_id) as uow, pytest.raises(PermissionDenied):
        archive_settings.s3_for_credentials(uow, bookkeeper)
    with book.write(admin.tenant_id) as uow:
        s3 = archive_settings.s3_for_credentials(uow, admin)
        archive_settings.record_credentials_stored(uow, admin, s3)
    with book.read(admin.tenant_id) as uow:
        latest = uow.audit.latest(admin.tenant_id, 1)[0]
    assert (latest.action, latest.after) == (
        "settings.set",
        {"s3_credentials": "stored in the keyring for the bucket acorns-archive"},
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
