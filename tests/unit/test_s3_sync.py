"""The S3 archive through the services, against a real S3 API on loopback (issue 15).

The book is real (SQLite and PostgreSQL); the bucket is moto's server on
127.0.0.1 (``tests/s3_fixtures.py``), which checks each upload's SHA-256 as S3 does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.s3_archive import sha256_checksum
from crechebooks_desktop.errors import PermissionDenied, UserFacingError
from crechebooks_desktop.exporters.invoice_documents import print_invoice
from crechebooks_desktop.exporters.statement_documents import print_statement
from crechebooks_desktop.integrations.s3 import S3Store, open_store
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.billing.invoice_attachments import attach_files
from crechebooks_desktop.services.billing.invoice_lifecycle import find_invoices
from crechebooks_desktop.services.household_statements.reminders import archive_letter
from crechebooks_desktop.services.household_statements.statement import Period
from crechebooks_desktop.services.sync.document_checks import verify_documents
from crechebooks_desktop.services.sync.document_store import RemoteObject
from crechebooks_desktop.services.sync.documents import archive_status, sync_archive
from tests.delivery_fixtures import Families, build_families
from tests.s3_fixtures import S3Endpoint, aws_env, moto_endpoint, set_env

SLUG = "little-acorns"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> S3Endpoint:
    endpoint = moto_endpoint()
    set_env(monkeypatch, aws_env(endpoint, tmp_path))
    return endpoint


class Recording:
    """A store that counts what it is asked (around the real one)."""

    def __init__(self, store: S3Store) -> None:
        self.store = store
        self.puts: list[str] = []
        self.finds = 0

    @property
    def where(self) -> str:
        return self.store.where

    def check(self) -> None:
        self.store.check()

    def find(self, key: str) -> RemoteObject | None:
        self.finds += 1
        return self.store.find(key)

    def put(self, key: str, data: bytes, sha256: str) -> bool:
        self.puts.append(key)
        return self.store.put(key, data, sha256)


def configure(families: Families, bucket: str, prefix: str = "") -> None:
    with families.writer()() as uow:
        change_setting(uow, families.actor, "s3-bucket", bucket)
        change_setting(uow, families.actor, "s3-prefix", prefix)


def print_month(families: Families) -> dict[str, Path]:
    """Archive every October invoice's PDF; number -> archived file."""
    with families.book.read(families.tenant) as uow:
        numbers = [i.number for i in find_invoices(uow, InvoiceFilter(month=dt.date(2026, 10, 1)))]
    archived = {}
    for number in numbers:
        with families.writer()() as uow:
            printed = print_invoice(uow, families.actor, number, families.book.settings.data_dir)
        archived[number] = printed.archived.path
    return archived


def store_of(families: Families) -> Recording:
    with families.book.read(families.tenant) as uow:
        creche = uow.tenants.get(families.tenant)
    assert creche is not None
    return Recording(open_store(creche, None, print))


def sync(families: Families, store: Any, actor: Actor | None = None, **options: Any) -> Any:
    return sync_archive(families.writer(), actor or families.actor, store, **options)


def outbox_states(book: Book, tenant: int) -> dict[str, int]:
    with book.read(tenant) as uow:
        counts = uow.sync_outbox.counts(SyncTarget.S3)
    return dataclasses.asdict(counts)


def test_a_month_of_invoices_goes_to_the_bucket_once(book: Book, s3: S3Endpoint) -> None:
    families = build_families(book)
    bucket = s3.new_bucket()
    configure(families, bucket, "/books/2026/")
    archived = print_month(families)
    assert len(archived) == 6
    # Queued with each row: nothing has gone yet.
    assert outbox_states(book, families.tenant) == {"pending": 6, "done": 0, "failed": 0}
    assert s3.objects(bucket) == {}

    store = store_of(families)
    report = sync(families, store)
    assert (report.sent, report.failed, report.pending, report.queued) == (6, (), 0, 0)
    assert report.ok
    objects = s3.objects(bucket)
    expected = {
        f"books/2026/{SLUG}/invoice/2026/{number}.pdf": path for number, path in archived.items()
    }
    assert set(objects) == set(expected)
    for key, path in expected.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert objects[key]["Metadata"] == {"sha256": digest}
        assert objects[key]["ChecksumSHA256"] == sha256_checksum(digest)
        assert objects[key]["ContentType"] == "application/pdf"
        assert s3.body(bucket, key) == path.read_bytes()
    with book.read(families.tenant) as uow:
        documents = uow.documents.every()
        audit = [r for r in uow.audit.latest(families.tenant, 20) if r.action == "documents.sync"]
    assert {d.remote_key for d in documents} == set(expected)
    assert all(d.remote_key and d.remote_key.endswith(Path(d.local_path).name) for d in documents)
    assert outbox_states(book, families.tenant) == {"pending": 0, "done": 6, "failed": 0}
    assert len(audit) == 1
    assert audit[0].after is not None
    assert audit[0].after["sent"] == 6

    # A rerun sends nothing and asks nothing of the objects.
    again = Recording(store.store)
    rerun = sync(families, again)
    assert (rerun.sent, rerun.pending, again.puts, again.finds) == (0, 0, [], 0)

    # Recorded here but lost from the book's side (a crash after the upload): the object
    # found there with the book's hash counts as sent, and is not uploaded again.
    first = documents[0]
    modified = objects[first.remote_key or ""]["LastModified"]
    with families.writer()() as uow:
        uow.sync_outbox.queue(SyncTarget.S3, "document", first.id, "upload")
    crashed = Recording(store.store)
    after_crash = sync(families, crashed)
    assert (after_crash.sent, crashed.puts) == (1, [])
    assert s3.objects(bucket)[first.remote_key or ""]["LastModified"] == modified


