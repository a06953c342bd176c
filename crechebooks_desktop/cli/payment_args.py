"""Grammar of the money-in commands: payments, credits, adjust, balances, ledger.

Handlers are in ``payment_commands`` and load only when a command runs.
"""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text

_METHODS = ["EFT", "CASH", "CARD", "DEBIT_ORDER"]
_AMOUNT_HELP = "in Rand, e.g. 1500.00 or 'R 1 500,00'"


def _money(parser: argparse.ArgumentParser, *, signed: bool = False) -> None:
    parser.add_argument("--household", required=True, metavar="REF")
    parser.add_argument(
        "--amount",
        required=True,
        metavar="AMOUNT",
        help=_AMOUNT_HELP
        + ("; negative = owes less (write --amount=-150,00 for a comma amount)" if signed else ""),
    )
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--reason", required=True, metavar="TEXT")
    parser.add_argument("--json", action="store_true")


def _payments(add: AddCommand) -> None:
    payments = add(
        "payments", "record and reverse payments from households", "payment_commands.cmd_payments"
    )
    sub = payments.add_subparsers(dest="action", required=True, metavar="ACTION")

    new = sub.add_parser("add", help="record money received and allocate it to invoices")
    new.set_defaults(handler="payment_commands.cmd_add")
    new.add_argument("--household", required=True, metavar="REF")
    new.add_argument("--amount", required=True, metavar="AMOUNT", help=_AMOUNT_HELP)
    new.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    new.add_argument("--method", required=True, type=str.upper, choices=_METHODS)
    new.add_argument("--reference", metavar="TEXT", type=one_line_text)
    new.add_argument(
        "--allocate",
        default="auto",
        metavar="auto|NUMBER=AMOUNT,...",
        help="auto (the default): oldest outstanding invoice first; or invoice=amount "
        "pairs; what is left becomes household credit",
    )
    new.add_argument("--json", action="store_true")

    reverse = sub.add_parser("reverse", help="undo a payment (bounced debit order, a mistake)")
    reverse.set_defaults(handler="payment_commands.cmd_reverse")
    reverse.add_argument("payment_id", metavar="PAYMENT_ID")
    reverse.add_argument("--reason", required=True, metavar="TEXT")
    reverse.add_argument("--date", metavar="YYYY-MM-DD", help="default: today")
    reverse.add_argument("--json", action="store_true")


def _credits(add: AddCommand) -> None:
    credit = add("credits", "use or refund household credit", "payment_commands.cmd_credits")
    sub = credit.add_subparsers(dest="action", required=True, metavar="ACTION")

    apply = sub.add_parser("apply", help="use unused credit on open invoices, oldest first")
    apply.set_defaults(handler="payment_commands.cmd_credits_apply")
    apply.add_argument("--household", required=True, metavar="REF")
    apply.add_argument("--json", action="store_true")

    refund = sub.add_parser("refund", help="pay unused credit back to the household")
    refund.set_defaults(handler="payment_commands.cmd_credits_refund")
    _money(refund)


def register(add: AddCommand) -> None:
    """Add ``payments``, ``credits``, ``adjust``, ``balances`` and ``ledger``."""
    _payments(add)
    _credits(add)

    adjust = add(
        "adjust",
        "correct a household's balance: positive = owes more, negative = owes less",
        "payment_commands.cmd_adjust",
    )
    _money(adjust, signed=True)

    balances = add(
        "balances",
        "every household's balance, outstanding and credit; or import opening balances",
        "payment_commands.cmd_balances",
    )
    balances.add_argument("--as-of", metavar="YYYY-MM-DD", help="at the end of that day")
    balances.add_argument("--json", action="store_true")
    sub = balances.add_subparsers(dest="action", metavar="ACTION")
    opening = sub.add_parser(
        "import",
        help="opening balances from household_ref,amount,as_of "
        "(positive = owed, negative = in credit); all or nothing",
    )
    opening.set_defaults(handler="payment_commands.cmd_balances_import")
    opening.add_argument("file", metavar="FILE.csv")
    opening.add_argument("--json", action="store_true")

    ledger = add(
        "ledger",
        "a household's ledger by date, with its running balance",
        "payment_commands.cmd_ledger",
    )
    ledger.add_argument("--household", required=True, metavar="REF")
    ledger.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    ledger.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    ledger.add_argument("--json", action="store_true")
