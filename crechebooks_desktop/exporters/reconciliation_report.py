"""The bank reconciliation statement a bookkeeper files, as a PDF or an Excel workbook.

It shows the creche, the bank account and statement date, the opening
balance, the cleared money in and out, the statement's closing balance and the
difference; then the lines not cleared and the timing differences; and who
finished the reconciliation and when (or that it is not finished).

The PDF is set in the embedded DejaVu fonts (``exporters.pdf_support``) and is
deterministic; the workbook's cells go through ``exporters.tabular.xlsx_cell``
(text is never a formula, amounts are exact numbers). Both are written
owner-only and atomically, and a finished reconciliation's PDF is archived
(``exporters.reconciliation_documents``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
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

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.reconciliation import ReconcileStatus, finished_words, summary
from crechebooks_desktop.exporters.pdf_support import BOLD, FONT, numbered_canvas, register_fonts
from crechebooks_desktop.exporters.tabular import Kind, Value, xlsx_cell
from crechebooks_desktop.services.reconciliation.reconcile import ReconcileReport

__all__ = ["TITLE", "finished_words", "render_pdf", "render_xlsx", "summary"]

TITLE = "Bank reconciliation statement"
_ACCENT = colors.HexColor("#1F5F5B")
_RULE = colors.HexColor("#B8C7C5")
_SHADE = colors.HexColor("#EEF3F2")
_MARGIN = 18 * mm
_WIDTH = A4[0] - 2 * (_MARGIN + 6)


def _details(report: ReconcileReport) -> list[tuple[str, str]]:
    status = report.status
    period = status.period_start.isoformat() if status.period_start else "the first line"
    rows = [
        ("Creche", report.creche),
        ("Bank account", status.account),
        ("Statement date", status.statement_date.isoformat()),
        ("Lines from", period),
        ("Status", finished_words(status)),
    ]
    if status.file_balance_cents is not None:
        rows.append(("Imported file's closing balance", format_rands(status.file_balance_cents)))
    return rows


# --- PDF -------------------------------------------------------------------------------


def _style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=BOLD if bold else FONT, fontSize=size, **extra)


_TITLE_STYLE = _style("title", 16, bold=True, textColor=_ACCENT)
_HEAD = _style("head", 11, bold=True, textColor=_ACCENT, spaceBefore=4)
_CELL = _style("cell", 8.5)


def _para(value: str) -> Paragraph:
    return Paragraph(escape(value), _CELL)


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, head: bool) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT", repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, _RULE),
    ]
    if head:
        style += [("FONT", (0, 0), (-1, 0), BOLD, 8.5), ("BACKGROUND", (0, 0), (-1, 0), _SHADE)]
    table.setStyle(TableStyle(style))
    return table


def _figures(status: ReconcileStatus) -> Table:
    rows = [(label, format_rands(cents)) for label, cents in summary(status)]
    table = _table(rows, [_WIDTH * 0.6, _WIDTH * 0.4], head=False)
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), BOLD, 9.5)]))
    return table


def _uncleared(status: ReconcileStatus) -> list[Flowable]:
    shown: list[Flowable] = [Paragraph("Lines not cleared", _HEAD)]
    if not status.uncleared_lines:
        return [*shown, Paragraph("None: every line of the period is cleared.", _CELL)]
    rows: list[Sequence[Any]] = [("Date", "Line", "Description", "Amount")]
    rows += [
        (u.date.isoformat(), str(u.line_id), _para(u.description), format_rands(u.amount_cents))
        for u in status.uncleared_lines
    ]
    widths = [_WIDTH * w for w in (0.15, 0.1, 0.53, 0.22)]
    return [*shown, _table(rows, widths, head=True)]


def _timing(status: ReconcileStatus) -> list[Flowable]:
    shown: list[Flowable] = [
        Paragraph("Timing differences (in the book, not yet on a statement)", _HEAD)
    ]
    if not status.timing_differences:
        return [*shown, Paragraph("None.", _CELL)]
    rows: list[Sequence[Any]] = [("Date", "Kind", "Id", "Description", "Amount")]
    rows += [
        (
            t.date.isoformat(),
            t.kind,
            str(t.id),
            _para(t.description),
            format_rands(t.amount_cents),
        )
        for t in status.timing_differences
    ]
    widths = [_WIDTH * w for w in (0.15, 0.1, 0.08, 0.45, 0.22)]
    return [*shown, _table(rows, widths, head=True)]


def render_pdf(report: ReconcileReport) -> bytes:
    """The statement as an A4 PDF; the same report always gives the same bytes."""
    register_fonts()
    status = report.status
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 6 * mm,
        title=f"{TITLE}: {status.account} at {status.statement_date.isoformat()}",
        author=report.creche,
        creator="CrecheBooks Desktop",
        producer="CrecheBooks Desktop (reportlab)",
        invariant=1,
        initialFontName=FONT,
        initialFontSize=9,
    )
    details = [(label, _para(value)) for label, value in _details(report)]
    story: list[Flowable] = [
        Paragraph(escape(TITLE), _TITLE_STYLE),
        Spacer(1, 3 * mm),
        _table(details, [_WIDTH * 0.35, _WIDTH * 0.65], head=False),
        Spacer(1, 5 * mm),
        _figures(status),
        Spacer(1, 5 * mm),
        *_uncleared(status),
        Spacer(1, 5 * mm),
        *_timing(status),
    ]

    def footer(canvas: Canvas, number: int, count: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(
            _MARGIN + 6, _MARGIN - 1 * mm, f"{report.creche} · {status.account} · {TITLE}"
        )
        canvas.drawRightString(A4[0] - _MARGIN - 6, _MARGIN - 1 * mm, f"Page {number} of {count}")
        canvas.restoreState()

    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


# --- XLSX ------------------------------------------------------------------------------


def render_xlsx(report: ReconcileReport) -> bytes:
    """The statement as a workbook of one sheet, ``Reconciliation``."""
    status = report.status
    book = Workbook()
    sheet = book.active
    sheet.title = "Reconciliation"
    rows: list[tuple[Sequence[Value], Sequence[Kind], bool]] = [
        ((TITLE,), (Kind.TEXT,), True),
        *(((k, v), (Kind.TEXT, Kind.TEXT), False) for k, v in _details(report)),
        ((), (), False),
        *(((k, v), (Kind.TEXT, Kind.MONEY), k == "Difference") for k, v in summary(status)),
        ((), (), False),
        (("Lines not cleared",), (Kind.TEXT,), True),
        (("Date", "Line", "Description", "Amount"), (Kind.TEXT,) * 4, True),
    ]
    line_kinds = (Kind.DATE, Kind.TEXT, Kind.TEXT, Kind.MONEY)
    rows += [
        ((u.date, str(u.line_id), u.description, u.amount_cents), line_kinds, False)
        for u in status.uncleared_lines
    ]
    rows += [
        ((), (), False),
        (("Timing differences",), (Kind.TEXT,), True),
        (("Date", "Kind", "Id", "Description", "Amount"), (Kind.TEXT,) * 5, True),
    ]
    timing_kinds = (Kind.DATE, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.MONEY)
    rows += [
        ((t.date, t.kind, str(t.id), t.description, t.amount_cents), timing_kinds, False)
        for t in status.timing_differences
    ]
    for number, (values, kinds, bold) in enumerate(rows, start=1):
        for column, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
            cell = sheet.cell(row=number, column=column)
            xlsx_cell(cell, kind, value)
            if bold:
                cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (34, 22, 12, 48, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
