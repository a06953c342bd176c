"""``crechebooks invoices import``: a previous system's invoices, end to end (issue 16)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.paths import resources_dir
from tests.cli_results import ok
from tests.roster_support import sample_creche

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
SAMPLE = resources_dir() / "samples" / "invoice_history.csv"
BAD = (
    "OLD-1,NOBODY99,,2025-10-01,2025-10-07,Fees,100,0",
    "OLD-2,DLAMINI01,,2025-10-01,2025-09-07,Fees,100,0",
    "INV-2025-000001,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,0",
    "OLD-4,DLAMINI01,,2025-10-01,2025-10-07,Fees,100,200",
)
OURS = "would collide with this book's numbering (INV-YYYY-NNNNNN)"
HEADER = "number,household_ref,child_ref,issue_date,due_date,description,total,amount_paid"


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """``--db URL`` of a creche with the sample fees and roster."""
    sample_creche(book_url, tmp_path / "setup-files")
    return ("--db", book_url)


def _sample(tmp_path: Path) -> str:
    path = tmp_path / "history.csv"
    path.write_bytes(SAMPLE.read_bytes())
    return path.name


def test_import_prints_counts_and_a_second_import_adds_nothing(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    name = _sample(tmp_path)
    assert ok(cli(*db, "invoices", "import", name, "--dry-run")) == (
        "history.csv: would import 4 invoice(s), 0 already imported; "
        "billed R 14 055,00, paid R 6 625,00\n"
    )
    assert ok(cli(*db, "invoices", "import", name)) == (
        "history.csv: imported 4 invoice(s), 0 already imported; "
        "billed R 14 055,00, paid R 6 625,00\n"
    )
    again = json.loads(ok(cli(*db, "invoices", "import", name, "--json")))
    assert again == {
        "file": "history.csv",
        "imported": 0,
        "already_imported": 4,
        "billed_cents": 0,
        "paid_cents": 0,
        "dry_run": False,
        "numbers": [],
    }
    shown = json.loads(ok(cli(*db, "invoices", "show", "OLD-1002", "--json")))
    assert (shown["imported"], shown["status"], shown["balance_due_cents"]) == (
        True,
        "PARTIALLY_PAID",
        200_000,
    )
    text = ok(cli(*db, "invoices", "show", "old-1002"))
    assert "imported from the previous system" in text
    listed = json.loads(ok(cli(*db, "invoices", "list", "--json")))["invoices"]
    assert {i["number"]: i["imported"] for i in listed} == {
        "OLD-1001": True,
        "OLD-1002": True,
        "OLD-1003": True,
        "OLD-1004": True,
    }


def test_a_bad_file_prints_every_problem_and_writes_nothing(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    (tmp_path / "bad.csv").write_text(
        "\n".join((HEADER, *BAD)),
        encoding="utf-8",
    )
    done = cli(*db, "invoices", "import", "bad.csv", "--json")
    assert (done.code, done.stdout) == (1, "")
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "crechebooks: error: bad.csv was not imported (4 problems); nothing was changed",
        "bad.csv:2: household_ref: no household 'NOBODY99'",
        "bad.csv:3: due_date: 2025-09-07 is before the issue date",
        f"bad.csv:4: number: INV-2025-000001 {OURS}",
        "bad.csv:5: amount_paid: more than the invoice's total",
    ]
    assert json.loads(ok(cli(*db, "invoices", "list", "--json")))["invoices"] == []


def test_a_missing_file_is_refused_cleanly(cli: Cli, db: tuple[str, str]) -> None:
    done = cli(*db, "invoices", "import", "nowhere.csv")
    assert done.code == 1
    assert done.stderr.startswith("crechebooks: error: cannot read nowhere.csv")
    assert "Traceback" not in done.stderr


def test_help_names_the_columns_and_defaults(cli: Cli) -> None:
    text = ok(cli("invoices", "import", "--help"))
    for words in ("amount_paid", "paid_date", "default the issue date", "--dry-run"):
        assert words in " ".join(text.split()), words
