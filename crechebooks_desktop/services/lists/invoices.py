"""The Invoices tab's list: counted and totalled, then read a page at a time (issue 13).

Read-only use cases: each takes a unit of work (one read transaction) and
returns plain immutable values.
"""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.db.repositories.invoice_filters import Between, InvoiceFilter
from crechebooks_desktop.db.repositories.invoice_list import (
    InvoiceListRow,
    InvoiceListSpec,
    InvoiceListTotals,
    InvoiceSort,
)
from crechebooks_desktop.db.repositories.keyset import Around, Key
from crechebooks_desktop.db.unit_of_work import UnitOfWork

__all__ = [
    "Between",
    "InvoiceFilter",
    "InvoiceListRow",
    "InvoiceListSpec",
    "InvoiceListTotals",
    "InvoiceSort",
    "OpenedInvoices",
    "open_list",
    "read_page",
    "sampled_keys",
]


@dataclass(frozen=True, slots=True)
class OpenedInvoices:
    """The first look at the list: its count and totals, its first page, the kept row.

    Attributes:
        totals: how many invoices, and what those not void bill and owe.
        first_page: the list's first rows.
        kept: the row asked to be kept (the selection) and its page, if the
            list still shows it.
    """

    totals: InvoiceListTotals
    first_page: tuple[InvoiceListRow, ...]
    kept: Around[InvoiceListRow] | None = None


def open_list(
    uow: UnitOfWork, spec: InvoiceListSpec, page_size: int, keep_id: int | None = None
) -> OpenedInvoices:
    """Count and total the list and read its first page (and the kept row's), in one snapshot."""
    view = uow.invoice_list
    totals = view.totals(spec)
    first = view.page(spec, None, limit=page_size) if totals.count else []
    kept = view.around(spec, keep_id, page_size) if keep_id is not None else None
    return OpenedInvoices(totals, tuple(first), kept)


def read_page(
    uow: UnitOfWork,
    spec: InvoiceListSpec,
    anchor: Key | None,
    *,
    backward: bool,
    offset: int,
    limit: int,
) -> tuple[InvoiceListRow, ...]:
    """Rows next to a known key, in the list's order (see ``KeysetList.page``)."""
    return tuple(uow.invoice_list.page(spec, anchor, backward=backward, offset=offset, limit=limit))


def sampled_keys(uow: UnitOfWork, spec: InvoiceListSpec, every: int) -> tuple[Key, ...]:
    """The keys of every ``every``-th row of the list, for far jumps."""
    return tuple(uow.invoice_list.sampled_keys(spec, every))
