"""The invoice lifecycle (docs/RULES.md, Invoice lifecycle): allowed transitions, overdue and aging.

The state machine is a table, :data:`ALLOWED`; :func:`transition` is the one
gate every status change goes through, so an illegal move always raises
:class:`IllegalTransition` with a message a person can read.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from types import MappingProxyType

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.errors import RuleViolation

__all__ = [
    "ALLOWED",
    "AgingBucket",
    "IllegalTransition",
    "aging_bucket",
    "can_allocate",
    "invoice_number",
    "is_overdue",
    "status_after_allocation",
    "status_after_reversal",
    "transition",
]

_S = InvoiceStatus

ALLOWED: Mapping[InvoiceStatus, frozenset[InvoiceStatus]] = MappingProxyType(
    {
        _S.DRAFT: frozenset({_S.SENT, _S.VOID}),
        _S.SENT: frozenset({_S.VIEWED, _S.OVERDUE, _S.PARTIALLY_PAID, _S.PAID, _S.VOID}),
        _S.VIEWED: frozenset({_S.OVERDUE, _S.PARTIALLY_PAID, _S.PAID}),
        _S.OVERDUE: frozenset({_S.PARTIALLY_PAID, _S.PAID}),
        _S.PARTIALLY_PAID: frozenset({_S.PAID}),
        _S.PAID: frozenset(),
        _S.VOID: frozenset(),
    },
)
"""Every status an invoice may move to from each status (docs/RULES.md, Invoice lifecycle)."""

_NUMBER_DIGITS = 6
_AGING_30 = 30
_AGING_60 = 60


def _subject(number: str | None) -> str:
    """Name the invoice in a message: ``invoice INV-...`` or ``the invoice``."""
    return f"invoice {number}" if number else "the invoice"


class IllegalTransition(RuleViolation):
    """A status change the invoice lifecycle does not allow.

    Attributes:
        current: The status the invoice has.
        to: The status that was asked for.
        number: The invoice number, when known.
    """

    def __init__(
        self,
        current: InvoiceStatus,
        to: InvoiceStatus,
        number: str | None = None,
    ) -> None:
        self.current = current
        self.to = to
        self.number = number
        super().__init__(f"{_subject(number)} cannot go from {current} to {to}")


def transition(
    current: InvoiceStatus,
    to: InvoiceStatus,
    *,
    number: str | None = None,
    reason: str | None = None,
    has_allocations: bool = False,
) -> InvoiceStatus:
    """Check a status change and return the new status.

    Args:
        current: The invoice's status now.
        to: The status asked for.
        number: The invoice number, for the error message.
        reason: Why the invoice is voided; needed only for VOID.
        has_allocations: Whether payments are allocated to the invoice;
            an invoice with allocations cannot be voided.

    Returns:
        ``to``, once the change is known to be allowed.

    Raises:
        IllegalTransition: If the lifecycle does not allow ``current -> to``.
        RuleViolation: If voiding without a reason, or with allocations.
    """
    if to not in ALLOWED[current]:
        raise IllegalTransition(current, to, number)
    if to is InvoiceStatus.VOID:
        _check_void(number, reason, has_allocations=has_allocations)
    return to


def _check_void(number: str | None, reason: str | None, *, has_allocations: bool) -> None:
    """Refuse a void without a reason or with payments still allocated."""
    if reason is None or not reason.strip():
        raise RuleViolation("a reason is needed to void an invoice")
    if has_allocations:
        raise RuleViolation(f"{_subject(number)} has payments allocated; remove them first")


def can_allocate(status: InvoiceStatus) -> bool:
    """Tell whether payments may be allocated to an invoice in ``status``.

    Args:
        status: The invoice's status.

    Returns:
        False for DRAFT and VOID invoices, True otherwise.
    """
    return status not in {InvoiceStatus.DRAFT, InvoiceStatus.VOID}


def status_after_allocation(
    current: InvoiceStatus,
    balance_due_cents: int,
    total_cents: int,
) -> InvoiceStatus:
    """Return the status after money was allocated to an invoice.

    Args:
        current: The status before the allocation.
        balance_due_cents: The balance due after the allocation.
        total_cents: The invoice total.

    Returns:
        PAID when nothing is left due, PARTIALLY_PAID when part is, and
        ``current`` unchanged when the whole total is still due.

    Raises:
        ValueError: If the balance is negative or more than the total.
        IllegalTransition: If the lifecycle does not allow the move (for
            example money allocated to a DRAFT, VOID or PAID invoice).
    """
    if not 0 <= balance_due_cents <= total_cents:
        raise ValueError(
            f"balance due {balance_due_cents} must be from 0 to the total {total_cents}",
        )
    if balance_due_cents == 0:
        return transition(current, InvoiceStatus.PAID)
    if balance_due_cents == total_cents or current is InvoiceStatus.PARTIALLY_PAID:
        return current
    return transition(current, InvoiceStatus.PARTIALLY_PAID)


_CAN_HOLD_MONEY = frozenset(
    {_S.SENT, _S.VIEWED, _S.OVERDUE, _S.PARTIALLY_PAID, _S.PAID},
)


def status_after_reversal(
    current: InvoiceStatus,
    balance_due_cents: int,
    total_cents: int,
    due_date: dt.date,
    as_of: dt.date,
) -> InvoiceStatus:
    """Return the status after allocated money was taken back off an invoice.

    A deliberate extension of the lifecycle (docs/RULES.md, Invoice lifecycle),
    which only moves money forward: a payment can be reversed (a bounced debit
    order, a mistake), and its invoices then owe again. PAID -> SENT is not a
    forward transition, so this does not go through :func:`transition`; it says
    where the invoice now stands from its figures:

    - still partly paid -> PARTIALLY_PAID;
    - wholly unpaid again and past its due date -> OVERDUE;
    - wholly unpaid again and not past due -> SENT (VIEWED stays VIEWED).

    Args:
        current: The status before the reversal.
        balance_due_cents: The balance due after the money came back off.
        total_cents: The invoice total.
        due_date: The day payment is due.
        as_of: The day of the reversal.

    Returns:
        The status the invoice now has.

    Raises:
        ValueError: If nothing is owed after the reversal, or more than the total.
        IllegalTransition: If the invoice could not have held money (DRAFT or
            VOID); the status asked for is then SENT, the nearest there is.
    """
    if current not in _CAN_HOLD_MONEY:
        raise IllegalTransition(current, InvoiceStatus.SENT)
    if not 0 < balance_due_cents <= total_cents:
        raise ValueError(
            f"after a reversal the balance due {balance_due_cents} must be above 0 "
            f"and at most the total {total_cents}",
        )
    if balance_due_cents < total_cents:
        return InvoiceStatus.PARTIALLY_PAID
    if as_of > due_date:
        return InvoiceStatus.OVERDUE
    if current is InvoiceStatus.VIEWED:
        return current
    return InvoiceStatus.SENT


def is_overdue(
    status: InvoiceStatus,
    due_date: dt.date,
    balance_due_cents: int,
    as_of: dt.date,
) -> bool:
    """Tell whether an invoice should move to OVERDUE.

    Args:
        status: The invoice's status.
        due_date: The day payment is due.
        balance_due_cents: What is still owed.
        as_of: The day to judge on.

    Returns:
        True for a SENT or VIEWED invoice with a balance, after its due date.
    """
    return (
        status in {InvoiceStatus.SENT, InvoiceStatus.VIEWED}
        and balance_due_cents > 0
        and as_of > due_date
    )


class AgingBucket(enum.StrEnum):
    """Aging columns by days past the due date (docs/RULES.md, Aging)."""

    CURRENT = "CURRENT"
    """Not yet past due (0 days or fewer)."""
    DAYS_30 = "DAYS_30"
    """1 to 30 days past due."""
    DAYS_60 = "DAYS_60"
    """31 to 60 days past due."""
    DAYS_90_PLUS = "DAYS_90_PLUS"
    """More than 60 days past due (named 90+, starts after 60, as specified)."""


def aging_bucket(due_date: dt.date, as_of: dt.date) -> AgingBucket:
    """Place an amount due on ``due_date`` in its aging bucket.

    Args:
        due_date: The day payment was due.
        as_of: The day the aging is taken.

    Returns:
        The bucket for the number of days ``as_of`` is past ``due_date``.
    """
    days = (as_of - due_date).days
    if days <= 0:
        return AgingBucket.CURRENT
    if days <= _AGING_30:
        return AgingBucket.DAYS_30
    if days <= _AGING_60:
        return AgingBucket.DAYS_60
    return AgingBucket.DAYS_90_PLUS


def invoice_number(prefix: str, year: int, sequence: int) -> str:
    """Format an invoice number, e.g. ``INV-2026-000123``.

    Args:
        prefix: The creche's invoice prefix, e.g. ``INV``.
        year: The year the number belongs to.
        sequence: The number within the year, from 1; at least six digits
            are shown, more once it passes 999 999.

    Returns:
        ``<prefix>-<year>-<sequence>``.

    Raises:
        ValueError: If ``prefix`` is blank or ``sequence`` is less than 1.
    """
    if not prefix.strip():
        raise ValueError("an invoice prefix cannot be blank")
    if sequence < 1:
        raise ValueError(f"an invoice sequence starts at 1, not {sequence}")
    return f"{prefix}-{year}-{sequence:0{_NUMBER_DIGITS}d}"
