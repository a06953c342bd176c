"""Invoice lists as CSV and Excel (exporters.invoice_table), read back."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType
from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.invoice_table import (
    RAND_FORMAT,
    write_invoices_csv,
    write_invoices_xlsx,
)
from tests.unit.exporters.samples import invoice, line

HEADER = [
    "Number",
    "Household",
    "Parent",
    "Child",
    "Month",
    "Status",
    "Issue date",
    "Due date",
    "Subtotal",
    "Discount",
    "VAT",
    "Total",
    "Paid",
    "Balance due",
    "Notes",
]

MONTHLY = invoice(child_name="Zoë Pretorius", status=InvoiceStatus.PARTIALLY_PAID, paid=100_001)
OPENING = invoice(
    (line(1, LineType.OPENING_BALANCE, "Opening balance as at 2026-11-01", 123_456_789),),
    number="INV-2026-000003",
    kind=InvoiceKind.AD_HOC,
    child_name=None,
    child_id=None,
    billing_month=None,
    issue_date=dt.date(2026, 11, 1),
    due_date=dt.date(2026, 11, 1),
)
INVOICES = [OPENING, MONTHLY]


def test_csv_has_a_bom_iso_dates_and_plain_amounts(tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv"
    assert write_invoices_csv(INVOICES, path) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNumber,Household,")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADER
    assert rows[1] == [
        "INV-2026-000003",
        "PRETORIU11",
        "Mr Lungile Pretorius & Mrs Elmarie Pretorius",
        "",
        "",
        "SENT",
        "2026-11-01",
        "2026-11-01",
        "1234567.89",
        "0.00",
        "0.00",
        "1234567.89",
        "0.00",
        "1234567.89",
        "",
    ]
    assert rows[2] == [
        "INV-2026-000025",
        "PRETORIU11",
        "Mr Lungile Pretorius & Mrs Elmarie Pretorius",
        "Zoë Pretorius",
        "2026-11",
        "PARTIALLY_PAID",
        "2026-11-01",
        "2026-11-07",
        "4962.83",
        "485.00",
        "52.17",
        "5015.00",
        "1000.01",
        "4014.99",
        "",
    ]


def test_csv_for_excel_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv"
    write_invoices_csv([MONTHLY], path, MoneyStyle.SPACE_COMMA)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1][8:] == ["4962,83", "485,00", "52,17", "5015,00", "1000,01", "4014,99", ""]


def test_xlsx_has_real_numbers_dates_and_a_usable_layout(tmp_path: Path) -> None:
    path = tmp_path / "invoices.xlsx"
    assert write_invoices_xlsx(INVOICES, path) == 2
    sheet = load_workbook(path).active
    assert sheet.title == "Invoices"
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O3"
    opening, monthly, totals = sheet[2], sheet[3], sheet[4]
    assert monthly[3].value == "Zoë Pretorius"
    assert opening[3].value is None
    assert monthly[4].is_date
    assert monthly[4].value.date() == dt.date(2026, 11, 1)
    assert opening[4].value is None
    for cell in (monthly[6], monthly[7]):
        assert cell.is_date
        assert "yy" in cell.number_format
    assert monthly[7].value.date() == dt.date(2026, 11, 7)
    for cell in monthly[8:14]:
        assert cell.data_type == "n"
        assert isinstance(cell.value, int | float)
        assert "R" in cell.number_format
    assert [c.value for c in monthly[8:14]] == [4962.83, 485, 52.17, 5015, 1000.01, 4014.99]
    assert monthly[14].value is None
    assert totals[0].value == "Total"
    assert [c.value for c in totals[8:14]] == [f"=SUM({col}2:{col}3)" for col in "IJKLMN"]
    assert all(c.font.bold for c in totals)
    assert totals[11].number_format == RAND_FORMAT
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["F"].width >= 8


def test_xlsx_amounts_are_written_exactly(tmp_path: Path) -> None:
    """The stored text of each amount is the exact decimal, never a float's approximation."""
    path = tmp_path / "invoices.xlsx"
    write_invoices_xlsx(INVOICES, path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    values = re.findall(r'<c r="[I-N][23]"[^>]*><v>([^<]*)</v>', xml)
    assert values == [
        "1234567.89",
        "0",
        "0",
        "1234567.89",
        "0",
        "1234567.89",
        "4962.83",
        "485",
        "52.17",
        "5015",
        "1000.01",
        "4014.99",
    ]


def test_an_empty_list_still_has_header_and_totals(tmp_path: Path) -> None:
    xlsx, text = tmp_path / "none.xlsx", tmp_path / "none.csv"
    assert write_invoices_xlsx([], xlsx) == 0
    assert write_invoices_csv([], text) == 0
    sheet = load_workbook(xlsx).active
    assert sheet.max_row == 2
    assert text.read_text(encoding="utf-8-sig").splitlines() == [",".join(HEADER)]


def test_an_unwritable_path_is_a_user_facing_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(UserFacingError, match="cannot write"):
        write_invoices_csv(INVOICES, blocker / "invoices.csv")
    with pytest.raises(UserFacingError, match="cannot write"):
        write_invoices_xlsx(INVOICES, tmp_path)  # a folder, not a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no temporary files left
