"""The arrears report as an Excel workbook or a PDF (``arrears export``, issue 12).

Both hold the same figures as ``arrears``: what is owed as of a day by age
(current, 30, 60, 90+ days), every household that owes with its own aging,
every invoice with a balance, and, beside the arrears and never netted into
them, the credit households hold.

The workbook has four sheets: ``Summary`` (the totals and the aging),
``Debtors``, ``Invoices`` and ``Credits``, each written through
``exporters.tabular`` (amounts as exact numbers in rands, a Rand format, text
never a formula, a totals row). The PDF is set in the embedded DejaVu fonts
and is deterministic, as the other reports are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crechebooks_desktop.domain.aging import InvoicePosition
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.pdf_support import BOLD, FONT, numbered_canvas, register_fonts
from crechebooks_desktop.exporters.tabular import Column, Kind, fill_sheet, xlsx_cell
from crechebooks_desktop.services.documents import write_atomically
from crechebooks_desktop.services.household_statements.arrears import (
    ArrearsReport,
    CreditHeld,
    Debtor,
)

__all__ = ["FORMATS", "TITLE", "render_pdf", "render_xlsx", "summary", "write_arrears"]

TITLE = "Arrears report"
FORMATS = ("xlsx", "pdf")
_ACCENT = colors.HexColor("#1F5F5B")
_RULE = colors.HexColor("#B8C7C5")
_SHADE = colors.HexColor("#EEF3F2")
_MARGIN = 15 * mm
_WIDTH = A4[0] - 2 * (_MARGIN + 6)


def summary(report: ArrearsReport) -> list[tuple[str, int]]:
    """The report's figures, top to bottom: (label, cents)."""
    aging = report.aging
    return [
        ("Current", aging.current_cents),
        ("30 days", aging.days_30_cents),
        ("60 days", aging.days_60_cents),
        ("90+ days", aging.days_90_plus_cents),
        ("Total outstanding", report.total_outstanding_cents),
        ("Credit held (beside the arrears)", sum(c.credit_cents for c in report.credits)),
    ]


def write_arrears(report: ArrearsReport, creche: CrecheSettings, path: Path, fmt: str) -> Path:
    """Write the report as ``fmt`` (``xlsx`` or ``pdf``) to ``path``, atomically.

    Raises:
        UserFacingError: an unknown format, or the file cannot be written.
    """
    if fmt == "xlsx":
        return write_atomically(path, render_xlsx(report, creche))
    if fmt == "pdf":
        return write_atomically(path, render_pdf(report, creche))
    raise UserFacingError(f"the arrears report is written as xlsx or pdf, not {fmt!r}")


# --- XLSX ------------------------------------------------------------------------------

_DEBTORS: tuple[Column[Debtor], ...] = (
    Column("Household", lambda d: d.household_ref),
    Column("Name", lambda d: d.name),
    Column("Outstanding", lambda d: d.outstanding_cents, Kind.MONEY),
    Column("Current", lambda d: d.aging.current_cents, Kind.MONEY),
    Column("30 days", lambda d: d.aging.days_30_cents, Kind.MONEY),
    Column("60 days", lambda d: d.aging.days_60_cents, Kind.MONEY),
    Column("90+ days", lambda d: d.aging.days_90_plus_cents, Kind.MONEY),
    Column("Oldest due", lambda d: d.oldest_due_date, Kind.DATE),
    Column("Days overdue", lambda d: str(d.days_overdue)),
)
_INVOICES: tuple[Column[tuple[InvoicePosition, str]], ...] = (
    Column("Invoice", lambda p: p[0].invoice.number),
    Column("Household", lambda p: p[1]),
    Column("Issued", lambda p: p[0].invoice.issue_date, Kind.DATE),
    Column("Due", lambda p: p[0].invoice.due_date, Kind.DATE),
    Column("Total", lambda p: p[0].invoice.total_cents, Kind.MONEY),
    Column("Balance due", lambda p: p[0].balance_cents, Kind.MONEY),
    Column("Days overdue", lambda p: str(p[0].days_overdue)),
    Column("Bucket", lambda p: p[0].bucket.value),
)
_CREDITS: tuple[Column[CreditHeld], ...] = (
    Column("Household", lambda c: c.household_ref),
    Column("Name", lambda c: c.name),
    Column("Credit held", lambda c: c.credit_cents, Kind.MONEY),
)


