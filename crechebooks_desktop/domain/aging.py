"""What is owed, and since when: invoices' balances as of a date, in aging buckets.

An invoice's balance as of a day D is its total less the money allocated to
it on or before D (a payment's money on the payment's date, credit and
adjustments on the day they were applied), not counting allocations undone on
or before D. A void invoice owes nothing from the day it was voided. Buckets
follow docs/RULES.md, Aging (``domain.invoice.aging_bucket``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice import AgingBucket, aging_bucket

__all__ = [
    "AgingSummary",
    "InvoiceMoney",
    "InvoicePosition",
    "MoneyIn",
    "age",
    "positions_as_of",
]


@dataclass(frozen=True, slots=True)
class AgingSummary:
    """Amounts owed by how long past due (cents)."""

    current_cents: int = 0
    days_30_cents: int = 0
    days_60_cents: int = 0
    days_90_plus_cents: int = 0

    @property
    def total_cents(self) -> int:
        """Everything owed."""
        return (
            self.current_cents + self.days_30_cents + self.days_60_cents + self.days_90_plus_cents
        )

    def plus(self, bucket: AgingBucket, cents: int) -> AgingSummary:
        """A copy with ``cents`` more in ``bucket``."""
        c, d30, d60, d90 = (
            self.current_cents,
            self.days_30_cents,
            self.days_60_cents,
            self.days_90_plus_cents,
        )
        if bucket is AgingBucket.CURRENT:
            c += cents
        elif bucket is AgingBucket.DAYS_30:
            d30 += cents
        elif bucket is AgingBucket.DAYS_60:
            d60 += cents
        else:
            d90 += cents
        return AgingSummary(c, d30, d60, d90)

    def __add__(self, other: AgingSummary) -> AgingSummary:
        return AgingSummary(
            self.current_cents + other.current_cents,
            self.days_30_cents + other.days_30_cents,
            self.days_60_cents + other.days_60_cents,
            self.days_90_plus_cents + other.days_90_plus_cents,
        )

    def as_json(self) -> dict[str, int]:
        """``{"current_cents", "days_30_cents", "days_60_cents", "days_90_plus_cents"}``."""
        return {
            "current_cents": self.current_cents,
            "days_30_cents": self.days_30_cents,
            "days_60_cents": self.days_60_cents,
            "days_90_plus_cents": self.days_90_plus_cents,
        }


@dataclass(frozen=True, slots=True)
class InvoiceMoney:
    """An invoice as aging needs it.

    Attributes:
        void_date: the day it was voided (its reversal's date), if it was.
    """

    invoice_id: int
    number: str
    household_id: int
    child_id: int | None
    issue_date: dt.date
    due_date: dt.date
    total_cents: int
    status: InvoiceStatus
    void_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class MoneyIn:
    """Money allocated to an invoice.

    Attributes:
        applied_on: the day it counts from (a payment's date; the day credit
            or an adjustment was applied).
        undone_on: the day it was undone (payment reversed), if it was.
        payment_id: the payment, or None for credit or an adjustment.
    """

    invoice_id: int
    cents: int
    applied_on: dt.date
    undone_on: dt.date | None = None
    payment_id: int | None = None

    def counts_on(self, day: dt.date) -> bool:
        """Whether this money is on the invoice at the end of ``day``."""
        return self.applied_on <= day and (self.undone_on is None or self.undone_on > day)


@dataclass(frozen=True, slots=True)
class InvoicePosition:
    """An invoice and its balance as of a day.

    Attributes:
        balance_cents: what was still owed on it at the end of ``as_of``.
        days_overdue: days past its due date (0 when not yet due).
        bucket: its aging bucket.
    """

    invoice: InvoiceMoney
    as_of: dt.date
    balance_cents: int

    @property
    def days_overdue(self) -> int:
        """Days past the due date, never negative."""
        return max(0, (self.as_of - self.invoice.due_date).days)

    @property
    def bucket(self) -> AgingBucket:
        """Its aging bucket as of ``as_of``."""
        return aging_bucket(self.invoice.due_date, self.as_of)


def positions_as_of(
    invoices: Iterable[InvoiceMoney], money: Iterable[MoneyIn], as_of: dt.date
) -> list[InvoicePosition]:
    """Each invoice that was issued and not void by ``as_of``, with what it still owed.

    Args:
        invoices: the invoices to consider (any issued later are left out).
        money: allocations to them (any others are ignored).
        as_of: the day, counted to its end.

    Returns:
        The invoices with a balance owed (more than zero), by due date then number.
    """
    paid: dict[int, int] = {}
    for item in money:
        if item.counts_on(as_of):
            paid[item.invoice_id] = paid.get(item.invoice_id, 0) + item.cents
    found = []
    for invoice in invoices:
        if invoice.issue_date > as_of:
            continue
        if invoice.void_date is not None and invoice.void_date <= as_of:
            continue
        if invoice.status is InvoiceStatus.VOID and invoice.void_date is None:
            continue  # a void without its reversal's date owes nothing (total zero)
        balance = invoice.total_cents - paid.get(invoice.invoice_id, 0)
        if balance > 0:
            found.append(InvoicePosition(invoice, as_of, balance))
    found.sort(key=lambda p: (p.invoice.due_date, p.invoice.number))
    return found


def age(positions: Iterable[InvoicePosition]) -> AgingSummary:
    """The positions' balances summed into their buckets."""
    summary = AgingSummary()
    for position in positions:
        summary = summary.plus(position.bucket, position.balance_cents)
    return summary
