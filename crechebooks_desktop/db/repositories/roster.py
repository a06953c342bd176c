"""Households, children, fee structures and enrolments of one creche."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Child,
    Enrolment,
    EnrolmentExtra,
    FeeStructure,
    Household,
    HouseholdBalance,
    Invoice,
)
from crechebooks_desktop.domain.enums import (
    EnrolmentStatus,
    FeeType,
    InvoiceStatus,
    LineType,
)
from crechebooks_desktop.domain.household import HouseholdSummary


class RosterRepository(TenantScoped):
    """The creche's families, children and what they are enrolled on."""

    def add_household(
        self,
        account_ref: str,
        parent_name: str,
        *,
        second_parent_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        address: str | None = None,
    ) -> int:
        """Insert a household with a zero balance row; returns its id."""
        row = Household(
            tenant_id=self.tenant_id,
            account_ref=account_ref,
            parent_name=parent_name,
            second_parent_name=second_parent_name,
            email=email,
            phone=phone,
            address=address,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add(HouseholdBalance(household_id=row.id, tenant_id=self.tenant_id))
        self.session.flush()
        return row.id

    def household_id(self, account_ref: str) -> int | None:
        """The id of the household with this account reference (case-insensitive)."""
        return self.session.scalar(
            select(Household.id).where(
                Household.tenant_id == self.tenant_id,
                func.upper(Household.account_ref) == account_ref.strip().upper(),
            )
        )

    def add_child(
        self,
        household_id: int,
        child_ref: str,
        first_name: str,
        last_name: str,
        date_of_birth: dt.date | None,
    ) -> int:
        """Insert a child in a household; returns its id."""
        row = Child(
            tenant_id=self.tenant_id,
            household_id=household_id,
            child_ref=child_ref,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_fee_structure(
        self,
        name: str,
        fee_type: FeeType,
        amount_cents: int | None,
        registration_fee_cents: int | None = None,
        re_registration_fee_cents: int | None = None,
    ) -> int:
        """Insert a fee structure; returns its id."""
        row = FeeStructure(
            tenant_id=self.tenant_id,
            name=name,
            fee_type=fee_type,
            amount_cents=amount_cents,
            registration_fee_cents=registration_fee_cents,
            re_registration_fee_cents=re_registration_fee_cents,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_enrolment(
        self,
        child_id: int,
        fee_structure_id: int,
        start_date: dt.date,
        *,
        end_date: dt.date | None = None,
        status: EnrolmentStatus = EnrolmentStatus.ACTIVE,
        custom_amount_cents: int | None = None,
        hours_per_month: Decimal | None = None,
        extras: tuple[tuple[LineType, int, str | None], ...] = (),
    ) -> int:
        """Insert an enrolment with its recurring extras; returns its id."""
        row = Enrolment(
            tenant_id=self.tenant_id,
            child_id=child_id,
            fee_structure_id=fee_structure_id,
            start_date=start_date,
            end_date=end_date,
            status=status,
            custom_amount_cents=custom_amount_cents,
            hours_per_month=hours_per_month,
        )
        self.session.add(row)
        self.session.flush()
        for line_type, amount_cents, description in extras:
            self.session.add(
                EnrolmentExtra(
                    tenant_id=self.tenant_id,
                    enrolment_id=row.id,
                    line_type=line_type,
                    amount_cents=amount_cents,
                    description=description,
                )
            )
        self.session.flush()
        return row.id

    def counts(self) -> dict[str, int]:
        """How many households, children and active enrolments the creche has."""

        def count(model: type, *where: object) -> int:
            query = (
                select(func.count())
                .select_from(model)
                .where(
                    model.tenant_id == self.tenant_id,  # type: ignore[attr-defined]
                    *where,  # type: ignore[arg-type]
                )
            )
            return int(self.session.scalar(query) or 0)

        return {
            "households": count(Household),
            "children": count(Child),
            "active_enrolments": count(Enrolment, Enrolment.status == EnrolmentStatus.ACTIVE),
        }

    def household_summaries(self) -> list[HouseholdSummary]:
        """Every household with its children and money position, by reference."""
        outstanding = (
            select(
                Invoice.household_id,
                func.coalesce(func.sum(Invoice.balance_due_cents), 0).label("due"),
            )
            .where(Invoice.tenant_id == self.tenant_id, Invoice.status != InvoiceStatus.VOID)
            .group_by(Invoice.household_id)
            .subquery()
        )
        rows = self.session.execute(
            select(
                Household,
                HouseholdBalance.balance_cents,
                HouseholdBalance.credit_cents,
                func.coalesce(outstanding.c.due, 0),
            )
            .join(HouseholdBalance, HouseholdBalance.household_id == Household.id)
            .outerjoin(outstanding, outstanding.c.household_id == Household.id)
            .where(Household.tenant_id == self.tenant_id)
            .order_by(Household.account_ref)
        )
        names = self._children_by_household()
        return [
            HouseholdSummary(
                id=h.id,
                account_ref=h.account_ref,
                parent_name=h.parent_name,
                second_parent_name=h.second_parent_name,
                email=h.email,
                phone=h.phone,
                children=tuple(names.get(h.id, ())),
                balance_cents=balance,
                outstanding_cents=int(due),
                credit_cents=credit,
            )
            for h, balance, credit, due in rows
        ]

    def _children_by_household(self) -> dict[int, list[str]]:
        names: dict[int, list[str]] = defaultdict(list)
        rows = self.session.execute(
            select(Child.household_id, Child.first_name)
            .where(Child.tenant_id == self.tenant_id)
            .order_by(Child.household_id, Child.date_of_birth, Child.id)
        )
        for household_id, first_name in rows:
            names[household_id].append(first_name)
        return names
