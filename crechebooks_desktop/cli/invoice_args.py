"""Grammar of ``crechebooks invoices ...`` (handlers load only when a command runs)."""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text
from crechebooks_desktop.cli.roster_args import iso_date
from crechebooks_desktop.domain.money import MoneyError, parse_rands

_STATUSES = ["DRAFT", "SENT", "VIEWED", "OVERDUE", "PARTIALLY_PAID", "PAID", "VOID"]


def status_list(text: str) -> tuple[str, ...]:
    """Statuses separated by ``|`` (``SENT|OVERDUE``), any case, as an argument's ``type``.

    Raises:
        argparse.ArgumentTypeError: an empty list, or a status that does not exist.
    """
    found = tuple(part.strip().upper() for part in text.split("|") if part.strip())
    unknown = [part for part in found if part not in _STATUSES]
    if not found or unknown:
        shown = repr(unknown[0]) if unknown else "none"
        raise argparse.ArgumentTypeError(
            f"unknown status {shown} (choose from {', '.join(_STATUSES)}, separated by |)"
        )
    return found


def name_list(text: str) -> tuple[str, ...]:
    """References or names separated by ``|``, as an argument's ``type``.

    Raises:
        argparse.ArgumentTypeError: nothing but separators and blanks.
    """
    found = tuple(part.strip() for part in one_line_text(text).split("|") if part.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"no reference or name in {text!r}")
    return found


def amount(text: str) -> int:
    """An amount in Rand (``1234.56``, ``R 1 234,56``) as cents, as an argument's ``type``.

    Raises:
        argparse.ArgumentTypeError: not an amount (the money parser's message).
    """
    try:
        return parse_rands(text)
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


AMOUNT_FILTERS = ("subtotal", "discount", "vat", "total", "balance")
"""The amounts ``--NAME-min`` and ``--NAME-max`` bound (``InvoiceFilter`` fields)."""


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", metavar="YYYY-MM")
    parser.add_argument(
        "--status", type=status_list, metavar="STATUS[|STATUS...]", help=", ".join(_STATUSES)
    )
    parser.add_argument(
        "--household",
        type=name_list,
        metavar="REF|NAME[|...]",
        help="households by account reference or parent name",
    )
    parser.add_argument(
        "--child", type=name_list, metavar="REF|NAME[|...]", help="children by reference or name"
    )
    parser.add_argument(
        "--fee",
        type=name_list,
        metavar="NAME[|NAME...]",
        help="the fee structure the child was enrolled on in the invoice's month",
    )
    parser.add_argument(
        "--text",
        type=one_line_text,
        metavar="WORDS",
        help="each word in the number, notes, household reference, parent or child names",
    )
    for option in ("issued", "due"):
        for end in ("from", "to"):
            parser.add_argument(f"--{option}-{end}", type=iso_date, metavar="YYYY-MM-DD")
    for name in AMOUNT_FILTERS:
        for end in ("min", "max"):
            parser.add_argument(f"--{name}-{end}", type=amount, metavar="AMOUNT")


