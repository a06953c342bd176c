"""Sign-in that holds on the command line (issue 13).

Every command names its user and gives their password (standard input, the
keyring, or a terminal); a wrong password or a role that may not do what is
asked is refused in one line and audited. A user added without a password
needs the one-time set-up code. The book's only user without a password yet is
the one exception. Each command is a real process over a real book (SQLite).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.users import add_user
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"])]

Cli = Callable[..., Any]
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "CRECHEBOOKS_USER": ""}
NOBODY = {"CRECHEBOOKS_USER": ""}  # no user named by the environment


def _open(url: str, tmp_path: Path) -> Book:
    book, _ = Book.open(Settings(url, tmp_path / "in-process-files"))
    return book


def _audit(url: str, tmp_path: Path) -> list[tuple[str, str, Any]]:
    book = _open(url, tmp_path)
    try:
        with book.read() as uow:
            return [(r.action, r.username, r.after) for r in reversed(uow.audit.latest(1, 1000))]
    finally:
        book.close()


@pytest.fixture
def acorns(book_url: str, tmp_path: Path) -> str:
    """Acorns: ``admin`` (password ``demo``, kept in the test keyring) and ``olivia``, owner."""
    book = _open(book_url, tmp_path)
    try:
        with book.write() as uow:
            settings, admin = init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
            add_user(uow.for_tenant(settings.tenant_id), admin, "olivia", Role.OWNER_VIEWER, "eyes")
    finally:
        book.close()
    return book_url


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stderr.rstrip("\n"))


def test_a_command_names_its_user_and_proves_it(cli: Cli, acorns: str, tmp_path: Path) -> None:
    db = ("--db", acorns)
    assert refused(cli(*db, "users", "list", env=NOBODY)) == (
        "crechebooks: error: Acorns has several users: say who you are with --user NAME "
        "(or CRECHEBOOKS_USER)"
    )
    # No keyring, no terminal, no --password-stdin: nothing to sign in with.
    assert refused(cli(*db, "--user", "olivia", "users", "list")) == (
        "crechebooks: error: olivia's password is needed: give it with --password-stdin, "
        "type it at a terminal, or keep it in the keyring (`crechebooks users remember-password`)"
    )
    wrong = cli(*db, "--user", "olivia", "--password-stdin", "users", "list", stdin="nope\n")
    assert refused(wrong) == "crechebooks: error: wrong user name or password"
    nobody = cli(*db, "--user", "zed", "--password-stdin", "check", stdin="eyes\n")
    assert refused(nobody) == "crechebooks: error: wrong user name or password"
    listed = cli(
        *db, "--user", "olivia", "--password-stdin", "users", "list", stdin="eyes\n",
        env={"CRECHEBOOKS_USER": "admin"},
    )  # fmt: skip
    assert "olivia" in ok(listed)
    from_env = cli(*db, "users", "list")  # CRECHEBOOKS_USER=admin; the keyring: demo
    assert ok(from_env).startswith("user")
    assert [(a, u, after["reason"]) for a, u, after in _audit(acorns, tmp_path)[-2:]] == [
        ("sign_in.refused", "olivia", "wrong user name or password"),
        ("sign_in.refused", "zed", "wrong user name or password"),
    ]


def test_a_role_that_may_not_is_refused_and_audited(cli: Cli, acorns: str, tmp_path: Path) -> None:
    as_olivia = ("--db", acorns, "--user", "olivia", "--password-stdin")
    said = refused(cli(*as_olivia, "settings", "set", "due-day", "3", stdin="eyes\n"))
    assert said.startswith("crechebooks: error: olivia (owner-viewer) may not ")
    action, user, after = _audit(acorns, tmp_path)[-1]
    assert (action, user) == ("permission.refused", "olivia")
    assert after["reason"].startswith("settings set: olivia (owner-viewer) may not ")
    # Neither may an owner set up another creche in the book, nor add the demo to it.
    init = cli(*as_olivia, "init", "--name", "Second", stdin="eyes\n")
    assert refused(init) == (
        "crechebooks: error: olivia is owner-viewer here; only an administrator of this "
        "book can add a creche to it"
    )
    demo = cli(*as_olivia, "demo", stdin="eyes\n")
    assert refused(demo).endswith(
        "only an administrator of this book can add the demo creche to it"
    )
    ok(cli("--db", acorns, "--user", "admin", "init", "--name", "Second"))  # an admin may


def test_a_new_user_signs_in_first_with_the_set_up_code(
    cli: Cli, acorns: str, tmp_path: Path
) -> None:
    as_admin = ("--db", acorns, "--user", "admin")
    added = ok(cli(*as_admin, "users", "add", "bea", "--role", "bookkeeper"))
    found = re.search(r"one-time set-up code for bea: (\S+) \(works until (\S+);", added)
    assert found is not None, added
    code, until = found[1], dt.date.fromisoformat(found[2])
    assert until == dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14)
    bea = ("--db", acorns, "--user", "bea")
    # Reaching the sign-in first is not enough: without the code there is no way in.
    assert refused(cli(*bea, "--password-stdin", "check", stdin="mine\n")) == (
        "crechebooks: error: bea has not chosen a password yet: sign in once with the "
        "set-up code an administrator gave you"
    )
    wrong = cli(*bea, "users", "activate", "--stdin", stdin="AAAA-BBBB-CCCC\nmine\n")
    assert refused(wrong) == "crechebooks: error: wrong user name or set-up code"
    typed = code.lower().replace("-", " ")  # as a person might type it
    done = ok(cli(*bea, "users", "activate", "--stdin", stdin=f"{typed}\nmine\n"))
    assert done == "welcome, bea: your password is set; sign in with it from now on\n"
    again = cli(*bea, "users", "activate", "--stdin", stdin=f"{code}\nother\n")
    assert refused(again) == (
        "crechebooks: error: bea has no set-up code waiting; sign in with your password"
    )
    ok(cli(*bea, "--password-stdin", "check", stdin="mine\n"))
    # Forgotten: the administrator gives a new code; the old password stops working.
    reset = ok(cli(*as_admin, "users", "reset-password", "bea", "--code"))
    assert reset.startswith("bea's password no longer works\none-time set-up code for bea: ")
    assert refused(cli(*bea, "--password-stdin", "check", stdin="mine\n")).endswith(
        "sign in once with the set-up code an administrator gave you"
    )
    actions = [(a, u) for a, u, _ in _audit(acorns, tmp_path)]
    assert ("sign_in.refused", "bea") in actions
    assert ("user.first_sign_in", "bea") in actions
    assert [a for a, _u in actions].count("user.setup_code") == 2
    assert code not in str(_audit(acorns, tmp_path))  # the code itself is never kept


def test_the_only_user_without_a_password_acts_until_they_set_one(cli: Cli, book_url: str) -> None:
    db = ("--db", book_url)

    def run(*args: str, **kw: Any) -> Any:  # the environment names no user
        return cli(*args, env={**NOBODY, **kw.pop("env", {})}, **kw)

    made = run(*db, "init", "--name", "Solo", "--admin-user", "sol")
    assert "has no password yet" in made.stderr
    shown = run(*db, "settings", "show")
    assert ok(shown).startswith("tenant_id")
    assert shown.stderr == (
        "note: sol has no password yet, so anyone who can open this book acts as them; "
        "set one with `crechebooks users password`\n"
    )
    set_ = run(*db, "users", "password", "--new-password-stdin", stdin="s3cret\n")
    assert ok(set_) == "new password set for sol\n"
    assert refused(run(*db, "settings", "show")).startswith(
        "crechebooks: error: sol's password is needed"
    )
    # Kept in the keyring for scripts and scheduled jobs, then forgotten again.
    kept = run(*db, "--password-stdin", "users", "remember-password", stdin="s3cret\n")
    assert ok(kept).startswith("kept sol's password for ")
    assert ok(run(*db, "settings", "show")).startswith("tenant_id")
    assert ok(run(*db, "users", "forget-password")).startswith("removed sol's password for ")
    assert refused(run(*db, "settings", "show")).startswith(
        "crechebooks: error: sol's password is needed"
    )
    # Without a keyring on the machine, it says so and keeps it nowhere else.
    nowhere = run(*db, "--password-stdin", "users", "remember-password", stdin="s3cret\n",
                  env=NO_KEYRING)  # fmt: skip
    assert refused(nowhere).startswith("crechebooks: error: this machine has no keyring")
