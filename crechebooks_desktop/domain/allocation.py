"""Allocating money to a household's invoices (docs/RULES.md, Allocation and credit).

Pure planning: given an amount and the household's invoices, decide what each
invoice receives and what is left over as household credit. The services carry
a plan out in one transaction; the Ledger tab shows the same plan as a preview
before anything is saved (:func:`preview`).

Two ways to allocate:

- automatically (:func:`allocate_auto`): oldest outstanding invoice first, by
  due date and then number, skipping invoices that cannot take money;
- explicitly (:func:`allocate_explicit`): (invoice number, amount) pairs, each
  checked against the invoice's balance due, all together against the amount.

Either way ``sum(allocations) + credit == amount`` and no invoice receives
more than its balance due. The same planning serves payments, household
credit (``credits apply``) and negative adjustments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.enums import InvoiceStatus, PaymentMethod
from crechebooks_desktop.domain.invoice import can_allocate
from crechebooks_desktop.domain.money import format_rands, require_cents
from crechebooks_desktop.errors import RuleViolation

__all__ = [
    "AllocationPlan",
    "OpenInvoice",
    "PaymentRecord",
    "PlannedAllocation",
    "allocate_auto",
    "allocate_explicit",
    "oldest_first",
    "preview",
]


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice as allocation sees it.

    Attributes:
        invoice_id: the invoice's id.
        number: its number, e.g. ``INV-2026-000123``.
        status: its status now.
        due_date: the day it is due (oldest first = earliest due date).
        total_cents: its total.
        balance_due_cents: what is still owed on it.
    """

    invoice_id: int
    number: str
    status: InvoiceStatus
    due_date: dt.date
    total_cents: int
    balance_due_cents: int

    @property
    def can_take_money(self) -> bool:
        """Whether money may be allocated to it now (sent, not void, something due)."""
        return can_allocate(self.status) and self.balance_due_cents > 0


@dataclass(frozen=True, slots=True)
class PlannedAllocation:
    """Money one invoice will receive.

    Attributes:
        invoice_id: the invoice's id.
        number: its number.
        cents: the amount it receives (more than zero).
        balance_due_cents: its balance due before this allocation.
    """

    invoice_id: int
    number: str
    cents: int
    balance_due_cents: int

    @property
    def balance_after_cents(self) -> int:
        """What will still be owed on the invoice afterwards."""
        return self.balance_due_cents - self.cents

    @property
    def settles(self) -> bool:
        """Whether the invoice will be paid in full (PAID rather than PARTIALLY_PAID)."""
        return self.balance_after_cents == 0


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    """What an amount does: the invoices it pays and the credit left over.

    Attributes:
        amount_cents: the amount being allocated.
        allocations: each invoice and what it receives, in allocation order.
        credit_cents: the part that becomes household credit.
    """

    amount_cents: int
    allocations: tuple[PlannedAllocation, ...]
    credit_cents: int

    @property
    def allocated_cents(self) -> int:
        """The part that goes to invoices."""
        return sum(a.cents for a in self.allocations)


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """A payment as stored.

    Attributes:
        reversed_at: when it was reversed (None while it stands).
        reversal_reason: why it was reversed.
        bank_line_id: the statement line it arrived on, once known.
    """

    id: int
    household_id: int
    payment_date: dt.date
    amount_cents: int
    method: PaymentMethod
    reference: str | None
    reversed_at: dt.datetime | None
    reversal_reason: str | None
    bank_line_id: int | None = None


def _require_amount(amount_cents: int) -> None:
    if require_cents(amount_cents, "amount") < 0:
        raise RuleViolation(f"cannot allocate a negative amount ({format_rands(amount_cents)})")


