"""Handlers of the money-in commands: payments, credits, adjust, balances, ledger.

Each change is one transaction through the services (audited there); input is
checked before the book is opened where it can be, and a refusal is one line
on standard error with nothing written. ``--json`` prints integer ``*_cents``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    parse_amount,
    parse_day,
    parse_id,
    print_json,
    reading,
)
from crechebooks_desktop.cli.table import money, print_table, text
from crechebooks_desktop.domain.bank import BankLineRecord
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers import balances_csv
from crechebooks_desktop.services.ledger import adjustments, payments
from crechebooks_desktop.services.ledger import credits as household_credit
from crechebooks_desktop.services.ledger import household_balances as balances
from crechebooks_desktop.services.ledger import posting as ledger
from crechebooks_desktop.services.reconciliation import links

# A payment's allocations are written NUMBER=AMOUNT; amounts may carry commas.
_PAIR = "="


def parse_allocation(text: str) -> list[tuple[str, int]] | None:
    """``auto`` -> None; ``INV-1=1500.00,INV-2=250,00`` -> [(number, cents), ...].

    The pairs are split at commas, and a piece without ``=`` is the rest of
    the amount before it, so amounts written with a decimal comma or with
    thousands commas (``1,500.00``) survive.

    Raises:
        UserFacingError: not ``auto`` and not a list of NUMBER=AMOUNT pairs.
    """
    if text.strip().lower() == "auto":
        return None
    pieces: list[str] = []
    for piece in text.split(","):
        if _PAIR in piece or not pieces:
            pieces.append(piece)
        else:
            pieces[-1] += "," + piece
    pairs = []
    for piece in pieces:
        number, sep, amount = piece.partition(_PAIR)
        if not sep or not number.strip() or not amount.strip():
            raise UserFacingError(
                f"--allocate: expected auto or NUMBER=AMOUNT,... (got {piece.strip()!r})"
            )
        pairs.append((number.strip(), parse_amount(amount, f"--allocate {number.strip()}")))
    return pairs


def cmd_add(args: argparse.Namespace) -> int:
    """``payments add``: record money received and allocate it."""
    amount = parse_amount(args.amount, "--amount")
    day = parse_day(args.date, "--date")
    requested = parse_allocation(args.allocate)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        paid = payments.add_payment(
            uow,
            actor,
            args.household,
            amount,
            day,
            PaymentMethod(args.method),
            args.reference,
            requested,
        )
        waiting = links.waiting_lines_like(uow, paid.household_ref, amount, day)
    if args.json:
        # ``waiting_lines`` only when a line waits: the output is otherwise as it always was.
        found = {"waiting_lines": [_waiting(w, paid) for w in waiting]} if waiting else {}
        print_json({**paid.as_json(), **found})
        return 0
    print(f"payment {paid.payment_id}: {format_rands(amount)} from {paid.household_ref}")
    for a in paid.allocations:
        print(f"  {a.number:<18} {format_rands(a.cents):>14}  {a.status_after.value}")
    if paid.credit_cents:
        print(f"  {'to credit':<18} {format_rands(paid.credit_cents):>14}")
    for line in waiting:
        print(
            f"note: bank line {line.id} ({format_rands(line.amount_cents)} on "
            f"{line.date.isoformat()}, {line.description!r}) looks like this payment and is "
            f"waiting ({line.status.value}); link them so the money is counted once:\n"
            f"  {_link_command(line, paid)}"
        )
    return 0


def _link_command(line: BankLineRecord, paid: payments.RecordedPayment) -> str:
    return f"crechebooks match link {line.id} --payment {paid.payment_id}"


def _waiting(line: BankLineRecord, paid: payments.RecordedPayment) -> dict[str, object]:
    """A bank line that looks like the payment, as ``payments add --json`` lists it."""
    return {
        "line_id": line.id,
        "date": line.date.isoformat(),
        "amount_cents": line.amount_cents,
        "description": line.description,
        "status": line.status.value,
        "link_command": _link_command(line, paid),
    }


def cmd_reverse(args: argparse.Namespace) -> int:
    """``payments reverse PAYMENT_ID --reason TEXT``."""
    payment_id = parse_id(args.payment_id, "PAYMENT_ID")
    day = parse_day(args.date, "--date") if args.date else None
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        undone = payments.reverse_payment(uow, actor, payment_id, args.reason, day)
    if args.json:
        print_json(undone.as_json())
        return 0
    print(
        f"reversed payment {undone.payment_id} ({format_rands(undone.amount_cents)}) "
        f"of {undone.household_ref}"
    )
    for inv in undone.invoices:
        print(f"  {inv.number:<18} {format_rands(inv.cents):>14}  {inv.status_after.value}")
    if undone.credit_taken_cents:
        print(f"  {'from credit':<18} {format_rands(undone.credit_taken_cents):>14}")
    return 0


def cmd_credits_apply(args: argparse.Namespace) -> int:
    """``credits apply --household REF``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        used = household_credit.apply_household_credit(uow, actor, args.household)
    if args.json:
        print_json(used.as_json())
        return 0
    if not used.applied:
        print(
            f"{used.household_ref}: nothing applied "
            f"(unused credit {format_rands(used.credit_cents)})"
        )
        return 0
    print(f"{used.household_ref}: applied {format_rands(used.applied_cents)} of credit")
    for a in used.applied:
        print(f"  {a.number:<18} {format_rands(a.cents):>14}  {a.status_after.value}")
    print(f"  unused credit left {format_rands(used.credit_cents)}")
    return 0


