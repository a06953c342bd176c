"""Bank reconciliation as values: a statement's figures, its lines, the finished record.

docs/RULES.md, Reconciliation and period locks: for a bank account and statement date, the opening
balance plus the cleared lines must equal the statement's closing balance,
to the cent. A line is *cleared* when it is accounted for: a leaf line (not
a SPLIT parent) that is MATCHED (paid or linked to a payment or refund) or
CATEGORISED; a SPLIT line is cleared when all its parts are. Timing
differences are book entries that move money through the bank but are not
on a statement yet (a payment recorded by hand, a refund paid out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.domain.enums import BankLineStatus, ReconciliationStatus
from crechebooks_desktop.domain.money import format_rands

__all__ = [
    "CLEARED",
    "LineFacts",
    "PeriodTotals",
    "ReconcileLine",
    "ReconcileStatus",
    "ReconciliationRecord",
    "TimingDifference",
    "UnclearedLine",
    "cleared_by",
    "finished_words",
    "summary",
]

CLEARED = (BankLineStatus.MATCHED, BankLineStatus.CATEGORISED)
"""The statuses of a leaf line that is accounted for."""


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


@dataclass(frozen=True, slots=True)
class UnclearedLine:
    """A statement line of the period that is not accounted for yet."""

    line_id: int
    date: dt.date
    amount_cents: int
    description: str

    def as_json(self) -> dict[str, object]:
        """``{"line_id", "date", "amount_cents", "description"}``."""
        return {
            "line_id": self.line_id,
            "date": self.date.isoformat(),
            "amount_cents": self.amount_cents,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class TimingDifference:
    """Money the book moved through the bank that no statement line shows yet.

    Attributes:
        kind: ``payment`` (recorded by hand, money in) or ``refund`` (paid
            out, money out).
        id: the payment's id, or the REFUND ledger entry's id.
        date: the day it was recorded for.
        amount_cents: as the bank would show it: money in positive, out negative.
        description: who and what, in words.
    """

    kind: str
    id: int
    date: dt.date
    amount_cents: int
    description: str

    def as_json(self) -> dict[str, object]:
        """``{"kind", "id", "date", "amount_cents", "description"}``."""
        return {
            "kind": self.kind,
            "id": self.id,
            "date": self.date.isoformat(),
            "amount_cents": self.amount_cents,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    """What the SQL aggregates say about a period's lines."""

    cleared_in_cents: int = 0
    cleared_out_cents: int = 0
    uncleared_count: int = 0


@dataclass(frozen=True, slots=True)
class ReconciliationRecord:
    """A reconciliation as stored (``reconcile history``).

    Attributes:
        id: its id.
        account: the bank account's name.
        statement_date: the statement date it reconciles to.
        status: IN_PROGRESS, FINISHED (the period is locked) or UNLOCKED.
        closing_cents: the statement's closing balance (the bookkeeper's figure).
        opening_cents: the opening balance it started from.
        file_balance_cents: what the imported file said, when that differs.
        created_at / created_by: when and by whom it was started.
        finished_at / finished_by: when and by whom it was finished.
        unlocked_at / unlocked_by / unlock_reason: an admin's unlocking.
    """

    id: int
    account: str
    statement_date: dt.date
    status: ReconciliationStatus
    closing_cents: int
    opening_cents: int
    file_balance_cents: int | None
    created_at: dt.datetime
    created_by: str | None
    finished_at: dt.datetime | None = None
    finished_by: str | None = None
    unlocked_at: dt.datetime | None = None
    unlocked_by: str | None = None
    unlock_reason: str | None = None

    def as_json(self) -> dict[str, object]:
        """The record as ``reconcile history --json`` lists it."""
        return {
            "id": self.id,
            "account": self.account,
            "statement_date": self.statement_date.isoformat(),
            "status": self.status.value,
            "closing_cents": self.closing_cents,
            "opening_cents": self.opening_cents,
            "file_balance_cents": self.file_balance_cents,
            "created_at": _moment(self.created_at),
            "created_by": self.created_by,
            "finished_at": _moment(self.finished_at),
            "finished_by": self.finished_by,
            "unlocked_at": _moment(self.unlocked_at),
            "unlocked_by": self.unlocked_by,
            "unlock_reason": self.unlock_reason,
        }


