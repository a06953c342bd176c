"""Invoices: numbering, bulk writes for the monthly run, and reads as values."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crechebooks_desktop.db.repositories.bulk import insert_rows, reserve_ids, table_of
from crechebooks_desktop.db.repositories.invoice_filters import InvoiceFilter, invoice_conditions
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Allocation,
    Charge,
    Child,
    Household,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    Payment,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.allocation import OpenInvoice
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.invoice_values import (
    AllocationValue,
    InvoiceLineValue,
    InvoiceValue,
    Recipient,
)
from crechebooks_desktop.domain.money import check_amount

__all__ = ["InvoiceFilter", "InvoiceRepository", "NewInvoice", "NewLine"]

# Bound parameters per IN (...) list: SQLite allows 32,766 in all; stay well under.
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class NewLine:
    """A line to write on a new invoice (amounts already split for VAT)."""

    line_type: LineType
    description: str
    unit_cents: int
    net_cents: int
    vat_cents: int
    gross_cents: int
    vat_treatment: VatTreatment
    quantity: Decimal = Decimal(1)
    child_id: int | None = None
    charge_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewInvoice:
    """An invoice to write, numbered, with its lines."""

    number: str
    household_id: int
    child_id: int | None
    kind: InvoiceKind
    status: InvoiceStatus
    issue_date: dt.date
    due_date: dt.date
    billing_month: dt.date | None
    lines: tuple[NewLine, ...]
    # A previous system's invoice (issue 16): what was paid on it and its file row's hash.
    amount_paid_cents: int = 0
    import_hash: str | None = None

    @property
    def total_cents(self) -> int:
        """The sum of the lines' gross amounts."""
        return sum(line.gross_cents for line in self.lines)


_INVOICES = table_of(Invoice)


