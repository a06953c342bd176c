"""Grammar of the bank and matching commands: ``bank ...`` and ``match ...``.

Handlers are in ``bank_commands`` and ``match_commands`` and load only when a
command runs.
"""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text
from crechebooks_desktop.domain.bank import BANKS

_FORMATS = ["auto", "ofx", "qfx", "qif", "csv", "pdf"]
_STATUSES = ["all", "unmatched", "review", "matched", "parked", "rejected", "split"]


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _line(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("line_id", metavar="LINE_ID")


def _bank(add: AddCommand) -> None:
    bank = add("bank", "bank accounts and statement imports", "bank_commands.cmd_bank")
    sub = bank.add_subparsers(dest="action", required=True, metavar="ACTION")

    accounts = sub.add_parser(
        "accounts", help="add, list, rename, close or reopen the creche's bank accounts"
    )
    accounts_sub = accounts.add_subparsers(dest="accounts_action", required=True, metavar="ACTION")
    new = accounts_sub.add_parser("add", help="add a bank account")
    new.set_defaults(handler="bank_commands.cmd_accounts_add")
    new.add_argument("--name", required=True, metavar="NAME", type=one_line_text)
    new.add_argument("--bank", default="other", type=str.lower, choices=list(BANKS))
    new.add_argument(
        "--number", metavar="TEXT", type=one_line_text, help="the account number as printed"
    )
    new.add_argument(
        "--opening-balance", metavar="AMOUNT", help="the balance on --as-of, e.g. 12500.00"
    )
    new.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day of the opening balance")
    _json(new)
    listing = accounts_sub.add_parser("list", help="the bank accounts with their balances")
    listing.set_defaults(handler="bank_commands.cmd_accounts_list")
    _json(listing)
    rename = accounts_sub.add_parser("rename", help="give a bank account a new name")
    rename.set_defaults(handler="bank_commands.cmd_accounts_rename")
    rename.add_argument("--name", required=True, metavar="NAME", type=one_line_text)
    rename.add_argument("--to", required=True, metavar="NEW_NAME", type=one_line_text)
    _json(rename)
    close = accounts_sub.add_parser(
        "close",
        help="close a reconciled bank account: no more statements, its lines kept as history",
    )
    close.set_defaults(handler="bank_commands.cmd_accounts_close")
    close.add_argument("--name", required=True, metavar="NAME", type=one_line_text)
    _json(close)
    reopen = accounts_sub.add_parser("reopen", help="let a closed bank account take statements")
    reopen.set_defaults(handler="bank_commands.cmd_accounts_reopen")
    reopen.add_argument("--name", required=True, metavar="NAME", type=one_line_text)
    _json(reopen)

    take = sub.add_parser(
        "import",
        help="take a statement file in (OFX, QFX, QIF, a bank's CSV or a text PDF); lines "
        "imported before are skipped",
    )
    take.set_defaults(handler="bank_commands.cmd_import")
    take.add_argument("file", metavar="FILE")
    take.add_argument("--account", required=True, metavar="NAME")
    take.add_argument("--format", default="auto", type=str.lower, choices=_FORMATS)
    take.add_argument(
        "--profile",
        metavar="NAME",
        type=one_line_text,
        help="the CSV layout: a bank's (fnb, capitec, ...: 'bank profiles list' names them all) "
        "or a profile saved with 'bank profiles add' (default: recognised from the header)",
    )
    _json(take)

    gaps = sub.add_parser(
        "gaps",
        help="days no imported statement covers, and imports whose opening balance does not "
        "continue the closing balance before them",
    )
    gaps.set_defaults(handler="bank_commands.cmd_gaps")
    gaps.add_argument("--account", required=True, metavar="NAME", type=one_line_text)
    _json(gaps)

    split = sub.add_parser(
        "split", help="split a bank line into parts that add up to it (payment + bank fee)"
    )
    split.set_defaults(handler="bank_commands.cmd_split")
    _line(split)
    split.add_argument(
        "--part",
        action="append",
        required=True,
        metavar="AMOUNT",
        help="one part (give two or more), e.g. --part 950.00 --part 50.00",
    )
    _json(split)
    _profiles(sub)


def _column(
    parser: argparse.ArgumentParser, option: str, text: str, *, required: bool = False
) -> None:
    parser.add_argument(option, required=required, metavar="COLUMN", type=one_line_text, help=text)


def _profiles(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``bank profiles list|add|remove``: saved column mappings for CSV layouts (issue 14)."""
    profiles = sub.add_parser(
        "profiles", help="list, save or remove column mappings for CSV layouts no bank's fits"
    )
    profiles_sub = profiles.add_subparsers(dest="profiles_action", required=True, metavar="ACTION")
    listing = profiles_sub.add_parser("list", help="the saved CSV profiles and the built-in ones")
    listing.set_defaults(handler="bank_profile_commands.cmd_list")
    _json(listing)
    add = profiles_sub.add_parser(
        "add",
        help="save a column mapping under a name; with --from-file, files with that file's "
        "header are read with it without being named",
    )
    add.set_defaults(handler="bank_profile_commands.cmd_add")
    add.add_argument("name", metavar="NAME", type=one_line_text)
    _column(add, "--date", "the date column (header text, or number from 1)", required=True)
    add.add_argument(
        "--date-format", required=True, metavar="FORMAT", help="e.g. DD/MM/YYYY or YYYY-MM-DD"
    )
    _column(add, "--amount", "a signed amount column")
    _column(add, "--money-in", "money in (with --money-out instead of --amount)")
    _column(add, "--money-out", "money out (with --money-in)")
    add.add_argument(
        "--description",
        required=True,
        metavar="COLUMN[,COLUMN]",
        type=one_line_text,
        help="the text columns, joined in this order",
    )
    _column(add, "--reference", "the payer's reference")
    _column(add, "--fee", "a bank fee per line (made a line of its own)")
    _column(add, "--balance", "the running balance (checked line by line)")
    add.add_argument(
        "--skip-lines", default="0", metavar="N", help="lines before the header (default 0)"
    )
    add.add_argument(
        "--no-header",
        action="store_true",
        help="the rows start after --skip-lines; give columns by number (1 is the first)",
    )
    add.add_argument(
        "--from-file",
        metavar="FILE",
        help="a statement in this layout: the mapping must read it, and its header is kept "
        "so that the layout is recognised next time",
    )
    _json(add)
    remove = profiles_sub.add_parser("remove", help="forget a saved CSV profile")
    remove.set_defaults(handler="bank_profile_commands.cmd_remove")
    remove.add_argument("name", metavar="NAME", type=one_line_text)
    _json(remove)


def _match(add: AddCommand) -> None:
    match = add(
        "match", "match bank credits to households and review them", "match_commands.cmd_match"
    )
    sub = match.add_subparsers(dest="action", required=True, metavar="ACTION")

    run = sub.add_parser(
        "run", help="score undecided credit lines; apply the certain ones, keep the rest for review"
    )
    run.set_defaults(handler="match_commands.cmd_run")
    _json(run)

    accept = sub.add_parser("accept", help="record a line as a household's payment")
    accept.set_defaults(handler="match_commands.cmd_accept")
    _line(accept)
    accept.add_argument("--household", required=True, metavar="REF")
    accept.add_argument(
        "--invoices",
        metavar="N1,N2",
        help="invoices to pay first (default: those suggested, then oldest first)",
    )
    accept.add_argument(
        "--new-payment",
        action="store_true",
        help="record a new payment even though the line looks like a payment recorded by hand",
    )
    _json(accept)

    link = sub.add_parser(
        "link",
        help="the line is a payment (or, money out, a refund) already recorded by hand: "
        "link them, so the money is counted once",
    )
    link.set_defaults(handler="match_commands.cmd_link")
    _line(link)
    to = link.add_mutually_exclusive_group(required=True)
    to.add_argument("--payment", metavar="PAYMENT_ID", help="the payment recorded by hand")
    to.add_argument("--refund", metavar="ENTRY_ID", help="the REFUND ledger entry paid out")
    _json(link)

    reject = sub.add_parser("reject", help="the line is not a household's money")
    reject.set_defaults(handler="match_commands.cmd_reject")
    _line(reject)
    _json(reject)

    park = sub.add_parser("park", help="set a line aside with a note")
    park.set_defaults(handler="match_commands.cmd_park")
    _line(park)
    park.add_argument("--note", required=True, metavar="TEXT")
    _json(park)

    undo = sub.add_parser(
        "undo",
        help="take back a line's decision (reverses its payment; a link is only taken back) "
        "or join a split",
    )
    undo.set_defaults(handler="match_commands.cmd_undo")
    _line(undo)
    _json(undo)

    listing = sub.add_parser("list", help="credit lines with their decisions and candidates")
    listing.set_defaults(handler="match_commands.cmd_list")
    listing.add_argument("--status", default="all", type=str.lower, choices=_STATUSES)
    _json(listing)

    aliases = sub.add_parser("aliases", help="what matching has learned about payers")
    aliases.set_defaults(handler="match_commands.cmd_aliases")
    aliases.add_argument("--forget", metavar="ID", help="stop using this alias")
    aliases.add_argument("--all", action="store_true", help="include forgotten aliases")
    _json(aliases)


def register(add: AddCommand) -> None:
    """Add ``bank`` and ``match``."""
    _bank(add)
    _match(add)
