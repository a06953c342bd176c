"""An invoice as an A4 PDF (reportlab): a tax invoice when the creche is VAT-registered.

What a South African tax invoice must show is all here: the words "Tax Invoice",
the supplier's name, address and VAT number, the recipient, a serial number, the
date of issue, each supply with its value and VAT, and the total with the VAT
in it (or the rate, when prices include VAT). Exempt supplies (Section 12(h),
childcare) are marked as such. Text is set in DejaVu Sans, embedded, so amounts
such as ``R 1 234,56`` and names such as ``Zoë`` print the same on every machine.

Rendering is deterministic (reportlab's invariant mode, no clock): the same
invoice gives byte-identical PDFs, which is what lets an archived copy be
checked against a reprint by its SHA-256.

An invoice's notes (the office's own text, issue 16) are printed only when the
caller passes them: what is archived, sent and checked is the invoice without.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.invoice_values import InvoiceLineValue, InvoiceValue
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.vat import vat_rate_on
from crechebooks_desktop.exporters.letter_parts import ACCENT as _ACCENT
from crechebooks_desktop.exporters.letter_parts import BODY as _BODY
from crechebooks_desktop.exporters.letter_parts import GREY as _GREY
from crechebooks_desktop.exporters.letter_parts import LABEL as _LABEL
from crechebooks_desktop.exporters.letter_parts import MARGIN as _MARGIN
from crechebooks_desktop.exporters.letter_parts import RULE as _RULE
from crechebooks_desktop.exporters.letter_parts import SHADE as _SHADE
from crechebooks_desktop.exporters.letter_parts import SMALL as _SMALL
from crechebooks_desktop.exporters.letter_parts import WIDTH as _WIDTH
from crechebooks_desktop.exporters.letter_parts import (
    footer,
    letterhead,
    month_name,
    payment_box,
)
from crechebooks_desktop.exporters.letter_parts import long_date as _long_date
from crechebooks_desktop.exporters.letter_parts import money_style as _money_style
from crechebooks_desktop.exporters.letter_parts import para as _para
from crechebooks_desktop.exporters.letter_parts import plain_table as _plain_table
from crechebooks_desktop.exporters.letter_parts import style as _style
from crechebooks_desktop.exporters.pdf_support import (
    BOLD,
    FONT,
    PageDecorator,
    numbered_canvas,
    register_fonts,
)

__all__ = ["EXEMPT_NOTE", "payment_reference", "render_invoice_pdf"]

EXEMPT_NOTE = "Exempt from VAT — educational and childcare services, Section 12(h)"
"""The footnote every invoice with an exempt supply carries (docs/RULES.md, VAT)."""

_VOID_RED = colors.HexColor("#B3261E")
_PAID_GREEN = colors.HexColor("#2E7D32")
_CELL = _style("cell", 9)
_CELL_HEAD = _style("cell-head", 8.5, bold=True, textColor=colors.white)
_NOTE = _style("note", 9, spaceAfter=1.5 * mm)


def payment_reference(invoice: InvoiceValue) -> str:
    """What the parent writes on the payment: ``<invoice number> <household ref>``."""
    return f"{invoice.number} {invoice.household_ref}"


def render_invoice_pdf(
    invoice: InvoiceValue, creche: CrecheSettings, *, notes: str | None = None
) -> bytes:
    """Render one invoice as an A4 PDF.

    Args:
        invoice: the invoice with its recipient and lines.
        creche: the supplier: name, address, VAT number, banking details, money style.
        notes: text for a "Notes" block at the end (None, the default: no block,
            whatever notes the invoice carries; issue 16).

    Returns:
        The PDF's bytes; the same arguments always give the same bytes.
    """
    register_fonts()
    page = _Page(invoice, creche, notes)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 6 * mm,
        title=f"{page.title} {invoice.number}",
        author=page.supplier,
        subject=f"{page.title} {invoice.number} to {invoice.household_ref}",
        creator="CrecheBooks Desktop",
        producer="CrecheBooks Desktop (reportlab)",
        invariant=1,
        initialFontName=FONT,  # else reportlab references Helvetica, unembedded
        initialFontSize=9,
    )
    doc.build(page.story(), canvasmaker=numbered_canvas(_decorator(page)))
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class _Page:
    """Everything the layout needs, worked out once."""

    invoice: InvoiceValue
    creche: CrecheSettings
    notes: str | None = None

    @property
    def supplier(self) -> str:
        return self.creche.trading_name or self.creche.name

    @property
    def title(self) -> str:
        return "Tax Invoice" if self.creche.vat_registered else "Invoice"

    @property
    def shows_vat(self) -> bool:
        """A VAT column when registered (or when an old invoice carries VAT anyway)."""
        return self.creche.vat_registered or any(line.vat_cents for line in self.invoice.lines)

    @property
    def has_exempt_supply(self) -> bool:
        return self.shows_vat and any(_is_exempt_supply(line) for line in self.invoice.lines)

    @property
    def payable(self) -> bool:
        return self.invoice.status is not InvoiceStatus.VOID and self.invoice.balance_due_cents > 0

    def money(self, cents: int) -> str:
        return format_rands(cents, _money_style(self.creche))

    def story(self) -> list[Flowable]:
        """The flowables, top to bottom."""
        parts: list[Flowable] = [_header(self), Spacer(1, 5 * mm)]
        parts += _status_banner(self)
        parts += [_parties(self), Spacer(1, 6 * mm), _lines_table(self), Spacer(1, 3 * mm)]
        # The totals, their notes and the payment details never part across pages.
        closing: list[Flowable] = [_totals(self), Spacer(1, 3 * mm), *_notes(self)]
        if self.payable:
            closing += [Spacer(1, 5 * mm), _payment_box(self)]
        parts.append(KeepTogether(closing))
        if self.notes:
            parts += [Spacer(1, 6 * mm), *_office_notes(self.notes)]
        return parts


def _is_exempt_supply(line: InvoiceLineValue) -> bool:
    # An opening balance is a debt brought forward, not a supply: no VAT status at all.
    return (
        line.vat_treatment is VatTreatment.EXEMPT and line.line_type is not LineType.OPENING_BALANCE
    )


def _month(day: dt.date) -> str:
    return month_name(day)


def _quantity(value: Decimal, style: MoneyStyle) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if style is MoneyStyle.SPACE_COMMA else text


# --- Header: supplier and title -------------------------------------------------------


def _header(page: _Page) -> Table:
    return letterhead(page.creche, page.title)


def _status_banner(page: _Page) -> list[Flowable]:
    invoice = page.invoice
    if invoice.status is InvoiceStatus.VOID:
        reason = f" — {invoice.void_reason}" if invoice.void_reason else ""
        return [_banner(f"VOID{reason}", _VOID_RED), Spacer(1, 4 * mm)]
    if invoice.status is InvoiceStatus.PAID:
        return [_banner("PAID — thank you", _PAID_GREEN), Spacer(1, 4 * mm)]
    return []


def _banner(text: str, colour: colors.Color) -> Table:
    style = _style("banner", 12, bold=True, textColor=colour)
    return _plain_table(
        [[_para(text, style)]],
        [_WIDTH],
        ("BOX", (0, 0), (-1, -1), 1.5, colour),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
    )


# --- Recipient and invoice details ----------------------------------------------------


def _parties(page: _Page) -> Table:
    return _plain_table(
        [[_bill_to(page), _details(page)]],
        [_WIDTH * 0.52, _WIDTH * 0.48],
    )


def _bill_to(page: _Page) -> list[Flowable]:
    recipient = page.invoice.recipient
    block: list[Flowable] = [Paragraph("BILL TO", _LABEL), Spacer(1, 1 * mm)]
    block.append(_para(recipient.parent_name, _style("parent", 10, bold=True)))
    if recipient.second_parent_name:
        block.append(_para(recipient.second_parent_name, _BODY))
    contact = (recipient.address, recipient.email, recipient.phone)
    block += [_para(v, _BODY) for v in contact if v]
    return block


def _details(page: _Page) -> Table:
    invoice = page.invoice
    rows = [
        ("Invoice number", invoice.number),
        ("Date of issue", _long_date(invoice.issue_date)),
        ("Due date", _long_date(invoice.due_date)),
        ("Account", invoice.household_ref),
    ]
    if invoice.child_name:
        rows.append(("Child", invoice.child_name))
    if invoice.billing_month:
        rows.append(("Billing month", _month(invoice.billing_month)))
    label = _style("detail-label", 9, textColor=_GREY)
    value = _style("detail-value", 9, bold=True)
    return _plain_table(
        [[_para(k, label), _para(v, value)] for k, v in rows],
        [_WIDTH * 0.17, _WIDTH * 0.31],
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
    )


# --- Lines ----------------------------------------------------------------------------


def _lines_table(page: _Page) -> Table:
    style = _money_style(page.creche)
    inclusive = page.creche.prices_include_vat or not page.shows_vat
    heads = ["Description", "Qty", "Unit price"]
    widths = [None, 14 * mm, 27 * mm]
    if page.shows_vat:
        heads.append("VAT")
        widths.append(25 * mm)
    heads.append("Amount" if inclusive else "Excl. VAT")
    widths.append(28 * mm)
    fixed = sum(w for w in widths if w is not None)
    widths[0] = _WIDTH - fixed
    rows: list[list[Any]] = [[Paragraph(h, _CELL_HEAD) for h in heads[:1]] + heads[1:]]
    for line in page.invoice.lines:
        row: list[Any] = [
            _para(line.description, _CELL),
            _quantity(line.quantity, style),
            page.money(line.unit_cents),
        ]
        if page.shows_vat:
            row.append(_vat_cell(page, line))
        row.append(page.money(line.gross_cents if inclusive else line.net_cents))
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_lines_style(len(rows)))
    return table


def _vat_cell(page: _Page, line: InvoiceLineValue) -> str:
    if line.line_type is LineType.OPENING_BALANCE and line.vat_cents == 0:
        return "—"
    if line.vat_treatment is VatTreatment.EXEMPT:
        return "Exempt*"
    return page.money(line.vat_cents)


def _lines_style(row_count: int) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), _ACCENT),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, _RULE),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), _SHADE) for r in range(2, row_count, 2)]
    return TableStyle(commands)


# --- Totals and notes -----------------------------------------------------------------


def _totals(page: _Page) -> Table:
    invoice = page.invoice
    rows: list[tuple[str, str]] = []
    if page.shows_vat:
        rows.append(("Subtotal (excl. VAT)", page.money(invoice.subtotal_cents)))
        rows.append((f"VAT at {_percent(_rate(invoice))}", page.money(invoice.vat_cents)))
    rows.append(("Total", page.money(invoice.total_cents)))
    total_row = len(rows) - 1
    if invoice.amount_paid_cents:
        rows.append(("Amount paid", page.money(-invoice.amount_paid_cents)))
        rows.append(("Balance due", page.money(invoice.balance_due_cents)))
    table = Table(rows, colWidths=[48 * mm, 34 * mm], hAlign="RIGHT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("FONT", (0, total_row), (-1, total_row), BOLD, 10.5),
        ("LINEABOVE", (0, total_row), (-1, total_row), 0.8, _ACCENT),
        ("BACKGROUND", (0, total_row), (-1, total_row), _SHADE),
    ]
    if invoice.amount_paid_cents:
        commands.append(("FONT", (0, -1), (-1, -1), BOLD, 10.5))
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, _ACCENT))
    table.setStyle(TableStyle(commands))
    return table


def _rate(invoice: InvoiceValue) -> Decimal:
    """The rate the invoice was charged at: the rate in force on its date of issue."""
    return vat_rate_on(invoice.issue_date)


def _percent(rate: Decimal) -> str:
    return f"{format((rate * 100).normalize(), 'f')}%"


def _notes(page: _Page) -> list[Flowable]:
    invoice = page.invoice
    notes: list[Flowable] = []
    if page.creche.vat_registered and page.creche.prices_include_vat:
        # The statement a VAT-inclusive tax invoice needs: in body text, not small print.
        statement = "No VAT is charged on this invoice."
        if invoice.vat_cents:
            rate, vat = _percent(_rate(invoice)), page.money(invoice.vat_cents)
            statement = f"Total includes VAT at {rate}: {vat}."
        notes.append(_para(statement, _BODY))
    if page.has_exempt_supply:
        notes.append(_para(f"* {EXEMPT_NOTE} of the Value-Added Tax Act.", _SMALL))
    return notes


def _office_notes(notes: str) -> list[Flowable]:
    """The invoice's notes, when asked for: a small block, a paragraph per blank-line break."""
    paragraphs = [p for p in re.split(r"\n\s*\n", notes) if p.strip()]
    return [Paragraph("NOTES", _LABEL), Spacer(1, 1 * mm)] + [
        _para(paragraph, _NOTE) for paragraph in paragraphs
    ]


def _payment_box(page: _Page) -> Table:
    invoice = page.invoice
    reference = payment_reference(invoice)
    due = f"{page.money(invoice.balance_due_cents)} by {_long_date(invoice.due_date)}"
    ask = f"Please pay {due}. Please use reference {reference} so that we can match your payment."
    return payment_box(page.creche, reference, ask)


# --- Every page: footer, page numbers, VOID watermark ---------------------------------


def _decorator(page: _Page) -> PageDecorator:
    def decorate(canvas: Canvas, number: int, count: int) -> None:
        if page.invoice.status is InvoiceStatus.VOID:
            _watermark(canvas, "VOID")
        _footer(canvas, page, number, count)

    return decorate


def _watermark(canvas: Canvas, text: str) -> None:
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.7, 0.15, 0.12, alpha=0.12))
    canvas.setFont(BOLD, 120)
    canvas.translate(A4[0] / 2, A4[1] / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, -40, text)
    canvas.restoreState()


def _footer(canvas: Canvas, page: _Page, number: int, count: int) -> None:
    left = f"{page.supplier} · {page.title} {page.invoice.number}"
    if page.creche.vat_registered:
        left += f" · VAT No. {page.creche.vat_number}"
    footer(canvas, left, number, count)
