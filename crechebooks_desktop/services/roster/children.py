"""Adding a child to a household and changing a child's reference, names and date of birth."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.dates import birth_date_problem
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import ChildDetails, StoredChild, reference_problem
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.roster.checks import Fields
from crechebooks_desktop.services.roster.households import find_household

__all__ = ["add_child", "edit_child", "find_child"]


def find_child(uow: UnitOfWork, child_ref: str) -> StoredChild:
    """The child with this reference (any case).

    Raises:
        NotFoundError: there is none in the creche.
    """
    found = uow.roster.child_by_ref(child_ref)
    if found is None:
        raise NotFoundError(f"no child with reference {child_ref.strip()!r} in this creche")
    return found


def _next_ref(uow: UnitOfWork, household_ref: str, household_id: int) -> str:
    """``HOUSEHOLD-n``: the household's reference and the first number not taken."""
    number = len(uow.roster.children_of(household_id)) + 1
    while uow.roster.child_by_ref(f"{household_ref}-{number}") is not None:
        number += 1
    return f"{household_ref}-{number}"


def _checked(
    uow: UnitOfWork, details: ChildDetails, today: dt.date, child_id: int | None
) -> ChildDetails:
    fields = Fields()
    ref = fields.reference("child_ref", details.child_ref)
    first = fields.text("first_name", details.first_name, required=True, max_length=100)
    last = fields.text("last_name", details.last_name, required=True, max_length=100)
    born = details.date_of_birth
    if born is not None and (problem := birth_date_problem(born, today)) is not None:
        fields.problem("date_of_birth", problem)
    if "child_ref" not in fields.problems:
        other = uow.roster.child_by_ref(ref)
        if other is not None and other.id != child_id:
            fields.problem("child_ref", f"{ref} is already another child's reference")
    fields.refuse()
    return ChildDetails(ref, first or "", last or "", born)


def _audited(details: ChildDetails, household_ref: str) -> dict[str, Any]:
    return {**asdict(details), "household_ref": household_ref}


def add_child(
    uow: UnitOfWork,
    actor: Actor,
    household_ref: str,
    details: ChildDetails,
    today: dt.date,
) -> StoredChild:
    """Add a child to a household.

    Args:
        uow: the transaction.
        actor: who adds it (needs to manage the roster).
        household_ref: the household's account reference (any case).
        details: the child's reference (blank: the household's reference and
            the next free number, e.g. ``DLAMINI01-3``), names and date of birth.
        today: the day, against which the date of birth is checked.

    Returns:
        The child as stored.

    Raises:
        PermissionDenied: the actor may not change the roster.
        NotFoundError: no such household.
        RosterRefused: a name missing or too long, a date of birth in the
            future or too long ago, a reference taken or malformed; nothing is
            written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    household = find_household(uow, household_ref)
    ref = household.details.account_ref
    if not details.child_ref.strip() and reference_problem(f"{ref}-1") is None:
        details = ChildDetails(
            _next_ref(uow, ref, household.id),
            details.first_name,
            details.last_name,
            details.date_of_birth,
        )
    checked = _checked(uow, details, today, None)
    child_id = uow.roster.add_child(
        household.id,
        checked.child_ref,
        checked.first_name,
        checked.last_name,
        checked.date_of_birth,
    )
    audit.record(uow, actor, "child.create", "child", child_id, None, _audited(checked, ref))
    return StoredChild(child_id, household.id, checked)


def edit_child(
    uow: UnitOfWork, actor: Actor, child_ref: str, details: ChildDetails, today: dt.date
) -> StoredChild:
    """Replace a child's reference, names and date of birth (the household stays).

    Values equal to those held change nothing and are not audited.

    Args:
        uow: the transaction.
        actor: who changes it (needs to manage the roster).
        child_ref: the child's reference now (any case).
        details: every detail as it should be.
        today: the day, against which the date of birth is checked.

    Returns:
        The child as stored.

    Raises:
        PermissionDenied: the actor may not change the roster.
        NotFoundError: no such child.
        RosterRefused: see ``add_child``; nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    stored = find_child(uow, child_ref)
    checked = _checked(uow, details, today, stored.id)
    if checked != stored.details:
        owner = uow.roster.household(stored.household_id)
        household = owner.details.account_ref if owner is not None else ""
        uow.roster.update_child(stored.id, checked)
        audit.record(
            uow,
            actor,
            "child.update",
            "child",
            stored.id,
            _audited(stored.details, household),
            _audited(checked, household),
        )
    return StoredChild(stored.id, stored.household_id, checked)
