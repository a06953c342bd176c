"""The command line's grammar (docs/ARCHITECTURE.md, Command line).

Each area adds its commands from ``*_args``.
"""

from __future__ import annotations

import argparse

from crechebooks_desktop import __version__
from crechebooks_desktop.cli import (
    bank_args,
    book_args,
    categorise_args,
    document_sync_args,
    invoice_args,
    jobs_args,
    outbox_args,
    payment_args,
    reconcile_args,
    reminder_args,
    roster_args,
    statement_args,
    user_args,
    xero_args,
)

# Each area of the book registers its own subcommands (register(add)).
COMMAND_MODULES = (
    book_args,
    user_args,
    invoice_args,
    roster_args,
    payment_args,
    bank_args,
    categorise_args,
    reconcile_args,
    statement_args,
    outbox_args,
    reminder_args,
    jobs_args,
    xero_args,
    document_sync_args,
)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2, like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _book_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=default,
        help="the book: a SQLite file path or a postgresql:// URL "
        "(default: $CRECHEBOOKS_DB, else the book in your data folder)",
    )
    parser.add_argument(
        "--creche",
        metavar="NAME",
        default=default,
        help="which creche, when the book holds several (default: $CRECHEBOOKS_CRECHE)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=default,
        help="who you are (default: $CRECHEBOOKS_USER; not needed in a creche with one user)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="read your password from the first line of standard input "
        "(else the keyring, else it is asked for at a terminal)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``crechebooks`` parser with every subcommand."""
    parser = _Parser(
        prog="crechebooks",
        description="Bookkeeping for creches and pre-schools. "
        "With no command, opens the main window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _book_options(parser, top=True)
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="open the window, save a picture of it once loaded, and quit "
        "(works without a display)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, handler: str) -> argparse.ArgumentParser:
        child = sub.add_parser(name, help=help_text, description=help_text)
        _book_options(child, top=False)
        child.set_defaults(handler=handler)
        return child

    for module in COMMAND_MODULES:
        module.register(command)
    return parser
