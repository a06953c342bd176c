"""The matching queue (bank credits and their decisions), read a page at a time (issue 13).

A book may hold 100,000 bank lines. The queue counts the credits in each
group (to review, auto-applied, ...), then reads a page of the chosen group
by keyset (``keyset.KeysetList``), sorted by date, amount, payer or status in
SQL. A row carries the line, its newest decision and its best suggestion
(household and score); the full candidates are read for the selected line
only (``services.bank.review_queue.list_lines``).

A line's group depends on its status and, for matched and unmatched lines,
on its newest decision (``max(id)`` of its decisions: the
``match_decisions.bank_line_id`` index answers it per line).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select
from sqlalchemy.orm import aliased

from crechebooks_desktop.db.repositories.bulk import table_of
from crechebooks_desktop.db.repositories.keyset import Key, KeysetList
from crechebooks_desktop.db.tables import BankLine, Household, MatchDecision
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome


class QueueGroup(enum.StrEnum):
    """Where a credit line stands, as the queue's filter groups it."""

    REVIEW = "REVIEW"
    NEW = "NEW"
    NO_MATCH = "NO_MATCH"
    AUTO = "AUTO"
    ACCEPTED = "ACCEPTED"
    PARKED = "PARKED"
    REJECTED = "REJECTED"
    SPLIT = "SPLIT"
    CATEGORISED = "CATEGORISED"
    LINKED = "LINKED"


def group_of(status: BankLineStatus, decision: MatchOutcome | None) -> QueueGroup:
    """The group of a line with this status and newest decision."""
    if status is BankLineStatus.MATCHED:
        return {
            MatchOutcome.AUTO_APPLIED: QueueGroup.AUTO,
            MatchOutcome.LINKED: QueueGroup.LINKED,
        }.get(decision or MatchOutcome.ACCEPTED, QueueGroup.ACCEPTED)
    if status is BankLineStatus.UNMATCHED:
        return QueueGroup.NO_MATCH if decision is MatchOutcome.NO_MATCH else QueueGroup.NEW
    return {
        BankLineStatus.REVIEW: QueueGroup.REVIEW,
        BankLineStatus.PARKED: QueueGroup.PARKED,
        BankLineStatus.REJECTED: QueueGroup.REJECTED,
        BankLineStatus.SPLIT: QueueGroup.SPLIT,
    }.get(status, QueueGroup.CATEGORISED)


class QueueSort(enum.StrEnum):
    """What the queue can be ordered by (the line id always breaks ties)."""

    DATE = "date"
    AMOUNT = "amount"
    WHO = "who"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """Which credit lines the queue shows, and in what order.

    Attributes:
        sort: the column to order by; ties go by line id.
        descending: largest (or latest) first.
        groups: only lines in these groups (None: every credit line).
        text: words that must each appear in the description, reference or payer.
    """

    sort: QueueSort = QueueSort.DATE
    descending: bool = False
    groups: frozenset[QueueGroup] | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class QueueListRow:
    """A credit line as the queue lists it: its newest decision and best suggestion."""

    line_id: int
    date: dt.date
    amount_cents: int
    description: str
    reference: str | None
    payer: str | None
    status: BankLineStatus
    split_parent_id: int | None
    decision: MatchOutcome | None
    household_ref: str | None
    note: str | None
    best_ref: str | None
    best_score: int | None
    transaction_date: dt.date | None = None  # where the bank gives it apart (issue 14)

    @property
    def group(self) -> QueueGroup:
        """The queue group it is in."""
        return group_of(self.status, self.decision)

    @property
    def who(self) -> str:
        """The payer's name where the bank kept it apart, else the description."""
        return self.payer or self.description

    def key(self, sort: QueueSort) -> Key:
        """This row's key in an order by ``sort`` (what SQL orders by)."""
        value: Any = {
            QueueSort.DATE: self.date,
            QueueSort.AMOUNT: self.amount_cents,
            QueueSort.WHO: self.who,
            QueueSort.STATUS: self.status,
        }[sort]
        return (value, self.line_id)


_LATER = aliased(MatchDecision)
_NEWEST_ID = (
    select(func.max(_LATER.id))
    .where(_LATER.bank_line_id == BankLine.id)
    .correlate(BankLine)
    .scalar_subquery()
)
_NEWEST = (
    select(MatchDecision.outcome)
    .where(MatchDecision.id == _NEWEST_ID)
    .correlate(BankLine)
    .scalar_subquery()
)
_WHO = func.coalesce(func.nullif(BankLine.payer, ""), BankLine.description)
_SORTS: dict[QueueSort, Any] = {
    QueueSort.DATE: BankLine.line_date,
    QueueSort.AMOUNT: BankLine.amount_cents,
    QueueSort.WHO: _WHO,
    QueueSort.STATUS: BankLine.status,
}
_ROW_COLUMNS = (
    BankLine.id,
    BankLine.line_date,
    BankLine.amount_cents,
    BankLine.description,
    BankLine.reference,
    BankLine.payer,
    BankLine.status,
    BankLine.split_parent_id,
    BankLine.transaction_date,
    MatchDecision.outcome,
    Household.account_ref,
    MatchDecision.note,
    MatchDecision.candidates,
)
_SIMPLE = {
    QueueGroup.REVIEW: BankLineStatus.REVIEW,
    QueueGroup.PARKED: BankLineStatus.PARKED,
    QueueGroup.REJECTED: BankLineStatus.REJECTED,
    QueueGroup.SPLIT: BankLineStatus.SPLIT,
}
_DECIDED = (BankLineStatus.MATCHED, BankLineStatus.UNMATCHED)


