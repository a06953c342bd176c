"""Reconciling end to end: ``reconcile ...`` in a separate process.

The creche is the October creche of ``tests/reconcile_fixtures.py``: its
statement imported with running balances, matched and cleared. Refusals are
one line on stderr with exit status 1, and change nothing.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.reconcile_fixtures import build_october

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
ACCOUNT = ("--account", "Cheque")
REPORT = ("reconcile", "report", *ACCOUNT, "--statement-date", "2026-10-31", "--out")


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    build_october(book)
    book.close()
    return ("--db", book_url)


def squeezed(text: str) -> list[str]:
    """The output's lines with each run of spaces made one (columns line up however wide)."""
    return [" ".join(line.split()) for line in text.splitlines()]


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def check_finished_reports(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    """The finished statement as PDF (archived too) and workbook (not archived)."""
    for suffix in ("pdf", "xlsx"):
        out = tmp_path / "reports" / f"october.{suffix}"
        first, *archive = ok(cli(*db, *REPORT, str(out))).splitlines()
        assert first == f"wrote the reconciliation statement of Cheque at 2026-10-31 to {out}"
        assert [line.split(": ")[0] for line in archive] == (
            ["archived"] if suffix == "pdf" else []
        )
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # Another process renders the same bytes, so the archived copy is reused.
    (archived_line,) = ok(cli(*db, *REPORT, str(tmp_path / "again.pdf"))).splitlines()[1:]
    assert archived_line.startswith("already archived, unchanged: ")
    archived = Path(archived_line.split(": ", 1)[1])
    assert archived.parts[-4:] == ("documents", "reconciliations", "2026", "cheque-2026-10-31.pdf")
    assert archived.read_bytes() == (tmp_path / "reports" / "october.pdf").read_bytes()


def test_reconcile_finish_lock_unlock(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    assert "Cheque has no reconciliation; start one with" in refused(
        cli(*db, "reconcile", "status", *ACCOUNT)
    )
    started = ok(cli(*db, "reconcile", "start", *ACCOUNT, "--statement-date", "2026-10-31"))
    assert started.splitlines()[0] == (
        "Cheque, statement date 2026-10-31 (in progress; lines from 2026-10-01)"
    )
    assert "Opening balance R 10 000,00" in squeezed(started)
    assert "Cleared money in R 16 150,00" in squeezed(started)
    assert "Cleared money out -R 1 285,00" in squeezed(started)
    assert "Closing balance per statement R 24 865,00" in squeezed(started)
    assert "Difference R 0,00" in squeezed(started)
    assert "Not cleared: 0 line(s)" in started
    assert "Timing differences: 1" in started
    assert "BOTHA04: payment by cash" in started
    assert "Ready to finish: crechebooks reconcile finish --account 'Cheque'" in started
    draft = tmp_path / "reports" / "draft.pdf"
    assert ok(cli(*db, *REPORT, str(draft))).splitlines() == [
        f"wrote the reconciliation statement of Cheque at 2026-10-31 to {draft}",
        "not archived: the reconciliation is not finished",
    ]
    assert draft.read_bytes().startswith(b"%PDF")

    figures = json.loads(ok(cli(*db, "reconcile", "status", *ACCOUNT, "--json")))
    assert list(figures)[:8] == [
        "account",
        "statement_date",
        "opening_cents",
        "closing_cents",
        "cleared_cents",
        "difference_cents",
        "uncleared_lines",
        "timing_differences",
    ]
    assert (figures["difference_cents"], figures["closing_cents"]) == (0, 2_486_500)

    finished = ok(cli(*db, "reconcile", "finish", *ACCOUNT))
    assert finished.strip() == (
        "finished: Cheque is reconciled to R 24 865,00 on 2026-10-31 and locked through 2026-10-31"
    )
    late = tmp_path / "late.csv"
    late.write_text("Date,Amount,Description\n2026-10-20,10.00,INTEREST\n", encoding="utf-8")
    message = refused(cli(*db, "bank", "import", str(late), *ACCOUNT))
    assert message.startswith(
        f"crechebooks: error: cannot import {late} into Cheque: {late}:2 (2026-10-20) fall in "
        "the locked period: Cheque is reconciled and locked through 2026-10-31"
    ), message
    assert "reconcile unlock --account 'Cheque' --reason TEXT" in message

    check_finished_reports(cli, db, tmp_path)
    sheet = load_workbook(tmp_path / "reports" / "october.xlsx").active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Closing balance per statement"] == 24865
    assert str(cells["Status"]).startswith("Finished by admin on ")
    assert "the report is written as FILE.pdf or FILE.xlsx" in refused(
        cli(
            *db, "reconcile", "report", *ACCOUNT, "--statement-date", "2026-10-31", "--out", "x.txt"
        )
    )

    assert "the following arguments are required: --reason" in refused(
        cli(*db, "reconcile", "unlock", *ACCOUNT), code=2
    )
    unlocked = ok(cli(*db, "reconcile", "unlock", *ACCOUNT, "--reason", "bank corrected a fee"))
    assert "open to change again" in unlocked
    assert "1 line(s) imported" in ok(cli(*db, "bank", "import", str(late), *ACCOUNT))
    history = json.loads(ok(cli(*db, "reconcile", "history", *ACCOUNT, "--json")))
    (only,) = history["reconciliations"]
    assert (only["status"], only["finished_by"], only["unlocked_by"], only["unlock_reason"]) == (
        "UNLOCKED",
        "admin",
        "admin",
        "bank corrected a fee",
    )
    listed = ok(cli(*db, "reconcile", "history", *ACCOUNT))
    assert "UNLOCKED" in listed
    assert "1 reconciliation(s)" in listed


@pytest.mark.parametrize("backend", ["sqlite"])  # the services are tested on both
def test_a_difference_refuses_to_finish(cli: Cli, db: tuple[str, str]) -> None:
    started = ok(
        cli(
            *db,
            "reconcile",
            "start",
            *ACCOUNT,
            "--statement-date",
            "2026-10-31",
            "--closing-balance",
            "24 875,00",
        )
    )
    assert "Difference R 10,00" in squeezed(started)
    assert "the imported file says R 24 865,00; the closing balance you gave decides" in started
    message = refused(cli(*db, "reconcile", "finish", *ACCOUNT))
    assert message == (
        "crechebooks: error: cannot finish the reconciliation of Cheque at 2026-10-31: the "
        "difference is R 10,00 (closing R 24 875,00 - opening R 10 000,00 - cleared "
        "R 14 865,00); it must be zero; see: crechebooks reconcile status --account 'Cheque'"
    )
    assert "locked_through" in ok(cli(*db, "reconcile", "status", *ACCOUNT, "--json"))
    assert "--statement-date: date must be YYYY-MM-DD" in refused(
        cli(*db, "reconcile", "start", *ACCOUNT, "--statement-date", "31/10/2026"), code=1
    )
