"""The ``crechebooks`` command line end to end, as a scheduled task would run it."""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from crechebooks_desktop.db import migrate
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.sign_in_support import sign_in

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
DEMO_TODAY = dt.date(2026, 11, 21)


@contextmanager
def opened(url: str, tmp_path: Path) -> Iterator[Book]:
    """The same book, opened in this process (to set up or look behind the CLI)."""
    book, _ = Book.open(Settings(url, tmp_path / "in-process-files"))
    try:
        yield book
    finally:
        book.close()


def refused(result: Any, starts: str = "crechebooks: error: ", code: int = 1) -> str:
    """Assert a clean refusal: the exit status and one line on stderr, no traceback."""
    assert result.code == code, result
    assert result.stderr.startswith(starts), result
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stderr.strip())


@pytest.fixture
def with_creche(book_url: str, tmp_path: Path) -> str:
    """``book_url`` holding one creche (``Acorns``, admin ``admin`` with a password)."""
    with opened(book_url, tmp_path) as book, book.write() as uow:
        init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
    return book_url


@pytest.fixture
def with_demo(book_url: str, tmp_path: Path) -> str:
    """``book_url`` holding the demo creche as of 2026-11-21."""
    with opened(book_url, tmp_path) as book, book.write() as uow:
        create_demo_creche(uow, DEMO_TODAY)
    return book_url


def test_init_with_every_option(
    cli: Cli, book_url: str, tmp_path: Path, keep_password: Callable[[str, str], None]
) -> None:
    created = cli(
        "--db",
        book_url,
        "init",
        "--name",
        "Little Acorns",
        "--vat-number",
        "4123456789",
        "--prices-include-vat",
        "no",
        "--sibling-discounts",
        "0, 10, 15",
        "--due-day",
        "5",
        "--invoice-prefix",
        "la",
        "--admin-user",
        "ada",
        "--admin-password-stdin",
        stdin="s3cret\n",
    )
    assert ok(created).startswith("created Little Acorns in ")
    assert "administrator: ada" in created.stdout
    assert created.stderr == ""  # a password was given: no "no password yet" note

    keep_password("ada", "s3cret")  # the book has a user now: every command signs in
    cli = functools.partial(cli, env={"CRECHEBOOKS_USER": "ada"})
    bad = cli("--db", book_url, "init", "--name", "Other", "--due-day", "40")
    assert refused(bad) == (
        "crechebooks: error: due-day: due day must be from 1 to 28 so that every month has it"
    )

    shown = json.loads(ok(cli("--db", book_url, "settings", "show", "--json")))
    assert shown == {
        "tenant_id": 1,
        "name": "Little Acorns",
        "trading_name": None,
        "address": None,
        "phone": None,
        "email": None,
        "vat_number": "4123456789",
        "prices_include_vat": False,
        "invoice_prefix": "LA",
        "due_day": 5,
        "sibling_discounts": "0,10,15",
        "money_style": "SPACE_COMMA",
        "bank_name": None,
        "bank_account_name": None,
        "bank_account_number": None,
        "bank_branch_code": None,
        "categorise_confidence": 80,
        "smtp_host": None,
        "smtp_port": None,
        "smtp_security": "starttls",
        "smtp_user": None,
        "smtp_from": None,
        "reminder_min_cents": 5000,
        "billing_day": None,
        "s3_bucket": None,
        "s3_region": None,
        "s3_prefix": None,
        "vat_registered": True,
    }
    with opened(book_url, tmp_path) as book, book.write() as uow:
        actor = sign_in(uow, 1, "ada", "s3cret")
    assert actor.role is Role.ADMIN


def test_settings_set(cli: Cli, with_creche: str) -> None:
    db = ("--db", with_creche)
    assert ok(cli(*db, "settings", "set", "due-day", "3")) == "due-day = 3\n"
    assert refused(cli(*db, "settings", "set", "due-day", "31")) == (
        "crechebooks: error: due_day: due day must be from 1 to 28 so that every month has it"
    )
    assert refused(cli(*db, "settings", "set", "sibling-discounts", "NaN")) == (
        "crechebooks: error: sibling_discounts: sibling discount NaN must be between 0 and 100"
    )
    unknown = refused(cli(*db, "settings", "set", "colour", "blue"))
    assert unknown.startswith("crechebooks: error: colour: unknown setting 'colour'")
    shown = ok(cli(*db, "settings", "show"))
    lines = dict(line.split(None, 1) for line in shown.splitlines() if len(line.split()) > 1)
    assert lines["due_day"] == "3"
    assert lines["name"] == "Acorns"
    assert lines["vat_registered"] == "False"


