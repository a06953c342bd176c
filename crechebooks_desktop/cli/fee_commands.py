"""The fee structures' commands: ``fees add``, ``fees change``, ``fees list``, ``fees history``.

``fees import`` (a whole file) is in ``roster_commands``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt

from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    parse_amount,
    parse_day,
    print_json,
    reading,
)
from crechebooks_desktop.cli.table import number, print_table, text
from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY
from crechebooks_desktop.domain.enums import FeeType
from crechebooks_desktop.domain.money import format_plain
from crechebooks_desktop.domain.roster import FeeRate, FeeTerms
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.fees import structures

_OPTIONS = {
    "amount_cents": ("amount", "--amount"),
    "registration_fee_cents": ("registration", "--registration"),
    "re_registration_fee_cents": ("re_registration", "--re-registration"),
}


def _given(args: argparse.Namespace) -> dict[str, int | None]:
    """The amounts given on the command line, by field ('none' clears a fee)."""
    given: dict[str, int | None] = {}
    for field, (attribute, option) in _OPTIONS.items():
        value = getattr(args, attribute)
        if value is None:
            continue
        clear = value.strip().lower() in {"none", "-"} and field != "amount_cents"
        given[field] = None if clear else parse_amount(value, option)
    return given


def _rands(cents: int | None) -> str:
    return "-" if cents is None else format_plain(cents)


def _since(rate: FeeRate) -> str:
    return "the start" if rate.effective_from == FIRST_BOOK_DAY else rate.effective_from.isoformat()


def _what_changes(before: FeeRate, after: FeeRate) -> str:
    words = {
        "amount_cents": "",
        "registration_fee_cents": "reg ",
        "re_registration_fee_cents": "re-reg ",
    }
    parts = [
        f"{word}{_rands(getattr(after, field))}"
        for field, word in words.items()
        if getattr(before, field) != getattr(after, field)
    ]
    return f"{after.effective_from.isoformat()}: {', '.join(parts)}"


def cmd_fees_add(args: argparse.Namespace) -> int:
    """``fees add NAME --type TYPE``: a new fee structure."""
    given = _given(args)
    terms = FeeTerms(
        args.name,
        FeeType(args.fee_type),
        given.get("amount_cents"),
        given.get("registration_fee_cents"),
        given.get("re_registration_fee_cents"),
    )
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        fee = structures.add_fee(uow, actor, terms)
    view = structures.FeeView.of(fee, dt.date.today())  # noqa: DTZ011 - the user's day
    if args.json:
        print_json(view.as_json())
    else:
        print(f"added fee {fee.terms.name!r} ({fee.terms.fee_type.value})")
    return 0


def cmd_fees_change(args: argparse.Namespace) -> int:
    """``fees change NAME --from YYYY-MM-01``: new amounts from that month on."""
    given = _given(args)
    if not given:
        raise UserFacingError("give at least one of --amount, --registration, --re-registration")
    day = parse_day(args.from_, "--from")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        fee = structures.fee_named(uow, args.name)
        rate = dataclasses.replace(fee.rate_on(day), effective_from=day, **given)
        changed = structures.change_fee(uow, actor, args.name, rate)
    if args.json:
        print_json(changed.as_json())
        return 0
    verb = "replaced the change" if changed.replaced else "changed"
    print(f"{verb} {changed.name!r} from {_what_changes(changed.before, changed.after)}")
    if changed.invoices_kept:
        print(
            f"{changed.invoices_kept} invoice(s) already made from {day:%Y-%m} keep their "
            "amounts; the change applies to months not yet invoiced"
        )
    return 0


def _as_of(args: argparse.Namespace) -> dt.date:
    if args.as_of is None:
        return dt.date.today()  # noqa: DTZ011 - the user's day
    return parse_day(args.as_of, "--as-of", warn=False)


def cmd_fees_list(args: argparse.Namespace) -> int:
    """``fees list``: the fee structures with their amounts now and any change to come."""
    today = _as_of(args)
    with open_book(args) as book, reading(book, args) as uow:
        fees = structures.list_fee_structures(uow, today)
    if args.json:
        print_json({"as_of": today.isoformat(), "fees": [fee.as_json() for fee in fees]})
        return 0
    print_table(
        (
            text("name", lambda f: f.name),
            text("type", lambda f: f.fee_type.value),
            number("amount", lambda f: _rands(f.current.amount_cents)),
            number("registration", lambda f: _rands(f.current.registration_fee_cents)),
            number("re-reg", lambda f: _rands(f.current.re_registration_fee_cents)),
            text("since", lambda f: _since(f.current)),
            text(
                "next change",
                lambda f: "" if f.scheduled is None else _what_changes(f.current, f.scheduled),
            ),
        ),
        fees,
    )
    return 0


def cmd_fees_history(args: argparse.Namespace) -> int:
    """``fees history NAME``: every version of a fee's amounts, oldest first."""
    with open_book(args) as book, reading(book, args) as uow:
        fee = structures.fee_named(uow, args.name)
    view = structures.FeeView.of(fee, dt.date.today())  # noqa: DTZ011 - the user's day
    if args.json:
        print_json({"name": view.name, "versions": view.as_json()["versions"]})
        return 0
    print_table(
        (
            text("from", _since),
            number("amount", lambda r: _rands(r.amount_cents)),
            number("registration", lambda r: _rands(r.registration_fee_cents)),
            number("re-reg", lambda r: _rands(r.re_registration_fee_cents)),
        ),
        view.versions,
    )
    return 0
