"""Handler of ``categorise``: one line, a run, learned choices, clearing.

``categorise`` takes a line id or a word first (``categorise_args``); this
module tells them apart.
"""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.accounts_commands import vat_type, vat_word
from crechebooks_desktop.cli.categorise_args import CATEGORISE_WORDS
from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    parse_amount,
    parse_id,
    print_json,
    reading,
)
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.reconciliation import categorise
from crechebooks_desktop.services.reconciliation.categorise import CategorisedLine

_LINE_OPTIONS = ("account", "vat", "part")


def _only(args: argparse.Namespace, word: str, *, takes_rest: bool = False) -> None:
    """Refuse what ``categorise WORD`` does not take."""
    given = [f"--{name}" for name in _LINE_OPTIONS if getattr(args, name)]
    if given:
        raise UserFacingError(f"categorise {word} takes no {', '.join(given)}")
    if args.rest and not takes_rest:
        raise UserFacingError(f"categorise {word} takes nothing more (got {' '.join(args.rest)!r})")


def _parts(texts: list[str]) -> list[tuple[str, int]]:
    parts = []
    for text in texts:
        code, sign, amount = text.partition("=")
        if not sign or not code.strip():
            raise UserFacingError(f"--part: expected CODE=AMOUNT, e.g. 5100=300.00 (got {text!r})")
        parts.append((code.strip(), parse_amount(amount, "--part")))
    return parts


def _shown(done: CategorisedLine) -> None:
    line = done.line
    print(
        f"bank line {line.id} ({format_rands(line.amount_cents)}, {line.description}): "
        f"{line.status.value}"
    )
    for part in done.parts:
        vat = f", VAT {format_rands(part.vat_cents)}" if part.vat_cents else ""
        print(
            f"  {part.account_code} {part.account_name}: {format_rands(part.amount_cents)} "
            f"({vat_word(part.vat_type)}{vat})"
        )


def cmd_categorise(args: argparse.Namespace) -> int:
    """``categorise LINE_ID|run|learned|forget KEY|clear LINE_ID``."""
    word = args.target.strip().lower()
    handlers = {"run": _run, "learned": _learned, "forget": _forget, "clear": _clear}
    if word in handlers:
        return handlers[word](args)
    if not word.isdigit():
        raise UserFacingError(
            f"categorise {args.target!r}: give a LINE_ID or one of {', '.join(CATEGORISE_WORDS)}"
        )
    return _line(args)


def _line(args: argparse.Namespace) -> int:
    line_id = parse_id(args.target, "LINE_ID")
    if args.rest:
        raise UserFacingError(
            f"categorise {line_id} takes nothing more (got {' '.join(args.rest)!r})"
        )
    if (args.account is None) == (not args.part):
        raise UserFacingError(
            f"categorise {line_id}: give --account CODE, or --part CODE=AMOUNT for each part"
        )
    parts = _parts(args.part) if args.part else None
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        done = categorise.categorise_line(
            uow, actor, line_id, account_code=args.account, vat=vat_type(args.vat), parts=parts
        )
    if args.json:
        print_json(done.as_json())
    else:
        _shown(done)
    return 0


def _run(args: argparse.Namespace) -> int:
    _only(args, "run")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        result = categorise.run(uow, actor)
    if args.json:
        print_json(result.as_json())
        return 0
    for s in result.for_review:
        print(
            f"  review line {s.line_id}: {s.account_code} {s.account_name}? "
            f"({s.confidence}%: {s.reason})"
        )
    print(
        f"{result.considered} uncategorised line(s): {result.by_rule} by rule, "
        f"{result.by_learning} from learned choices, {len(result.for_review)} left for review, "
        f"{result.left} with nothing to go by"
        + (f"; {result.locked} in locked periods left alone" if result.locked else "")
    )
    return 0


def _learned(args: argparse.Namespace) -> int:
    _only(args, "learned")
    with open_book(args) as book, reading(book, args) as uow:
        views = categorise.learned(uow)
    if args.json:
        print_json({"learned": [v.as_json() for v in views]})
        return 0
    for v in views:
        print(
            f"{v.key:<32} {v.account_code} {v.account_name:<28} {v.count:>5} line(s)  "
            f"last {v.last_used:%Y-%m-%d}"
        )
    print(f"{len(views)} learned choice(s); forget one with: crechebooks categorise forget KEY")
    return 0


def _forget(args: argparse.Namespace) -> int:
    _only(args, "forget", takes_rest=True)
    key = " ".join(args.rest)
    if not key.strip():
        raise UserFacingError(
            "categorise forget: give the KEY (see: crechebooks categorise learned)"
        )
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        forgotten = categorise.forget_learned(uow, actor, key)
    if args.json:
        print_json({"key": key, "forgotten": forgotten})
    else:
        print(f"forgot {forgotten} choice(s) learned for {key!r}")
    return 0


def _clear(args: argparse.Namespace) -> int:
    _only(args, "clear", takes_rest=True)
    if len(args.rest) != 1:
        raise UserFacingError("categorise clear: give one LINE_ID")
    line_id = parse_id(args.rest[0], "LINE_ID")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        done = categorise.clear(uow, actor, line_id)
    if args.json:
        print_json(done.as_json())
    else:
        print(f"bank line {line_id}: categories cleared; it is {done.line.status.value} again")
    return 0