def test_demo_twice(cli: Cli, book_url: str) -> None:
    made = json.loads(ok(cli("--db", book_url, "demo", "--json")))
    # The demo is as of the real today: three months up to this one, billed and banked.
    this_month = dt.date.today().replace(day=1)  # noqa: DTZ011 - the command's local "today"
    assert made.pop("months")[-1] == f"{this_month:%Y-%m}"
    assert made.pop("invoices") > 100
    assert made.pop("bank_lines") > 0
    assert made.pop("reconciled_through") < this_month.isoformat()
    assert made == {
        "creche": "Sunflower Kids Educare",
        "households": 45,
        "children": 60,
        "enrolments": 60,
        "opening_invoices": 9,
        "user": "admin",
        "password": "demo",
    }
    again = ok(cli("--db", book_url, "demo"))
    assert "already has the demo creche (Sunflower Kids Educare)" in again


def test_check(cli: Cli, with_demo: str, tmp_path: Path) -> None:
    db = ("--db", with_demo)
    report = json.loads(ok(cli(*db, "check", "--json")))
    history_rows = report.pop("history_rows")
    # The demo's three months: nine opening balances, 173 monthly invoices, 125 payments.
    assert report == {
        "ok": True,
        "households": 45,
        "invoices": 182,
        "payments": 125,
        "violations": [],
    }
    with opened(with_demo, tmp_path) as book, book.engine.connect() as conn:
        written = conn.execute(
            text("SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM ledger_entries)")
        ).scalar_one()
    assert history_rows == written

    with opened(with_demo, tmp_path) as book, book.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE household_balances SET balance_cents = balance_cents + 1 WHERE "
                "household_id = (SELECT id FROM households WHERE account_ref = 'DLAMINI01')"
            )
        )

    broken = cli(*db, "check")
    assert broken.code == 1
    assert broken.stderr == ""
    assert broken.stdout.splitlines() == [
        "household DLAMINI01: balance = sum of entries: stored balance 1 ≠ sum of entries 0",
        (
            "household DLAMINI01: balance = last balance_after: "
            "stored balance 1 ≠ last balance_after 0"
        ),
        (
            "household DLAMINI01: balance = outstanding − credit: "
            "stored balance 1 ≠ outstanding 0 − credit 0"
        ),
        (
            f"checked 45 households, 182 invoices, 125 payments, {history_rows} history rows: "
            "3 problem(s) found"
        ),
    ]
    report = json.loads(cli(*db, "check", "--json").stdout)
    assert report["ok"] is False
    assert [v["rule"] for v in report["violations"]] == [
        "balance = sum of entries",
        "balance = last balance_after",
        "balance = outstanding − credit",
    ]
    assert {v["subject"] for v in report["violations"]} == {"household DLAMINI01"}


def test_check_names_the_first_rewritten_row_of_history(
    cli: Cli, with_demo: str, backend: str, tmp_path: Path
) -> None:
    db = ("--db", with_demo)
    with opened(with_demo, tmp_path) as book, book.engine.begin() as conn:
        # What someone with the file (or a superuser) can do: lift the guard, rewrite.
        if backend == "postgresql":
            conn.execute(text("DROP TRIGGER ledger_entries_no_update ON ledger_entries"))
        else:
            conn.execute(text("DROP TRIGGER ledger_entries_no_update"))
        victim, seq = conn.execute(
            text("SELECT id, chain_seq FROM ledger_entries ORDER BY chain_seq LIMIT 1 OFFSET 4")
        ).one()
        conn.execute(
            text("UPDATE ledger_entries SET description = 'paid in full' WHERE id = :i"),
            {"i": victim},
        )
    broken = cli(*db, "check")
    assert broken.code == 1
    assert broken.stdout.splitlines()[:2] == [
        (
            "trigger ledger_entries_no_update: append-only guard: is missing or switched off: "
            "history can be changed without the database refusing"
        ),
        (
            f"ledger: row {victim} (position {seq}): history chain: "
            "does not match its hash: it was rewritten"
        ),
    ]
    assert broken.stdout.splitlines()[-1].endswith("history rows: 2 problem(s) found")


