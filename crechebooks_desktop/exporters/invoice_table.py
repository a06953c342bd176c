"""A list of invoices as a CSV file or an Excel workbook.

The columns are defined here; the cells are written by ``exporters.tabular``,
which every tabular export goes through (text as text, amounts as numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.exporters.tabular import (
    RAND_FORMAT,
    Column,
    Kind,
    Value,
    write_csv,
    write_xlsx,
)

__all__ = ["COLUMNS", "RAND_FORMAT", "write_invoices_csv", "write_invoices_xlsx"]


def _parents(invoice: InvoiceValue) -> str:
    second = invoice.recipient.second_parent_name
    return (
        f"{invoice.recipient.parent_name} & {second}" if second else invoice.recipient.parent_name
    )


def _cents(field: str) -> Callable[[InvoiceValue], Value]:
    def value(invoice: InvoiceValue) -> int:
        cents: int = getattr(invoice, field)
        return cents

    return value


COLUMNS: tuple[Column[InvoiceValue], ...] = (
    Column("Number", lambda i: i.number),
    Column("Household", lambda i: i.household_ref),
    Column("Parent", _parents),
    Column("Child", lambda i: i.child_name),
    Column("Month", lambda i: i.billing_month, Kind.MONTH),
    Column("Status", lambda i: i.status.value),
    Column("Issue date", lambda i: i.issue_date, Kind.DATE),
    Column("Due date", lambda i: i.due_date, Kind.DATE),
    Column("Subtotal", _cents("subtotal_cents"), Kind.MONEY),
    Column("Discount", _cents("discount_cents"), Kind.MONEY),
    Column("VAT", _cents("vat_cents"), Kind.MONEY),
    Column("Total", _cents("total_cents"), Kind.MONEY),
    Column("Paid", _cents("amount_paid_cents"), Kind.MONEY),
    Column("Balance due", _cents("balance_due_cents"), Kind.MONEY),
    Column("Notes", lambda i: i.notes),
)
"""The columns of both formats, in order."""


def write_invoices_csv(
    invoices: Iterable[InvoiceValue], path: Path, style: MoneyStyle = MoneyStyle.COMMA_DOT
) -> int:
    """Write invoices as CSV (see ``exporters.tabular.write_csv`` for the format).

    Args:
        invoices: the invoices, in the order to list them.
        path: the file to write (replaced if it exists).
        style: ``COMMA_DOT`` (comma-separated, ``1234.56``) or ``SPACE_COMMA``
            (semicolon-separated, ``1234,56``, for Excel set to decimal commas).

    Returns:
        How many invoices were written.

    Raises:
        UserFacingError: the file cannot be written.
    """
    return write_csv(COLUMNS, invoices, path, style)


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
    return write_xlsx(COLUMNS, invoices, path, "Invoices")