class InvoiceRepository(TenantScoped):
    """Number, store and read invoices."""

    def reserve_numbers(self, year: int, count: int) -> int:
        """Take ``count`` consecutive numbers of the year; returns the first.

        The sequence row is created if missing and locked for the rest of the
        transaction, so concurrent writers queue for their numbers and a
        rolled-back transaction gives its numbers back: no gaps, no reuse.
        """
        values = {"tenant_id": self.tenant_id, "year": year, "last_number": 0}
        dialect = self.session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(upsert(InvoiceSequence).values(values).on_conflict_do_nothing())
        last = self.session.scalar(
            select(InvoiceSequence.last_number)
            .where(InvoiceSequence.tenant_id == self.tenant_id, InvoiceSequence.year == year)
            .with_for_update()
        )
        first = int(last or 0) + 1
        if count:
            self.session.execute(
                update(InvoiceSequence)
                .where(InvoiceSequence.tenant_id == self.tenant_id, InvoiceSequence.year == year)
                .values(last_number=first + count - 1)
            )
        return first

    def next_number(self, year: int, prefix: str) -> str:
        """One number (e.g. ``INV-2026-000123``); see ``reserve_numbers``."""
        return f"{prefix}-{year}-{self.reserve_numbers(year, 1):06d}"

    def add(self, **fields: Any) -> int:
        """Insert one invoice (``NewInvoice`` fields as keywords); returns its id."""
        lines = fields.pop("lines")
        return self.add_many([NewInvoice(lines=tuple(lines), **fields)])[0]

    def add_many(self, invoices: Sequence[NewInvoice]) -> list[int]:
        """Insert invoices with their lines in a few statements; ids in order.

        Totals are the sums of the lines. Pending charges on the lines are
        marked as billed by their invoice.

        Raises:
            AmountTooLarge: a line or a total beyond the book's limit (an
                hourly fee times its hours, many charges); nothing is written.
        """
        if not invoices:
            return []
        for inv in invoices:
            for position, line in enumerate(inv.lines, start=1):
                check_amount(line.unit_cents, f"invoice {inv.number}, line {position}")
                check_amount(line.gross_cents, f"invoice {inv.number}, line {position}")
            check_amount(inv.total_cents, f"invoice {inv.number}: total")
        ids = reserve_ids(self.session, _INVOICES, len(invoices))
        insert_rows(
            self.session,
            _INVOICES,
            [
                {"id": invoice_id, **self._invoice_row(inv)}
                for invoice_id, inv in zip(ids, invoices, strict=True)
            ],
        )
        lines = [
            self._line_row(invoice_id, position, line)
            for invoice_id, inv in zip(ids, invoices, strict=True)
            for position, line in enumerate(inv.lines, start=1)
        ]
        insert_rows(self.session, table_of(InvoiceLine), lines)
        billed = [
            {"id": line.charge_id, "invoice_id": invoice_id}
            for invoice_id, inv in zip(ids, invoices, strict=True)
            for line in inv.lines
            if line.charge_id is not None
        ]
        if billed:
            self.session.execute(update(Charge), billed)  # bulk UPDATE by primary key
        return ids

    def _invoice_row(self, inv: NewInvoice) -> dict[str, Any]:
        subtotal = sum(line.net_cents for line in inv.lines)
        vat = sum(line.vat_cents for line in inv.lines)
        now = utc_now()
        return {
            "tenant_id": self.tenant_id,
            "number": inv.number,
            "household_id": inv.household_id,
            "child_id": inv.child_id,
            "billing_month": inv.billing_month,
            "kind": inv.kind,
            "status": inv.status,
            "issue_date": inv.issue_date,
            "due_date": inv.due_date,
            "subtotal_cents": subtotal,
            "vat_cents": vat,
            "total_cents": subtotal + vat,
            "amount_paid_cents": inv.amount_paid_cents,
            "balance_due_cents": subtotal + vat - inv.amount_paid_cents,
            "imported_at": None if inv.import_hash is None else now,
            "import_hash": inv.import_hash,
            "version": 1,
            "created_at": now,
        }

    def _line_row(self, invoice_id: int, position: int, line: NewLine) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "invoice_id": invoice_id,
            "position": position,
            "line_type": line.line_type,
            "description": line.description,
            "quantity": line.quantity,
            "unit_cents": line.unit_cents,
            "net_cents": line.net_cents,
            "vat_cents": line.vat_cents,
            "gross_cents": line.gross_cents,
            "vat_treatment": line.vat_treatment,
            "child_id": line.child_id,
        }

    def invoiced_children(self, month: dt.date, child_ids: Iterable[int] | None = None) -> set[int]:
        """Children who already have a live MONTHLY invoice for the month."""
        query = select(Invoice.child_id).where(
            Invoice.tenant_id == self.tenant_id,
            Invoice.kind == InvoiceKind.MONTHLY,
            Invoice.billing_month == month,
            Invoice.status != InvoiceStatus.VOID,
        )
        if child_ids is not None:
            query = query.where(Invoice.child_id.in_(sorted(set(child_ids))))
        return {row[0] for row in self.session.execute(query) if row[0] is not None}

    def set_status(
        self, invoice_id: int, status: InvoiceStatus, void_reason: str | None = None
    ) -> None:
        """Move an invoice to a new status (the caller checked the transition)."""
        values: dict[str, Any] = {"status": status, "version": Invoice.version + 1}
        if void_reason is not None:
            values["void_reason"] = void_reason
        self.session.execute(
            update(Invoice)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.id == invoice_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def set_notes(self, invoice_id: int, notes: str | None) -> None:
        """Replace an invoice's notes.

        The version stays: notes are not part of the tax invoice, so a note
        never makes an invoice "changed" for its PDF or for Xero (issue 16).
        """
        self.session.execute(
            update(Invoice)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.id == invoice_id)
            .values(notes=notes)
            .execution_options(synchronize_session=False)
        )

    def set_status_many(self, invoice_ids: Sequence[int], status: InvoiceStatus) -> None:
        """Move many invoices to one status (the caller checked each transition)."""
        ids = list(invoice_ids)
        for start in range(0, len(ids), _IN_CHUNK):
            self.session.execute(
                update(Invoice)
                .where(
                    Invoice.tenant_id == self.tenant_id,
                    Invoice.id.in_(ids[start : start + _IN_CHUNK]),
                )
                .values(status=status, version=Invoice.version + 1)
                .execution_options(synchronize_session=False)
            )

    def lock_for_sending(
        self, numbers: Sequence[str] = (), *, month: dt.date | None = None
    ) -> list[tuple[int, OpenInvoice]]:
        """(household id, invoice) of these invoices, or of a month's DRAFTs, locked, by number.

        One query for a whole month (or 900 numbers at a time), where sending
        invoice by invoice took five statements each.
        """
        query = (
            select(
                Invoice.household_id, Invoice.id, Invoice.number, Invoice.status,
                Invoice.due_date, Invoice.total_cents, Invoice.balance_due_cents,
            )
            .where(Invoice.tenant_id == self.tenant_id)
            .order_by(Invoice.number)
            .with_for_update()
        )  # fmt: skip
        if month is not None:
            chunks = [query.where(Invoice.billing_month == month,
                                  Invoice.status == InvoiceStatus.DRAFT)]  # fmt: skip
        else:
            wanted = sorted({n.strip().upper() for n in numbers})
            chunks = [
                query.where(func.upper(Invoice.number).in_(wanted[i : i + _IN_CHUNK]))
                for i in range(0, len(wanted), _IN_CHUNK)
            ]
        found = [
            (int(hid), OpenInvoice(int(iid), number, status, due, int(total), int(balance)))
            for chunk in chunks
            for hid, iid, number, status, due, total, balance in self.session.execute(chunk)
        ]
        return sorted(found, key=lambda pair: pair[1].number)

    def record_payment(self, invoice_id: int, amount_cents: int, status: InvoiceStatus) -> None:
        """Add an allocated amount to an invoice and set its new status."""
        self.session.execute(
            update(Invoice)
            .where(Invoice.tenant_id == self.tenant_id, Invoice.id == invoice_id)
            .values(
                amount_paid_cents=Invoice.amount_paid_cents + amount_cents,
                balance_due_cents=Invoice.balance_due_cents - amount_cents,
                status=status,
                version=Invoice.version + 1,
            )
            .execution_options(synchronize_session=False)
        )

    def add_allocation(
        self,
        invoice_id: int,
        amount_cents: int,
        payment_id: int | None,
        adjustment_entry_id: int | None = None,
    ) -> int:
        """Record money applied to an invoice: from a payment, an adjustment, else from credit."""
        result = self.session.execute(
            insert(Allocation).returning(Allocation.id),
            [
                {
                    "tenant_id": self.tenant_id,
                    "invoice_id": invoice_id,
                    "payment_id": payment_id,
                    "adjustment_entry_id": adjustment_entry_id,
                    "amount_cents": amount_cents,
                    "created_at": utc_now(),
                }
            ],
        )
        return int(result.scalar_one())

    def allocated_cents(self, invoice_id: int) -> int:
        """The live (not reversed) allocations to an invoice."""
        total = self.session.scalar(
            select(func.coalesce(func.sum(Allocation.amount_cents), 0)).where(
                Allocation.tenant_id == self.tenant_id,
                Allocation.invoice_id == invoice_id,
                Allocation.reversed_at.is_(None),
            )
        )
        return int(total or 0)

    def allocations_of(self, invoice_id: int) -> list[AllocationValue]:
        """Money applied to an invoice, oldest first (reversed ones included, marked)."""
        rows = self.session.execute(
            select(Allocation, Payment.payment_date, Payment.method, Payment.reference)
            .outerjoin(Payment, Payment.id == Allocation.payment_id)
            .where(Allocation.tenant_id == self.tenant_id, Allocation.invoice_id == invoice_id)
            .order_by(Allocation.id)
        )
        return [
            AllocationValue(
                a.amount_cents,
                a.created_at,
                day,
                method.value if method else None,
                reference,
                a.reversed_at is not None,
            )
            for a, day, method, reference in rows
        ]

    def release_charges(self, invoice_id: int) -> int:
        """Make an invoice's charges pending again (it was voided); returns how many."""
        result = self.session.execute(
            update(Charge)
            .where(Charge.tenant_id == self.tenant_id, Charge.invoice_id == invoice_id)
            .values(invoice_id=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def numbers_in_month(self, month: dt.date, status: InvoiceStatus) -> list[str]:
        """Numbers of the month's invoices in a status, in order."""
        rows = self.session.execute(
            select(Invoice.number)
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.billing_month == month,
                Invoice.status == status,
            )
            .order_by(Invoice.number)
        )
        return [row[0] for row in rows]

    def get(self, number: str, *, lock: bool = False) -> InvoiceValue | None:
        """The invoice with this number (case-insensitive), locked if asked."""
        query = self._values_query().where(func.upper(Invoice.number) == number.strip().upper())
        if lock:
            query = query.with_for_update(of=Invoice)
        found = self._values(query)
        return found[0] if found else None

    def by_ids(self, invoice_ids: Sequence[int]) -> list[InvoiceValue]:
        """These invoices (those that exist in the creche), by id."""
        if not invoice_ids:
            return []
        return self._values(
            self._values_query().where(Invoice.id.in_(list(invoice_ids))).order_by(Invoice.id)
        )

    def find(self, where: InvoiceFilter, limit: int | None = None) -> list[InvoiceValue]:
        """Invoices matching the filter, by number."""
        dialect = self.session.get_bind().dialect.name
        query = self._values_query().where(*invoice_conditions(self.tenant_id, where, dialect))
        return self._values(query.order_by(Invoice.number).limit(limit))

    def overdue_candidates(self, as_of: dt.date) -> list[tuple[int, str, InvoiceStatus]]:
        """(id, number, status) of SENT/VIEWED invoices past due with a balance."""
        rows = self.session.execute(
            select(Invoice.id, Invoice.number, Invoice.status)
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.status.in_([InvoiceStatus.SENT, InvoiceStatus.VIEWED]),
                Invoice.due_date < as_of,
                Invoice.balance_due_cents > 0,
            )
            .order_by(Invoice.number)
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def _values_query(self) -> Select[Invoice, Household, Child]:
        return (
            select(Invoice, Household, Child)
            .join(Household, Household.id == Invoice.household_id)
            .outerjoin(Child, Child.id == Invoice.child_id)
            .where(Invoice.tenant_id == self.tenant_id)
        )

    def _values(self, query: Select[Invoice, Household, Child]) -> list[InvoiceValue]:
        rows = self.session.execute(query).all()
        lines = self._lines([inv.id for inv, _h, _c in rows])
        return [_invoice(inv, h, c, lines.get(inv.id, ())) for inv, h, c in rows]

    def _lines(self, invoice_ids: list[int]) -> dict[int, tuple[InvoiceLineValue, ...]]:
        found: dict[int, list[InvoiceLineValue]] = defaultdict(list)
        for start in range(0, len(invoice_ids), 5000):
            chunk = invoice_ids[start : start + 5000]
            rows = self.session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id.in_(chunk))
                .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
            )
            for line in rows:
                found[line.invoice_id].append(_line(line))
        return {key: tuple(value) for key, value in found.items()}


