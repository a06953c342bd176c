"""Handlers of ``statements show`` and ``arrears``.

The plain output is what the owner reads at the desk: the statement's lines
with their running balance and the aging boxes, or the arrears by age with
the households that owe most.
"""

from __future__ import annotations

import argparse
import datetime as dt

from crechebooks_desktop.cli.common import open_book, parse_day, print_json, reading
from crechebooks_desktop.domain.aging import AgingSummary
from crechebooks_desktop.domain.dates import period_named
from crechebooks_desktop.domain.household_statement import StatementOf
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.household_statements import arrears as arrears_service
from crechebooks_desktop.services.household_statements.statement import Period, household_statement

_SHOWN = 10


def parse_period(args: argparse.Namespace) -> Period:
    """The period from ``--from/--to`` or one of ``--month``, ``--quarter``, ``--year``."""
    named = [(o, v) for o, v in (("--month", args.month), ("--quarter", args.quarter),
                                 ("--year", args.year)) if v]  # fmt: skip
    dates = args.date_from or args.date_to
    if len(named) + bool(dates) != 1:
        raise UserFacingError(
            "give the period once: --from D --to D, or --month YYYY-MM, --quarter YYYY-Qn "
            "or --year YYYY"
        )
    if named:
        option, text = named[0]
        try:
            first, last = period_named(text)
        except ValueError as exc:
            raise UserFacingError(f"{option}: {exc}") from None
        return Period(first, last)
    if not (args.date_from and args.date_to):
        raise UserFacingError("give both --from and --to")
    return Period(
        parse_day(args.date_from, "--from", warn=False), parse_day(args.date_to, "--to", warn=False)
    )


def aging_text(aging: AgingSummary) -> str:
    """The four boxes on one line."""
    return (
        f"Current {format_rands(aging.current_cents)}   30 days {format_rands(aging.days_30_cents)}"
        f"   60 days {format_rands(aging.days_60_cents)}"
        f"   90+ days {format_rands(aging.days_90_plus_cents)}"
    )


def print_statement(statement: StatementOf) -> None:
    """A statement as plain text."""
    party = statement.party
    whose = f"{party.household_ref} ({party.parent_name})"
    if party.child_ref:
        whose += f", child {party.child_ref} ({party.child_name})"
    kind = {"household": "Statement", "child": "Child's statement", "open-items": "Open items"}
    print(
        f"{kind[statement.kind]} for {whose}, "
        f"{statement.date_from.isoformat()} to {statement.date_to.isoformat()}"
    )
    if statement.kind != "open-items":
        brought = format_rands(statement.opening_cents)
        print(f"  {'':<10}  {'Balance brought forward':<44}{brought:>32}")
    for line in statement.lines:
        text = f"{line.description}"[:44]
        print(
            f"  {line.date.isoformat():<10}  {text:<44}{format_rands(line.amount_cents):>16}"
            f"{format_rands(line.balance_cents):>16}"
        )
    print(f"  {'':<10}  {'Closing balance':<44}{format_rands(statement.closing_cents):>32}")
    print(f"Aging at {statement.date_to.isoformat()}: {aging_text(statement.aging)}")
    if statement.credit_cents:
        print(f"Credit held, not yet applied: {format_rands(statement.credit_cents)}")
    print(f"Payment reference: {statement.payment_reference}")


def cmd_show(args: argparse.Namespace) -> int:
    """``statements show --household REF [--child REF] PERIOD [--open-items] [--json]``."""
    period = parse_period(args)
    with open_book(args) as book, reading(book, args) as uow:
        statement = household_statement(
            uow, args.household, period, child_ref=args.child, open_items=args.open_items
        )
    if args.json:
        print_json(statement.as_json())
    else:
        print_statement(statement)
    return 0


def cmd_arrears(args: argparse.Namespace) -> int:
    """``arrears [--as-of D] [--all] [--json]``."""
    as_of = parse_day(args.as_of, "--as-of", warn=False) if args.as_of else dt.date.today()  # noqa: DTZ011
    with open_book(args) as book, reading(book, args) as uow:
        report = arrears_service.arrears_report(uow, as_of)
    if args.json:
        print_json(report.as_json())
        return 0
    total = format_rands(report.total_outstanding_cents)
    print(f"Arrears at {as_of.isoformat()}: {total} on {len(report.invoices)} invoice(s) "
          f"of {len(report.debtors)} household(s)")  # fmt: skip
    print(f"  {aging_text(report.aging)}")
    debtors = report.debtors if args.all else report.top_debtors
    print("Households that owe most:" if not args.all else "Households that owe:")
    for debtor in debtors:
        print(
            f"  {debtor.household_ref:<12} {debtor.name[:28]:<28}"
            f"{format_rands(debtor.outstanding_cents):>16}  oldest due "
            f"{debtor.oldest_due_date.isoformat()} ({debtor.days_overdue} days)"
        )
    if not args.all and len(report.debtors) > len(debtors):
        print(f"  ... and {len(report.debtors) - len(debtors)} more (--all lists them)")
    if report.credits:
        held = sum(c.credit_cents for c in report.credits)
        print(f"Credit held beside the arrears: {format_rands(held)} "
              f"for {len(report.credits)} household(s)")  # fmt: skip
        for credit in report.credits[: None if args.all else _SHOWN]:
            print(f"  {credit.household_ref:<12} {credit.name[:28]:<28}"
                  f"{format_rands(credit.credit_cents):>16}")  # fmt: skip
    return 0
