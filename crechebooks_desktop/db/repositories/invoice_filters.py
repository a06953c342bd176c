"""Which invoices a list or an export takes, as SQL conditions (issue 16).

``InvoiceFilter`` is what ``InvoiceRepository.find`` narrows the invoices to;
``invoice_conditions`` turns it into WHERE conditions over ``invoices`` joined
to its household and (outer) child, the way ``find`` queries. Amounts and
dates compare columns of ``invoices`` itself (the due date is indexed); the
names, the discount and the fee structure are subqueries, so no join multiplies
the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select, true

from crechebooks_desktop.db.tables import (
    Child,
    Enrolment,
    FeeStructure,
    Household,
    Invoice,
    InvoiceLine,
)
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType

_T = TypeVar("_T", int, dt.date)


@dataclass(frozen=True, slots=True)
class Between(Generic[_T]):
    """Bounds of an amount in cents or of a date, both included (None = open)."""

    low: _T | None = None
    high: _T | None = None


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    """What ``find`` narrows the invoices to (None or empty = any).

    The lists (``statuses``, ``households``, ``children``, ``fees``) each take
    any of their values; every field given must hold.

    Attributes:
        month: only this billing month.
        status: only this status (for callers of one status).
        household_ref: only this household's account reference (any case).
        text: words that must each appear (any case) in the number, the
            notes, the household's reference or parent names, or the child's names.
        statuses: only these statuses.
        households: households by account reference or parent name (any case).
        children: children by reference or name (first, last or both; any case).
        fees: the fee structures (by name, any case) the invoice's child was
            enrolled on at some time in its billing month (an ad-hoc invoice: in
            the month from its issue date).
        issued: the issue date.
        due: the due date.
        subtotal: the subtotal, in cents.
        discount: what the DISCOUNT lines take off, in cents, as a positive amount.
        vat: the VAT, in cents.
        total: the total, in cents.
        balance: the balance due, in cents.
    """

    month: dt.date | None = None
    status: InvoiceStatus | None = None
    household_ref: str | None = None
    text: str | None = None
    statuses: tuple[InvoiceStatus, ...] = ()
    households: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()
    issued: Between[dt.date] = Between()
    due: Between[dt.date] = Between()
    subtotal: Between[int] = Between()
    discount: Between[int] = Between()
    vat: Between[int] = Between()
    total: Between[int] = Between()
    balance: Between[int] = Between()


def invoice_conditions(
    tenant_id: int, where: InvoiceFilter, dialect: str
) -> list[ColumnElement[bool]]:
    """The filter as conditions on ``invoices`` joined to households and (outer) children.

    Args:
        tenant_id: the creche.
        where: the filter.
        dialect: the database's (``sqlite`` or ``postgresql``), for date arithmetic.
    """
    conditions: list[ColumnElement[bool]] = [Invoice.tenant_id == tenant_id]
    if where.month is not None:
        conditions.append(Invoice.billing_month == where.month)
    if where.status is not None:
        conditions.append(Invoice.status == where.status)
    if where.statuses:
        conditions.append(Invoice.status.in_(where.statuses))
    if where.household_ref:
        conditions.append(func.upper(Household.account_ref) == where.household_ref.strip().upper())
    if where.households:
        conditions.append(or_(*(_household_is(name) for name in where.households)))
    if where.children:
        conditions.append(or_(*(_child_is(name) for name in where.children)))
    if where.fees:
        conditions.append(_on_fees(tenant_id, where.fees, dialect))
    conditions.extend(_between(Invoice.issue_date, where.issued))
    conditions.extend(_between(Invoice.due_date, where.due))
    conditions.extend(_between(Invoice.subtotal_cents, where.subtotal))
    conditions.extend(_between(Invoice.vat_cents, where.vat))
    conditions.extend(_between(Invoice.total_cents, where.total))
    conditions.extend(_between(Invoice.balance_due_cents, where.balance))
    if where.discount != Between():
        conditions.append(_discount_within(tenant_id, where.discount))
    conditions.extend(_holds(word) for word in (where.text or "").split())
    return conditions


def _between(column: Any, bounds: Between[Any]) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if bounds.low is not None:
        found.append(column >= bounds.low)
    if bounds.high is not None:
        found.append(column <= bounds.high)
    return found


def _discount_within(tenant_id: int, bounds: Between[int]) -> ColumnElement[bool]:
    """What the invoice's DISCOUNT lines take off is within ``bounds``.

    Few invoices have a discount line, so the discounted invoices are found
    once (one pass over the lines) rather than summed for every invoice: an
    invoice without one takes off 0, inside the bounds or not.
    """
    taken = -func.sum(InvoiceLine.gross_cents)
    discounted = (
        select(InvoiceLine.invoice_id)
        .where(InvoiceLine.tenant_id == tenant_id, InvoiceLine.line_type == LineType.DISCOUNT)
        .group_by(InvoiceLine.invoice_id)
    )
    low, high = bounds.low, bounds.high
    if (low is None or low <= 0) and (high is None or high >= 0):
        outside = [taken < low] if low is not None else []
        outside += [taken > high] if high is not None else []
        return Invoice.id.not_in(discounted.having(or_(*outside))) if outside else true()
    return Invoice.id.in_(discounted.having(and_(*_between(taken, bounds))))


def _same(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column) == text.strip().lower()


def _contains(column: Any, word: str) -> ColumnElement[bool]:
    # lower() on both sides: SQLite's LIKE ignores only ASCII case, PostgreSQL's not at all.
    return func.lower(column).contains(word.lower(), autoescape=True)


def _household_is(name: str) -> ColumnElement[bool]:
    return or_(
        _same(Household.account_ref, name),
        _same(Household.parent_name, name),
        _same(Household.second_parent_name, name),
    )


def _child_is(name: str) -> ColumnElement[bool]:
    return or_(
        _same(Child.child_ref, name),
        _same(Child.first_name, name),
        _same(Child.last_name, name),
        _same(Child.first_name + " " + Child.last_name, name),
    )


def _on_fees(tenant_id: int, names: tuple[str, ...], dialect: str) -> ColumnElement[bool]:
    """The child was enrolled on one of these fee structures in the invoice's month."""
    day = func.coalesce(Invoice.billing_month, Invoice.issue_date)
    enrolled = (
        select(Enrolment.id)
        .join(FeeStructure, FeeStructure.id == Enrolment.fee_structure_id)
        .where(
            Enrolment.tenant_id == tenant_id,
            Enrolment.child_id == Invoice.child_id,
            or_(*(_same(FeeStructure.name, name) for name in names)),
            Enrolment.start_date < _month_after(day, dialect),
            or_(Enrolment.end_date.is_(None), Enrolment.end_date >= day),
        )
    )
    return and_(Invoice.child_id.is_not(None), enrolled.exists())


def _month_after(day: Any, dialect: str) -> Any:
    """The day a month after ``day`` (dates have no portable arithmetic in SQL)."""
    if dialect == "sqlite":
        return func.date(day, "+1 month")
    return day + literal_column("interval '1 month'")


def _holds(word: str) -> ColumnElement[bool]:
    """The invoice's number, notes, household or child holds ``word`` (any case)."""
    return or_(
        _contains(Invoice.number, word),
        _contains(Invoice.notes, word),
        _contains(Household.account_ref, word),
        _contains(Household.parent_name, word),
        _contains(Household.second_parent_name, word),
        _contains(Child.first_name, word),
        _contains(Child.last_name, word),
    )
