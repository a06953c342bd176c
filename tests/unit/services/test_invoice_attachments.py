"""Files kept with an invoice (services.billing.invoice_attachments) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.book_backup import back_up_book, restore_book
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_attachments import (
    SIZE_LIMIT,
    Attachment,
    attach_files,
    detach_file,
    list_attachments,
)
from crechebooks_desktop.services.billing.invoice_lifecycle import send_invoices, void_invoice
from crechebooks_desktop.services.documents import sha256_hex
from crechebooks_desktop.settings import Settings
from tests.billing_fixtures import Kid, add_family, add_fees, audit_actions, new_creche, run_month

NOV = dt.date(2026, 11, 1)
TERM = dt.date(2026, 1, 14)
INV = "INV-2026-000001"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@dataclass(frozen=True)
class Month:
    book: Book
    actor: Actor
    files: Path

    @property
    def tenant(self) -> int:
        return self.actor.tenant_id

    @property
    def folder(self) -> Path:
        return self.book.settings.data_dir / "documents" / "attachments" / "2026" / INV

    def file(self, name: str, data: bytes) -> Path:
        path = self.files / name
        path.write_bytes(data)
        return path


@pytest.fixture
def month(book: Book, tmp_path: Path) -> Month:
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))
    run_month(book, actor, NOV)
    files = tmp_path / "incoming"
    files.mkdir()
    return Month(book, actor, files)


def attach(m: Month, *files: Path) -> list[Attachment]:
    with m.book.write(m.tenant) as uow:
        return attach_files(uow, m.actor, INV, list(files), m.book.settings.data_dir)


def listed(m: Month) -> list[Attachment]:
    with m.book.read(m.tenant) as uow:
        return list_attachments(uow, m.actor, INV)


def test_several_files_are_kept_with_their_hash_and_listed(month: Month) -> None:
    made = attach(
        month,
        month.file("receipt.pdf", PDF),
        month.file("photo of form.png", PNG),
        month.file("notes.txt", b"paid cash\n"),
    )
    assert [a.name for a in made] == ["receipt.pdf", "photo_of_form.png", "notes.txt"]
    assert made[1].original == "photo of form.png"
    assert (month.folder / "receipt.pdf").read_bytes() == PDF
    shown = listed(month)
    assert [(a.name, a.size, a.sha256) for a in shown] == [
        ("receipt.pdf", len(PDF), sha256_hex(PDF)),
        ("photo_of_form.png", len(PNG), sha256_hex(PNG)),
        ("notes.txt", 10, sha256_hex(b"paid cash\n")),
    ]
    assert {a.added_by for a in shown} == {month.actor.username}
    assert audit_actions(month.book)["invoice.attach"] == 3


def test_the_same_name_again_gets_a_number_and_the_same_bytes_are_refused(month: Month) -> None:
    attach(month, month.file("receipt.pdf", PDF))
    other = month.files / "other"
    other.mkdir()
    second = other / "receipt.pdf"
    second.write_bytes(PDF + b"%second\n")
    (made,) = attach(month, second)
    assert made.name == "receipt-2.pdf"
    with pytest.raises(RuleViolation, match="already attached"):
        attach(month, month.file("copy.pdf", PDF))


def test_too_big_and_wrong_kinds_are_refused_naming_the_file(month: Month) -> None:
    big = month.file("huge.pdf", b"%PDF" + b"0" * SIZE_LIMIT)
    with pytest.raises(RuleViolation, match=r"huge\.pdf.*10 MB"):
        attach(month, big)
    with pytest.raises(RuleViolation, match=r"fake\.pdf: not a \.pdf"):
        attach(month, month.file("fake.pdf", b"MZ\x90\x00 an exe"))
    with pytest.raises(RuleViolation, match=r"tool\.exe: cannot attach"):
        attach(month, month.file("tool.exe", b"MZ"))
    with pytest.raises(RuleViolation, match="no such file"):
        attach(month, month.files / "gone.pdf")
    with pytest.raises(RuleViolation, match="not a file"):
        attach(month, month.files)
    stray = month.file("a.pdf", PDF)
    with pytest.raises(NotFoundError, match="no invoice"), month.book.write(month.tenant) as uow:
        attach_files(uow, month.actor, "INV-9", [stray], month.book.settings.data_dir)
    assert listed(month) == []
    assert not month.folder.exists()


def test_all_or_nothing_when_the_second_file_is_bad(month: Month) -> None:
    with pytest.raises(RuleViolation, match=r"bad\.png"):
        attach(month, month.file("good.pdf", PDF), month.file("bad.png", b"GIF89a"))
    assert listed(month) == []
    assert not month.folder.exists()
    assert audit_actions(month.book)["invoice.attach"] == 0


def _interrupt() -> None:
    raise KeyboardInterrupt


def _attach_then_fail(m: Month, written: list[Path]) -> None:
    try:
        with m.book.write(m.tenant) as uow:
            attach_files(
                uow, m.actor, INV, [m.file("good.pdf", PDF)], m.book.settings.data_dir, written
            )
            _interrupt()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def test_a_failed_transaction_leaves_no_file(month: Month) -> None:
    written: list[Path] = []
    with pytest.raises(KeyboardInterrupt):
        _attach_then_fail(month, written)
    assert [p.name for p in written] == ["good.pdf"]
    assert listed(month) == []
    assert list(month.folder.iterdir()) == []


def test_detach_hides_keeps_the_file_and_is_audited(month: Month) -> None:
    attach(month, month.file("receipt.pdf", PDF), month.file("form.png", PNG))
    with month.book.write(month.tenant) as uow:
        gone = detach_file(uow, month.actor, INV, "receipt.pdf")
    assert gone.sha256 == sha256_hex(PDF)
    assert [a.name for a in listed(month)] == ["form.png"]
    assert (month.folder / "receipt.pdf").read_bytes() == PDF
    assert audit_actions(month.book)["invoice.detach"] == 1
    with (
        pytest.raises(NotFoundError, match="already detached"),
        month.book.write(month.tenant) as uow,
    ):
        detach_file(uow, month.actor, INV, "receipt.pdf")
    with (
        pytest.raises(NotFoundError, match=r"no attachment 'nope\.pdf'"),
        month.book.write(month.tenant) as uow,
    ):
        detach_file(uow, month.actor, INV, "nope.pdf")
    # A detached file's bytes may be attached again.
    (again,) = attach(month, month.file("receipt.pdf", PDF))
    assert again.name == "receipt-2.pdf"


def test_with_a_bucket_the_upload_is_queued_and_without_one_not(month: Month) -> None:
    (first,) = attach(month, month.file("a.pdf", PDF))
    with month.book.read(month.tenant) as uow:
        assert uow.sync_outbox.pending(SyncTarget.S3) == []
    with month.book.write(month.tenant) as uow:
        change_setting(uow, month.actor, "s3-bucket", "acorns-archive")
    attach(month, month.file("b.png", PNG))
    with month.book.read(month.tenant) as uow:
        pending = uow.sync_outbox.pending(SyncTarget.S3)
        row = next(d for d in uow.documents.every() if d.name == "b.png")
    assert [(i.entity, i.entity_id, i.action) for i in pending] == [("document", row.id, "upload")]
    assert first.name == "a.pdf"


def test_an_attachment_is_in_the_backup_and_comes_back(month: Month, tmp_path: Path) -> None:
    attach(month, month.file("receipt.pdf", PDF))
    backup = tmp_path / "book-backup.zip"
    back_up_book(month.book, backup)
    member = f"documents/attachments/2026/{INV}/receipt.pdf"
    with zipfile.ZipFile(backup) as archive:
        assert archive.read(member) == PDF
    if not month.book.settings.db_url.startswith("sqlite"):
        return  # a PostgreSQL book's backup is restored with pg_restore, not restore_book
    target = Settings(f"sqlite:///{tmp_path / 'restored.sqlite'}", tmp_path / "restored-files")
    restore_book(backup, target)
    assert (target.data_dir / member).read_bytes() == PDF


def test_an_owner_viewer_may_list_but_not_attach_or_detach(month: Month) -> None:
    attach(month, month.file("receipt.pdf", PDF))
    with month.book.write(month.tenant) as uow:
        add_user(uow, month.actor, "olivia", Role.OWNER_VIEWER, None)
    with month.book.read(month.tenant) as uow:
        viewer = acting_user(uow, month.tenant, "olivia")
        assert [a.name for a in list_attachments(uow, viewer, INV)] == ["receipt.pdf"]
    other = month.file("other.png", PNG)
    with pytest.raises(PermissionDenied), month.book.write(month.tenant) as uow:
        attach_files(uow, viewer, INV, [other], month.book.settings.data_dir)
    with pytest.raises(PermissionDenied), month.book.write(month.tenant) as uow:
        detach_file(uow, viewer, INV, "receipt.pdf")
    assert [a.name for a in listed(month)] == ["receipt.pdf"]


def test_a_paid_or_void_invoice_takes_attachments_too(month: Month) -> None:
    with month.book.write(month.tenant) as uow:
        send_invoices(uow, month.actor, [INV])
        void_invoice(uow, month.actor, INV, "Enrolled elsewhere")
    (made,) = attach(month, month.file("letter.pdf", PDF))
    assert made.name == "letter.pdf"
