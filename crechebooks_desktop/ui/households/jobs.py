"""What the Households tab asks of the book; each function runs on the database thread.

Each change calls the service the command line uses (``services.roster_edit``,
``services.roster.charges_and_endings.add_charge``), so the checks, audit records and messages
are the same. Services load inside the functions, so the window shows first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.enums import LineType, VatTreatment
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.roster import (
        ChildDetails,
        HouseholdDetails,
        StoredChild,
        StoredHousehold,
    )
    from crechebooks_desktop.services.roster.charges_and_endings import ChargeValue
    from crechebooks_desktop.services.roster.enrolments import EnrolmentForm, EnrolmentValue
    from crechebooks_desktop.services.roster.household_view import HouseholdDetail


@dataclass(frozen=True, slots=True)
class DetailScreen:
    """A household's details and children, and the fee names an enrolment may choose."""

    detail: HouseholdDetail
    fee_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewCharge:
    """A charge as typed in the charge dialog."""

    child_ref: str
    line_type: LineType
    amount_cents: int
    charge_date: dt.date
    description: str | None
    vat: VatTreatment | None


def _today() -> dt.date:
    return dt.date.today()  # noqa: DTZ011 - the creche's own calendar day


def load_detail(book: Book, workplace: Workplace, household_id: int) -> DetailScreen:
    """One household with its children and their enrolments, and the fee names."""
    from crechebooks_desktop.services.roster.household_view import household_detail  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        detail = household_detail(uow, household_id)
        fees = tuple(fee.terms.name for fee in uow.roster.fees() if fee.active)
    return DetailScreen(detail, fees)


def add_household(book: Book, workplace: Workplace, details: HouseholdDetails) -> StoredHousehold:
    """``roster_edit.households.add_household``."""
    from crechebooks_desktop.services.roster import households  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return households.add_household(uow, workplace.actor, details)


def edit_household(
    book: Book, workplace: Workplace, account_ref: str, details: HouseholdDetails
) -> StoredHousehold:
    """``roster_edit.households.edit_household``."""
    from crechebooks_desktop.services.roster import households  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return households.edit_household(uow, workplace.actor, account_ref, details)


def add_child(
    book: Book, workplace: Workplace, household_ref: str, details: ChildDetails
) -> StoredChild:
    """``roster_edit.children.add_child``, checked against today."""
    from crechebooks_desktop.services.roster import children  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return children.add_child(uow, workplace.actor, household_ref, details, _today())


def edit_child(
    book: Book, workplace: Workplace, child_ref: str, details: ChildDetails
) -> StoredChild:
    """``roster_edit.children.edit_child``, checked against today."""
    from crechebooks_desktop.services.roster import children  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return children.edit_child(uow, workplace.actor, child_ref, details, _today())


def add_enrolment(
    book: Book, workplace: Workplace, child_ref: str, form: EnrolmentForm
) -> EnrolmentValue:
    """``roster_edit.enrolments.add_enrolment``."""
    from crechebooks_desktop.services.roster import enrolments  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return enrolments.add_enrolment(uow, workplace.actor, child_ref, form)


def edit_enrolment(
    book: Book, workplace: Workplace, enrolment_id: int, form: EnrolmentForm
) -> EnrolmentValue:
    """``roster_edit.enrolments.edit_enrolment``."""
    from crechebooks_desktop.services.roster import enrolments  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return enrolments.edit_enrolment(uow, workplace.actor, enrolment_id, form)


def add_charge(book: Book, workplace: Workplace, charge: NewCharge) -> ChargeValue:
    """``roster.add_charge``: billed on the child's next invoice."""
    from crechebooks_desktop.services.roster import charges_and_endings as roster  # noqa: PLC0415

    with book.write(workplace.creche.tenant_id) as uow:
        return roster.add_charge(
            uow, workplace.actor, charge.child_ref, charge.line_type, charge.amount_cents,
            charge.charge_date, charge.description, charge.vat,
        )  # fmt: skip
