"""Grammar of ``statements show|pdf|send`` and ``arrears [export]``.

Handlers are in ``statement_commands``, ``statement_pdf_commands`` and
``statement_send_commands``, and load only when a command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from crechebooks_desktop.cli.grammar import AddCommand


def period_options(parser: argparse.ArgumentParser) -> None:
    """``--from D --to D``, or one of ``--month``, ``--quarter``, ``--year``."""
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day")
    parser.add_argument("--month", metavar="YYYY-MM", help="a whole month, instead of the dates")
    parser.add_argument("--quarter", metavar="YYYY-Qn", help="a quarter, e.g. 2026-Q1")
    parser.add_argument("--year", metavar="YYYY", help="a calendar year")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def register(add: AddCommand) -> None:
    """Add ``statements`` and ``arrears``."""
    statements = add(
        "statements", "households' statements of account", "statement_commands.cmd_show"
    )
    sub = statements.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="a household's (or one child's) statement for a period")
    show.set_defaults(handler="statement_commands.cmd_show")
    show.add_argument("--household", required=True, metavar="REF", help="the household")
    show.add_argument("--child", metavar="REF", help="only this child's invoices and payments")
    show.add_argument(
        "--open-items", action="store_true", help="only what is still owed at the end date"
    )
    period_options(show)
    _json(show)
    _pdf(sub)
    _send(sub)

    arrears = add(
        "arrears",
        "what is owed, by age (current, 30, 60, 90+ days), by household and invoice",
        "statement_commands.cmd_arrears",
    )
    arrears.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    arrears.add_argument(
        "--all", action="store_true", help="list every debtor and invoice, not only the top ones"
    )
    _json(arrears)
    actions = arrears.add_subparsers(dest="action", metavar="ACTION")
    export = actions.add_parser(
        "export", help="the report as a workbook (summary, debtors, invoices, credits) or a PDF"
    )
    export.set_defaults(handler="statement_pdf_commands.cmd_arrears_export")
    export.add_argument("--format", required=True, choices=("xlsx", "pdf"), help="xlsx or pdf")
    export.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write")


def _pdf(sub: Any) -> None:
    """``statements pdf``: one household's statement, or every household's."""
    pdf = sub.add_parser(
        "pdf",
        help="statement PDFs: one household's (--household), or every household's (--all)",
    )
    pdf.set_defaults(handler="statement_pdf_commands.cmd_pdf")
    which = pdf.add_mutually_exclusive_group(required=True)
    which.add_argument("--household", metavar="REF", help="the household")
    which.add_argument("--all", action="store_true", help="every household, by reference")
    pdf.add_argument("--child", metavar="REF", help="with --household: only this child's")
    pdf.add_argument(
        "--open-items", action="store_true", help="only what is still owed at the end date"
    )
    pdf.add_argument(
        "--only-owing", action="store_true", help="with --all: only households that owe"
    )
    period_options(pdf)
    pdf.add_argument("--out", metavar="FILE.pdf", help="the file to write (with --all: one PDF)")
    pdf.add_argument("--out-dir", metavar="DIR", help="with --all: a folder, one REF.pdf each")


def _send(sub: Any) -> None:
    """``statements send``: e-mail statements (or write them for printing)."""
    send = sub.add_parser(
        "send",
        help="e-mail each household its statement when an SMTP server is set, "
        "else write them for printing",
    )
    send.set_defaults(handler="statement_send_commands.cmd_send")
    which = send.add_mutually_exclusive_group(required=True)
    which.add_argument("--household", metavar="REF", help="the household")
    which.add_argument("--all", action="store_true", help="every household with something to show")
    send.add_argument(
        "--only-owing", action="store_true", help="with --all: only households that owe"
    )
    send.add_argument(
        "--open-items", action="store_true", help="only what is still owed at the end date"
    )
    period_options(send)
    send.add_argument("--json", action="store_true", help="machine-readable output")
