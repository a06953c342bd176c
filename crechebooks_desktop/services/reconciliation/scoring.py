"""Scoring credit lines and keeping their candidates true (issue 11, "Candidates stay true").

``score`` is what a matching run asks of the book: every line against every
household (``domain.matching``), with the payments recorded by hand that a
line may be put first (``domain.match_links``). ``hold`` records a decision
for a line that waits (for review, or unmatched), only when it changed.

A line waiting in review names invoices (those its candidates would pay, and
its households' drafts) and payments (those it would link to). When one of
those changes (paid by another payment or line, voided, sent, reversed, or
linked elsewhere), the services that change it call
:func:`rescore_lines_naming`, so the review never offers an invoice already
paid or a payment already linked. Matching itself records its payments
without it and scores again once, at the end of a run or accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.db.repositories.locks import Lock
from crechebooks_desktop.db.repositories.matching import DecisionRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.bank import MATCHABLE, BankLineRecord
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome
from crechebooks_desktop.domain.match_links import LINK_WINDOW_DAYS, with_links
from crechebooks_desktop.domain.match_phones import own_keys
from crechebooks_desktop.domain.matching import Candidate, LineMatch, MatchLine, alias_keys
from crechebooks_desktop.domain.matching import match_lines as score_lines
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.allocations import require_household

__all__ = [
    "DecidedLine",
    "PendingHolds",
    "candidate_json",
    "hold",
    "match_line",
    "rescore",
    "rescore_lines_naming",
    "score",
    "standing_link",
    "teach",
    "waiting_lines_like",
]

WAITING = (BankLineStatus.UNMATCHED, BankLineStatus.REVIEW, BankLineStatus.PARKED)
"""Lines not decided yet: a payment recorded by hand may be one of them."""


def candidate_json(candidate: Candidate) -> dict[str, object]:
    """A candidate as stored with its decision and printed by ``--json``.

    ``kind`` is ``link`` (the line is payment ``payment_id``, recorded by hand
    on ``payment_date``) or ``pay`` (a new payment); ``draft_months`` and
    ``draft_invoices`` are the household's invoices not sent yet.
    """
    return {
        "kind": candidate.kind,
        "payment_id": candidate.payment_id,
        "payment_date": candidate.payment_date.isoformat() if candidate.payment_date else None,
        "household_id": candidate.household_id,
        "household_ref": candidate.household_ref,
        "invoice_numbers": list(candidate.invoice_numbers),
        "score": candidate.score,
        "reference_points": candidate.reference_points,
        "amount_points": candidate.amount_points,
        "name_points": candidate.name_points,
        "reasons": list(candidate.reasons),
        "alias_id": candidate.alias_id,
        "draft_months": sorted({f"{d.month:%Y-%m}" for d in candidate.drafts}),
        "draft_invoices": [d.number for d in candidate.drafts],
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
        household_ref: the household it was accepted for, applied or linked to.
        payment_id: the payment it made or was linked to, while that stands.
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
        transacted = self.line.transaction_date
        return {
            "line_id": self.line.id,
            "date": self.line.date.isoformat(),
            "transaction_date": None if transacted is None else transacted.isoformat(),
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


def match_line(line: BankLineRecord) -> MatchLine:
    """A bank line as ``domain.matching`` scores it."""
    return MatchLine(
        line.id, line.date, line.amount_cents, line.description, line.reference, line.payer
    )


def score(uow: UnitOfWork, lines: Sequence[BankLineRecord]) -> tuple[LineMatch, ...]:
    """Each line scored against every household, its links to hand payments first."""
    if not lines:
        return ()
    matched = [match_line(line) for line in lines]
    verdicts = score_lines(matched, uow.matching.payees(), uow.matching.active_aliases())
    window = dt.timedelta(days=LINK_WINDOW_DAYS)
    payments = uow.links.hand_payments(
        {line.amount_cents for line in lines},
        min(line.date for line in lines) - window,
        max(line.date for line in lines) + window,
    )
    return with_links(matched, verdicts, payments)


def _status_for(outcome: MatchOutcome) -> BankLineStatus:
    if outcome is MatchOutcome.NO_MATCH:
        return BankLineStatus.UNMATCHED
    return BankLineStatus.REVIEW


@dataclass
class PendingHolds:
    """Decisions and status changes of lines that wait, to be written together (issue 13).

    A run over tens of thousands of lines wrote one ``INSERT`` per decision;
    gathered here, they go in one bulk insert and one status change per
    status. Each line gets at most one decision from a run, so writing them
    after the lines that were applied keeps every line's newest decision.
    """

    decisions: list[dict[str, object]] = field(default_factory=list)
    statuses: dict[BankLineStatus, list[int]] = field(default_factory=dict)

    def write(self, uow: UnitOfWork, actor: Actor) -> None:
        """Write what was gathered, and start again."""
        uow.matching.add_decisions(self.decisions, actor.user_id)
        for status, line_ids in self.statuses.items():
            uow.bank.set_status(line_ids, status)
        self.decisions = []
        self.statuses = {}


def hold(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    outcome: MatchOutcome,
    candidates: tuple[dict[str, object], ...],
    previous: DecisionRecord | None,
    pending: PendingHolds | None = None,
) -> DecidedLine:
    """Keep a line for review (or as unmatched), recording the decision if it changed.

    With ``pending``, the decision and the status change are gathered there
    for the caller to write in bulk (``PendingHolds.write``); else written now.
    """
    status = _status_for(outcome)
    unchanged = (
        previous is not None
        and previous.outcome in (outcome, MatchOutcome.UNDONE)
        and tuple(previous.candidates) == candidates
    )
    batch = pending if pending is not None else PendingHolds()
    if not unchanged:
        batch.decisions.append(
            {"bank_line_id": line.id, "outcome": outcome, "candidates": list(candidates)}
        )
    if status is not line.status:
        batch.statuses.setdefault(status, []).append(line.id)
    if pending is None:
        batch.write(uow, actor)
    shown = previous.outcome if unchanged and previous is not None else outcome
    return DecidedLine(line.with_status(status), shown, candidates)


def teach(uow: UnitOfWork, line: BankLineRecord, household_id: int, decision_id: int) -> list[int]:
    """Remember the line's payer keys for the household (those it has not learned yet).

    The creche's own phone and account numbers are never learned: they may
    be in every line's text, and would point every line at one household.

    Returns:
        The new alias ids.
    """
    keys = alias_keys(match_line(line))
    if any(char.isdigit() for key in keys for char in key):  # only a number can be the creche's
        own = own_keys(uow.matching.own_numbers())
        keys = tuple(key for key in keys if key not in own)
    known = uow.matching.alias_keys_of(household_id, keys)
    return [
        uow.matching.add_alias(household_id, key, decision_id) for key in keys if key not in known
    ]


def standing_link(
    uow: UnitOfWork, stored: Sequence[dict[str, object]], household_id: int
) -> dict[str, object] | None:
    """The line's link candidate for the household, if its payment is still unlinked."""
    for candidate in stored:
        if candidate.get("kind") != "link" or candidate.get("household_id") != household_id:
            continue
        payment = uow.payments.get(int(str(candidate["payment_id"])))
        if payment is not None and payment.reversed_at is None and payment.bank_line_id is None:
            return candidate
    return None


