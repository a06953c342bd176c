"""How a statement of account is laid out on A4 pages and drawn (``statement_pdf``).

A page is a stack of blocks, each of a known height that draws itself with
its top at a given height on the canvas. The blocks are measured first
(text wrapped with the font's own widths), put on pages, and only then drawn,
so every page knows the page count for its footer. The colours and the
letterhead are the invoice's (``invoice_pdf``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.household_statement import StatementKind, StatementOf
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.exporters.pdf_support import BOLD, FONT

__all__ = [
    "ACCENT",
    "COLUMNS",
    "FLOOR",
    "GREY",
    "LEFT",
    "NO_BANKING_DETAILS",
    "PAGE_SIZE",
    "RIGHT",
    "RULE",
    "SHADE",
    "TOP",
    "WIDTH",
    "Block",
    "StatementPage",
    "Text",
    "banking_details_missing",
    "draw_stack",
    "long_date",
    "paginate",
    "put_text",
    "short_date",
    "stack_height",
    "statement_title",
    "texts",
    "wrap",
]

PAGE_SIZE = A4
NO_BANKING_DETAILS = (
    "The creche's banking details are not on record, so they cannot be printed here: "
    "please ask the creche how to pay."
)
"""What the payment box says when the creche has no bank account number set."""

ACCENT = colors.HexColor("#1F5F5B")
RULE = colors.HexColor("#B8C7C5")
SHADE = colors.HexColor("#EEF3F2")
GREY = colors.HexColor("#5A6361")
MARGIN = 18 * mm
LEFT = MARGIN + 6  # where the invoice's text starts (its frame pads by 6 pt)
RIGHT = A4[0] - LEFT
WIDTH = RIGHT - LEFT
TOP = A4[1] - MARGIN - 6
FLOOR = MARGIN + 8 * mm  # nothing but the footer below this
PAD = 1.8 * mm  # a cell's padding, left and right
ROW_PAD = 1.4 * mm  # and above and below its text
CELL_SIZE = 8.5
CELL_LEADING = 10.5
_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")  # fmt: skip
_TITLES = {
    StatementKind.HOUSEHOLD: "Statement of account",
    StatementKind.CHILD: "Child's statement",
    StatementKind.OPEN_ITEMS: "Open items",
}
# The table's columns: (title, width or None for what is left, right-aligned?)
COLUMNS: tuple[tuple[str, float | None, bool], ...] = (
    ("Date", 23 * mm, False),  # 30 Sep 2026
    ("Reference", 30.5 * mm, False),  # an invoice number, INV-2026-000123, on one line
    ("Description", None, False),
    ("Amount", 25.5 * mm, True),  # -R 123 456,78
    ("Balance", 25.5 * mm, True),
)


def statement_title(statement: StatementOf) -> str:
    """The page's title: Statement of account, Child's statement or Open items."""
    return _TITLES.get(statement.kind, "Statement of account")


def banking_details_missing(creche: CrecheSettings) -> bool:
    """Whether the creche has no bank account number to print (then the page says so)."""
    return not (creche.bank_account_number or "").strip()


def long_date(day: dt.date) -> str:
    """``1 March 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """``01 Mar 2026``: a table's dates, all one width."""
    return f"{day.day:02d} {_MONTHS[day.month - 1][:3]} {day.year}"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (words longer than a line are cut).

    Bold is measured as the regular font it is drawn with (``put_text``).
    """
    font = FONT if font == BOLD else font
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        line = ""
        for whole in part.split():
            word = whole
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and stringWidth(word, font, size) > width:
                cut = _fitting(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _fitting(word: str, font: str, size: float, width: float) -> int:
    """How many of the word's first characters fit (at least one)."""
    cut = len(word) - 1
    while cut > 1 and stringWidth(word[:cut], font, size) > width:
        cut -= 1
    return cut


@dataclass(frozen=True, slots=True)
class Text:
    """One line of text in a stack: its font, size and colour."""

    text: str
    font: str = FONT
    size: float = 9
    colour: colors.Color = colors.black

    @property
    def leading(self) -> float:
        """The height of the line."""
        return self.size * 1.3


def texts(text: str | None, width: float, *, font: str = FONT, size: float = 9,
           colour: colors.Color = colors.black) -> list[Text]:  # fmt: skip
    """``text`` wrapped to ``width`` as lines of one style (none for no text)."""
    if not text or not text.strip():
        return []
    return [Text(line, font, size, colour) for line in wrap(text.strip(), font, size, width)]


def stack_height(lines: Sequence[Text]) -> float:
    """How tall the lines are, one above the other."""
    return sum(line.leading for line in lines)


