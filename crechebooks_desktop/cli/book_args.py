"""Grammar of the book's own commands (init, settings, check, backup, restore, db, demo).

Kept apart from the handlers so that building the parser imports nothing heavy:
starting the window must not wait for the database layer.
"""

from __future__ import annotations

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text


def register(add: AddCommand) -> None:
    """Add this module's subcommands to the ``crechebooks`` parser."""
    init = add(
        "init",
        "create a creche (and its first administrator) in the book",
        "book_commands.cmd_init",
    )
    init.add_argument("--name", required=True, type=one_line_text)
    init.add_argument("--vat-number", default="", help="with a VAT number, VAT-registered")
    init.add_argument("--prices-include-vat", default="yes", metavar="yes|no")
    init.add_argument("--sibling-discounts", default="", metavar="0,10,15")
    init.add_argument("--due-day", default="7")
    init.add_argument("--invoice-prefix", default="INV")
    init.add_argument("--admin-user", default="admin", metavar="NAME", type=one_line_text)
    init.add_argument(
        "--admin-password-stdin",
        action="store_true",
        help="read the administrator's password from standard input",
    )

    settings = add("settings", "show or change the creche's settings", "book_commands.cmd_settings")
    settings_sub = settings.add_subparsers(dest="action", required=True, metavar="ACTION")
    settings_sub.add_parser("show", help="print the settings").add_argument(
        "--json", action="store_true"
    )
    set_ = settings_sub.add_parser(
        "set",
        help="change one setting (smtp-password and s3-credentials: typed when asked, or "
        "--stdin; kept in the keyring, never in the book)",
    )
    set_.add_argument("key")
    set_.add_argument("value", nargs="?")
    set_.add_argument(
        "--stdin",
        action="store_true",
        help="smtp-password: read it from standard input; s3-credentials: the access key id "
        "on the first line, the secret on the second",
    )

    add(
        "check", "verify the ledger invariants; exit 1 if any is broken", "book_commands.cmd_check"
    ).add_argument("--json", action="store_true")
    add(
        "backup",
        "copy the whole book (database and archived documents) to one new file",
        "book_commands.cmd_backup",
    ).add_argument("file")
    restore = add(
        "restore",
        "check a backup through and through, then make it a new book",
        "book_commands.cmd_restore",
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--to", required=True, metavar="PATH", help="the new SQLite book file (not there yet)"
    )
    restore.add_argument("--json", action="store_true")
    db = add("db", "schema maintenance", "book_commands.cmd_db")
    db.add_subparsers(dest="action", required=True, metavar="ACTION").add_parser(
        "upgrade", help="bring the book's schema up to date (backs SQLite up)"
    )
    add("demo", "create the demo creche in the book (once)", "book_commands.cmd_demo").add_argument(
        "--json", action="store_true"
    )
