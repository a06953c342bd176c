"""``adjust``: corrections and write-offs of a household's balance, with a reason.

The invariant balance = outstanding invoices - unused credit decides how an
adjustment is recorded, so that both sides move together:

- **Positive** (the household owes more): an AD_HOC invoice with one VAT-exempt
  AD_HOC line "Adjustment: <reason>", SENT and due on the adjustment's date,
  and an ADJUSTMENT entry of +amount. The debt is an invoice like any other:
  payments are allocated to it, statements list it, aging sees it. This is
  the same approach as an opening balance that is owed, through the same
  helper (``services.ledger.opening_balance_posting.charge_as_invoice``).
- **Negative** (the household owes less, e.g. a write-off): an ADJUSTMENT entry
  of -amount, applied like a credit note to the household's open invoices,
  oldest first (allocations without a payment, invoices going to
  PARTIALLY_PAID or PAID); whatever no open invoice takes becomes unused
  credit, applied to later invoices when they are sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.allocation import allocate_auto
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EntryType, LineType
from crechebooks_desktop.domain.ledger import BalanceState
from crechebooks_desktop.domain.money import check_amount
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.allocations import (
    AppliedAllocation,
    require_household,
    require_reason,
    write_allocations,
)
from crechebooks_desktop.services.ledger.opening_balance_posting import charge_as_invoice
from crechebooks_desktop.services.ledger.posting import post_entry
from crechebooks_desktop.services.reconciliation.scoring import rescore_lines_naming
from crechebooks_desktop.services.sync import changes

__all__ = ["Adjustment", "adjust_balance"]


@dataclass(frozen=True, slots=True)
class Adjustment:
    """What an adjustment did.

    Attributes:
        household_ref: the household.
        amount_cents: the adjustment (positive = owes more).
        entry_id: the ADJUSTMENT ledger entry.
        invoice: the new invoice's number (positive adjustments).
        allocations: invoices the reduction was applied to (negative ones).
        credit_cents: the part of a reduction that became unused credit.
        balance_cents: the household's balance afterwards.
    """

    household_ref: str
    amount_cents: int
    entry_id: int
    invoice: str | None
    allocations: tuple[AppliedAllocation, ...]
    credit_cents: int
    balance_cents: int

    def as_json(self) -> dict[str, object]:
        """The result as ``--json`` prints it."""
        return {
            "household_ref": self.household_ref,
            "amount_cents": self.amount_cents,
            "entry_id": self.entry_id,
            "invoice": self.invoice,
            "allocations": [a.as_json() for a in self.allocations],
            "credit_cents": self.credit_cents,
            "balance_cents": self.balance_cents,
        }


def adjust_balance(
    uow: UnitOfWork,
    actor: Actor,
    account_ref: str,
    amount_cents: int,
    on: dt.date,
    reason: str,
) -> Adjustment:
    """Adjust a household's balance up (owes more) or down (owes less).

    Args:
        uow: the transaction.
        actor: who does it (needs to post money).
        account_ref: the household.
        amount_cents: positive = owes more, negative = owes less; not zero.
        on: the adjustment's date.
        reason: why (required; on the invoice line or in the ledger).

    Returns:
        The entry, and the invoice made or the invoices reduced.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such household.
        RuleViolation: a zero amount or one beyond the book's limit, a date
            outside the book's years, or no reason.
    """
    audit.require(actor, Permission.POST_MONEY)
    why = require_reason(reason, "adjust a balance")
    if amount_cents == 0:
        raise RuleViolation("an adjustment of zero changes nothing")
    check_amount(amount_cents, "adjustment")
    check_book_date(on, "adjustment date")
    household_id, ref = require_household(uow, account_ref)
    if amount_cents > 0:
        # The invoice number's sequence is locked before the balance row, as
        # every invoice-making service does.
        number, entry_id = _owes_more(uow, actor, household_id, amount_cents, on, why)
        after = uow.ledger.lock_balances([household_id])[household_id]
        before = BalanceState(household_id, after.balance_cents - amount_cents, after.credit_cents)
        result = Adjustment(ref, amount_cents, entry_id, number, (), 0, after.balance_cents)
    else:
        # The invoices are locked before the balance row, as everywhere else.
        invoices = uow.payments.open_invoices(household_id, lock=True)
        before = uow.ledger.lock_balances([household_id])[household_id]
        plan = allocate_auto(-amount_cents, invoices)
        entry_id = post_entry(
            uow,
            actor,
            household_id,
            EntryType.ADJUSTMENT,
            amount_cents,
            on,
            f"Adjustment: {why}",
            credit_delta_cents=plan.credit_cents,
        )
        applied = write_allocations(
            uow, plan.allocations, invoices, payment_id=None, adjustment_entry_id=entry_id
        )
        changes.queue_credit(uow, [household_id])  # a credit note in Xero
        result = Adjustment(
            ref,
            amount_cents,
            entry_id,
            None,
            applied,
            plan.credit_cents,
            before.balance_cents + amount_cents,
        )
    audit.record(
        uow,
        actor,
        "ledger.adjust",
        "household",
        household_id,
        {"balance_cents": before.balance_cents, "credit_cents": before.credit_cents},
        {
            "amount_cents": amount_cents,
            "date": on.isoformat(),
            "reason": why,
            "balance_cents": result.balance_cents,
            "credit_cents": before.credit_cents + result.credit_cents,
            "invoice": result.invoice,
            "allocations": [a.audit() for a in result.allocations],
        },
    )
    rescore_lines_naming(uow, actor, [a.number for a in result.allocations])
    return result


def _owes_more(
    uow: UnitOfWork, actor: Actor, household_id: int, cents: int, on: dt.date, why: str
) -> tuple[str, int]:
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    return charge_as_invoice(
        uow,
        actor,
        creche,
        household_id,
        cents,
        on,
        line_type=LineType.AD_HOC,
        description=f"Adjustment: {why}",
        entry_type=EntryType.ADJUSTMENT,
        kind="adjustment",
    )
