"""Reading a file of invoices issued by the creche's previous system.

One row per invoice. Columns (header names in any case):

- ``number``: the previous system's invoice number, kept as it is (at most 40
  characters; each number once in the file, compared without regard to case);
- ``household_ref``: the household's account reference in this book;
- ``child_ref``: the child's reference (the column must be there; a value may
  be blank for an invoice to the household as a whole);
- ``issue_date``, ``due_date``: YYYY-MM-DD, due on or after issue, issued by today;
- ``description``: the invoice's one line;
- ``total``: what the invoice came to, in Rand (``4500.00``, ``R 4 500,00``),
  more than zero;
- ``amount_paid``: what had been paid on it, from zero to the total;

and, optionally:

- ``vat``: the VAT included in the total (default 0: no VAT), at most the total;
- ``paid_date``: when the earlier payments were received (default: the issue
  date); on or after the issue date and not after today. Ignored, and not
  hashed, when nothing was paid.

Amounts are read as exact decimals to the cent (``domain.money.parse_rands``),
never as floats.

**The import hash** of a row is the SHA-256 (hex) of these values, as read and
in this order, joined by the unit separator U+001F and encoded as UTF-8::

    cb-invoice-history-1, number (upper case), household_ref (upper case),
    child_ref (upper case, or blank), issue_date, due_date (YYYY-MM-DD),
    description (stripped), total, amount_paid, vat (cents, as integers),
    paid_date (YYYY-MM-DD, blank when nothing was paid)

so spelling (``R 4 500,00`` or ``4500``), case of references, surrounding
blanks, the order of columns and rows, and a left-out optional column with its
default value do not change it; any change of what the row means does.

Reading checks the file on its own; ``services.billing.invoice_history``
then checks the rows against the book and writes them in one transaction, or
lists every problem (``FILE:LINE: field: message``) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.importers.tabular import (
    Cells,
    Parsed,
    Table,
    check_columns,
    parse_rows,
    read_table,
)
from crechebooks_desktop.services.billing.invoice_history import (
    HistoryImport,
    HistoryRow,
    import_invoice_history,
)

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "import_hash",
    "import_history_file",
    "parse_history",
    "read_history",
]

REQUIRED = (
    "number",
    "household_ref",
    "child_ref",
    "issue_date",
    "due_date",
    "description",
    "total",
    "amount_paid",
)
OPTIONAL = ("vat", "paid_date")
NUMBER_LENGTH = 40
_REF_LENGTH = 40
_HASH_FORM = "cb-invoice-history-1"


def import_hash(row: HistoryRow) -> str:
    """The SHA-256 of a row's normalised values (see the module's docstring)."""
    paid_date = row.paid_date.isoformat() if row.amount_paid_cents else ""
    values = (
        _HASH_FORM,
        row.number.upper(),
        row.household_ref.upper(),
        (row.child_ref or "").upper(),
        row.issue_date.isoformat(),
        row.due_date.isoformat(),
        row.description.strip(),
        str(row.total_cents),
        str(row.amount_paid_cents),
        str(row.vat_cents),
        paid_date,
    )
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()


def _not_after_today(cells: Cells, name: str, day: dt.date | None) -> dt.date | None:
    today = dt.date.today()  # noqa: DTZ011 - the creche's own calendar day
    if day is not None and day > today:
        cells.problem(name, f"{day.isoformat()} is after today; a past invoice's date is wanted")
        return None
    return day


def _amounts(cells: Cells) -> tuple[int, int, int] | None:
    """(total, amount paid, VAT) in cents, each within the total."""
    total = cells.cents("total", required=True, positive=True)
    paid = cells.cents("amount_paid", required=True)
    vat = cells.cents("vat") or 0
    if total is None or paid is None:
        return None
    if paid > total:
        cells.problem("amount_paid", "more than the invoice's total")
    if vat > total:
        cells.problem("vat", "more than the invoice's total")
    return total, paid, vat


def _dates(cells: Cells) -> tuple[dt.date, dt.date] | None:
    """(issue, due) dates: issued by today, due on or after the issue."""
    issue = _not_after_today(cells, "issue_date", cells.date("issue_date", required=True))
    due = cells.date("due_date", required=True)
    if issue is None or due is None:
        return None
    if due < issue:
        cells.problem("due_date", f"{due.isoformat()} is before the issue date")
    return issue, due


def _paid_date(cells: Cells, issue: dt.date | None) -> dt.date | None:
    """When the amount paid was received: the issue date unless the file says."""
    paid_on = _not_after_today(cells, "paid_date", cells.date("paid_date"))
    if paid_on is not None and issue is not None and paid_on < issue:
        cells.problem("paid_date", f"{paid_on.isoformat()} is before the issue date")
    return paid_on or issue


def _row(cells: Cells) -> HistoryRow | None:
    number = cells.text("number", required=True, max_length=NUMBER_LENGTH)
    household = cells.text("household_ref", required=True, max_length=_REF_LENGTH)
    child = cells.text("child_ref", max_length=_REF_LENGTH)
    dates = _dates(cells)
    description = cells.text("description", required=True)
    amounts = _amounts(cells)
    paid = bool(amounts and amounts[1])
    paid_on = _paid_date(cells, dates[0] if dates else None) if paid else None
    if not cells.ok or not (number and household and description and amounts and dates):
        return None
    (total, paid_cents, vat), (issue, due) = amounts, dates
    row = HistoryRow(
        cells.row.line,
        number,
        household,
        child,
        issue,
        due,
        description,
        total,
        paid_cents,
        vat,
        paid_on or issue,
    )
    return replace(row, import_hash=import_hash(row))


def parse_history(table: Table) -> Parsed[HistoryRow]:
    """Every row of a history file as a value, and every problem with it.

    Besides each value's own checks, an invoice number may appear only once
    (compared without regard to case).
    """
    return parse_rows(
        table,
        check_columns(table, REQUIRED, OPTIONAL),
        _row,
        (
            "number",
            str.casefold,
            lambda number, first: f"duplicate invoice number {number!r} (first on line {first})",
        ),
    )


def read_history(path: Path, file: str | None = None) -> Parsed[HistoryRow]:
    """Read and check a history file (no book needed).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    return parse_history(read_table(path, file))


def import_history_file(
    uow: UnitOfWork, actor: Actor, path: Path, file: str | None = None, *, dry_run: bool = False
) -> HistoryImport:
    """Read a history file and bring its new rows into the actor's creche, all or nothing.

    Raises:
        ProblemsError: the file or its rows have problems; nothing was written.
        PermissionDenied: the actor may not post money.
        UserFacingError: the file cannot be read.
    """
    parsed = read_history(path, file)
    return import_invoice_history(
        uow, actor, parsed.rows, parsed.file, parsed.problems, dry_run=dry_run
    )
