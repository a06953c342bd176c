"""Archiving reconciliation statements (services.reconciliation.documents, issue 15).

SQLite and PostgreSQL, on the October creche of ``tests.reconcile_fixtures``:
a finished reconciliation's PDF is archived once and reused while unchanged,
a draft or a workbook is not, the S3 copy is queued in the same transaction,
and ``documents sync|verify`` and the whole-book backup take it like any other.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.documents import DocumentRepository, DocumentValue
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.s3_archive import sha256_checksum
from crechebooks_desktop.errors import RuleViolation, UserFacingError
from crechebooks_desktop.exporters.reconciliation_documents import MadeReport, make_report
from crechebooks_desktop.services.admin.book_backup import back_up_book, restore_book
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.documents import sha256_hex
from crechebooks_desktop.services.reconciliation import reconcile
from crechebooks_desktop.services.reconciliation.documents import archive_reconciliation_pdf
from crechebooks_desktop.services.sync.document_checks import VerifyReport, verify_documents
from crechebooks_desktop.services.sync.document_store import RemoteObject
from crechebooks_desktop.services.sync.documents import sync_archive
from crechebooks_desktop.settings import Settings
from tests.bank_fixtures import ACCOUNT
from tests.file_modes import POSIX_ONLY, mode
from tests.reconcile_fixtures import OCT_31, October, build_october, finish_october

NAME = "cheque-2026-10-31.pdf"


@pytest.fixture
def october(book: Book) -> October:
    return build_october(book)


@pytest.fixture
def finished(october: October) -> October:
    finish_october(october)
    return october


def make(october: October, out: Path | None = None, actor: Actor | None = None) -> MadeReport:
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        return make_report(
            uow, actor or creche.actor, ACCOUNT, OCT_31, creche.book.settings.data_dir, out
        )


def folder(october: October) -> Path:
    return october.creche.book.settings.data_dir / "documents" / "reconciliations" / "2026"


def archived_rows(october: October) -> list[DocumentValue]:
    creche = october.creche
    with creche.book.read(creche.tenant) as uow:
        return [d for d in uow.documents.every() if d.kind == "reconciliation"]


def reconciliation_id(october: October) -> int:
    creche = october.creche
    with creche.book.read(creche.tenant) as uow:
        (record,) = reconcile.history(uow, ACCOUNT)
    return record.id


def test_a_finished_statement_is_archived_once_and_reused_while_unchanged(
    finished: October, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "october.pdf"
    first = make(finished, out)
    expected = folder(finished) / NAME
    assert first.archived is not None
    assert (first.archived.path, first.archived.version, first.archived.created) == (
        expected,
        1,
        True,
    )
    assert first.data.startswith(b"%PDF")
    assert out.read_bytes() == expected.read_bytes() == first.data  # the file asked for, too
    assert first.not_archived is None
    (row,) = archived_rows(finished)
    record_id = reconciliation_id(finished)
    assert (row.kind, row.entity, row.entity_id) == ("reconciliation", "reconciliation", record_id)
    assert (row.sha256, row.local_path) == (sha256_hex(first.data), str(expected))
    creche = finished.creche
    with creche.book.read(creche.tenant) as uow:
        latest = uow.audit.latest(creche.tenant, limit=1)[0]
    assert (latest.action, latest.entity, latest.entity_id) == (
        "document.create",
        "document",
        str(row.id),
    )
    assert latest.after is not None
    assert (latest.after["kind"], latest.after["reconciliation_id"]) == (
        "reconciliation",
        record_id,
    )
    assert (latest.after["statement_date"], latest.after["version"]) == ("2026-10-31", 1)

    again = make(finished)  # for printing: nothing written but the archive
    assert again.data == first.data  # deterministic: the same statement, the same bytes
    assert again.archived is not None
    assert (again.archived.path, again.archived.version, again.archived.created) == (
        expected,
        1,
        False,
    )
    assert len(archived_rows(finished)) == 1
    expected.unlink()  # a lost copy is put back by the next one, from the same bytes
    assert make(finished).archived == again.archived
    assert expected.read_bytes() == first.data
    assert sorted(p.name for p in folder(finished).iterdir()) == [NAME]  # no temporary files


def test_a_changed_statement_is_archived_as_a_new_version(finished: October) -> None:
    first = make(finished)
    creche = finished.creche
    with creche.book.write(creche.tenant) as uow:
        change_setting(uow, creche.actor, "name", "Acorns Educare")  # printed on the statement
    second = make(finished)
    assert first.archived is not None
    assert second.archived is not None
    assert (second.archived.version, second.archived.created) == (2, True)
    assert second.archived.path == folder(finished) / "cheque-2026-10-31-2.pdf"
    assert first.archived.path.read_bytes() == first.data  # the earlier copy is kept as it was
    assert [r.sha256 for r in archived_rows(finished)] == [
        first.archived.sha256,
        second.archived.sha256,
    ]
    third = make(finished)
    assert third.archived is not None
    assert (third.archived.version, third.archived.created) == (2, False)


@pytest.mark.parametrize("backend", ["sqlite"])  # files, not the database, are the point
def test_a_row_that_cannot_be_written_takes_its_file_with_it(
    finished: October, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> int:
        raise RuntimeError("disk full in the database")

    monkeypatch.setattr(DocumentRepository, "add", refuse)
    with pytest.raises(RuntimeError, match="disk full"):
        make(finished)
    assert list(folder(finished).iterdir()) == []
    monkeypatch.undo()
    made = make(finished)
    assert made.archived is not None
    assert (made.archived.path.name, made.archived.created) == (NAME, True)


def test_a_draft_is_not_archived(october: October, tmp_path: Path) -> None:
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        reconcile.start(uow, creche.actor, ACCOUNT, OCT_31)
    out = tmp_path / "draft.pdf"
    draft = make(october, out)
    assert (draft.archived, draft.not_archived) == (None, "the reconciliation is not finished")
    assert out.read_bytes() == draft.data
    assert archived_rows(october) == []
    assert not folder(october).exists()
    with (
        creche.book.write(creche.tenant) as uow,
        pytest.raises(RuleViolation, match="not archived: the reconciliation is not finished"),
    ):
        archive_reconciliation_pdf(
            uow, creche.actor, draft.report, draft.data, creche.book.settings.data_dir
        )

    with creche.book.write(creche.tenant) as uow:
        reconcile.finish(uow, creche.actor, ACCOUNT)
        reconcile.unlock(uow, creche.actor, ACCOUNT, "the bank corrected a fee")
    unlocked = make(october)
    assert unlocked.archived is None
    assert unlocked.not_archived == "the reconciliation was unlocked, so it is not finished"
    assert archived_rows(october) == []


@POSIX_ONLY
@pytest.mark.usefixtures("usual_umask")
def test_a_workbook_is_not_archived_files_are_owner_only_other_endings_refused(
    finished: October, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "october.xlsx"
    made = make(finished, out)
    assert (made.archived, made.not_archived) == (None, None)
    assert out.read_bytes()[:2] == b"PK"
    assert mode(out) == 0o600  # owner-only, like every file the book writes
    archived = make(finished, tmp_path / "out" / "october.pdf").archived
    assert archived is not None
    assert (mode(archived.path), mode(tmp_path / "out" / "october.pdf")) == (0o600, 0o600)
    with pytest.raises(UserFacingError, match=r"written as FILE\.pdf or FILE\.xlsx"):
        make(finished, tmp_path / "october.txt")
    assert len(archived_rows(finished)) == 1  # the PDF's alone
    assert not (tmp_path / "october.txt").exists()


def test_any_role_that_reads_the_book_may_archive(finished: October) -> None:
    creche = finished.creche
    with creche.book.write(creche.tenant) as uow:
        add_user(uow, creche.actor, "olive", Role.OWNER_VIEWER, "pw")
    with creche.book.read(creche.tenant) as uow:
        olive = acting_user(uow, creche.tenant, "olive")
    made = make(finished, actor=olive)  # the archive is a record, not a change
    assert made.archived is not None
    assert made.archived.created
    with creche.book.read(creche.tenant) as uow:
        latest = uow.audit.latest(creche.tenant, limit=1)[0]
    assert (latest.action, latest.username) == ("document.create", "olive")


def test_with_a_bucket_the_upload_is_queued_in_the_same_transaction(finished: October) -> None:
    creche = finished.creche
    data_dir = creche.book.settings.data_dir
    with creche.book.write(creche.tenant) as uow:
        change_setting(uow, creche.actor, "s3-bucket", "acorns-archive")

    def rolled_back() -> None:
        with creche.book.write(creche.tenant) as uow:
            made = make_report(uow, creche.actor, ACCOUNT, OCT_31, data_dir)
            assert made.archived is not None
            (item,) = uow.sync_outbox.pending(SyncTarget.S3)
            (row,) = [d for d in uow.documents.every() if d.kind == "reconciliation"]
            assert (item.entity, item.entity_id, item.action) == ("document", row.id, "upload")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rolled_back()
    with creche.book.read(creche.tenant) as uow:  # row and item went together
        assert uow.sync_outbox.pending(SyncTarget.S3) == []
    assert archived_rows(finished) == []

    made = make(finished)
    assert made.archived is not None
    # The rolled-back copy's file is left there, not taken over: this one takes the next name.
    assert made.archived.path == folder(finished) / "cheque-2026-10-31-2.pdf"
    (row,) = archived_rows(finished)
    with creche.book.read(creche.tenant) as uow:
        (item,) = uow.sync_outbox.pending(SyncTarget.S3)
    assert (item.entity, item.entity_id) == ("document", row.id)
    make(finished)  # reused: nothing queued again
    with creche.book.read(creche.tenant) as uow:
        assert len(uow.sync_outbox.pending(SyncTarget.S3)) == 1


class MemoryStore:
    """A bucket in a dict."""

    where = "s3://memory"

    def __init__(self) -> None:
        self.objects: dict[str, RemoteObject] = {}

    def check(self) -> None:
        return None

    def find(self, key: str) -> RemoteObject | None:
        return self.objects.get(key)

    def put(self, key: str, data: bytes, sha256: str) -> bool:
        assert sha256_hex(data) == sha256
        self.objects.setdefault(key, RemoteObject(sha256, sha256_checksum(sha256)))
        return True


def test_documents_sync_and_verify_cover_the_statement(finished: October) -> None:
    creche = finished.creche
    with creche.book.write(creche.tenant) as uow:
        change_setting(uow, creche.actor, "s3-bucket", "acorns-archive")
    archived = make(finished).archived
    assert archived is not None
    store = MemoryStore()
    synced = sync_archive(lambda: creche.book.write(creche.tenant), creche.actor, store)
    assert (synced.sent, synced.pending, synced.failed) == (1, 0, ())
    assert list(store.objects) == [f"acorns/reconciliation/2026/{NAME}"]

    def verify() -> VerifyReport:
        return verify_documents(lambda: creche.book.read(creche.tenant), creche.actor, store)

    found = verify()
    assert (found.checked, found.remote_checked, found.ok) == (1, 1, True)
    archived.path.write_bytes(archived.path.read_bytes().replace(b"%PDF", b"%pdf", 1))
    (problem,) = verify().problems
    assert (problem.kind, problem.file, problem.where, problem.problem) == (
        "reconciliation",
        NAME,
        "local",
        "different",
    )


@pytest.mark.parametrize("backend", ["sqlite"])  # a restore makes a SQLite book
def test_a_backup_holds_the_statement_and_a_restore_puts_it_back(
    finished: October, tmp_path: Path
) -> None:
    made = make(finished)
    backup = tmp_path / "book-backup.zip"
    back_up_book(finished.creche.book, backup)
    member = f"documents/reconciliations/2026/{NAME}"
    with zipfile.ZipFile(backup) as archive:
        assert archive.read(member) == made.data
    target = Settings(f"sqlite:///{tmp_path / 'restored.sqlite'}", tmp_path / "restored-files")
    restored = restore_book(backup, target)
    assert restored.documents == 1
    assert (target.data_dir / member).read_bytes() == made.data
