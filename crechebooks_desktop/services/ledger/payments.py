"""Money in from households: recording a payment, previewing it, reversing it.

Recording a payment is one transaction: the household's invoices are locked,
then (through ``services.ledger.posting.post_entries``) its balance row; the payment is
stored, a PAYMENT entry of -amount is posted with the excess going to unused
credit, and each invoice it pays gets an allocation and its new status
(PARTIALLY_PAID or PAID). Allocation is automatic (oldest outstanding first)
or explicit (invoice, amount) pairs; see ``domain.allocation``.

Reversing a payment (a bounced debit order, a mistake) undoes it without
editing anything old: its allocations are marked reversed, each invoice owes
again and goes back to SENT, OVERDUE or PARTIALLY_PAID
(``domain.invoice.status_after_reversal``), and a REVERSAL entry of +amount
takes back the credit the payment created. A payment is reversed at most once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.allocation import AllocationPlan, OpenInvoice, preview
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus, PaymentMethod
from crechebooks_desktop.domain.invoice import status_after_reversal
from crechebooks_desktop.domain.ledger import LedgerPosting
from crechebooks_desktop.domain.money import check_amount, format_rands
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.allocations import (
    AppliedAllocation,
    require_household,
    require_reason,
    write_allocations,
)
from crechebooks_desktop.services.ledger.posting import post_entries
from crechebooks_desktop.services.reconciliation.scoring import (
    rescore_lines_naming,
    waiting_lines_like,
)
from crechebooks_desktop.services.sync import changes

__all__ = [
    "RecordedPayment",
    "ReversedPayment",
    "add_payment",
    "preview_payment",
    "reverse_payment",
]

REFERENCE_LENGTH = 200

_METHOD_WORDS = {
    PaymentMethod.EFT: "EFT",
    PaymentMethod.CASH: "cash",
    PaymentMethod.CARD: "card",
    PaymentMethod.DEBIT_ORDER: "debit order",
}

Requested = Sequence[tuple[str, int]]
"""Explicit (invoice number, cents) pairs."""


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    """A payment as recorded.

    Attributes:
        payment_id: the new payment's id.
        household_ref: the household.
        amount_cents: the amount received.
        allocations: what each invoice received.
        credit_cents: the part that became household credit.
        entry_id: the PAYMENT ledger entry.
    """

    payment_id: int
    household_ref: str
    amount_cents: int
    allocations: tuple[AppliedAllocation, ...]
    credit_cents: int
    entry_id: int

    def as_json(self) -> dict[str, object]:
        """``{"payment_id", "amount_cents", "allocations", "credit_cents"}``."""
        return {
            "payment_id": self.payment_id,
            "amount_cents": self.amount_cents,
            "allocations": [a.as_json() for a in self.allocations],
            "credit_cents": self.credit_cents,
        }


@dataclass(frozen=True, slots=True)
class ReturnedMoney:
    """Money a reversal took back off one invoice.

    Attributes:
        number: the invoice.
        cents: the amount taken back.
        status_before: its status before the reversal.
        status_after: its status after.
        balance_due_cents: what it owes again.
    """

    number: str
    cents: int
    status_before: InvoiceStatus
    status_after: InvoiceStatus
    balance_due_cents: int

    def as_json(self) -> dict[str, object]:
        """The invoice as ``payments reverse --json`` lists it."""
        return {
            "invoice": self.number,
            "amount_cents": self.cents,
            "status": self.status_after.value,
            "balance_due_cents": self.balance_due_cents,
        }


@dataclass(frozen=True, slots=True)
class ReversedPayment:
    """A reversed payment.

    Attributes:
        payment_id: the payment.
        household_ref: its household.
        amount_cents: its amount (the REVERSAL entry's amount).
        invoices: the invoices that owe again.
        credit_taken_cents: the credit the payment had created, taken back.
        entry_id: the REVERSAL ledger entry.
    """

    payment_id: int
    household_ref: str
    amount_cents: int
    invoices: tuple[ReturnedMoney, ...]
    credit_taken_cents: int
    entry_id: int

    def as_json(self) -> dict[str, object]:
        """The result as ``--json`` prints it."""
        return {
            "payment_id": self.payment_id,
            "household_ref": self.household_ref,
            "amount_cents": self.amount_cents,
            "invoices": [i.as_json() for i in self.invoices],
            "credit_taken_cents": self.credit_taken_cents,
            "entry_id": self.entry_id,
        }


def _candidates(
    uow: UnitOfWork, household_id: int, requested: Requested | None, *, lock: bool
) -> list[OpenInvoice]:
    """The invoices a payment may be allocated to, and any others named.

    Named invoices that cannot take money (DRAFT, VOID, PAID) are read only so
    that the refusal can say why; they are not locked.
    """
    invoices = uow.payments.open_invoices(household_id, lock=lock)
    if requested:
        known = {inv.number.upper() for inv in invoices}
        named = [n for n, _ in requested if n.strip().upper() not in known]
        invoices += uow.payments.named_invoices(household_id, named)
    return invoices


def _check_amount(amount_cents: int) -> None:
    if amount_cents <= 0:
        raise RuleViolation(f"a payment must be more than zero (got {format_rands(amount_cents)})")
    check_amount(amount_cents, "payment")


def preview_payment(
    uow: UnitOfWork, account_ref: str, amount_cents: int, requested: Requested | None = None
) -> AllocationPlan:
    """What a payment would pay and what would become credit; nothing is written.

    Args:
        uow: a (read-only) transaction.
        account_ref: the household.
        amount_cents: the amount.
        requested: explicit (number, cents) pairs, or None for automatic.

    Raises:
        NotFoundError: no such household.
        RuleViolation: as ``add_payment`` would refuse the allocation.
    """
    _check_amount(amount_cents)
    household_id, _ref = require_household(uow, account_ref)
    return preview(amount_cents, _candidates(uow, household_id, requested, lock=False), requested)


def add_payment(
    uow: UnitOfWork,
    actor: Actor,
    account_ref: str,
    amount_cents: int,
    payment_date: dt.date,
    method: PaymentMethod,
    reference: str | None = None,
    requested: Requested | None = None,
    bank_line_id: int | None = None,
    *,
    rescore: bool = True,
) -> RecordedPayment:
    """``payments add``: record money received and allocate it.

    Bank lines waiting in review that named the invoices it pays, or that
    look like it (``waiting_lines_like``), are scored again: the review then
    offers to link such a line to this payment instead of paying twice.

    Args:
        uow: the transaction.
        actor: who records it (needs to post money).
        account_ref: the paying household.
        amount_cents: the amount received (more than zero).
        payment_date: the day it was received.
        method: EFT, CASH, CARD or DEBIT_ORDER.
        reference: the payer's reference, if any.
        requested: explicit (invoice number, cents) pairs; None allocates
            automatically, oldest outstanding invoice first.
        bank_line_id: the statement line the money arrived on, when matching
            records it.
        rescore: score waiting lines again (matching, which records a line's
            payment, does that itself once per run or accept).

    Returns:
        The payment, what each invoice received and what became credit.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such household.
        PeriodLocked: ``bank_line_id`` is inside a reconciled, locked period.
        RuleViolation: an amount of zero or less or beyond the book's limit,
            a date outside the book's years, a reference over 200 characters,
            or an explicit allocation that is refused (unknown, DRAFT or VOID
            invoice, more than its balance due, more in all than the payment).
    """
    audit.require(actor, Permission.POST_MONEY)
    _check_amount(amount_cents)
    check_book_date(payment_date, "payment date")
    reference = (reference or "").strip() or None
    require_one_line(reference, "the reference")
    if reference is not None and len(reference) > REFERENCE_LENGTH:
        raise RuleViolation(f"the reference is too long (at most {REFERENCE_LENGTH} characters)")
    if bank_line_id is not None:
        uow.bank.locks.check_lines(
            [bank_line_id], f"cannot record a payment for bank line {bank_line_id}"
        )
    household_id, ref = require_household(uow, account_ref)
    invoices = _candidates(uow, household_id, requested, lock=True)
    plan = preview(amount_cents, invoices, requested)
    payment_id = uow.payments.add(
        household_id, payment_date, amount_cents, method, reference, actor.user_id, bank_line_id
    )
    description = f"Payment by {_METHOD_WORDS[method]}" + (f": {reference}" if reference else "")
    (entry_id,) = post_entries(
        uow,
        actor,
        [
            LedgerPosting(
                household_id,
                EntryType.PAYMENT,
                -amount_cents,
                payment_date,
                description[:300],
                ("payment", payment_id),
                credit_delta_cents=plan.credit_cents,
            )
        ],
    )
    applied = write_allocations(uow, plan.allocations, invoices, payment_id)
    if plan.credit_cents:
        changes.queue_credit(uow, [household_id])
    audit.record(
        uow,
        actor,
        "payment.add",
        "payment",
        payment_id,
        None,
        {
            "household_ref": ref,
            "amount_cents": amount_cents,
            "payment_date": payment_date.isoformat(),
            "method": method.value,
            "reference": reference,
            "bank_line_id": bank_line_id,
            "allocations": [a.audit() for a in applied],
            "credit_cents": plan.credit_cents,
        },
    )
    if rescore:
        like = waiting_lines_like(uow, ref, amount_cents, payment_date)
        rescore_lines_naming(uow, actor, [a.number for a in applied], also=[x.id for x in like])
    return RecordedPayment(payment_id, ref, amount_cents, applied, plan.credit_cents, entry_id)


def reverse_payment(
    uow: UnitOfWork, actor: Actor, payment_id: int, reason: str, on: dt.date | None = None
) -> ReversedPayment:
    """``payments reverse``: undo a payment (bounced debit order, a mistake).

    Args:
        uow: the transaction.
        actor: who reverses it (needs to post money).
        payment_id: the payment.
        reason: why (required; kept on the payment and in the ledger).
        on: the date of the reversal (default today); an invoice past its due
            date on that day goes back to OVERDUE.

    Returns:
        The invoices that owe again and the REVERSAL entry.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such payment in the creche.
        PeriodLocked: the payment is linked to a bank line inside a reconciled,
            locked period.
        RuleViolation: no reason; the payment was reversed already; a date
            before the payment's or outside the book's years; or the credit
            it created has since been used or refunded.
    """
    audit.require(actor, Permission.POST_MONEY)
    why = require_reason(reason, "reverse a payment")
    uow.bank.locks.check_payment(payment_id, f"cannot reverse payment {payment_id}")
    day = check_book_date(on or dt.date.today(), "reversal date")  # noqa: DTZ011 - local date
    payment = uow.payments.get(payment_id, lock=True)
    if payment is None:
        raise NotFoundError(f"no payment {payment_id} in this creche")
    if payment.reversed_at is not None:
        raise RuleViolation(
            f"payment {payment_id} was reversed already ({payment.reversal_reason})"
        )
    if day < payment.payment_date:
        raise RuleViolation(
            f"payment {payment_id} was received on {payment.payment_date.isoformat()}; "
            f"it cannot be reversed on {day.isoformat()}, before that"
        )
    live = uow.payments.live_allocations(payment_id)
    invoices = {
        inv.invoice_id: inv
        for inv in uow.payments.invoices_by_id((i for _a, i, _c in live), lock=True)
    }
    excess = payment.amount_cents - sum(cents for _a, _i, cents in live)
    state = uow.ledger.lock_balances([payment.household_id])[payment.household_id]
    ref = uow.payments.household_ref(payment.household_id)
    if state.credit_cents < excess:
        raise _credit_used(payment_id, ref, excess, state.credit_cents, payment.amount_cents)
    returned = _give_back(uow, live, invoices, day)
    reversed_at = uow.payments.mark_reversed(payment_id, why)
    uow.payments.reverse_allocations([a for a, _i, _c in live], reversed_at)
    (entry_id,) = post_entries(
        uow,
        actor,
        [
            LedgerPosting(
                payment.household_id,
                EntryType.REVERSAL,
                payment.amount_cents,
                day,
                f"Reversal of payment {payment_id}: {why}",
                ("payment", payment_id),
                credit_delta_cents=-excess,
            )
        ],
    )
    if excess:
        changes.queue_credit(uow, [payment.household_id])
    audit.record(
        uow,
        actor,
        "payment.reverse",
        "payment",
        payment_id,
        {
            "reversed": False,
            "credit_cents": state.credit_cents,
            "invoices": [{"invoice": r.number, "status": r.status_before.value} for r in returned],
        },
        {
            "reversed": True,
            "reason": why,
            "date": day.isoformat(),
            "credit_cents": state.credit_cents - excess,
            "invoices": [
                {
                    "invoice": r.number,
                    "amount_cents": r.cents,
                    "status": r.status_after.value,
                    "balance_due_cents": r.balance_due_cents,
                }
                for r in returned
            ],
        },
    )
    # A line waiting in review may offer to link to this payment: it cannot any more.
    rescore_lines_naming(uow, actor, payment_ids=[payment_id])
    return ReversedPayment(payment_id, ref, payment.amount_cents, returned, excess, entry_id)


def _give_back(
    uow: UnitOfWork,
    live: Sequence[tuple[int, int, int]],
    invoices: dict[int, OpenInvoice],
    day: dt.date,
) -> tuple[ReturnedMoney, ...]:
    """Take each allocation's money back off its invoice and set the invoice's status."""
    returned = []
    for _allocation_id, invoice_id, cents in live:
        # An invoice with two allocations from one payment sees both, in turn.
        inv = invoices[invoice_id]
        balance = inv.balance_due_cents + cents
        status = status_after_reversal(inv.status, balance, inv.total_cents, inv.due_date, day)
        uow.payments.give_back(invoice_id, cents, status)
        invoices[invoice_id] = OpenInvoice(
            inv.invoice_id, inv.number, status, inv.due_date, inv.total_cents, balance
        )
        returned.append(ReturnedMoney(inv.number, cents, inv.status, status, balance))
    return tuple(returned)


def _credit_used(payment_id: int, ref: str, excess: int, credit: int, amount: int) -> RuleViolation:
    return RuleViolation(
        f"cannot reverse payment {payment_id}: {format_rands(excess)} of it became credit "
        f"but {ref} has only {format_rands(credit)} of unused credit left "
        f"({format_rands(excess - credit)} was applied to invoices or refunded since); "
        f"to record the bounced {format_rands(amount)}, post a positive adjustment "
        "(crechebooks adjust) instead"
    )
