"""Grammar of ``crechebooks outbox ...``: the messages to households (issue 12)."""

from __future__ import annotations

from crechebooks_desktop.cli.grammar import AddCommand

_STATUSES = ["QUEUED", "SENDING", "SENT", "FAILED", "PRINTED"]


def register(add: AddCommand) -> None:
    """Add ``outbox`` and its actions to the ``crechebooks`` parser."""
    box = add(
        "outbox",
        "messages to households: list them, send what is queued, retry what failed",
        "outbox_commands.cmd_list",
    )
    sub = box.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = sub.add_parser("list", help="the messages, oldest first")
    listing.set_defaults(handler="outbox_commands.cmd_list")
    listing.add_argument("--status", type=str.upper, choices=_STATUSES)
    listing.add_argument("--json", action="store_true")

    send = sub.add_parser("send", help="e-mail every queued message through the SMTP server")
    send.set_defaults(handler="outbox_commands.cmd_send")
    send.add_argument("--json", action="store_true")

    retry = sub.add_parser(
        "retry",
        help="queue failed messages again and send them (with ID: that message, "
        "also one whose sending is uncertain)",
    )
    retry.set_defaults(handler="outbox_commands.cmd_retry")
    retry.add_argument("id", nargs="?", metavar="ID")
    retry.add_argument("--json", action="store_true")
