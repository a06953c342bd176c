"""An invoice's notes (services.billing.invoice_notes) on SQLite and PostgreSQL.

A note may be written on an invoice of any status, is audited, and is not part
of the tax invoice: the invoice's version, its document hash, its archived PDF
and a reprint stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.audit import AuditValue
from crechebooks_desktop.db.tables import Invoice
from crechebooks_desktop.domain.enums import InvoiceStatus, PaymentMethod
from crechebooks_desktop.domain.notes import NOTE_LIMIT
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.exporters.invoice_documents import PrintedInvoice, print_invoice
from crechebooks_desktop.services import documents
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_lifecycle import (
    get_invoice,
    send_invoices,
    void_invoice,
)
from crechebooks_desktop.services.billing.invoice_notes import InvoiceNote, set_invoice_note
from crechebooks_desktop.services.ledger.payments import add_payment
from tests.billing_fixtures import (
    HALF_DAY,
    Kid,
    add_family,
    add_fees,
    audit_actions,
    new_creche,
    row_counts,
    run_month,
)

NOV = dt.date(2026, 11, 1)
TERM = dt.date(2026, 1, 14)
DRAFT, PAID, VOID = "INV-2026-000001", "INV-2026-000002", "INV-2026-000003"


@dataclass(frozen=True)
class Month:
    """November's three invoices: INV1 a DRAFT, INV2 sent and paid, INV3 sent and voided."""

    actor: Actor

    @property
    def tenant(self) -> int:
        return self.actor.tenant_id


@pytest.fixture
def month(book: Book) -> Month:
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))
        add_family(uow, "BOTHA02", Kid("BOTHA02-1", fees.half_day, TERM))
        add_family(uow, "CELE03", Kid("CELE03-1", fees.plain, TERM))
    run_month(book, actor, NOV)
    with book.write(settings.tenant_id) as uow:
        send_invoices(uow, actor, [PAID, VOID])
        add_payment(uow, actor, "BOTHA02", HALF_DAY, NOV, PaymentMethod.EFT)
        void_invoice(uow, actor, VOID, "Enrolled elsewhere")
    return Month(actor)


def note(book: Book, m: Month, number: str, text: str) -> InvoiceNote:
    with book.write(m.tenant) as uow:
        return set_invoice_note(uow, m.actor, number, text)


def notes_of(book: Book, m: Month, number: str) -> str | None:
    with book.read(m.tenant) as uow:
        return get_invoice(uow, number).notes


def note_records(book: Book, m: Month) -> list[AuditValue]:
    with book.read(m.tenant) as uow:
        return [r for r in uow.audit.latest(m.tenant, limit=200) if r.action == "invoice.note"]


def test_set_change_and_clear_each_audited(book: Book, month: Month) -> None:
    m = month
    typed = "Paid R 200 cash at the gate   \r\nReceipt 0412 in the file\n\n"
    kept = "Paid R 200 cash at the gate\nReceipt 0412 in the file"
    assert note(book, m, "inv-2026-000001", typed) == InvoiceNote(DRAFT, kept, changed=True)
    assert notes_of(book, m, DRAFT) == kept
    assert note(book, m, DRAFT, "Receipt 0412 filed") == InvoiceNote(
        DRAFT, "Receipt 0412 filed", changed=True
    )
    assert note(book, m, DRAFT, "  \n ") == InvoiceNote(DRAFT, None, changed=True)
    assert notes_of(book, m, DRAFT) is None
    with book.read(m.tenant) as uow:
        invoice_id = str(get_invoice(uow, DRAFT).id)
    records = note_records(book, m)
    assert [(r.entity, r.entity_id, r.username) for r in records] == [
        ("invoice", invoice_id, m.actor.username)
    ] * 3
    assert [(r.before, r.after) for r in reversed(records)] == [
        ({"number": DRAFT, "notes": None}, {"number": DRAFT, "notes": kept}),
        ({"number": DRAFT, "notes": kept}, {"number": DRAFT, "notes": "Receipt 0412 filed"}),
        ({"number": DRAFT, "notes": "Receipt 0412 filed"}, {"number": DRAFT, "notes": None}),
    ]


def test_the_same_notes_again_write_nothing(book: Book, month: Month) -> None:
    m = month
    note(book, m, DRAFT, "Receipt 0412")
    counts = audit_actions(book)
    assert note(book, m, DRAFT, "Receipt 0412  \n") == InvoiceNote(
        DRAFT, "Receipt 0412", changed=False
    )
    assert note(book, m, PAID, "") == InvoiceNote(PAID, None, changed=False)
    assert audit_actions(book) == counts


