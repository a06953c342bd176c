"""Enrolling a child on a fee structure, and changing an enrolment's terms.

A new enrolment is placed in the child's history as a roster file's row is
(``domain.roster.place_enrolment``): one starting after the child's running
enrolment ends that one the day before. An edited enrolment may not overlap
the child's others. Ending an enrolment as withdrawn or graduated is
``services.roster.charges_and_endings.end_enrolment``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import EnrolmentStatus
from crechebooks_desktop.domain.money import MAX_AMOUNT_CENTS
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import (
    EXTRA_LINE_TYPES,
    EnrolmentTerms,
    RecurringExtra,
    RosterConflict,
    StoredChild,
    StoredEnrolment,
    StoredFee,
    enrolment_problems,
    parse_hours,
    place_enrolment,
)
from crechebooks_desktop.domain.text import one_line_problem
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.roster.checks import Fields
from crechebooks_desktop.services.roster.children import find_child

__all__ = [
    "EnrolmentForm",
    "EnrolmentValue",
    "add_enrolment",
    "child_enrolments",
    "edit_enrolment",
]


@dataclass(frozen=True, slots=True)
class EnrolmentForm:
    """An enrolment as a person gives it: the fee by name, dates, amounts, extras."""

    fee_name: str
    start_date: dt.date
    end_date: dt.date | None = None
    custom_amount_cents: int | None = None
    hours_per_month: Decimal | None = None
    extras: tuple[RecurringExtra, ...] = ()


@dataclass(frozen=True, slots=True)
class EnrolmentValue:
    """An enrolment as stored, with its child's reference and its fee's name.

    Attributes:
        ended_previous: the child's earlier enrolment that adding this one
            ended the day before it starts, if any.
    """

    enrolment_id: int
    child_ref: str
    fee_name: str
    status: EnrolmentStatus
    terms: EnrolmentTerms
    ended_previous: int | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain values for ``--json`` (amounts in cents, dates as ISO text)."""
        t = self.terms
        return {
            "enrolment_id": self.enrolment_id,
            "child_ref": self.child_ref,
            "fee": self.fee_name,
            "status": self.status.value,
            "start_date": t.start_date.isoformat(),
            "end_date": t.end_date.isoformat() if t.end_date else None,
            "custom_amount_cents": t.custom_amount_cents,
            "hours_per_month": None if t.hours_per_month is None else str(t.hours_per_month),
            "extras": [
                {
                    "line_type": e.line_type.value,
                    "amount_cents": e.amount_cents,
                    "description": e.description,
                }
                for e in t.extras
            ],
            "ended_previous": self.ended_previous,
        }


def child_enrolments(uow: UnitOfWork, child_ref: str) -> list[EnrolmentValue]:
    """A child's enrolments, earliest first.

    Raises:
        NotFoundError: no such child.
    """
    child = find_child(uow, child_ref)
    names = {fee.id: fee.terms.name for fee in uow.roster.fees()}
    return [
        EnrolmentValue(e.id, child.details.child_ref, names[e.terms.fee_structure_id],
                       e.status, e.terms)
        for e in uow.roster.enrolments(child.id)
    ]  # fmt: skip


def _extras_problems(fields: Fields, extras: tuple[RecurringExtra, ...]) -> None:
    allowed = ", ".join(EXTRA_LINE_TYPES)
    for number, extra in enumerate(extras, start=1):
        if extra.line_type not in EXTRA_LINE_TYPES:
            fields.problem(
                "extras", f"item {number}: {extra.line_type} cannot be a recurring extra; "
                f"use one of {allowed}",
            )  # fmt: skip
        elif not 0 < extra.amount_cents <= MAX_AMOUNT_CENTS:
            fields.problem("extras", f"item {number}: the amount must be more than zero")
        elif extra.description and (problem := one_line_problem(extra.description)):
            fields.problem("extras", f"item {number}: {problem}")


def _hours(fields: Fields, hours: Decimal | None) -> None:
    if hours is None:
        return
    try:
        parse_hours(str(hours))
    except ValueError as exc:
        fields.problem("hours_per_month", str(exc))


def _terms(
    uow: UnitOfWork, form: EnrolmentForm, fields: Fields
) -> tuple[StoredFee | None, EnrolmentTerms]:
    """The form's terms, every field checked on its own and against its fee."""
    name = form.fee_name.strip()
    fee = next((f for f in uow.roster.fees() if f.terms.name.casefold() == name.casefold()), None)
    if fee is None:
        fields.problem("fee_name", f"no fee called {name!r} in this creche")
    fields.book_date("start_date", form.start_date)
    fields.book_date("end_date", form.end_date)
    if form.end_date is not None and form.end_date < form.start_date:
        fields.problem("end_date", f"{form.end_date} is before the start date {form.start_date}")
    custom = form.custom_amount_cents
    if custom is not None and not 0 <= custom <= MAX_AMOUNT_CENTS:
        fields.problem("custom_amount", "must be zero or more, within the amount a book takes")
    _hours(fields, form.hours_per_month)
    _extras_problems(fields, form.extras)
    if fee is not None:
        for field, message in enrolment_problems(fee.terms, custom, form.hours_per_month):
            fields.problem(field, message)
    terms = EnrolmentTerms(
        fee.id if fee else 0, form.start_date, form.end_date, custom, form.hours_per_month,
        form.extras,
    )  # fmt: skip
    return fee, terms


