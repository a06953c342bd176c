"""``users``: the creche's users, set-up codes, and your own password (issue 13)."""

from __future__ import annotations

import argparse
import sys

from crechebooks_desktop.cli.common import as_actor, open_book, print_json, read_password, reading
from crechebooks_desktop.cli.sign_in import forget_password, remember_password, signed_in
from crechebooks_desktop.cli.table import print_table, text
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.admin import creches, sign_in, users
from crechebooks_desktop.services.admin.sign_in import Refused, Way
from crechebooks_desktop.services.admin.users import SetUpCode

_NEW_PASSWORD = "type the new password at a terminal, or give it with --new-password-stdin"  # noqa: S105 - a message


def cmd_users(args: argparse.Namespace) -> int:
    """``users list|add|role|disable|enable|reset-password|activate|password|…``."""
    if args.action == "activate":
        return _activate(args)
    with open_book(args) as book:
        if args.action == "list":
            return _list(book, args)
        if args.action in {"password", "remember-password", "forget-password"}:
            print(_own_password(book, args))
            return 0
        print(_change_user(book, args))
    return 0


def _list(book: Book, args: argparse.Namespace) -> int:
    with reading(book, args) as uow:
        found = users.list_users(uow, signed_in(book, args).creche.tenant_id)
    rows: list[dict[str, object]] = [
        {
            "username": u.username,
            "full_name": u.full_name,
            "role": u.role.value if u.role else None,
            "has_password": u.has_password,
            "awaiting_set_up": u.has_setup_code,
            "disabled": u.disabled_at is not None,
        }
        for u in found
    ]
    if args.json:
        print_json({"users": rows})
        return 0
    print_table(
        (
            text("user", lambda r: str(r["username"])),
            text("role", lambda r: str(r["role"] or "")),
            text("name", lambda r: str(r["full_name"] or "")),
            text("status", _status),
        ),
        rows,
    )
    return 0


def _status(row: dict[str, object]) -> str:
    if row["disabled"]:
        return "disabled"
    return "awaiting first sign-in" if row["awaiting_set_up"] else "active"


def _change_user(book: Book, args: argparse.Namespace) -> str:
    """Run an administrator's ``users`` action; what to print."""
    password = None
    if args.action == "add" and (args.with_password or args.new_password_stdin):
        password = _new_password(args, args.username)
    if args.action == "reset-password" and not args.code:
        password = _new_password(args, args.username)
    with as_actor(book, args) as (uow, actor):
        if args.action == "add":
            added = users.add_user(
                uow, actor, args.username, Role(args.role), password, args.full_name
            )
            said = f"added {added.user.username} as {args.role}"
            return said + (_code_said(added.setup_code) if added.setup_code else "")
        if args.action == "role":
            changed = users.change_role(uow, actor, args.username, Role(args.role))
            return f"{changed.username} is now {args.role}"
        if args.action == "disable":
            changed = users.disable_user(uow, actor, args.username)
            return f"disabled {changed.username}: they can no longer sign in to this creche"
        if args.action == "enable":
            changed = users.enable_user(uow, actor, args.username)
            return f"enabled {changed.username}"
        if args.code:
            code = users.issue_setup_code(uow, actor, args.username)
            return f"{code.username}'s password no longer works" + _code_said(code)
        changed = users.reset_password(uow, actor, args.username, password or "")
        return f"new password set for {changed.username}"


def _code_said(code: SetUpCode) -> str:
    return (
        f"\none-time set-up code for {code.username}: {code.code} "
        f"(works until {code.expires_at:%Y-%m-%d}; pass it on privately: they sign in "
        f"once with it and choose their own password, in the window or with "
        f"`crechebooks --user {code.username} users activate`)"
    )


def _new_password(args: argparse.Namespace, who: str) -> str:
    password = read_password(args.new_password_stdin, who)
    if password is None:
        raise UserFacingError(_NEW_PASSWORD)
    return password


def _own_password(book: Book, args: argparse.Namespace) -> str:
    """``users password|remember-password|forget-password`` for the signed-in user."""
    done = signed_in(book, args)
    name = done.actor.username
    if args.action == "forget-password":
        if forget_password(book, name):
            return f"removed {name}'s password for {book.name} from the keyring"
        return f"the keyring kept no password of {name} for {book.name}"
    if args.action == "remember-password":
        return remember_password(book, args)
    password = _new_password(args, name)
    with as_actor(book, args) as (uow, actor):
        if uow.users.password_hash(actor.user_id) is None:
            users.set_first_password(uow, actor.tenant_id, name, password)
        else:
            users.change_own_password(uow, actor, password)
    return f"new password set for {name}"


def _activate(args: argparse.Namespace) -> int:
    """``users activate``: a first sign-in with a set-up code; the new password is chosen."""
    if not args.user:
        raise UserFacingError("say who you are: --user NAME (or CRECHEBOOKS_USER)")
    with open_book(args, sign_in=False) as book:
        with book.read() as uow:
            creche = creches.select_creche(uow, args.creche)
            way = sign_in.way_in(uow.for_tenant(creche.tenant_id), creche.tenant_id, args.user)
        if way is not Way.SETUP_CODE:
            raise UserFacingError(
                f"{args.user} has no set-up code waiting; sign in with your password"
            )
        code, password = _code_and_password(args)
        with book.write(creche.tenant_id) as uow:
            outcome = sign_in.redeem_setup_code(uow, creche.tenant_id, args.user, code, password)
        if isinstance(outcome, Refused):
            raise outcome.error()
    print(f"welcome, {outcome.username}: your password is set; sign in with it from now on")
    return 0


def _code_and_password(args: argparse.Namespace) -> tuple[str, str]:
    if args.stdin:
        code = sys.stdin.readline().strip()
        password = sys.stdin.readline().rstrip("\r\n")
        if not code or not password:
            raise UserFacingError(
                "--stdin: give the set-up code, then the new password, a line each"
            )
        return code, password
    if not sys.stdin.isatty():
        raise UserFacingError("type the set-up code at a terminal, or give it with --stdin")
    code = input("Set-up code: ")
    password = read_password(False, "your new password") or ""
    return code, password