@dataclass(frozen=True, slots=True)
class ReconcileStatus:
    """Where a reconciliation stands: the figures a bookkeeper proves to the cent.

    Attributes:
        account: the bank account's name.
        statement_date: the statement date.
        opening_cents: the previous finished reconciliation's closing
            balance, else the account's opening balance.
        closing_cents: the statement's closing balance.
        cleared_in_cents: cleared money in over the period.
        cleared_out_cents: cleared money out over the period (negative).
        uncleared_lines: the period's lines not accounted for, by date.
        timing_differences: book entries not on a statement yet.
        status: the reconciliation's status.
        locked_through: the account's locked date, if any.
        file_balance_cents: the file's closing balance, where the
            bookkeeper's figure differs from it.
        reconciliation_id: the stored reconciliation.
        period_start: the first day the period covers (None: from the first line).
        finished_at / finished_by: when and by whom it was finished.
    """

    account: str
    statement_date: dt.date
    opening_cents: int
    closing_cents: int
    cleared_in_cents: int
    cleared_out_cents: int
    uncleared_lines: tuple[UnclearedLine, ...] = ()
    timing_differences: tuple[TimingDifference, ...] = ()
    status: ReconciliationStatus = ReconciliationStatus.IN_PROGRESS
    locked_through: dt.date | None = None
    file_balance_cents: int | None = None
    reconciliation_id: int | None = None
    period_start: dt.date | None = None
    finished_at: dt.datetime | None = None
    finished_by: str | None = None

    @property
    def cleared_cents(self) -> int:
        """Cleared money in and out together."""
        return self.cleared_in_cents + self.cleared_out_cents

    @property
    def difference_cents(self) -> int:
        """The closing balance less (opening + cleared): zero when the book agrees."""
        return self.closing_cents - (self.opening_cents + self.cleared_cents)

    @property
    def uncleared_in_cents(self) -> int:
        """Money in on uncleared lines."""
        return sum(u.amount_cents for u in self.uncleared_lines if u.amount_cents > 0)

    @property
    def uncleared_out_cents(self) -> int:
        """Money out on uncleared lines (negative)."""
        return sum(u.amount_cents for u in self.uncleared_lines if u.amount_cents < 0)

    @property
    def can_finish(self) -> bool:
        """The difference is zero and every line of the period is cleared."""
        return self.difference_cents == 0 and not self.uncleared_lines

    def as_json(self) -> dict[str, object]:
        """The figures as ``reconcile status --json`` prints them (issue 11's keys first)."""
        return {
            "account": self.account,
            "statement_date": self.statement_date.isoformat(),
            "opening_cents": self.opening_cents,
            "closing_cents": self.closing_cents,
            "cleared_cents": self.cleared_cents,
            "difference_cents": self.difference_cents,
            "uncleared_lines": [u.as_json() for u in self.uncleared_lines],
            "timing_differences": [t.as_json() for t in self.timing_differences],
            "status": self.status.value,
            "locked_through": _day(self.locked_through),
            "cleared_in_cents": self.cleared_in_cents,
            "cleared_out_cents": self.cleared_out_cents,
            "file_balance_cents": self.file_balance_cents,
            "reconciliation_id": self.reconciliation_id,
            "period_start": _day(self.period_start),
            "finished_at": _moment(self.finished_at),
            "finished_by": self.finished_by,
        }


def finished_words(status: ReconcileStatus) -> str:
    """Who finished it and when, or where it stands instead."""
    if status.finished_at is not None:
        when = status.finished_at.strftime("%Y-%m-%d %H:%M UTC")
        shown = f"Finished by {status.finished_by or 'unknown'} on {when}"
        if status.status is ReconciliationStatus.UNLOCKED:
            shown += "; unlocked since by an admin"
        return shown
    return "Not finished"


