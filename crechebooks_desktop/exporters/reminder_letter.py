"""A payment reminder as an A4 letter (reportlab), in the house style of the invoices.

The letterhead, the household's name and address, the date, the level's
heading and words (``{household}``, ``{amount}``, ``{reference}``, ``{days}``
filled in), the invoices past due with what each still owes, the total, and
the payment details with the household's reference. Deterministic, like every
document the book archives: the same reminder gives the same bytes.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.exporters.letter_parts import (
    ACCENT,
    BODY,
    LABEL,
    MARGIN,
    RULE,
    SHADE,
    WIDTH,
    footer,
    letterhead,
    long_date,
    money_style,
    para,
    payment_box,
    plain_table,
    style,
    supplier,
)
from crechebooks_desktop.exporters.pdf_support import FONT, numbered_canvas, register_fonts
from crechebooks_desktop.services.household_statements.reminders import ReminderView

__all__ = ["letter_words", "render_reminder_pdf"]

_HEADING = style("heading", 12, bold=True, textColor=ACCENT)
_CELL_HEAD = style("cell-head", 8.5, bold=True, textColor=colors.white)
_RIGHT = style("right", 9, alignment=TA_RIGHT)
_RIGHT_BOLD = style("right-bold", 9, bold=True, alignment=TA_RIGHT)


def letter_words(view: ReminderView, creche: CrecheSettings) -> str:
    """The level's words with the household, amount, reference and days filled in."""
    money = format_rands(view.due.total_cents, money_style(creche))
    days = max(line.days_overdue for line in view.due.lines)
    values = {
        "household": view.party.parent_name,
        "amount": money,
        "reference": view.party.household_ref,
        "days": str(days),
    }
    words = view.level.wording
    for key, value in values.items():
        words = words.replace("{" + key + "}", value)
    return words


def render_reminder_pdf(view: ReminderView, creche: CrecheSettings) -> bytes:
    """Render one household's reminder letter; the same arguments always give the same bytes."""
    register_fonts()
    buffer = io.BytesIO()
    title = "Reminder" if view.due.level < 3 else "Final notice"  # noqa: PLR2004
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{view.level.subject} — {view.party.household_ref}",
        author=supplier(creche),
        subject=f"Reminder level {view.due.level} to {view.party.household_ref}",
        creator="CrecheBooks Desktop",
        producer="CrecheBooks Desktop (reportlab)",
        invariant=1,
        initialFontName=FONT,
        initialFontSize=9,
    )
    left = f"{supplier(creche)} · {view.level.subject} · {view.party.household_ref}"

    def decorate(canvas: Canvas, number: int, count: int) -> None:
        footer(canvas, left, number, count)

    doc.build(_story(view, creche, title), canvasmaker=numbered_canvas(decorate))
    return buffer.getvalue()


def _story(view: ReminderView, creche: CrecheSettings, title: str) -> list[Flowable]:
    party = view.party
    to: list[Flowable] = [Paragraph("TO", LABEL), Spacer(1, 1 * mm)]
    to.append(para(party.parent_name, style("parent", 10, bold=True)))
    if party.second_parent_name:
        to.append(para(party.second_parent_name, BODY))
    to += [para(v, BODY) for v in (party.address, party.email) if v]
    dated = [para(f"Date: {long_date(view.due.as_of)}", BODY),
             para(f"Account: {party.household_ref}", BODY)]  # fmt: skip
    parts: list[Flowable] = [
        letterhead(creche, title),
        Spacer(1, 5 * mm),
        plain_table([[to, dated]], [WIDTH * 0.6, WIDTH * 0.4]),
        Spacer(1, 6 * mm),
        para(view.level.subject, _HEADING),
        Spacer(1, 3 * mm),
    ]
    for paragraph in letter_words(view, creche).split("\n\n"):
        parts += [para(paragraph, BODY), Spacer(1, 2 * mm)]
    parts += [Spacer(1, 3 * mm), _invoices(view, creche), Spacer(1, 6 * mm)]
    reference = party.household_ref
    money = format_rands(view.due.total_cents, money_style(creche))
    ask = f"Please pay {money} using the reference {reference}, so that we can match your payment."
    parts.append(KeepTogether([payment_box(creche, reference, ask)]))
    return parts


def _invoices(view: ReminderView, creche: CrecheSettings) -> Table:
    style_of = money_style(creche)
    rows: list[list[object]] = [
        [Paragraph(h, _CELL_HEAD) for h in ("Invoice", "Due date", "Days overdue", "Owed")]
    ]
    lines = sorted((*view.due.lines, *view.due.also_owing), key=lambda x: (x.due_date, x.number))
    rows.extend(
        [
            para(line.number, BODY),
            para(long_date(line.due_date), BODY),
            Paragraph(str(line.days_overdue), _RIGHT),
            Paragraph(format_rands(line.owed_cents, style_of), _RIGHT),
        ]
        for line in lines
    )
    rows.append(["", "", Paragraph("Total owed", _RIGHT_BOLD),
                 Paragraph(format_rands(view.due.total_cents, style_of), _RIGHT_BOLD)])  # fmt: skip
    widths = [WIDTH * 0.3, WIDTH * 0.3, WIDTH * 0.18, WIDTH * 0.22]
    return plain_table(
        rows,
        widths,
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
        ("BACKGROUND", (0, -1), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
    )
