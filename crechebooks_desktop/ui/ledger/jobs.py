"""What the Ledger tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain values. Services
load here rather than at import, so the window shows first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.ui.common.paging import (
    SAMPLE_EVERY,
    Opened,
    PageJob,
    PageResult,
    read_planned,
)
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.bank import BankLineRecord
    from crechebooks_desktop.domain.enums import PaymentMethod
    from crechebooks_desktop.domain.household import HouseholdSummary
    from crechebooks_desktop.services.ledger.adjustments import Adjustment
    from crechebooks_desktop.services.ledger.credits import CreditApplication, CreditRefund
    from crechebooks_desktop.services.ledger.payments import RecordedPayment, ReversedPayment
    from crechebooks_desktop.services.ledger.view import (
        HouseholdPosition,
        LedgerLine,
        PaymentPreview,
        ViewSpec,
    )
    from crechebooks_desktop.services.reconciliation.links import LinkedPayment
    from crechebooks_desktop.ui.ledger.dialogs import MovementInput, PaymentInput


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


def _spec(order: Order) -> ViewSpec:
    from crechebooks_desktop.services.ledger.view import SortColumn, ViewSpec  # noqa: PLC0415

    return ViewSpec(SortColumn(order.sort), order.descending, order.text)


def households(book: Book, workplace: Workplace) -> list[HouseholdSummary]:
    """Every household of the creche with its balance, outstanding and credit."""
    from crechebooks_desktop.services.roster.household_view import household_summaries  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return household_summaries(uow)


def position(book: Book, workplace: Workplace, account_ref: str) -> HouseholdPosition:
    """A household's ledger and open invoices."""
    from crechebooks_desktop.services.ledger.view import household_position  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return household_position(uow, account_ref)


def open_view(book: Book, workplace: Workplace, order: Order, page_size: int) -> Opened[LedgerLine]:
    """The all-households view's row count and first page."""
    from crechebooks_desktop.services.ledger import view as ledger_view  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        opened = ledger_view.open_view(uow, _spec(order), page_size)
    return Opened(opened.total, opened.first_page)


def read_page(book: Book, workplace: Workplace, job: PageJob) -> PageResult[LedgerLine]:
    """One page, read by keyset from the nearest known key (sampling the keys first if asked)."""
    from crechebooks_desktop.services.ledger import view as ledger_view  # noqa: PLC0415

    spec = _spec(job.order)
    with book.read(workplace.creche.tenant_id) as uow:
        return read_planned(
            job,
            lambda: ledger_view.sampled_keys(uow, spec, SAMPLE_EVERY),
            lambda fetch: ledger_view.read_page(
                uow,
                spec,
                fetch.anchor,
                backward=fetch.backward,
                offset=fetch.offset,
                limit=fetch.limit,
            ),
        )


# -- money movements (mutations; the tab announces Changes(ledger, invoices)) ---------------


def preview_payment(
    book: Book, workplace: Workplace, account_ref: str, amount_cents: int
) -> PaymentPreview:
    """What a payment would pay, oldest invoice first, and what would become credit."""
    from crechebooks_desktop.services.ledger.view import payment_preview  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return payment_preview(uow, account_ref, amount_cents)


def record_payment(book: Book, workplace: Workplace, payment: PaymentInput) -> RecordedPayment:
    """Record a payment, allocated automatically."""
    from crechebooks_desktop.services.ledger.payments import add_payment  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return add_payment(uow, workplace.actor, *_typed(payment))


def _typed(payment: PaymentInput) -> tuple[str, int, dt.date, PaymentMethod, str | None]:
    """A typed payment as the services take it: household, cents, day, method, reference."""
    return (
        payment.account_ref,
        payment.amount_cents,
        payment.day,
        payment.method,
        payment.reference,
    )


def waiting_lines(
    book: Book, workplace: Workplace, account_ref: str, amount_cents: int, day: dt.date
) -> list[BankLineRecord]:
    """Bank lines still waiting that look like this payment (it would be counted twice)."""
    from crechebooks_desktop.services.reconciliation.links import waiting_lines_like  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return waiting_lines_like(uow, account_ref, amount_cents, day)


def record_and_link(
    book: Book, workplace: Workplace, payment: PaymentInput, line_id: int
) -> LinkedPayment:
    """Record the payment and link it to the bank line it arrived on: one payment, counted once."""
    from crechebooks_desktop.services.reconciliation.links import record_and_link as link  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return link(uow, workplace.actor, *_typed(payment), line_id)


def adjust(book: Book, workplace: Workplace, account_ref: str, change: MovementInput) -> Adjustment:
    """Make the household owe more or less."""
    from crechebooks_desktop.services.ledger.adjustments import adjust_balance  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return adjust_balance(
            uow, workplace.actor, account_ref, change.amount_cents, change.day, change.reason
        )


def refund(
    book: Book, workplace: Workplace, account_ref: str, change: MovementInput
) -> CreditRefund:
    """Pay unused credit back."""
    from crechebooks_desktop.services.ledger.credits import refund_credit  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return refund_credit(
            uow, workplace.actor, account_ref, change.amount_cents, change.day, change.reason
        )


def apply_credit(book: Book, workplace: Workplace, account_ref: str) -> CreditApplication:
    """Use unused credit on the household's open invoices."""
    from crechebooks_desktop.services.ledger.credits import apply_household_credit  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return apply_household_credit(uow, workplace.actor, account_ref)


def reverse(
    book: Book, workplace: Workplace, payment_id: int, reason: str, day: dt.date
) -> ReversedPayment:
    """Reverse a payment (a bounced debit order, a mistake)."""
    from crechebooks_desktop.services.ledger.payments import reverse_payment  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return reverse_payment(uow, workplace.actor, payment_id, reason, day)


def import_balances(book: Book, workplace: Workplace, path: Path) -> int:
    """Opening balances from a CSV file, all or nothing; returns how many households."""
    from crechebooks_desktop.importers.balances_csv import import_balances_file  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return len(import_balances_file(uow, workplace.actor, path, path.name))
