"""The blocks of a statement's pages, top to bottom, and the footer every page carries.

Each function measures its block from the statement (``statement_layout.Block``);
:func:`draw_statement` puts them on pages and draws them.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.domain.household_statement import StatementKind, StatementLine
from crechebooks_desktop.exporters.pdf_support import BOLD, FONT
from crechebooks_desktop.exporters.statement_layout import (
    ACCENT,
    CELL_LEADING,
    CELL_SIZE,
    COLUMNS,
    GREY,
    LEFT,
    MARGIN,
    NO_BANKING_DETAILS,
    PAD,
    PAGE_SIZE,
    RIGHT,
    ROW_PAD,
    RULE,
    SHADE,
    WIDTH,
    Block,
    StatementPage,
    Text,
    banking_details_missing,
    draw_stack,
    long_date,
    paginate,
    put_text,
    short_date,
    stack_height,
    texts,
    wrap,
)

__all__ = ["draw_statement"]

_HEAD_GAP = 4 * mm  # between the letterhead's text and its rule
_GAP = 5 * mm


def _label(text: str) -> Text:
    """A small heading in the accent colour (``STATEMENT FOR``)."""
    return Text(text, BOLD, 8, ACCENT)


def draw_statement(canvas: Canvas, page: StatementPage) -> None:
    """Draw a statement's pages on ``canvas``, each shown (the canvas is not saved)."""
    pages = paginate(
        first=[letterhead(page), party(page)],
        head=table_head(),
        rows=rows(page),
        tail=tail(page),
        continued=continued(page),
    )
    for number, placed in enumerate(pages, start=1):
        for top, block in placed:
            block.draw(canvas, top)
        footer(canvas, page, number, len(pages))
        canvas.showPage()


# --- Letterhead and the household -----------------------------------------------------


def letterhead(page: StatementPage) -> Block:
    """The creche as on its invoices, the title on the right, an accent rule below."""
    creche = page.creche
    title = texts(page.title, WIDTH * 0.45, font=BOLD, size=16, colour=ACCENT)
    width = WIDTH - max(stringWidth(line.text, FONT, 16) for line in title) - 5 * mm
    left = texts(page.supplier, width, font=BOLD, size=15)
    if creche.trading_name and creche.trading_name != creche.name:
        left += texts(creche.name, width, size=8, colour=GREY)
    for value in (creche.address, creche.phone, creche.email):
        left += texts(value, width)
    if creche.vat_registered:
        left += texts(f"VAT No. {creche.vat_number}", width)
    height = max(stack_height(left), stack_height(title)) + _HEAD_GAP

    def draw(canvas: Canvas, top: float) -> None:
        draw_stack(canvas, LEFT, top, left)
        draw_stack(canvas, RIGHT, top, title, right=True)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.2)
        canvas.line(LEFT, top - height, RIGHT, top - height)

    return Block(height + _GAP, draw)


def party(page: StatementPage) -> Block:
    """Who it is for (left) and the account, period and balance (right)."""
    statement = page.statement
    who = statement.party
    width = WIDTH * 0.47
    left = [_label("STATEMENT FOR")]
    left += texts(who.parent_name, width, font=BOLD, size=10)
    left += texts(who.second_parent_name, width)
    left += texts(who.address, width)
    left += texts(who.email, width)
    rows = _details(page)
    label_x, value_x = LEFT + WIDTH * 0.5, LEFT + WIDTH * 0.5 + 26 * mm
    values = [texts(v, RIGHT - value_x, font=BOLD) for _k, v in rows]
    right_height = sum(stack_height(v) + 1.2 * mm for v in values)
    height = max(stack_height(left), right_height) + 6 * mm

    def draw(canvas: Canvas, top: float) -> None:
        draw_stack(canvas, LEFT, top, left)
        y = top
        for (label, _value), lines in zip(rows, values, strict=True):
            draw_stack(canvas, label_x, y, [Text(label, colour=GREY)])
            draw_stack(canvas, value_x, y, lines)
            y -= stack_height(lines) + 1.2 * mm

    return Block(height, draw)


def _details(page: StatementPage) -> list[tuple[str, str]]:
    statement = page.statement
    who = statement.party
    rows = [("Account", who.household_ref)]
    if who.child_ref:
        rows.append(("Child", f"{who.child_name} ({who.child_ref})"))
    if statement.kind == StatementKind.OPEN_ITEMS:
        rows.append(("Owing at", long_date(statement.date_to)))
    else:
        rows.append(
            ("Period", f"{short_date(statement.date_from)} to {short_date(statement.date_to)}")
        )
        rows.append(("Statement date", long_date(statement.date_to)))
    rows.append(("Closing balance", page.money(statement.closing_cents)))
    return rows


