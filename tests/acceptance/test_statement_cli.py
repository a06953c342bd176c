"""``crechebooks statements pdf`` and ``arrears export`` end to end, as scheduled tasks run them."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.statement_fixtures import PAYER, November, build_november

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed"),
]

Cli = Callable[..., Any]
MONTH = ("--month", "2026-11")
ARCHIVED = re.compile(r"archived as (\S+)\)")


@pytest.fixture
def november_url(book_url: str, tmp_path: Path) -> tuple[str, November]:
    """The statement tests' November book (``tests.statement_fixtures``), closed again."""
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    try:
        return book_url, build_november(book)
    finally:
        book.close()


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stderr.strip())


def text_of(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    return re.sub(r"\s+", " ", done.stdout)


def test_pdf_of_one_household(cli: Cli, november_url: tuple[str, November], tmp_path: Path) -> None:
    db = ("--db", november_url[0])
    out = ok(cli(*db, "statements", "pdf", "--household", PAYER.lower(), *MONTH))
    name = f"{PAYER}-2026-11-01-2026-11-30.pdf"
    assert out.startswith(f"wrote {PAYER}'s statement for 2026-11-01 to 2026-11-30 to {name} (")
    archived = Path(ARCHIVED.search(out)[1])  # type: ignore[index]
    assert archived.parts[-4:] == ("documents", "statements", "2026", name)
    written = tmp_path / name
    assert written.read_bytes() == archived.read_bytes()
    text = text_of(written)
    assert "Statement of account" in text
    assert "Closing balance at 30 November 2026 R 2 100,00" in text
    assert f"Use reference: {PAYER}" in text

    again = ok(cli(*db, "statements", "pdf", "--household", PAYER, "--from", "2026-11-01",
                   "--to", "2026-11-30", "--out", "letters/dlamini.pdf"))  # fmt: skip
    assert again == (
        f"wrote {PAYER}'s statement for 2026-11-01 to 2026-11-30 to letters/dlamini.pdf "
        f"(unchanged since it was archived as {archived})\n"
    )
    assert (tmp_path / "letters" / "dlamini.pdf").read_bytes() == archived.read_bytes()

    opened = ok(cli(*db, "statements", "pdf", "--household", PAYER, *MONTH, "--open-items"))
    assert "-open.pdf" in opened
    assert "Open items" in text_of(tmp_path / f"{PAYER}-2026-11-01-2026-11-30-open.pdf")


def test_pdf_of_every_household(
    cli: Cli, november_url: tuple[str, November], tmp_path: Path
) -> None:
    url, data = november_url
    db = ("--db", url)
    done = cli(*db, "statements", "pdf", "--all", *MONTH, "--out-dir", "out")
    summary = ok(done)
    assert re.fullmatch(
        r"wrote 45 statement PDFs for 2026-11-01 to 2026-11-30 to out; "
        r"archived 45 new, 0 unchanged in \S+/documents/statements\n",
        summary,
    ), summary
    assert done.stderr == ""  # no progress when stderr is not a terminal
    assert sorted(p.stem for p in (tmp_path / "out").iterdir()) == list(data.refs)

    owing = ok(cli(*db, "statements", "pdf", "--all", "--only-owing", *MONTH, "--out", "all.pdf"))
    count = len(data.owing)
    assert owing.startswith(
        f"wrote {count} statements for 2026-11-01 to 2026-11-30 into all.pdf; "
        f"archived 0 new, {count} unchanged in "
    )
    text = text_of(tmp_path / "all.pdf")
    assert f"Account {data.in_credit} " not in text
    for ref in data.owing:
        assert f"Account {ref} " in text

    nothing = ok(cli(*db, "statements", "pdf", "--all", "--only-owing", "--month", "2026-01",
                     "--out-dir", "old"))  # fmt: skip
    assert nothing == "no statements to print for 2026-01-01 to 2026-01-31\n"
    assert list((tmp_path / "old").iterdir()) == []


def test_a_creche_without_banking_details_is_warned(
    cli: Cli, november_url: tuple[str, November], tmp_path: Path
) -> None:
    db = ("--db", november_url[0])
    ok(cli(*db, "settings", "set", "bank_account_number", ""))
    done = cli(*db, "statements", "pdf", "--household", PAYER, *MONTH, "--out", "s.pdf")
    ok(done)
    assert done.stderr.startswith("warning: the creche has no banking details")
    assert "banking details are not on record" in text_of(tmp_path / "s.pdf")


def test_bad_options_are_refused_clearly(
    cli: Cli, november_url: tuple[str, November], tmp_path: Path
) -> None:
    db = ("--db", november_url[0])
    pdf = (*db, "statements", "pdf")
    cases = {
        (*pdf, "--all", *MONTH): "--all needs --out-dir DIR",
        (*pdf, "--all", *MONTH, "--out", "a.pdf", "--out-dir", "d"): "--all needs --out-dir DIR",
        (*pdf, "--household", PAYER, *MONTH, "--out-dir", "d"): "--out-dir goes with --all",
        (*pdf, "--household", PAYER, *MONTH, "--only-owing"): "--only-owing goes with --all",
        (*pdf, "--all", "--child", "X", *MONTH, "--out-dir", "d"): "--child goes with --household",
        (*pdf, "--household", PAYER): "give the period once",
        (*pdf, "--household", PAYER, "--month", "2026-13"): "--month",
        (*pdf, "--household", PAYER, "--from", "2026-11-30", "--to", "2026-11-01"): "ends before",
        (*pdf, "--household", "NOBODY99", *MONTH): "no household 'NOBODY99'",
        (*pdf, "--household", PAYER, "--child", "NOCHILD", *MONTH): "no child 'NOCHILD'",
    }
    for args, words in cases.items():
        message = refused(cli(*args))
        assert message.startswith("crechebooks: error: "), message
        assert words in message, (args, message)
    (tmp_path / "taken").write_text("a file")
    blocked = refused(cli(*pdf, "--all", *MONTH, "--out-dir", "taken"))
    assert "cannot write into taken: it is a file, not a folder" in blocked
    blocked = refused(cli(*pdf, "--household", PAYER, *MONTH, "--out", "taken/s.pdf"))
    assert "cannot write" in blocked
    both = refused(cli(*pdf, "--household", PAYER, "--all", *MONTH), code=2)
    assert "not allowed with argument" in both
    assert not (tmp_path / "d").exists()


def test_arrears_export(cli: Cli, november_url: tuple[str, November], tmp_path: Path) -> None:
    url, data = november_url
    db = ("--db", url)
    export = (*db, "arrears", "export", "--as-of", "2026-11-30")
    said = ok(cli(*export, "--format", "xlsx", "--out", "arrears.xlsx"))
    assert said.startswith("wrote the arrears at 2026-11-30 to arrears.xlsx: R ")
    book = load_workbook(io.BytesIO((tmp_path / "arrears.xlsx").read_bytes()))
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    shown = ok(cli(*db, "arrears", "--as-of", "2026-11-30", "--json"))
    report = json.loads(shown)
    total = report["summary"]["total_outstanding_cents"]
    assert Decimal(str(figures["Total outstanding"])) == Decimal(total).scaleb(-2)
    assert f"{len(report['invoices'])} invoice(s)" in said
    held_rows = [row[0] for row in book["Credits"].iter_rows(min_row=2, values_only=True)]
    assert data.in_credit in held_rows

    ok(cli(*export, "--format", "pdf", "--out", "arrears.pdf"))
    text = text_of(tmp_path / "arrears.pdf")
    assert "Arrears report" in text
    assert PAYER in text

    wrong = refused(cli(*export, "--format", "csv", "--out", "a.csv"), code=2)
    assert "invalid choice: 'csv'" in wrong
    folder = refused(cli(*export, "--format", "pdf", "--out", "."))
    assert "it is a folder" in folder
    assert ok(cli(*db, "arrears", "--as-of", "2026-11-30")).startswith("Arrears at 2026-11-30")
