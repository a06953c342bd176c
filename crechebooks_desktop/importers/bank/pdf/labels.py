"""Balance and total lines: the statement's own figures that prove the reading.

Inside the table, a line whose description is a balance label is not a
transaction: an opening or brought-forward balance (``Balance brought
forward``, ``Opening balance``, ``B/F``, ``Alter Saldo``, ``LAST MONTH'S
BALANCE``) or a closing or carried-forward one (``Balance carried forward``,
``Closing balance``, ``Neuer Saldo``, ``TOTAL AMOUNT DUE``). A total
(``Total``, ``Subtotal``, ``Summe``) is skipped. Above and below the table,
the same labels are looked for with their amount beside them or on the line
below (ING prints ``Alter Saldo -683,68 Euro``; Postbank prints
``AlterKontostand`` over ``EUR +2.853.82``).

``amount due`` marks a card statement, whose balance is what is owed: its
amounts are turned round so that money in stays positive.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.pdf.money import looks_like_money, read_money
from crechebooks_desktop.importers.bank.pdf.rows import Row

__all__ = ["Label", "Labelled", "header_balances", "label_of"]


class Label(enum.Enum):
    """What a non-transaction line of the table is."""

    OPENING = "opening balance"
    CLOSING = "closing balance"
    TOTAL = "total"


_OPENING = (
    "openingbalance", "balancebroughtforward", "balbroughtforward", "broughtforward",
    "lastmonthsbalance", "previousbalance", "previousstatementbalance", "altersaldo",
    "alterkontostand", "saldovortrag", "beginningbalance", "openingsaldo", "balancebf", "bf",
)  # fmt: skip
_CLOSING = (
    "closingbalance", "balancecarriedforward", "balcarriedforward", "carriedforward",
    "totalamountdue", "amountdue", "neuersaldo", "neuerkontostand", "newbalance", "endingbalance",
    "slotsaldo", "balancecf", "cf",
)  # fmt: skip
_SHORT = frozenset({"bf", "cf", "balancebf", "balancecf"})  # only as the whole text
_TOTAL = ("subtotal", "total", "totals", "summe")
_CARD = ("totalamountdue", "amountdue")
_NOT_LETTERS = re.compile(r"[^a-zäöüß]")
_BELOW = 2.5  # a header amount on the next line, within this many text sizes


def _key(text: str) -> str:
    return _NOT_LETTERS.sub("", text.lower())


def _starts(key: str, labels: Sequence[str]) -> str | None:
    for label in labels:
        if key == label or (label not in _SHORT and key.startswith(label)):
            return label
    return None


def label_of(text: str) -> tuple[Label, bool] | None:
    """What a table line's description marks it as, and whether it says "amount due"."""
    key = _key(text)
    if not key:
        return None
    if found := _starts(key, _CLOSING):
        return Label.CLOSING, found in _CARD
    if _starts(key, _OPENING):
        return Label.OPENING, False
    if _starts(key, _TOTAL):
        return Label.TOTAL, False
    return None


@dataclass(frozen=True, slots=True)
class Labelled:
    """A balance printed outside the table: which, its amount, and its line."""

    label: Label
    cents: int
    row: Row


def _amount_after(rows: Sequence[Row], index: int, start: int, x0: float) -> int | None:
    row = rows[index]
    words = [w.text for w in row.words[start:] if looks_like_money(w.text)]
    if not words and index + 1 < len(rows):
        below = rows[index + 1]
        if below.baseline - row.baseline <= row.size * _BELOW:
            words = [w.text for w in below.words if w.x1 >= x0 and looks_like_money(w.text)]
    for size in range(len(words), 0, -1):
        try:
            return read_money(" ".join(words[:size])).cents
        except ValueError:
            continue
    return None


def _labelled(rows: Sequence[Row], index: int) -> Labelled | None:
    words = rows[index].words
    for first in range(len(words)):
        key = ""
        for last in range(first, min(first + 4, len(words))):
            key += _key(words[last].text)
            label = Label.OPENING if key in _OPENING else Label.CLOSING if key in _CLOSING else None
            if label is None or key in _SHORT:
                continue
            cents = _amount_after(rows, index, last + 1, words[first].x0)
            if cents is not None:
                return Labelled(label, cents, rows[index])
    return None


def header_balances(rows: Sequence[Row], inside: Container[int]) -> list[Labelled]:
    """The balances printed with a label on a page's lines outside its table, in order.

    Args:
        rows: a page's lines.
        inside: the ``line_no`` of the lines read as the table's.
    """
    found = []
    for index, row in enumerate(rows):
        if row.line_no in inside:
            continue
        if labelled := _labelled(rows, index):
            found.append(labelled)
    return found
