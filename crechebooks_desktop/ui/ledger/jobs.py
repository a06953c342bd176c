"""What the Ledger tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain values. Services
load here rather than at import, so the window shows first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crechebooks_desktop.ui.ledger.paging import SAMPLE_EVERY, Key, KnownKeys
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.household import HouseholdSummary
    from crechebooks_desktop.services.ledger_view import (
        HouseholdPosition,
        LedgerLine,
        OpenedView,
        ViewSpec,
    )


@dataclass(frozen=True, slots=True)
class Order:
    """The all-households view's order and filter, as the tab holds them.

    Attributes:
        sort: a ``SortColumn`` value (``date``, ``amount``, ...).
        descending: largest or latest first.
        text: words to find in household references, parent names or descriptions.
    """

    sort: str = "date"
    descending: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to read, with what the model knows about where it lies.

    Attributes:
        order: the view's order and filter.
        page: the page's number.
        start: its first row.
        count: its number of rows.
        total: rows in the view.
        known: (row, key) of known rows nearest the page.
        need_samples: read the sampled keys first (a far jump, none known yet).
    """

    order: Order
    page: int
    start: int
    count: int
    total: int
    known: tuple[tuple[int, Key], ...]
    need_samples: bool


@dataclass(frozen=True, slots=True)
class PageResult:
    """The rows of a page, and the sampled keys if they were read for it."""

    job: PageJob
    rows: tuple[LedgerLine, ...]
    samples: tuple[Key, ...] | None


def _spec(order: Order) -> ViewSpec:
    from crechebooks_desktop.services.ledger_view import SortColumn, ViewSpec  # noqa: PLC0415

    return ViewSpec(SortColumn(order.sort), order.descending, order.text)


def households(book: Book, workplace: Workplace) -> list[HouseholdSummary]:
    """Every household of the creche with its balance, outstanding and credit."""
    from crechebooks_desktop.services.households import household_summaries  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return household_summaries(uow)


def position(book: Book, workplace: Workplace, account_ref: str) -> HouseholdPosition:
    """A household's ledger and open invoices."""
    from crechebooks_desktop.services.ledger_view import household_position  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return household_position(uow, account_ref)


def open_view(book: Book, workplace: Workplace, order: Order, page_size: int) -> OpenedView:
    """The all-households view's row count and first page."""
    from crechebooks_desktop.services import ledger_view  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return ledger_view.open_view(uow, _spec(order), page_size)


def read_page(book: Book, workplace: Workplace, job: PageJob) -> PageResult:
    """One page, read by keyset from the nearest known key (sampling the keys first if asked)."""
    from crechebooks_desktop.services import ledger_view  # noqa: PLC0415

    spec = _spec(job.order)
    known = KnownKeys()
    for index, key in job.known:
        known.add(index, key)
    with book.read(workplace.creche.tenant_id) as uow:
        samples = None
        if job.need_samples:
            samples = ledger_view.sampled_keys(uow, spec, SAMPLE_EVERY)
            known.add_samples(samples, SAMPLE_EVERY)
        fetch = known.plan(job.start, job.count, job.total)
        rows = ledger_view.read_page(
            uow,
            spec,
            fetch.anchor,
            backward=fetch.backward,
            offset=fetch.offset,
            limit=fetch.limit,
        )
    return PageResult(job, rows, samples)
