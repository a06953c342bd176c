"""Helpers shared by the command modules: opening the book, acting, printing."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crechebooks_desktop.cli.sign_in import SignedIn, signed_in
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.dates import (
    NOT_ISO,
    NotADay,
    book_date_problem,
    date_warning,
    iso_day,
)
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import PermissionDenied, UserFacingError
from crechebooks_desktop.services.admin import sign_in as services_sign_in
from crechebooks_desktop.services.admin import users
from crechebooks_desktop.settings import settings_for

_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


@contextmanager
def open_book(
    args: argparse.Namespace, *, create: bool = False, sign_in: bool = True
) -> Iterator[Book]:
    """The book named by ``--db``, upgraded if needed, its user signed in, closed afterwards.

    Only the commands that set a book up (``init``, ``demo``) pass ``create``
    (and ``sign_in=False``: they sign in themselves when the book already has
    users); every other command stops when there is no book, and creates nothing.
    A change the signed-in user's role does not allow is refused and audited.
    """
    book, result = Book.open(settings_for(args.db), create=create)
    if result.backup is not None:
        print(
            f"upgraded the book's schema; a copy from before is at {result.backup}",
            file=sys.stderr,
        )
    try:
        if sign_in:
            signed_in(book, args)
        yield book
    except PermissionDenied as exc:
        _record_refusal(book, args, exc)
        raise
    except BaseException:
        # An ``init`` refused (a bad VAT number) leaves no empty book behind (issue 13).
        book.discard_unfinished()
        raise
    finally:
        book.close()


def _record_refusal(book: Book, args: argparse.Namespace, exc: PermissionDenied) -> None:
    """Audit a change refused for the user's role (a refused sign-in is audited already)."""
    done: SignedIn | None = getattr(args, "signed_in", None)
    if done is None:
        return
    with book.write(done.creche.tenant_id) as uow:
        user = uow.users.by_username(done.actor.username, done.creche.tenant_id)
        services_sign_in.record_refusal(
            uow,
            done.creche.tenant_id,
            user,
            done.actor.username,
            f"{_doing(args)}: {exc}",
            action="permission.refused",
        )


def _doing(args: argparse.Namespace) -> str:
    """The command as typed, e.g. ``users add``, for the audit log."""
    action = getattr(args, "action", None)
    return f"{args.command} {action}" if isinstance(action, str) else str(args.command)


@contextmanager
def as_actor(book: Book, args: argparse.Namespace) -> Iterator[tuple[UnitOfWork, Actor]]:
    """A write transaction in the chosen creche, as the signed-in user."""
    done = signed_in(book, args)
    with book.write() as uow:
        scoped = uow.for_tenant(done.creche.tenant_id)
        # Read again inside the transaction: a role changed since sign-in counts.
        yield scoped, users.acting_user(scoped, done.creche.tenant_id, done.actor.username)


@contextmanager
def reading(book: Book, args: argparse.Namespace) -> Iterator[UnitOfWork]:
    """A read-only transaction in the chosen creche (its user signed in)."""
    done = signed_in(book, args)
    with book.read() as uow:
        yield uow.for_tenant(done.creche.tenant_id)


def print_json(value: Any) -> None:
    """Machine-readable output (amounts are already integer cents)."""
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def read_password(from_stdin: bool, who: str) -> str | None:
    """A password from standard input, or asked twice on a terminal, or None."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserFacingError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"Password for {who}: ")
    if first != getpass.getpass("Again: "):
        raise UserFacingError("the two passwords differ; nothing was changed")
    return first or None


def parse_month(text: str, option: str = "--month", *, warn: bool = True) -> dt.date:
    """``YYYY-MM`` as the first day of that month, a month the book takes.

    Args:
        text: the option's value.
        option: the option, for messages.
        warn: warn on stderr about a month far from today (``check_day``).
    """
    found = _MONTH.fullmatch(text.strip())
    if found is None:
        raise UserFacingError(f"{option}: month must be YYYY-MM, e.g. 2026-03 (got {text!r})")
    if not 1 <= int(found[2]) <= 12:  # noqa: PLR2004 - months of the year
        raise UserFacingError(f"{option}: there is no month {found[2]} (got {text!r})")
    month = dt.date(int(found[1]), int(found[2]), 1)
    return check_day(month, option, warn=warn, shown=month.strftime("%Y-%m"))


def parse_amount(text: str, option: str) -> int:
    """An amount in Rand (``4850``, ``R 4 850,00``) as cents; errors name the option."""
    try:
        return parse_rands(text)
    except MoneyError as exc:
        raise UserFacingError(f"{option}: {exc}") from None


def parse_id(text: str, name: str) -> int:
    """A row id given on the command line (``LINE_ID``, ``PAYMENT_ID``): a number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise UserFacingError(f"{name} must be a number (got {text!r})") from None
    if value <= 0:
        raise UserFacingError(f"{name} must be a number above zero (got {text!r})")
    return value


def parse_day(text: str, option: str, *, warn: bool = True) -> dt.date:
    """An ISO date ``YYYY-MM-DD`` that the book takes.

    Args:
        text: the option's value.
        option: the option, for messages.
        warn: warn on stderr about a date far from today (``check_day``).
    """
    try:
        day = iso_day(text)
    except NotADay as exc:  # 2026-02-30: say the day does not exist (issue 13)
        raise UserFacingError(f"{option}: {exc}") from None
    except ValueError:
        raise UserFacingError(f"{option}: date {NOT_ISO} (got {text!r})") from None
    return check_day(day, option, warn=warn)


def check_day(day: dt.date, option: str, *, warn: bool = True, shown: str | None = None) -> dt.date:
    """Refuse a date outside the book's years; warn about one far from today.

    The rules are ``domain.dates``'. The warning (``warning: OPTION: ...``) goes
    to stderr and the command goes on; query options (``--from``, ``--to``)
    pass ``warn=False``, since looking far ahead or back is no slip.

    Raises:
        UserFacingError: the date is outside the book's years (naming the option).
    """
    problem = book_date_problem(day, shown)
    if problem is not None:
        raise UserFacingError(f"{option}: {problem}")
    warning = date_warning(day, dt.date.today(), shown) if warn else None  # noqa: DTZ011
    if warning is not None:
        print(f"warning: {option}: {warning}; check the date", file=sys.stderr)
    return day
