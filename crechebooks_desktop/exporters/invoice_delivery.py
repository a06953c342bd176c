"""Invoices to households: archive each PDF and put one message per household in the outbox.

``invoices send`` calls :func:`queue_invoices` in the same transaction as the
status change, so a sent invoice and its message are committed together; the
queue is then sent by ``integrations.smtp.send_queue`` (issue 12).

A household with an e-mail address gets one message with all its invoices'
PDFs attached, keyed by the invoices' numbers, their PDFs' hashes and the
address (``domain.delivery.delivery_key``): queueing the same again finds the
message already there. A household without an address, or every household
when no SMTP server is set, gets a PRINTED record instead: its PDFs are in the
archive, for printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import (
    Attachment,
    OutboxMessageValue,
    delivery_key,
    is_email_address,
)
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.exporters.invoice_documents import PrintedInvoice, print_invoice
from crechebooks_desktop.services.delivery import outbox
from crechebooks_desktop.services.documents import INVOICE_KIND

__all__ = ["InvoiceDelivery", "invoice_message", "queue_invoices"]

NO_ADDRESS = "no e-mail address"
NO_SMTP = "no SMTP server is set"


@dataclass(frozen=True, slots=True)
class InvoiceDelivery:
    """What became of the invoices' PDFs.

    Attributes:
        emailed: messages queued for e-mail (or found already in the outbox).
        printed: PRINTED records: households whose PDFs are for printing.
        pdfs: every archived PDF, in the order of the invoices.
    """

    emailed: tuple[OutboxMessageValue, ...]
    printed: tuple[OutboxMessageValue, ...]
    pdfs: tuple[Path, ...]

    @property
    def folders(self) -> tuple[Path, ...]:
        """The archive folders the PDFs are in."""
        return tuple(dict.fromkeys(path.parent for path in self.pdfs))


def queue_invoices(
    uow: UnitOfWork,
    actor: Actor,
    numbers: Sequence[str],
    data_dir: Path,
    creche: CrecheSettings,
    *,
    email: bool,
) -> InvoiceDelivery:
    """Archive the invoices' PDFs and queue one message per household (or record it printed).

    Args:
        uow: a write transaction in the actor's creche (the one that sent them).
        actor: who sends.
        numbers: the invoices.
        data_dir: the book's data folder (the archive is under it).
        creche: the creche's settings (its name on the messages).
        email: whether to e-mail (an SMTP server is set); otherwise all are printed.

    Returns:
        The messages queued, the households printed for, and the PDFs.
    """
    printed = [print_invoice(uow, actor, number, data_dir) for number in numbers]
    households: dict[int, list[PrintedInvoice]] = {}
    for item in printed:
        households.setdefault(item.invoice.recipient.household_id, []).append(item)
    emailed, on_paper = [], []
    for household_id, items in households.items():
        address = (items[0].invoice.recipient.email or "").strip()
        documents = [(i.invoice.number, i.archived.sha256) for i in items]
        attachments = [_attachment(uow, i) for i in items]
        subject, body = invoice_message(creche, items)
        if email and is_email_address(address):
            key = delivery_key(INVOICE_KIND, documents, [address])
            emailed.append(
                outbox.queue(uow, actor, key, household_id, [address], subject, body, attachments)
            )
        else:
            key = delivery_key(INVOICE_KIND, documents, [])
            reason = NO_SMTP if not email else NO_ADDRESS
            on_paper.append(
                outbox.record_printed(uow, actor, key, household_id, subject, attachments, reason)
            )
    return InvoiceDelivery(tuple(emailed), tuple(on_paper), tuple(i.archived.path for i in printed))


def invoice_message(creche: CrecheSettings, items: Sequence[PrintedInvoice]) -> tuple[str, str]:
    """The subject and plain-text body of a household's message with its invoices."""
    style = MoneyStyle[creche.money_style]
    sender = creche.trading_name or creche.name
    numbers = ", ".join(i.invoice.number for i in items)
    subject = f"{'Invoice' if len(items) == 1 else 'Invoices'} {numbers} from {sender}"
    first = items[0].invoice
    lines = [f"Dear {first.recipient.parent_name},", "", "Please find attached:"]
    for item in items:
        invoice = item.invoice
        child = f" for {invoice.child_name}" if invoice.child_name else ""
        lines.append(
            f"  Invoice {invoice.number}{child}: {format_rands(invoice.balance_due_cents, style)}"
            f" due {invoice.due_date:%d %B %Y}"
        )
    lines += ["", f"Please use {first.household_ref} as the payment reference.", ""]
    lines += ["Kind regards,", sender]
    lines += [contact for contact in (creche.phone, creche.email) if contact]
    return subject, "\n".join(lines) + "\n"


def _attachment(uow: UnitOfWork, item: PrintedInvoice) -> Attachment:
    versions = uow.documents.versions(INVOICE_KIND, INVOICE_KIND, item.invoice.id)
    document_id = next((v.id for v in reversed(versions) if v.sha256 == item.archived.sha256), None)
    return Attachment(
        file_name=f"{item.invoice.number}.pdf",
        local_path=str(item.archived.path),
        sha256=item.archived.sha256,
        document_id=document_id,
    )