def _locked(line: BankLineRecord, lock: Lock | None) -> bool:
    return lock is not None and line.date <= lock.through


def rescore(uow: UnitOfWork, actor: Actor, line_ids: Iterable[int]) -> list[DecidedLine]:
    """Score these lines again without applying any (a certain match waits for review too).

    Lines that are no longer undecided credits are passed over, and so are
    lines in a reconciled, locked period: what changed elsewhere must not be
    refused because of them (a locked line stays as it was reconciled).

    Args:
        uow: the transaction.
        actor: who made the change that calls for it (already allowed to post money).
        line_ids: the lines.

    Returns:
        The lines scored, by date, with their decisions.
    """
    locks = uow.bank.locks.all()
    lines = sorted(
        (
            line
            for line in uow.bank.lines_by_id(line_ids, lock=True)
            if line.status in MATCHABLE
            and line.amount_cents > 0
            and not _locked(line, locks.get(line.account_id))
        ),
        key=lambda line: (line.date, line.id),
    )
    if not lines:
        return []
    latest = uow.matching.latest(line.id for line in lines)
    decided = []
    pending = PendingHolds()
    for line, verdict in zip(lines, score(uow, lines), strict=True):
        outcome = verdict.outcome
        if outcome is MatchOutcome.AUTO_APPLIED:
            outcome = MatchOutcome.REVIEW_REQUIRED
        candidates = tuple(candidate_json(c) for c in verdict.candidates)
        decided.append(hold(uow, actor, line, outcome, candidates, latest.get(line.id), pending))
    pending.write(uow, actor)
    audit.record(
        uow,
        actor,
        "match.rescore",
        "bank_line",
        "*",
        None,
        {"lines": [line.line.id for line in decided]},
    )
    return decided


