"""Drawing statement PDFs with reportlab: a layout (:class:`Spec`) and transactions in, bytes out.

The bank layouts are in ``tests/pdf_statements.py``. A statement longer than
``per_page`` lines runs over pages with the heading repeated and, where the
layout has them, carried- and brought-forward lines. Output is deterministic
(reportlab's invariant mode).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

_TOP, _STEP, _SIZE = 790.0, 11.0, 7.5


@dataclass(frozen=True)
class Txn:
    """A transaction to print: money in positive; ``fee`` a charge (cents, positive)."""

    date: dt.date
    lines: tuple[str, ...]
    cents: int
    fee: int = 0
    star: bool = False  # Nedbank: a debit printed in the fee column with *

    @property
    def text(self) -> str:
        """The description as the reader should give it back."""
        return " ".join(self.lines)


Cell = Callable[[Txn, int], str]


@dataclass(frozen=True)
class Spec:
    """A bank's layout: header lines, columns ``(heading, x, align, cell)``, balance rows."""

    header: tuple[str, ...]
    columns: tuple[tuple[str, float, str, Cell], ...]
    balance: Callable[[int], str]
    opening: str | None = "Opening Balance"
    closing: str | None = "Closing Balance"
    forward: tuple[str, str] | None = None  # carried forward, brought forward
    fee_in_balance: bool = True
    label_column: int = 1  # the column balance labels are printed in
    per_page: int = 40
    breaks: dict[int, int] = field(default_factory=dict)  # line index -> wrong balance
    forward_error: int = 0  # added to every brought-forward balance (a page missing)


def rands(cents: int, sep: str = " ") -> str:
    """``1 234.56`` (no sign)."""
    whole = f"{abs(cents) // 100:,}".replace(",", sep)
    return f"{whole}.{abs(cents) % 100:02d}"


def signed(cents: int, sep: str = " ") -> str:
    """``-1 234.56`` for money out."""
    return f"{'-' if cents < 0 else ''}{rands(cents, sep)}"


def cr_dr(cents: int) -> str:
    """FNB's balance: ``1 234.56Cr`` or ``1 234.56Dr``."""
    return f"{rands(cents)}{'Cr' if cents >= 0 else 'Dr'}"


def _draw(c: canvas.Canvas, x: float, y: float, align: str, text: str) -> None:
    if align == "right":
        c.drawRightString(x, y, text)
    else:
        c.drawString(x, y, text)


class _Painter:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=A4, invariant=True)
        self.y, self.page_rows = _TOP, 0

    def text(self, x: float, text: str, align: str = "left") -> None:
        _draw(self.canvas, x, self.y, align, text)

    def newline(self, lines: int = 1) -> None:
        self.y -= _STEP * lines

    def heading(self) -> None:
        self.canvas.setFont("Helvetica-Bold", _SIZE)
        for title, x, align, _ in self.spec.columns:
            self.text(x, title, align)
        self.canvas.setFont("Helvetica", _SIZE)
        self.newline(1.5)
        self.page_rows = 0

    def label(self, label: str, balance: int) -> None:
        columns = self.spec.columns
        self.text(columns[self.spec.label_column][1], label)
        self.text(columns[-1][1], self.spec.balance(balance), columns[-1][2])
        self.newline()

    def row(self, txn: Txn, balance: int) -> None:
        for index, line in enumerate(txn.lines):
            for _, x, align, cell in self.spec.columns:
                value = cell(txn, balance) if index == 0 else ""
                if cell is description:
                    value = line
                if value:
                    self.text(x, value, align)
            self.newline()
        self.page_rows += 1

    def page_break(self, balance: int) -> None:
        if self.spec.forward:
            self.label(self.spec.forward[0], balance)
        self.canvas.showPage()
        self.y = _TOP
        self.heading()
        if self.spec.forward:
            self.label(self.spec.forward[1], balance + self.spec.forward_error)


def description(txn: Txn, _balance: int) -> str:
    """The first description line (the painter prints the others below it)."""
    return txn.lines[0]


def render(spec: Spec, txns: Sequence[Txn], opening: int) -> bytes:
    """The statement as PDF bytes."""
    painter = _Painter(spec)
    painter.canvas.setFont("Helvetica-Bold", 10)
    for line in spec.header:
        painter.text(40, line)
        painter.newline(1.4)
    painter.newline()
    painter.heading()
    if spec.opening:
        painter.label(spec.opening, opening)
    balance = opening
    for index, txn in enumerate(txns):
        if painter.page_rows >= spec.per_page:
            painter.page_break(balance)
        balance += txn.cents - (txn.fee if spec.fee_in_balance else 0)
        painter.row(txn, spec.breaks.get(index, balance))
    if spec.closing:
        painter.label(spec.closing, balance)
    painter.canvas.setFont("Helvetica", 6)
    painter.newline(2)
    painter.text(40, "Page footer: this statement is issued by the bank as a tax invoice.")
    painter.canvas.showPage()
    painter.canvas.save()
    return painter.buffer.getvalue()


def with_spec(spec: Spec, **changes: object) -> Spec:
    """The layout with some settings changed (pages, broken balances)."""
    return replace(spec, **changes)  # type: ignore[arg-type]
