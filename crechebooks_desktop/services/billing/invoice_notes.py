"""An invoice's notes: the office's own free text about it, on any status (issue 16).

A note is not part of the tax invoice. It may be written on a DRAFT or on a
PAID or VOID invoice alike (the state machine is not asked), and writing it
changes neither the invoice's version nor its document hash: the archived PDF
still matches a reprint, and nothing goes to Xero again. It is printed only
when someone asks for it (``invoices pdf --with-notes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.notes import clean_note
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit


@dataclass(frozen=True, slots=True)
class InvoiceNote:
    """An invoice's notes after a change.

    Attributes:
        number: the invoice number, as the book spells it.
        notes: the notes now (None: none).
        changed: False when the notes were already exactly these (nothing written).
    """

    number: str
    notes: str | None
    changed: bool


def set_invoice_note(uow: UnitOfWork, actor: Actor, number: str, text: str) -> InvoiceNote:
    """Replace an invoice's notes; blank text clears them.

    The text is tidied as ``domain.notes.clean_note`` says (line breaks kept,
    spaces at line ends dropped). The same permission as every other change to
    an invoice is needed. Setting the notes an invoice already has writes
    nothing and records nothing.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who writes the note.
        number: the invoice number (case-insensitive).
        text: the new notes, of any number of lines.

    Returns:
        The invoice's number and notes, and whether they changed.

    Raises:
        PermissionDenied: the actor may not change invoices.
        NotFoundError: no invoice with that number in the creche.
        RuleViolation: the notes are longer than the limit.
    """
    audit.require(actor, Permission.POST_MONEY)
    notes = clean_note(text)
    invoice = uow.invoices.get(number, lock=True)
    if invoice is None:
        raise NotFoundError(f"no invoice {number.strip()!r} in this creche")
    if invoice.notes == notes:
        return InvoiceNote(invoice.number, notes, changed=False)
    uow.invoices.set_notes(invoice.id, notes)
    audit.record(
        uow,
        actor,
        "invoice.note",
        "invoice",
        invoice.id,
        {"number": invoice.number, "notes": invoice.notes},
        {"number": invoice.number, "notes": notes},
    )
    return InvoiceNote(invoice.number, notes, changed=True)