def cmd_credits_refund(args: argparse.Namespace) -> int:
    """``credits refund --household REF --amount X --date D --reason TEXT``."""
    amount = parse_amount(args.amount, "--amount")
    day = parse_day(args.date, "--date")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        refund = household_credit.refund_credit(
            uow, actor, args.household, amount, day, args.reason
        )
    if args.json:
        print_json(refund.as_json())
    else:
        print(
            f"{refund.household_ref}: refunded {format_rands(amount)}; unused credit left "
            f"{format_rands(refund.credit_cents)}"
        )
    return 0


def cmd_adjust(args: argparse.Namespace) -> int:
    """``adjust --household REF --amount X --date D --reason TEXT``."""
    amount = parse_amount(args.amount, "--amount")
    day = parse_day(args.date, "--date")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        done = adjustments.adjust_balance(uow, actor, args.household, amount, day, args.reason)
    if args.json:
        print_json(done.as_json())
        return 0
    what = f"invoice {done.invoice}" if done.invoice else "a reduction"
    print(
        f"{done.household_ref}: adjusted by {format_rands(amount)} ({what}); balance now "
        f"{format_rands(done.balance_cents)}"
    )
    return 0


def cmd_balances(args: argparse.Namespace) -> int:
    """``balances [--as-of D]``: every household's position."""
    as_of = parse_day(args.as_of, "--as-of", warn=False) if args.as_of else None
    with open_book(args) as book, reading(book, args) as uow:
        found = balances.household_balances(uow, as_of)
    if args.json:
        print_json({"households": [b.as_json() for b in found]})
        return 0
    print_table(
        (
            text("household", lambda b: b.household_ref),
            money("balance", lambda b: b.balance_cents),
            money("outstanding", lambda b: b.outstanding_cents),
            money("credit", lambda b: b.credit_cents),
        ),
        found,
    )
    print(f"{len(found)} household(s)")
    return 0


def cmd_balances_import(args: argparse.Namespace) -> int:
    """``balances import FILE.csv``: opening balances, all or nothing."""
    parsed = balances_csv.read_balances(Path(args.file), args.file)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        done = balances.import_opening_balances(
            uow, actor, parsed.rows, parsed.file, parsed.problems
        )
    if args.json:
        print_json({"file": parsed.file, "balances": [b.as_json() for b in done]})
    else:
        total = sum(b.amount_cents for b in done)
        print(f"imported {parsed.file}: {len(done)} opening balance(s), {format_rands(total)}")
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    """``ledger --household REF [--from D] [--to D]``: by date, with the running balance.

    With ``--from`` the first line is the balance brought forward, so the last
    running balance is always the household's balance at the end of ``--to``.
    """
    date_from = parse_day(args.date_from, "--from", warn=False) if args.date_from else None
    date_to = parse_day(args.date_to, "--to", warn=False) if args.date_to else None
    with open_book(args) as book, reading(book, args) as uow:
        statement = ledger.household_ledger(uow, args.household, date_from, date_to)
    if args.json:
        print_json(statement.as_json())
        return 0
    rows: list[tuple[str, str, int | None, int, str]] = []
    if statement.date_from is not None:
        opening = statement.opening_balance_cents
        rows.append((statement.date_from.isoformat(), "", None, opening, "Balance brought forward"))
    rows += [
        (
            e.entry_date.isoformat(),
            e.entry_type.value,
            e.amount_cents,
            e.running_balance_cents,
            e.description,
        )
        for e in statement.lines
    ]
    print_table(
        (
            text("date", lambda r: r[0]),
            text("type", lambda r: r[1]),
            money("amount", lambda r: r[2]),
            money("balance", lambda r: r[3]),
            text("description", lambda r: r[4]),
        ),
        rows,
    )
    count = len(statement.lines)
    print(f"{count} entr{'y' if count == 1 else 'ies'}")
    return 0