def _line(row: InvoiceLine) -> InvoiceLineValue:
    return InvoiceLineValue(
        position=row.position,
        line_type=row.line_type,
        description=row.description,
        quantity=row.quantity,
        unit_cents=row.unit_cents,
        net_cents=row.net_cents,
        vat_cents=row.vat_cents,
        gross_cents=row.gross_cents,
        vat_treatment=row.vat_treatment,
    )


def _invoice(
    inv: Invoice, household: Household, child: Child | None, lines: tuple[InvoiceLineValue, ...]
) -> InvoiceValue:
    return InvoiceValue(
        id=inv.id,
        number=inv.number,
        recipient=Recipient(
            household_id=household.id,
            household_ref=household.account_ref,
            parent_name=household.parent_name,
            second_parent_name=household.second_parent_name,
            email=household.email,
            phone=household.phone,
            address=household.address,
        ),
        child_id=inv.child_id,
        child_ref=child.child_ref if child else None,
        child_name=f"{child.first_name} {child.last_name}" if child else None,
        billing_month=inv.billing_month,
        kind=inv.kind,
        status=inv.status,
        issue_date=inv.issue_date,
        due_date=inv.due_date,
        subtotal_cents=inv.subtotal_cents,
        vat_cents=inv.vat_cents,
        total_cents=inv.total_cents,
        amount_paid_cents=inv.amount_paid_cents,
        balance_due_cents=inv.balance_due_cents,
        void_reason=inv.void_reason,
        lines=lines,
        notes=inv.notes,
        imported=inv.imported_at is not None,
    )
