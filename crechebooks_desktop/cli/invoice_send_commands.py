"""``invoices send``: the status change, then each household's PDFs by e-mail or for printing.

With an SMTP server set, the invoices are sent (DRAFT -> SENT), their PDFs
archived and one message per household queued, all in one transaction; then
the queue is sent. Run again after a crash, it sends what is still queued and
nobody twice (issue 12). Without a server, the PDFs are written for printing.
``--no-email`` only changes the status, as before issue 12.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crechebooks_desktop.cli.common import as_actor, open_book, parse_month, print_json
from crechebooks_desktop.cli.delivery_support import (
    exit_status,
    password_for,
    print_delivered,
    send_now,
)
from crechebooks_desktop.cli.document_commands import NO_BANKING_WARNING
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.exporters.invoice_delivery import InvoiceDelivery, queue_invoices
from crechebooks_desktop.exporters.letter_parts import has_banking_details
from crechebooks_desktop.services.billing import invoice_lifecycle as invoices
from crechebooks_desktop.services.delivery.report import DeliveryReport


def cmd_send(args: argparse.Namespace) -> int:
    """``invoices send NUMBER|--month YYYY-MM [--no-email] [--json]``."""
    with open_book(args) as book:
        if args.no_email:
            with as_actor(book, args) as (uow, actor):
                sent = _send(uow, actor, args)
            _print_sent(args, sent, None, None)
            return 0
        creche, _ = creche_and_actor(book, args)
        email = creche.smtp is not None
        # Asked before anything changes: without a password nothing is sent or queued.
        password = password_for(creche) if email else None
        with as_actor(book, args) as (uow, actor):
            sent = _send(uow, actor, args)
            numbers = [s.number for s in sent]
            data_dir = book.settings.data_dir
            delivery = queue_invoices(uow, actor, numbers, data_dir, creche, email=email)
        if delivery.pdfs and not has_banking_details(creche):
            print(NO_BANKING_WARNING, file=sys.stderr)
        report = send_now(book, creche, actor, password) if email else None
    _print_sent(args, sent, delivery, report)
    return 0 if report is None else exit_status(report)


def _send(uow: UnitOfWork, actor: Actor, args: argparse.Namespace) -> list[invoices.SentInvoice]:
    if args.month:
        return invoices.send_month(uow, actor, parse_month(args.month, warn=False))
    return invoices.send_invoices(uow, actor, [args.number])


def _print_sent(
    args: argparse.Namespace,
    sent: list[invoices.SentInvoice],
    delivery: InvoiceDelivery | None,
    report: DeliveryReport | None,
) -> None:
    if args.json:
        print_json(
            {"sent": [_sent_json(s) for s in sent], "delivery": _delivery_json(delivery, report)}
        )
        return
    credit = sum(s.credit_applied_cents for s in sent)
    print(
        f"sent {len(sent)} invoice(s)"
        + (f"; applied {format_rands(credit)} of household credit" if credit else "")
    )
    if delivery is not None:
        print_delivered(report, delivery.printed, delivery.pdfs, "invoice PDF")


def _sent_json(sent: invoices.SentInvoice) -> dict[str, Any]:
    return {
        "number": sent.number,
        "status": sent.status.value,
        "credit_applied_cents": sent.credit_applied_cents,
        "balance_due_cents": sent.balance_due_cents,
    }


def _delivery_json(
    delivery: InvoiceDelivery | None, report: DeliveryReport | None
) -> dict[str, Any] | None:
    if delivery is None:
        return None
    return {
        "mode": "email" if report is not None else "print",
        "pdfs": [str(p) for p in delivery.pdfs],
        "queued": [m.id for m in delivery.emailed],
        "printed": [
            {
                "id": m.id,
                "household_ref": m.household_ref,
                "household_name": m.household_name,
                "reason": m.last_error,
                "files": [a.local_path for a in m.attachments],
            }
            for m in delivery.printed
        ],
        "report": report.as_json() if report is not None else None,
    }
