"""Turning bank credits into allocated payments: ``match run/accept/reject/park/undo``.

``run_matching`` scores every undecided credit line (``domain.matching``) and
applies the AUTO_APPLIED ones as payments, allocated first to the invoices
the match named and then oldest first; the rest wait for review. A person
then accepts (choosing the household and, if wanted, the invoices), rejects
(not a household's money), parks (come back later) or undoes a decision;
undoing a payment reverses it, never edits it.

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
from crechebooks_desktop.domain.matching import Candidate, MatchLine, alias_keys, match_lines
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import one_line
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit, payments
from crechebooks_desktop.services.allocations import require_household
from crechebooks_desktop.services.bank import require_line
from crechebooks_desktop.services.tasks import TaskState

__all__ = [
    "DecidedLine",
    "RunResult",
    "accept",
    "allocation_order",
    "candidate_json",
    "park",
    "reject",
    "run_matching",
]

NOTE_LENGTH = 500


def candidate_json(candidate: Candidate) -> dict[str, object]:
    """A candidate as stored with its decision and printed by ``--json``."""
    return {
        "household_id": candidate.household_id,
        "household_ref": candidate.household_ref,
        "invoice_numbers": list(candidate.invoice_numbers),
        "score": candidate.score,
        "reference_points": candidate.reference_points,
        "amount_points": candidate.amount_points,
        "name_points": candidate.name_points,
        "reasons": list(candidate.reasons),
        "alias_id": candidate.alias_id,
    }


def _public(candidate: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in candidate.items() if k != "household_id"}


@dataclass(frozen=True, slots=True)
class DecidedLine:
    """A credit line and its current decision.

    Attributes:
        line: the bank line.
        decision: the newest decision's outcome (None before the first run).
        candidates: stored candidates, best first (``candidate_json`` form).
        household_ref: the household it was accepted for or applied to.
        payment_id: the payment it made, while that stands.
        note: the parking note, if parked.
    """

    line: BankLineRecord
    decision: MatchOutcome | None
    candidates: tuple[dict[str, object], ...] = ()
    household_ref: str | None = None
    payment_id: int | None = None
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        """The line as ``match run/list --json`` prints it."""
        return {
            "line_id": self.line.id,
            "date": self.line.date.isoformat(),
            "amount_cents": self.line.amount_cents,
            "description": self.line.description,
            "reference": self.line.reference,
            "payer": self.line.payer,
            "status": self.line.status.value,
            "decision": self.decision.value if self.decision else None,
            "household_ref": self.household_ref,
            "payment_id": self.payment_id,
            "note": self.note,
            "candidates": [_public(c) for c in self.candidates],
        }


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


def _match_line(line: BankLineRecord) -> MatchLine:
    return MatchLine(
        line.id, line.date, line.amount_cents, line.description, line.reference, line.payer
    )


def _status_for(outcome: MatchOutcome) -> BankLineStatus:
    if outcome is MatchOutcome.NO_MATCH:
        return BankLineStatus.UNMATCHED
    return BankLineStatus.REVIEW


def run_matching(
    uow: UnitOfWork,
    actor: Actor,
    state: TaskState | None = None,
    *,
    line_ids: Sequence[int] | None = None,
    apply: bool = True,
) -> RunResult:
    """``match run``: score undecided credit lines and apply the certain ones.

    One transaction: cancelling (``state``) rolls the whole run back.

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
    lines = uow.bank.lines(MATCHABLE, credits_only=True, lock=True)
    if line_ids is not None:
        wanted = set(line_ids)
        lines = [line for line in lines if line.id in wanted]
    # Lines the run was asked for, or would decide, inside a reconciled period are refused.
    uow.bank.locks.check_lines(
        line_ids if line_ids is not None else [line.id for line in lines], "cannot run matching"
    )
    latest = uow.matching.latest(line.id for line in lines)
    if state is not None:
        state.progress(0, len(lines), "Scoring")
    verdicts = match_lines(
        [_match_line(line) for line in lines], uow.matching.payees(), uow.matching.active_aliases()
    )
    decided: list[DecidedLine] = []
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
            decided.append(_apply(uow, actor, line, verdict.candidates[0], candidates))
        else:
            decided.append(_hold(uow, actor, line, outcome, candidates, latest.get(line.id)))
    result = RunResult(tuple(decided))
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


