"""Reading the roster as the Households view and ``balances`` show it."""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.roster import StoredChild, StoredHousehold
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services.roster.enrolments import EnrolmentValue


def household_summaries(uow: UnitOfWork) -> list[HouseholdSummary]:
    """Every household of the creche with children, balance, outstanding and credit."""
    return uow.roster.household_summaries()


def roster_counts(uow: UnitOfWork) -> dict[str, int]:
    """Households, children and active enrolments of the creche."""
    return uow.roster.counts()


@dataclass(frozen=True, slots=True)
class ChildEntry:
    """A child of a household with its enrolments, earliest first."""

    child: StoredChild
    enrolments: tuple[EnrolmentValue, ...]


@dataclass(frozen=True, slots=True)
class HouseholdDetail:
    """A household's details and its children, eldest first, for picking what to change."""

    household: StoredHousehold
    children: tuple[ChildEntry, ...]


def household_detail(uow: UnitOfWork, household_id: int) -> HouseholdDetail:
    """One household with its children and each child's enrolments.

    Raises:
        NotFoundError: no such household in the creche.
    """
    household = uow.roster.household(household_id)
    if household is None:
        raise NotFoundError(f"no household {household_id} in this creche")
    names = {fee.id: fee.terms.name for fee in uow.roster.fees()}
    children = []
    for child in uow.roster.children_of(household_id):
        ref = child.details.child_ref
        enrolments = tuple(
            EnrolmentValue(e.id, ref, names[e.terms.fee_structure_id], e.status, e.terms)
            for e in uow.roster.enrolments(child.id)
        )
        children.append(ChildEntry(child, enrolments))
    return HouseholdDetail(household, tuple(children))