def rescore_lines_naming(
    uow: UnitOfWork,
    actor: Actor,
    invoice_numbers: Iterable[str] = (),
    payment_ids: Iterable[int] = (),
    *,
    also: Iterable[int] = (),
) -> list[DecidedLine]:
    """Score again the lines waiting in review that name these invoices or payments.

    Called by the services that change an invoice (paid, voided, sent) or a
    payment recorded by hand (reversed, linked), in their transaction.

    Args:
        uow: the transaction.
        actor: who made the change.
        invoice_numbers: the invoices that changed.
        payment_ids: the payments that changed.
        also: other lines to score again (e.g. those that look like a payment
            just recorded by hand).

    Returns:
        The lines scored again (none when nothing waiting names them).
    """
    found = set(uow.matching.review_lines_naming(invoice_numbers, payment_ids)) | set(also)
    return rescore(uow, actor, found) if found else []


def _points(candidate: dict[str, object]) -> bool:
    """Whether a stored candidate has reference or name points (the line points at it)."""
    return bool(candidate.get("reference_points") or candidate.get("name_points"))


def waiting_lines_like(
    uow: UnitOfWork, household_ref: str, amount_cents: int, day: dt.date
) -> list[BankLineRecord]:
    """Credit lines still waiting (unmatched, in review, parked) that look like this payment.

    The same amount, dated within the link window of ``day``, chosen as a
    line's links are (``domain.match_links``): lines pointing at the household
    (reference or name points); else lines pointing at nobody that have it as
    a candidate on their amount; else the single line pointing at nobody, if
    there is exactly one. Nothing is written.

    Args:
        uow: a (read-only) transaction.
        household_ref: the household paying.
        amount_cents: the payment's amount.
        day: the day it was received.

    Returns:
        The lines, by date.

    Raises:
        NotFoundError: no such household.
    """
    household_id, _ref = require_household(uow, household_ref)
    if amount_cents <= 0:
        return []
    window = dt.timedelta(days=LINK_WINDOW_DAYS)
    lines = uow.bank.lines_like(amount_cents, day - window, day + window, WAITING)
    latest = uow.matching.latest(line.id for line in lines)
    strong: list[BankLineRecord] = []
    loose: list[tuple[BankLineRecord, bool]] = []  # pointing at nobody; the household a candidate
    for line in lines:
        stored = latest[line.id].candidates if line.id in latest else []
        pointed = {c.get("household_id") for c in stored if _points(c)}
        if household_id in pointed:
            strong.append(line)
        elif not pointed:
            loose.append((line, any(c.get("household_id") == household_id for c in stored)))
    named = [line for line, among in loose if among]
    if strong or named:
        return strong or named
    return [line for line, _among in loose] if len(loose) == 1 else []