def _described(child_ref: str, fee: StoredFee, terms: EnrolmentTerms) -> dict[str, Any]:
    return {"child_ref": child_ref, "fee": fee.terms.name, **asdict(terms)}


def add_enrolment(
    uow: UnitOfWork, actor: Actor, child_ref: str, form: EnrolmentForm
) -> EnrolmentValue:
    """Enrol a child on a fee structure from a date.

    When the child's latest enrolment is still running on the new start date
    it is ended the day before (audited as ``enrolment.end``), as a roster
    file's later start date does.

    Args:
        uow: the transaction.
        actor: who enrols (needs to manage the roster).
        child_ref: the child's reference (any case).
        form: the fee's name (any case), dates, amount or hours, extras.

    Returns:
        The new enrolment (ACTIVE), and the earlier one it ended, if any.

    Raises:
        PermissionDenied: the actor may not change the roster.
        NotFoundError: no such child.
        RosterRefused: an unknown fee; an amount or hours its type needs or
            does not take; an end before the start; a start on or before the
            child's latest enrolment's; bad extras; nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    child = find_child(uow, child_ref)
    fields = Fields()
    fee, terms = _terms(uow, form, fields)
    existing = uow.roster.enrolments(child.id)
    try:
        change = place_enrolment(existing, terms)
    except RosterConflict as conflict:
        fields.problem(conflict.field, str(conflict))
    else:
        if change.same is not None:
            fields.problem(
                "start_date",
                f"{child.details.child_ref} already has an enrolment from {form.start_date}; "
                "change that one instead",
            )
    fields.refuse()
    assert fee is not None  # refused above otherwise  # noqa: S101
    ref = child.details.child_ref
    ended = change.ends
    if ended is not None:
        _end_previous(uow, actor, ref, ended, form.start_date)
    enrolment_id = uow.roster.enrol(child.id, terms)
    audit.record(
        uow, actor, "enrolment.create", "enrolment", enrolment_id, None,
        _described(ref, fee, terms),
    )  # fmt: skip
    return EnrolmentValue(
        enrolment_id, ref, fee.terms.name, EnrolmentStatus.ACTIVE, terms,
        ended.id if ended else None,
    )  # fmt: skip


def _end_previous(
    uow: UnitOfWork, actor: Actor, child_ref: str, previous: StoredEnrolment, start: dt.date
) -> None:
    end = start - dt.timedelta(days=1)
    uow.roster.end_enrolment(previous.id, end)
    before = {"child_ref": child_ref, "end_date": previous.terms.end_date}
    audit.record(
        uow, actor, "enrolment.end", "enrolment", previous.id, before, {**before, "end_date": end}
    )


def _overlaps(fields: Fields, child: StoredChild, this: StoredEnrolment, terms: EnrolmentTerms,
              others: list[StoredEnrolment]) -> None:  # fmt: skip
    if this.status is not EnrolmentStatus.ACTIVE and terms.end_date is None:
        fields.problem(
            "end_date",
            f"the enrolment ended on {this.terms.end_date} ({this.status}); it stays ended "
            "(enrol the child again instead)",
        )
    end = terms.end_date or dt.date.max
    for other in others:
        other_end = other.terms.end_date or dt.date.max
        if terms.start_date <= other_end and other.terms.start_date <= end:
            until = other.terms.end_date or "open-ended"
            field = "start_date" if other.terms.start_date <= terms.start_date else "end_date"
            fields.problem(
                field,
                f"would overlap {child.details.child_ref}'s enrolment from "
                f"{other.terms.start_date} ({until})",
            )


def edit_enrolment(
    uow: UnitOfWork, actor: Actor, enrolment_id: int, form: EnrolmentForm
) -> EnrolmentValue:
    """Change an enrolment's fee, dates, amount, hours and extras (its status stays).

    Invoices already made keep their amounts; the next monthly run bills the
    new terms. Terms equal to those held change nothing and are not audited.

    Args:
        uow: the transaction.
        actor: who changes it (needs to manage the roster).
        enrolment_id: the enrolment.
        form: the terms as they should be (every extra given; none: no extras).

    Returns:
        The enrolment as stored.

    Raises:
        PermissionDenied: the actor may not change the roster.
        NotFoundError: no such enrolment.
        RosterRefused: as ``add_enrolment``; dates that overlap the child's
            other enrolments, or an ended enrolment left without an end date;
            nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    stored = uow.roster.enrolment(enrolment_id)
    if stored is None:
        raise NotFoundError(f"no enrolment {enrolment_id} in this creche")
    child = uow.roster.child(stored.child_id)
    fields = Fields()
    fee, terms = _terms(uow, form, fields)
    others = [e for e in uow.roster.enrolments(child.id) if e.id != stored.id]
    _overlaps(fields, child, stored, terms, others)
    fields.refuse()
    assert fee is not None  # refused above otherwise  # noqa: S101
    ref = child.details.child_ref
    if terms != stored.terms:
        old_fee = next(f for f in uow.roster.fees() if f.id == stored.terms.fee_structure_id)
        uow.roster.update_enrolment(stored.id, terms)
        audit.record(
            uow, actor, "enrolment.update", "enrolment", stored.id,
            _described(ref, old_fee, stored.terms), _described(ref, fee, terms),
        )  # fmt: skip
    return EnrolmentValue(stored.id, ref, fee.terms.name, stored.status, terms)