def _group_condition(group: QueueGroup) -> ColumnElement[bool]:
    """SQL for "the line is in ``group``" (the newest decision only where it matters)."""
    if group in _SIMPLE:
        return BankLine.status == _SIMPLE[group]
    if group is QueueGroup.CATEGORISED:
        return BankLine.status.not_in([*_SIMPLE.values(), *_DECIDED])
    outcome = func.coalesce(_NEWEST, "")
    if group is QueueGroup.NO_MATCH:
        return and_(BankLine.status == BankLineStatus.UNMATCHED, outcome == MatchOutcome.NO_MATCH)
    if group is QueueGroup.NEW:
        return and_(BankLine.status == BankLineStatus.UNMATCHED, outcome != MatchOutcome.NO_MATCH)
    named = {QueueGroup.AUTO: MatchOutcome.AUTO_APPLIED, QueueGroup.LINKED: MatchOutcome.LINKED}
    if group in named:
        return and_(BankLine.status == BankLineStatus.MATCHED, outcome == named[group])
    return and_(  # ACCEPTED: matched by a person (or with no decision kept)
        BankLine.status == BankLineStatus.MATCHED,
        not_(outcome.in_([MatchOutcome.AUTO_APPLIED, MatchOutcome.LINKED])),
    )


class BankQueueRepository(KeysetList[QueueSpec, QueueListRow]):
    """The creche's credit lines as the matching queue lists them."""

    id_column = table_of(BankLine).c.id

    def group_counts(self) -> Counter[QueueGroup]:
        """How many credit lines are in each group.

        One pass over the credits by status; the newest decision is looked up
        only for matched and unmatched lines (the groups that need it).
        """
        outcome = (
            select(MatchDecision.outcome)
            .where(MatchDecision.id == _NEWEST_ID)
            .correlate(BankLine)
            .scalar_subquery()
        )
        query = (
            select(BankLine.status, outcome, func.count())
            .select_from(BankLine)
            .where(
                BankLine.tenant_id == self.tenant_id,
                BankLine.amount_cents > 0,
                BankLine.status.in_(_DECIDED),
            )
            .group_by(BankLine.status, outcome)
        )
        counts: Counter[QueueGroup] = Counter()
        for status, decision, count in self.session.execute(query):
            counts[
                group_of(BankLineStatus(status), MatchOutcome(decision) if decision else None)
            ] += int(count)
        others = (
            select(BankLine.status, func.count())
            .where(
                BankLine.tenant_id == self.tenant_id,
                BankLine.amount_cents > 0,
                BankLine.status.not_in(_DECIDED),
            )
            .group_by(BankLine.status)
        )
        for status, count in self.session.execute(others):
            counts[group_of(status, None)] += int(count)
        return counts

    def rows_query(self, spec: QueueSpec) -> Select[Any]:
        """Every column the queue shows, with the newest decision, filtered."""
        columns: list[Any] = list(_ROW_COLUMNS)
        query = (
            select(*columns)
            .select_from(BankLine)
            .outerjoin(MatchDecision, MatchDecision.id == _NEWEST_ID)
            .outerjoin(Household, Household.id == MatchDecision.household_id)
        )
        return query.where(*self._where(spec))

    def keys_query(self, spec: QueueSpec) -> Select[Any]:
        """The filtered lines alone (the groups look their decisions up themselves)."""
        return select(BankLine.id).select_from(BankLine).where(*self._where(spec))

    def sort_expression(self, spec: QueueSpec) -> Any:
        """The column (never NULL) that orders the queue."""
        return _SORTS[spec.sort]

    def make_row(self, row: Sequence[Any]) -> QueueListRow:
        """A result row as the queue's value (the best suggestion from the stored candidates)."""
        line_id, day, cents, description, reference, payer, status, parent, transacted = row[:9]
        outcome, household_ref, note, candidates = row[9:]
        best = candidates[0] if candidates else {}
        score = best.get("score")
        return QueueListRow(
            line_id, day, cents, description, reference, payer, status, parent,
            outcome, household_ref, note,
            best.get("household_ref"), None if score is None else int(score), transacted,
        )  # fmt: skip

    def key_of(self, row: QueueListRow, spec: QueueSpec) -> Key:
        """The row's key in the spec's order."""
        return row.key(spec.sort)

    def _where(self, spec: QueueSpec) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            BankLine.tenant_id == self.tenant_id,
            BankLine.amount_cents > 0,
        ]
        if spec.groups is not None:
            conditions.append(or_(false(), *(_group_condition(g) for g in sorted(spec.groups))))
        conditions.extend(
            or_(
                self.contains(BankLine.description, word),
                self.contains(BankLine.reference, word),
                self.contains(BankLine.payer, word),
            )
            for word in spec.text.split()
        )
        return conditions
