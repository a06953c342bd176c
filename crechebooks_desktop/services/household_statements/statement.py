"""Statements of account for households and children, for any period (docs/RULES.md, Statements).

Read-only use cases: each takes a unit of work (one read transaction) and
returns plain values. A batch reads every household's figures in a handful
of queries, so 1,000 statements cost little more than one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.aging import InvoicePosition, age, positions_as_of
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.household_statement import (
    StatementKind,
    StatementOf,
    StatementParty,
    child_lines,
    household_lines,
    open_item_lines,
)
from crechebooks_desktop.errors import NotFoundError, RuleViolation

__all__ = ["Period", "household_statement", "household_statements"]


@dataclass(frozen=True, slots=True)
class Period:
    """A statement's dates, both included."""

    date_from: dt.date
    date_to: dt.date

    def __post_init__(self) -> None:
        check_book_date(self.date_from, "the statement's first day")
        check_book_date(self.date_to, "the statement's last day")
        if self.date_to < self.date_from:
            raise RuleViolation(
                f"a statement from {self.date_from} to {self.date_to} ends before it starts"
            )


def household_statement(
    uow: UnitOfWork,
    account_ref: str,
    period: Period,
    *,
    child_ref: str | None = None,
    open_items: bool = False,
) -> StatementOf:
    """``statements show``: one household's statement (or one child's) for a period.

    Raises:
        NotFoundError: no such household, or no such child in it.
        RuleViolation: a child's open-items statement (open items are the household's).
    """
    household_id = uow.roster.household_id(account_ref)
    if household_id is None:
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    if child_ref is not None:
        if open_items:
            raise RuleViolation("an open-items statement is the household's; leave out --child")
        return _child_statement(uow, household_id, child_ref, period)
    (found,) = household_statements(
        uow, period, household_ids=[household_id], open_items=open_items
    )
    return found


def household_statements(
    uow: UnitOfWork,
    period: Period,
    *,
    household_ids: Sequence[int] | None = None,
    open_items: bool = False,
    only_owing: bool = False,
    active_only: bool = False,
) -> list[StatementOf]:
    """Household statements for many households at once, by account reference.

    Args:
        uow: a (read-only) transaction.
        period: the dates.
        household_ids: which households (None: every one).
        open_items: list only what is still owed at the end date.
        only_owing: leave out households that owe nothing at the end date.
        active_only: leave out households with nothing to show: no balance
            brought forward, no movement in the period and nothing owed.
    """
    ids = list(household_ids) if household_ids is not None else None
    parties = uow.statements.parties(ids)
    entries = uow.statements.entries(period.date_from, period.date_to, ids)
    opening = uow.statements.balances_before(period.date_from, ids)
    invoices = uow.statements.invoices(period.date_to, ids)
    money = uow.statements.money([inv.invoice_id for inv in invoices])
    positions = positions_as_of(invoices, money, period.date_to)
    by_household: dict[int, list[InvoicePosition]] = {}
    for position in positions:
        by_household.setdefault(position.invoice.household_id, []).append(position)
    references = uow.statements.references(e for rows in entries.values() for e in rows)
    found = []
    for party in parties:
        owing = by_household.get(party.household_id, [])
        brought = opening.get(party.household_id, 0)
        lines = household_lines(entries.get(party.household_id, ()), brought, references)
        closing = lines[-1].balance_cents if lines else brought
        aging = age(owing)
        credit = max(0, aging.total_cents - closing)
        unbilled = max(0, closing - aging.total_cents)
        if only_owing and closing <= 0:
            continue
        if active_only and not (brought or lines or aging.total_cents):
            continue
        if open_items:
            found.append(
                StatementOf(
                    StatementKind.OPEN_ITEMS, party, period.date_from, period.date_to, 0,
                    open_item_lines(owing, credit, period.date_to, unbilled), aging, credit,
                    tuple(owing), unbilled,
                )
            )  # fmt: skip
            continue
        found.append(
            StatementOf(
                StatementKind.HOUSEHOLD, party, period.date_from, period.date_to, brought,
                lines, aging, credit, tuple(owing), unbilled,
            )
        )  # fmt: skip
    return found


def _child_statement(
    uow: UnitOfWork, household_id: int, child_ref: str, period: Period
) -> StatementOf:
    child = uow.roster.child_by_ref(child_ref)
    if child is None or child.household_id != household_id:
        raise NotFoundError(f"no child {child_ref!r} in that household")
    (party,) = uow.statements.parties([household_id])
    name = f"{child.details.first_name} {child.details.last_name}"
    party = StatementParty(
        party.household_id, party.household_ref, party.parent_name, party.second_parent_name,
        party.email, party.address, child.details.child_ref, name,
    )  # fmt: skip
    invoices = uow.statements.invoices(period.date_to, [household_id], child_id=child.id)
    money = uow.statements.money([inv.invoice_id for inv in invoices])
    references = uow.statements.payment_references(
        sorted({m.payment_id for m in money if m.payment_id is not None})
    )
    opening, lines = child_lines(invoices, money, period.date_from, period.date_to, references)
    owing = positions_as_of(invoices, money, period.date_to)
    return StatementOf(
        StatementKind.CHILD, party, period.date_from, period.date_to, opening, lines,
        age(owing), 0, tuple(owing),
    )  # fmt: skip
