"""Tables of values as CSV files and Excel workbooks: how every export writes its cells.

An export (the invoice list today; statements and arrears lists later) says
what its columns are, each with a :class:`Kind`, and hands its rows to
:func:`write_csv` or :func:`write_xlsx`. Every cell goes through one function
per format (:func:`csv_cell`, :func:`xlsx_cell`), which writes text as text and
amounts as numbers.

Text is data, never a formula (issue 10): a parent's name imported as
``=HYPERLINK("http://...")`` or ``=cmd|' /C calc'!A0`` must not run when the
file is opened in a spreadsheet. In a CSV file, text that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (OWASP's
advice for CSV injection), which spreadsheets show as text; amounts are
never touched, so ``-250.00`` stays a negative number. In a workbook, text is
stored as a string cell (never a formula), marked with Excel's quote prefix
when it looks like one, and amounts are real numbers.

The CSV is for machines and for Excel: UTF-8 with a byte-order mark (so Excel
reads names like ``Zoë`` correctly), ISO dates and plain decimal amounts. The
workbook is for people: real numbers in a Rand format, real dates, a bold
frozen header with filters, and a totals row of SUM formulas (our own
formulas, over the amount columns). Amounts go in as exact Decimals
(cents / 100), never through a float.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from crechebooks_desktop.domain.money import MoneyStyle, format_plain
from crechebooks_desktop.services.documents import write_atomically

__all__ = [
    "FORMULA_STARTS",
    "RAND_FORMAT",
    "Column",
    "Kind",
    "Value",
    "csv_cell",
    "csv_text",
    "fill_sheet",
    "write_csv",
    "write_xlsx",
    "xlsx_cell",
]

RAND_FORMAT = '"R" #,##0.00;-"R" #,##0.00'
"""Excel number format of amount cells (the separators follow the reader's locale)."""
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, CSV injection)."""

Value = str | int | Decimal | dt.date | None
"""A cell's value: text, cents (in a MONEY column), a date, or nothing."""

_T = TypeVar("_T")


class Kind(enum.Enum):
    """What a column holds, which decides how its cells are written."""

    TEXT = "text"
    DATE = "date"
    MONTH = "month"
    MONEY = "money"  # integer cents


@dataclass(frozen=True, slots=True)
class Column(Generic[_T]):
    """One column of an export: its title, how to get its value from a row, its kind."""

    title: str
    value: Callable[[_T], Value]
    kind: Kind = Kind.TEXT


# --- CSV ------------------------------------------------------------------------------


