"""Household credit: using it on invoices, and paying it back out.

Credit is money the household has paid (or been credited) that no invoice has
taken yet; ``household_balances.credit_cents`` holds it and the balance already
counts it (balance = outstanding - credit).

- Applying credit to an invoice moves no balance (what is owed falls by what the
  credit falls), so it writes allocations without a payment and no ledger
  entry. :func:`apply_credit` does it for ``invoices send`` and for
  ``credits apply`` (:func:`apply_household_credit`).
- A refund pays credit back out: the household is owed less by the creche, so
  its balance rises (a REFUND entry of +amount) and its credit falls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.allocation import OpenInvoice, allocate_auto
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import LedgerPosting
from crechebooks_desktop.domain.money import check_amount, format_rands
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.allocations import (
    AppliedAllocation,
    require_household,
    require_reason,
    write_allocations,
)
from crechebooks_desktop.services.ledger.posting import post_entries
from crechebooks_desktop.services.reconciliation.scoring import rescore_lines_naming
from crechebooks_desktop.services.sync import changes

__all__ = [
    "CreditApplication",
    "CreditRefund",
    "apply_credit",
    "apply_household_credit",
    "refund_credit",
]


@dataclass(frozen=True, slots=True)
class CreditApplication:
    """What ``credits apply`` did for a household.

    Attributes:
        household_ref: the household.
        applied: each invoice that received credit, oldest first.
        credit_before_cents: unused credit before.
        credit_cents: unused credit left.
    """

    household_ref: str
    applied: tuple[AppliedAllocation, ...]
    credit_before_cents: int
    credit_cents: int

    @property
    def applied_cents(self) -> int:
        """The credit used."""
        return sum(a.cents for a in self.applied)

    def as_json(self) -> dict[str, object]:
        """The result as ``--json`` prints it."""
        return {
            "household_ref": self.household_ref,
            "applied_cents": self.applied_cents,
            "allocations": [a.as_json() for a in self.applied],
            "credit_cents": self.credit_cents,
        }


@dataclass(frozen=True, slots=True)
class CreditRefund:
    """A refund of credit.

    Attributes:
        entry_id: the REFUND ledger entry.
        balance_cents: the household's balance afterwards.
        credit_cents: its unused credit afterwards.
    """

    household_ref: str
    amount_cents: int
    entry_id: int
    balance_cents: int
    credit_cents: int

    def as_json(self) -> dict[str, object]:
        """The result as ``--json`` prints it."""
        return {
            "household_ref": self.household_ref,
            "amount_cents": self.amount_cents,
            "entry_id": self.entry_id,
            "balance_cents": self.balance_cents,
            "credit_cents": self.credit_cents,
        }


def apply_credit(
    uow: UnitOfWork, household_id: int, invoices: Sequence[OpenInvoice], credit_cents: int
) -> tuple[AppliedAllocation, ...]:
    """Use a household's unused credit on invoices, oldest first.

    The caller has locked the invoices and then the household's balance row
    (that order, as every money-moving service does) and passes the credit it
    read. No ledger entry is written: the balance does not move.

    Args:
        uow: the transaction.
        household_id: the household (its balance row locked).
        invoices: the invoices that may receive credit, with their status now
            (those that cannot take money are skipped).
        credit_cents: the household's unused credit.

    Returns:
        What each invoice received (empty when there was nothing to apply).
    """
    plan = allocate_auto(credit_cents, invoices)
    applied = write_allocations(uow, plan.allocations, invoices, payment_id=None)
    if applied:
        uow.ledger.set_credit(household_id, plan.credit_cents)
        changes.queue_credit(uow, [household_id])
    return applied


def apply_household_credit(uow: UnitOfWork, actor: Actor, account_ref: str) -> CreditApplication:
    """``credits apply``: use the household's unused credit on its open invoices.

    Oldest outstanding invoice first (due date, then number); DRAFT invoices
    wait (credit is applied to them when they are sent). With no credit or no
    open invoice nothing changes and nothing is audited.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such household.
    """
    audit.require(actor, Permission.POST_MONEY)
    household_id, ref = require_household(uow, account_ref)
    invoices = uow.payments.open_invoices(household_id, lock=True)
    credit = uow.ledger.lock_balances([household_id])[household_id].credit_cents
    applied = apply_credit(uow, household_id, invoices, credit)
    result = CreditApplication(ref, applied, credit, credit - sum(a.cents for a in applied))
    if applied:
        audit.record(
            uow,
            actor,
            "credit.apply",
            "household",
            household_id,
            {"credit_cents": credit},
            {
                "credit_cents": result.credit_cents,
                "allocations": [a.audit() for a in applied],
            },
        )
        rescore_lines_naming(uow, actor, [a.number for a in applied])
    return result


def refund_credit(
    uow: UnitOfWork,
    actor: Actor,
    account_ref: str,
    amount_cents: int,
    on: dt.date,
    reason: str,
) -> CreditRefund:
    """``credits refund``: pay unused credit back to the household.

    Args:
        uow: the transaction.
        actor: who does it (needs to post money).
        account_ref: the household.
        amount_cents: how much is paid back (more than zero).
        on: the date of the refund.
        reason: why (required; goes into the ledger description).

    Returns:
        The REFUND entry and the household's balance and credit afterwards.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such household.
        RuleViolation: an amount of zero or less, beyond the book's limit or
            more than the unused credit, a date outside the book's years, or
            no reason.
    """
    audit.require(actor, Permission.POST_MONEY)
    why = require_reason(reason, "refund credit")
    if amount_cents <= 0:
        raise RuleViolation("the amount to refund must be more than zero")
    check_amount(amount_cents, "refund")
    check_book_date(on, "refund date")
    household_id, ref = require_household(uow, account_ref)
    before = uow.ledger.lock_balances([household_id])[household_id]
    if amount_cents > before.credit_cents:
        raise RuleViolation(
            f"cannot refund {format_rands(amount_cents)}: {ref} has only "
            f"{format_rands(before.credit_cents)} of unused credit"
        )
    (entry_id,) = post_entries(
        uow,
        actor,
        [
            LedgerPosting(
                household_id,
                EntryType.REFUND,
                amount_cents,
                on,
                f"Refund of credit: {why}",
                credit_delta_cents=-amount_cents,
            )
        ],
    )
    changes.queue_credit(uow, [household_id])
    result = CreditRefund(
        ref,
        amount_cents,
        entry_id,
        before.balance_cents + amount_cents,
        before.credit_cents - amount_cents,
    )
    audit.record(
        uow,
        actor,
        "credit.refund",
        "household",
        household_id,
        {"balance_cents": before.balance_cents, "credit_cents": before.credit_cents},
        {
            "balance_cents": result.balance_cents,
            "credit_cents": result.credit_cents,
            "amount_cents": amount_cents,
            "date": on.isoformat(),
            "reason": why,
        },
    )
    return result
