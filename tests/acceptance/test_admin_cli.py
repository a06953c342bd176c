"""Administration on the command line (issue 13): users' roles and access, bank accounts.

Each command runs in a separate process over a real book; refusals are one
line on stderr with nothing changed. The services are tested on both backends
(tests/unit/services/test_administration.py); these run on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.users import add_user
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.sign_in_support import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"])]

Cli = Callable[..., Any]


def _open(url: str, tmp_path: Path) -> Book:
    book, _ = Book.open(Settings(url, tmp_path / "in-process-files"))
    return book


@pytest.fixture
def acorns(book_url: str, tmp_path: Path, keep_password: Callable[[str, str], None]) -> str:
    """Acorns: ``admin`` (password pw), ``bea`` bookkeeper (``ledger``), a ``Cheque`` account."""
    book = _open(book_url, tmp_path)
    try:
        with book.write() as uow:
            settings, admin = init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
            scoped = uow.for_tenant(settings.tenant_id)
            add_user(scoped, admin, "bea", Role.BOOKKEEPER, "ledger")
            bank.add_account(scoped, admin, "Cheque", "fnb")
    finally:
        book.close()
    keep_password("bea", "ledger")  # as a script of hers would have it
    return book_url


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def _users(cli: Cli, db: tuple[str, str]) -> dict[str, tuple[str, bool]]:
    listed = json.loads(ok(cli(*db, "users", "list", "--json")))["users"]
    return {u["username"]: (u["role"], u["disabled"]) for u in listed}


def test_users_role_disable_enable_and_reset_password(
    cli: Cli, acorns: str, tmp_path: Path
) -> None:
    db = ("--db", acorns)
    assert ok(cli(*db, "users", "role", "bea", "--role", "owner-viewer")) == (
        "bea is now owner-viewer\n"
    )
    assert ok(cli(*db, "users", "disable", "bea")) == (
        "disabled bea: they can no longer sign in to this creche\n"
    )
    assert _users(cli, db) == {"admin": ("admin", False), "bea": ("owner-viewer", True)}
    assert ok(cli(*db, "users", "list")).splitlines()[2].split()[-1] == "disabled"
    assert refused(cli(*db, "--user", "bea", "bank", "accounts", "add", "--name", "X")) == (
        "crechebooks: error: bea is disabled in this creche; an administrator can enable them again"
    )
    assert ok(cli(*db, "users", "enable", "bea")) == "enabled bea\n"
    reset = cli(
        *db, "users", "reset-password", "bea", "--new-password-stdin", stdin="fresh start\n"
    )
    assert ok(reset) == "new password set for bea\n"
    book = _open(acorns, tmp_path)
    try:
        with book.read() as uow:
            actions = [r.action for r in reversed(uow.audit.latest(1, limit=5))]
        with book.write() as uow:
            assert sign_in(uow, 1, "bea", "fresh start").role is Role.OWNER_VIEWER
            with pytest.raises(PermissionDenied):
                sign_in(uow, 1, "bea", "ledger")
    finally:
        book.close()
    assert actions == [
        "user.role", "user.disable", "sign_in.refused", "user.enable", "user.reset_password"
    ]  # fmt: skip


def test_users_refusals_change_nothing(cli: Cli, acorns: str) -> None:
    db = ("--db", acorns)
    assert refused(cli(*db, "users", "disable", "admin")) == (
        "crechebooks: error: you cannot disable yourself; ask another administrator"
    )
    assert refused(cli(*db, "users", "role", "admin", "--role", "bookkeeper")) == (
        "crechebooks: error: you cannot change your own role; ask another administrator"
    )
    assert refused(cli(*db, "users", "enable", "bea")) == "crechebooks: error: bea is not disabled"
    assert refused(cli(*db, "users", "disable", "zed")) == (
        "crechebooks: error: no user called 'zed' in this creche"
    )
    assert refused(cli(*db, "--user", "bea", "users", "disable", "admin")) == (
        "crechebooks: error: bea (bookkeeper) may not manage settings and users"
    )
    assert refused(cli(*db, "users", "reset-password", "bea")) == (
        "crechebooks: error: type the new password at a terminal, or give it with "
        "--new-password-stdin"
    )
    assert "invalid choice: 'boss'" in refused(
        cli(*db, "users", "role", "bea", "--role", "boss"), code=2
    )
    assert _users(cli, db) == {"admin": ("admin", False), "bea": ("bookkeeper", False)}


def test_bank_accounts_rename_close_reopen(cli: Cli, acorns: str) -> None:
    db = ("--db", acorns)
    assert ok(cli(*db, "bank", "accounts", "rename", "--name", "cheque", "--to", "FNB Cheque")) == (
        "bank account 1 is now named FNB Cheque\n"
    )
    closed = json.loads(ok(cli(*db, "bank", "accounts", "close", "--name", "FNB Cheque", "--json")))
    assert (closed["name"], closed["closed_at"] is not None) == ("FNB Cheque", True)
    assert ok(cli(*db, "bank", "accounts", "list")).splitlines()[1].endswith("no lines yet  closed")
    statement = Path(acorns.removeprefix("sqlite:///")).parent / "oct.csv"
    statement.write_text(
        "Date,Amount,Balance,Description\n03/10/2026,4850.00,4850.00,DEPOSIT\n", encoding="utf-8"
    )
    assert refused(
        cli(*db, "bank", "import", str(statement), "--account", "FNB Cheque", "--profile", "fnb")
    ) == (
        "crechebooks: error: FNB Cheque is closed and takes no more statements; an admin can "
        "reopen it with: crechebooks bank accounts reopen --name 'FNB Cheque'"
    )
    assert ok(cli(*db, "bank", "accounts", "reopen", "--name", "FNB Cheque")) == (
        "reopened FNB Cheque: it takes statements again\n"
    )
    imported = cli(
        *db, "bank", "import", str(statement), "--account", "FNB Cheque", "--profile", "fnb"
    )
    assert "1 line(s) imported" in ok(imported)
    assert refused(cli(*db, "bank", "accounts", "close", "--name", "FNB Cheque")) == (
        "crechebooks: error: cannot close FNB Cheque: its 1 lines were never reconciled; "
        "reconcile it to its last statement first"
    )
    assert refused(cli(*db, "--user", "bea", "bank", "accounts", "rename", "--name", "FNB Cheque",
                       "--to", "X")) == (
        "crechebooks: error: bea (bookkeeper) may not manage settings and users"
    )  # fmt: skip