def continued(page: StatementPage) -> Block:
    """The short header of a statement's later pages."""
    statement = page.statement
    left = [Text(page.supplier, BOLD, 10)]
    right = [Text(f"{page.title} · {statement.party.household_ref} (continued)", BOLD, 9, ACCENT)]
    right += [Text(page.period, size=8, colour=GREY)]
    height = max(stack_height(left), stack_height(right)) + 2 * mm

    def draw(canvas: Canvas, top: float) -> None:
        draw_stack(canvas, LEFT, top, left)
        draw_stack(canvas, RIGHT, top, right, right=True)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(LEFT, top - height, RIGHT, top - height)

    return Block(height + 4 * mm, draw)


# --- The table ------------------------------------------------------------------------


def _column_edges() -> list[tuple[float, float, bool]]:
    """Each column's (left, right, right-aligned)."""
    fixed = sum(w for _t, w, _r in COLUMNS if w is not None)
    edges, x = [], LEFT
    for _title, width, right in COLUMNS:
        span = width if width is not None else WIDTH - fixed
        edges.append((x, x + span, right))
        x += span
    return edges


_EDGES = _column_edges()


def table_head() -> Block:
    """The column titles on the accent band."""
    height = 6.5 * mm

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(ACCENT)
        canvas.rect(LEFT, top - height, WIDTH, height, stroke=0, fill=1)
        baseline = top - height + 2.2 * mm
        for (title, _w, _r), (x0, x1, right) in zip(COLUMNS, _EDGES, strict=True):
            x, align = (x1 - PAD, "right") if right else (x0 + PAD, "left")
            put_text(canvas, x, baseline, title, font=BOLD, size=8, colour=colors.white,
                     align=align)  # fmt: skip

    return Block(height, draw)


_CLOSING_EDGES = [(_EDGES[0][0], _EDGES[2][1], False), *_EDGES[3:]]
"""The closing row's: its words span the date, reference and description."""


def _row(
    cells: Sequence[str],
    *,
    shaded: bool,
    bold: bool = False,
    edges: Sequence[tuple[float, float, bool]] = _EDGES,
) -> Block:
    font = BOLD if bold else FONT
    size = CELL_SIZE + (1 if bold else 0)
    leading = CELL_LEADING + (1 if bold else 0)
    wrapped = [
        wrap(text, font, size, (x1 - x0) - 2 * PAD) if text else [""]
        for text, (x0, x1, _r) in zip(cells, edges, strict=True)
    ]
    height = max(len(lines) for lines in wrapped) * leading + 2 * ROW_PAD

    def draw(canvas: Canvas, top: float) -> None:
        if shaded:
            canvas.setFillColor(SHADE)
            canvas.rect(LEFT, top - height, WIDTH, height, stroke=0, fill=1)
        for lines, (x0, x1, right) in zip(wrapped, edges, strict=True):
            y = top - ROW_PAD - size
            x, align = (x1 - PAD, "right") if right else (x0 + PAD, "left")
            for line in lines:
                put_text(canvas, x, y, line, font=font, size=size, align=align)
                y -= leading
        canvas.setStrokeColor(ACCENT if bold else RULE)
        canvas.setLineWidth(0.8 if bold else 0.4)
        canvas.line(LEFT, top - (0 if bold else height), RIGHT, top - (0 if bold else height))

    return Block(height, draw)


def rows(page: StatementPage) -> list[Block]:
    """The balance brought forward (not on open items), then every line."""
    statement = page.statement
    found: list[Block] = []
    if statement.kind != StatementKind.OPEN_ITEMS:
        cells = (short_date(statement.date_from), "", "Balance brought forward", "",
                 page.money(statement.opening_cents))  # fmt: skip
        found.append(_row(cells, shaded=False))
    for line in statement.lines:
        found.append(_row(_cells(page, line), shaded=len(found) % 2 == 1))
    return found


def _cells(page: StatementPage, line: StatementLine) -> tuple[str, ...]:
    return (
        short_date(line.date),
        line.reference or "",
        line.description,
        page.money(line.amount_cents),
        page.money(line.balance_cents),
    )


# --- Closing balance, aging and how to pay --------------------------------------------


def tail(page: StatementPage) -> Block:
    """Closing balance, aging boxes and payment details, kept together."""
    statement = page.statement
    closing = _row(
        (f"Closing balance at {long_date(statement.date_to)}", "",
         page.money(statement.closing_cents)),
        shaded=True,
        bold=True,
        edges=_CLOSING_EDGES,
    )  # fmt: skip
    parts = [closing, _spacer(_GAP), aging(page), _spacer(_GAP), payment(page)]
    height = sum(part.height for part in parts)

    def draw(canvas: Canvas, top: float) -> None:
        y = top
        for part in parts:
            part.draw(canvas, y)
            y -= part.height

    return Block(height, draw)


def _spacer(height: float) -> Block:
    return Block(height, lambda _canvas, _top: None)


