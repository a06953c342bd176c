"""The Invoices tab's list, read a page at a time by keyset (issue 13).

A book may hold 200,000 invoices. The list rows carry only what the table
shows (no lines: the detail pane reads one invoice's lines when it is
selected); the filters (month, status, household, words) and the order (any
column) are applied in SQL, with the keyset paging of ``keyset.KeysetList``.

Orders by number walk the ``(tenant_id, number)`` unique index; the others
sort the filtered invoices for each page.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, case, func, literal, or_, select

from crechebooks_desktop.db.repositories.bulk import table_of
from crechebooks_desktop.db.repositories.invoice_filters import InvoiceFilter, invoice_conditions
from crechebooks_desktop.db.repositories.keyset import Key, KeysetList
from crechebooks_desktop.db.tables import Child, Household, Invoice
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus

NO_MONTH = dt.date(1900, 1, 1)
"""Where an ad-hoc invoice (no billing month) sorts by month: before every month."""


class InvoiceSort(enum.StrEnum):
    """What the list can be ordered by (the invoice id always breaks ties)."""

    NUMBER = "number"
    HOUSEHOLD = "household"
    CHILD = "child"
    MONTH = "month"
    STATUS = "status"
    ISSUED = "issued"
    DUE = "due"
    TOTAL = "total"
    BALANCE = "balance"


@dataclass(frozen=True, slots=True)
class InvoiceListSpec:
    """Which invoices the list shows, and in what order.

    Attributes:
        sort: the column to order by; ties go by invoice id.
        descending: largest (or latest) first.
        month: only this billing month (None: every month, ad-hoc invoices too).
        status: only this status.
        household_ref: only this household (its account reference, any case).
        text: words that must each appear in the number, the notes, the
            household's reference or parent names, or the child's names (any case).
        where: the filter bar's other filters (issue 16): several statuses,
            households or children, fee structures, and ranges of dates and
            amounts, as ``invoices list`` takes them.
    """

    sort: InvoiceSort = InvoiceSort.NUMBER
    descending: bool = False
    month: dt.date | None = None
    status: InvoiceStatus | None = None
    household_ref: str | None = None
    text: str = ""
    where: InvoiceFilter = field(default_factory=InvoiceFilter)

    def words(self) -> list[str]:
        """The text filter's words."""
        return self.text.split()


@dataclass(frozen=True, slots=True)
class InvoiceListRow:
    """One invoice as the list shows it (no lines)."""

    id: int
    number: str
    household_ref: str
    parent_name: str
    child_name: str | None
    billing_month: dt.date | None
    kind: InvoiceKind
    status: InvoiceStatus
    issue_date: dt.date
    due_date: dt.date
    total_cents: int
    balance_due_cents: int

    def key(self, sort: InvoiceSort) -> Key:
        """This row's key in an order by ``sort`` (what SQL orders by)."""
        value: Any = {
            InvoiceSort.NUMBER: self.number,
            InvoiceSort.HOUSEHOLD: self.household_ref,
            InvoiceSort.CHILD: self.child_name or "",
            InvoiceSort.MONTH: self.billing_month or NO_MONTH,
            InvoiceSort.STATUS: self.status,
            InvoiceSort.ISSUED: self.issue_date,
            InvoiceSort.DUE: self.due_date,
            InvoiceSort.TOTAL: self.total_cents,
            InvoiceSort.BALANCE: self.balance_due_cents,
        }[sort]
        return (value, self.id)


@dataclass(frozen=True, slots=True)
class InvoiceListTotals:
    """How many invoices the list shows, and what those not void bill and still owe."""

    count: int
    billed_cents: int
    due_cents: int


_CHILD_NAME = Child.first_name + " " + Child.last_name
_SORTS: dict[InvoiceSort, Any] = {
    InvoiceSort.NUMBER: Invoice.number,
    InvoiceSort.HOUSEHOLD: Household.account_ref,
    InvoiceSort.CHILD: func.coalesce(_CHILD_NAME, ""),
    InvoiceSort.MONTH: func.coalesce(Invoice.billing_month, literal(NO_MONTH, Date)),
    InvoiceSort.STATUS: Invoice.status,
    InvoiceSort.ISSUED: Invoice.issue_date,
    InvoiceSort.DUE: Invoice.due_date,
    InvoiceSort.TOTAL: Invoice.total_cents,
    InvoiceSort.BALANCE: Invoice.balance_due_cents,
}
_ROW_COLUMNS = (
    Invoice.id,
    Invoice.number,
    Household.account_ref,
    Household.parent_name,
    _CHILD_NAME,
    Invoice.billing_month,
    Invoice.kind,
    Invoice.status,
    Invoice.issue_date,
    Invoice.due_date,
    Invoice.total_cents,
    Invoice.balance_due_cents,
)


