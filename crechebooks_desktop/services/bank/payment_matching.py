"""Turning bank credits into allocated payments: ``match run/accept/reject/park/undo``.

``run_matching`` scores every undecided credit line (``domain.matching``) and
applies the AUTO_APPLIED ones as payments, allocated first to the invoices
the match named and then oldest first; the rest wait for review. A person
then accepts (choosing the household and, if wanted, the invoices), rejects
(not a household's money), parks (come back later) or undoes a decision;
undoing a payment reverses it, never edits it.

A line that may be a payment already recorded by hand (``domain.match_links``)
offers the link as its first candidate and is never applied: accepting the
link (``services.reconciliation.links``) records no second payment.

Accepting or auto-applying teaches the payer's keys (``alias_keys``) to the
household, so the same payer's next line scores as a name and reference
match; undoing the decision forgets what it taught. A line a person has
undone stays in review: the next run re-scores it but never applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.db.repositories.matching import DecisionRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.allocation import OpenInvoice, oldest_first
from crechebooks_desktop.domain.bank import MATCHABLE, BankLineRecord
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome, PaymentMethod
from crechebooks_desktop.domain.matching import Candidate
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import one_line
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank.accounts_and_imports import require_line
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.ledger.allocations import require_household
from crechebooks_desktop.services.reconciliation.scoring import (
    DecidedLine,
    PendingHolds,
    candidate_json,
    hold,
    rescore_lines_naming,
    score,
    standing_link,
    teach,
)
from crechebooks_desktop.services.tasks import TaskState

__all__ = [
    "DecidedLine",
    "RunResult",
    "accept",
    "accept_each",
    "allocation_order",
    "candidate_json",
    "park",
    "reject",
    "require_open",
    "rescore_lines_naming",
    "run_matching",
]

NOTE_LENGTH = 500


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a matching run decided.

    Attributes:
        lines: every line scored, in date order, with its decision.
    """

    lines: tuple[DecidedLine, ...] = field(default=())

    def count(self, outcome: MatchOutcome) -> int:
        """How many lines got this outcome."""
        return sum(1 for line in self.lines if line.decision is outcome)

    def as_json(self) -> dict[str, object]:
        """``{"lines": [...], "auto_applied", "review_required", "no_match"}``."""
        return {
            "lines": [line.as_json() for line in self.lines],
            "auto_applied": self.count(MatchOutcome.AUTO_APPLIED),
            "review_required": self.count(MatchOutcome.REVIEW_REQUIRED),
            "no_match": self.count(MatchOutcome.NO_MATCH),
        }


