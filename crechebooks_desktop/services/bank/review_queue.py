"""The review side of matching: undo, the queue of lines, and learned aliases.

Undoing never edits history: a payment a match made is reversed (a REVERSAL
entry, the invoices owe again), the aliases the decision taught are
forgotten, and the line goes back to review with an UNDONE decision, so the
next run scores it again but leaves the choice to a person. Undoing a link
(``services.reconciliation.links``) only takes the link back: the payment or
refund recorded by hand stands, and a debit goes back to unmatched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.matching import AliasRecord, DecisionRecord
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.allocation import oldest_first
from crechebooks_desktop.domain.bank import MATCHABLE, BankLineRecord
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank.accounts_and_imports import require_line
from crechebooks_desktop.services.bank.payment_matching import (
    DecidedLine,
    accept_each,
    allocation_order,
)
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.ledger.allocations import require_household
from crechebooks_desktop.services.reconciliation import categorise, links

__all__ = [
    "AcceptPreview",
    "AliasView",
    "accept_all",
    "aliases",
    "count_accept_all",
    "forget_alias",
    "list_lines",
    "preview_accept",
    "undo",
]

_PAID = (MatchOutcome.ACCEPTED, MatchOutcome.AUTO_APPLIED)
_STANDING = (*_PAID, MatchOutcome.LINKED)  # a line's payment shows while it stands
_UNDOABLE = (BankLineStatus.MATCHED, BankLineStatus.REJECTED, BankLineStatus.PARKED)


@dataclass(frozen=True, slots=True)
class AliasView:
    """A learned payer alias, for ``match aliases``."""

    id: int
    household_ref: str
    payer_key: str
    decision_id: int | None
    learned_on: str
    forgotten: bool

    def as_json(self) -> dict[str, object]:
        """The alias as ``--json`` prints it."""
        return {
            "id": self.id,
            "household_ref": self.household_ref,
            "payer_key": self.payer_key,
            "decision_id": self.decision_id,
            "learned_on": self.learned_on,
            "forgotten": self.forgotten,
        }


def _view(alias: AliasRecord) -> AliasView:
    return AliasView(
        alias.id,
        alias.household_ref,
        alias.payer_key,
        alias.decision_id,
        alias.created_at.date().isoformat(),
        alias.forgotten_at is not None,
    )


def undo(uow: UnitOfWork, actor: Actor, line_id: int) -> DecidedLine:
    """``match undo``: take back a line's decision, or join a split line's parts.

    Args:
        uow: the transaction.
        actor: who undoes (needs to post money).
        line_id: a matched, rejected, parked, split or categorised line.

    Returns:
        The line, back in review (or unmatched, for a joined split); a
        categorised line's categories are cleared
        (``reconciliation.categorise.clear``).

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such line.
        PeriodLocked: the line is inside a reconciled, locked period.
        RuleViolation: nothing to undo; a payment whose credit has since been
            used (as ``payments reverse`` refuses); a split whose parts were
            decided already.
    """
    audit.require(actor, Permission.POST_MONEY)
    line = require_line(uow, line_id)
    uow.bank.locks.check_lines([line.id], f"cannot undo the decision on bank line {line.id}")
    if line.status is BankLineStatus.SPLIT:
        return _unsplit(uow, actor, line)
    if line.status is BankLineStatus.CATEGORISED:
        return DecidedLine(categorise.clear(uow, actor, line.id).line, None)
    if line.status not in _UNDOABLE:
        raise RuleViolation(
            f"bank line {line_id} is {line.status.value}: no decision of a person or a "
            "matching run to undo"
        )
    previous = uow.matching.latest([line.id]).get(line.id)
    if previous is None:  # pragma: no cover - a decided line always has its decision
        raise RuleViolation(f"bank line {line_id} has no decision to undo")
    forgotten: list[int] = []
    if previous.outcome is MatchOutcome.LINKED:
        links.unlink(uow, line, previous)
    elif previous.outcome in _PAID and previous.payment_id is not None:
        payments.reverse_payment(
            uow, actor, previous.payment_id, f"bank line {line.id}: match undone", on=line.date
        )
    if previous.outcome in _STANDING:
        forgotten = uow.matching.aliases_taught_by([previous.id])
        for alias_id in forgotten:
            uow.matching.forget_alias(alias_id)
    return _back_to_review(uow, actor, line, previous, forgotten)


def _back_to_review(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLineRecord,
    previous: DecisionRecord,
    forgotten: Sequence[int],
) -> DecidedLine:
    uow.matching.mark_undone(previous.id)
    uow.matching.add_decisions(
        [
            {
                "bank_line_id": line.id,
                "outcome": MatchOutcome.UNDONE,
                "candidates": previous.candidates,
                "note": f"undid {previous.outcome.value}",
            }
        ],
        actor.user_id,
    )
    # Money out is never in review: a debit whose link is undone waits unmatched.
    status = BankLineStatus.REVIEW if line.amount_cents > 0 else BankLineStatus.UNMATCHED
    uow.bank.set_status([line.id], status, f"bank line {line.id}'s decision cannot be undone")
    audit.record(
        uow,
        actor,
        "match.undo",
        "bank_line",
        line.id,
        {
            "status": line.status.value,
            "decision": previous.outcome.value,
            "payment_id": previous.payment_id,
        },
        {"status": status.value, "forgotten_aliases": list(forgotten)},
    )
    return DecidedLine(line.with_status(status), MatchOutcome.UNDONE, tuple(previous.candidates))


def _unsplit(uow: UnitOfWork, actor: Actor, line: BankLineRecord) -> DecidedLine:
    parts = uow.bank.parts_of(line.id)
    decided = [p for p in parts if p.status not in MATCHABLE]
    if decided:
        ids = ", ".join(str(p.id) for p in decided)
        raise RuleViolation(
            f"bank line {line.id} cannot be joined again: its parts {ids} were decided; "
            "undo those first"
        )
    part_ids = [p.id for p in parts]
    uow.matching.forget_decisions_of(part_ids)
    uow.bank.delete_lines(part_ids)
    uow.bank.set_status([line.id], BankLineStatus.UNMATCHED)
    audit.record(
        uow,
        actor,
        "bank_line.unsplit",
        "bank_line",
        line.id,
        {"status": BankLineStatus.SPLIT.value, "parts": [p.as_json() for p in parts]},
        {"status": BankLineStatus.UNMATCHED.value},
    )
    return DecidedLine(line.with_status(BankLineStatus.UNMATCHED), None)


def list_lines(
    uow: UnitOfWork,
    statuses: Sequence[BankLineStatus] | None = None,
    *,
    line_ids: Sequence[int] | None = None,
) -> list[DecidedLine]:
    """``match list``: credit lines with their current decisions, by date.

    Args:
        uow: a (read-only) transaction.
        statuses: only lines with these statuses (all when None).
        line_ids: only these lines (e.g. those a decision may have scored again).
    """
    if line_ids is None:
        lines = uow.bank.lines(statuses, credits_only=True)
    else:
        lines = sorted(
            (
                line
                for line in uow.bank.lines_by_id(line_ids)
                if line.amount_cents > 0 and (statuses is None or line.status in statuses)
            ),
            key=lambda line: (line.date, line.id),
        )
    latest = uow.matching.latest(line.id for line in lines)
    refs = uow.matching.household_refs(
        d.household_id for d in latest.values() if d.household_id is not None
    )
    shown = []
    for line in lines:
        decision = latest.get(line.id)
        if decision is None:
            shown.append(DecidedLine(line, None))
            continue
        standing = line.status is BankLineStatus.MATCHED and decision.outcome in _STANDING
        shown.append(
            DecidedLine(
                line,
                decision.outcome,
                tuple(decision.candidates),
                refs.get(decision.household_id) if decision.household_id is not None else None,
                decision.payment_id if standing else None,
                decision.note,
            )
        )
    return shown


def aliases(uow: UnitOfWork, *, include_forgotten: bool = False) -> list[AliasView]:
    """``match aliases``: what matching has learned, newest first."""
    return [_view(a) for a in uow.matching.aliases(include_forgotten=include_forgotten)]


def forget_alias(uow: UnitOfWork, actor: Actor, alias_id: int) -> AliasView:
    """``match aliases --forget ID``: stop using a learned alias.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such alias (or forgotten already).
    """
    audit.require(actor, Permission.POST_MONEY)
    found = [a for a in uow.matching.aliases() if a.id == alias_id]
    if not found:
        raise NotFoundError(f"no learned alias {alias_id} (see: crechebooks match aliases)")
    uow.matching.forget_alias(alias_id)
    audit.record(
        uow,
        actor,
        "alias.forget",
        "payer_alias",
        alias_id,
        {"household_ref": found[0].household_ref, "payer_key": found[0].payer_key},
        {"forgotten": True},
    )
    view = _view(found[0])
    return AliasView(
        view.id, view.household_ref, view.payer_key, view.decision_id, view.learned_on, True
    )


@dataclass(frozen=True, slots=True)
class AcceptPreview:
    """What accepting a line for a household would do; nothing is written.

    Attributes:
        household_ref: the household.
        open_invoices: its invoices that can take money, oldest first:
            (number, due date, balance due cents).
        allocations: (number, cents, balance after) in the order the money
            would go.
        credit_cents: what would become household credit.
    """

    household_ref: str
    open_invoices: tuple[tuple[str, dt.date, int], ...]
    allocations: tuple[tuple[str, int, int], ...]
    credit_cents: int


def preview_accept(
    uow: UnitOfWork, line_id: int, household_ref: str, invoice_numbers: Sequence[str] = ()
) -> AcceptPreview:
    """The allocation ``accept`` would make for this line and household.

    Raises:
        NotFoundError: no such line or household.
    """
    line = uow.bank.line(line_id)
    if line is None:
        raise NotFoundError(f"no bank line {line_id} in this creche")
    household_id, ref = require_household(uow, household_ref)
    invoices = oldest_first(uow.payments.open_invoices(household_id))
    pairs = allocation_order(invoices, invoice_numbers, max(line.amount_cents, 0))
    balances = {inv.number: inv.balance_due_cents for inv in invoices}
    return AcceptPreview(
        ref,
        tuple((inv.number, inv.due_date, inv.balance_due_cents) for inv in invoices),
        tuple((number, cents, balances[number] - cents) for number, cents in pairs),
        max(line.amount_cents, 0) - sum(cents for _n, cents in pairs),
    )


def accept_all_candidates(lines: Sequence[DecidedLine], min_score: int) -> list[tuple[int, str]]:
    """(line id, household ref) of review lines a bulk accept at ``min_score`` would take.

    Only a line whose best candidate scores at least ``min_score`` while no
    other candidate does: a close second is left for a person. A line that
    may be a payment recorded by hand (a link first) is left for a person too.
    """
    chosen = []
    for line in lines:
        if line.line.status is not BankLineStatus.REVIEW or not line.candidates:
            continue
        if line.candidates[0].get("kind") == "link":
            continue
        scores = [int(str(c["score"])) for c in line.candidates]
        if scores[0] >= min_score and (len(scores) == 1 or scores[1] < min_score):
            chosen.append((line.line.id, str(line.candidates[0]["household_ref"])))
    return chosen


def count_accept_all(uow: UnitOfWork, min_score: int) -> int:
    """How many lines ``accept_all`` at ``min_score`` would accept (shown before it runs)."""
    return len(accept_all_candidates(list_lines(uow, [BankLineStatus.REVIEW]), min_score))


def accept_all(uow: UnitOfWork, actor: Actor, min_score: int) -> list[DecidedLine]:
    """Accept every review line whose best candidate scores ``min_score`` or more, alone.

    One transaction: all are accepted or, if one is refused, none.

    Raises:
        PermissionDenied: the actor may not post money.
        RuleViolation: a score outside 1-100.
    """
    audit.require(actor, Permission.POST_MONEY)
    if not 1 <= min_score <= 100:  # noqa: PLR2004 - scores run to 100
        raise RuleViolation(f"the score must be between 1 and 100 (got {min_score})")
    chosen = accept_all_candidates(list_lines(uow, [BankLineStatus.REVIEW]), min_score)
    return accept_each(uow, actor, chosen)
