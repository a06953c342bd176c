"""Adding and editing the roster one thing at a time: households, children, enrolments.

``add`` takes every required value; ``edit`` changes only the options given
(``''`` clears an optional value) and leaves the rest as the book holds them.
Each calls the service the window's Households tab uses
(``services.roster_edit``), so a refusal is the same one line, with nothing
written.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import asdict, replace
from decimal import Decimal
from typing import Any

from crechebooks_desktop.cli.common import as_actor, check_day, open_book, parse_amount, print_json
from crechebooks_desktop.domain.roster import (
    ChildDetails,
    HouseholdDetails,
    RecurringExtra,
    StoredChild,
    StoredHousehold,
    parse_extras,
    parse_hours,
)
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.roster import children, enrolments, households
from crechebooks_desktop.services.roster.enrolments import EnrolmentForm, EnrolmentValue


def _print_household(args: argparse.Namespace, stored: StoredHousehold) -> None:
    if args.json:
        print_json({"household_id": stored.id, **asdict(stored.details)})
    else:
        d = stored.details
        print(f"{d.account_ref}: {d.parent_name}")


def cmd_households_add(args: argparse.Namespace) -> int:
    """``households add``: a new household."""
    details = HouseholdDetails(
        args.ref, args.parent, args.second_parent, args.email, args.phone, args.address
    )
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        stored = households.add_household(uow, actor, details)
    _print_household(args, stored)
    return 0


def cmd_households_edit(args: argparse.Namespace) -> int:
    """``households edit REF``: change the details given."""
    options = {
        "account_ref": args.ref,
        "parent_name": args.parent,
        "second_parent_name": args.second_parent,
        "email": args.email,
        "phone": args.phone,
        "address": args.address,
    }
    changes = {key: value for key, value in options.items() if value is not None}
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        current = households.find_household(uow, args.household).details
        stored = households.edit_household(uow, actor, args.household, replace(current, **changes))
    _print_household(args, stored)
    return 0


def _print_child(args: argparse.Namespace, child: StoredChild) -> None:
    d = child.details
    if args.json:
        print_json(
            {
                "child_id": child.id,
                "child_ref": d.child_ref,
                "first_name": d.first_name,
                "last_name": d.last_name,
                "date_of_birth": d.date_of_birth.isoformat() if d.date_of_birth else None,
            }
        )
    else:
        print(f"{d.child_ref}: {d.name}")


def cmd_children_add(args: argparse.Namespace) -> int:
    """``children add``: a child in a household."""
    details = ChildDetails(args.ref, args.first_name, args.last_name, args.dob)
    today = dt.date.today()  # noqa: DTZ011 - the creche's own calendar day
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        child = children.add_child(uow, actor, args.household, details, today)
    _print_child(args, child)
    return 0


def cmd_children_edit(args: argparse.Namespace) -> int:
    """``children edit REF``: change the reference, names or date of birth given."""
    today = dt.date.today()  # noqa: DTZ011 - the creche's own calendar day
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        d = children.find_child(uow, args.child).details
        wanted = ChildDetails(
            d.child_ref if args.ref is None else args.ref,
            d.first_name if args.first_name is None else args.first_name,
            d.last_name if args.last_name is None else args.last_name,
            vars(args).get("dob", d.date_of_birth),  # absent keeps it; '' cleared it
        )
        child = children.edit_child(uow, actor, args.child, wanted, today)
    _print_child(args, child)
    return 0


def _amount(text: str) -> int | None:
    return parse_amount(text, "--custom-amount") if text.strip() else None


def _hours(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return parse_hours(text)
    except ValueError as exc:
        raise UserFacingError(f"--hours: {exc}") from None


def _extras(text: str) -> tuple[RecurringExtra, ...]:
    extras, problems = parse_extras(text)
    if problems:
        raise UserFacingError(f"--extras: {'; '.join(problems)}")
    return extras


def _print_enrolment(args: argparse.Namespace, value: EnrolmentValue) -> None:
    if args.json:
        print_json(value.as_json())
        return
    t = value.terms
    until = f" to {t.end_date}" if t.end_date else ""
    ended = (
        f" (enrolment {value.ended_previous} ended the day before)" if value.ended_previous else ""
    )
    print(
        f"{value.child_ref}: enrolment {value.enrolment_id} on {value.fee_name} "
        f"from {t.start_date}{until}{ended}"
    )


def cmd_enrolments_add(args: argparse.Namespace) -> int:
    """``enrolments add``: enrol a child on a fee structure from a date."""
    form = EnrolmentForm(
        args.fee,
        check_day(args.start, "--start"),
        None if args.end is None else check_day(args.end, "--end"),
        None if args.custom_amount is None else _amount(args.custom_amount),
        None if args.hours is None else _hours(args.hours),
        () if args.extras is None else _extras(args.extras),
    )
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        value = enrolments.add_enrolment(uow, actor, args.child, form)
    _print_enrolment(args, value)
    return 0


def _edited(args: argparse.Namespace, current: EnrolmentValue) -> EnrolmentForm:
    t = current.terms
    changes: dict[str, Any] = {}
    if args.fee is not None:
        changes["fee_name"] = args.fee
    if args.start is not None:
        changes["start_date"] = check_day(args.start, "--start")
    if "end" in vars(args):  # absent keeps it; '' cleared it
        changes["end_date"] = args.end and check_day(args.end, "--end")
    if args.custom_amount is not None:
        changes["custom_amount_cents"] = _amount(args.custom_amount)
    if args.hours is not None:
        changes["hours_per_month"] = _hours(args.hours)
    if args.extras is not None:
        changes["extras"] = _extras(args.extras)
    form = EnrolmentForm(
        current.fee_name, t.start_date, t.end_date, t.custom_amount_cents, t.hours_per_month,
        t.extras,
    )  # fmt: skip
    return replace(form, **changes)


def _chosen(args: argparse.Namespace, history: list[EnrolmentValue]) -> EnrolmentValue:
    """The enrolment ``--enrolment`` names, else the child's latest."""
    ref = args.child.strip().upper()
    if args.enrolment is None:
        if not history:
            raise UserFacingError(f"{ref} has no enrolment to change")
        return max(history, key=lambda e: e.terms.start_date)
    for enrolment in history:
        if enrolment.enrolment_id == args.enrolment:
            return enrolment
    raise UserFacingError(f"--enrolment: {ref} has no enrolment {args.enrolment}")


def cmd_enrolments_edit(args: argparse.Namespace) -> int:
    """``enrolments edit --child REF``: change the terms given of the child's enrolment."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        current = _chosen(args, enrolments.child_enrolments(uow, args.child))
        value = enrolments.edit_enrolment(uow, actor, current.enrolment_id, _edited(args, current))
    _print_enrolment(args, value)
    return 0
