"""The ledger as the Ledger tab reads it: one household, or every household a page at a time.

Read-only use cases: each takes a unit of work (one read transaction) and
returns plain immutable values.
"""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.repositories.ledger_view import Key, LedgerLine, SortColumn, ViewSpec
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.ledger import LedgerEntryValue
from crechebooks_desktop.services.ledger import household_ledger

__all__ = [
    "HouseholdPosition",
    "Key",
    "LedgerLine",
    "OpenedView",
    "SortColumn",
    "ViewSpec",
    "household_position",
    "open_view",
    "read_page",
    "sampled_keys",
]


@dataclass(frozen=True, slots=True)
class HouseholdPosition:
    """A household's ledger (oldest first, with running balance) and its open invoices."""

    account_ref: str
    entries: tuple[LedgerEntryValue, ...]
    open_invoices: tuple[InvoiceValue, ...]


@dataclass(frozen=True, slots=True)
class OpenedView:
    """The first look at the all-households ledger: how many rows, and the first page."""

    total: int
    first_page: tuple[LedgerLine, ...]


def household_position(uow: UnitOfWork, account_ref: str) -> HouseholdPosition:
    """A household's entries and the invoices that still have a balance due.

    An invoice is open when it is not void and has a balance due (drafts
    included: they count in the household's outstanding, as in ``balances``).

    Raises:
        NotFoundError: no household with that reference.
    """
    entries = household_ledger(uow, account_ref)
    invoices = uow.invoices.find(InvoiceFilter(household_ref=account_ref))
    open_invoices = sorted(
        (i for i in invoices if i.status is not InvoiceStatus.VOID and i.balance_due_cents > 0),
        key=lambda i: (i.due_date, i.number),
    )
    return HouseholdPosition(account_ref, tuple(entries), tuple(open_invoices))


def open_view(uow: UnitOfWork, spec: ViewSpec, page_size: int) -> OpenedView:
    """Count the view's rows and read its first page, in one snapshot."""
    total = uow.ledger_view.count(spec)
    first = uow.ledger_view.page(spec, None, limit=page_size) if total else []
    return OpenedView(total, tuple(first))


def read_page(
    uow: UnitOfWork,
    spec: ViewSpec,
    anchor: Key | None,
    *,
    backward: bool,
    offset: int,
    limit: int,
) -> tuple[LedgerLine, ...]:
    """Rows next to a known key (see ``LedgerViewRepository.page``), in the view's order."""
    return tuple(uow.ledger_view.page(spec, anchor, backward=backward, offset=offset, limit=limit))


def sampled_keys(uow: UnitOfWork, spec: ViewSpec, every: int) -> tuple[Key, ...]:
    """The keys of every ``every``-th row of the view (rows ``every - 1``, ``2 * every - 1``...)."""
    return tuple(uow.ledger_view.sampled_keys(spec, every))