def csv_text(text: str) -> str:
    """Text as a CSV cell that no spreadsheet runs as a formula (a leading ``'`` if needed)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(kind: Kind, value: Value, *, decimal_comma: bool = False) -> str:
    """One value as the text of a CSV cell.

    Args:
        kind: the column's kind.
        value: the value (cents in a MONEY column).
        decimal_comma: write amounts as ``1234,56`` rather than ``1234.56``.
    """
    if value is None:
        return ""
    if kind is Kind.MONEY and isinstance(value, int):
        plain = format_plain(value)
        return plain.replace(".", ",") if decimal_comma else plain
    if kind is Kind.MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if kind is not Kind.TEXT and isinstance(value, dt.date):
        return value.isoformat()
    return csv_text(str(value))


def write_csv(
    columns: Sequence[Column[_T]],
    rows: Iterable[_T],
    path: Path,
    style: MoneyStyle = MoneyStyle.COMMA_DOT,
) -> int:
    """Write rows as CSV (UTF-8 with a byte-order mark), a header line first.

    Args:
        columns: the columns, in order.
        rows: the rows, in the order to list them.
        path: the file to write (replaced if it exists).
        style: ``COMMA_DOT`` (the default): comma-separated, amounts ``1234.56``
            exactly as ``format_plain`` writes them. ``SPACE_COMMA``: for Excel on
            a PC set to decimal commas: semicolon-separated, amounts ``1234,56``.

    Returns:
        How many rows were written.

    Raises:
        UserFacingError: the file cannot be written.
    """
    decimal_comma = style is MoneyStyle.SPACE_COMMA
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow([csv_text(c.title) for c in columns])
    count = 0
    for row in rows:
        writer.writerow(
            [csv_cell(c.kind, c.value(row), decimal_comma=decimal_comma) for c in columns]
        )
        count += 1
    write_atomically(path, text.getvalue().encode("utf-8-sig"))
    return count


# --- XLSX -----------------------------------------------------------------------------

_NUMBER_FORMATS = {Kind.MONEY: RAND_FORMAT, Kind.DATE: DATE_FORMAT, Kind.MONTH: MONTH_FORMAT}
_HEADER_FILL = PatternFill("solid", fgColor="1F5F5B")
_TOTAL_FILL = PatternFill("solid", fgColor="EEF3F2")
_THIN = Side(style="thin", color="1F5F5B")
_MIN_WIDTH, _MAX_WIDTH = 8, 40


def xlsx_cell(cell: SheetCell, kind: Kind, value: Value) -> None:
    """Put one value into a worksheet cell: text as a string, amounts and dates as numbers.

    Text is always a string cell, however it begins; characters a workbook
    cannot hold (control characters other than tab and line breaks) become
    spaces rather than failing the export.
    """
    if value is None:
        return
    if kind is Kind.MONEY and isinstance(value, int):
        cell.value = Decimal(value).scaleb(-2)  # exact: 550000 -> Decimal("5500.00")
    elif kind in {Kind.DATE, Kind.MONTH} and isinstance(value, dt.date):
        cell.value = value
    else:
        text = ILLEGAL_CHARACTERS_RE.sub(" ", str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl would take text beginning with '=' as a formula
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        return
    cell.number_format = _NUMBER_FORMATS[kind]


def write_xlsx(
    columns: Sequence[Column[_T]], rows: Iterable[_T], path: Path, sheet_title: str
) -> int:
    """Write rows as an Excel workbook of one sheet, with a header and a totals row.

    Args:
        columns: the columns, in order; MONEY columns are totalled.
        rows: the rows, in the order to list them.
        path: the file to write (replaced if it exists).
        sheet_title: the sheet's name.

    Returns:
        How many rows were written.

    Raises:
        UserFacingError: the file cannot be written.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    count = fill_sheet(sheet, columns, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())
    return count


def fill_sheet(sheet: Worksheet, columns: Sequence[Column[_T]], rows: Iterable[_T]) -> int:
    """Fill an empty sheet as ``write_xlsx`` does: header, rows, totals, widths, filter.

    Args:
        sheet: the sheet (of a workbook with other sheets, perhaps).
        columns: the columns, in order; MONEY columns are totalled.
        rows: the rows, in the order to list them.

    Returns:
        How many rows were written.
    """
    for index, column in enumerate(columns, start=1):
        xlsx_cell(sheet.cell(row=1, column=index), Kind.TEXT, column.title)
    values = [[c.value(row) for c in columns] for row in rows]
    for number, row_values in enumerate(values, start=2):
        for index, (column, value) in enumerate(zip(columns, row_values, strict=True), start=1):
            xlsx_cell(sheet.cell(row=number, column=index), column.kind, value)
    _totals_row(sheet, columns, len(values))
    _header(sheet, len(columns), len(values))
    _widths(sheet, columns, values)
    return len(values)


def _totals_row(sheet: Worksheet, columns: Sequence[Column[_T]], count: int) -> None:
    row = count + 2
    sheet.cell(row=row, column=1, value="Total")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index)
        if column.kind is Kind.MONEY:
            letter = get_column_letter(index)
            cell.value = f"=SUM({letter}2:{letter}{count + 1})"
            cell.number_format = RAND_FORMAT
        cell.font = Font(bold=True)
        cell.fill = _TOTAL_FILL
        cell.border = Border(top=_THIN)


def _header(sheet: Worksheet, width: int, count: int) -> None:
    for index in range(1, width + 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    last = get_column_letter(width)
    sheet.freeze_panes = "A2"
    # The filter covers the rows only, so sorting never moves the totals row.
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


def _widths(
    sheet: Worksheet, columns: Sequence[Column[_T]], values: Sequence[Sequence[Value]]
) -> None:
    for index, column in enumerate(columns, start=1):
        shown = [_shown_length(column.kind, row[index - 1]) for row in values]
        longest = max([len(column.title) + 3, *shown])
        width = min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _shown_length(kind: Kind, value: Value) -> int:
    if value is None:
        return 0
    if kind is Kind.MONEY and isinstance(value, int):
        return len(f"R {Decimal(value).scaleb(-2):,.2f}")
    if kind in {Kind.DATE, Kind.MONTH} and isinstance(value, dt.date):
        return len(DATE_FORMAT)
    return len(str(value))
