"""Printing an invoice: render its PDF, optionally save a copy, and archive it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.exporters.invoice_pdf import render_invoice_pdf
from crechebooks_desktop.exporters.letter_parts import has_banking_details
from crechebooks_desktop.services import documents
from crechebooks_desktop.services.documents import ArchivedDocument


@dataclass(frozen=True, slots=True)
class PrintedInvoice:
    """An invoice's PDF and where it is archived.

    Attributes:
        invoice: the invoice printed.
        pdf: its PDF (with its notes, when they were asked for).
        archived: its archived copy.
        banking_missing: the creche has no banking details, so the payment box
            says to ask the office for them (the caller warns; issue 13).
        notes_shown: ``pdf`` shows the invoice's notes (asked for, and it has
            some), so it differs from the archived copy.
    """

    invoice: InvoiceValue
    pdf: bytes
    archived: ArchivedDocument
    banking_missing: bool = False
    notes_shown: bool = False


def print_invoice(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    data_dir: Path,
    copy_to: Path | None = None,
    *,
    with_notes: bool = False,
) -> PrintedInvoice:
    """Render an invoice, write a copy where asked, and archive it (see ``services.documents``).

    The copy is written before anything is archived, so a copy that cannot be
    written leaves the archive as it was. The archive always holds the invoice
    without its notes (issue 16): that is the document the household gets.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who prints.
        number: the invoice number.
        data_dir: the book's data folder (the archive is under it).
        copy_to: a file to write the PDF to as well (replaced if it exists).
        with_notes: the returned PDF (and the copy) shows the invoice's notes,
            when it has any; the archived copy does not.

    Returns:
        The invoice, the PDF asked for and the archived copy.

    Raises:
        NotFoundError: no such invoice.
        UserFacingError: the copy or the archive cannot be written.
    """
    invoice, creche = documents.invoice_for_print(uow, actor, number, lock=True)
    issued = render_invoice_pdf(invoice, creche)
    notes_shown = with_notes and invoice.notes is not None
    pdf = render_invoice_pdf(invoice, creche, notes=invoice.notes) if notes_shown else issued
    if copy_to is not None:
        documents.write_atomically(copy_to, pdf)
    archived = documents.archive_invoice_pdf(uow, actor, invoice, issued, data_dir)
    return PrintedInvoice(invoice, pdf, archived, not has_banking_details(creche), notes_shown)
