"""Who runs a command, and their proof (issue 13).

Every command that opens a book names its user (``--user NAME`` or
``CRECHEBOOKS_USER``; a creche with one user needs no name) and gives that
user's password: from standard input (``--password-stdin``, the first line),
from the operating system's keyring (``users remember-password``), or typed at
a terminal. A refused attempt is audited by ``services.admin.sign_in``. The one
exception: the book's only user, who has no password yet, acts without one and
is told, once per command, how to set it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass, field

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import PermissionDenied, UserFacingError
from crechebooks_desktop.integrations.secrets import (
    SERVICE,
    SecretUnavailable,
    delete_secret,
    get_secret,
    set_secret,
)
from crechebooks_desktop.services.admin import creches, sign_in
from crechebooks_desktop.services.admin.sign_in import Refused, Way


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The creche a command works in and who is acting there."""

    creche: CrecheSettings
    actor: Actor
    from_keyring: bool = False
    # Kept in memory for this command only, for ``users remember-password``.
    password: str | None = field(default=None, repr=False)


def keyring_key(book: Book, username: str) -> str:
    """Where a user's sign-in password for this book is kept in the keyring."""
    return f"sign-in:{username.lower()}@{book.name}"


def signed_in(book: Book, args: argparse.Namespace) -> SignedIn:
    """Sign the command's user in, once per command (later calls reuse it).

    Raises:
        UserFacingError: no user named where one is needed, no password to be
            had, or the sign-in refused (wrong password, disabled, no set-up yet).
    """
    done: SignedIn | None = getattr(args, "signed_in", None)
    if done is not None:
        return done
    with book.read() as uow:
        creche = creches.select_creche(uow, args.creche)
        scoped = uow.for_tenant(creche.tenant_id)
        username = args.user or sign_in.sole_user(scoped, creche.tenant_id)
        way = sign_in.way_in(scoped, creche.tenant_id, username) if username else None
    if username is None or way is None:
        raise UserFacingError(
            f"{creche.name} has several users: say who you are with --user NAME "
            "(or CRECHEBOOKS_USER)"
        )
    if way is Way.NO_PASSWORD_YET:
        with book.read() as uow:
            actor = sign_in.act_without_password(
                uow.for_tenant(creche.tenant_id), creche.tenant_id, username
            )
        print(
            f"note: {actor.username} has no password yet, so anyone who can open this book "
            "acts as them; set one with `crechebooks users password`",
            file=sys.stderr,
        )
        done = SignedIn(creche, actor)
    elif way is Way.PASSWORD:
        done = _with_password(book, args, creche, username)
    else:
        raise PermissionDenied(sign_in.needs(username, way))
    args.signed_in = done
    return done


def require_book_admin(book: Book, args: argparse.Namespace, doing: str) -> None:
    """A book that has users: sign in, as an administrator, before ``doing`` (init, demo).

    Raises:
        PermissionDenied: the signed-in user is not an administrator (audited).
    """
    with book.read() as uow:
        if uow.users.count_all() == 0:
            return  # an empty book: whoever sets it up becomes its administrator
    done = signed_in(book, args)
    if done.actor.role is not Role.ADMIN:
        raise PermissionDenied(
            f"{done.actor.username} is {done.actor.role.value} here; only an administrator "
            f"of this book can {doing}"
        )


def creche_and_actor(book: Book, args: argparse.Namespace) -> tuple[CrecheSettings, Actor]:
    """The chosen creche and the signed-in user (for work that opens its own transactions)."""
    done = signed_in(book, args)
    return done.creche, done.actor


def _with_password(
    book: Book, args: argparse.Namespace, creche: CrecheSettings, username: str
) -> SignedIn:
    password, from_keyring = _password(book, args, username)
    with book.write(creche.tenant_id) as uow:
        outcome = sign_in.sign_in(uow, creche.tenant_id, username, password)
    if isinstance(outcome, Refused):
        if from_keyring and outcome.message == sign_in.WRONG:
            raise PermissionDenied(
                f"{outcome.message} (the password kept in the keyring; "
                f"`crechebooks --user {username} users forget-password` removes it)"
            )
        raise outcome.error()
    return SignedIn(creche, outcome, from_keyring, password)


def _password(book: Book, args: argparse.Namespace, username: str) -> tuple[str, bool]:
    """The password: the first line of standard input, the keyring, or typed."""
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserFacingError("--password-stdin: no password on standard input")
        return line, False
    try:
        kept = get_secret(SERVICE, keyring_key(book, username))
    except SecretUnavailable:
        kept = None
    if kept:
        return kept, True
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Password for {username}: "), False
    raise UserFacingError(
        f"{username}'s password is needed: give it with --password-stdin, type it at a "
        "terminal, or keep it in the keyring (`crechebooks users remember-password`)"
    )


def remember_password(book: Book, args: argparse.Namespace) -> str:
    """Keep the signed-in user's password in the keyring, for scripts and scheduled jobs.

    Returns:
        What was done, to print.

    Raises:
        SecretUnavailable: no keyring here (nothing is kept anywhere else).
        UserFacingError: the user has no password yet.
    """
    done = signed_in(book, args)
    name = done.actor.username
    if done.from_keyring:
        return f"the keyring already keeps {name}'s password for {book.name}"
    if done.password is None:
        raise UserFacingError(
            f"{name} has no password yet; set one first with `crechebooks users password`"
        )
    set_secret(SERVICE, keyring_key(book, name), done.password)
    return f"kept {name}'s password for {book.name} in the keyring"


def forget_password(book: Book, username: str) -> bool:
    """Remove a user's kept password for this book; whether there was one."""
    return delete_secret(SERVICE, keyring_key(book, username))
