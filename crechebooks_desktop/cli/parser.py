"""The command line's grammar (DESIGN §5); handlers live in ``commands``."""

from __future__ import annotations

import argparse

from crechebooks_desktop import __version__


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
        help="who is acting, for the audit log (default: $CRECHEBOOKS_USER, "
        "else the creche's first administrator)",
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

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        child = sub.add_parser(name, help=help_text, description=help_text)
        _book_options(child, top=False)
        return child

    init = command("init", "create a creche (and its first administrator) in the book")
    init.add_argument("--name", required=True)
    init.add_argument(
        "--vat-number", default="", help="a creche with a VAT number is VAT-registered"
    )
    init.add_argument("--prices-include-vat", default="yes", metavar="yes|no")
    init.add_argument("--sibling-discounts", default="", metavar="0,10,15")
    init.add_argument("--due-day", default="7")
    init.add_argument("--invoice-prefix", default="INV")
    init.add_argument("--admin-user", default="admin", metavar="NAME")
    init.add_argument(
        "--admin-password-stdin",
        action="store_true",
        help="read the administrator's password from standard input",
    )

    settings = command("settings", "show or change the creche's settings")
    settings_sub = settings.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=_Parser
    )
    show = settings_sub.add_parser("show", help="print the settings")
    show.add_argument("--json", action="store_true")
    set_ = settings_sub.add_parser("set", help="change one setting")
    set_.add_argument("key")
    set_.add_argument("value")

    users = command("users", "list or add the creche's users")
    users_sub = users.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=_Parser
    )
    listing = users_sub.add_parser("list", help="the users and their roles")
    listing.add_argument("--json", action="store_true")
    add = users_sub.add_parser("add", help="add a user with a role")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["admin", "bookkeeper", "owner-viewer"])
    add.add_argument("--full-name")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the user's password from standard input"
    )

    check = command("check", "verify the ledger invariants; exit 1 if any is broken")
    check.add_argument("--json", action="store_true")

    backup = command("backup", "copy the whole book to a file")
    backup.add_argument("file")

    db = command("db", "schema maintenance")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION", parser_class=_Parser)
    db_sub.add_parser("upgrade", help="bring the book's schema up to date (backs SQLite up)")

    demo = command("demo", "create the demo creche in the book (once)")
    demo.add_argument("--json", action="store_true")
    return parser
