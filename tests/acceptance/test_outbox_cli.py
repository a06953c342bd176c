"""``invoices send`` by e-mail or for printing, and ``outbox list|send|retry``, end to end.

A real SMTP server runs on loopback in this process; the commands run as
their own processes, as a scheduled task runs them (issue 12).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.delivery_fixtures import (
    FAMILY_EMAILS,
    SENDER,
    SMTP_PASSWORD,
    SmtpServer,
    build_families,
    running_smtp,
)

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
EMAILED = sorted(a for a in FAMILY_EMAILS.values() if a)
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def ok(result: Any, code: int = 0) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stdout)


def refused(result: Any) -> str:
    assert result.code == 1, result
    assert result.stderr.startswith("crechebooks: error: "), result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stderr.strip().removeprefix("crechebooks: error: "))


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with running_smtp() as running:
        yield running


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """A book with five households invoiced (DRAFT) for October 2026."""
    book, _ = Book.open(Settings(book_url, tmp_path / "in-process-files"))
    try:
        build_families(book)
    finally:
        book.close()
    return ("--db", book_url)


def configure(cli: Cli, db: tuple[str, str], server: SmtpServer) -> None:
    for key, value in (
        ("smtp-host", server.host),
        ("smtp-port", str(server.port)),
        ("smtp-security", "none"),
        ("smtp-from", SENDER),
    ):
        assert ok(cli(*db, "settings", "set", key, value)) == f"{key} = {value}\n"


def messages(cli: Cli, db: tuple[str, str], *status: str) -> list[dict[str, Any]]:
    listed = json.loads(ok(cli(*db, "outbox", "list", *status, "--json")))
    return list(listed["messages"])


def received(server: SmtpServer) -> Counter[str]:
    return Counter(r for m in server.recorder.received for r in m.recipients)


def test_without_smtp_the_pdfs_are_written_for_printing(cli: Cli, db: tuple[str, str]) -> None:
    sending = cli(*db, "invoices", "send", "--month", "2026-10")
    said = ok(sending).splitlines()
    # The creche has no banking details: the PDFs say to ask the office, and it is said once.
    assert sending.stderr.startswith("warning: the creche has no banking details")
    assert sending.stderr.count("\n") == 1
    assert said[0] == "sent 6 invoice(s)"
    prefix = "no SMTP server is set (`crechebooks settings set smtp-host HOST` and "
    assert said[1].startswith(prefix)
    assert "the 6 invoice PDF(s) were written for printing to " in said[1]
    folder = Path(said[1].rsplit(" to ", 1)[1])
    assert sorted(p.name for p in folder.glob("*.pdf")) == [
        f"INV-2026-{n:06d}.pdf" for n in range(1, 7)
    ]
    printed = messages(cli, db, "--status", "printed")
    assert len(printed) == 5
    assert {m["last_error"] for m in printed} == {"no SMTP server is set"}
    assert all(m["recipients"] == [] for m in printed)
    text = ok(cli(*db, "outbox", "list")).splitlines()
    assert text[-1] == "5 message(s)"
    assert text[0].split() == ["id", "status", "kind", "household", "to", "subject", "note"]
    assert "PRINTED" in text[1]
    assert "(printed)" in text[1]
    assert text[1].endswith("  no SMTP server is set")


def test_send_by_email_then_retry_the_refused_one(
    cli: Cli, db: tuple[str, str], server: SmtpServer
) -> None:
    configure(cli, db, server)
    server.recorder.refuse.add("tebogo@mokoena.test")
    said = json.loads(ok(cli(*db, "invoices", "send", "--month", "2026-10", "--json"), code=1))
    assert len(said["sent"]) == 6
    delivery = said["delivery"]
    assert delivery["mode"] == "email"
    assert len(delivery["queued"]) == 4
    assert [(p["household_ref"], p["reason"]) for p in delivery["printed"]] == [
        ("BOTHA04", "no e-mail address")
    ]
    report = delivery["report"]
    assert sorted(r for m in report["sent"] for r in m["recipients"]) == sorted(
        set(EMAILED) - {"tebogo@mokoena.test"}
    )
    (failed,) = report["failed"]
    assert failed["household_ref"] == "MOKOENA05"
    assert failed["error"].startswith("the server refused tebogo@mokoena.test: 550 5.1.1")
    for message in messages(cli, db, "--status", "SENT"):
        (got,) = server.recorder.to(message["recipients"][0])
        assert got.message["Subject"] == message["subject"]
        attachments = got.attachments()
        for attachment in message["attachments"]:
            archived = Path(attachment["local_path"]).read_bytes()
            assert attachments[attachment["file_name"]] == attachment["sha256"]
            assert hashlib.sha256(archived).hexdigest() == attachment["sha256"]

    text = ok(cli(*db, "outbox", "list", "--status", "failed")).splitlines()
    assert text[0].split()[:2] == ["id", "status"]
    assert "  FAILED  invoice  MOKOENA05  tebogo@mokoena.test  " in text[1]
    assert "  the server refused tebogo@mokoena.test: 550" in text[1]
    server.recorder.refuse.clear()
    retried = ok(cli(*db, "outbox", "retry", str(failed["id"]))).splitlines()
    assert retried[:2] == ["queued 1 message(s) again", "e-mailed 1 message(s)"]
    assert received(server) == Counter(set(EMAILED))

    again = ok(cli(*db, "invoices", "send", "--month", "2026-10")).splitlines()
    assert again == ["sent 0 invoice(s)", "e-mailed 0 message(s)"]
    assert received(server) == Counter(set(EMAILED))  # nobody twice
    said = refused(cli(*db, "outbox", "retry", str(failed["id"])))
    assert said.startswith(f"outbox message {failed['id']} was sent on ")


def test_a_dropped_connection_then_outbox_send_sends_the_rest(
    cli: Cli, db: tuple[str, str], server: SmtpServer
) -> None:
    configure(cli, db, server)
    server.recorder.drop_before_message = 3
    said = ok(cli(*db, "invoices", "send", "--month", "2026-10"), code=1).splitlines()
    assert said[:2] == ["sent 6 invoice(s)", "e-mailed 2 message(s)"]
    assert said[2].startswith("stopped: the connection to the SMTP server was lost")
    assert said[3] == "2 message(s) still queued; `crechebooks outbox send` sends them"
    assert said[4].startswith("no e-mail address, so print theirs: Ms Anna Botha (BOTHA04)")
    assert len(messages(cli, db, "--status", "QUEUED")) == 2
    assert ok(cli(*db, "outbox", "send")) == "e-mailed 2 message(s)\n"
    assert received(server) == Counter(set(EMAILED))
    assert ok(cli(*db, "outbox", "send")) == "e-mailed 0 message(s)\n"


def test_the_smtp_password_without_a_keyring(
    cli: Cli, db: tuple[str, str], server: SmtpServer, book_url: str, tmp_path: Path
) -> None:
    said = refused(cli(*db, "settings", "set", "smtp-password", "--stdin", stdin="x\n"))
    assert said == "set smtp-host and smtp-from before the password"
    configure(cli, db, server)
    assert ok(cli(*db, "settings", "set", "smtp-user", "office")) == "smtp-user = office\n"
    # No keyring for the sign-in either: the first line of stdin is admin's password,
    # the next the SMTP password.
    stored = cli(
        *db, "--password-stdin", "settings", "set", "smtp-password", "--stdin",
        stdin="demo\n" + SMTP_PASSWORD + "\n", env=NO_KEYRING,
    )  # fmt: skip
    assert refused(stored) == (
        "this machine has no keyring (no keyring backend is available), so the SMTP password "
        "cannot be stored; it will be asked once per session when mail is sent, and kept "
        "only in memory"
    )
    assert SMTP_PASSWORD not in stored.stdout + stored.stderr
    on_line = refused(cli(*db, "settings", "set", "smtp-password", SMTP_PASSWORD))
    assert on_line.startswith("the SMTP password is not given on the command line")
    assert SMTP_PASSWORD not in on_line
    assert refused(cli(*db, "settings", "set", "smtp-host")) == (
        "settings set smtp-host: give the value ('' clears it)"
    )
    sending = cli(
        *db, "--password-stdin", "invoices", "send", "--month", "2026-10", stdin="demo\n",
        env=NO_KEYRING,
    )  # fmt: skip
    assert refused(sending) == (
        "this machine has no keyring (no keyring backend is available), so the SMTP password "
        "of office must be typed at a terminal (once per session); nothing was sent"
    )
    # Asked first: nothing changed, nothing queued, nothing sent.
    assert messages(cli, db) == []
    assert server.recorder.received == []
    listed = json.loads(ok(cli(*db, "invoices", "list", "--status", "DRAFT", "--json")))
    assert len(listed["invoices"]) == 6
    if book_url.startswith("sqlite:///"):
        book_file = Path(book_url.removeprefix("sqlite:///"))
        for path in book_file.parent.rglob("*"):
            if path.is_file():
                assert SMTP_PASSWORD.encode() not in path.read_bytes(), path
