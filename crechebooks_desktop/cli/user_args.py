"""Grammar of ``users``: the creche's users, set-up codes, and your own password (issue 13)."""

from __future__ import annotations

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text

_ROLES = ["admin", "bookkeeper", "owner-viewer"]
_NEW_STDIN = "read the new password from standard input (after your own, if asked for)"


def register(add: AddCommand) -> None:
    """Add ``users`` and its actions to the ``crechebooks`` parser."""
    users_cmd = add(
        "users",
        "the creche's users: add, roles, disable, set-up codes, passwords",
        "user_commands.cmd_users",
    )
    sub = users_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("list", help="the users and their roles").add_argument(
        "--json", action="store_true"
    )
    add_user = sub.add_parser(
        "add",
        help="add a user with a role (without a password they get a one-time set-up code)",
    )
    add_user.add_argument("username", type=one_line_text)
    add_user.add_argument("--role", required=True, choices=_ROLES)
    add_user.add_argument("--full-name", type=one_line_text)
    add_user.add_argument(
        "--with-password",
        action="store_true",
        help="give them a password now (typed when asked, or --new-password-stdin)",
    )
    add_user.add_argument("--new-password-stdin", action="store_true", help=_NEW_STDIN)
    role = sub.add_parser("role", help="give a user another role in this creche")
    role.add_argument("username", type=one_line_text)
    role.add_argument("--role", required=True, choices=_ROLES)
    sub.add_parser(
        "disable",
        help="stop a user signing in to this creche (never deleted: the audit log names them)",
    ).add_argument("username", type=one_line_text)
    sub.add_parser("enable", help="let a disabled user sign in again").add_argument(
        "username", type=one_line_text
    )
    reset = sub.add_parser(
        "reset-password",
        help="a user forgot their password: give them a new set-up code (--code) or a password",
    )
    reset.add_argument("username", type=one_line_text)
    reset.add_argument(
        "--code",
        action="store_true",
        help="a one-time set-up code with which they choose their own password",
    )
    reset.add_argument("--new-password-stdin", action="store_true", help=_NEW_STDIN)
    sub.add_parser(
        "activate",
        help="your first sign-in: the set-up code from an administrator, then your new password",
    ).add_argument(
        "--stdin",
        action="store_true",
        help="read the code, then the new password, one per line from standard input",
    )
    sub.add_parser("password", help="change your own password").add_argument(
        "--new-password-stdin", action="store_true", help=_NEW_STDIN
    )
    sub.add_parser(
        "remember-password",
        help="keep your password in the keyring, for scripts and scheduled jobs",
    )
    sub.add_parser("forget-password", help="remove your password from the keyring")