def aging(page: StatementPage) -> Block:
    """The boxes: Current, 30, 60, 90+ days; Credit held or Owed on no invoice when there is."""
    statement = page.statement
    boxes = [
        ("Current", statement.aging.current_cents),
        ("30 days", statement.aging.days_30_cents),
        ("60 days", statement.aging.days_60_cents),
        ("90+ days", statement.aging.days_90_plus_cents),
    ]
    if statement.credit_cents > 0:
        boxes.append(("Credit held", statement.credit_cents))
    if statement.unbilled_cents > 0:  # a refund dated before the credit it paid back
        boxes.append(("Owed on no invoice", statement.unbilled_cents))
    label = _label(f"AGE OF WHAT IS OWED AT {long_date(statement.date_to).upper()}")
    gap, box_height = 3 * mm, 12 * mm
    box_width = (WIDTH - gap * (len(boxes) - 1)) / len(boxes)
    height = label.leading + 1.5 * mm + box_height

    def draw(canvas: Canvas, top: float) -> None:
        draw_stack(canvas, LEFT, top, [label])
        box_top = top - label.leading - 1.5 * mm
        for index, (title, cents) in enumerate(boxes):
            x = LEFT + index * (box_width + gap)
            credit = title == "Credit held"
            canvas.setStrokeColor(ACCENT if credit else RULE)
            canvas.setFillColor(SHADE)
            canvas.setLineWidth(0.8)
            canvas.rect(x, box_top - box_height, box_width, box_height, stroke=1, fill=1)
            centre = x + box_width / 2
            put_text(canvas, centre, box_top - 4.2 * mm, title, size=7.5, colour=GREY,
                     align="centre")  # fmt: skip
            put_text(canvas, centre, box_top - 9.5 * mm, page.money(cents), font=BOLD, size=10,
                     align="centre")  # fmt: skip

    return Block(height, draw)


def payment(page: StatementPage) -> Block:
    """How to pay: the amount, the creche's bank account and the reference to quote.

    A creche with no bank account number on record gets a sentence saying so
    instead of the account, so that a parent is not left looking for it.
    """
    creche = page.creche
    pad, key_width = 3 * mm, 32 * mm
    inner = WIDTH - 2 * pad
    rows = [
        (Text(label), texts(value, inner - key_width, font=BOLD))
        for label, value in _payment_rows(page)
    ]
    note = texts(NO_BANKING_DETAILS, inner) if banking_details_missing(creche) else []
    reference = [Text(f"Use reference: {page.reference}", BOLD, 10)]
    reference += texts("Quote it with every payment so that we can match the payment to your "
                       "account.", inner, size=8, colour=GREY)  # fmt: skip
    label = [_label("PAYMENT DETAILS")]
    height = stack_height(label) + sum(stack_height(v) for _k, v in rows) + stack_height(note)
    height += 2 * mm + stack_height(reference) + 2 * pad

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(SHADE)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.rect(LEFT, top - height, WIDTH, height, stroke=1, fill=1)
        y = top - pad
        for key, value in [(None, label), *rows, (None, note)]:
            if key is not None:
                draw_stack(canvas, LEFT + pad, y, [key])
            draw_stack(canvas, LEFT + pad + (key_width if key else 0), y, value)
            y -= stack_height(value)
        draw_stack(canvas, LEFT + pad, y - 2 * mm, reference)

    return Block(height, draw)


def _payment_rows(page: StatementPage) -> list[tuple[str, str]]:
    creche = page.creche
    rows: list[tuple[str, str]] = []
    due = page.statement.closing_cents
    if due > 0:
        rows.append(("Amount due", page.money(due)))
    elif due < 0:
        rows.append(("In credit", page.money(-due)))
    if banking_details_missing(creche):
        return rows
    details = (
        ("Bank", creche.bank_name),
        ("Account name", creche.bank_account_name),
        ("Account number", creche.bank_account_number),
        ("Branch code", creche.bank_branch_code),
    )
    return rows + [(label, value.strip()) for label, value in details if value and value.strip()]


# --- Every page ------------------------------------------------------------------------


def footer(canvas: Canvas, page: StatementPage, number: int, count: int) -> None:
    """The rule, whose statement this is, and "Page n of m"."""
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, MARGIN + 3 * mm, PAGE_SIZE[0] - LEFT, MARGIN + 3 * mm)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(GREY)
    statement = page.statement
    left = f"{page.supplier} · {page.title} · {statement.party.household_ref}"
    if statement.party.child_ref:
        left += f" · {statement.party.child_ref}"
    left += f" · {statement.date_from.isoformat()} to {statement.date_to.isoformat()}"
    canvas.drawString(LEFT, MARGIN - 1 * mm, left)
    canvas.drawRightString(RIGHT, MARGIN - 1 * mm, f"Page {number} of {count}")
