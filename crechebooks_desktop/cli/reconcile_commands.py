"""Handlers of the reconciliation commands (``reconcile ...``).

The plain output is what a bookkeeper reads off the bank statement beside
it: opening balance, cleared money in and out, closing balance and the
difference, then the lines not cleared and the timing differences.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    parse_amount,
    parse_day,
    print_json,
    reading,
)
from crechebooks_desktop.cli.table import money, number, print_table, text
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.reconciliation import (
    ReconcileStatus,
    ReconciliationRecord,
    finished_words,
    summary,
)
from crechebooks_desktop.services.reconciliation import reconcile

_WIDTH = 32


def print_status(figures: ReconcileStatus) -> None:
    """The figures, the uncleared lines and the timing differences, as plain text."""
    period = (
        f"lines from {figures.period_start.isoformat()}"
        if figures.period_start
        else "lines from the first"
    )
    state = figures.status.value.lower().replace("_", " ")
    day = figures.statement_date.isoformat()
    print(f"{figures.account}, statement date {day} ({state}; {period})")
    for label, cents in summary(figures):
        print(f"  {label:<{_WIDTH}}{format_rands(cents):>18}")
    if figures.file_balance_cents is not None:
        print(
            f"  the imported file says {format_rands(figures.file_balance_cents)}; "
            "the closing balance you gave decides"
        )
    print(f"Not cleared: {len(figures.uncleared_lines)} line(s)")
    for line in figures.uncleared_lines:
        print(
            f"  line {line.line_id:>7}  {line.date.isoformat()}  "
            f"{format_rands(line.amount_cents):>16}  {line.description}"
        )
    print(f"Timing differences: {len(figures.timing_differences)}")
    for item in figures.timing_differences:
        print(
            f"  {item.kind} {item.id:>6}  {item.date.isoformat()}  "
            f"{format_rands(item.amount_cents):>16}  {item.description}"
        )
    print(_footing(figures))


def _footing(figures: ReconcileStatus) -> str:
    locked = (
        f"; {figures.account} is locked through {figures.locked_through.isoformat()}"
        if figures.locked_through
        else ""
    )
    if figures.finished_at is not None:
        return finished_words(figures) + locked
    if figures.can_finish:
        return (
            f"Ready to finish: crechebooks reconcile finish --account {figures.account!r}{locked}"
        )
    return "Finish when the difference is zero and every line is cleared" + locked


def cmd_start(args: argparse.Namespace) -> int:
    """``reconcile start --account NAME --statement-date D [--closing-balance X]``."""
    day = parse_day(args.statement_date, "--statement-date")
    closing = (
        parse_amount(args.closing_balance, "--closing-balance")
        if args.closing_balance is not None
        else None
    )
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        figures = reconcile.start(uow, actor, args.account, day, closing)
    return _show(args, figures)


def _show(args: argparse.Namespace, figures: ReconcileStatus) -> int:
    if args.json:
        print_json(figures.as_json())
    else:
        print_status(figures)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """``reconcile status --account NAME [--statement-date D]``."""
    day = (
        parse_day(args.statement_date, "--statement-date", warn=False)
        if args.statement_date
        else None
    )
    with open_book(args) as book, reading(book, args) as uow:
        figures = reconcile.status(uow, args.account, day)
    return _show(args, figures)


def cmd_finish(args: argparse.Namespace) -> int:
    """``reconcile finish --account NAME``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        figures = reconcile.finish(uow, actor, args.account)
    if args.json:
        print_json(figures.as_json())
        return 0
    print(
        f"finished: {figures.account} is reconciled to {format_rands(figures.closing_cents)} "
        f"on {figures.statement_date.isoformat()} and locked through "
        f"{figures.statement_date.isoformat()}"
    )
    return 0


def _record_line(record: ReconciliationRecord) -> str:
    text = f"started by {record.created_by or '?'}"
    if record.finished_at is not None:
        text += f"; finished by {record.finished_by or '?'} {record.finished_at:%Y-%m-%d %H:%M} UTC"
    if record.unlocked_at is not None:
        text += (
            f"; unlocked by {record.unlocked_by or '?'} {record.unlocked_at:%Y-%m-%d %H:%M} UTC: "
            f"{record.unlock_reason}"
        )
    return text


def cmd_unlock(args: argparse.Namespace) -> int:
    """``reconcile unlock --account NAME --reason TEXT``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        record = reconcile.unlock(uow, actor, args.account, args.reason)
    if args.json:
        print_json(record.as_json())
        return 0
    print(
        f"unlocked: the reconciliation of {record.account} at "
        f"{record.statement_date.isoformat()} is open to change again"
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """``reconcile history --account NAME``."""
    with open_book(args) as book, reading(book, args) as uow:
        records = reconcile.history(uow, args.account)
    if args.json:
        print_json({"reconciliations": [r.as_json() for r in records]})
        return 0
    print_table(
        (
            number("id", lambda r: r.id),
            text("statement date", lambda r: r.statement_date.isoformat()),
            text("status", lambda r: r.status.value),
            money("closing balance", lambda r: r.closing_cents),
            text("who and when", _record_line),
        ),
        records,
    )
    print(f"{len(records)} reconciliation(s)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``reconcile report --account NAME --statement-date D --out FILE.pdf|FILE.xlsx``.

    The PDF of a finished reconciliation is archived in the book's documents
    folder as well (and queued for the S3 archive when a bucket is set).
    """
    # reportlab and openpyxl load only for the report, not for every reconcile command.
    from crechebooks_desktop.exporters.reconciliation_documents import make_report  # noqa: PLC0415

    day = parse_day(args.statement_date, "--statement-date", warn=False)
    out = Path(args.out).expanduser()
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        made = make_report(uow, actor, args.account, day, book.settings.data_dir, out)
    print(f"wrote the reconciliation statement of {made.report.status.account} at {day} to {out}")
    if made.archived is not None:
        state = "archived" if made.archived.created else "already archived, unchanged"
        print(f"{state}: {made.archived.path}")
    elif made.not_archived is not None:
        print(f"not archived: {made.not_archived}")
    return 0