def render_xlsx(report: ArrearsReport, creche: CrecheSettings) -> bytes:
    """The report as a workbook: Summary, Debtors, Invoices, Credits."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    rows: list[tuple[str, Any, Kind, bool]] = [
        (TITLE, None, Kind.TEXT, True),
        ("Creche", creche.trading_name or creche.name, Kind.TEXT, False),
        ("As of", report.as_of, Kind.DATE, False),
        ("Households that owe", str(len(report.debtors)), Kind.TEXT, False),
        ("Invoices with a balance", str(len(report.invoices)), Kind.TEXT, False),
        ("", None, Kind.TEXT, False),
        *((label, cents, Kind.MONEY, label == "Total outstanding")
          for label, cents in summary(report)),
    ]  # fmt: skip
    for number, (label, value, kind, bold) in enumerate(rows, start=1):
        xlsx_cell(sheet.cell(row=number, column=1), Kind.TEXT, label)
        xlsx_cell(sheet.cell(row=number, column=2), kind, value)
        if bold:
            sheet.cell(row=number, column=1).font = Font(bold=True)
            sheet.cell(row=number, column=2).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 28
    fill_sheet(book.create_sheet("Debtors"), _DEBTORS, report.debtors)
    fill_sheet(book.create_sheet("Invoices"), _INVOICES, report.invoices)
    fill_sheet(book.create_sheet("Credits"), _CREDITS, report.credits)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------


def _style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=BOLD if bold else FONT, fontSize=size, **extra)


_TITLE_STYLE = _style("title", 16, bold=True, textColor=_ACCENT)
_HEAD = _style("head", 11, bold=True, textColor=_ACCENT, spaceBefore=4, spaceAfter=2)
_BODY = _style("body", 9)


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, money_from: int) -> Table:
    """A table with a shaded header row; columns from ``money_from`` on are right-aligned."""
    table = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8),
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
                ("ALIGN", (money_from, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _fraction(*parts: float) -> list[float]:
    return [_WIDTH * p for p in parts]


def render_pdf(report: ArrearsReport, creche: CrecheSettings) -> bytes:
    """The report as an A4 PDF; the same report always gives the same bytes."""
    register_fonts()
    style = _money_style(creche)

    def money(cents: int) -> str:
        return format_rands(cents, style)

    supplier = creche.trading_name or creche.name
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
        bottomMargin=_MARGIN + 6 * mm, title=f"{TITLE} at {report.as_of.isoformat()}",
        author=supplier, creator="CrecheBooks Desktop", producer="CrecheBooks Desktop (reportlab)",
        invariant=1, initialFontName=FONT, initialFontSize=9,
    )  # fmt: skip
    story: list[Flowable] = [
        Paragraph(TITLE, _TITLE_STYLE),
        Paragraph(f"{escape(supplier)} · as of {report.as_of.isoformat()}", _BODY),
        Paragraph(
            f"{len(report.invoices)} invoice(s) of {len(report.debtors)} household(s) owe "
            f"{money(report.total_outstanding_cents)}",
            _BODY,
        ),
        Spacer(1, 4 * mm),
        Paragraph("Summary and aging", _HEAD),
        _table(
            [("", "Amount"), *((label, money(cents)) for label, cents in summary(report))],
            _fraction(0.5, 0.25),
            money_from=1,
        ),
        *_debtors(report, money),
        *_invoices(report, money),
        *_credits(report, money),
    ]

    def footer(canvas: Canvas, number: int, count: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(
            _MARGIN + 6, _MARGIN - 1 * mm, f"{supplier} · {TITLE} at {report.as_of.isoformat()}"
        )
        canvas.drawRightString(A4[0] - _MARGIN - 6, _MARGIN - 1 * mm, f"Page {number} of {count}")
        canvas.restoreState()

    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _debtors(report: ArrearsReport, money: Any) -> list[Flowable]:
    shown: list[Flowable] = [Paragraph("Households that owe", _HEAD)]
    if not report.debtors:
        return [*shown, Paragraph("None: nobody owes anything.", _BODY)]
    rows: list[Sequence[Any]] = [
        ("Household", "Name", "Oldest due", "Current", "30 days", "60 days", "90+ days",
         "Outstanding"),
    ]  # fmt: skip
    rows += [
        (d.household_ref, _cut(d.name, 26), d.oldest_due_date.isoformat(),
         money(d.aging.current_cents), money(d.aging.days_30_cents), money(d.aging.days_60_cents),
         money(d.aging.days_90_plus_cents), money(d.outstanding_cents))
        for d in report.debtors
    ]  # fmt: skip
    widths = _fraction(0.12, 0.2, 0.11, 0.11, 0.11, 0.11, 0.11, 0.13)
    return [*shown, _table(rows, widths, money_from=3)]


def _invoices(report: ArrearsReport, money: Any) -> list[Flowable]:
    shown: list[Flowable] = [Paragraph("Invoices with a balance", _HEAD)]
    if not report.invoices:
        return [*shown, Paragraph("None.", _BODY)]
    rows: list[Sequence[Any]] = [
        ("Invoice", "Household", "Due", "Days", "Bucket", "Total", "Balance due")
    ]
    rows += [
        (p.invoice.number, ref, p.invoice.due_date.isoformat(), str(p.days_overdue),
         p.bucket.value, money(p.invoice.total_cents), money(p.balance_cents))
        for p, ref in report.invoices
    ]  # fmt: skip
    widths = _fraction(0.19, 0.15, 0.13, 0.08, 0.15, 0.15, 0.15)
    return [*shown, _table(rows, widths, money_from=5)]


def _credits(report: ArrearsReport, money: Any) -> list[Flowable]:
    shown: list[Flowable] = [Paragraph("Credit held (beside the arrears, not netted)", _HEAD)]
    if not report.credits:
        return [*shown, Paragraph("None.", _BODY)]
    rows: list[Sequence[Any]] = [("Household", "Name", "Credit held")]
    rows += [(c.household_ref, _cut(c.name, 40), money(c.credit_cents)) for c in report.credits]
    total = sum(c.credit_cents for c in report.credits)
    rows.append(("Total", "", money(total)))
    return [*shown, _table(rows, _fraction(0.2, 0.5, 0.2), money_from=2)]


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _money_style(creche: CrecheSettings) -> MoneyStyle:
    try:
        return MoneyStyle[creche.money_style]
    except KeyError:
        return MoneyStyle.SPACE_COMMA
