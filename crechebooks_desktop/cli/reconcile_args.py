"""Grammar of the reconciliation commands: ``reconcile start|status|finish|unlock|history|report``.

Handlers are in ``reconcile_commands`` and load only when a command runs.
"""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.grammar import AddCommand


def _account(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", required=True, metavar="NAME", help="the bank account")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def register(add: AddCommand) -> None:
    """Add ``reconcile``."""
    reconcile = add(
        "reconcile",
        "reconcile a bank account to its statement and lock the period",
        "reconcile_commands.cmd_reconcile",
    )
    sub = reconcile.add_subparsers(dest="action", required=True, metavar="ACTION")

    start = sub.add_parser(
        "start", help="reconcile an account to a statement date (starting again moves it)"
    )
    start.set_defaults(handler="reconcile_commands.cmd_start")
    _account(start)
    start.add_argument("--statement-date", required=True, metavar="YYYY-MM-DD")
    start.add_argument(
        "--closing-balance",
        metavar="AMOUNT",
        help="the statement's closing balance (default: the one the imported statement carries)",
    )
    _json(start)

    status = sub.add_parser(
        "status", help="opening, cleared money in and out, closing, difference, uncleared lines"
    )
    status.set_defaults(handler="reconcile_commands.cmd_status")
    _account(status)
    status.add_argument(
        "--statement-date",
        metavar="YYYY-MM-DD",
        help="which reconciliation (default: the one in progress, else the newest finished)",
    )
    _json(status)

    finish = sub.add_parser(
        "finish", help="finish at a difference of zero with every line cleared; locks the period"
    )
    finish.set_defaults(handler="reconcile_commands.cmd_finish")
    _account(finish)
    _json(finish)

    unlock = sub.add_parser("unlock", help="admins: take back the newest finished reconciliation")
    unlock.set_defaults(handler="reconcile_commands.cmd_unlock")
    _account(unlock)
    unlock.add_argument("--reason", required=True, metavar="TEXT")
    _json(unlock)

    history = sub.add_parser("history", help="the account's reconciliations, newest first")
    history.set_defaults(handler="reconcile_commands.cmd_history")
    _account(history)
    _json(history)

    report = sub.add_parser("report", help="the reconciliation statement as a PDF or workbook")
    report.set_defaults(handler="reconcile_commands.cmd_report")
    _account(report)
    report.add_argument("--statement-date", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx")