def _hold(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    outcome: MatchOutcome,
    candidates: tuple[dict[str, object], ...],
    previous: DecisionRecord | None,
) -> DecidedLine:
    """Keep a line for review (or as unmatched), recording the decision if it changed."""
    status = _status_for(outcome)
    unchanged = (
        previous is not None
        and previous.outcome in (outcome, MatchOutcome.UNDONE)
        and tuple(previous.candidates) == candidates
    )
    if not unchanged:
        uow.matching.add_decisions(
            [{"bank_line_id": line.id, "outcome": outcome, "candidates": list(candidates)}],
            actor.user_id,
        )
    if status is not line.status:
        uow.bank.set_status([line.id], status)
    shown = previous.outcome if unchanged and previous is not None else outcome
    return DecidedLine(line.with_status(status), shown, candidates)


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
    keys = alias_keys(_match_line(line))
    known = uow.matching.alias_keys_of(household_id, keys)
    taught = [
        uow.matching.add_alias(household_id, key, decision_id) for key in keys if key not in known
    ]
    uow.bank.set_status([line.id], BankLineStatus.MATCHED)
    return taught


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    best: Candidate,
    candidates: tuple[dict[str, object], ...],
) -> DecidedLine:
    """Record an AUTO_APPLIED line's payment, decision and what it teaches."""
    paid = _pay(uow, actor, line, (best.household_id, best.household_ref), best.invoice_numbers)
    auto = MatchOutcome.AUTO_APPLIED
    _record_paid(uow, actor, line, auto, candidates, paid, best.household_id)
    return DecidedLine(
        line.with_status(BankLineStatus.MATCHED),
        MatchOutcome.AUTO_APPLIED,
        candidates,
        paid.household_ref,
        paid.payment_id,
    )


# ---------------------------------------------------------------------- a person decides


def _require_open(
    uow: UnitOfWork, line_id: int, allowed: Sequence[BankLineStatus], verb: str
) -> BankLineRecord:
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
) -> DecidedLine:
    """``match accept``: the line is this household's payment.

    The money goes first to the invoices named (or, when none are, to those
    the line's best suggestion for this household named), then to the
    household's other open invoices oldest first; what is left becomes
    household credit. The payer's keys are remembered for the household.

    Args:
        uow: the transaction.
        actor: who accepts (needs to post money).
        line_id: a credit line not yet decided (or parked).
        household_ref: the household.
        invoice_numbers: invoices to pay first, in order.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line or household.
        PeriodLocked: the line is inside a reconciled, locked period.
        RuleViolation: the line is money out, or decided already; a named
            invoice is not an open invoice of the household.
    """
    audit.require(actor, Permission.POST_MONEY)
    line = _require_open(uow, line_id, (*MATCHABLE, BankLineStatus.PARKED), "accept")
    household_id, ref = require_household(uow, household_ref)
    previous = uow.matching.latest([line.id]).get(line.id)
    stored = tuple(previous.candidates) if previous else ()
    preferred = list(invoice_numbers or [])
    if not invoice_numbers:
        for candidate in stored:
            if candidate.get("household_id") == household_id:
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
    return DecidedLine(
        line.with_status(BankLineStatus.MATCHED),
        MatchOutcome.ACCEPTED,
        stored,
        ref,
        paid.payment_id,
    )


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
    line = _require_open(uow, line_id, (*MATCHABLE, BankLineStatus.PARKED), "reject")
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
    line = _require_open(uow, line_id, MATCHABLE, "park")
    return _decide(uow, actor, line, MatchOutcome.PARKED, BankLineStatus.PARKED, text)
