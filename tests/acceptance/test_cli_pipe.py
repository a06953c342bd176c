"""A command whose reader stops early (``crechebooks balances | head -1``) ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.services.admin.creches import init_creche
from tests.acceptance.test_cli import opened

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="POSIX pipes and SIGPIPE"),
]

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture
def big_book(book_url: str, tmp_path: Path) -> str:
    """A creche of 3,000 households: listing them (about 180 KB) overfills any pipe (64 KiB)."""
    with opened(book_url, tmp_path) as book, book.write() as uow:
        settings, _actor = init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
        roster = uow.for_tenant(settings.tenant_id).roster
        for n in range(3000):
            roster.add_household(f"FAMILY{n:05}", f"Parent Number {n}")
    return book_url


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("command", "first_line"),
    [(["balances"], "household"), (["balances", "--json"], "{")],
    ids=["balances", "balances --json"],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    big_book: str,
    command: list[str],
    first_line: str,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        # Like `crechebooks balances | head -1`: read one line, then close the pipe.
        # The command cannot have finished: the rest does not fit in the pipe.
        running = subprocess.Popen(
            [sys.executable, "-m", "crechebooks_desktop", "--db", big_book, *command],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=cli_env,
            cwd=tmp_path,
            bufsize=0,
        )
        assert running.stdout is not None
        first = running.stdout.readline()
        running.stdout.close()
        status = running.wait(timeout=120)
    assert first.decode().split()[0] == first_line
    assert status == 141  # 128 + SIGPIPE, as a shell reports it
    assert errors.read_text(encoding="utf-8") == ""
    assert not (Path(cli_env["XDG_DATA_HOME"]) / "CrecheBooks" / "crash.log").exists()
