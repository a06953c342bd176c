"""Reminders and scheduled jobs on the command line, in a separate process (issue 12).

No SMTP server is set, so reminders are written for printing; refusals are one
line on stderr with exit status 1 and no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.unit.integrations.test_reminders_send import Creche

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    Creche(book)
    book.close()
    return ("--db", book_url)


def refused(result: Any) -> str:
    assert result.code != 0, result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stderr.strip())


def test_reminders_and_jobs_on_the_command_line(cli: Cli, db: tuple[str, str]) -> None:
    preview = json.loads(ok(cli(*db, "reminders", "preview", "--as-of", "2026-03-14", "--json")))
    assert [(r["household_ref"], r["level"]) for r in preview["reminders"]] == [
        ("ADAMS01", 1), ("BOTHA02", 1), ("CELE03", 1), ("DUBE04", 1),
    ]  # fmt: skip
    assert preview["reminders"][0]["invoices"][0]["days_overdue"] == 7
    ok(cli(*db, "reminders", "hold", "botha02", "--until", "2026-04-30", "--reason", "Plan"))
    sent = ok(cli(*db, "reminders", "send", "--as-of", "2026-03-14"))
    assert "BOTHA02      not reminded until 2026-04-30: Plan" in sent
    assert "the 3 letter(s) were written for printing to" in sent
    again = json.loads(ok(cli(*db, "reminders", "send", "--as-of", "2026-03-14", "--json")))
    assert again["reminders"] == []
    history = json.loads(ok(cli(*db, "reminders", "history", "--json")))["reminders"]
    assert sorted(h["household_ref"] for h in history) == ["ADAMS01", "CELE03", "DUBE04"]
    assert {h["delivery"] for h in history} == {"print"}
    ok(cli(*db, "reminders", "levels", "--days", "5", "15"))
    assert ok(cli(*db, "reminders", "levels")).splitlines() == [
        "level 1: 5 days after the due date — Friendly reminder: school fees outstanding",
        "level 2: 15 days after the due date — Second reminder: school fees overdue",
    ]
    assert "must be more than 15" in refused(cli(*db, "reminders", "levels", "--days", "15", "9"))
    assert "there is no level 3" in refused(
        cli(*db, "reminders", "wording", "3", "--subject", "Hi")
    )
    assert "ADAMS01 is not held" in refused(cli(*db, "reminders", "release", "ADAMS01"))

    ok(cli(*db, "settings", "set", "billing-day", "25"))
    status = json.loads(ok(cli(*db, "jobs", "status", "--as-of", "2026-03-25", "--json")))
    assert [d["job"] for d in status["due"]] == [
        "monthly-invoices", "overdue", "reminders", "weekly-check",
    ]  # fmt: skip
    ran = json.loads(ok(cli(*db, "jobs", "run", "--as-of", "2026-03-25", "--json")))
    assert [(j["job"], j["status"]) for j in ran["jobs"]] == [
        ("monthly-invoices", "DONE"), ("overdue", "DONE"), ("reminders", "DONE"),
        ("weekly-check", "DONE"),
    ]  # fmt: skip
    assert ran["jobs"][2]["result"]["reminders"] == 3  # level 2 for the three not held
    rerun = ok(cli(*db, "jobs", "run", "--as-of", "2026-03-25"))
    assert rerun.count("SKIPPED") == 4
    assert "Due on 2026-03-25: nothing" in ok(cli(*db, "jobs", "status", "--as-of", "2026-03-25"))
    assert "billing day must be from 1 to 28" in refused(
        cli(*db, "settings", "set", "billing-day", "31")
    )
