"""Grammar of the roster's commands: ``fees``, ``roster``, ``charges``, ``enrolments``.

Kept apart from the handlers (``roster_commands``) so that building the parser
imports nothing heavy. Dates are checked here (a malformed one is a usage
error, exit 2); amounts and line types by the handlers and services (exit 1).
"""

from __future__ import annotations

import argparse
import datetime as dt

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text
from crechebooks_desktop.domain.dates import NotADay, iso_day


def iso_date(text: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) from the command line.

    Raises:
        argparse.ArgumentTypeError: anything else.
    """
    try:
        return iso_day(text)
    except NotADay as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _import(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], what: str, handler: str
) -> None:
    parser = sub.add_parser("import", help=f"import {what} from a CSV file (all or nothing)")
    parser.set_defaults(handler=handler)
    parser.add_argument("file", metavar="FILE.csv")
    parser.add_argument("--json", action="store_true")


def _amount_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--amount", metavar="4850.00", help="monthly fee, or the hourly rate of an HOURLY fee"
    )
    parser.add_argument("--registration", metavar="750.00", help="registration fee, or 'none'")
    parser.add_argument(
        "--re-registration", metavar="500.00", help="re-registration fee, or 'none'"
    )
    parser.add_argument("--json", action="store_true")


def _fees(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = sub.add_parser("add", help="a new fee structure (its amounts apply from the start)")
    new.set_defaults(handler="fee_commands.cmd_fees_add")
    new.add_argument("name", metavar="NAME", type=one_line_text)
    new.add_argument(
        "--type",
        required=True,
        dest="fee_type",
        type=str.upper,
        choices=["FULL_DAY", "HALF_DAY", "HOURLY", "CUSTOM"],
    )
    _amount_options(new)

    change = sub.add_parser(
        "change",
        help="new amounts from the 1st of a month; invoices already made keep theirs",
    )
    change.set_defaults(handler="fee_commands.cmd_fees_change")
    change.add_argument("name", metavar="NAME")
    change.add_argument(
        "--from", required=True, dest="from_", metavar="YYYY-MM-01", help="the first month billed"
    )
    _amount_options(change)

    listing = sub.add_parser("list", help="the fee structures: amounts now and changes to come")
    listing.set_defaults(handler="fee_commands.cmd_fees_list")
    listing.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    listing.add_argument("--json", action="store_true")

    history = sub.add_parser("history", help="every version of a fee's amounts")
    history.set_defaults(handler="fee_commands.cmd_fees_history")
    history.add_argument("name", metavar="NAME")
    history.add_argument("--json", action="store_true")


def register(add: AddCommand) -> None:
    """Add the roster's subcommands to the ``crechebooks`` parser.

    Each command's handler is its action's (the action is required); the
    command's own is that of its main action.
    """
    fees = add(
        "fees",
        "add, change, import or list the creche's fee structures",
        "fee_commands.cmd_fees_list",
    )
    fees_sub = fees.add_subparsers(dest="action", required=True, metavar="ACTION")
    _import(fees_sub, "fee structures", "roster_commands.cmd_fees_import")
    _fees(fees_sub)

    roster = add(
        "roster", "import households, children and enrolments", "roster_commands.cmd_roster_import"
    )
    roster_sub = roster.add_subparsers(dest="action", required=True, metavar="ACTION")
    _import(roster_sub, "households, children and enrolments", "roster_commands.cmd_roster_import")

    charges = add(
        "charges", "ad-hoc charges for a child's next invoice", "roster_commands.cmd_charges_add"
    )
    charges_sub = charges.add_subparsers(dest="action", required=True, metavar="ACTION")
    charge = charges_sub.add_parser(
        "add", help="a late pick-up, trip, uniform, ... billed on the child's next invoice"
    )
    charge.set_defaults(handler="roster_commands.cmd_charges_add")
    charge.add_argument("--child", required=True, metavar="REF")
    charge.add_argument("--type", required=True, metavar="LINE_TYPE", dest="line_type")
    charge.add_argument("--amount", required=True, metavar="150.00", help="in Rand")
    charge.add_argument("--date", required=True, type=iso_date, metavar="YYYY-MM-DD")
    charge.add_argument("--description", metavar="TEXT", type=one_line_text)
    charge.add_argument(
        "--vat",
        choices=["standard", "exempt"],
        type=str.lower,
        help="for AD_HOC charges only (default: standard)",
    )
    charge.add_argument("--json", action="store_true")

    enrolments = add("enrolments", "end a child's enrolment", "roster_commands.cmd_enrolments_end")
    enrolments_sub = enrolments.add_subparsers(dest="action", required=True, metavar="ACTION")
    end = enrolments_sub.add_parser("end", help="withdrawn or graduated: the last day billed")
    end.set_defaults(handler="roster_commands.cmd_enrolments_end")
    end.add_argument("--child", required=True, metavar="REF")
    end.add_argument("--date", required=True, type=iso_date, metavar="YYYY-MM-DD")
    end.add_argument("--status", required=True, choices=["WITHDRAWN", "GRADUATED"], type=str.upper)
    end.add_argument("--json", action="store_true")
