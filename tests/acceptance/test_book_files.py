"""A book is created only when one is set up, and owner-only (issue 10, points 11 and 12).

Every command but ``init`` and ``demo`` on a book that is not there says so and
creates nothing: no folder, no file, no schema in an empty database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.acceptance.test_cli import ok, refused
from tests.file_modes import POSIX_ONLY, mode

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
NO_BOOK = "(nothing was created); `crechebooks init` or `crechebooks demo` sets one up"

MISSING_BOOK_COMMANDS = [
    ["check"],
    ["balances"],
    ["invoices", "list"],
    ["settings", "show"],
    ["db", "upgrade"],
    ["backup", "copy.sqlite"],
]


@pytest.mark.parametrize("command", MISSING_BOOK_COMMANDS, ids=" ".join)
def test_a_command_on_a_book_that_is_not_there_creates_nothing(
    cli: Cli, command: list[str], tmp_path: Path, cli_env: dict[str, str]
) -> None:
    book = tmp_path / "no" / "such" / "book.sqlite"
    said = refused(cli("--db", str(book), *command))
    assert said == f"crechebooks: error: there is no book at {book} {NO_BOOK}"
    assert not (tmp_path / "no").exists()
    assert not (tmp_path / "copy.sqlite").exists()
    assert not Path(cli_env["XDG_DATA_HOME"]).exists()


def test_a_missing_book_in_an_existing_folder_stays_missing(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "Creche"
    folder.mkdir()
    refused(cli("--db", str(folder / "book.sqlite"), "check"))
    assert list(folder.iterdir()) == []
    # The default book too (no --db): nothing appears in the data folder.
    said = refused(cli("check"))
    assert said.startswith("crechebooks: error: there is no book at ")
    assert not (tmp_path / "xdg-data").exists()


@pytest.mark.postgres
def test_a_command_on_an_empty_database_leaves_it_empty(cli: Cli, pg_admin_url: str) -> None:
    name = f"cbtest_empty_{uuid.uuid4().hex[:8]}"
    admin = make_url(pg_admin_url).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        for command in (["check"], ["db", "upgrade"], ["balances"]):
            said = refused(cli("--db", url, *command))
            where = f"{admin.host}:{admin.port}/{name}"
            assert said == f"crechebooks: error: there is no book at {where} {NO_BOOK}"
        with closing(psycopg.connect(admin.set(database=name).render_as_string(False))) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
        assert tables == (0,)
        ok(cli("--db", url, "init", "--name", "Acorns"))  # setting a book up is what creates one
        assert ok(cli("--db", url, "check")).endswith(": OK\n")
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@POSIX_ONLY
def test_init_makes_the_book_and_new_folders_owner_only(
    cli: Cli, tmp_path: Path, usual_umask: None
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)  # the user's own folder: left as they made it
    book = shared / "Creche" / "book.sqlite"
    ok(cli("--db", str(book), "init", "--name", "Acorns"))
    assert (mode(shared), mode(book.parent), mode(book)) == (0o755, 0o700, 0o600)


@POSIX_ONLY
def test_a_picture_of_the_window_is_owner_only(cli: Cli, tmp_path: Path, usual_umask: None) -> None:
    """``--screenshot`` shows families' names and debts, like an export."""
    book = tmp_path / "book.sqlite"
    ok(cli("--db", str(book), "demo"))
    picture = tmp_path / "pictures" / "window.png"
    said = ok(
        cli(
            "--db", str(book), "--password-stdin", "--screenshot", str(picture),
            stdin="demo\n", env={"QT_QPA_PLATFORM": "offscreen"},
        )
    )  # fmt: skip
    assert said == f"saved a picture of the main window to {picture}\n"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (mode(picture.parent), mode(picture)) == (0o700, 0o600)
    # No password, no picture: it shows what a sign-in would (issue 13).
    other = tmp_path / "pictures" / "other.png"
    unsigned = cli(
        "--db", str(book), "--screenshot", str(other), env={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert unsigned.code == 1
    assert unsigned.stderr == (
        "crechebooks: error: admin's password is needed: give it with --password-stdin\n"
    )
    assert not other.exists()


def test_an_init_that_is_refused_leaves_no_book(cli: Cli, tmp_path: Path) -> None:
    """Issue 13: the file is made, the creche refused; the file and its new folders go again."""
    book = tmp_path / "Creche" / "new" / "book.sqlite"
    message = refused(cli("--db", str(book), "init", "--name", "Acorns", "--vat-number", "12"))
    assert "VAT number has 10 digits" in message
    assert not (tmp_path / "Creche").exists()
    existing = tmp_path / "kept.sqlite"
    ok(cli("--db", str(existing), "init", "--name", "Acorns"))
    again = cli("--db", str(existing), "init", "--name", "Acorns")
    assert again.code == 1
    note, said = again.stderr.splitlines()  # the one user has no password yet: said first
    assert note.startswith("note: admin has no password yet")
    assert "already has a creche" in said
    assert "Acorns" in ok(cli("--db", str(existing), "settings", "show"))