def run_matching(
    uow: UnitOfWork,
    actor: Actor,
    state: TaskState | None = None,
    *,
    line_ids: Sequence[int] | None = None,
    apply: bool = True,
) -> RunResult:
    """``match run``: score undecided credit lines and apply the certain ones.

    One transaction: cancelling (``state``) rolls the whole run back. A line
    that may be a payment recorded by hand is never applied (it would count
    the money twice): it waits for review with the link as its first
    candidate. Lines held for review that named an invoice a line of this
    run then paid are scored again at the end.

    Args:
        uow: the transaction.
        actor: who runs it (needs to post money).
        state: progress and cancel.
        line_ids: only these lines (e.g. the parts of a line just split);
            all undecided credit lines when None.
        apply: False scores without applying: a certain match waits for
            review too (a person is deciding these lines already).

    Returns:
        Each line scored with its decision and candidates.

    Raises:
        PermissionDenied: the actor may not post money.
        PeriodLocked: a line asked for is inside a reconciled, locked period.
        Cancelled: the run was cancelled.
    """
    audit.require(actor, Permission.POST_MONEY)
    if line_ids is None:
        lines = uow.bank.lines(MATCHABLE, credits_only=True, lock=True)
    else:
        lines = sorted(
            (
                line
                for line in uow.bank.lines_by_id(line_ids, lock=True)
                if line.status in MATCHABLE and line.amount_cents > 0
            ),
            key=lambda line: (line.date, line.id),
        )
    # Lines the run was asked for, or would decide, inside a reconciled period are refused.
    uow.bank.locks.check_lines(
        line_ids if line_ids is not None else [line.id for line in lines], "cannot run matching"
    )
    latest = uow.matching.latest(line.id for line in lines)
    if state is not None:
        state.progress(0, len(lines), "Scoring")
    verdicts = score(uow, lines)
    decided: list[DecidedLine] = []
    paid: set[str] = set()
    pending = PendingHolds()  # the lines that wait: their decisions go in bulk (issue 13)
    for n, (line, verdict) in enumerate(zip(lines, verdicts, strict=True)):
        if state is not None and n % 50 == 0:
            state.check()
            state.progress(n, len(lines), "Applying")
        outcome = verdict.outcome
        if outcome is MatchOutcome.AUTO_APPLIED and (
            not apply or _held_for_review(latest.get(line.id))
        ):
            outcome = MatchOutcome.REVIEW_REQUIRED
        candidates = tuple(candidate_json(c) for c in verdict.candidates)
        if outcome is MatchOutcome.AUTO_APPLIED:
            applied, numbers = _apply(uow, actor, line, verdict.candidates[0], candidates)
            decided.append(applied)
            paid.update(numbers)
        else:
            previous = latest.get(line.id)
            decided.append(hold(uow, actor, line, outcome, candidates, previous, pending))
    pending.write(uow, actor)  # before scoring again: that reads the newest decisions
    again = {d.line.id: d for d in rescore_lines_naming(uow, actor, paid)}
    result = RunResult(tuple(again.get(d.line.id, d) for d in decided))
    audit.record(
        uow,
        actor,
        "match.run",
        "bank_line",
        "*",
        None,
        {
            "lines": len(decided),
            "auto_applied": result.count(MatchOutcome.AUTO_APPLIED),
            "review_required": result.count(MatchOutcome.REVIEW_REQUIRED),
            "no_match": result.count(MatchOutcome.NO_MATCH),
        },
    )
    if state is not None:
        state.progress(len(lines), len(lines), "Done")
    return result


def _held_for_review(previous: DecisionRecord | None) -> bool:
    """A person undid this line's decision before: it is theirs to decide now."""
    return previous is not None and previous.outcome is MatchOutcome.UNDONE


def allocation_order(
    open_invoices: Sequence[OpenInvoice], preferred: Sequence[str], amount_cents: int
) -> list[tuple[str, int]]:
    """(number, cents) pairs: the preferred invoices first, then oldest first, until spent."""
    by_number = {inv.number.upper(): inv for inv in oldest_first(open_invoices)}
    order = [by_number.pop(n.strip().upper()) for n in preferred if n.strip().upper() in by_number]
    order += list(by_number.values())
    pairs = []
    remaining = amount_cents
    for inv in order:
        if remaining == 0:
            break
        cents = min(remaining, inv.balance_due_cents)
        pairs.append((inv.number, cents))
        remaining -= cents
    return pairs


def _pay(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    household: tuple[int, str],
    preferred: Sequence[str],
    *,
    named: bool = False,
) -> payments.RecordedPayment:
    """Record the line as the household's payment, ``preferred`` invoices first.

    ``named``: the person named those invoices, so each must be open (a
    suggestion's invoices that were paid meanwhile are simply passed over).
    The caller scores again the lines that named the invoices it paid.
    """
    household_id, ref = household
    open_invoices = uow.payments.open_invoices(household_id, lock=True)
    if named:
        _check_named(open_invoices, ref, preferred)
    pairs = allocation_order(open_invoices, preferred, line.amount_cents)
    # Folded: lines imported before bank text was put on one line may hold line breaks.
    reference = one_line(line.reference or line.description or "")[: payments.REFERENCE_LENGTH]
    return payments.add_payment(
        uow,
        actor,
        ref,
        line.amount_cents,
        line.date,
        PaymentMethod.EFT,
        reference or None,
        pairs,
        bank_line_id=line.id,
        rescore=False,
    )