def oldest_first(invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
    """The invoices that can take money, oldest outstanding first (due date, then number)."""
    return sorted(
        (inv for inv in invoices if inv.can_take_money),
        key=lambda inv: (inv.due_date, inv.number),
    )


def allocate_auto(amount_cents: int, open_invoices: Sequence[OpenInvoice]) -> AllocationPlan:
    """Allocate an amount to the oldest outstanding invoices first.

    Invoices that cannot take money (DRAFT, VOID, nothing due) are skipped.
    Each invoice gets its whole balance due until the amount runs out; what
    is left after every invoice is paid becomes credit.

    Args:
        amount_cents: the amount to allocate (zero gives an empty plan).
        open_invoices: the household's invoices, in any order.

    Returns:
        The plan.

    Raises:
        RuleViolation: a negative amount.
        TypeError: an amount that is not int cents.
    """
    _require_amount(amount_cents)
    remaining = amount_cents
    planned = []
    for inv in oldest_first(open_invoices):
        if remaining == 0:
            break
        cents = min(remaining, inv.balance_due_cents)
        planned.append(PlannedAllocation(inv.invoice_id, inv.number, cents, inv.balance_due_cents))
        remaining -= cents
    return AllocationPlan(amount_cents, tuple(planned), remaining)


def _key(number: str) -> str:
    return number.strip().upper()


def _explicit_one(
    number: str, cents: int, invoice: OpenInvoice | None, seen: set[str]
) -> PlannedAllocation:
    """Check one requested pair and plan it."""
    if _key(number) in seen:
        raise RuleViolation(f"invoice {number} is named twice; give one amount for it")
    if invoice is None:
        raise RuleViolation(f"invoice {number} is not an invoice of this household")
    if not can_allocate(invoice.status):
        raise RuleViolation(
            f"invoice {invoice.number} is {invoice.status.value}; money can be allocated "
            "only to invoices that have been sent and are not void"
        )
    if cents <= 0:
        raise RuleViolation(f"the amount for invoice {invoice.number} must be more than zero")
    if cents > invoice.balance_due_cents:
        raise RuleViolation(
            f"{format_rands(cents)} is more than the balance due on invoice "
            f"{invoice.number} ({format_rands(invoice.balance_due_cents)})"
        )
    return PlannedAllocation(invoice.invoice_id, invoice.number, cents, invoice.balance_due_cents)


def allocate_explicit(
    amount_cents: int,
    requested: Sequence[tuple[str, int]],
    open_invoices: Sequence[OpenInvoice],
) -> AllocationPlan:
    """Allocate an amount as the user says: (invoice number, amount) pairs.

    Numbers are matched without regard to case. What the pairs leave of the
    amount becomes credit.

    Args:
        amount_cents: the amount to allocate.
        requested: (number, cents) pairs, in the order to record them.
        open_invoices: the household's invoices the numbers may name.

    Returns:
        The plan, allocations in the order requested.

    Raises:
        RuleViolation: a number that is not one of ``open_invoices``, or is
            named twice; a DRAFT or VOID invoice; a pair of zero or less, or
            above the invoice's balance due; pairs adding up to more than
            the amount; a negative amount.
        TypeError: an amount that is not int cents.
    """
    _require_amount(amount_cents)
    by_number = {_key(inv.number): inv for inv in open_invoices}
    planned: list[PlannedAllocation] = []
    seen: set[str] = set()
    for number, cents in requested:
        require_cents(cents, f"the amount for invoice {number}")
        planned.append(_explicit_one(number, cents, by_number.get(_key(number)), seen))
        seen.add(_key(number))
    total = sum(p.cents for p in planned)
    if total > amount_cents:
        raise RuleViolation(
            f"the allocations add up to {format_rands(total)}, more than the "
            f"{format_rands(amount_cents)} there is to allocate"
        )
    return AllocationPlan(amount_cents, tuple(planned), amount_cents - total)


def preview(
    amount_cents: int,
    open_invoices: Sequence[OpenInvoice],
    requested: Sequence[tuple[str, int]] | None = None,
) -> AllocationPlan:
    """What an amount would do, without doing it (the Record payment dialog).

    Args:
        amount_cents: the amount.
        open_invoices: the household's invoices.
        requested: explicit (number, cents) pairs, or None for automatic.

    Returns:
        The plan :func:`allocate_auto` or :func:`allocate_explicit` makes.

    Raises:
        RuleViolation: as those functions do.
    """
    if requested is None:
        return allocate_auto(amount_cents, open_invoices)
    return allocate_explicit(amount_cents, requested, open_invoices)
