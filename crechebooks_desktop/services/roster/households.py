"""Adding a household and changing its details (parents, contacts, account reference)."""

from __future__ import annotations

from dataclasses import asdict

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import HouseholdDetails, StoredHousehold
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.roster.checks import Fields

__all__ = ["add_household", "edit_household", "find_household"]


def find_household(uow: UnitOfWork, account_ref: str) -> StoredHousehold:
    """The household with this account reference (any case).

    Raises:
        NotFoundError: there is none in the creche.
    """
    found = uow.roster.household_by_ref(account_ref)
    if found is None:
        raise NotFoundError(f"no household with reference {account_ref.strip()!r} in this creche")
    return found


def _checked(
    uow: UnitOfWork, details: HouseholdDetails, household_id: int | None
) -> HouseholdDetails:
    fields = Fields()
    ref = fields.reference("account_ref", details.account_ref)
    checked = HouseholdDetails(
        ref,
        fields.text("parent_name", details.parent_name, required=True, max_length=200) or "",
        fields.text("second_parent_name", details.second_parent_name),
        fields.email("email", details.email),
        fields.text("phone", details.phone, max_length=40),
        fields.text("address", details.address),
    )
    if "account_ref" not in fields.problems:
        other = uow.roster.household_id(ref)
        if other is not None and other != household_id:
            fields.problem("account_ref", f"{ref} is already another household's reference")
    fields.refuse()
    return checked


def add_household(uow: UnitOfWork, actor: Actor, details: HouseholdDetails) -> StoredHousehold:
    """Add a household (with a zero balance) to the actor's creche.

    Args:
        uow: the transaction.
        actor: who adds it (needs to manage the roster).
        details: the account reference (unique in the creche, any case) and
            the parents' names and contact details, as typed.

    Returns:
        The household as stored (reference in upper case, blanks as None).

    Raises:
        PermissionDenied: the actor may not change the roster.
        RosterRefused: a field is missing or not acceptable, or the reference
            is another household's; nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    checked = _checked(uow, details, None)
    household_id = uow.roster.add_household(
        checked.account_ref,
        checked.parent_name,
        second_parent_name=checked.second_parent_name,
        email=checked.email,
        phone=checked.phone,
        address=checked.address,
    )
    audit.record(uow, actor, "household.create", "household", household_id, None, asdict(checked))
    return StoredHousehold(household_id, checked)


def edit_household(
    uow: UnitOfWork, actor: Actor, account_ref: str, details: HouseholdDetails
) -> StoredHousehold:
    """Replace a household's details, its account reference included.

    Values equal to those held change nothing and are not audited.

    Args:
        uow: the transaction.
        actor: who changes it (needs to manage the roster).
        account_ref: the household's reference now (any case).
        details: every detail as it should be (a blank optional one is cleared).

    Returns:
        The household as stored.

    Raises:
        PermissionDenied: the actor may not change the roster.
        NotFoundError: no such household.
        RosterRefused: see ``add_household``; nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    stored = find_household(uow, account_ref)
    checked = _checked(uow, details, stored.id)
    if checked != stored.details:
        uow.roster.update_household(stored.id, checked)
        audit.record(
            uow,
            actor,
            "household.update",
            "household",
            stored.id,
            asdict(stored.details),
            asdict(checked),
        )
    return StoredHousehold(stored.id, checked)