def test_backup(cli: Cli, with_demo: str, backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH; a PostgreSQL backup cannot be made")
    target = tmp_path / "copy.backup"
    done = ok(cli("--db", with_demo, "backup", str(target)))
    assert done.startswith("backed up ")
    assert done.rstrip().endswith(str(target))
    assert target.stat().st_size > 0
    with zipfile.ZipFile(target) as archive:  # the database, its documents and a manifest
        database = archive.read("book.sqlite" if backend == "sqlite" else "book.pgdump")
        assert "manifest.json" in archive.namelist()
    if backend == "sqlite":
        extracted = tmp_path / "extracted.sqlite"
        extracted.write_bytes(database)
        with closing(sqlite3.connect(extracted)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            copied = [r[0] for r in copy.execute("SELECT account_ref FROM households ORDER BY 1")]
        with opened(with_demo, tmp_path) as book, book.engine.connect() as conn:
            original = list(
                conn.execute(text("SELECT account_ref FROM households ORDER BY 1")).scalars()
            )
        assert copied == original
        assert len(copied) == 45
    else:
        assert database[:5] == b"PGDMP"  # pg_dump's custom format
    size = target.stat().st_size
    again = refused(cli("--db", with_demo, "backup", str(target)))
    assert again == f"crechebooks: error: {target} already exists; choose a new file name"
    assert target.stat().st_size == size


def test_db_upgrade_says_up_to_date(cli: Cli, book_url: str) -> None:
    said = ok(cli("--db", book_url, "db", "upgrade"))
    assert said.endswith(f"is up to date (schema {migrate.head_revision()})\n")
    assert said.count("\n") == 1


def test_users_add_and_list(cli: Cli, with_creche: str, tmp_path: Path) -> None:
    db = ("--db", with_creche)
    added = cli(
        *db,
        "users",
        "add",
        "bea",
        "--role",
        "bookkeeper",
        "--full-name",
        "Bea Bookkeeper",
        "--new-password-stdin",
        stdin="ledger pw\n",
    )
    assert ok(added) == "added bea as bookkeeper\n"
    db = (*db, "--user", "admin")  # the creche has several users now: say who you are
    olivia = ok(cli(*db, "users", "add", "olivia", "--role", "owner-viewer"))
    said, code_line = olivia.splitlines()
    assert said == "added olivia as owner-viewer"
    assert code_line.startswith("one-time set-up code for olivia: ")
    twice = refused(cli(*db, "users", "add", "BEA", "--role", "admin"))
    assert twice == "crechebooks: error: BEA is already a user of this creche (bookkeeper)"
    listed = json.loads(ok(cli(*db, "users", "list", "--json")))
    assert listed == {
        "users": [
            {
                "username": "admin",
                "full_name": None,
                "role": "admin",
                "has_password": True,
                "awaiting_set_up": False,
                "disabled": False,
            },
            {
                "username": "bea",
                "full_name": "Bea Bookkeeper",
                "role": "bookkeeper",
                "has_password": True,
                "awaiting_set_up": False,
                "disabled": False,
            },
            {
                "username": "olivia",
                "full_name": None,
                "role": "owner-viewer",
                "has_password": False,
                "awaiting_set_up": True,
                "disabled": False,
            },
        ]
    }
    with opened(with_creche, tmp_path) as book, book.write() as uow:
        assert sign_in(uow, 1, "bea", "ledger pw").role is Role.BOOKKEEPER


def test_book_from_the_environment(cli: Cli, with_creche: str, tmp_path: Path) -> None:
    shown = json.loads(ok(cli("settings", "show", "--json", env={"CRECHEBOOKS_DB": with_creche})))
    assert shown["name"] == "Acorns"
    # --db wins over the environment.
    other = tmp_path / "other.sqlite"
    said = cli("--db", str(other), "settings", "show", env={"CRECHEBOOKS_DB": with_creche})
    assert refused(said).startswith(f"crechebooks: error: there is no book at {other} ")
    assert not other.exists()


def test_unknown_subcommand(cli: Cli) -> None:
    said = refused(cli("frobnicate"), code=2)
    assert said.startswith("crechebooks: error: argument COMMAND: invalid choice: 'frobnicate'")


def test_unreachable_server(cli: Cli) -> None:
    said = refused(cli("--db", "postgresql://postgres@127.0.0.1:1/nobook", "check"))
    assert said.startswith("crechebooks: error: cannot open the book 127.0.0.1:1/nobook: ")


def test_file_that_is_not_a_book(cli: Cli, tmp_path: Path, cli_env: dict[str, str]) -> None:
    garbage = tmp_path / "book.sqlite"
    content = bytes(range(256)) * 40
    garbage.write_bytes(content)
    said = refused(cli("--db", str(garbage), "check"))
    assert said == f"crechebooks: error: cannot open the book {garbage}: file is not a database"
    assert garbage.read_bytes() == content  # left exactly as it was
    assert not (Path(cli_env["XDG_DATA_HOME"]) / "CrecheBooks" / "crash.log").exists()