def test_back_catalogue_refusals_and_retry(book: Book, s3: S3Endpoint) -> None:
    families = build_families(book)
    archived = print_month(families)  # before the archive has a bucket: nothing queued
    assert outbox_states(book, families.tenant) == {"pending": 0, "done": 0, "failed": 0}
    bucket = s3.new_bucket()
    configure(families, bucket)
    with book.read(families.tenant) as uow:
        status = archive_status(uow, families.actor)
    assert (status.bucket, status.not_queued, status.failures) == (bucket, 6, ())

    numbers = sorted(archived)
    changed, missing = archived[numbers[0]], archived[numbers[1]]
    original = changed.read_bytes()
    changed.write_bytes(original.replace(b"%%EOF", b"%%EOF\n% edited after archiving"))
    missing.rename(missing.with_suffix(".moved"))

    report = sync(families, store_of(families))
    assert (report.queued, report.sent, report.pending) == (6, 4, 0)
    assert not report.ok
    failed = {f.file: f for f in report.failed}
    assert set(failed) == {changed.name, missing.name}
    assert {f.kind for f in report.failed} == {"invoice"}
    assert "changed after it was archived" in failed[changed.name].message
    assert str(changed) in failed[changed.name].message
    assert failed[missing.name].message == f"the archived file {missing} is missing"
    assert set(s3.objects(bucket)) == {
        f"{SLUG}/invoice/2026/{number}.pdf" for number in numbers[2:]
    }

    # Put right, they still wait until someone asks for them again.
    changed.write_bytes(original)
    missing.with_suffix(".moved").rename(missing)
    waiting = sync(families, store_of(families))
    assert (waiting.sent, len(waiting.failed), waiting.queued) == (0, 2, 0)
    retried = sync(families, store_of(families), retry_failed=True)
    assert (retried.retried, retried.sent, retried.failed, retried.pending) == (2, 2, (), 0)
    assert len(s3.objects(bucket)) == 6
    with book.read(families.tenant) as uow:
        status = archive_status(uow, families.actor)
    assert (status.counts.done, status.counts.failed, status.not_queued) == (6, 0, 0)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_s3_refuses_bytes_without_the_books_hash(book: Book, s3: S3Endpoint) -> None:
    families = build_families(book)
    configure(families, s3.new_bucket())
    store = store_of(families).store
    recorded = hashlib.sha256(b"%PDF-1.4 as archived").hexdigest()
    with pytest.raises(Exception, match="BadDigest") as refused:
        store.put("x/tampered.pdf", b"%PDF-1.4 changed since", recorded)
    assert "its bytes do not have the SHA-256 the book recorded" in str(refused.value)
    assert store.find("x/tampered.pdf") is None
    assert store.put("x/right.pdf", b"%PDF-1.4 as archived", recorded)
    assert store.find("x/right.pdf") == RemoteObject(recorded, sha256_checksum(recorded))
    # Never over another object.
    assert not store.put("x/right.pdf", b"%PDF-1.4 as archived", recorded)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_store_out_of_reach_changes_nothing(
    book: Book, s3: S3Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    families = build_families(book)
    configure(families, f"{s3.new_bucket()}-gone")
    print_month(families)
    before = outbox_states(book, families.tenant)
    with book.read(families.tenant) as uow:
        audit_before = len(uow.audit.latest(families.tenant, 1000))
    with pytest.raises(
        UserFacingError,
        match=r"^the bucket acorns-\w+-gone does not exist at http://127\.0\.0\.1:\d+$",
    ):
        sync(families, store_of(families), retry_failed=True)

    monkeypatch.setenv("CRECHEBOOKS_S3_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens
    started = time.monotonic()
    with pytest.raises(
        UserFacingError, match=r"^cannot reach http://127\.0\.0\.1:9: Could not connect"
    ):
        sync(families, store_of(families))
    assert time.monotonic() - started < 10
    assert outbox_states(book, families.tenant) == before
    with book.read(families.tenant) as uow:
        assert len(uow.audit.latest(families.tenant, 1000)) == audit_before
        assert all(d.remote_key is None for d in uow.documents.every())

    with families.writer()() as uow:
        change_setting(uow, families.actor, "s3-bucket", "")
    with pytest.raises(UserFacingError, match="no S3 bucket is set"):
        store_of(families)


def test_verify_finds_changed_copies_here_and_there(book: Book, s3: S3Endpoint) -> None:
    families = build_families(book)
    bucket = s3.new_bucket()
    configure(families, bucket)
    archived = print_month(families)
    viewer = dataclasses.replace(families.actor, role=Role.OWNER_VIEWER)
    store = store_of(families)
    with pytest.raises(PermissionDenied):
        sync(families, store, viewer)
    assert sync(families, store).sent == 6

    clean = verify_documents(lambda: book.read(families.tenant), viewer, store)
    assert (clean.ok, clean.checked, clean.remote_checked, clean.not_uploaded) == (True, 6, 6, 0)

    numbers = sorted(archived)
    archived[numbers[0]].write_bytes(b"%PDF-1.4 not what was archived")
    with book.read(families.tenant) as uow:
        keys = {Path(d.local_path).stem: d.remote_key or "" for d in uow.documents.every()}
    client = s3.client()
    same = hashlib.sha256(archived[numbers[1]].read_bytes()).hexdigest()
    digest = hashlib.sha256(archived[numbers[2]].read_bytes()).hexdigest()
    # Same metadata, other bytes (no SHA-256 checksum then); other metadata; gone.
    client.put_object(Bucket=bucket, Key=keys[numbers[1]], Body=b"x", Metadata={"sha256": same})
    client.put_object(Bucket=bucket, Key=keys[numbers[2]], Body=b"y", Metadata={"sha256": "0" * 64})
    client.delete_object(Bucket=bucket, Key=keys[numbers[3]])

    found = verify_documents(lambda: book.read(families.tenant), viewer, store)
    assert not found.ok
    problems = {(p.file, p.where, p.problem) for p in found.problems}
    assert problems == {
        (f"{numbers[0]}.pdf", "local", "different"),
        (f"{numbers[1]}.pdf", "remote", "different"),
        (f"{numbers[2]}.pdf", "remote", "different"),
        (f"{numbers[3]}.pdf", "remote", "missing"),
    }
    details = {p.file: p.detail for p in found.problems}
    assert "keeps no SHA-256 checksum" in details[f"{numbers[1]}.pdf"]
    assert f"not the book's {digest}" in details[f"{numbers[2]}.pdf"]

    local_only = verify_documents(lambda: book.read(families.tenant), viewer, None)
    assert [(p.file, p.where) for p in local_only.problems] == [(f"{numbers[0]}.pdf", "local")]
    assert local_only.bucket is None


def test_statements_and_reminder_letters_are_queued_too(book: Book, s3: S3Endpoint) -> None:
    families = build_families(book)
    bucket = s3.new_bucket()
    configure(families, bucket)
    data_dir = book.settings.data_dir
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with families.writer()() as uow:
        statement = print_statement(uow, families.actor, "NAIDOO03", october, data_dir)
        household = statement.statement.party.household_id
        letter_of = SimpleNamespace(
            due=SimpleNamespace(as_of=dt.date(2026, 11, 14), level=1),
            party=SimpleNamespace(household_ref="NAIDOO03", household_id=household),
        )
        letter = archive_letter(uow, families.actor, letter_of, b"%PDF-1.4 reminder", data_dir)  # type: ignore[arg-type]
    assert outbox_states(book, families.tenant) == {"pending": 2, "done": 0, "failed": 0}
    assert sync(families, store_of(families)).sent == 2
    assert set(s3.objects(bucket)) == {
        f"{SLUG}/statement/2026/{statement.archived.path.name}",
        f"{SLUG}/reminder/2026/{letter.path.name}",
    }


def test_invoice_attachments_go_under_their_invoice(
    book: Book, s3: S3Endpoint, tmp_path: Path
) -> None:
    families = build_families(book)
    bucket = s3.new_bucket()
    configure(families, bucket)
    with families.book.read(families.tenant) as uow:
        found = find_invoices(uow, InvoiceFilter(month=dt.date(2026, 10, 1)))
    first, second = found[0], found[1]
    receipt = tmp_path / "receipt.pdf"
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    for n, invoice in enumerate((first, second)):
        receipt.write_bytes(b"%PDF-1.4 receipt " + bytes([48 + n]))
        files = [receipt, photo] if n == 0 else [receipt]
        with families.writer()() as uow:
            attach_files(uow, families.actor, invoice.number, files, book.settings.data_dir)
    assert sync(families, store_of(families)).sent == 3
    year = first.issue_date.year
    objects = s3.objects(bucket)
    assert set(objects) == {
        f"{SLUG}/attachment/{year}/{first.number}/receipt.pdf",
        f"{SLUG}/attachment/{year}/{first.number}/photo.jpg",
        f"{SLUG}/attachment/{year}/{second.number}/receipt.pdf",
    }
    assert objects[f"{SLUG}/attachment/{year}/{first.number}/photo.jpg"]["ContentType"] == (
        "image/jpeg"
    )
