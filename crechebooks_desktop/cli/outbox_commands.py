"""Handlers of ``crechebooks outbox ...``: list, send and retry messages to households."""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.common import open_book, parse_id, print_json
from crechebooks_desktop.cli.delivery_support import (
    exit_status,
    password_for,
    print_report,
    send_now,
)
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.cli.table import number, print_table, text
from crechebooks_desktop.domain.delivery import OutboxMessageValue, OutboxStatus
from crechebooks_desktop.services.delivery import outbox


def cmd_list(args: argparse.Namespace) -> int:
    """``outbox list [--status S] [--json]``."""
    status = OutboxStatus(args.status) if args.status else None
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        with book.read(creche.tenant_id) as uow:
            found = outbox.list_messages(uow, actor, status)
    if args.json:
        print_json({"messages": [m.as_json() for m in found]})
        return 0
    print_table(
        (
            number("id", lambda m: m.id),
            text("status", lambda m: m.status.value),
            text("kind", lambda m: m.kind),
            text("household", lambda m: m.household_ref),
            text("to", lambda m: ", ".join(m.recipients) or "(printed)"),
            text("subject", lambda m: m.subject),
            text("note", _note),
        ),
        found,
    )
    print(f"{len(found)} message(s)")
    return 0


def _note(message: OutboxMessageValue) -> str:
    """Why a message is uncertain or failed (the server's words), else nothing."""
    if message.status is OutboxStatus.SENDING:
        return f"uncertain: {message.last_error or outbox.uncertain_note(message.id)}"
    if message.last_error and message.status is not OutboxStatus.SENT:
        return message.last_error
    return ""


def cmd_send(args: argparse.Namespace) -> int:
    """``outbox send [--json]``: e-mail what is queued."""
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        password = password_for(creche)
        report = send_now(book, creche, actor, password)
    if args.json:
        print_json(report.as_json())
    else:
        print_report(report)
    return exit_status(report)


def cmd_retry(args: argparse.Namespace) -> int:
    """``outbox retry [ID] [--json]``: queue failed messages again, and send the queue."""
    message_id = parse_id(args.id, "ID") if args.id is not None else None
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        # Asked first: a password that cannot be had leaves the outbox as it was.
        password = password_for(creche) if creche.smtp is not None else None
        with book.write(creche.tenant_id) as uow:
            retried = outbox.retry(uow, actor, message_id)
        report = send_now(book, creche, actor, password) if creche.smtp is not None else None
    if args.json:
        print_json(
            {"retried": [m.id for m in retried], "report": report.as_json() if report else None}
        )
        return 0 if report is None else exit_status(report)
    print(f"queued {len(retried)} message(s) again")
    if report is None:
        print("no SMTP server is set: they wait in the queue until one is")
        return 0
    print_report(report)
    return exit_status(report)
