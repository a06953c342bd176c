"""Reading the roster as the Households view and ``balances`` show it."""

from __future__ import annotations

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.household import HouseholdSummary


def household_summaries(uow: UnitOfWork) -> list[HouseholdSummary]:
    """Every household of the creche with children, balance, outstanding and credit."""
    return uow.roster.household_summaries()


def roster_counts(uow: UnitOfWork) -> dict[str, int]:
    """Households, children and active enrolments of the creche."""
    return uow.roster.counts()
