"""Statement PDFs in the South African banks' layouts, drawn with reportlab at test time.

Each layout follows the public descriptions cited in
``crechebooks_desktop/importers/bank/pdf/layouts.py``: the bank's name and
statement period in the header, its column headings and their order, its
date and amount forms (Capitec's negative money out and fees, FNB's ``Cr``
credits and year-less ``01 Mar`` dates, ABSA's charge codes, Standard Bank's
date column on the right as ``20260302``, Nedbank's ``Tranlistno`` and fees
not in the balance). A statement longer than ``per_page`` lines runs over
pages with the heading repeated and, where the layout has them, carried- and
brought-forward lines (``tests/pdf_drawing.py`` draws them).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.pdf_drawing import Cell, Spec, Txn, cr_dr, description, rands, render, signed, with_spec

__all__ = [
    "ABSA",
    "CAPITEC",
    "FNB",
    "GENERIC",
    "NEDBANK",
    "STANDARD_BANK",
    "Spec",
    "Txn",
    "render",
    "with_spec",
]


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