@pytest.mark.parametrize(
    ("number", "status"),
    [(DRAFT, InvoiceStatus.DRAFT), (PAID, InvoiceStatus.PAID), (VOID, InvoiceStatus.VOID)],
)
def test_any_status_takes_notes_and_keeps_its_status_and_money(
    book: Book, month: Month, number: str, status: InvoiceStatus
) -> None:
    m = month
    with book.read(m.tenant) as uow:
        before = get_invoice(uow, number)
    assert before.status is status
    counts = row_counts(book)
    note(book, m, number, f"About {number}")
    with book.read(m.tenant) as uow:
        after = get_invoice(uow, number)
    assert after == replace(before, notes=f"About {number}")
    assert row_counts(book) == {**counts, "audit_log": counts["audit_log"] + 1}


def test_too_long_notes_are_refused_and_change_nothing(book: Book, month: Month) -> None:
    m = month
    note(book, m, PAID, "Kept")
    counts = audit_actions(book)
    with pytest.raises(RuleViolation) as refused:
        note(book, m, PAID, "x" * (NOTE_LIMIT + 1))
    assert str(refused.value) == "an invoice's notes are at most 2000 characters (these have 2001)"
    assert notes_of(book, m, PAID) == "Kept"
    assert note(book, m, PAID, "y" * NOTE_LIMIT).notes == "y" * NOTE_LIMIT
    assert audit_actions(book)["invoice.note"] == counts["invoice.note"] + 1


def test_an_unknown_number_is_refused(book: Book, month: Month) -> None:
    m = month
    counts = audit_actions(book)
    with pytest.raises(NotFoundError) as refused:
        note(book, m, " INV-2026-999999 ", "Lost")
    assert str(refused.value) == "no invoice 'INV-2026-999999' in this creche"
    assert audit_actions(book) == counts


def test_an_owner_viewer_may_read_notes_but_not_write_them(book: Book, month: Month) -> None:
    m = month
    with book.write(m.tenant) as uow:
        add_user(uow, m.actor, "olivia", Role.OWNER_VIEWER, None)
    with book.read(m.tenant) as uow:
        viewer = acting_user(uow, m.tenant, "olivia")
    with pytest.raises(PermissionDenied) as refused, book.write(m.tenant) as uow:
        set_invoice_note(uow, viewer, DRAFT, "Mine")
    assert str(refused.value) == "olivia (owner-viewer) may not record money movements"
    assert notes_of(book, m, DRAFT) is None


def _printed(book: Book, m: Month, *, with_notes: bool = False) -> PrintedInvoice:
    with book.write(m.tenant) as uow:
        return print_invoice(uow, m.actor, PAID, book.settings.data_dir, with_notes=with_notes)


def _version_and_hash(book: Book, m: Month) -> tuple[int, str | None]:
    with book.read(m.tenant) as uow:
        row = uow.documents.session.execute(
            select(Invoice.version, Invoice.document_hash).where(Invoice.number == PAID)
        ).one()
    return int(row[0]), row[1]


def test_notes_leave_the_tax_invoice_its_version_and_its_archive_alone(
    book: Book, month: Month
) -> None:
    m = month
    first = _printed(book, m)
    assert first.archived.created
    kept = _version_and_hash(book, m)
    assert kept[1] == first.archived.sha256
    note(book, m, PAID, "Paid by the grandmother\nThank-you card sent")
    assert _version_and_hash(book, m) == kept
    again = _printed(book, m)
    assert again.pdf == first.pdf
    assert (again.archived.created, again.archived.sha256) == (False, first.archived.sha256)
    assert not again.notes_shown
    asked = _printed(book, m, with_notes=True)
    assert asked.notes_shown
    assert asked.pdf != first.pdf
    assert (asked.archived.created, asked.archived.sha256) == (False, first.archived.sha256)
    assert documents.sha256_hex(asked.archived.path.read_bytes()) == first.archived.sha256
    assert _version_and_hash(book, m) == kept
    with book.read(m.tenant) as uow:
        assert documents.verify_archive(uow, PAID)


def test_asking_for_notes_an_invoice_has_none_of_prints_the_invoice(
    book: Book, month: Month
) -> None:
    m = month
    plain = _printed(book, m)
    asked = _printed(book, m, with_notes=True)
    assert (asked.pdf, asked.notes_shown) == (plain.pdf, False)