def register(add: AddCommand) -> None:
    """Add ``invoices`` and its actions to the ``crechebooks`` parser."""
    invoices = add(
        "invoices", "generate, send, void, list and print invoices", "invoice_commands.cmd_invoices"
    )
    sub = invoices.add_subparsers(dest="action", required=True, metavar="ACTION")

    generate = sub.add_parser("generate", help="the monthly run: one invoice per enrolled child")
    generate.set_defaults(handler="invoice_commands.cmd_generate")
    generate.add_argument("--month", required=True, metavar="YYYY-MM")
    generate.add_argument(
        "--issue-date",
        metavar="YYYY-MM-DD",
        help="the invoices' date (default: the first of the month)",
    )
    generate.add_argument("--json", action="store_true")

    send = sub.add_parser(
        "send",
        help="DRAFT -> SENT; applies household credit; e-mails each household its PDFs "
        "when an SMTP server is set, else writes them for printing",
    )
    send.set_defaults(handler="invoice_send_commands.cmd_send")
    target = send.add_mutually_exclusive_group(required=True)
    target.add_argument("number", nargs="?")
    target.add_argument("--month", metavar="YYYY-MM", help="every DRAFT invoice of the month")
    send.add_argument(
        "--no-email", action="store_true", help="only change the status: no PDFs, no e-mail"
    )
    send.add_argument("--json", action="store_true")

    void = sub.add_parser("void", help="void an invoice (DRAFT or SENT) with a reason")
    void.set_defaults(handler="invoice_commands.cmd_void")
    void.add_argument("number")
    void.add_argument("--reason", required=True)

    overdue = sub.add_parser("mark-overdue", help="SENT/VIEWED past due with a balance -> OVERDUE")
    overdue.set_defaults(handler="invoice_commands.cmd_mark_overdue")
    overdue.add_argument("--as-of", metavar="YYYY-MM-DD", help="default: today")
    overdue.add_argument("--json", action="store_true")

    listing = sub.add_parser("list", help="invoices, filtered")
    listing.set_defaults(handler="invoice_commands.cmd_list")
    _filters(listing)
    listing.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="one invoice with its lines")
    show.set_defaults(handler="invoice_commands.cmd_show")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")

    _note(sub)
    _attachments(sub)
    new = sub.add_parser("new", help="an ad-hoc invoice for a child")
    new.set_defaults(handler="invoice_commands.cmd_new")
    new.add_argument("--child", required=True, metavar="REF")
    new.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    new.add_argument(
        "--line",
        required=True,
        action="append",
        metavar="TYPE:AMOUNT[:TEXT]",
        type=one_line_text,
        help="a line, e.g. UNIFORM:350.00:Winter jersey (repeat for more); "
        "AD_HOC lines are standard-rated unless written AD_HOC_EXEMPT",
    )
    new.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="a CSV or Excel list of invoices")
    export.set_defaults(handler="document_commands.cmd_export")
    export.add_argument("--format", required=True, choices=["csv", "xlsx"])
    export.add_argument("--out", required=True, metavar="FILE")
    _filters(export)

    _pdf(sub)
    _history(sub)


def _history(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = (
        "invoices issued by the previous system, from number,household_ref,child_ref,"
        "issue_date,due_date,description,total,amount_paid[,vat][,paid_date] "
        "(vat: included in the total, default 0; paid_date: when the amount paid was "
        "received, default the issue date); all or nothing, each row once"
    )
    history = sub.add_parser("import", help=text, description=text)
    history.set_defaults(handler="invoice_import_commands.cmd_import")
    history.add_argument("file", metavar="FILE.csv")
    history.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would be imported"
    )
    history.add_argument("--json", action="store_true")


def _note(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    note = sub.add_parser(
        "note", help="set an invoice's notes (any status; never printed unless asked)"
    )
    note.set_defaults(handler="invoice_commands.cmd_note")
    note.add_argument("number")
    note.add_argument(
        "--text", required=True, help="the notes, of one or more lines; '' clears them"
    )


def _attachments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    attach = sub.add_parser(
        "attach",
        help="keep files with an invoice (PDF, images, office documents; at most 10 MB each)",
    )
    attach.set_defaults(handler="invoice_attachment_commands.cmd_attach")
    attach.add_argument("number")
    attach.add_argument("files", nargs="+", metavar="FILE")

    listing = sub.add_parser("attachments", help="the files kept with an invoice")
    listing.set_defaults(handler="invoice_attachment_commands.cmd_attachments")
    listing.add_argument("number")
    listing.add_argument("--json", action="store_true")

    detach = sub.add_parser(
        "detach", help="hide a file kept with an invoice (the file itself is kept; audited)"
    )
    detach.set_defaults(handler="invoice_attachment_commands.cmd_detach")
    detach.add_argument("number")
    detach.add_argument("name", metavar="NAME", help="as `invoices attachments` lists it")


def _pdf(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pdf = sub.add_parser("pdf", help="tax-invoice PDF of one invoice, or of a month into a folder")
    pdf.set_defaults(handler="document_commands.cmd_pdf")
    which = pdf.add_mutually_exclusive_group(required=True)
    which.add_argument("number", nargs="?")
    which.add_argument("--month", metavar="YYYY-MM")
    pdf.add_argument("--out", metavar="FILE.pdf", help="with NUMBER: the file to write")
    pdf.add_argument("--out-dir", metavar="DIR", help="with --month: the folder to write into")
    pdf.add_argument(
        "--with-notes",
        action="store_true",
        help="show the invoices' notes on the files written (the archived copies never do)",
    )
