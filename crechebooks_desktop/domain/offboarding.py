"""Settling a leaving child's account: what the household's credit does (issue 13).

Pure arithmetic over the household's open invoices, so that the preview the
window and ``enrolments end --preview`` show is what the offboarding then does
through the services (``services.roster.offboarding``), to the cent.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from crechebooks_desktop.domain.allocation import OpenInvoice, allocate_auto
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.errors import RuleViolation

__all__ = ["CreditAction", "Refund", "Settlement", "settle"]


class CreditAction(enum.StrEnum):
    """What happens to the household's unused credit when a child leaves.

    KEEP leaves it with the household (a sibling may stay on); as for every
    invoice, it is used on the household's invoices as they are sent.
    APPLY uses it now on the open invoices, oldest first, and then on the
    final invoice (which is sent for that). REFUND does what APPLY does and pays
    back what is left (or a part of it).
    """

    KEEP = "keep"
    APPLY = "apply"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Refund:
    """How credit is paid back: the date, why, and how much (None = all that is left)."""

    on: dt.date
    reason: str
    amount_cents: int | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """Where the household's credit goes.

    Attributes:
        credit_applied_cents: credit used on invoices (old ones and the final one).
        refund_cents: credit paid back.
        credit_after_cents: unused credit left with the household.
    """

    credit_applied_cents: int
    refund_cents: int
    credit_after_cents: int


def settle(
    action: CreditAction,
    *,
    credit_cents: int,
    open_invoices: Sequence[OpenInvoice],
    final_cents: int,
    days_credit_cents: int,
    refund_cents: int | None,
) -> Settlement:
    """Follow the household's credit through the offboarding's steps.

    The steps, in the order the offboarding takes them: the credit for days
    not attended (a negative adjustment, applied to open invoices oldest first,
    the rest becoming credit); then, unless the credit is kept, the credit
    applied to the open invoices oldest first and then to the new final
    invoice; then the refund.

    Args:
        action: keep, apply or refund.
        credit_cents: the household's unused credit now.
        open_invoices: its invoices now (those that cannot take money are skipped).
        final_cents: the total of the new final invoice (0 when none is made).
        days_credit_cents: the credit for days not attended of a month already
            billed (0 when none).
        refund_cents: how much to refund; None refunds all the credit left.

    Returns:
        The credit applied, refunded and left.

    Raises:
        RuleViolation: a refund with no credit left to refund, of zero or less,
            or of more than the credit left.
    """
    days = allocate_auto(days_credit_cents, open_invoices)
    taken = {a.invoice_id: a.cents for a in days.allocations}
    remaining = [
        replace(inv, balance_due_cents=inv.balance_due_cents - taken.get(inv.invoice_id, 0))
        for inv in open_invoices
    ]
    credit = credit_cents + days.credit_cents
    if action is CreditAction.KEEP:
        return Settlement(0, 0, credit)
    applied = allocate_auto(credit, remaining).allocated_cents
    applied += min(credit - applied, final_cents)
    credit -= applied
    if action is CreditAction.APPLY:
        return Settlement(applied, 0, credit)
    refund = credit if refund_cents is None else refund_cents
    _check_refund(refund, credit, applied)
    return Settlement(applied, refund, credit - refund)


def _check_refund(refund: int, credit: int, applied: int) -> None:
    if credit <= 0 and applied > 0:
        raise RuleViolation(
            f"nothing to refund: all the household's credit ({format_rands(applied)}) goes "
            "to its invoices; apply it instead"
        )
    if credit <= 0:
        raise RuleViolation("nothing to refund: the household has no unused credit")
    if refund <= 0:
        raise RuleViolation("the amount to refund must be more than zero")
    if refund > credit:
        raise RuleViolation(
            f"cannot refund {format_rands(refund)}: only {format_rands(credit)} of the "
            "household's credit is left to refund"
        )
