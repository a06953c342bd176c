"""Grammar of the chart and categorisation commands: ``accounts``, ``rules``, ``categorise``.

Handlers are in ``accounts_commands``, ``rules_commands`` and
``categorise_commands`` and load only when a command runs.

``categorise`` takes one word first: a line id (``categorise 123 --account
6200``) or one of ``run``, ``learned``, ``forget``, ``clear``; the handler
tells them apart, so that ``categorise run`` and ``categorise 123`` both work.
"""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text

ACCOUNT_TYPES = ["income", "expense", "asset", "liability", "equity"]
VAT_WORDS = ["standard", "zero-rated", "exempt", "no-vat"]
CATEGORISE_WORDS = ("run", "learned", "forget", "clear")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _vat(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--vat", type=str.lower, choices=VAT_WORDS, help=what)


def _accounts(add: AddCommand) -> None:
    accounts = add(
        "accounts", "the chart of accounts: list, add or archive", "accounts_commands.cmd_list"
    )
    sub = accounts.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="the accounts by code")
    listing.set_defaults(handler="accounts_commands.cmd_list")
    listing.add_argument("--all", action="store_true", help="include archived accounts")
    _json(listing)
    new = sub.add_parser("add", help="add an account")
    new.set_defaults(handler="accounts_commands.cmd_add")
    new.add_argument("--code", required=True, metavar="CODE", type=one_line_text)
    new.add_argument("--name", required=True, metavar="NAME", type=one_line_text)
    new.add_argument("--type", required=True, type=str.lower, choices=ACCOUNT_TYPES)
    _vat(new, "the VAT type its lines take by default (default: no-vat)")
    _json(new)
    archive = sub.add_parser(
        "archive", help="stop offering an account (it stays with everything that used it)"
    )
    archive.set_defaults(handler="accounts_commands.cmd_archive")
    archive.add_argument("code", metavar="CODE")
    _json(archive)


def _rule_options(new: argparse.ArgumentParser) -> None:
    new.add_argument("--when-text", metavar="TEXT", help="the text includes this")
    new.add_argument("--when-starts", metavar="TEXT", help="the text begins with this")
    new.add_argument("--when-regex", metavar="REGEX", help="a regular expression found in the text")
    new.add_argument(
        "--when-field",
        default="any",
        type=str.lower,
        choices=["any", "description", "payer", "reference"],
        help="which text the conditions look at (default: any)",
    )
    new.add_argument("--when-amount-min", metavar="AMOUNT", help="the amount is at least this")
    new.add_argument("--when-amount-max", metavar="AMOUNT", help="the amount is at most this")
    new.add_argument("--when-direction", type=str.lower, choices=["in", "out"])
    new.add_argument("--account-name", metavar="BANKNAME", help="lines of this bank account only")
    new.add_argument("--account", metavar="CODE", help="the account matching lines go to")
    _vat(new, "the VAT type they get (default: the account's)")
    new.add_argument(
        "--split",
        action="append",
        metavar="CODE=PCT",
        help="a share of a split instead of --account (give each, adding up to 100)",
    )
    new.add_argument("--position", type=int, metavar="N", help="1 is tried first (default: last)")


def _rules(add: AddCommand) -> None:
    rules = add("rules", "the categorisation rules, tried in order", "rules_commands.cmd_list")
    sub = rules.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = sub.add_parser("add", help="add a rule: conditions, then an account or a split")
    new.set_defaults(handler="rules_commands.cmd_add")
    new.add_argument("name", metavar="NAME")
    _rule_options(new)
    _json(new)
    listing = sub.add_parser("list", help="the rules in the order they are tried")
    listing.set_defaults(handler="rules_commands.cmd_list")
    _json(listing)
    move = sub.add_parser("move", help="try a rule at another position")
    move.set_defaults(handler="rules_commands.cmd_move")
    move.add_argument("name", metavar="NAME")
    move.add_argument("--position", type=int, required=True, metavar="N")
    _json(move)
    remove = sub.add_parser("remove", help="remove a rule (lines it categorised keep that)")
    remove.set_defaults(handler="rules_commands.cmd_remove")
    remove.add_argument("name", metavar="NAME")
    _json(remove)
    draft = sub.add_parser("from-line", help="a rule pre-filled from a bank line")
    draft.set_defaults(handler="rules_commands.cmd_from_line")
    draft.add_argument("line_id", metavar="LINE_ID")
    draft.add_argument("--save", metavar="NAME", help="add the rule under this name")
    _json(draft)


def _categorise(add: AddCommand) -> None:
    categorise = add(
        "categorise",
        "categorise bank lines: one line (LINE_ID --account CODE, or --part CODE=AMOUNT ...), "
        "run the rules and learned choices (run), see or forget what was learned "
        "(learned, forget KEY), take a line's categories back (clear LINE_ID)",
        "categorise_commands.cmd_categorise",
    )
    categorise.add_argument(
        "target", metavar="LINE_ID|run|learned|forget|clear", help="a line, or what to do"
    )
    categorise.add_argument("rest", nargs="*", metavar="KEY|LINE_ID", help=argparse.SUPPRESS)
    categorise.add_argument("--account", metavar="CODE", help="the account the line goes to")
    _vat(categorise, "the VAT type (default: the account's)")
    categorise.add_argument(
        "--part",
        action="append",
        metavar="CODE=AMOUNT",
        help="one part of a split (give each; they add up to the line)",
    )
    _json(categorise)


def register(add: AddCommand) -> None:
    """Add ``accounts``, ``rules`` and ``categorise``."""
    _accounts(add)
    _rules(add)
    _categorise(add)
