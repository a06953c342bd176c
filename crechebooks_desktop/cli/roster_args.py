"""Grammar of the roster's commands: fees, roster, charges, households, children, enrolments.

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


def _offboarding(end: argparse.ArgumentParser) -> None:
    """The offboarding of issue 13: final invoice, the household's credit, a preview."""
    end.add_argument(
        "--final-invoice",
        action="store_true",
        help="bill the month of the last day pro-rata (or, when it is already billed, "
        "credit the days not attended)",
    )
    end.add_argument(
        "--credit",
        choices=["keep", "apply", "refund"],
        type=str.lower,
        help="the household's unused credit: keep it (default), apply it to the open "
        "invoices and the final one (sent for that), or apply it and refund the rest",
    )
    end.add_argument(
        "--refund-amount", metavar="AMOUNT", help="in Rand (default: all the credit left)"
    )
    end.add_argument("--refund-date", type=iso_date, metavar="YYYY-MM-DD", help="default: today")
    end.add_argument(
        "--reason", type=one_line_text, metavar="TEXT", help="why the credit is refunded"
    )
    end.add_argument("--preview", action="store_true", help="say what would happen; change nothing")


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

    _households(add)
    _children(add)
    enrolments = add(
        "enrolments",
        "enrol a child, change or end an enrolment",
        "roster_edit_commands.cmd_enrolments_add",
    )
    enrolments_sub = enrolments.add_subparsers(dest="action", required=True, metavar="ACTION")
    _enrolment_add(enrolments_sub)
    _enrolment_edit(enrolments_sub)
    end = enrolments_sub.add_parser("end", help="withdrawn or graduated: the last day billed")
    end.set_defaults(handler="roster_commands.cmd_enrolments_end")
    end.add_argument("--child", required=True, metavar="REF")
    end.add_argument("--date", required=True, type=iso_date, metavar="YYYY-MM-DD")
    end.add_argument("--status", required=True, choices=["WITHDRAWN", "GRADUATED"], type=str.upper)
    _offboarding(end)
    end.add_argument("--json", action="store_true")


def optional_date(text: str) -> dt.date | None:
    """An ISO date, or blank ("") to clear one.

    Raises:
        argparse.ArgumentTypeError: anything else.
    """
    return iso_date(text) if text.strip() else None


_CLEARS = "; '' clears it"


def _household_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    clears = "" if adding else _CLEARS
    parser.add_argument(
        "--parent", required=adding, metavar="NAME", type=one_line_text, help="parent or guardian"
    )
    parser.add_argument("--second-parent", metavar="NAME", type=one_line_text, help=clears[2:])
    parser.add_argument("--email", type=one_line_text, help=clears[2:])
    parser.add_argument("--phone", type=one_line_text, help=clears[2:])
    parser.add_argument("--address", type=one_line_text, help=clears[2:])
    parser.add_argument("--json", action="store_true")


def _households(add: AddCommand) -> None:
    households = add(
        "households",
        "add a household or change its details",
        "roster_edit_commands.cmd_households_add",
    )
    sub = households.add_subparsers(dest="action", required=True, metavar="ACTION")
    adding = sub.add_parser("add", help="a new household (family account)")
    adding.set_defaults(handler="roster_edit_commands.cmd_households_add")
    adding.add_argument(
        "--ref",
        required=True,
        metavar="REF",
        type=one_line_text,
        help="account reference, e.g. DLAMINI01",
    )
    _household_options(adding, adding=True)
    edit = sub.add_parser("edit", help="change a household's details (only those given)")
    edit.set_defaults(handler="roster_edit_commands.cmd_households_edit")
    edit.add_argument("household", metavar="REF", help="the household's account reference")
    edit.add_argument("--ref", metavar="NEW_REF", type=one_line_text, help="a new reference")
    _household_options(edit, adding=False)


def _children(add: AddCommand) -> None:
    children = add(
        "children",
        "add a child to a household or change a child's details",
        "roster_edit_commands.cmd_children_add",
    )
    sub = children.add_subparsers(dest="action", required=True, metavar="ACTION")
    adding = sub.add_parser("add", help="a child in a household")
    adding.set_defaults(handler="roster_edit_commands.cmd_children_add")
    adding.add_argument("--household", required=True, metavar="REF")
    adding.add_argument(
        "--ref",
        metavar="REF",
        type=one_line_text,
        default="",
        help="the child's reference (default: HOUSEHOLD-n, the next free n)",
    )
    adding.add_argument("--first-name", required=True, metavar="NAME", type=one_line_text)
    adding.add_argument("--last-name", required=True, metavar="NAME", type=one_line_text)
    adding.add_argument("--dob", type=iso_date, metavar="YYYY-MM-DD", help="date of birth")
    adding.add_argument("--json", action="store_true")
    edit = sub.add_parser("edit", help="change a child's reference, names or date of birth")
    edit.set_defaults(handler="roster_edit_commands.cmd_children_edit")
    edit.add_argument("child", metavar="REF", help="the child's reference")
    edit.add_argument("--ref", metavar="NEW_REF", type=one_line_text, help="a new reference")
    edit.add_argument("--first-name", metavar="NAME", type=one_line_text)
    edit.add_argument("--last-name", metavar="NAME", type=one_line_text)
    edit.add_argument(
        "--dob", type=optional_date, metavar="YYYY-MM-DD", help="date of birth" + _CLEARS
    )
    edit.add_argument("--json", action="store_true")


def _enrolment_terms(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    clears = "" if adding else _CLEARS
    parser.add_argument("--fee", required=adding, metavar="NAME", help="the fee structure's name")
    parser.add_argument("--start", required=adding, type=iso_date, metavar="YYYY-MM-DD")
    parser.add_argument(
        "--end",
        type=iso_date if adding else optional_date,
        default=None if adding else argparse.SUPPRESS,
        metavar="YYYY-MM-DD",
        help="the last day (inclusive)" + clears,
    )
    parser.add_argument(
        "--custom-amount",
        metavar="4850.00",
        help="monthly amount of a CUSTOM fee, in Rand" + clears,
    )
    parser.add_argument("--hours", metavar="40", help="hours a month on an HOURLY fee" + clears)
    parser.add_argument(
        "--extras",
        metavar="TYPE:AMOUNT[:TEXT];...",
        help="recurring extras, e.g. EXTRA_MURAL:250.00:Swimming" + clears,
    )
    parser.add_argument("--json", action="store_true")


def _enrolment_add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    adding = sub.add_parser(
        "add", help="enrol a child from a date (a running enrolment ends the day before)"
    )
    adding.set_defaults(handler="roster_edit_commands.cmd_enrolments_add")
    adding.add_argument("--child", required=True, metavar="REF")
    _enrolment_terms(adding, adding=True)


def _enrolment_edit(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = sub.add_parser("edit", help="change an enrolment's terms (only those given)")
    edit.set_defaults(handler="roster_edit_commands.cmd_enrolments_edit")
    edit.add_argument("--child", required=True, metavar="REF")
    edit.add_argument(
        "--enrolment",
        type=int,
        metavar="ID",
        help="which of the child's enrolments (default: the latest)",
    )
    _enrolment_terms(edit, adding=False)
