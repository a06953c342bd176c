"""Linking a bank line to money already recorded by hand: ``match link`` (issue 11).

A payment typed in by hand and later seen on the statement is the same
money: the line is *linked* to the payment (``payments.bank_line_id``), with
a LINKED decision, and no second payment or ledger entry is made. The same
holds for a refund paid out by hand (a REFUND ledger entry) seen as a debit
(``refund_links``). A linked line is MATCHED: it is accounted for, by money
already in the book (a debit linked to a refund is MATCHED too, not
CATEGORISED: it is a household's money, not an expense).

Undoing a link (``match undo``) takes the link back and never reverses the
payment or the refund: they were recorded by hand and stand. Every write
asks the period locks first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.matching import DecisionRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.bank import BankLineRecord
from crechebooks_desktop.domain.enums import BankLineStatus, EntryType, MatchOutcome, PaymentMethod
from crechebooks_desktop.domain.match_links import LINK_WINDOW_DAYS, RefundEntry
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank import payment_matching
from crechebooks_desktop.services.bank.accounts_and_imports import require_line
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.reconciliation.scoring import (
    WAITING,
    DecidedLine,
    rescore_lines_naming,
    teach,
    waiting_lines_like,
)

__all__ = [
    "LinkedPayment",
    "RefundCandidate",
    "accept_candidate",
    "link_payment",
    "link_refund",
    "record_and_link",
    "refund_candidates",
    "unlink",
    "waiting_lines_like",
]


@dataclass(frozen=True, slots=True)
class RefundCandidate:
    """A refund paid out by hand that a debit line may be.

    Attributes:
        entry_id: the REFUND ledger entry.
        household_ref: the household paid.
        date: the day it was paid out.
        amount_cents: what was paid out (positive).
        description: the entry's description.
        reason: why it is offered, in words.
    """

    entry_id: int
    household_ref: str
    date: dt.date
    amount_cents: int
    description: str
    reason: str

    def as_json(self) -> dict[str, object]:
        """The candidate as ``--json`` prints it."""
        return {
            "kind": "refund",
            "ledger_entry_id": self.entry_id,
            "household_ref": self.household_ref,
            "date": self.date.isoformat(),
            "amount_cents": self.amount_cents,
            "description": self.description,
            "reasons": [self.reason],
        }


@dataclass(frozen=True, slots=True)
class LinkedPayment:
    """A payment recorded by hand and, in the same transaction, linked to its bank line."""

    payment: payments.RecordedPayment
    line: DecidedLine

    def as_json(self) -> dict[str, object]:
        """The payment and the line, as ``--json`` prints them."""
        return {**self.payment.as_json(), "line": self.line.as_json()}


def _waiting(line: BankLineRecord, *, money_in: bool) -> BankLineRecord:
    """The line, if it is money in (or out) and not decided yet."""
    if (line.amount_cents > 0) != money_in:
        other = "--payment PAYMENT_ID" if line.amount_cents > 0 else "--refund ENTRY_ID"
        raise RuleViolation(
            f"bank line {line.id} is money {'in' if line.amount_cents > 0 else 'out'}: "
            f"link it with {other}"
        )
    if line.status not in WAITING:
        raise RuleViolation(
            f"bank line {line.id} is {line.status.value}; undo its decision first "
            f"(crechebooks match undo {line.id})"
        )
    return line


def _same_amount(line: BankLineRecord, what: str, cents: int) -> None:
    if abs(line.amount_cents) != cents:
        raise RuleViolation(
            f"bank line {line.id} is {format_rands(abs(line.amount_cents))} but {what} is "
            f"{format_rands(cents)}: only the same amount can be linked (split the line "
            "first if it holds more than this)"
        )


def link_payment(uow: UnitOfWork, actor: Actor, line_id: int, payment_id: int) -> DecidedLine:
    """``match link LINE_ID --payment PAYMENT_ID``: the line is this payment recorded by hand.

    No payment and no ledger entry is made: the payment gets its bank line,
    the line a LINKED decision and the MATCHED status, and the payer's keys
    are remembered for the household as accepting does.

    Args:
        uow: the transaction.
        actor: who links (needs to post money).
        line_id: a credit line not yet decided (unmatched, in review or parked).
        payment_id: a standing payment of the same amount linked to no line.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line or payment.
        RuleViolation: the line is money out or decided already; the payment
            is reversed, linked to a line already, or of another amount.
        PeriodLocked: the line is in a reconciled, locked period.
    """
    audit.require(actor, Permission.POST_MONEY)
    uow.bank.locks.check_lines([line_id], f"cannot link bank line {line_id}")
    line = _waiting(require_line(uow, line_id), money_in=True)
    payment = uow.payments.get(payment_id, lock=True)
    if payment is None:
        raise NotFoundError(f"no payment {payment_id} in this creche")
    if payment.reversed_at is not None:
        raise RuleViolation(
            f"payment {payment_id} was reversed ({payment.reversal_reason}): "
            "a reversed payment cannot be linked"
        )
    if payment.bank_line_id is not None:
        raise RuleViolation(
            f"payment {payment_id} is linked to bank line {payment.bank_line_id} already"
        )
    _same_amount(line, f"payment {payment_id}", payment.amount_cents)
    what = f"bank line {line.id} cannot be linked to payment {payment_id}"
    uow.payments.link_bank_line(payment_id, line.id, what)
    ref = uow.payments.household_ref(payment.household_id)
    stored = _stored(uow, line.id)
    (decision_id,) = uow.matching.add_decisions(
        [
            {
                "bank_line_id": line.id,
                "outcome": MatchOutcome.LINKED,
                "candidates": list(stored),
                "household_id": payment.household_id,
                "payment_id": payment_id,
            }
        ],
        actor.user_id,
    )
    taught = teach(uow, line, payment.household_id, decision_id)
    uow.bank.set_status([line.id], BankLineStatus.MATCHED, what)
    audit.record(
        uow,
        actor,
        "match.link",
        "bank_line",
        line.id,
        {"status": line.status.value},
        {
            "status": BankLineStatus.MATCHED.value,
            "household_ref": ref,
            "payment_id": payment_id,
            "aliases": taught,
        },
    )
    rescore_lines_naming(uow, actor, payment_ids=[payment_id])  # others that offered it
    return DecidedLine(
        line.with_status(BankLineStatus.MATCHED), MatchOutcome.LINKED, stored, ref, payment_id
    )


def _stored(uow: UnitOfWork, line_id: int) -> tuple[dict[str, object], ...]:
    previous = uow.matching.latest([line_id]).get(line_id)
    return tuple(previous.candidates) if previous else ()


def link_refund(uow: UnitOfWork, actor: Actor, line_id: int, ledger_entry_id: int) -> DecidedLine:
    """``match link LINE_ID --refund ENTRY_ID``: the debit is this refund paid out by hand.

    The link is written to ``refund_links``; the line gets a LINKED decision
    (with the household; the note names the entry) and the MATCHED status.

    Args:
        uow: the transaction.
        actor: who links (needs to post money).
        line_id: a debit line not yet decided.
        ledger_entry_id: a REFUND entry of the same amount linked to no line.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line or ledger entry.
        RuleViolation: the line is money in or decided already; the entry is
            not a refund, is linked already, or is of another amount.
        PeriodLocked: the line is in a reconciled, locked period.
    """
    audit.require(actor, Permission.POST_MONEY)
    uow.bank.locks.check_lines([line_id], f"cannot link bank line {line_id}")
    line = _waiting(require_line(uow, line_id), money_in=False)
    found = uow.links.entry(ledger_entry_id)
    if found is None:
        raise NotFoundError(f"no ledger entry {ledger_entry_id} in this creche")
    kind, entry = found
    if kind is not EntryType.REFUND:
        raise RuleViolation(f"ledger entry {ledger_entry_id} is a {kind.value}, not a REFUND")
    if entry.bank_line_id is not None:
        raise RuleViolation(
            f"refund entry {ledger_entry_id} is linked to bank line {entry.bank_line_id} already"
        )
    _same_amount(line, f"refund entry {ledger_entry_id}", entry.amount_cents)
    what = f"bank line {line.id} cannot be linked to refund entry {ledger_entry_id}"
    uow.links.link_refund(ledger_entry_id, line.id, actor.user_id, what)
    note = f"refund entry {ledger_entry_id}"
    stored = _stored(uow, line.id)
    uow.matching.add_decisions(
        [
            {
                "bank_line_id": line.id,
                "outcome": MatchOutcome.LINKED,
                "candidates": list(stored),
                "household_id": entry.household_id,
                "note": note,
            }
        ],
        actor.user_id,
    )
    uow.bank.set_status([line.id], BankLineStatus.MATCHED, what)
    audit.record(
        uow,
        actor,
        "match.link_refund",
        "bank_line",
        line.id,
        {"status": line.status.value},
        {
            "status": BankLineStatus.MATCHED.value,
            "household_ref": entry.household_ref,
            "ledger_entry_id": ledger_entry_id,
        },
    )
    return DecidedLine(
        line.with_status(BankLineStatus.MATCHED),
        MatchOutcome.LINKED,
        stored,
        entry.household_ref,
        note=note,
    )


def unlink(uow: UnitOfWork, line: BankLineRecord, decision: DecisionRecord) -> None:
    """Take a LINKED decision's link back; the payment or refund itself stands.

    Raises:
        PeriodLocked: the line is in a reconciled, locked period.
    """
    what = f"bank line {line.id}'s link cannot be undone"
    if decision.payment_id is not None:
        uow.payments.unlink_bank_line(decision.payment_id, what)
    else:
        uow.links.unlink_refund(line.id, what)


def refund_candidates(uow: UnitOfWork, line_id: int) -> list[RefundCandidate]:
    """The refunds paid out by hand that a debit line may be; nothing is written.

    REFUND entries of the line's amount, dated within the link window of
    it and linked to no line, by date. A credit line has none.

    Raises:
        NotFoundError: no such line.
    """
    line = uow.bank.line(line_id)
    if line is None:
        raise NotFoundError(f"no bank line {line_id} in this creche")
    if line.amount_cents >= 0:
        return []
    window = dt.timedelta(days=LINK_WINDOW_DAYS)
    entries = uow.links.refund_entries(-line.amount_cents, line.date - window, line.date + window)
    return [_refund_candidate(entry) for entry in entries]


def _refund_candidate(entry: RefundEntry) -> RefundCandidate:
    reason = (
        f"refund of {format_rands(entry.amount_cents)} paid out by hand on "
        f"{entry.day.isoformat()} to {entry.household_ref} ({entry.description}); "
        "linking says this line is it"
    )
    return RefundCandidate(
        entry.entry_id,
        entry.household_ref,
        entry.day,
        entry.amount_cents,
        entry.description,
        reason,
    )


def accept_candidate(uow: UnitOfWork, actor: Actor, line_id: int, index: int = 0) -> DecidedLine:
    """Accept a line's candidate ``index`` (0, the first, by default) as the review offers it.

    A link candidate links the line to its payment (no new payment); an
    ordinary one accepts the line as a new payment of its household, even
    when the line also looks like a payment recorded by hand (the person
    chose the new payment over the link shown above it).

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line.
        RuleViolation: no such candidate; as ``link_payment`` or ``accept``.
    """
    audit.require(actor, Permission.POST_MONEY)
    stored = _stored(uow, line_id)
    if not 0 <= index < len(stored):
        raise RuleViolation(f"bank line {line_id} has no candidate {index + 1}")
    candidate = stored[index]
    if candidate.get("kind") == "link":
        return link_payment(uow, actor, line_id, int(str(candidate["payment_id"])))
    return payment_matching.accept(
        uow, actor, line_id, str(candidate["household_ref"]), new_payment=True
    )


def record_and_link(
    uow: UnitOfWork,
    actor: Actor,
    account_ref: str,
    amount_cents: int,
    day: dt.date,
    method: PaymentMethod,
    reference: str | None,
    line_id: int,
) -> LinkedPayment:
    """Record a payment by hand and link it to the bank line it arrived on, in one go.

    What the payment dialog does when a line that looks like the payment is
    already waiting: exactly one payment (with the date, method and
    reference typed, allocated oldest first as previewed), and the line
    accounted for by it.

    Raises:
        As ``payments.add_payment`` and ``link_payment`` (nothing is written
        if either refuses).
    """
    paid = payments.add_payment(
        uow, actor, account_ref, amount_cents, day, method, reference, rescore=False
    )
    line = link_payment(uow, actor, line_id, paid.payment_id)
    rescore_lines_naming(uow, actor, [a.number for a in paid.allocations])
    return LinkedPayment(paid, line)
