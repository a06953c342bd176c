"""Handlers of the matching commands: run, accept, link, reject, park, undo, list, aliases."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from crechebooks_desktop.cli.common import as_actor, open_book, parse_id, print_json, reading
from crechebooks_desktop.cli.table import Column, money, number, print_table, text
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.bank import payment_matching as matching
from crechebooks_desktop.services.bank import review_queue
from crechebooks_desktop.services.bank.payment_matching import DecidedLine
from crechebooks_desktop.services.reconciliation import links


def _who(line: DecidedLine) -> str:
    best = line.candidates[0] if line.candidates else None
    return line.household_ref or (f"{best['household_ref']}? ({best['score']})" if best else "")


_LINE_COLUMNS: tuple[Column[DecidedLine], ...] = (
    number("line", lambda d: d.line.id),
    text("date", lambda d: d.line.date.isoformat()),
    money("amount", lambda d: d.line.amount_cents),
    text("decision", lambda d: d.decision.value if d.decision else "-"),
    text("household", _who),
    text("description", lambda d: d.line.description[:40]),
)
# Shown after the date only when a line has a transaction date apart from it (issue 14):
# most banks give none, and their lists stay as they were.
_TRANSACTED: Column[DecidedLine] = text("transacted", lambda d: d.line.transaction_date)


def _line_columns(lines: Sequence[DecidedLine]) -> tuple[Column[DecidedLine], ...]:
    if not any(d.line.transaction_date for d in lines):
        return _LINE_COLUMNS
    return (*_LINE_COLUMNS[:2], _TRANSACTED, *_LINE_COLUMNS[2:])


def _done(args: argparse.Namespace, line: DecidedLine, verb: str) -> int:
    if args.json:
        print_json(line.as_json())
    else:
        print(f"bank line {line.line.id} {verb}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``match run``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        result = matching.run_matching(uow, actor)
    if args.json:
        print_json(result.as_json())
        return 0
    print_table(_line_columns(result.lines), result.lines)
    print(
        f"{len(result.lines)} line(s): {result.count(MatchOutcome.AUTO_APPLIED)} applied, "
        f"{result.count(MatchOutcome.REVIEW_REQUIRED)} to review, "
        f"{result.count(MatchOutcome.NO_MATCH)} with no match"
    )
    return 0


def _invoices(text: str | None) -> list[str] | None:
    if text is None:
        return None
    numbers = [n.strip() for n in text.split(",") if n.strip()]
    if not numbers:
        raise UserFacingError("--invoices: give invoice numbers separated by commas")
    return numbers


def cmd_accept(args: argparse.Namespace) -> int:
    """``match accept LINE_ID --household REF [--invoices N1,N2]``."""
    numbers = _invoices(args.invoices)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        line = matching.accept(
            uow,
            actor,
            parse_id(args.line_id, "LINE_ID"),
            args.household,
            numbers,
            new_payment=args.new_payment,
        )
    return _done(args, line, f"accepted for {line.household_ref} (payment {line.payment_id})")


def cmd_link(args: argparse.Namespace) -> int:
    """``match link LINE_ID --payment PAYMENT_ID`` or ``--refund ENTRY_ID``."""
    line_id = parse_id(args.line_id, "LINE_ID")
    if args.payment is not None:
        payment_id = parse_id(args.payment, "--payment")
        with open_book(args) as book, as_actor(book, args) as (uow, actor):
            line = links.link_payment(uow, actor, line_id, payment_id)
        return _done(
            args, line, f"linked to payment {payment_id} of {line.household_ref}: no new payment"
        )
    entry_id = parse_id(args.refund, "--refund")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        line = links.link_refund(uow, actor, line_id, entry_id)
    if args.json:
        print_json({**line.as_json(), "ledger_entry_id": entry_id})
        return 0
    print(f"bank line {line.line.id} linked to refund entry {entry_id} of {line.household_ref}")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    """``match reject LINE_ID``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        line = matching.reject(uow, actor, parse_id(args.line_id, "LINE_ID"))
    return _done(args, line, "rejected (not a household's money)")


def cmd_park(args: argparse.Namespace) -> int:
    """``match park LINE_ID --note TEXT``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        line = matching.park(uow, actor, parse_id(args.line_id, "LINE_ID"), args.note)
    return _done(args, line, "parked")


def cmd_undo(args: argparse.Namespace) -> int:
    """``match undo LINE_ID``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        line = review_queue.undo(uow, actor, parse_id(args.line_id, "LINE_ID"))
    verb = "joined again" if line.decision is None else "back in review"
    return _done(args, line, verb)


def cmd_list(args: argparse.Namespace) -> int:
    """``match list [--status S]``."""
    statuses = None if args.status == "all" else [BankLineStatus(args.status.upper())]
    with open_book(args) as book, reading(book, args) as uow:
        lines = review_queue.list_lines(uow, statuses)
    if args.json:
        print_json({"lines": [line.as_json() for line in lines]})
        return 0
    print_table(_line_columns(lines), lines)
    print(f"{len(lines)} line(s)")
    return 0


def _alias_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UserFacingError(f"--forget: an alias id is a number (got {text!r})") from None


def cmd_aliases(args: argparse.Namespace) -> int:
    """``match aliases [--forget ID] [--all]``."""
    if args.forget is not None:
        alias_id = _alias_id(args.forget)
        with open_book(args) as book, as_actor(book, args) as (uow, actor):
            gone = review_queue.forget_alias(uow, actor, alias_id)
        if args.json:
            print_json(gone.as_json())
        else:
            print(f"forgot alias {gone.id}: {gone.payer_key} -> {gone.household_ref}")
        return 0
    with open_book(args) as book, reading(book, args) as uow:
        found = review_queue.aliases(uow, include_forgotten=args.all)
    if args.json:
        print_json({"aliases": [a.as_json() for a in found]})
        return 0
    print_table(
        (
            number("id", lambda a: a.id),
            text("household", lambda a: a.household_ref),
            text("payer", lambda a: a.payer_key),
            text("learned", lambda a: f"{a.learned_on}{' (forgotten)' if a.forgotten else ''}"),
        ),
        found,
    )
    print(f"{len(found)} alias(es)")
    return 0
