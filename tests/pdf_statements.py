"""Statement PDFs in the South African banks' layouts, drawn with reportlab at test time.

Each layout follows the public descriptions cited in
``crechebooks_desktop/importers/bank/pdf/layouts.py``: the bank's name and
statement period in the header, its column headings and their order, its
date and amount forms (Capitec's negative money out and fees, FNB's ``Cr``
credits and year-less ``01 Mar`` dates, ABSA's charge codes, Standard Bank's
date column on the right as ``20260302``, Nedbank's ``Tranlistno`` and fees
not in the balance). A statement longer than ``per_page`` lines runs over
pages with the heading repeated and, where the layout has them, carried- and
brought-forward lines. Output is deterministic (reportlab's invariant mode).
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


def _money_in(sep: str = " ") -> Cell:
    return lambda t, _b: rands(t.cents, sep) if t.cents > 0 else ""


def _money_out(show: Callable[[int], str]) -> Cell:
    return lambda t, _b: show(t.cents) if t.cents < 0 and not t.star else ""


def _day(form: str) -> Cell:
    return lambda t, _b: t.date.strftime(form)


CAPITEC = Spec(
    header=("Capitec Bank", "Main Account Statement", "Statement period: 01/03/2026 to 31/03/2026"),
    columns=(
        ("Date", 40, "left", _day("%d/%m/%Y")),
        ("Description", 95, "left", description),
        ("Category", 255, "left", lambda t, _b: "Other Income" if t.cents > 0 else "Transfer"),
        ("Money In", 385, "right", _money_in()),
        ("Money Out", 440, "right", _money_out(signed)),
        ("Fee*", 485, "right", lambda t, _b: signed(-t.fee) if t.fee else ""),
        ("Balance", 545, "right", lambda _t, b: signed(b)),
    ),
    balance=signed,
)
FNB = Spec(
    header=(
        "First National Bank",
        "FNB Business Cheque Account 62812345678",
        "Statement Period : 15 December 2025 to 14 January 2026",
    ),
    columns=(
        ("Date", 40, "left", _day("%d %b")),
        ("Description", 85, "left", description),
        ("Amount", 400, "right", lambda t, _b: rands(t.cents) + ("Cr" if t.cents > 0 else "")),
        ("Balance", 470, "right", lambda _t, b: cr_dr(b)),
        ("Accrued Bank Charges", 555, "right", lambda t, _b: rands(t.fee) if t.fee else ""),
    ),
    balance=cr_dr,
    fee_in_balance=False,
)
ABSA = Spec(
    header=(
        "Absa Bank Limited",
        "Cheque Account Statement",
        "Statement period: 01/03/2026 - 31/03/2026",
    ),
    columns=(
        ("Date", 40, "left", _day("%d/%m/%Y")),
        ("Transaction Description", 95, "left", description),
        ("Charge", 300, "right", lambda t, _b: f"{rands(t.fee)} T" if t.fee else ""),
        ("Debit Amount", 380, "right", _money_out(rands)),
        ("Credit Amount", 460, "right", _money_in()),
        ("Balance", 545, "right", lambda _t, b: signed(b)),
    ),
    balance=signed,
    opening="Bal Brought Forward",
    closing=None,
    forward=("Bal Carried Forward", "Bal Brought Forward"),
    fee_in_balance=False,
)
STANDARD_BANK = Spec(
    header=(
        "Standard Bank",
        "BUSINESS CURRENT ACCOUNT",
        "Statement from 01 March 2026 to 31 March 2026",
    ),
    columns=(
        ("Page", 40, "left", lambda _t, _b: "10"),
        ("Details", 65, "left", description),
        ("Service Fee", 300, "right", lambda t, _b: rands(t.fee, ",")),
        ("Debit", 370, "right", lambda t, _b: signed(min(t.cents, 0), ",")),
        ("Credit", 440, "right", lambda t, _b: rands(max(t.cents, 0), ",")),
        ("Date", 455, "left", _day("%Y%m%d")),
        ("Balance", 550, "right", lambda _t, b: signed(b, ",")),
    ),
    balance=lambda b: signed(b, ","),
    opening="BALANCE BROUGHT FORWARD",
    closing=None,
    forward=("BALANCE CARRIED FORWARD", "BALANCE BROUGHT FORWARD"),
)
NEDBANK = Spec(
    header=(
        "Nedbank Limited",
        "Current account statement",
        "Statement period: 10/01/2026 - 09/02/2026",
    ),
    columns=(
        ("Tranlistno", 40, "left", lambda t, _b: f"{abs(t.cents) % 999983:06d}"),
        ("Date", 85, "left", _day("%d/%m/%Y")),
        ("Description", 135, "left", description),
        ("Fees(R)", 330, "right", lambda t, _b: _nedbank_fee(t)),
        ("Debits(R)", 400, "right", _money_out(lambda c: rands(c, ","))),
        ("Credits(R)", 470, "right", _money_in(",")),
        ("Balance(R)", 545, "right", lambda _t, b: signed(b, ",")),
    ),
    balance=lambda b: signed(b, ","),
    opening="Opening balance",
    closing="Closing balance",
    fee_in_balance=False,
    label_column=2,
)


def _nedbank_fee(txn: Txn) -> str:
    if txn.star:
        return f"{rands(txn.cents, ',')}*"
    return rands(txn.fee, ",") if txn.fee else ""


def _generic_amount(txn: Txn, _balance: int) -> str:
    if txn.cents > 0:
        return f"R {rands(txn.cents).replace('.', ',')}"
    amount = rands(txn.cents).replace(".", ",")
    return f"{amount}-" if txn.cents % 2 == 0 else f"({amount})"


GENERIC = Spec(
    header=("Ubuntu Mutual Bank", "Savings pocket", "Statement date 2026-03-31"),
    columns=(
        ("Date", 40, "left", _day("%Y-%m-%d")),
        ("Description", 110, "left", description),
        ("Amount", 430, "right", _generic_amount),
        ("Balance", 545, "right", lambda _t, b: f"R {signed(b).replace('.', ',')}"),
    ),
    balance=lambda b: f"R {signed(b).replace('.', ',')}",
    opening="Balance brought forward",
)
