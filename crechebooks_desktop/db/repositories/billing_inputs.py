"""What a monthly run bills: enrolments with their fees and extras, and pending charges."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Charge,
    Child,
    Enrolment,
    EnrolmentExtra,
    FeeStructure,
    FeeStructureRate,
)
from crechebooks_desktop.domain import billing


class BillingInputsRepository(TenantScoped):
    """Read-only queries that feed ``domain.billing.compose_month``."""

    def households_enrolled(self, month_start: dt.date, month_end: dt.date) -> list[int]:
        """Households with an enrolment active on any day of the month, by id."""
        rows = self.session.execute(
            select(Child.household_id)
            .join(Enrolment, Enrolment.child_id == Child.id)
            .where(Enrolment.tenant_id == self.tenant_id, *_overlaps(month_start, month_end))
            .distinct()
            .order_by(Child.household_id)
        )
        return [row[0] for row in rows]

    def enrolments(
        self, month_start: dt.date, month_end: dt.date, household_ids: Iterable[int]
    ) -> list[billing.Enrolment]:
        """The households' enrolments active in the month, with fees and extras.

        The registration fee is offered only on a child's first enrolment: a
        change of fee structure starts a new enrolment but is no new registration.
        A fee's amounts are those of its version in force on the month's first
        day (versions start on a 1st, so it holds for the whole month).
        """
        earlier = aliased(Enrolment)
        first = ~exists().where(
            earlier.child_id == Enrolment.child_id, earlier.start_date < Enrolment.start_date
        )
        rows = self.session.execute(
            select(*_COLUMNS, first.label("first"))
            .join(Child, Child.id == Enrolment.child_id)
            .join(FeeStructure, FeeStructure.id == Enrolment.fee_structure_id)
            .join(FeeStructureRate, _rate_in_force(month_start))
            .where(
                Enrolment.tenant_id == self.tenant_id,
                Child.household_id.in_(sorted(set(household_ids))),
                *_overlaps(month_start, month_end),
            )
            .order_by(Child.household_id, Child.id, Enrolment.start_date)
        ).all()
        extras = self._extras([row.enrolment_id for row in rows])
        return [_enrolment(row, extras.get(row.enrolment_id, ())) for row in rows]

    def pending_charges(self, month_end: dt.date, child_ids: Iterable[int]) -> list[billing.Charge]:
        """Unbilled charges of these children dated on or before the month's end."""
        rows = self.session.scalars(
            select(Charge)
            .where(
                Charge.tenant_id == self.tenant_id,
                Charge.invoice_id.is_(None),
                Charge.charge_date <= month_end,
                Charge.child_id.in_(sorted(set(child_ids))),
            )
            .order_by(Charge.charge_date, Charge.id)
        )
        return [
            billing.Charge(
                charge_id=c.id,
                child_id=c.child_id,
                line_type=c.line_type,
                description=c.description,
                amount_cents=c.amount_cents,
                charge_date=c.charge_date,
                vat_override=c.vat_treatment,
            )
            for c in rows
        ]

    def _extras(self, enrolment_ids: list[int]) -> dict[int, tuple[billing.Extra, ...]]:
        found: dict[int, list[billing.Extra]] = defaultdict(list)
        if not enrolment_ids:
            return {}
        rows = self.session.scalars(
            select(EnrolmentExtra)
            .where(EnrolmentExtra.enrolment_id.in_(enrolment_ids))
            .order_by(EnrolmentExtra.enrolment_id, EnrolmentExtra.id)
        )
        for x in rows:
            found[x.enrolment_id].append(billing.Extra(x.line_type, x.amount_cents, x.description))
        return {key: tuple(value) for key, value in found.items()}


def _rate_in_force(month_start: dt.date) -> ColumnElement[bool]:
    later = aliased(FeeStructureRate)
    newest = (
        select(func.max(later.effective_from))
        .where(
            later.fee_structure_id == FeeStructure.id,
            later.effective_from <= month_start,
        )
        .scalar_subquery()
    )
    return and_(
        FeeStructureRate.fee_structure_id == FeeStructure.id,
        FeeStructureRate.effective_from == newest,
    )


def _overlaps(month_start: dt.date, month_end: dt.date) -> tuple[ColumnElement[bool], ...]:
    return (
        Enrolment.start_date <= month_end,
        or_(Enrolment.end_date.is_(None), Enrolment.end_date >= month_start),
    )


_COLUMNS = (
    Enrolment.id.label("enrolment_id"),
    Child.id.label("child_id"),
    Child.first_name,
    Child.last_name,
    Child.household_id,
    Child.date_of_birth,
    FeeStructure.fee_type,
    FeeStructure.name.label("fee_name"),
    FeeStructureRate.amount_cents.label("fee_amount_cents"),
    Enrolment.custom_amount_cents,
    Enrolment.hours_per_month,
    Enrolment.start_date,
    Enrolment.end_date,
    FeeStructureRate.registration_fee_cents,
    FeeStructureRate.re_registration_fee_cents,
)


def _enrolment(row: Any, extras: tuple[billing.Extra, ...]) -> billing.Enrolment:
    # Plain columns, not ORM entities: thousands of rows per run.
    return billing.Enrolment(
        enrolment_id=row.enrolment_id,
        child_id=row.child_id,
        child_name=f"{row.first_name} {row.last_name}",
        household_id=row.household_id,
        date_of_birth=row.date_of_birth,
        fee_type=row.fee_type,
        fee_name=row.fee_name,
        fee_amount_cents=row.fee_amount_cents,
        custom_amount_cents=row.custom_amount_cents,
        hours_per_month=row.hours_per_month,
        start=row.start_date,
        end=row.end_date,
        registration_fee_cents=row.registration_fee_cents if row.first else None,
        re_registration_fee_cents=row.re_registration_fee_cents,
        extras=extras,
    )
