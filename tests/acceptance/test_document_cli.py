"""``crechebooks invoices pdf`` and ``invoices export`` end to end, as scheduled tasks run them."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.invoice_lifecycle import void_invoice
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed"),
]

Cli = Callable[..., Any]
NOVEMBER = dt.date(2026, 11, 1)
# The demo's opening balances are INV-2026-000001..9; the November run follows.
FIRST = "INV-2026-000010"
VOIDED = "INV-2026-000011"


@pytest.fixture
def november(book_url: str, tmp_path: Path) -> str:
    """The demo creche on its first day, then its November invoices, one of them voided."""
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    try:
        with book.write() as uow:
            tenant = create_demo_creche(uow, dt.date(2026, 11, 21), months=0).creche.tenant_id
        with book.read(tenant) as uow:
            actor = acting_user(uow, tenant, None)
        generate_month(lambda: book.write(tenant), actor, NOVEMBER)
        with book.write(tenant) as uow:
            void_invoice(uow, actor, VOIDED, "enrolment cancelled")
    finally:
        book.close()
    return book_url


def refused(result: Any) -> str:
    assert result.code == 1, result
    assert result.stderr.startswith("crechebooks: error: "), result
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
    return re.sub(r"[ \t]+", " ", done.stdout)


def test_pdf_of_one_invoice(cli: Cli, november: str, tmp_path: Path) -> None:
    db = ("--db", november)
    out = ok(cli(*db, "invoices", "pdf", FIRST.lower()))
    match = re.fullmatch(rf"wrote {FIRST} to {FIRST}\.pdf \(archived as (.+)\)\n", out)
    assert match, out
    archived = Path(match[1])
    assert archived.parts[-4:] == ("documents", "invoices", "2026", f"{FIRST}.pdf")
    written = tmp_path / f"{FIRST}.pdf"  # the command's working folder
    assert written.read_bytes() == archived.read_bytes()
    text = text_of(written)
    assert "Tax Invoice" in text
    assert "VAT No. 4123456789" in text
    assert f"Please use reference {FIRST} DLAMINI01" in text

    again = ok(cli(*db, "invoices", "pdf", FIRST, "--out", "letters/dlamini.pdf"))
    assert again == (
        f"wrote {FIRST} to letters/dlamini.pdf (unchanged since it was archived as {archived})\n"
    )
    assert (tmp_path / "letters" / "dlamini.pdf").read_bytes() == archived.read_bytes()

    voided = ok(cli(*db, "invoices", "pdf", VOIDED))
    assert "archived as" in voided
    assert "VOID — enrolment cancelled" in text_of(tmp_path / f"{VOIDED}.pdf")


def test_pdf_of_a_month(cli: Cli, november: str, tmp_path: Path) -> None:
    db = ("--db", november)
    listed = ok(cli(*db, "invoices", "list", "--month", "2026-11")).splitlines()
    live = sorted(
        line.split()[0] for line in listed if line.startswith("INV-") and "VOID" not in line
    )
    assert len(live) == 58
    done = cli(*db, "invoices", "pdf", "--month", "2026-11", "--out-dir", "out")
    assert ok(done) == "wrote 58 invoice PDFs for 2026-11 to out; archived 58 new, 0 unchanged\n"
    assert done.stderr == ""  # no progress when stderr is not a terminal
    assert sorted(p.stem for p in (tmp_path / "out").iterdir()) == live
    again = ok(cli(*db, "invoices", "pdf", "--month", "2026-11", "--out-dir", "out"))
    assert again.endswith("archived 0 new, 58 unchanged\n")
    empty = ok(cli(*db, "invoices", "pdf", "--month", "2026-12", "--out-dir", "out"))
    assert empty == "no invoices to print for 2026-12\n"


def test_export_csv_and_xlsx(cli: Cli, november: str, tmp_path: Path) -> None:
    db = ("--db", november)
    assert ok(cli(*db, "invoices", "export", "--format", "csv", "--out", "all.csv")) == (
        "wrote 68 invoices to all.csv\n"
    )
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 68
    assert {r["Status"] for r in rows} == {"SENT", "DRAFT", "VOID"}  # opening balances are SENT
    first = next(r for r in rows if r["Number"] == FIRST)
    assert (first["Household"], first["Month"], first["Issue date"]) == (
        "DLAMINI01",
        "2026-11",
        "2026-11-01",
    )
    assert re.fullmatch(r"\d+\.\d\d", first["Total"])

    done = cli(
        *db,
        "invoices",
        "export",
        "--format",
        "xlsx",
        "--out",
        "dlamini.xlsx",
        "--month",
        "2026-11",
        "--status",
        "DRAFT",
        "--household",
        "dlamini01",
    )
    assert ok(done) == "wrote 1 invoices to dlamini.xlsx\n"
    sheet = load_workbook(tmp_path / "dlamini.xlsx").active
    assert sheet["A2"].value == FIRST
    assert sheet["G2"].is_date
    assert sheet["L1"].value == "Total"
    assert isinstance(sheet["L2"].value, int | float)
    assert format_rands(round(sheet["L2"].value * 100)) == format_rands(
        int(first["Total"].replace(".", ""))
    )
    assert sheet["L3"].value == "=SUM(L2:L2)"


def test_refusals(cli: Cli, november: str, tmp_path: Path) -> None:
    db = ("--db", november)
    assert refused(cli(*db, "invoices", "pdf", "INV-2026-999999")) == (
        "crechebooks: error: no invoice 'INV-2026-999999' in this creche"
    )
    assert not (tmp_path / "INV-2026-999999.pdf").exists()
    bad_month = refused(cli(*db, "invoices", "pdf", "--month", "Nov 2026", "--out-dir", "x"))
    assert "month must be YYYY-MM, e.g. 2026-03" in bad_month
    bad_month = refused(
        cli(*db, "invoices", "export", "--format", "csv", "--out", "x.csv", "--month", "2026-13")
    )
    assert "--month: there is no month 13" in bad_month
    assert refused(cli(*db, "invoices", "pdf", "--month", "2026-11")) == (
        "crechebooks: error: --month needs --out-dir DIR, the folder to write the PDFs into"
    )
    assert "--out goes with an invoice number" in refused(
        cli(*db, "invoices", "pdf", "--month", "2026-11", "--out", "x.pdf")
    )
    (tmp_path / "a-file").write_text("in the way")
    unwritable = refused(cli(*db, "invoices", "pdf", FIRST, "--out", "a-file/x.pdf"))
    assert unwritable.startswith("crechebooks: error: cannot write a-file/x.pdf: ")
    assert "cannot write" in refused(
        cli(*db, "invoices", "export", "--format", "xlsx", "--out", "a-file/x.xlsx")
    )
    assert "it is a file, not a folder" in refused(
        cli(*db, "invoices", "pdf", "--month", "2026-11", "--out-dir", "a-file")
    )
    listed = ok(cli(*db, "invoices", "pdf", FIRST))  # nothing above archived anything
    assert "archived as" in listed


def test_pdfs_warn_when_the_creche_has_no_banking_details(
    cli: Cli, november: str, tmp_path: Path
) -> None:
    db = ("--db", november)
    ok(cli(*db, "settings", "set", "bank_account_number", ""))
    warning = (
        "warning: the creche has no banking details, so the invoices say to ask the office for "
        "them; set them with: crechebooks settings set bank_account_number NUMBER "
        "(and bank_name, bank_account_name, bank_branch_code)\n"
    )
    one = cli(*db, "invoices", "pdf", FIRST)
    assert ok(one).startswith(f"wrote {FIRST} to {FIRST}.pdf")
    assert one.stderr == warning
    assert "Ask the office for our banking details" in text_of(tmp_path / f"{FIRST}.pdf")
    month = cli(*db, "invoices", "pdf", "--month", "2026-11", "--out-dir", "out")
    assert ok(month).startswith("wrote 58 invoice PDFs for 2026-11 to out")
    assert month.stderr == warning  # once for the month, not once per invoice
