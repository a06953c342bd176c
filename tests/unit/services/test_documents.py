"""Archiving invoice PDFs (services.documents, exporters.invoice_documents)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.documents import DocumentRepository, DocumentValue
from crechebooks_desktop.db.tables import Invoice
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, UserFacingError
from crechebooks_desktop.exporters.invoice_documents import PrintedInvoice, print_invoice
from crechebooks_desktop.services import documents
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_lifecycle import void_invoice
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from tests.file_modes import POSIX_ONLY, mode

Creche = tuple[CrecheSettings, Actor]
NUMBER = "INV-2026-000001"


@pytest.fixture
def opening_invoice(book: Book, creche: Creche, household: int) -> str:
    """An opening-balance invoice (R 970,00, DRAFT) for ``DLAMINI01``."""
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        number = post_opening_balance(uow, actor, settings, household, 97_000, dt.date(2026, 3, 1))
    assert number == NUMBER
    return number


def printed(book: Book, actor: Actor, number: str = NUMBER) -> PrintedInvoice:
    with book.write(actor.tenant_id) as uow:
        return print_invoice(uow, actor, number, book.settings.data_dir)


def versions(book: Book, actor: Actor, invoice_id: int) -> list[DocumentValue]:
    with book.read(actor.tenant_id) as uow:
        return uow.documents.versions("invoice", "invoice", invoice_id)


def document_hash(book: Book, actor: Actor, number: str = NUMBER) -> str | None:
    with book.read(actor.tenant_id) as uow:
        session = uow.documents.session
        return session.scalar(select(Invoice.document_hash).where(Invoice.number == number))


def verified(book: Book, actor: Actor, number: str = NUMBER) -> bool:
    with book.read(actor.tenant_id) as uow:
        return documents.verify_archive(uow, number)


def test_first_print_archives_file_row_hash_and_audit(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    _settings, actor = creche
    result = printed(book, actor)
    expected = book.settings.data_dir / "documents" / "invoices" / "2026" / f"{NUMBER}.pdf"
    archived = result.archived
    assert (archived.path, archived.version, archived.created) == (expected, 1, True)
    assert expected.read_bytes() == result.pdf
    assert archived.sha256 == documents.sha256_hex(result.pdf)
    (row,) = versions(book, actor, result.invoice.id)
    assert (row.kind, row.entity, row.entity_id) == ("invoice", "invoice", result.invoice.id)
    assert (row.sha256, row.local_path) == (archived.sha256, str(expected))
    assert document_hash(book, actor) == archived.sha256
    with book.read(actor.tenant_id) as uow:
        latest = uow.audit.latest(actor.tenant_id, limit=1)[0]
    assert (latest.action, latest.entity, latest.entity_id) == (
        "document.create",
        "document",
        str(row.id),
    )
    assert latest.after is not None
    assert latest.after["number"] == NUMBER
    assert latest.after["sha256"] == archived.sha256
    assert latest.username == actor.username
    assert sorted(p.name for p in expected.parent.iterdir()) == [f"{NUMBER}.pdf"]  # no temp files


def test_reprint_of_an_unchanged_invoice_reuses_the_archived_copy(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    _settings, actor = creche
    first = printed(book, actor)
    again = printed(book, actor, NUMBER.lower())
    assert again.pdf == first.pdf
    assert (again.archived.path, again.archived.version, again.archived.created) == (
        first.archived.path,
        1,
        False,
    )
    assert len(versions(book, actor, first.invoice.id)) == 1


def test_a_changed_invoice_is_archived_as_a_new_version(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    _settings, actor = creche
    first = printed(book, actor)
    with book.write(actor.tenant_id) as uow:
        void_invoice(uow, actor, NUMBER, "captured twice")
    second = printed(book, actor)
    assert second.archived.created
    assert second.archived.version == 2
    assert second.archived.path == first.archived.path.with_name(f"{NUMBER}-2.pdf")
    assert second.archived.sha256 != first.archived.sha256
    assert first.archived.path.read_bytes() == first.pdf  # the old copy is kept as it was
    rows = versions(book, actor, first.invoice.id)
    assert [r.sha256 for r in rows] == [first.archived.sha256, second.archived.sha256]
    assert document_hash(book, actor) == second.archived.sha256
    third = printed(book, actor)
    assert (third.archived.version, third.archived.created) == (2, False)
    assert verified(book, actor)


def test_verify_detects_a_tampered_or_missing_copy(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    _settings, actor = creche
    path = printed(book, actor).archived.path
    assert verified(book, actor)
    original = path.read_bytes()
    middle = len(original) // 2
    path.write_bytes(original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1 :])
    assert not verified(book, actor)
    path.write_bytes(original)
    assert verified(book, actor)
    path.unlink()
    assert not verified(book, actor)


def test_a_reprint_puts_back_a_lost_copy(book: Book, creche: Creche, opening_invoice: str) -> None:
    _settings, actor = creche
    first = printed(book, actor)
    first.archived.path.unlink()
    again = printed(book, actor)
    assert not again.archived.created
    assert first.archived.path.read_bytes() == first.pdf
    assert verified(book, actor)


def test_verify_needs_an_archived_invoice(book: Book, creche: Creche, opening_invoice: str) -> None:
    _settings, actor = creche
    with pytest.raises(NotFoundError, match="has no archived PDF yet"):
        verified(book, actor)
    with pytest.raises(NotFoundError, match="no invoice 'INV-2026-999999'"):
        verified(book, actor, "INV-2026-999999")
    with pytest.raises(NotFoundError, match="no invoice"):
        printed(book, actor, "INV-2026-999999")


def test_a_row_that_cannot_be_written_takes_its_file_with_it(
    book: Book, creche: Creche, opening_invoice: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings, actor = creche

    def refuse(*_args: object) -> int:
        raise RuntimeError("disk full in the database")

    monkeypatch.setattr(DocumentRepository, "add", refuse)
    with pytest.raises(RuntimeError, match="disk full"):
        printed(book, actor)
    folder = book.settings.data_dir / "documents" / "invoices" / "2026"
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    assert document_hash(book, actor) is None
    assert printed(book, actor).archived.version == 1


def test_a_rolled_back_print_leaves_no_row(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    _settings, actor = creche

    def interrupted() -> None:
        with book.write(actor.tenant_id) as uow:
            print_invoice(uow, actor, NUMBER, book.settings.data_dir)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert document_hash(book, actor) is None
    folder = book.settings.data_dir / "documents" / "invoices" / "2026"
    orphan = folder / f"{NUMBER}.pdf"  # written, then its transaction rolled back
    assert orphan.exists()
    again = printed(book, actor)
    assert (again.archived.version, again.archived.created) == (1, True)
    assert again.archived.path == folder / f"{NUMBER}-2.pdf"  # the orphan is not reused
    assert verified(book, actor)


def test_an_archive_never_overwrites_a_file_it_does_not_own(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    """Another creche in the book (or another book) can have the same invoice number."""
    _settings, actor = creche
    folder = book.settings.data_dir / "documents" / "invoices" / "2026"
    folder.mkdir(parents=True)
    (folder / f"{NUMBER}.pdf").write_bytes(b"another creche's invoice")
    (folder / f"{NUMBER}-2.pdf").write_bytes(b"and its second version")
    result = printed(book, actor)
    assert result.archived.path == folder / f"{NUMBER}-3.pdf"
    assert result.archived.version == 1
    assert (folder / f"{NUMBER}.pdf").read_bytes() == b"another creche's invoice"
    assert verified(book, actor)


def test_an_unwritable_archive_is_a_user_facing_error(
    book: Book, creche: Creche, opening_invoice: str
) -> None:
    _settings, actor = creche
    book.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (book.settings.data_dir / "documents").write_text("not a folder")
    with pytest.raises(UserFacingError, match="cannot write"):
        printed(book, actor)
    assert document_hash(book, actor) is None


def test_a_copy_elsewhere_is_written_before_archiving(
    book: Book, creche: Creche, opening_invoice: str, tmp_path: Path
) -> None:
    _settings, actor = creche
    out = tmp_path / "for-parents" / "dlamini.pdf"
    with book.write(actor.tenant_id) as uow:
        result = print_invoice(uow, actor, NUMBER, book.settings.data_dir, copy_to=out)
    assert out.read_bytes() == result.pdf == result.archived.path.read_bytes()
    with pytest.raises(UserFacingError, match="cannot write"), book.write(actor.tenant_id) as uow:
        print_invoice(uow, actor, NUMBER, book.settings.data_dir, copy_to=tmp_path)


def test_any_role_may_print(book: Book, creche: Creche, opening_invoice: str) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "owner", Role.OWNER_VIEWER, "pw", "Olive Owner")
    with book.read(settings.tenant_id) as uow:
        owner = acting_user(uow, settings.tenant_id, "owner")
    assert printed(book, owner).archived.created


def test_printing_needs_a_role_in_the_creche(
    book: Book, creche: Creche, opening_invoice: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings, actor = creche
    monkeypatch.setattr(Actor, "can", lambda _self, _permission: False)
    with pytest.raises(PermissionDenied), book.write(actor.tenant_id) as uow:
        documents.invoice_for_print(uow, actor, NUMBER)


def test_write_atomically_replaces_whole_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "file.pdf"
    assert documents.write_atomically(path, b"one") == path
    documents.write_atomically(path, b"two")
    assert path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["file.pdf"]


@POSIX_ONLY
def test_written_documents_and_their_new_folders_are_owner_only(
    tmp_path: Path, usual_umask: None
) -> None:
    path = documents.write_atomically(tmp_path / "deep" / "er" / "file.pdf", b"one")
    assert (mode(path), mode(tmp_path / "deep"), mode(tmp_path / "deep" / "er")) == (
        0o600,
        0o700,
        0o700,
    )