class InvoiceListRepository(KeysetList[InvoiceListSpec, InvoiceListRow]):
    """The creche's invoices as the Invoices tab lists them."""

    id_column = table_of(Invoice).c.id

    def totals(self, spec: InvoiceListSpec) -> InvoiceListTotals:
        """The list's count, and the total and balance due of its invoices that are not void."""
        live = Invoice.status != InvoiceStatus.VOID
        query = self.keys_query(spec).with_only_columns(
            func.count(),
            func.coalesce(func.sum(case((live, Invoice.total_cents), else_=0)), 0),
            func.coalesce(func.sum(case((live, Invoice.balance_due_cents), else_=0)), 0),
        )
        count, billed, due = self.session.execute(query).one()
        return InvoiceListTotals(int(count), int(billed), int(due))

    def rows_query(self, spec: InvoiceListSpec) -> Select[Any]:
        """Every column the list shows, filtered."""
        columns: list[Any] = list(_ROW_COLUMNS)
        query = (
            select(*columns)
            .select_from(Invoice)
            .join(Household, Household.id == Invoice.household_id)
            .outerjoin(Child, Child.id == Invoice.child_id)
        )
        return query.where(*self._where(spec))

    def keys_query(self, spec: InvoiceListSpec) -> Select[Any]:
        """Only the joins the filters and the order need (counting 200,000 rows joins nothing)."""
        query = select(Invoice.id).select_from(Invoice)
        by_child = spec.sort is InvoiceSort.CHILD or bool(spec.where.children)
        if spec.household_ref or spec.sort is InvoiceSort.HOUSEHOLD or spec.where.households:
            query = query.join(Household, Household.id == Invoice.household_id)
        if by_child:
            query = query.outerjoin(Child, Child.id == Invoice.child_id)
        return query.where(*self._where(spec))

    def sort_expression(self, spec: InvoiceListSpec) -> Any:
        """The column (never NULL) that orders the list."""
        return _SORTS[spec.sort]

    def make_row(self, row: Sequence[Any]) -> InvoiceListRow:
        """A result row as the list's value."""
        return InvoiceListRow(*row)

    def key_of(self, row: InvoiceListRow, spec: InvoiceListSpec) -> Key:
        """The row's key in the spec's order."""
        return row.key(spec.sort)

    def _where(self, spec: InvoiceListSpec) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Invoice.tenant_id == self.tenant_id]
        if spec.month is not None:
            conditions.append(Invoice.billing_month == spec.month)
        if spec.status is not None:
            conditions.append(Invoice.status == spec.status)
        if spec.household_ref:
            conditions.append(
                func.upper(Household.account_ref) == spec.household_ref.strip().upper()
            )
        conditions.extend(self._holds(word) for word in spec.words())
        if spec.where != InvoiceFilter():
            dialect = self.session.get_bind().dialect.name
            # The first condition is the creche's, already there.
            conditions.extend(invoice_conditions(self.tenant_id, spec.where, dialect)[1:])
        return conditions

    def _holds(self, word: str) -> ColumnElement[bool]:
        """The invoice's number, notes, household or child holds ``word`` (subqueries: no joins)."""
        households = select(Household.id).where(
            Household.tenant_id == self.tenant_id,
            or_(
                self.contains(Household.account_ref, word),
                self.contains(Household.parent_name, word),
                self.contains(Household.second_parent_name, word),
            ),
        )
        children = select(Child.id).where(
            Child.tenant_id == self.tenant_id,
            or_(self.contains(Child.first_name, word), self.contains(Child.last_name, word)),
        )
        return or_(
            self.contains(Invoice.number, word),
            self.contains(Invoice.notes, word),
            Invoice.household_id.in_(households),
            Invoice.child_id.in_(children),
        )
