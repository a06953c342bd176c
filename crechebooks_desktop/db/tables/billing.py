"""Invoices, their lines, pending charges and the invoice number sequence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.types import (
    BigId,
    Cents,
    Created,
    IntPK,
    OptText,
    TenantId,
    UtcDateTime,
    enum_type,
    fk,
    in_book_years,
    within_limit,
)
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.notes import NOTE_LIMIT


class InvoiceSequence(Base):
    """The last invoice number used per creche per year (gapless numbering)."""

    __tablename__ = "invoice_sequences"

    tenant_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(BigInteger, default=0)


class Invoice(Base):
    """A tax invoice to a household (one per child per month when MONTHLY)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint("total_cents = subtotal_cents + vat_cents", name="total_adds_up"),
        CheckConstraint("amount_paid_cents >= 0", name="paid_not_negative"),
        CheckConstraint("balance_due_cents >= 0", name="balance_due_not_negative"),
        CheckConstraint(
            "balance_due_cents = total_cents - amount_paid_cents", name="balance_due_adds_up"
        ),
        *(
            within_limit(column)
            for column in (
                "subtotal_cents",
                "vat_cents",
                "total_cents",
                "amount_paid_cents",
                "balance_due_cents",
            )
        ),
        in_book_years("issue_date"),
        in_book_years("billing_month"),
        # Idempotent monthly runs: one live MONTHLY invoice per child per month.
        Index(
            "uq_invoices_monthly_child_month",
            "tenant_id",
            "child_id",
            "billing_month",
            unique=True,
            sqlite_where=text("kind = 'MONTHLY' AND status <> 'VOID'"),
            postgresql_where=text("kind = 'MONTHLY' AND status <> 'VOID'"),
        ),
        # A row of a previous system's file is imported once. Partial: a whole index led
        # by tenant_id is what SQLite's planner took for any query of one creche's invoices.
        Index(
            "uq_invoices_import_hash",
            "tenant_id",
            "import_hash",
            unique=True,
            sqlite_where=text("import_hash IS NOT NULL"),
            postgresql_where=text("import_hash IS NOT NULL"),
        ),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    number: Mapped[str] = mapped_column(String(40))
    household_id: Mapped[int] = fk("households.id")
    child_id: Mapped[int | None] = fk("children.id", nullable=True)
    billing_month: Mapped[dt.date | None] = mapped_column(Date)
    kind: Mapped[InvoiceKind] = mapped_column(enum_type(InvoiceKind, "invoice_kind"))
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_type(InvoiceStatus, "invoice_status"), default=InvoiceStatus.DRAFT
    )
    issue_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    subtotal_cents: Mapped[Cents]
    vat_cents: Mapped[Cents]
    total_cents: Mapped[Cents]
    amount_paid_cents: Mapped[Cents] = mapped_column(default=0)
    balance_due_cents: Mapped[Cents]
    void_reason: Mapped[OptText]
    # The office's own notes (issue 16): not part of the tax invoice, so not versioned.
    notes: Mapped[str | None] = mapped_column(String(NOTE_LIMIT))
    document_hash: Mapped[str | None] = mapped_column(String(64))
    xero_invoice_id: Mapped[str | None] = mapped_column(String(64))
    # Brought in from the creche's previous system (issue 16); NULL for the book's own.
    imported_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    import_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[Created]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy API


class InvoiceLine(Base):
    """One line of an invoice, with VAT computed and rounded for the line."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        CheckConstraint("net_cents + vat_cents = gross_cents", name="gross_adds_up"),
        *(within_limit(c) for c in ("unit_cents", "net_cents", "vat_cents", "gross_cents")),
    )

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    invoice_id: Mapped[int] = fk("invoices.id")
    position: Mapped[int] = mapped_column(Integer)
    line_type: Mapped[LineType] = mapped_column(enum_type(LineType, "line_type"))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(1))
    unit_cents: Mapped[Cents]
    net_cents: Mapped[Cents]
    vat_cents: Mapped[Cents]
    gross_cents: Mapped[Cents]
    vat_treatment: Mapped[VatTreatment] = mapped_column(enum_type(VatTreatment, "vat_treatment"))
    child_id: Mapped[int | None] = fk("children.id", nullable=True)


class Charge(Base):
    """An ad-hoc billable item for a child, waiting for the next invoice."""

    __tablename__ = "charges"
    __table_args__ = (within_limit("amount_cents"), in_book_years("charge_date"))

    id: Mapped[IntPK]
    tenant_id: Mapped[TenantId]
    child_id: Mapped[int] = fk("children.id")
    line_type: Mapped[LineType] = mapped_column(enum_type(LineType, "line_type"))
    description: Mapped[OptText]
    amount_cents: Mapped[Cents]
    charge_date: Mapped[dt.date] = mapped_column(Date)
    vat_treatment: Mapped[VatTreatment | None] = mapped_column(
        enum_type(VatTreatment, "vat_treatment")
    )
    invoice_id: Mapped[int | None] = fk("invoices.id", nullable=True)
    created_at: Mapped[Created]