def _record_paid(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    outcome: MatchOutcome,
    candidates: tuple[dict[str, object], ...],
    paid: payments.RecordedPayment,
    household_id: int,
) -> list[int]:
    """Record a decision that paid (AUTO_APPLIED or ACCEPTED) and mark the line MATCHED.

    The line's payer keys are remembered for the household (those it has not
    learned yet); returns the new alias ids.
    """
    (decision_id,) = uow.matching.add_decisions(
        [
            {
                "bank_line_id": line.id,
                "outcome": outcome,
                "candidates": list(candidates),
                "household_id": household_id,
                "payment_id": paid.payment_id,
            }
        ],
        actor.user_id,
    )
    taught = teach(uow, line, household_id, decision_id)
    uow.bank.set_status([line.id], BankLineStatus.MATCHED)
    return taught


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    best: Candidate,
    candidates: tuple[dict[str, object], ...],
) -> tuple[DecidedLine, list[str]]:
    """Record an AUTO_APPLIED line's payment, decision and what it teaches.

    Returns:
        The line, and the invoices its payment paid.
    """
    paid = _pay(uow, actor, line, (best.household_id, best.household_ref), best.invoice_numbers)
    auto = MatchOutcome.AUTO_APPLIED
    _record_paid(uow, actor, line, auto, candidates, paid, best.household_id)
    decided = DecidedLine(
        line.with_status(BankLineStatus.MATCHED),
        MatchOutcome.AUTO_APPLIED,
        candidates,
        paid.household_ref,
        paid.payment_id,
    )
    return decided, [a.number for a in paid.allocations]


# ---------------------------------------------------------------------- a person decides


def require_open(
    uow: UnitOfWork, line_id: int, allowed: Sequence[BankLineStatus], verb: str = "decide"
) -> BankLineRecord:
    """A credit line in one of these statuses, outside any locked period.

    Raises:
        NotFoundError: no such line.
        PeriodLocked: the line is in a reconciled, locked period (``verb`` says what).
        RuleViolation: money out, or in another status (decided already).
    """
    line = require_line(uow, line_id)
    uow.bank.locks.check_lines([line.id], f"cannot {verb} bank line {line.id}")
    if line.amount_cents <= 0:
        raise RuleViolation(
            f"bank line {line_id} is money out; only money in is matched to households"
        )
    if line.status not in allowed:
        raise RuleViolation(
            f"bank line {line_id} is {line.status.value}; "
            + (
                "undo its decision first"
                if line.status is not BankLineStatus.SPLIT
                else "decide its parts"
            )
        )
    return line


def accept(
    uow: UnitOfWork,
    actor: Actor,
    line_id: int,
    household_ref: str,
    invoice_numbers: Sequence[str] | None = None,
    *,
    new_payment: bool = False,
) -> DecidedLine:
    """``match accept``: the line is this household's payment.

    The money goes first to the invoices named (or, when none are, to those
    the line's best suggestion for this household named), then to the
    household's other open invoices oldest first; what is left becomes
    household credit. The payer's keys are remembered for the household.
    Lines waiting in review that named the invoices paid are scored again.

    Args:
        uow: the transaction.
        actor: who accepts (needs to post money).
        line_id: a credit line not yet decided (or parked).
        household_ref: the household.
        invoice_numbers: invoices to pay first, in order.
        new_payment: record a new payment even though the line looks like a
            payment of the household recorded by hand (a link candidate).

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line or household.
        PeriodLocked: the line is inside a reconciled, locked period.
        RuleViolation: the line is money out, or decided already; a named
            invoice is not an open invoice of the household; the line looks
            like a payment of the household recorded by hand (link it, or
            say ``new_payment``).
    """
    audit.require(actor, Permission.POST_MONEY)
    decided, paid = _accept(uow, actor, line_id, household_ref, invoice_numbers, new_payment)
    rescore_lines_naming(uow, actor, paid)
    return decided


def accept_each(
    uow: UnitOfWork, actor: Actor, chosen: Sequence[tuple[int, str]]
) -> list[DecidedLine]:
    """Accept each (line id, household ref) as ``accept`` does, scoring again once at the end.

    Raises:
        As ``accept`` (a line that looks like a payment recorded by hand is refused).
    """
    audit.require(actor, Permission.POST_MONEY)
    decided: list[DecidedLine] = []
    paid: list[str] = []
    for line_id, ref in chosen:
        line, numbers = _accept(uow, actor, line_id, ref, None, new_payment=False)
        decided.append(line)
        paid.extend(numbers)
    rescore_lines_naming(uow, actor, paid)
    return decided


