"""What the Invoices tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain values.
Services load here rather than at import, so the window shows first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.enums import InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.invoice_values import AllocationValue, InvoiceValue
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.paging import (
    SAMPLE_EVERY,
    Opened,
    PageJob,
    PageResult,
    read_planned,
)
from crechebooks_desktop.ui.invoices.filter_values import BarFilters
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.billing.invoice_lifecycle import AdHocLine
    from crechebooks_desktop.services.billing.invoice_notes import InvoiceNote
    from crechebooks_desktop.services.billing.monthly_run import GenerationResult
    from crechebooks_desktop.services.lists.invoices import InvoiceListRow, InvoiceListSpec
    from crechebooks_desktop.services.tasks import TaskState


@dataclass(frozen=True, slots=True)
class ListOrder:
    """The list's order and filters, as the tab holds them (issue 13: all applied in SQL).

    Attributes:
        sort: an ``InvoiceSort`` value (``number``, ``household``, ``total``...).
        descending: largest or latest first.
        month: only this billing month (None: all months).
        status: only this status.
        household_ref: only this household.
        text: words to find in numbers, households, parents and children.
        more: the filter bar's other filters (several statuses, names, fee
            structures, date and amount ranges; issue 16).
    """

    sort: str = "number"
    descending: bool = False
    month: dt.date | None = None
    status: InvoiceStatus | None = None
    household_ref: str | None = None
    text: str = ""
    more: BarFilters = field(default_factory=BarFilters)


@dataclass(frozen=True, slots=True)
class Detail:
    """An invoice with the money applied to it, and whether the user may change its notes."""

    invoice: InvoiceValue
    allocations: tuple[AllocationValue, ...]
    may_edit: bool = True


def _spec(order: ListOrder) -> InvoiceListSpec:
    from crechebooks_desktop.services.lists.invoices import (  # noqa: PLC0415
        Between,
        InvoiceFilter,
        InvoiceListSpec,
        InvoiceSort,
    )

    more = order.more
    where = InvoiceFilter(
        statuses=more.statuses,
        households=more.households,
        children=more.children,
        fees=more.fees,
        issued=Between(*more.issued),
        due=Between(*more.due),
        subtotal=Between(*more.subtotal),
        discount=Between(*more.discount),
        vat=Between(*more.vat),
        total=Between(*more.total),
        balance=Between(*more.balance),
    )
    return InvoiceListSpec(
        InvoiceSort(order.sort),
        order.descending,
        order.month,
        order.status,
        order.household_ref,
        order.text,
        where,
    )


def open_list(
    book: Book, workplace: Workplace, order: ListOrder, page_size: int, keep_id: int | None
) -> Opened[InvoiceListRow]:
    """The list's count and totals, its first page, and the kept invoice's page."""
    from crechebooks_desktop.services.lists import invoices  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        opened = invoices.open_list(uow, _spec(order), page_size, keep_id)
    kept = opened.kept
    return Opened(
        opened.totals.count,
        opened.first_page,
        kept.index if kept else None,
        kept.start if kept else 0,
        kept.rows if kept else (),
        opened.totals,
    )


def read_list_page(book: Book, workplace: Workplace, job: PageJob) -> PageResult[InvoiceListRow]:
    """One page of the list, by keyset from the nearest known key."""
    from crechebooks_desktop.services.lists import invoices  # noqa: PLC0415

    spec = _spec(job.order)
    with book.read(workplace.creche.tenant_id) as uow:
        return read_planned(
            job,
            lambda: invoices.sampled_keys(uow, spec, SAMPLE_EVERY),
            lambda fetch: invoices.read_page(
                uow,
                spec,
                fetch.anchor,
                backward=fetch.backward,
                offset=fetch.offset,
                limit=fetch.limit,
            ),
        )


def detail(book: Book, workplace: Workplace, number: str) -> Detail:
    """One invoice and its allocations."""
    from crechebooks_desktop.services.billing.invoice_lifecycle import get_invoice  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        invoice = get_invoice(uow, number)
        allocations = tuple(uow.invoices.allocations_of(invoice.id))
    return Detail(invoice, allocations, workplace.actor.can(Permission.POST_MONEY))


def generate(
    book: Book, workplace: Workplace, month: dt.date, issue_date: dt.date, task: TaskState
) -> GenerationResult:
    """The monthly run, reporting progress through ``task``."""
    from crechebooks_desktop.services.billing.monthly_run import generate_month  # noqa: PLC0415

    tenant = workplace.creche.tenant_id
    return generate_month(lambda: book.write(tenant), workplace.actor, month, issue_date, task)


def send(book: Book, workplace: Workplace, numbers: Sequence[str]) -> int:
    """Send DRAFT invoices; returns the credit applied, in cents."""
    from crechebooks_desktop.services.billing.invoice_lifecycle import send_invoices  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        sent = send_invoices(uow, workplace.actor, numbers)
    return sum(s.credit_applied_cents for s in sent)


def void(book: Book, workplace: Workplace, number: str, reason: str) -> None:
    """Void an invoice."""
    from crechebooks_desktop.services.billing.invoice_lifecycle import void_invoice  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        void_invoice(uow, workplace.actor, number, reason)


def save_note(book: Book, workplace: Workplace, number: str, text: str) -> InvoiceNote:
    """Set an invoice's notes (blank text clears them)."""
    from crechebooks_desktop.services.billing.invoice_notes import set_invoice_note  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return set_invoice_note(uow, workplace.actor, number, text)


def pdf(book: Book, workplace: Workplace, number: str, copy_to: Path | None) -> tuple[bytes, bool]:
    """Render (and archive) an invoice's PDF, writing a copy where asked.

    Returns:
        The PDF, and whether the creche has no banking details (the page asks
        parents to ask the office for them, and the tab says so).
    """
    from crechebooks_desktop.exporters.invoice_documents import print_invoice  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        printed = print_invoice(uow, workplace.actor, number, book.settings.data_dir, copy_to)
    return printed.pdf, printed.banking_missing


def new_invoice(
    book: Book, workplace: Workplace, child_ref: str, day: dt.date, lines: Sequence[AdHocLine]
) -> str:
    """An ad-hoc invoice; returns its number."""
    from crechebooks_desktop.services.billing.invoice_lifecycle import new_ad_hoc_invoice  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return new_ad_hoc_invoice(uow, workplace.actor, child_ref, day, lines).number


def add_charge(
    book: Book,
    workplace: Workplace,
    child_ref: str,
    line_type: LineType,
    amount_cents: int,
    day: dt.date,
    description: str | None,
    vat: VatTreatment | None,
) -> None:
    """A charge for the child's next invoice."""
    from crechebooks_desktop.services.roster.charges_and_endings import add_charge as add  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        add(uow, workplace.actor, child_ref, line_type, amount_cents, day, description, vat)


def mark_overdue(book: Book, workplace: Workplace, today: dt.date) -> list[str]:
    """Invoices past due become OVERDUE (run when the window opens)."""
    from crechebooks_desktop.services.billing.invoice_lifecycle import mark_overdue as mark  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return mark(uow, workplace.actor, today)
