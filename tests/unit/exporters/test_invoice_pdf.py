"""The invoice PDF (exporters.invoice_pdf), read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.exporters.invoice_pdf import (
    EXEMPT_NOTE,
    payment_reference,
    render_invoice_pdf,
)
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import DemoResult
from tests.unit.exporters.samples import (
    PLAIN_CRECHE,
    VAT_CRECHE,
    invoice,
    line,
    needs_pdftotext,
    pdf_text,
)

pytestmark = needs_pdftotext


def squeeze(text: str) -> str:
    """Layout text with runs of spaces made one (columns become single spaces)."""
    return re.sub(r"[ \t]+", " ", text)


def test_tax_invoice_carries_what_sars_requires(tmp_path: Path) -> None:
    inv = invoice()
    text = pdf_text(render_invoice_pdf(inv, VAT_CRECHE), tmp_path)
    flat = squeeze(text)
    assert "Tax Invoice" in text
    assert "Sunflower Kids Educare (Pty) Ltd" in text
    assert "14 Jacaranda Avenue, Ferndale, Randburg, 2194" in text
    assert "VAT No. 4123456789" in flat
    assert "INV-2026-000025" in text
    assert "Date of issue 1 November 2026" in flat
    assert "Due date 7 November 2026" in flat
    assert "Mr Lungile Pretorius" in text
    assert "Mrs Elmarie Pretorius" in text
    assert "Account PRETORIU11" in flat
    assert "Child Zoe Pretorius" in flat
    assert "Billing month November 2026" in flat
    for li in inv.lines:
        assert li.description in text
    assert "Hot lunches 1 R 400,00 R 52,17 R 400,00" in flat
    assert "Swimming 1 R 250,00 Exempt* R 250,00" in flat
    assert "Sibling discount (10%) 1 -R 485,00 Exempt* -R 485,00" in flat
    assert f"Subtotal (excl. VAT) {format_rands(inv.subtotal_cents)}" in flat
    assert "VAT at 15% R 52,17" in flat
    assert "Total R 5 015,00" in flat
    assert "Total includes VAT at 15%: R 52,17." in text
    assert EXEMPT_NOTE in text
    assert "Amount paid" not in text
    assert "Please use reference INV-2026-000025 PRETORIU11" in flat
    assert "Bank FNB" in flat
    assert "Account number 62812345678" in flat
    assert "Branch code 250655" in flat
    assert "Page 1 of 1" in flat


def test_payment_reference_is_number_then_household() -> None:
    assert payment_reference(invoice()) == "INV-2026-000025 PRETORIU11"


def test_a_creche_without_vat_prints_an_invoice_with_no_vat_at_all(tmp_path: Path) -> None:
    lines = tuple(replace(li, vat_cents=0, net_cents=li.gross_cents) for li in invoice().lines)
    text = pdf_text(render_invoice_pdf(invoice(lines), PLAIN_CRECHE), tmp_path)
    assert "Invoice" in text
    assert "Tax Invoice" not in text
    assert "Little Acorns Playschool" in text
    assert "VAT" not in text
    assert "Exempt" not in text
    assert "Section 12(h)" not in text
    assert "Total R 5 015,00" in squeeze(text)


def test_prices_excluding_vat_show_amounts_before_vat(tmp_path: Path) -> None:
    meals = replace(line(1, LineType.MEALS, "Hot lunches", 46_000, 6_000), unit_cents=40_000)
    creche = replace(VAT_CRECHE, prices_include_vat=False)
    flat = squeeze(pdf_text(render_invoice_pdf(invoice((meals,)), creche), tmp_path))
    assert "Excl. VAT" in flat
    assert "Hot lunches 1 R 400,00 R 60,00 R 400,00" in flat
    assert "Subtotal (excl. VAT) R 400,00" in flat
    assert "VAT at 15% R 60,00" in flat
    assert "Total R 460,00" in flat
    assert "Total includes VAT" not in flat
    assert EXEMPT_NOTE not in flat  # no exempt line, no footnote


def test_rendering_is_deterministic() -> None:
    first = render_invoice_pdf(invoice(), VAT_CRECHE)
    render_invoice_pdf(invoice(number="INV-2026-000026"), PLAIN_CRECHE)  # other work between
    assert render_invoice_pdf(invoice(), VAT_CRECHE) == first
    assert render_invoice_pdf(invoice(number="INV-2026-000026"), VAT_CRECHE) != first


def test_names_outside_ascii_print_exactly(tmp_path: Path) -> None:
    recipient = replace(
        invoice().recipient,
        parent_name="Ms Ṱhalitha Nemaṱhithi",
        second_parent_name="Mr François Ñúñez",
        address="7 Rue d’Été, Ferndale",
    )
    named = invoice(child_name="Zoë Ngcobo-Müller", recipient=recipient)
    text = pdf_text(render_invoice_pdf(named, VAT_CRECHE), tmp_path)
    for expected in ("Zoë Ngcobo-Müller", "Ms Ṱhalitha Nemaṱhithi", "Mr François Ñúñez"):
        assert expected in text
    assert "7 Rue d’Été, Ferndale" in text


def test_fonts_are_embedded_and_the_page_is_a4() -> None:
    pdf = render_invoice_pdf(invoice(), VAT_CRECHE)
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf  # TrueType programs embedded, not referenced
    assert b"DejaVuSans" in pdf
    assert b"/Helvetica" not in pdf
    assert re.search(rb"/MediaBox \[ 0 0 595\.2756 841\.8898 \]", pdf)


def test_markup_in_text_prints_literally(tmp_path: Path) -> None:
    odd = line(1, LineType.AD_HOC, "Trip: Tom & Jerry <b>live</b>", 15_000, 1_957)
    text = pdf_text(render_invoice_pdf(invoice((odd,)), VAT_CRECHE), tmp_path)
    assert "Trip: Tom & Jerry <b>live</b>" in text


def test_void_invoice_says_so_and_asks_for_nothing(tmp_path: Path) -> None:
    void = invoice(status=InvoiceStatus.VOID, void_reason="Billed twice — see INV-2026-000026")
    flat = squeeze(pdf_text(render_invoice_pdf(void, VAT_CRECHE), tmp_path))
    assert "VOID — Billed twice — see INV-2026-000026" in flat
    assert "Please use reference" not in flat


def test_part_payment_shows_paid_and_balance(tmp_path: Path) -> None:
    partly = invoice(status=InvoiceStatus.PARTIALLY_PAID, paid=200_000)
    flat = squeeze(pdf_text(render_invoice_pdf(partly, VAT_CRECHE), tmp_path))
    assert "Amount paid -R 2 000,00" in flat
    assert "Balance due R 3 015,00" in flat
    assert "Please pay R 3 015,00 by 7 November 2026." in flat


def test_paid_invoice_is_marked_paid_without_payment_details(tmp_path: Path) -> None:
    paid = invoice(status=InvoiceStatus.PAID, paid=501_500)
    flat = squeeze(pdf_text(render_invoice_pdf(paid, VAT_CRECHE), tmp_path))
    assert "PAID — thank you" in flat
    assert "Balance due R 0,00" in flat
    assert "Please use reference" not in flat


def test_money_style_follows_the_creche(tmp_path: Path) -> None:
    creche = replace(VAT_CRECHE, money_style=MoneyStyle.COMMA_DOT.name)
    hourly = line(
        1,
        LineType.MONTHLY_FEE,
        "Aftercare — 12.5 hours",
        81_250,
        quantity=Decimal("12.5"),
        unit=6_500,
    )
    flat = squeeze(pdf_text(render_invoice_pdf(invoice((hourly,)), creche), tmp_path))
    assert "Aftercare — 12.5 hours 12.5 R65.00 Exempt* R812.50" in flat
    spaced = squeeze(pdf_text(render_invoice_pdf(invoice((hourly,)), VAT_CRECHE), tmp_path))
    assert "12,5 R 65,00 Exempt* R 812,50" in spaced


def test_opening_balance_is_no_supply_so_no_exempt_note(tmp_path: Path) -> None:
    opening = line(1, LineType.OPENING_BALANCE, "Opening balance as at 2026-11-01", 1_234_56)
    bare = invoice((opening,), child_name=None, child_id=None, billing_month=None)
    flat = squeeze(pdf_text(render_invoice_pdf(bare, VAT_CRECHE), tmp_path))
    assert "Opening balance as at 2026-11-01 1 R 1 234,56 — R 1 234,56" in flat
    assert "Exempt" not in flat
    assert "Child" not in flat
    assert "Billing month" not in flat
    assert "No VAT is charged on this invoice." in flat


def test_a_long_invoice_runs_onto_more_pages(tmp_path: Path) -> None:
    many = tuple(
        line(n, LineType.UNIFORM, f"School jersey size {n}", 10_000 + n, 1_305) for n in range(60)
    )
    text = pdf_text(render_invoice_pdf(invoice(many), VAT_CRECHE), tmp_path)
    assert text.count("\f") >= 2  # pdftotext ends each page with a form feed
    pages = text.count("\f")
    assert f"Page {pages} of {pages}" in squeeze(text)
    assert text.count("Description") == pages  # the header row repeats
    for li in many:
        assert li.description in text


# --- From a real book: the demo creche's November run ------------------------------------


@pytest.fixture
def november(demo_first_day: tuple[Book, DemoResult]) -> tuple[Book, DemoResult]:
    book, demo = demo_first_day
    tenant = demo.creche.tenant_id
    with book.read(tenant) as uow:
        actor = acting_user(uow, tenant, None)
    generate_month(lambda: book.write(tenant), actor, dt.date(2026, 11, 1))
    return book, demo


def test_demo_invoices_with_meals_and_opening_balance(
    november: tuple[Book, DemoResult], tmp_path: Path
) -> None:
    book, demo = november
    with book.read(demo.creche.tenant_id) as uow:
        found = uow.invoices.find(InvoiceFilter())
        creche = uow.tenants.get(demo.creche.tenant_id)
    assert creche is not None
    with_meals = next(i for i in found if any(li.line_type is LineType.MEALS for li in i.lines))
    opening = next(i for i in found if i.lines[0].line_type is LineType.OPENING_BALANCE)
    for inv in (with_meals, opening):
        text = pdf_text(render_invoice_pdf(inv, creche), tmp_path)
        flat = squeeze(text)
        assert "Tax Invoice" in text
        assert "VAT No. 4123456789" in flat
        assert inv.number in text
        assert inv.recipient.parent_name in text
        for li in inv.lines:
            assert li.description in text
        assert f"Total {format_rands(inv.total_cents)}" in flat
        assert f"Please use reference {inv.number} {inv.household_ref}" in flat
    text = pdf_text(render_invoice_pdf(with_meals, creche), tmp_path)
    assert with_meals.child_name is not None
    assert with_meals.child_name in text
    assert with_meals.vat_cents > 0
    assert f"Total includes VAT at 15%: {format_rands(with_meals.vat_cents)}." in text
    assert any(li.vat_treatment is VatTreatment.EXEMPT for li in with_meals.lines)
    assert EXEMPT_NOTE in text


NOTES = (
    "Paid R 200 in cash at the gate; receipt 0412.\n"
    "Granny fetches on Fridays & <b>always</b> late\n\nSecond paragraph"
)


def test_notes_are_printed_only_when_asked(tmp_path: Path) -> None:
    noted = invoice(notes=NOTES)
    plain = render_invoice_pdf(invoice(), VAT_CRECHE)
    # An invoice's own notes change nothing printed: the archive's hash holds.
    assert render_invoice_pdf(noted, VAT_CRECHE) == plain
    assert "NOTES" not in pdf_text(plain, tmp_path)
    asked = render_invoice_pdf(noted, VAT_CRECHE, notes=noted.notes)
    assert asked != plain
    assert render_invoice_pdf(noted, VAT_CRECHE, notes=noted.notes) == asked  # deterministic
    text = pdf_text(asked, tmp_path)
    block = text[text.index("NOTES") :]
    assert "Paid R 200 in cash at the gate; receipt 0412." in block
    assert "Granny fetches on Fridays & <b>always</b> late" in block
    assert "Second paragraph" in block
    # The rest of the page is the invoice as printed without them.
    assert text[: text.index("NOTES")].strip() in pdf_text(plain, tmp_path)
