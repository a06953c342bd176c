"""Households, children, fee structures and enrolments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    Cents,
    Created,
    IntPK,
    Name,
    OptCents,
    OptText,
    TenantId,
    enum_type,
    fk,
    in_book_years,
    within_limit,
)
from crechebooks_desktop.domain.enums import EnrolmentStatus, FeeType, LineType


class Household(Base):
    """A family account: the debtor of its children's invoices."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("tenant_id", "account_ref"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    account_ref: Mapped[str] = mapped_column(String(30))
    parent_name: Mapped[Name]
    second_parent_name: Mapped[OptText]
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[OptText]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Created]


class Child(Base):
    """A child at the creche, in one household."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("tenant_id", "child_ref"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    household_id: Mapped[int] = fk("households.id")
    child_ref: Mapped[str] = mapped_column(String(30))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[Created]


class FeeStructure(Base):
    """A named fee; its amounts are dated versions in ``fee_structure_rates``."""

    __tablename__ = "fee_structures"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    name: Mapped[Name]
    fee_type: Mapped[FeeType] = mapped_column(enum_type(FeeType, "fee_type"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Created]


class FeeStructureRate(Base):
    """A fee's amounts from a date on: monthly amount or hourly rate, registration fees.

    The version in force for a billing month is the latest one from on or
    before the month's first day (versions start on a 1st, issue 13). The
    first version of every fee is from ``FIRST_BOOK_DAY``.
    """

    __tablename__ = "fee_structure_rates"
    __table_args__ = (
        UniqueConstraint("fee_structure_id", "effective_from"),
        CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint(
            "registration_fee_cents IS NULL OR registration_fee_cents >= 0",
            name="registration_not_negative",
        ),
        CheckConstraint(
            "re_registration_fee_cents IS NULL OR re_registration_fee_cents >= 0",
            name="re_registration_not_negative",
        ),
        within_limit("amount_cents"),
        within_limit("registration_fee_cents"),
        within_limit("re_registration_fee_cents"),
        in_book_years("effective_from"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    fee_structure_id: Mapped[int] = fk("fee_structures.id", index=False)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    amount_cents: Mapped[OptCents]
    registration_fee_cents: Mapped[OptCents]
    re_registration_fee_cents: Mapped[OptCents]
    created_at: Mapped[Created]


class Enrolment(Base):
    """A child's place on a fee structure from a start date."""

    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
        CheckConstraint(
            "custom_amount_cents IS NULL OR custom_amount_cents >= 0", name="custom_not_negative"
        ),
        CheckConstraint(
            "hours_per_month IS NULL OR hours_per_month >= 0", name="hours_not_negative"
        ),
        within_limit("custom_amount_cents"),
        in_book_years("start_date"),
        in_book_years("end_date"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    child_id: Mapped[int] = fk("children.id")
    fee_structure_id: Mapped[int] = fk("fee_structures.id")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_type(EnrolmentStatus, "enrolment_status"), default=EnrolmentStatus.ACTIVE
    )
    custom_amount_cents: Mapped[OptCents]
    hours_per_month: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    created_at: Mapped[Created]


class EnrolmentExtra(Base):
    """A recurring monthly item billed with an enrolment (swimming, meals)."""

    __tablename__ = "enrolment_extras"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        within_limit("amount_cents"),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    enrolment_id: Mapped[int] = fk("enrolments.id")
    line_type: Mapped[LineType] = mapped_column(enum_type(LineType, "line_type"))
    amount_cents: Mapped[Cents]
    description: Mapped[OptText]