def draw_stack(canvas: Canvas, x: float, top: float, lines: Sequence[Text], *,
               right: bool = False) -> None:  # fmt: skip
    """Draw lines one below the other from ``top``, left-aligned at ``x`` (or right-aligned)."""
    y = top
    for line in lines:
        y -= line.leading
        put_text(canvas, x, y + line.size * 0.28, line.text, font=line.font, size=line.size,
                 colour=line.colour, align="right" if right else "left")  # fmt: skip


def put_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    font: str = FONT,
    size: float = 9,
    colour: colors.Color = colors.black,
    align: str = "left",
) -> None:
    """Draw one string at its baseline ``y``: ``align`` left, right or centre at ``x``.

    Bold is DejaVu Sans drawn with its outline stroked as well as filled
    (text render mode 2), not DejaVu Sans Bold: a statement then embeds one
    font, not two, which halves the file (45 KB to 24 KB) and takes a third
    off the time to render it; a batch of 1,000 needs that (issue 12).
    """
    canvas.setFillColor(colour)
    canvas.setFont(FONT, size)
    mode = None
    if font == BOLD:
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(size * _EMBOLDEN)
        mode = 2
    if align == "right":
        canvas.drawRightString(x, y, text, mode=mode)
    elif align == "centre":
        canvas.drawCentredString(x, y, text, mode=mode)
    else:
        canvas.drawString(x, y, text, mode=mode)


_EMBOLDEN = 0.045
"""The stroke that makes regular text bold, as a share of the font size."""


@dataclass(frozen=True, slots=True)
class Block:
    """Something of a known height that draws itself with its top at ``y``."""

    height: float
    draw: Callable[[Canvas, float], None]


@dataclass(frozen=True, slots=True)
class StatementPage:
    """A statement and its creche, with what the layout works out from them."""

    statement: StatementOf
    creche: CrecheSettings
    style: MoneyStyle = field(init=False)

    def __post_init__(self) -> None:
        try:
            style = MoneyStyle[self.creche.money_style]
        except KeyError:
            style = MoneyStyle.SPACE_COMMA
        object.__setattr__(self, "style", style)

    @property
    def supplier(self) -> str:
        """The name the creche trades under."""
        return self.creche.trading_name or self.creche.name

    @property
    def title(self) -> str:
        """The page's title."""
        return statement_title(self.statement)

    @property
    def period(self) -> str:
        """The dates, e.g. 1 March 2026 to 31 March 2026."""
        s = self.statement
        return f"{long_date(s.date_from)} to {long_date(s.date_to)}"

    @property
    def reference(self) -> str:
        """What the household quotes when it pays."""
        return self.statement.payment_reference

    @property
    def document_title(self) -> str:
        """The PDF's title."""
        s = self.statement
        whose = s.party.household_ref + (f" {s.party.child_ref}" if s.party.child_ref else "")
        return f"{self.title} {whose} {s.date_from.isoformat()} to {s.date_to.isoformat()}"

    @property
    def subject(self) -> str:
        """The PDF's subject."""
        return f"{self.title} from {self.supplier} to {self.statement.party.parent_name}"

    @property
    def bookmark(self) -> str:
        """The statement's entry in a file of many."""
        party = self.statement.party
        child = f", {party.child_name}" if party.child_name else ""
        return f"{party.household_ref} — {party.parent_name}{child}"

    def money(self, cents: int) -> str:
        """An amount in the creche's money style."""
        return format_rands(cents, self.style)


# --- Putting blocks on pages -----------------------------------------------------------


def paginate(
    *,
    first: Sequence[Block],
    head: Block,
    rows: Sequence[Block],
    tail: Block,
    continued: Block,
) -> list[list[tuple[float, Block]]]:
    """Blocks placed on pages: each (top, block); a row or the tail never splits.

    The first page starts with ``first``; every later page with ``continued``.
    The table's ``head`` starts the table on each page it reaches. The tail
    (closing balance, aging, payment details) stays in one piece.
    """
    pages: list[list[tuple[float, Block]]] = []
    placed: list[tuple[float, Block]] = []
    y = TOP

    def put(block: Block) -> None:
        nonlocal y
        placed.append((y, block))
        y -= block.height

    def turn() -> None:
        nonlocal placed, y
        pages.append(placed)
        placed, y = [], TOP
        put(continued)
        put(head)

    for block in first:
        put(block)
    put(head)
    for row in rows:
        if y - row.height < FLOOR and len(placed) > 2:  # noqa: PLR2004 - not a page of heads only
            turn()
        put(row)
    if y - tail.height < FLOOR:
        turn()
    put(tail)
    pages.append(placed)
    return pages