def _accept(
    uow: UnitOfWork,
    actor: Actor,
    line_id: int,
    household_ref: str,
    invoice_numbers: Sequence[str] | None,
    new_payment: bool,
) -> tuple[DecidedLine, list[str]]:
    """Accept one line (see ``accept``); the invoices its payment paid."""
    line = require_open(uow, line_id, (*MATCHABLE, BankLineStatus.PARKED), "accept")
    household_id, ref = require_household(uow, household_ref)
    previous = uow.matching.latest([line.id]).get(line.id)
    stored = tuple(previous.candidates) if previous else ()
    link = None if new_payment else standing_link(uow, stored, household_id)
    if link is not None:
        raise RuleViolation(
            f"bank line {line.id} looks like payment {link['payment_id']} of {ref}, recorded "
            f"by hand on {link['payment_date']}: link them so the money is counted once "
            f"(crechebooks match link {line.id} --payment {link['payment_id']}), or, if it is "
            "another payment, accept it with --new-payment"
        )
    preferred = list(invoice_numbers or [])
    if not invoice_numbers:
        for candidate in stored:
            if candidate.get("household_id") == household_id and candidate.get("kind") != "link":
                preferred = [str(n) for n in candidate.get("invoice_numbers") or []]
                break
    paid = _pay(uow, actor, line, (household_id, ref), preferred, named=bool(invoice_numbers))
    taught = _record_paid(uow, actor, line, MatchOutcome.ACCEPTED, stored, paid, household_id)
    audit.record(
        uow,
        actor,
        "match.accept",
        "bank_line",
        line.id,
        {"status": line.status.value},
        {
            "status": BankLineStatus.MATCHED.value,
            "household_ref": ref,
            "payment_id": paid.payment_id,
            "aliases": taught,
        },
    )
    decided = DecidedLine(
        line.with_status(BankLineStatus.MATCHED),
        MatchOutcome.ACCEPTED,
        stored,
        ref,
        paid.payment_id,
    )
    return decided, [a.number for a in paid.allocations]


def _check_named(open_invoices: Sequence[OpenInvoice], ref: str, numbers: Sequence[str]) -> None:
    open_numbers = {inv.number.upper() for inv in open_invoices if inv.can_take_money}
    for number in numbers:
        if number.strip().upper() not in open_numbers:
            raise RuleViolation(
                f"invoice {number.strip()} is not an open invoice of {ref} "
                "(it belongs to another household, is paid, void or still a draft)"
            )


def _decide(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    outcome: MatchOutcome,
    status: BankLineStatus,
    note: str | None = None,
) -> DecidedLine:
    previous = uow.matching.latest([line.id]).get(line.id)
    stored = tuple(previous.candidates) if previous else ()
    uow.matching.add_decisions(
        [{"bank_line_id": line.id, "outcome": outcome, "candidates": list(stored), "note": note}],
        actor.user_id,
    )
    uow.bank.set_status([line.id], status)
    audit.record(
        uow,
        actor,
        f"match.{outcome.value.lower()}",
        "bank_line",
        line.id,
        {"status": line.status.value},
        {"status": status.value, "note": note},
    )
    return DecidedLine(line.with_status(status), outcome, stored, note=note)


def reject(uow: UnitOfWork, actor: Actor, line_id: int) -> DecidedLine:
    """``match reject``: the line is not a household's money (interest, a supplier refund).

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line.
        PeriodLocked: the line is inside a reconciled, locked period.
        RuleViolation: money out, or decided already.
    """
    audit.require(actor, Permission.POST_MONEY)
    line = require_open(uow, line_id, (*MATCHABLE, BankLineStatus.PARKED), "reject")
    return _decide(uow, actor, line, MatchOutcome.REJECTED, BankLineStatus.REJECTED)


def park(uow: UnitOfWork, actor: Actor, line_id: int, note: str) -> DecidedLine:
    """``match park``: set a line aside with a note (ask the parent, wait for a remittance).

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line.
        PeriodLocked: the line is inside a reconciled, locked period.
        RuleViolation: no note, or one over 500 characters; money out;
            decided already.
    """
    audit.require(actor, Permission.POST_MONEY)
    text = one_line(note)
    if not text:
        raise RuleViolation("parking a line needs a note saying why")
    if len(text) > NOTE_LENGTH:
        raise RuleViolation(f"the note is too long (at most {NOTE_LENGTH} characters)")
    line = require_open(uow, line_id, MATCHABLE, "park")
    return _decide(uow, actor, line, MatchOutcome.PARKED, BankLineStatus.PARKED, text)
