"""Handlers of the bank commands: accounts, statement import, gaps, split.

A statement is read and checked whole before anything is written: a file that
cannot be read is refused with ``FILE:LINE: message`` and nothing is written.
The file's bytes are read before the book is opened (a missing file is said
first); the CSV profiles the creche saved live in the book (issue 14), so the
book is opened and they are read in a short read transaction, then the file
is parsed outside any transaction, then its lines are written in one.
"""

from __future__ import annotations

import argparse
import sys
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
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.cli.table import money, number, print_table, text
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.importers.bank.layouts import digest, file_bytes, read_statement_using
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import gaps
from crechebooks_desktop.services.bank.csv_profiles import saved_mappings


def cmd_accounts_add(args: argparse.Namespace) -> int:
    """``bank accounts add --name NAME [--bank B] [--number N] [--opening-balance X --as-of D]``."""
    opening = parse_amount(args.opening_balance, "--opening-balance") if args.opening_balance else 0
    as_of = parse_day(args.as_of, "--as-of") if args.as_of else None
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        account = bank.add_account(uow, actor, args.name, args.bank, args.number, opening, as_of)
    if args.json:
        print_json(account.as_json())
    else:
        print(f"bank account {account.id}: {account.name} ({account.bank})")
    return 0


def cmd_accounts_list(args: argparse.Namespace) -> int:
    """``bank accounts list``."""
    with open_book(args) as book, reading(book, args) as uow:
        accounts = bank.list_accounts(uow)
    if args.json:
        print_json({"accounts": [a.as_json() for a in accounts]})
        return 0
    print_table(
        (
            number("id", lambda a: a.id),
            text("name", lambda a: a.name),
            text("bank", lambda a: a.bank),
            number("lines", lambda a: a.line_count),
            money("balance", lambda a: a.balance_cents),
            text("last line", lambda a: a.last_line_date or "no lines yet"),
            text("status", lambda a: "closed" if a.closed else "open"),
        ),
        accounts,
    )
    print(f"{len(accounts)} account(s)")
    return 0


def cmd_accounts_rename(args: argparse.Namespace) -> int:
    """``bank accounts rename --name NAME --to NEW_NAME``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        account = bank.rename_account(uow, actor, args.name, args.to)
    if args.json:
        print_json(account.as_json())
    else:
        print(f"bank account {account.id} is now named {account.name}")
    return 0


def cmd_accounts_close(args: argparse.Namespace) -> int:
    """``bank accounts close --name NAME``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        account = bank.close_account(uow, actor, args.name)
    if args.json:
        print_json(account.as_json())
    else:
        print(f"closed {account.name}: it takes no more statements; its lines are kept")
    return 0


def cmd_accounts_reopen(args: argparse.Namespace) -> int:
    """``bank accounts reopen --name NAME``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        account = bank.reopen_account(uow, actor, args.name)
    if args.json:
        print_json(account.as_json())
    else:
        print(f"reopened {account.name}: it takes statements again")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``bank import FILE --account NAME [--format F] [--profile NAME]``."""
    file_format = "ofx" if args.format == "qfx" else args.format
    data = file_bytes(Path(args.file), args.file)
    with open_book(args) as book:
        with reading(book, args) as uow:
            saved = saved_mappings(uow)
        statement = read_statement_using(
            data, args.file, file_format=file_format, profile=args.profile, saved=saved
        )
        with as_actor(book, args) as (uow, actor):
            result = bank.import_statement(uow, actor, args.account, statement, digest(data))
    if args.json:
        print_json(result.as_json())
        return 0
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    layout = result.bank or result.profile
    kind = result.file_format + (f", {layout}" if layout else "")
    print(
        f"{args.file} ({kind}) into {result.account}: {len(result.imported)} line(s) imported, "
        f"{result.duplicates} already there"
    )
    money_in = sum(line.amount_cents for line in result.imported if line.amount_cents > 0)
    money_out = sum(line.amount_cents for line in result.imported if line.amount_cents < 0)
    if result.imported:
        print(f"  money in {format_rands(money_in)}, money out {format_rands(-money_out)}")
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    """``bank gaps --account NAME``: one line per gap and per break, or ``no gaps``.

    ``--json`` prints ``GapsReport.as_json`` (``services.bank.gaps``): ``{"account",
    "imports", "first_day", "last_day", "allowed_days", "gaps": [{"from", "to", "days",
    "previous_file", "next_file"}], "breaks": [{"previous_file", "previous_end",
    "previous_closing_cents", "file", "start", "opening_cents", "between_cents",
    "expected_cents", "difference_cents"}], "unchecked": [file, ...]}``; a
    ``previous_file`` of null is the account's opening balance.
    """
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        with book.read(creche.tenant_id) as uow:
            report = gaps.find_gaps(uow, actor, args.account)
    if args.json:
        print_json(report.as_json())
        return 0
    for gap in report.gaps:
        after = gap.previous_file or "the opening balance"
        print(
            f"gap: {gap.start} to {gap.end} ({gap.days} days): no statement between "
            f"{after} and {gap.next_file}"
        )
    for found in report.breaks:
        print(_break_line(found))
    if not report.gaps and not report.breaks:
        span = f", {report.first_day} to {report.last_day}" if report.imports else ""
        print(f"no gaps in {report.account} ({report.imports} import(s){span})")
    if report.unchecked:
        print(
            f"not checked (no opening balance in the file, or no closing balance before it): "
            f"{', '.join(report.unchecked)}"
        )
    return 0


def _break_line(found: gaps.BalanceBreak) -> str:
    """``break: FILE opens DAY with R X, but PREVIOUS closes DAY with R Y: a difference of R Z``."""
    closing = format_rands(found.previous_closing_cents)
    previous = (
        f"{found.previous_file} closes {found.previous_end} with {closing}"
        if found.previous_file
        else f"the account's opening balance on {found.previous_end} is {closing}"
    )
    if found.between_cents:
        previous += f" ({format_rands(found.expected_cents)} with the lines between those days)"
    return (
        f"break: {found.file} opens {found.start} with {format_rands(found.opening_cents)}, "
        f"but {previous}: a difference of {format_rands(found.difference_cents)}"
    )


def cmd_split(args: argparse.Namespace) -> int:
    """``bank split LINE_ID --part X --part Y ...``."""
    parts = [parse_amount(text, "--part") for text in args.part]
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        result = bank.split_line(uow, actor, parse_id(args.line_id, "LINE_ID"), parts)
    if args.json:
        print_json(result.as_json())
        return 0
    print(f"bank line {result.line_id} split into {len(result.parts)} parts:")
    for part in result.parts:
        print(f"  line {part.id:>6}  {format_rands(part.amount_cents):>14}")
    return 0
