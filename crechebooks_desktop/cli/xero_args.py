"""Grammar of ``crechebooks xero ...``: connect, map, sync (issue 15)."""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text
from crechebooks_desktop.cli.roster_args import iso_date


def register(add: AddCommand) -> None:
    """Add ``xero`` and its actions to the ``crechebooks`` parser."""
    xero = add(
        "xero",
        "the creche's Xero organisation: connect, map accounts, sync the book to it",
        "xero_commands.cmd_status",
    )
    sub = xero.add_subparsers(dest="action", required=True, metavar="ACTION")

    connect = sub.add_parser(
        "connect",
        help="sign in at Xero in the browser (OAuth with PKCE) and choose the organisation",
    )
    connect.set_defaults(handler="xero_commands.cmd_connect")
    connect.add_argument(
        "--client-id", required=True, type=one_line_text, help="your Xero app's client id"
    )
    connect.add_argument(
        "--no-browser",
        action="store_true",
        help="print the sign-in URL on a line of its own instead of opening a browser",
    )
    connect.add_argument("--tenant", type=one_line_text, metavar="NAME", help="the organisation")
    connect.add_argument(
        "--port", type=int, default=0, help="loopback port of the redirect (default: any free one)"
    )
    connect.add_argument(
        "--since",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="send invoices issued from this day (default: the first of this month)",
    )
    connect.add_argument("--timeout", type=float, default=600.0, help=argparse.SUPPRESS)

    status = sub.add_parser("status", help="the connection, and what waits, went and failed")
    status.set_defaults(handler="xero_commands.cmd_status")
    status.add_argument("--json", action="store_true")

    disconnect = sub.add_parser(
        "disconnect", help="remove the connection and its tokens (in Xero too, where it answers)"
    )
    disconnect.set_defaults(handler="xero_commands.cmd_disconnect")

    mapping = sub.add_parser(
        "map", help="say which Xero account or tax type one of ours goes to (no option: list)"
    )
    mapping.set_defaults(handler="xero_commands.cmd_map")
    which = mapping.add_mutually_exclusive_group()
    which.add_argument("--bank-account", type=one_line_text, metavar="NAME")
    which.add_argument("--account", type=one_line_text, metavar="CODE")
    which.add_argument("--tax", type=str.upper, choices=["STANDARD", "EXEMPT"])
    mapping.add_argument("--to", type=one_line_text, metavar="CODE")
    mapping.add_argument("--json", action="store_true")

    sync = sub.add_parser("sync", help="send what waits, within Xero's limits")
    sync.set_defaults(handler="xero_commands.cmd_sync")
    sync.add_argument(
        "--retry-failed", action="store_true", help="try the refused items again first"
    )
    sync.add_argument(
        "--dry-run",
        action="store_true",
        help="count what would be sent and in how many calls; send nothing",
    )
    sync.add_argument("--json", action="store_true")

    queue = sub.add_parser(
        "queue", help="send invoices issued from a day on (with their households and payments)"
    )
    queue.set_defaults(handler="xero_commands.cmd_queue")
    queue.add_argument("--since", required=True, type=iso_date, metavar="YYYY-MM-DD")
    queue.add_argument("--json", action="store_true")
