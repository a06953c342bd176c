"""Handlers of the rule commands: ``rules add/list/move/remove/from-line``."""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.accounts_commands import vat_type, vat_word
from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    parse_amount,
    parse_id,
    print_json,
    reading,
)
from crechebooks_desktop.cli.table import number, print_table, text
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.reconciliation import rules
from crechebooks_desktop.services.reconciliation.rules import RuleView


def _when(rule: RuleView) -> str:
    field = "" if rule.text_field == "any" else f"{rule.text_field} "
    said = []
    if rule.contains:
        said.append(f"{field}has {rule.contains!r}")
    if rule.starts:
        said.append(f"{field}starts {rule.starts!r}")
    if rule.regex:
        said.append(f"{field}matches /{rule.regex}/")
    if rule.amount_min_cents is not None:
        said.append(f"at least {format_rands(rule.amount_min_cents)}")
    if rule.amount_max_cents is not None:
        said.append(f"at most {format_rands(rule.amount_max_cents)}")
    if rule.direction:
        said.append(f"money {rule.direction}")
    if rule.bank_account:
        said.append(f"on {rule.bank_account}")
    return ", ".join(said)


def _then(rule: RuleView) -> str:
    vat = f" ({vat_word(rule.vat_type)})" if rule.vat_type else ""
    if rule.account is not None:
        return f"{rule.account[0]} {rule.account[1]}{vat}"
    shares = ", ".join(f"{code} {name} {bp / 100:g}%" for code, name, bp in rule.split)
    return f"split: {shares}{vat}"


def _show(rule: RuleView) -> str:
    return f"{rule.position:>3}. {rule.name}: {_when(rule)} -> {_then(rule)}"


def _print(args: argparse.Namespace, rule: RuleView, verb: str) -> int:
    if args.json:
        print_json(rule.as_json())
    else:
        print(f"{verb} rule {_show(rule).strip()}")
    return 0


def _split(texts: list[str] | None) -> list[tuple[str, str]] | None:
    if not texts:
        return None
    pairs = []
    for given in texts:
        code, sign, percent = given.partition("=")
        if not sign or not code.strip() or not percent.strip():
            raise UserFacingError(f"--split: expected CODE=PERCENT, e.g. 6300=60 (got {given!r})")
        pairs.append((code.strip(), percent.strip()))
    return pairs


def cmd_add(args: argparse.Namespace) -> int:
    """``rules add NAME --when-... --account CODE | --split CODE=PCT ...``."""
    low = parse_amount(args.when_amount_min, "--when-amount-min") if args.when_amount_min else None
    high = parse_amount(args.when_amount_max, "--when-amount-max") if args.when_amount_max else None
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        added = rules.add_rule(
            uow,
            actor,
            args.name,
            contains=args.when_text,
            starts=args.when_starts,
            regex=args.when_regex,
            text_field=args.when_field,
            amount_min_cents=low,
            amount_max_cents=high,
            direction=args.when_direction,
            bank_account_name=args.account_name,
            account_code=args.account,
            vat=vat_type(args.vat),
            split=_split(args.split),
            position=args.position,
        )
    return _print(args, added, "added")


def cmd_list(args: argparse.Namespace) -> int:
    """``rules list [--json]``."""
    with open_book(args) as book, reading(book, args) as uow:
        found = rules.list_rules(uow)
    if args.json:
        print_json({"rules": [r.as_json() for r in found]})
        return 0
    print_table(
        (
            number("#", lambda r: r.position),
            text("rule", lambda r: r.name),
            text("when", _when),
            text("then", _then),
        ),
        found,
    )
    print(f"{len(found)} rule(s); the first that matches a line wins")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    """``rules move NAME --position N``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        moved = rules.move_rule(uow, actor, args.name, args.position)
    return _print(args, moved, "moved")


def cmd_remove(args: argparse.Namespace) -> int:
    """``rules remove NAME``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        removed = rules.remove_rule(uow, actor, args.name)
    return _print(args, removed, "removed")


def cmd_from_line(args: argparse.Namespace) -> int:
    """``rules from-line LINE_ID [--save NAME]``."""
    line_id = parse_id(args.line_id, "LINE_ID")
    with open_book(args) as book:
        if args.save is not None:
            with as_actor(book, args) as (uow, actor):
                saved = rules.rule_from_line(uow, line_id).save(uow, actor, args.save)
            return _print(args, saved, "added")
        with reading(book, args) as uow:
            draft = rules.rule_from_line(uow, line_id)
    if args.json:
        print_json(draft.as_json())
    else:
        print(draft.as_command())
    return 0
