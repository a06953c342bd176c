"""Handlers of ``statements pdf`` and ``arrears export``: statements and arrears as files.

``statements pdf --household REF ... --out FILE.pdf`` prints one statement;
``statements pdf --all [--only-owing] PERIOD (--out-dir DIR | --out ONE.pdf)``
prints every household's, with progress on stderr (on a terminal), as
``invoices pdf --month`` does. Every statement printed is archived in the
book's data folder with its SHA-256; a reprint of an unchanged statement
reuses the archived copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from crechebooks_desktop.cli.common import as_actor, open_book, parse_day, reading
from crechebooks_desktop.cli.sign_in import creche_and_actor, signed_in
from crechebooks_desktop.cli.statement_commands import parse_period
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.arrears_report import write_arrears
from crechebooks_desktop.exporters.statement_batch import StatementBatch, export_statements
from crechebooks_desktop.exporters.statement_documents import PrintedStatement, print_statement
from crechebooks_desktop.services.household_statements import arrears as arrears_service
from crechebooks_desktop.services.household_statements.documents import safe_name
from crechebooks_desktop.services.household_statements.statement import Period
from crechebooks_desktop.services.tasks import TaskState

NO_BANKING_WARNING = (
    "warning: the creche has no banking details, so the statements say to ask the creche how "
    "to pay; set them with: crechebooks settings set bank_account_number NUMBER "
    "(and bank_name, bank_account_name, bank_branch_code)"
)


def cmd_pdf(args: argparse.Namespace) -> int:
    """``statements pdf (--household REF [--child REF] | --all [--only-owing]) PERIOD ...``."""
    _check_options(args)
    period = parse_period(args)
    if args.household:
        return _one(args, period)
    return _all(args, period)


def _check_options(args: argparse.Namespace) -> None:
    """Refuse options that do not go together, before anything is read."""
    if args.household:
        if args.out_dir:
            raise UserFacingError("--out-dir goes with --all; for one household use --out FILE.pdf")
        if args.only_owing:
            raise UserFacingError("--only-owing goes with --all")
        return
    if args.child:
        raise UserFacingError("--child goes with --household REF, not with --all")
    if bool(args.out) == bool(args.out_dir):
        raise UserFacingError(
            "--all needs --out-dir DIR (one REF.pdf per household) or --out FILE.pdf "
            "(every statement in one PDF), one of them"
        )


def _one(args: argparse.Namespace, period: Period) -> int:
    ref = args.household.strip()
    out = Path(args.out).expanduser() if args.out else _default_name(args, ref, period)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        printed = print_statement(
            uow, actor, ref, period, book.settings.data_dir, child_ref=args.child,
            open_items=args.open_items, copy_to=out,
        )  # fmt: skip
    if printed.banking_missing:
        print(NO_BANKING_WARNING, file=sys.stderr)
    print(f"wrote {_whose(printed)} statement for {_dates(period)} to {out} "
          f"({_archive_note(printed)})")  # fmt: skip
    return 0


def _default_name(args: argparse.Namespace, ref: str, period: Period) -> Path:
    name = f"{ref.upper()}-{period.date_from.isoformat()}-{period.date_to.isoformat()}"
    if args.child:
        name += f"-{args.child.strip().upper()}"
    if args.open_items:
        name += "-open"
    return Path(f"{safe_name(name)}.pdf")


def _whose(printed: PrintedStatement) -> str:
    party = printed.statement.party
    if party.child_ref:
        return f"{party.household_ref}'s child {party.child_ref}'s"
    return f"{party.household_ref}'s"


def _archive_note(printed: PrintedStatement) -> str:
    archived = printed.archived
    if archived.created:
        return f"archived as {archived.path}"
    return f"unchanged since it was archived as {archived.path}"


def _all(args: argparse.Namespace, period: Period) -> int:
    out_dir = Path(args.out_dir).expanduser() if args.out_dir else None
    out_file = Path(args.out).expanduser() if args.out else None
    task = TaskState(_progress)
    with open_book(args) as book:
        actor = _actor(book, args)
        batch = export_statements(
            book, actor, period, out_dir=out_dir, out_file=out_file,
            only_owing=args.only_owing, open_items=args.open_items, task=task,
        )  # fmt: skip
        archive = book.settings.data_dir / "documents" / "statements"
    if batch.banking_missing and batch.total:
        print(NO_BANKING_WARNING, file=sys.stderr)
    print(_summary(batch, out_dir or out_file, archive))
    return 0


def _actor(book: Book, args: argparse.Namespace) -> Actor:
    """Who prints, in the chosen creche (resolved once; the batch opens its own transactions)."""
    return creche_and_actor(book, args)[1]


def _summary(batch: StatementBatch, target: Path | None, archive: Path) -> str:
    dates = _dates(batch.period)
    if not batch.total:
        return f"no statements to print for {dates}"
    done = len(batch.archived)
    archived = f"archived {batch.created} new, {done - batch.created} unchanged in {archive}"
    if batch.cancelled:
        return f"cancelled after {done} of {batch.total} statements for {dates}; {archived}"
    if target is not None and target.suffix.lower() == ".pdf" and len(batch.files) == 1:
        return f"wrote {done} statements for {dates} into {target}; {archived}"
    return f"wrote {done} statement PDFs for {dates} to {target}; {archived}"


def _dates(period: Period) -> str:
    return f"{period.date_from.isoformat()} to {period.date_to.isoformat()}"


def _progress(done: int, total: int, ref: str) -> None:
    if not sys.stderr.isatty() or not total:
        return
    end = "\n" if done == total else ""
    print(f"\r{done}/{total} {ref:<20}", end=end, file=sys.stderr, flush=True)


def cmd_arrears_export(args: argparse.Namespace) -> int:
    """``arrears export --format xlsx|pdf [--as-of D] --out FILE``."""
    today = dt.date.today()  # noqa: DTZ011 - the book's local day
    as_of = parse_day(args.as_of, "--as-of", warn=False) if args.as_of else today
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UserFacingError(f"cannot write {out}: it is a folder; name a FILE.{args.format}")
    with open_book(args) as book, reading(book, args) as uow:
        creche = signed_in(book, args).creche
        report = arrears_service.arrears_report(uow, as_of)
    write_arrears(report, creche, out, args.format)
    total = format_rands(report.total_outstanding_cents)
    print(f"wrote the arrears at {as_of.isoformat()} to {out}: {total} outstanding on "
          f"{len(report.invoices)} invoice(s) of {len(report.debtors)} household(s)")  # fmt: skip
    return 0
