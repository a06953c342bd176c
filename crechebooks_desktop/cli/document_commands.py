"""``invoices pdf`` and ``invoices export``: invoices as PDF files, CSV and Excel."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from crechebooks_desktop.cli.common import as_actor, open_book, parse_month, reading
from crechebooks_desktop.cli.invoice_where import invoice_filter
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.invoice_documents import PrintedInvoice, print_invoice
from crechebooks_desktop.private_files import make_private_folder
from crechebooks_desktop.services.billing import invoice_lifecycle as invoices

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
NO_BANKING_WARNING = (
    "warning: the creche has no banking details, so the invoices say to ask the office for "
    "them; set them with: crechebooks settings set bank_account_number NUMBER "
    "(and bank_name, bank_account_name, bank_branch_code)"
)


def cmd_pdf(args: argparse.Namespace) -> int:
    """``invoices pdf NUMBER [--out FILE.pdf]``, or ``--month YYYY-MM --out-dir DIR``.

    ``--with-notes`` puts each invoice's notes on the files written; the archived
    copies stay as the households get them, without (issue 16).
    """
    if args.number:
        if args.out_dir:
            raise UserFacingError("--out-dir goes with --month; for one invoice use --out FILE.pdf")
        return _one_pdf(args)
    if args.out:
        raise UserFacingError("--out goes with an invoice number; with --month use --out-dir DIR")
    if not args.out_dir:
        raise UserFacingError("--month needs --out-dir DIR, the folder to write the PDFs into")
    month = parse_month(args.month, warn=False)
    return _month_pdfs(args, month, Path(args.out_dir).expanduser())


def _one_pdf(args: argparse.Namespace) -> int:
    number = args.number.strip()
    out = Path(args.out).expanduser() if args.out else Path(f"{_file_name(number.upper())}.pdf")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        printed = print_invoice(
            uow, actor, number, book.settings.data_dir, copy_to=out, with_notes=args.with_notes
        )
    if printed.banking_missing:
        print(NO_BANKING_WARNING, file=sys.stderr)
    shown = _notes_note(args, printed)
    print(f"wrote {printed.invoice.number}{shown} to {out} ({_archive_note(printed)})")
    return 0


def _notes_note(args: argparse.Namespace, printed: PrintedInvoice) -> str:
    if not args.with_notes:
        return ""
    return " with its notes" if printed.notes_shown else " (it has no notes)"


def _archive_note(printed: PrintedInvoice) -> str:
    archived = printed.archived
    # The archive holds the invoice as the household gets it: notes are never in it (issue 16).
    without = " without notes" if printed.notes_shown else ""
    if archived.created:
        return f"archived{without} as {archived.path}"
    return f"unchanged since it was archived{without} as {archived.path}"


def _month_pdfs(args: argparse.Namespace, month: dt.date, out_dir: Path) -> int:
    _make_folder(out_dir)
    with open_book(args) as book:
        numbers = _printable(book, args, month)
        created, with_notes, banking_missing = 0, 0, False
        for done, number in enumerate(numbers, start=1):
            printed = _print_one(book, args, number, out_dir / f"{_file_name(number)}.pdf")
            created += printed.archived.created
            with_notes += printed.notes_shown
            banking_missing = banking_missing or printed.banking_missing
            _progress(done, len(numbers), number)
    if not numbers:
        print(f"no invoices to print for {month:%Y-%m}")
        return 0
    if banking_missing:
        print(NO_BANKING_WARNING, file=sys.stderr)
    notes = f"; {with_notes} show their notes (never the archived copies)"
    print(
        f"wrote {len(numbers)} invoice PDFs for {month:%Y-%m} to {out_dir}; "
        f"archived {created} new, {len(numbers) - created} unchanged"
        + (notes if args.with_notes else "")
    )
    return 0


def _printable(book: Book, args: argparse.Namespace, month: dt.date) -> list[str]:
    with reading(book, args) as uow:
        found = invoices.find_invoices(uow, InvoiceFilter(month=month))
    return [i.number for i in found if i.status is not InvoiceStatus.VOID]


def _print_one(book: Book, args: argparse.Namespace, number: str, out: Path) -> PrintedInvoice:
    # One transaction per invoice: a failure part-way keeps what was archived before it.
    with as_actor(book, args) as (uow, actor):
        return print_invoice(
            uow, actor, number, book.settings.data_dir, copy_to=out, with_notes=args.with_notes
        )


def _progress(done: int, total: int, number: str) -> None:
    if not sys.stderr.isatty():
        return
    end = "\n" if done == total else ""
    print(f"\r{done}/{total} {number}", end=end, file=sys.stderr, flush=True)


def _make_folder(folder: Path) -> None:
    try:
        make_private_folder(folder)  # the PDFs in it name families: owner-only if made here
    except FileExistsError:
        raise UserFacingError(f"cannot write into {folder}: it is a file, not a folder") from None
    except OSError as exc:
        raise UserFacingError(f"cannot write into {folder}: {exc.strerror or exc}") from None


def cmd_export(args: argparse.Namespace) -> int:
    """``invoices export --format csv|xlsx --out FILE [filters]`` (``invoice_args._filters``)."""
    # openpyxl loads for the export only, not for invoices pdf and send, which import this module.
    from crechebooks_desktop.exporters.invoice_table import (  # noqa: PLC0415
        write_invoices_csv,
        write_invoices_xlsx,
    )

    where = invoice_filter(args)
    out = Path(args.out).expanduser()
    with open_book(args) as book, reading(book, args) as uow:
        found = invoices.find_invoices(uow, where)
    if args.format == "xlsx":
        count = write_invoices_xlsx(found, out)
    else:
        count = write_invoices_csv(found, out)
    print(f"wrote {count} invoices to {out}")
    return 0


def _file_name(number: str) -> str:
    return _UNSAFE.sub("_", number)
