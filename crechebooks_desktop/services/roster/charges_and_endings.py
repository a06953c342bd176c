"""The roster's one-off changes: ad-hoc charges, ending an enrolment; listing fees.

Imports of whole files are in ``services.roster.file_import``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EnrolmentStatus, LineType, VatTreatment
from crechebooks_desktop.domain.money import check_amount
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import (
    CHARGE_LINE_TYPES,
    StoredChild,
    StoredEnrolment,
    StoredFee,
)
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.roster.children import find_child

__all__ = ["ChargeValue", "EndedEnrolment", "add_charge", "end_enrolment", "list_fees"]

_DESCRIPTION_LENGTH = 500


@dataclass(frozen=True, slots=True)
class ChargeValue:
    """A pending ad-hoc charge, as recorded.

    Attributes:
        vat_treatment: STANDARD or EXEMPT for an AD_HOC charge; None for the
            other line types, whose treatment follows the line type.
    """

    charge_id: int
    child_ref: str
    line_type: LineType
    amount_cents: int
    charge_date: dt.date
    description: str | None
    vat_treatment: VatTreatment | None


@dataclass(frozen=True, slots=True)
class EndedEnrolment:
    """An enrolment after ``end_enrolment``."""

    enrolment_id: int
    child_ref: str
    start_date: dt.date
    end_date: dt.date
    status: EnrolmentStatus


def list_fees(uow: UnitOfWork) -> list[StoredFee]:
    """The creche's fee structures, by name."""
    return uow.roster.fees()


def current_enrolment(
    uow: UnitOfWork, child_ref: str, last_day: dt.date, day_named: str = "end date"
) -> tuple[StoredChild, StoredEnrolment]:
    """The child and their current (latest ACTIVE) enrolment, which ``last_day`` may end.

    Raises:
        NotFoundError: no such child.
        RuleViolation: no active enrolment, or ``last_day`` before its start (the
            message calls the day ``day_named``).
    """
    child = find_child(uow, child_ref)
    ref = child.details.child_ref
    active = [e for e in uow.roster.enrolments(child.id) if e.status is EnrolmentStatus.ACTIVE]
    if not active:
        raise RuleViolation(f"{ref} has no active enrolment to end")
    current = max(active, key=lambda e: e.terms.start_date)
    start = current.terms.start_date
    if last_day < start:
        raise RuleViolation(f"the {day_named} {last_day} is before the enrolment's start {start}")
    return child, current


def _charge_vat(line_type: LineType, vat: VatTreatment | None) -> VatTreatment | None:
    if line_type not in CHARGE_LINE_TYPES:
        allowed = ", ".join(CHARGE_LINE_TYPES)
        raise RuleViolation(
            f"{line_type} is billed by the monthly run, not as a charge; "
            f"a charge is one of {allowed}"
        )
    if line_type is LineType.AD_HOC:
        return vat or VatTreatment.STANDARD
    if vat is not None:
        raise RuleViolation(
            f"only an AD_HOC charge can be marked standard or exempt; "
            f"{line_type} charges are taxed as their line type says"
        )
    return None


def add_charge(
    uow: UnitOfWork,
    actor: Actor,
    child_ref: str,
    line_type: LineType,
    amount_cents: int,
    charge_date: dt.date,
    description: str | None = None,
    vat: VatTreatment | None = None,
) -> ChargeValue:
    """Record an ad-hoc charge (late pick-up, trip, uniform, ...) for a child.

    The child's next invoice picks it up (charges dated on or before the
    month's end). Recording a charge is posting money, so a bookkeeper may.

    Args:
        uow: the transaction.
        actor: who records it (needs to post money).
        child_ref: the child's reference (any case).
        line_type: one of ``domain.roster.CHARGE_LINE_TYPES``.
        amount_cents: more than zero.
        charge_date: the day it was incurred.
        description: the text on the invoice (default: the line type's words).
        vat: STANDARD or EXEMPT, for AD_HOC only (default STANDARD).

    Returns:
        The charge as recorded.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such child.
        RuleViolation: a line type the monthly run bills itself, a VAT choice
            for anything but AD_HOC, a zero or negative amount or one beyond
            the book's limit, a date outside the book's years, a long description
            or one with a line break or other control character.
    """
    audit.require(actor, Permission.POST_MONEY)
    treatment = _charge_vat(line_type, vat)
    if amount_cents <= 0:
        raise RuleViolation("a charge must be more than zero")
    check_amount(amount_cents, "charge")
    check_book_date(charge_date, "charge date")
    text = (description or "").strip() or None
    require_one_line(text, "the description")
    if text is not None and len(text) > _DESCRIPTION_LENGTH:
        raise RuleViolation(f"the description is longer than {_DESCRIPTION_LENGTH} characters")
    child = find_child(uow, child_ref)
    charge_id = uow.roster.add_charge(
        child.id, line_type, amount_cents, charge_date, text, treatment
    )
    value = ChargeValue(
        charge_id,
        child.details.child_ref,
        line_type,
        amount_cents,
        charge_date,
        text,
        treatment,
    )
    after = {
        "child_ref": value.child_ref,
        "line_type": line_type,
        "amount_cents": amount_cents,
        "charge_date": charge_date,
        "description": text,
        "vat_treatment": treatment,
    }
    audit.record(uow, actor, "charge.add", "charge", charge_id, None, after)
    return value


def end_enrolment(
    uow: UnitOfWork,
    actor: Actor,
    child_ref: str,
    end_date: dt.date,
    status: EnrolmentStatus,
) -> EndedEnrolment:
    """End a child's current (latest ACTIVE) enrolment: withdrawn or graduated.

    Args:
        uow: the transaction.
        actor: who does it (needs to manage the roster).
        child_ref: the child's reference (any case).
        end_date: the last day billed (inclusive); not before the start.
        status: WITHDRAWN or GRADUATED.

    Returns:
        The enrolment as ended.

    Raises:
        PermissionDenied: the actor may not change the roster.
        NotFoundError: no such child.
        RuleViolation: ACTIVE as the status, no active enrolment, or an end
            date before the enrolment's start or outside the book's years.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    if status is EnrolmentStatus.ACTIVE:
        raise RuleViolation("an enrolment ends as WITHDRAWN or GRADUATED")
    check_book_date(end_date, "end date")
    child, current = current_enrolment(uow, child_ref, end_date)
    ref = child.details.child_ref
    start = current.terms.start_date
    uow.roster.end_enrolment(current.id, end_date, status)
    audit.record(
        uow,
        actor,
        "enrolment.end",
        "enrolment",
        current.id,
        {"child_ref": ref, "end_date": current.terms.end_date, "status": current.status},
        {"child_ref": ref, "end_date": end_date, "status": status},
    )
    return EndedEnrolment(current.id, ref, start, end_date, status)
