"""Links: a bank line that is a payment already recorded by hand (issue 11).

A payment typed in by hand (an EFT the parent announced, a debit order) and
later seen on the statement must not be recorded a second time. When a
credit line has the same amount as a payment recorded by hand (not
reversed, not yet linked to a bank line) dated within
:data:`LINK_WINDOW_DAYS` of it, the line most likely *is* that payment.

*Which payments.* Those of a household the line points at: a candidate
with reference or name points (an alias gives both). When the line points at
households none of which has such a payment, there is no link: a payment by
hand of another household that merely has an invoice of the same amount
must not hold up, or be offered before, a line that names its payer (with
many households paying the same fee, one payment typed in by hand would
otherwise send every line of that amount within the window to review). When
the line points at nobody (a cash deposit, a bare amount), its amount-only
candidates' payments are offered, or, when they have none, the single such
payment in the book if there is exactly one (two strangers of the same
amount are a guess, not a link).

*Order and score.* Links come first (the household's rank among the
candidates, then the nearest date, then the oldest payment), before the
ordinary candidates, nine in all. A link keeps its household's reference and
name points, and its amount scores the full 40: it equals the payment's (the
household's own candidate may score nothing on the amount, since the very
payment to link has paid its invoices).

*Decision.* A line with a link is never applied by itself: accepting it
links the line to the payment (no new payment, no ledger entry), which a
person decides in the review.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.matching import MAX_CANDIDATES, Candidate, LineMatch, MatchLine
from crechebooks_desktop.domain.money import format_rands

__all__ = [
    "LINK_WINDOW_DAYS",
    "HandPayment",
    "RefundEntry",
    "choose",
    "link_reason",
    "near",
    "points_at",
    "with_links",
]

LINK_WINDOW_DAYS = 5
"""A payment recorded by hand may be a line dated this many days before or after it."""
_AMOUNT_ONLY = 40  # the points of an exact amount


@dataclass(frozen=True, slots=True)
class HandPayment:
    """A payment recorded by hand: standing (not reversed) and linked to no bank line."""

    payment_id: int
    household_id: int
    household_ref: str
    day: dt.date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class RefundEntry:
    """A refund paid out by hand: a household's REFUND ledger entry.

    Attributes:
        amount_cents: what was paid out (positive: the household's balance rose).
        bank_line_id: the debit line it is linked to, once linked.
    """

    entry_id: int
    household_id: int
    household_ref: str
    day: dt.date
    amount_cents: int
    description: str
    bank_line_id: int | None = None


def link_reason(payment: HandPayment) -> str:
    """``payment 42 of R 1 200,00 recorded by hand on 2026-03-03 for DLAMINI01; ...``."""
    return (
        f"payment {payment.payment_id} of {format_rands(payment.amount_cents)} recorded by "
        f"hand on {payment.day.isoformat()} for {payment.household_ref}; accepting links "
        "this line to it"
    )


def near(line_day: dt.date, day: dt.date) -> bool:
    """Whether ``day`` is within the link window of ``line_day``."""
    return abs((day - line_day).days) <= LINK_WINDOW_DAYS


def with_links(
    lines: Sequence[MatchLine], matches: Sequence[LineMatch], payments: Sequence[HandPayment]
) -> tuple[LineMatch, ...]:
    """Each line's match with its links first (see the module docstring).

    Args:
        lines: the lines scored.
        matches: ``match_lines``' result for them, in the same order.
        payments: payments recorded by hand (those of other amounts and dates
            are passed over).

    Returns:
        The matches, those with a link held for review.
    """
    by_amount: dict[int, list[HandPayment]] = defaultdict(list)
    for payment in payments:
        by_amount[payment.amount_cents].append(payment)
    return tuple(
        _linked(line, match, by_amount.get(line.amount_cents, ()))
        for line, match in zip(lines, matches, strict=True)
    )


def _linked(line: MatchLine, match: LineMatch, payments: Sequence[HandPayment]) -> LineMatch:
    like = [p for p in payments if near(line.date, p.day)]
    if not like:
        return match
    rank: dict[int, int] = {}
    for n, candidate in enumerate(match.candidates):
        rank.setdefault(candidate.household_id, n)
    found = choose(like, rank, points_at(match.candidates))
    if not found:
        return match
    found.sort(
        key=lambda p: (rank.get(p.household_id, 0), abs((p.day - line.date).days), p.payment_id)
    )
    own = {c.household_id: c for c in reversed(match.candidates)}  # each household's best
    links = tuple(_link(p, own.get(p.household_id)) for p in found)
    first = found[0]
    return LineMatch(
        match.line_id,
        MatchOutcome.REVIEW_REQUIRED,
        (links + match.candidates)[:MAX_CANDIDATES],
        f"payment {first.payment_id} recorded by hand looks like this line: "
        "link it rather than count the money twice",
    )


def points_at(candidates: Iterable[Candidate]) -> set[int]:
    """The households a line points at: candidates with reference or name points."""
    return {c.household_id for c in candidates if c.reference_points or c.name_points}


def choose(
    like: Sequence[HandPayment], rank: Mapping[int, int], pointed: AbstractSet[int]
) -> list[HandPayment]:
    """The payments recorded by hand a line may be (see the module docstring).

    Args:
        like: payments of the line's amount within the window.
        rank: the line's candidate households, by their place.
        pointed: the households it points at (``points_at``).
    """
    if pointed:
        return [p for p in like if p.household_id in pointed]
    among = [p for p in like if p.household_id in rank]
    if among:
        return among
    return list(like) if len(like) == 1 else []


def _link(payment: HandPayment, own: Candidate | None) -> Candidate:
    reason = link_reason(payment)
    if own is None:
        return Candidate(
            household_id=payment.household_id,
            household_ref=payment.household_ref,
            invoice_numbers=(),
            score=_AMOUNT_ONLY,
            reference_points=0,
            amount_points=_AMOUNT_ONLY,
            name_points=0,
            reasons=(reason,),
            payment_id=payment.payment_id,
            payment_date=payment.day,
        )
    return replace(
        own,
        score=own.reference_points + _AMOUNT_ONLY + own.name_points,
        amount_points=_AMOUNT_ONLY,
        invoice_numbers=(),
        reasons=(reason, *own.reasons),
        alias_id=None,
        drafts=(),
        payment_id=payment.payment_id,
        payment_date=payment.day,
    )
