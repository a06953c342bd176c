"""A list of invoices as a CSV file or an Excel workbook (openpyxl).

The CSV is for machines and for Excel: UTF-8 with a byte-order mark (so Excel
reads names like ``Zoë`` correctly), ISO dates and plain decimal amounts. The
workbook is for people: real numbers in a Rand format, real dates, a bold frozen
header with filters, and a totals row of SUM formulas. Amounts go in as exact
Decimals (cents / 100), never through a float.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.money import MoneyStyle, format_plain
from crechebooks_desktop.services.documents import write_atomically

__all__ = ["COLUMNS", "RAND_FORMAT", "write_invoices_csv", "write_invoices_xlsx"]

RAND_FORMAT = '"R" #,##0.00;-"R" #,##0.00'
"""Excel number format of the amount columns (the separators follow the reader's locale)."""
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"

Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True, slots=True)
class _Column:
    title: str
    value: Callable[[InvoiceValue], Cell]
    kind: str = "text"  # text, date, month or money


def _parents(invoice: InvoiceValue) -> str:
    second = invoice.recipient.second_parent_name
    return (
        f"{invoice.recipient.parent_name} & {second}" if second else invoice.recipient.parent_name
    )


def _cents(field: str) -> Callable[[InvoiceValue], Cell]:
    def value(invoice: InvoiceValue) -> int:
        cents: int = getattr(invoice, field)
        return cents

    return value


COLUMNS: tuple[_Column, ...] = (
    _Column("Number", lambda i: i.number),
    _Column("Household", lambda i: i.household_ref),
    _Column("Parent", _parents),
    _Column("Child", lambda i: i.child_name),
    _Column("Month", lambda i: i.billing_month, "month"),
    _Column("Status", lambda i: i.status.value),
    _Column("Issue date", lambda i: i.issue_date, "date"),
    _Column("Due date", lambda i: i.due_date, "date"),
    _Column("Subtotal", _cents("subtotal_cents"), "money"),
    _Column("VAT", _cents("vat_cents"), "money"),
    _Column("Total", _cents("total_cents"), "money"),
    _Column("Paid", _cents("amount_paid_cents"), "money"),
    _Column("Balance due", _cents("balance_due_cents"), "money"),
)
"""The columns of both formats, in order."""


# --- CSV ------------------------------------------------------------------------------


def write_invoices_csv(
    invoices: Iterable[InvoiceValue], path: Path, style: MoneyStyle = MoneyStyle.COMMA_DOT
) -> int:
    """Write invoices as CSV (UTF-8 with a byte-order mark).

    Args:
        invoices: the invoices, in the order to list them.
        path: the file to write (replaced if it exists).
        style: ``COMMA_DOT`` (the default): comma-separated, amounts ``1234.56``
            exactly as ``format_plain`` writes them. ``SPACE_COMMA``: for Excel on
            a PC set to decimal commas: semicolon-separated, amounts ``1234,56``.

    Returns:
        How many invoices were written.

    Raises:
        UserFacingError: the file cannot be written.
    """
    decimal_comma = style is MoneyStyle.SPACE_COMMA
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow([c.title for c in COLUMNS])
    count = 0
    for invoice in invoices:
        writer.writerow([_csv_cell(c, c.value(invoice), decimal_comma) for c in COLUMNS])
        count += 1
    write_atomically(path, text.getvalue().encode("utf-8-sig"))
    return count


def _csv_cell(column: _Column, value: Cell, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if column.kind == "money" and isinstance(value, int):
        plain = format_plain(value)
        return plain.replace(".", ",") if decimal_comma else plain
    if column.kind == "month" and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- XLSX -----------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="1F5F5B")
_TOTAL_FILL = PatternFill("solid", fgColor="EEF3F2")
_THIN = Side(style="thin", color="1F5F5B")
_MIN_WIDTH, _MAX_WIDTH = 8, 40


def write_invoices_xlsx(invoices: Iterable[InvoiceValue], path: Path) -> int:
    """Write invoices as an Excel workbook with one sheet, ``Invoices``.

    Args:
        invoices: the invoices, in the order to list them.
        path: the file to write (replaced if it exists).

    Returns:
        How many invoices were written.

    Raises:
        UserFacingError: the file cannot be written.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Invoices"
    sheet.append([c.title for c in COLUMNS])
    rows = [[_xlsx_value(c, c.value(invoice)) for c in COLUMNS] for invoice in invoices]
    for row in rows:
        sheet.append(row)
    _format_cells(sheet, len(rows))
    _totals_row(sheet, len(rows))
    _header(sheet, len(rows))
    _widths(sheet, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())
    return len(rows)


def _xlsx_value(column: _Column, value: Cell) -> Cell:
    if column.kind == "money" and isinstance(value, int):
        return Decimal(value).scaleb(-2)  # exact: 550000 -> Decimal("5500.00")
    return value


def _format_cells(sheet: Worksheet, count: int) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        number_format = {"money": RAND_FORMAT, "date": DATE_FORMAT, "month": MONTH_FORMAT}.get(
            column.kind
        )
        if number_format is None:
            continue
        for row in range(2, count + 2):
            sheet.cell(row=row, column=index).number_format = number_format


def _totals_row(sheet: Worksheet, count: int) -> None:
    row = count + 2
    sheet.cell(row=row, column=1, value="Total")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=row, column=index)
        if column.kind == "money":
            letter = get_column_letter(index)
            cell.value = f"=SUM({letter}2:{letter}{count + 1})"
            cell.number_format = RAND_FORMAT
        cell.font = Font(bold=True)
        cell.fill = _TOTAL_FILL
        cell.border = Border(top=_THIN)


def _header(sheet: Worksheet, count: int) -> None:
    for index in range(1, len(COLUMNS) + 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    last = get_column_letter(len(COLUMNS))
    sheet.freeze_panes = "A2"
    # The filter covers the invoices only, so sorting never moves the totals row.
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


def _widths(sheet: Worksheet, rows: Sequence[Sequence[Cell]]) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        longest = max([len(column.title) + 3] + [_shown_length(r[index - 1]) for r in rows])
        width = min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _shown_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"R {value:,.2f}")
    if isinstance(value, dt.date):
        return len(DATE_FORMAT)
    return len(str(value))
