"""Statements and arrears end to end: ``statements show`` and ``arrears`` in a separate process.

The creche is the one of ``tests/unit/services/test_arrears.py``. Refusals are
one line on stderr with a non-zero exit status and no traceback.
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
from tests.unit.services.test_arrears import Book1

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    Book1(book)
    book.close()
    return ("--db", book_url)


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def test_statements_and_arrears_on_the_command_line(cli: Cli, db: tuple[str, str]) -> None:
    shown = json.loads(
        ok(cli(*db, "statements", "show", "--household", "ADAMS01", "--month", "2026-04", "--json"))
    )
    assert list(shown)[:8] == [
        "household_ref", "child_ref", "kind", "from", "to", "opening_cents", "closing_cents",
        "lines",
    ]  # fmt: skip
    assert (shown["from"], shown["to"], shown["opening_cents"]) == (
        "2026-04-01",
        "2026-04-30",
        100_000,
    )
    assert shown["closing_cents"] == 180_000
    assert list(shown["lines"][0]) == [
        "date", "kind", "reference", "description", "amount_cents", "balance_cents",
    ]  # fmt: skip
    assert set(shown["aging"]) == {
        "current_cents", "days_30_cents", "days_60_cents", "days_90_plus_cents",
    }  # fmt: skip
    text = ok(cli(*db, "statements", "show", "--household", "adams01", "--quarter", "2026-Q1"))
    assert text.splitlines()[0] == (
        "Statement for ADAMS01 (Parent ADAMS01), 2026-01-01 to 2026-03-31"
    )
    assert "Payment reference: ADAMS01" in text
    child = json.loads(ok(cli(*db, "statements", "show", "--household", "ADAMS01",
                              "--child", "ADAMS01-2", "--year", "2026", "--json")))  # fmt: skip
    assert (child["kind"], child["child_ref"], child["closing_cents"]) == (
        "child",
        "ADAMS01-2",
        80_000,
    )
    may = ("--from", "2026-05-01", "--to", "2026-05-31")
    opened = json.loads(
        ok(cli(*db, "statements", "show", "--household", "BOTHA02", *may, "--open-items", "--json"))
    )
    assert [(line["kind"], line["amount_cents"]) for line in opened["lines"]] == [
        ("credit", -30_000)
    ]

    arrears = json.loads(ok(cli(*db, "arrears", "--as-of", "2026-05-20", "--json")))
    assert list(arrears) == ["as_of", "summary", "top_debtors", "invoices", "credits"]
    assert arrears["summary"]["total_outstanding_cents"] == 180_000
    assert arrears["credits"]["total_cents"] == 30_000
    plain = ok(cli(*db, "arrears", "--as-of", "2026-05-20"))
    assert plain.splitlines()[0] == (
        "Arrears at 2026-05-20: R 1 800,00 on 2 invoice(s) of 1 household(s)"
    )
    assert "Credit held beside the arrears: R 300,00 for 1 household(s)" in plain

    show = (*db, "statements", "show", "--household")
    assert refused(cli(*show, "NOPE01", "--month", "2026-05")) == (
        "crechebooks: error: no household 'NOPE01' in this creche"
    )
    assert "--month: there is no month 13" in refused(cli(*show, "ADAMS01", "--month", "2026-13"))
    assert "give the period once" in refused(
        cli(*show, "ADAMS01", "--month", "2026-05", "--from", "2026-05-01")
    )
    assert "give both --from and --to" in refused(cli(*show, "ADAMS01", "--from", "2026-05-01"))
    assert "ends before it starts" in refused(
        cli(*show, "ADAMS01", "--from", "2026-05-31", "--to", "2026-05-01")
    )
    assert "--as-of" in refused(cli(*db, "arrears", "--as-of", "20-05-2026"))

    sent = ok(cli(*db, "statements", "send", "--all", "--only-owing", "--month", "2026-05"))
    assert "no SMTP server is set" in sent
    # ADAMS01 owes, and so does CELE03 on the ledger: its draft was posted when it was made.
    assert "the 2 statement(s) were written for printing to" in sent
    assert refused(
        cli(*db, "statements", "send", "--household", "NOPE01", "--month", "2026-05")
    ) == ("crechebooks: error: no household 'NOPE01' in this creche")
