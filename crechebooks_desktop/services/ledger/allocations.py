"""Carrying out an allocation plan: what payments, credit and adjustments share.

Every way money reaches an invoice (a payment, household credit, a negative
adjustment) writes the same things: an allocation row (with the payment's id,
or none for credit and adjustments), the invoice's amount paid and balance
due, and its new status from ``domain.invoice.status_after_allocation``.
This module does that once. The caller has locked the invoices and decides
what happens to the household's balance and credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.allocation import OpenInvoice, PlannedAllocation
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice import status_after_allocation
from crechebooks_desktop.domain.text import one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation

__all__ = ["AppliedAllocation", "require_household", "require_reason", "write_allocations"]

REASON_LENGTH = 200


@dataclass(frozen=True, slots=True)
class AppliedAllocation:
    """Money that reached one invoice.

    Attributes:
        invoice_id: the invoice's id.
        number: its number.
        cents: the amount allocated.
        status_before: its status before.
        status_after: its status after (PARTIALLY_PAID or PAID).
        balance_due_cents: what is still owed on it afterwards.
    """

    invoice_id: int
    number: str
    cents: int
    status_before: InvoiceStatus
    status_after: InvoiceStatus
    balance_due_cents: int

    def as_json(self) -> dict[str, object]:
        """``{"invoice", "amount_cents"}`` as ``--json`` prints an allocation."""
        return {"invoice": self.number, "amount_cents": self.cents}

    def audit(self) -> dict[str, object]:
        """The allocation as an audit record lists it."""
        return {
            "invoice": self.number,
            "amount_cents": self.cents,
            "status_before": self.status_before.value,
            "status_after": self.status_after.value,
            "balance_due_cents": self.balance_due_cents,
        }


def write_allocations(
    uow: UnitOfWork,
    planned: Sequence[PlannedAllocation],
    invoices: Sequence[OpenInvoice],
    payment_id: int | None,
    adjustment_entry_id: int | None = None,
) -> tuple[AppliedAllocation, ...]:
    """Record planned allocations and move each invoice's figures and status.

    Args:
        uow: the transaction (the invoices are locked by the caller).
        planned: what each invoice receives.
        invoices: the invoices the plan was made from (their current status).
        payment_id: the payment the money comes from; None for credit or an
            adjustment.
        adjustment_entry_id: the negative adjustment that reduces the invoices
            (None when the money is a payment's or credit's).

    Returns:
        What each invoice received and its new status, in plan order.
    """
    by_id = {inv.invoice_id: inv for inv in invoices}
    done = []
    for item in planned:
        invoice = by_id[item.invoice_id]
        status = status_after_allocation(
            invoice.status, item.balance_after_cents, invoice.total_cents
        )
        uow.invoices.add_allocation(item.invoice_id, item.cents, payment_id, adjustment_entry_id)
        uow.invoices.record_payment(item.invoice_id, item.cents, status)
        done.append(
            AppliedAllocation(
                item.invoice_id,
                item.number,
                item.cents,
                invoice.status,
                status,
                item.balance_after_cents,
            )
        )
    return tuple(done)


def require_household(uow: UnitOfWork, account_ref: str) -> tuple[int, str]:
    """(id, account reference as stored) of the household with this reference.

    Raises:
        NotFoundError: no such household in the creche.
    """
    found = uow.payments.household(account_ref)
    if found is None:
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    return found


def require_reason(reason: str, what: str) -> str:
    """A reason on one line; one is needed, and it goes into ledger descriptions.

    Free text, so line breaks and other control characters are folded into
    spaces (``domain.text.one_line``) rather than refused.

    Raises:
        RuleViolation: blank, or longer than 200 characters.
    """
    text = one_line(reason)
    if not text:
        raise RuleViolation(f"a reason is needed to {what}")
    if len(text) > REASON_LENGTH:
        raise RuleViolation(
            f"the reason is too long ({len(text)} characters; at most {REASON_LENGTH})"
        )
    return text
