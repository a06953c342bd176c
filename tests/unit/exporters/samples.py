"""Invoices and creches built by hand for the exporter tests (no book needed)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.invoice_values import InvoiceLineValue, InvoiceValue, Recipient

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)

VAT_CRECHE = CrecheSettings(
    tenant_id=1,
    name="Sunflower Kids Educare",
    trading_name="Sunflower Kids Educare (Pty) Ltd",
    address="14 Jacaranda Avenue, Ferndale, Randburg, 2194",
    phone="011 787 4421",
    email="accounts@sunflowerkids.co.za",
    vat_number="4123456789",
    bank_name="FNB",
    bank_account_name="Sunflower Kids Educare",
    bank_account_number="62812345678",
    bank_branch_code="250655",
)
PLAIN_CRECHE = replace(
    VAT_CRECHE, name="Little Acorns Playschool", trading_name=None, vat_number=None
)


def line(
    position: int,
    line_type: LineType,
    description: str,
    gross: int,
    vat: int = 0,
    *,
    quantity: Decimal = Decimal(1),
    unit: int | None = None,
) -> InvoiceLineValue:
    """A line priced VAT-inclusive: standard-rated when it carries VAT."""
    return InvoiceLineValue(
        position=position,
        line_type=line_type,
        description=description,
        quantity=quantity,
        unit_cents=gross if unit is None else unit,
        net_cents=gross - vat,
        vat_cents=vat,
        gross_cents=gross,
        vat_treatment=VatTreatment.STANDARD if vat else VatTreatment.EXEMPT,
    )


VAT_LINES = (
    line(1, LineType.MONTHLY_FEE, "Full Day (07:00-17:30) — November 2026", 485_000),
    line(2, LineType.DISCOUNT, "Sibling discount (10%)", -48_500),
    line(3, LineType.EXTRA_MURAL, "Swimming", 25_000),
    line(4, LineType.MEALS, "Hot lunches", 40_000, 5_217),
)


def invoice(
    lines: tuple[InvoiceLineValue, ...] = VAT_LINES,
    *,
    number: str = "INV-2026-000025",
    status: InvoiceStatus = InvoiceStatus.SENT,
    paid: int = 0,
    **changes: object,
) -> InvoiceValue:
    """An invoice of these lines, its totals the sums of theirs."""
    subtotal = sum(li.net_cents for li in lines)
    vat = sum(li.vat_cents for li in lines)
    value = InvoiceValue(
        id=7,
        number=number,
        recipient=Recipient(
            household_id=3,
            household_ref="PRETORIU11",
            parent_name="Mr Lungile Pretorius",
            second_parent_name="Mrs Elmarie Pretorius",
            email="lungile@example.co.za",
            phone="083 592 2574",
            address="25 Kiaat Street\nBlairgowrie",
        ),
        child_id=11,
        child_ref="PRETORIU11-1",
        child_name="Zoe Pretorius",
        billing_month=dt.date(2026, 11, 1),
        kind=InvoiceKind.MONTHLY,
        status=status,
        issue_date=dt.date(2026, 11, 1),
        due_date=dt.date(2026, 11, 7),
        subtotal_cents=subtotal,
        vat_cents=vat,
        total_cents=subtotal + vat,
        amount_paid_cents=paid,
        balance_due_cents=subtotal + vat - paid,
        void_reason=None,
        lines=lines,
    )
    return replace(value, **changes)  # type: ignore[arg-type]


def pdf_text(pdf: bytes, folder: Path) -> str:
    """The PDF's text as ``pdftotext -layout`` reads it (no-break spaces as spaces)."""
    path = folder / "extracted.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    return done.stdout.replace("\u00a0", " ")
