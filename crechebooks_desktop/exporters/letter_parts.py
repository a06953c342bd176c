"""What every letter to a household shares: style, letterhead, payment box, footer.

Invoices and reminders use these: one place for them, so that every letter
looks like it comes from the same office, and a change of style is made once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.exporters.pdf_support import BOLD, FONT

ACCENT = colors.HexColor("#1F5F5B")
RULE = colors.HexColor("#B8C7C5")
SHADE = colors.HexColor("#EEF3F2")
GREY = colors.HexColor("#5A6361")
MARGIN = 18 * mm
_FRAME_PADDING = 6  # SimpleDocTemplate's frame pads its content by 6 pt on each side
LEFT = MARGIN + _FRAME_PADDING
WIDTH = A4[0] - 2 * LEFT
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


def style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
    """A paragraph style in the house font."""
    extra.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=BOLD if bold else FONT, fontSize=size, **extra)


BODY = style("body", 9)
SMALL = style("small", 8, textColor=GREY)
LABEL = style("label", 8, bold=True, textColor=ACCENT)
NAME = style("name", 15, bold=True, leading=19)
TITLE = style("title", 22, bold=True, textColor=ACCENT, alignment=TA_RIGHT, leading=26)


def text(value: str) -> str:
    """Plain text as Paragraph markup (escaped; line breaks kept)."""
    return "<br/>".join(escape(part.strip()) for part in value.splitlines() if part.strip())


def para(value: str, paragraph_style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text."""
    return Paragraph(text(value), paragraph_style)


def long_date(day: dt.date) -> str:
    """``7 March 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def month_name(day: dt.date) -> str:
    """``March 2026``."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def money_style(creche: CrecheSettings) -> MoneyStyle:
    """How the creche writes money (the default when its setting is unknown)."""
    try:
        return MoneyStyle[creche.money_style]
    except KeyError:
        return MoneyStyle.SPACE_COMMA


def supplier(creche: CrecheSettings) -> str:
    """The name the creche trades under."""
    return creche.trading_name or creche.name


def plain_table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *styles: Any) -> Table:
    """A table without padding or lines, plus ``styles``."""
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    base = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),  # the cells that hold plain text, even ""
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    table.setStyle(TableStyle(base + list(styles)))
    return table


def letterhead(creche: CrecheSettings, title: str) -> Table:
    """The creche's name, address and VAT number on the left, the document's title on the right."""
    left: list[Flowable] = [para(supplier(creche), NAME)]
    if creche.trading_name and creche.trading_name != creche.name:
        left.append(para(creche.name, SMALL))
    left += [para(v, BODY) for v in (creche.address, creche.phone, creche.email) if v]
    if creche.vat_registered:
        left.append(Paragraph(f"<b>VAT No.</b> {escape(creche.vat_number or '')}", BODY))
    right: list[Flowable] = [Paragraph(title, TITLE)]
    return plain_table(
        [[left, right]],
        [WIDTH * 0.62, WIDTH * 0.38],
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4 * mm),
    )


def has_banking_details(creche: CrecheSettings) -> bool:
    """Whether the creche has given the bank account parents pay into."""
    return bool(creche.bank_account_number)


def payment_box(creche: CrecheSettings, reference: str, ask: str) -> Table:
    """The shaded box: the creche's bank account, the reference to use, and what to pay."""
    rows: list[list[Any]] = [[Paragraph("PAYMENT DETAILS", LABEL), ""]]
    for label, value in (
        ("Bank", creche.bank_name),
        ("Account name", creche.bank_account_name),
        ("Account number", creche.bank_account_number),
        ("Branch code", creche.bank_branch_code),
    ):
        if value:
            rows.append([para(label, BODY), para(value, style("bank", 9, bold=True))])
    if not has_banking_details(creche):
        rows.append([para("Bank", BODY), para("Ask the office for our banking details", BODY)])
    rows.append([para("Reference", BODY), para(reference, style("ref", 9, bold=True))])
    rows.append([para(ask, BODY), ""])
    return plain_table(
        rows,
        [WIDTH * 0.22, WIDTH * 0.78],
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, -1), (-1, -1)),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
        ("TOPPADDING", (0, 0), (-1, 0), 2.5 * mm),
        ("TOPPADDING", (0, -1), (-1, -1), 2 * mm),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 2.5 * mm),
    )


def footer(canvas: Canvas, left: str, number: int, count: int) -> None:
    """A rule, ``left`` in small grey type, and ``Page N of M`` on the right."""
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, MARGIN + 3 * mm, A4[0] - LEFT, MARGIN + 3 * mm)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(GREY)
    canvas.drawString(LEFT, MARGIN - 1 * mm, left)
    canvas.drawRightString(A4[0] - LEFT, MARGIN - 1 * mm, f"Page {number} of {count}")
    canvas.restoreState()