def summary(status: ReconcileStatus) -> list[tuple[str, int]]:
    """The statement's figures, top to bottom: (label, cents)."""
    return [
        ("Opening balance", status.opening_cents),
        ("Cleared money in", status.cleared_in_cents),
        ("Cleared money out", status.cleared_out_cents),
        ("Opening balance + cleared", status.opening_cents + status.cleared_cents),
        ("Closing balance per statement", status.closing_cents),
        ("Difference", status.difference_cents),
    ]


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What accounts for one line, as the repository finds it (for :func:`cleared_by`).

    Attributes:
        payment: (payment id, household ref) of the live payment on the line.
        linked: the payment was recorded by hand and linked to the line.
        categories: (account code, account name, cents) of each part.
        refund: (REFUND ledger entry id, household ref) linked to the line.
    """

    payment: tuple[int, str] | None = None
    linked: bool = False
    categories: tuple[tuple[str, str, int], ...] = ()
    refund: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class ReconcileLine:
    """A statement line of the period, for the reconciliation screen.

    Attributes:
        line_id: its id.
        date: the day it was posted.
        amount_cents: money in positive, out negative.
        description, payer, reference: the bank's text.
        status: its matching status.
        cleared: whether it is accounted for.
        cleared_by: what accounts for it, in words (None when nothing does).
        parent_id: the line it is a part of, for a split part.
        part_ids: its parts, for a SPLIT line.
        transaction_date: the day the payer made it, where the bank gives it
            apart from ``date`` (issue 14); shown only.
    """

    line_id: int
    date: dt.date
    amount_cents: int
    description: str
    payer: str | None
    reference: str | None
    status: BankLineStatus
    cleared: bool
    cleared_by: str | None
    parent_id: int | None = None
    part_ids: tuple[int, ...] = field(default=())
    transaction_date: dt.date | None = None

    def as_json(self) -> dict[str, object]:
        """The line as the screen and ``--json`` show it."""
        return {
            "line_id": self.line_id,
            "date": self.date.isoformat(),
            "amount_cents": self.amount_cents,
            "description": self.description,
            "payer": self.payer,
            "reference": self.reference,
            "status": self.status.value,
            "cleared": self.cleared,
            "cleared_by": self.cleared_by,
            "parent_id": self.parent_id,
            "part_ids": list(self.part_ids),
            "transaction_date": (
                None if self.transaction_date is None else self.transaction_date.isoformat()
            ),
        }


def cleared_by(status: BankLineStatus, facts: LineFacts, parts: Sequence[bool] = ()) -> str | None:
    """What accounts for a line, in words; None when nothing does.

    Args:
        status: the line's status.
        facts: its payment, categories and refund link.
        parts: for a SPLIT line, whether each part is cleared.

    Returns:
        E.g. ``payment 12 to DLAMINI01``, ``linked to payment 7 of DLAMINI01``,
        ``6200 Utilities``, ``6200 Utilities R 80,00; 6900 Bank charges R 20,00``,
        ``linked to refund 31 of BOTHA04``, ``split: 2 parts, all cleared``.
    """
    if status is BankLineStatus.SPLIT:
        waiting = len(parts) - sum(parts)
        if waiting:
            return f"split: {waiting} of {len(parts)} parts not cleared"
        return f"split: {len(parts)} parts, all cleared"
    if status not in CLEARED:
        return None
    return _linked_words(facts) or _category_words(facts) or status.value.lower()


def _linked_words(facts: LineFacts) -> str | None:
    if facts.payment is not None:
        payment_id, ref = facts.payment
        if facts.linked:
            return f"linked to payment {payment_id} of {ref}"
        return f"payment {payment_id} to {ref}"
    if facts.refund is not None:
        entry_id, ref = facts.refund
        return f"linked to refund {entry_id} of {ref}"
    return None


def _category_words(facts: LineFacts) -> str | None:
    if len(facts.categories) == 1:
        code, name, _cents = facts.categories[0]
        return f"{code} {name}"
    if facts.categories:
        return "; ".join(f"{c} {n} {format_rands(cents)}" for c, n, cents in facts.categories)
    return None
