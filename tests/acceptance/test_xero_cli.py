"""``crechebooks xero ...`` as its own process against the Xero stand-in (issue 15).

The commands run as real processes (a scheduled sync runs them so); the
stand-in runs in this process. One test kills a sync while Xero is answering
and runs it again: nothing reaches Xero twice. Another looks for every token
the stand-in issued in the book, the logs, the outputs and a backup.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.billing_fixtures import invoices
from tests.cli_results import ok
from tests.xero_standin import XeroStandin
from tests.xero_sync_fixtures import ORGANISATION, december_month, play_browser, send_december

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]


@pytest.fixture
def standin_env(cli_env: dict[str, str]) -> Iterator[XeroStandin]:
    """A stand-in, and the commands' environment pointing at it."""
    with XeroStandin() as standin:
        cli_env["CRECHEBOOKS_XERO_LOGIN_URL"] = standin.login_url
        cli_env["CRECHEBOOKS_XERO_IDENTITY_URL"] = standin.identity_url
        cli_env["CRECHEBOOKS_XERO_API_URL"] = standin.api_url
        yield standin
    assert not standin.internal_errors, standin.internal_errors


@pytest.fixture
def month_book(book_url: str, tmp_path: Path) -> str:
    """December's invoices sent, in a book the commands open."""
    book, _ = Book.open(Settings(book_url, tmp_path / "in-process-files"))
    try:
        _creche, actor = december_month(book)
        send_december(book, actor)
    finally:
        book.close()
    return book_url


def _start(cli_env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli_main", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=cli_env,
        cwd=tmp_path,
    )


def _connect(cli_env: dict[str, str], tmp_path: Path, db: str) -> str:
    """``xero connect --no-browser``: the test reads the URL and plays the browser."""
    process = _start(
        cli_env, tmp_path, "--db", db, "xero", "connect", "--client-id", "TESTCLIENTID",
        "--no-browser", "--tenant", ORGANISATION, "--since", "2026-12-01", "--timeout", "60",
    )  # fmt: skip
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("http"):
            play_browser(line.strip())
            break
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, (lines, out, err)
    assert "Traceback" not in err
    return "".join(lines) + out + err


def test_connect_queue_sync_and_status_from_the_command_line(
    cli: Cli, cli_env: dict[str, str], standin_env: XeroStandin, month_book: str, tmp_path: Path
) -> None:
    run = cli
    said = _connect(cli_env, tmp_path, month_book)
    assert f"Connected to Xero: {ORGANISATION}" in said
    url_lines = [line for line in said.splitlines() if line.startswith("http")]
    assert len(url_lines) == 1  # the authorize URL on a line of its own
    assert "code_challenge_method=S256" in url_lines[0]
    queued = json.loads(
        ok(run("--db", month_book, "xero", "queue", "--since", "2026-12-01", "--json"))
    )
    assert queued["households"] == 3
    ok(run("--db", month_book, "xero", "map", "--account", "*", "--to", "200"))
    plan = json.loads(ok(run("--db", month_book, "xero", "sync", "--dry-run", "--json")))
    assert (plan["contacts"], plan["invoices"]) == (3, queued["invoices"])
    assert plan["calls"] == 2 + 1 + 1 + 1
    report = json.loads(ok(run("--db", month_book, "xero", "sync", "--json")))
    assert report["failed"] == []
    assert report["pending"] == 0
    assert report["sent"] == 3 + queued["invoices"]
    assert report["calls"] == plan["calls"]
    status = json.loads(ok(run("--db", month_book, "xero", "status", "--json")))
    assert status["connected"] is True
    assert status["tenant"] == ORGANISATION
    assert status["pending"] == 0
    assert status["sent"] == report["sent"]
    assert status["calls_left_today"] is not None
    said = ok(run("--db", month_book, "xero", "disconnect"))
    assert ORGANISATION in said
    status = json.loads(ok(run("--db", month_book, "xero", "status", "--json")))
    assert status["connected"] is False


def test_a_killed_sync_then_a_rerun_sends_nothing_twice(
    cli: Cli, cli_env: dict[str, str], standin_env: XeroStandin, month_book: str, tmp_path: Path
) -> None:
    run = cli
    _connect(cli_env, tmp_path, month_book)
    ok(run("--db", month_book, "xero", "queue", "--since", "2026-12-01"))
    ok(run("--db", month_book, "xero", "map", "--account", "*", "--to", "200"))
    standin_env.hold_after_applying("/Invoices")
    process = _start(cli_env, tmp_path, "--db", month_book, "xero", "sync", "--json")
    try:
        # Xero has applied the invoices; the answer is held: the sync is killed before it hears.
        assert standin_env.held.wait(60), "the sync never sent its invoices"
    finally:
        process.kill()
        process.communicate(timeout=30)
        standin_env.release()
    report = json.loads(ok(run("--db", month_book, "xero", "sync", "--json")))
    assert report["failed"] == []
    assert report["pending"] == 0
    book, _ = Book.open(Settings(month_book, tmp_path / "in-process-files"))
    try:
        ours = sorted(i.number for i in invoices(book, 1))
    finally:
        book.close()
    books = standin_env.books(ORGANISATION)
    with standin_env.lock:
        theirs = sorted(i.number for i in books.invoices.values())
        contacts = sorted(c.contact_number or "" for c in books.contacts.values())
    assert theirs == ours  # each exactly once
    assert contacts == ["DLAMINI01", "NAIDOO02", "SMITH03"]
    replayed = [r for r in standin_env.replayed_requests if r.path.endswith("/Invoices")]
    assert len(replayed) == 1  # the rerun's request was the killed one, answered again


def test_no_token_is_found_anywhere_but_the_keyring(
    cli: Cli,
    cli_env: dict[str, str],
    standin_env: XeroStandin,
    month_book: str,
    tmp_path: Path,
) -> None:
    run = cli
    outputs = [_connect(cli_env, tmp_path, month_book)]
    for args in (
        ("xero", "queue", "--since", "2026-12-01"),
        ("xero", "map", "--account", "*", "--to", "200"),
        ("xero", "sync", "--json"),
        ("xero", "status", "--json"),
        ("invoices", "export", "--format", "csv", "--out", str(tmp_path / "invoices.csv")),
        ("backup", str(tmp_path / "backup.zip")),
    ):
        result = run("--db", month_book, *args)
        outputs.append(ok(result) + result.stderr)
    tokens = [*standin_env.identity.access_tokens, *standin_env.identity.refresh_tokens]
    assert len(tokens) >= 2
    places: dict[str, bytes] = {"outputs": "\n".join(outputs).encode()}
    files = [tmp_path / "invoices.csv"]
    if month_book.startswith("sqlite:///"):  # a PostgreSQL book is read through its backup's dump
        book_file = Path(month_book.removeprefix("sqlite:///"))
        files += book_file.parent.glob(book_file.name + "*")
    for path in files:
        places[str(path)] = path.read_bytes()
    with zipfile.ZipFile(tmp_path / "backup.zip") as backup:
        for name in backup.namelist():
            places[f"backup:{name}"] = backup.read(name)
    for path in Path(cli_env["XDG_DATA_HOME"]).rglob("*"):
        if path.is_file():
            places[str(path)] = path.read_bytes()
    keyring_file = Path(cli_env["CRECHEBOOKS_TEST_KEYRING"]).read_bytes()
    assert any(t.encode() in keyring_file for t in tokens)  # where the refresh token belongs
    for where, data in places.items():
        for token in tokens:
            assert token.encode() not in data, f"a Xero token is in {where}"
