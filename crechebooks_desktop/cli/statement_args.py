"""Grammar of ``statements show`` and ``arrears``.

Handlers are in ``statement_commands`` and load only when a command runs.
"""

from __future__ import annotations

import argparse

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
