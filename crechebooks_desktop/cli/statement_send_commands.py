"""``statements send``: each household its statement, by e-mail or for printing (issue 12).

With an SMTP server set, the statements are rendered, archived and one message
per household queued in one transaction; then the queue is sent. The same
command again after a crash sends what is still queued and nobody twice.
Without a server, the PDFs are written for printing and the command says where.
"""

from __future__ import annotations

import argparse
from typing import Any

from crechebooks_desktop.cli.common import as_actor, open_book, print_json
from crechebooks_desktop.cli.delivery_support import (
    exit_status,
    password_for,
    print_delivered,
    send_now,
)
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.cli.statement_commands import parse_period
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.exporters.statement_delivery import StatementDelivery, queue_statements
from crechebooks_desktop.services.delivery.report import DeliveryReport
from crechebooks_desktop.services.household_statements.statement import household_statements


def cmd_send(args: argparse.Namespace) -> int:
    """``statements send (--household REF | --all [--only-owing]) PERIOD [--open-items]``."""
    period = parse_period(args)
    with open_book(args) as book:
        creche, _ = creche_and_actor(book, args)
        email = creche.smtp is not None
        # Asked before anything is written: without a password nothing is archived or queued.
        password = password_for(creche) if email else None
        with as_actor(book, args) as (uow, actor):
            ids = None
            if args.household:
                household_id = uow.roster.household_id(args.household)
                if household_id is None:
                    raise NotFoundError(f"no household {args.household!r} in this creche")
                ids = [household_id]
            statements = household_statements(
                uow, period, household_ids=ids, open_items=args.open_items,
                only_owing=args.only_owing, active_only=ids is None,
            )  # fmt: skip
            data_dir = book.settings.data_dir
            delivery = queue_statements(uow, actor, statements, data_dir, creche, email=email)
        report = send_now(book, creche, actor, password) if email else None
    if args.json:
        print_json(_json(delivery, report))
    else:
        print_delivered(report, delivery.printed, delivery.pdfs, "statement")
    return 0 if report is None else exit_status(report)


def _json(delivery: StatementDelivery, report: DeliveryReport | None) -> dict[str, Any]:
    return {
        "mode": "email" if report is not None else "print",
        "pdfs": [str(p) for p in delivery.pdfs],
        "queued": [m.id for m in delivery.emailed],
        "printed": [
            {"id": m.id, "household_ref": m.household_ref, "reason": m.last_error}
            for m in delivery.printed
        ],
        "report": report.as_json() if report is not None else None,
    }
