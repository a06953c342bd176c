"""Households, children, fee structures, enrolments and pending charges of one creche.

Queries return plain values (``domain.roster``), never rows; references and
fee names are matched without regard to case, as people type them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import delete, exists, func, select, update

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Charge,
    Child,
    Enrolment,
    EnrolmentExtra,
    FeeStructure,
    FeeStructureRate,
    Household,
    HouseholdBalance,
    Invoice,
)
from crechebooks_desktop.domain.billing import month_end
from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY
from crechebooks_desktop.domain.enums import (
    EnrolmentStatus,
    FeeType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.roster import (
    ChildDetails,
    EnrolmentTerms,
    FeeRate,
    FeeTerms,
    HouseholdDetails,
    RecurringExtra,
    StoredChild,
    StoredEnrolment,
    StoredFee,
    StoredHousehold,
)


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
        """Insert a fee structure with its first version (from the start); returns its id."""
        row = FeeStructure(tenant_id=self.tenant_id, name=name, fee_type=fee_type)
        self.session.add(row)
        self.session.flush()
        first = FeeRate(
            FIRST_BOOK_DAY, amount_cents, registration_fee_cents, re_registration_fee_cents
        )
        self.save_fee_rate(row.id, first)
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

    # --------------------------------------------------------------- fee structures

    def fees(self) -> list[StoredFee]:
        """Every fee structure of the creche with its versions, by name."""
        rows = self.session.scalars(
            select(FeeStructure)
            .where(FeeStructure.tenant_id == self.tenant_id)
            .order_by(FeeStructure.name, FeeStructure.id)
        ).all()
        versions: dict[int, list[FeeRate]] = defaultdict(list)
        rates = self.session.scalars(
            select(FeeStructureRate)
            .where(FeeStructureRate.tenant_id == self.tenant_id)
            .order_by(FeeStructureRate.fee_structure_id, FeeStructureRate.effective_from)
        )
        for rate in rates:
            versions[rate.fee_structure_id].append(_rate(rate))
        return [_fee(row, versions[row.id]) for row in rows]

    def update_fee_structure(self, fee_id: int, terms: FeeTerms) -> None:
        """Replace a fee structure's name and type, and the amounts of its first version."""
        self._update(FeeStructure, fee_id, name=terms.name, fee_type=terms.fee_type)
        first = FeeRate(
            FIRST_BOOK_DAY,
            terms.amount_cents,
            terms.registration_fee_cents,
            terms.re_registration_fee_cents,
        )
        self.save_fee_rate(fee_id, first)

    def save_fee_rate(self, fee_id: int, rate: FeeRate) -> None:
        """Add a fee's version from ``rate.effective_from``, or replace the one from that day."""
        self.session.execute(
            delete(FeeStructureRate).where(
                FeeStructureRate.tenant_id == self.tenant_id,
                FeeStructureRate.fee_structure_id == fee_id,
                FeeStructureRate.effective_from == rate.effective_from,
            )
        )
        self.session.add(
            FeeStructureRate(
                tenant_id=self.tenant_id,
                fee_structure_id=fee_id,
                effective_from=rate.effective_from,
                amount_cents=rate.amount_cents,
                registration_fee_cents=rate.registration_fee_cents,
                re_registration_fee_cents=rate.re_registration_fee_cents,
            )
        )
        self.session.flush()

    def monthly_invoices_on_fee(self, fee_id: int, from_month: dt.date) -> int:
        """Monthly invoices (not void) from ``from_month`` on of children enrolled on a fee.

        The invoices a change of the fee from that month leaves as they are.
        """
        rows = self.session.execute(
            select(Invoice.id, Invoice.billing_month, Enrolment.start_date, Enrolment.end_date)
            .join(Enrolment, Enrolment.child_id == Invoice.child_id)
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.kind == InvoiceKind.MONTHLY,
                Invoice.status != InvoiceStatus.VOID,
                Invoice.billing_month >= from_month,
                Enrolment.fee_structure_id == fee_id,
            )
        )
        found: set[int] = set()
        for invoice_id, month, start, end in rows:
            if month is None:  # pragma: no cover - a MONTHLY invoice has its month
                continue
            if start <= month_end(month) and (end is None or end >= month):
                found.add(invoice_id)
        return len(found)

    def fee_enrolment_count(self, fee_id: int) -> int:
        """How many enrolments (of any status) are on a fee structure."""
        query = select(func.count()).where(
            Enrolment.tenant_id == self.tenant_id, Enrolment.fee_structure_id == fee_id
        )
        return int(self.session.scalar(query) or 0)

    # --------------------------------------------------------------- households, children

    def households(self) -> list[StoredHousehold]:
        """Every household's details, by account reference."""
        rows = self.session.scalars(
            select(Household)
            .where(Household.tenant_id == self.tenant_id)
            .order_by(Household.account_ref)
        )
        return [StoredHousehold(row.id, _household(row)) for row in rows]

    def household(self, household_id: int) -> StoredHousehold | None:
        """One household of this creche, by id."""
        row = self.session.scalar(
            select(Household).where(
                Household.tenant_id == self.tenant_id, Household.id == household_id
            )
        )
        return None if row is None else StoredHousehold(row.id, _household(row))

    def household_by_ref(self, account_ref: str) -> StoredHousehold | None:
        """The household with this account reference (case-insensitive), if any."""
        row = self.session.scalar(
            select(Household).where(
                Household.tenant_id == self.tenant_id,
                func.upper(Household.account_ref) == account_ref.strip().upper(),
            )
        )
        return None if row is None else StoredHousehold(row.id, _household(row))

    def update_household(self, household_id: int, details: HouseholdDetails) -> None:
        """Replace a household's reference, parents' names and contact details."""
        self._update(
            Household,
            household_id,
            account_ref=details.account_ref,
            parent_name=details.parent_name,
            second_parent_name=details.second_parent_name,
            email=details.email,
            phone=details.phone,
            address=details.address,
        )

    def children_of(self, household_id: int) -> list[StoredChild]:
        """A household's children, eldest first (then by id; no date of birth last)."""
        rows = self.session.scalars(
            select(Child)
            .where(Child.tenant_id == self.tenant_id, Child.household_id == household_id)
            .order_by(Child.date_of_birth.is_(None), Child.date_of_birth, Child.id)
        )
        return [_child(row) for row in rows]

    def children(self) -> list[StoredChild]:
        """Every child, by reference."""
        rows = self.session.scalars(
            select(Child).where(Child.tenant_id == self.tenant_id).order_by(Child.child_ref)
        )
        return [_child(row) for row in rows]

    def child_refs(self, child_ids: Iterable[int]) -> list[str]:
        """The references of these children, sorted."""
        ids = sorted(set(child_ids))
        if not ids:
            return []
        rows = self.session.execute(
            select(Child.child_ref).where(Child.tenant_id == self.tenant_id, Child.id.in_(ids))
        )
        return sorted(row[0] for row in rows)

    def child(self, child_id: int) -> StoredChild:
        """One child of this creche, by id (one that an enrolment or charge names)."""
        return _child(
            self.session.execute(
                select(Child).where(Child.tenant_id == self.tenant_id, Child.id == child_id)
            ).scalar_one()
        )

    def child_by_ref(self, child_ref: str) -> StoredChild | None:
        """The child with this reference (case-insensitive), if any."""
        row = self.session.scalar(
            select(Child).where(
                Child.tenant_id == self.tenant_id,
                func.upper(Child.child_ref) == child_ref.strip().upper(),
            )
        )
        return None if row is None else _child(row)

    def update_child(self, child_id: int, details: ChildDetails) -> None:
        """Replace a child's reference, names and date of birth."""
        self._update(
            Child,
            child_id,
            child_ref=details.child_ref,
            first_name=details.first_name,
            last_name=details.last_name,
            date_of_birth=details.date_of_birth,
        )

    # --------------------------------------------------------------- enrolments

    def enrol(self, child_id: int, terms: EnrolmentTerms) -> int:
        """Insert an ACTIVE enrolment on ``terms`` with its extras; returns its id."""
        return self.add_enrolment(
            child_id,
            terms.fee_structure_id,
            terms.start_date,
            end_date=terms.end_date,
            custom_amount_cents=terms.custom_amount_cents,
            hours_per_month=terms.hours_per_month,
            extras=tuple((e.line_type, e.amount_cents, e.description) for e in terms.extras),
        )

    def enrolments(self, child_id: int | None = None) -> list[StoredEnrolment]:
        """Enrolments of one child (or of every child), by child then start date."""
        query = select(Enrolment).where(Enrolment.tenant_id == self.tenant_id)
        if child_id is not None:
            query = query.where(Enrolment.child_id == child_id)
        rows = list(self.session.scalars(query.order_by(Enrolment.child_id, Enrolment.start_date)))
        extras = self._extras([row.id for row in rows]) if rows else {}
        return [_enrolment(row, extras.get(row.id, ())) for row in rows]

    def _extras(self, enrolment_ids: list[int]) -> dict[int, tuple[RecurringExtra, ...]]:
        found: dict[int, list[RecurringExtra]] = defaultdict(list)
        rows = self.session.scalars(
            select(EnrolmentExtra)
            .where(
                EnrolmentExtra.tenant_id == self.tenant_id,
                EnrolmentExtra.enrolment_id.in_(enrolment_ids),
            )
            .order_by(EnrolmentExtra.id)
        )
        for row in rows:
            found[row.enrolment_id].append(
                RecurringExtra(row.line_type, row.amount_cents, row.description)
            )
        return {key: tuple(value) for key, value in found.items()}

    def enrolment(self, enrolment_id: int) -> StoredEnrolment | None:
        """One enrolment of this creche, by id."""
        row = self.session.scalar(
            select(Enrolment).where(
                Enrolment.tenant_id == self.tenant_id, Enrolment.id == enrolment_id
            )
        )
        return None if row is None else _enrolment(row, self._extras([row.id]).get(row.id, ()))

    def update_enrolment(self, enrolment_id: int, terms: EnrolmentTerms) -> None:
        """Replace an enrolment's fee, dates, amounts and (all of its) extras."""
        self._update(
            Enrolment,
            enrolment_id,
            fee_structure_id=terms.fee_structure_id,
            start_date=terms.start_date,
            end_date=terms.end_date,
            custom_amount_cents=terms.custom_amount_cents,
            hours_per_month=terms.hours_per_month,
        )
        self.session.execute(
            delete(EnrolmentExtra).where(
                EnrolmentExtra.tenant_id == self.tenant_id,
                EnrolmentExtra.enrolment_id == enrolment_id,
            )
        )
        self.session.add_all(
            EnrolmentExtra(
                tenant_id=self.tenant_id,
                enrolment_id=enrolment_id,
                line_type=extra.line_type,
                amount_cents=extra.amount_cents,
                description=extra.description,
            )
            for extra in terms.extras
        )
        self.session.flush()

    def end_enrolment(
        self, enrolment_id: int, end_date: dt.date, status: EnrolmentStatus | None = None
    ) -> None:
        """Set an enrolment's last day, and its status when given."""
        values: dict[str, object] = {"end_date": end_date}
        if status is not None:
            values["status"] = status
        self._update(Enrolment, enrolment_id, **values)

    def has_enrolment_before(self, child_id: int, day: dt.date) -> bool:
        """Whether the child has an enrolment starting before ``day``.

        Billing charges the registration fee only on a child's first enrolment.
        """
        return bool(
            self.session.scalar(
                select(
                    exists().where(
                        Enrolment.tenant_id == self.tenant_id,
                        Enrolment.child_id == child_id,
                        Enrolment.start_date < day,
                    )
                )
            )
        )

    # --------------------------------------------------------------- charges

    def add_charge(
        self,
        child_id: int,
        line_type: LineType,
        amount_cents: int,
        charge_date: dt.date,
        description: str | None = None,
        vat_treatment: VatTreatment | None = None,
    ) -> int:
        """Insert a pending ad-hoc charge for a child; returns its id."""
        row = Charge(
            tenant_id=self.tenant_id,
            child_id=child_id,
            line_type=line_type,
            amount_cents=amount_cents,
            charge_date=charge_date,
            description=description,
            vat_treatment=vat_treatment,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def _update(self, model: type, row_id: int, **values: object) -> None:
        """Update one of this creche's rows by id (never another creche's)."""
        self.session.execute(
            update(model)
            .where(model.id == row_id, model.tenant_id == self.tenant_id)  # type: ignore[attr-defined]
            .values(**values)
        )


def _rate(row: FeeStructureRate) -> FeeRate:
    return FeeRate(
        row.effective_from,
        row.amount_cents,
        row.registration_fee_cents,
        row.re_registration_fee_cents,
    )


def _fee(row: FeeStructure, versions: list[FeeRate]) -> StoredFee:
    first = versions[0] if versions else FeeRate(FIRST_BOOK_DAY, None)
    terms = FeeTerms(
        row.name,
        row.fee_type,
        first.amount_cents,
        first.registration_fee_cents,
        first.re_registration_fee_cents,
    )
    return StoredFee(row.id, terms, row.active, tuple(versions[1:]))


def _household(row: Household) -> HouseholdDetails:
    return HouseholdDetails(
        row.account_ref,
        row.parent_name,
        row.second_parent_name,
        row.email,
        row.phone,
        row.address,
    )


def _child(row: Child) -> StoredChild:
    details = ChildDetails(row.child_ref, row.first_name, row.last_name, row.date_of_birth)
    return StoredChild(row.id, row.household_id, details)


def _enrolment(row: Enrolment, extras: tuple[RecurringExtra, ...]) -> StoredEnrolment:
    terms = EnrolmentTerms(
        row.fee_structure_id,
        row.start_date,
        row.end_date,
        row.custom_amount_cents,
        row.hours_per_month,
        extras,
    )
    return StoredEnrolment(row.id, row.child_id, row.status, terms)
