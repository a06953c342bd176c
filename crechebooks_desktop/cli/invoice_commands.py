"""Handlers of ``crechebooks invoices ...`` (PDF and export are in ``document_commands``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    parse_day,
    parse_month,
    print_json,
    reading,
)
from crechebooks_desktop.cli.invoice_where import invoice_filter
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.cli.table import Column, money, print_table, text
from crechebooks_desktop.domain.enums import LineType
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.money import MoneyError, format_rands, parse_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.billing import invoice_lifecycle as invoices
from crechebooks_desktop.services.billing import invoice_notes, monthly_run
from crechebooks_desktop.services.tasks import TaskState


def cmd_generate(args: argparse.Namespace) -> int:
    """``invoices generate --month YYYY-MM``: the monthly run."""
    month = parse_month(args.month)
    issued = parse_day(args.issue_date, "--issue-date") if args.issue_date else None
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        task = TaskState(_print_progress if sys.stderr.isatty() else None)
        result = monthly_run.generate_month(
            lambda: book.write(creche.tenant_id), actor, month, issued, task
        )
        numbers = [inv.number for inv in result.created]
        with reading(book, args) as uow:
            created = [invoices.get_invoice(uow, n) for n in numbers]
            skipped = uow.roster.child_refs(result.skipped_child_ids)
    if args.json:
        print_json(
            {
                "month": args.month,
                "created": len(created),
                "skipped": len(skipped),
                "skipped_children": skipped,
                "invoices": [i.as_json() for i in created],
            }
        )
    else:
        print(
            f"{args.month}: created {len(created)} invoices "
            f"({format_rands(result.total_billed_cents)}), skipped {len(skipped)} "
            "children already invoiced"
        )
    return 0


def _print_progress(done: int, total: int, message: str) -> None:
    print(f"\r  {done} of {total} households · {message}", end="", file=sys.stderr, flush=True)
    if done == total:
        print(file=sys.stderr)


def cmd_void(args: argparse.Namespace) -> int:
    """``invoices void NUMBER --reason TEXT``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        voided = invoices.void_invoice(uow, actor, args.number, args.reason)
    print(f"voided {voided.number} ({format_rands(voided.total_cents)} reversed)")
    return 0


def cmd_mark_overdue(args: argparse.Namespace) -> int:
    """``invoices mark-overdue [--as-of DATE]``."""
    as_of = parse_day(args.as_of, "--as-of") if args.as_of else dt.date.today()  # noqa: DTZ011
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        changed = invoices.mark_overdue(uow, actor, as_of)
    if args.json:
        print_json({"as_of": as_of.isoformat(), "overdue": changed})
    else:
        print(f"{len(changed)} invoice(s) now overdue as of {as_of.isoformat()}")
    return 0


_INVOICE_COLUMNS: tuple[Column[InvoiceValue], ...] = (
    text("invoice", lambda i: i.number),
    text("household", lambda i: i.household_ref),
    text("child", lambda i: i.child_name),
    text("status", lambda i: i.status.value),
    money("total", lambda i: i.total_cents),
    money("balance due", lambda i: i.balance_due_cents),
)


def cmd_list(args: argparse.Namespace) -> int:
    """``invoices list [filters]`` (see ``invoice_args._filters``)."""
    where = invoice_filter(args)
    with open_book(args) as book, reading(book, args) as uow:
        found = invoices.find_invoices(uow, where)
    if args.json:
        print_json({"invoices": [i.as_json() for i in found]})
        return 0
    print_table(_INVOICE_COLUMNS, found)
    print(f"{len(found)} invoice(s)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """``invoices show NUMBER``."""
    with open_book(args) as book, reading(book, args) as uow:
        inv = invoices.get_invoice(uow, args.number)
    if args.json:
        print_json(inv.as_json())
        return 0
    _print_invoice(inv)
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    """``invoices note NUMBER --text TEXT``: set the notes, or clear them with ``''``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        note = invoice_notes.set_invoice_note(uow, actor, args.number, args.text)
    if not note.changed:
        print(f"{note.number}: notes unchanged")
    elif note.notes is None:
        print(f"{note.number}: notes cleared")
    else:
        print(f"{note.number}: notes saved ({len(note.notes)} characters)")
    return 0


def _print_invoice(inv: InvoiceValue) -> None:
    print(f"{inv.number}  {inv.status.value}  issued {inv.issue_date}  due {inv.due_date}")
    print(
        f"to {inv.recipient.parent_name} ({inv.household_ref})"
        + (f" for {inv.child_name}" if inv.child_name else "")
    )
    if inv.imported:
        print("imported from the previous system")
    for line in inv.lines:
        print(
            f"  {line.description:<50} {format_rands(line.gross_cents):>14}"
            + (f"  (VAT {format_rands(line.vat_cents)})" if line.vat_cents else "")
        )
    print(f"  {'Total':<50} {format_rands(inv.total_cents):>14}")
    print(f"  {'Balance due':<50} {format_rands(inv.balance_due_cents):>14}")
    if inv.notes:
        print("notes:")
        for row in inv.notes.splitlines():
            print(f"  {row}".rstrip())


def cmd_new(args: argparse.Namespace) -> int:
    """``invoices new --child REF --date D --line TYPE:AMOUNT[:TEXT] ...``."""
    day = parse_day(args.date, "--date")
    lines = [_ad_hoc_line(text) for text in args.line]
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        inv = invoices.new_ad_hoc_invoice(uow, actor, args.child, day, lines)
    if args.json:
        print_json(inv.as_json())
    else:
        print(f"created {inv.number} for {inv.child_name}: {format_rands(inv.total_cents)}")
    return 0


def _ad_hoc_line(text: str) -> invoices.AdHocLine:
    kind, _, rest = text.partition(":")
    amount, _, description = rest.partition(":")
    kind = kind.strip().upper()
    exempt = kind == "AD_HOC_EXEMPT"
    try:
        line_type = LineType("AD_HOC" if exempt else kind)
    except ValueError:
        raise UserFacingError(f"--line {text!r}: unknown line type {kind!r}") from None
    try:
        cents = parse_rands(amount)
    except MoneyError as exc:
        raise UserFacingError(f"--line {text!r}: {exc}") from None
    return invoices.AdHocLine(line_type, cents, description or None, exempt)
