"""The roster's commands: fee and roster imports, ad-hoc charges, ending enrolments.

A file is read and checked before the book is opened; its rows are then
checked against the book and written in one transaction. A refused file
prints every problem on standard error, one per line (``FILE:LINE: field:
message``), and exits 1 with nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from crechebooks_desktop.cli.common import (
    as_actor,
    check_day,
    open_book,
    parse_amount,
    print_json,
)
from crechebooks_desktop.domain.enums import EnrolmentStatus, VatTreatment
from crechebooks_desktop.domain.roster import charge_line_type
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers import fees_csv, roster_csv
from crechebooks_desktop.services.roster import charges_and_endings as roster
from crechebooks_desktop.services.roster import file_import, offboarding
from crechebooks_desktop.services.roster.file_import import ImportSummary


def _counts(summary: ImportSummary) -> dict[str, int]:
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }


def _described(summary: ImportSummary, noun: str) -> str:
    return (
        f"{summary.total} {noun} ({summary.created} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged)"
    )


def cmd_fees_import(args: argparse.Namespace) -> int:
    """``fees import FILE``: create or update fee structures by name."""
    parsed = fees_csv.read_fees(Path(args.file), args.file)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        summary = file_import.import_fees(uow, actor, parsed.rows, parsed.file, parsed.problems)
    if args.json:
        print_json({"file": parsed.file, "fees": _counts(summary)})
    else:
        print(f"imported {parsed.file}: {_described(summary, 'fees')}")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    """``roster import FILE``: households, children and enrolments by reference."""
    parsed = roster_csv.read_roster(Path(args.file), args.file)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        summary = file_import.import_roster(uow, actor, parsed.rows, parsed.file, parsed.problems)
    if args.json:
        print_json(
            {
                "file": parsed.file,
                "households": _counts(summary.households),
                "children": _counts(summary.children),
                "enrolments": _counts(summary.enrolments),
                "enrolments_ended": summary.ended,
            }
        )
        return 0
    ended = f"; {summary.ended} earlier enrolment(s) ended" if summary.ended else ""
    print(
        f"imported {parsed.file}: {_described(summary.households, 'households')}, "
        f"{_described(summary.children, 'children')}, "
        f"{_described(summary.enrolments, 'enrolments')}{ended}"
    )
    return 0


def cmd_charges_add(args: argparse.Namespace) -> int:
    """``charges add``: a pending charge for the child's next invoice."""
    try:
        line_type = charge_line_type(args.line_type)
    except ValueError as exc:
        raise UserFacingError(f"--type: {exc}") from None
    amount = parse_amount(args.amount, "--amount")
    day = check_day(args.date, "--date")
    vat = VatTreatment(args.vat.upper()) if args.vat else None
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        charge = roster.add_charge(
            uow, actor, args.child, line_type, amount, day, args.description, vat
        )
    if args.json:
        print_json(
            {
                "charge_id": charge.charge_id,
                "child_ref": charge.child_ref,
                "line_type": charge.line_type.value,
                "amount_cents": charge.amount_cents,
                "charge_date": charge.charge_date.isoformat(),
                "vat_treatment": charge.vat_treatment.value if charge.vat_treatment else None,
            }
        )
    else:
        print(charge.charge_id)
    return 0


def cmd_enrolments_end(args: argparse.Namespace) -> int:
    """``enrolments end``: a child's last day, withdrawn or graduated.

    With ``--final-invoice``, ``--credit`` or ``--preview`` it is the offboarding of
    issue 13 (``services.roster.offboarding``); without them it only ends the enrolment.
    """
    day = check_day(args.date, "--date")
    offboarding_options = (
        args.final_invoice, args.credit, args.preview,
        args.refund_amount, args.refund_date, args.reason,
    )  # fmt: skip
    if any(offboarding_options):
        return _offboard(args, day)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        ended = roster.end_enrolment(uow, actor, args.child, day, EnrolmentStatus(args.status))
    if args.json:
        print_json(
            {
                "enrolment_id": ended.enrolment_id,
                "child_ref": ended.child_ref,
                "start_date": ended.start_date.isoformat(),
                "end_date": ended.end_date.isoformat(),
                "status": ended.status.value,
            }
        )
    else:
        print(
            f"{ended.child_ref}: enrolment from {ended.start_date} ended on {ended.end_date} "
            f"({ended.status.value})"
        )
    return 0


def _refund(args: argparse.Namespace, day: dt.date) -> offboarding.Refund | None:
    """The refund the options describe (REFUND only; the service refuses the rest)."""
    given = args.refund_amount or args.refund_date or args.reason
    if args.credit != "refund":
        if given:
            raise UserFacingError(
                "--refund-amount, --refund-date and --reason go with --credit refund"
            )
        return None
    amount = parse_amount(args.refund_amount, "--refund-amount") if args.refund_amount else None
    on = check_day(args.refund_date, "--refund-date") if args.refund_date else dt.date.today()  # noqa: DTZ011 - local
    reason = args.reason or f"{args.child.strip().upper()} left on {day}"
    return offboarding.Refund(on, reason, amount)


def _offboard(args: argparse.Namespace, day: dt.date) -> int:
    status = EnrolmentStatus(args.status)
    how: dict[str, Any] = {
        "final_invoice": args.final_invoice,
        "credit": offboarding.CreditAction(args.credit or "keep"),
        "refund": _refund(args, day),
    }
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        if args.preview:
            plan = offboarding.preview_offboarding(uow, actor, args.child, day, status, **how)
        else:
            done = offboarding.offboard(uow, actor, args.child, day, status, **how)
            plan = done.plan
    if args.json:
        print_json(plan.as_json() if args.preview else done.as_json())
        return 0
    if args.preview:
        print("Preview (nothing changed):")
    print("\n".join(plan.describe()))
    if not args.preview and done.invoice:
        print(f"Final invoice {done.invoice}.")
    return 0
