"""Finding a statement's transaction table by its column headings.

A line is the table's heading when its words name a date column, a
description column and an amount (one signed amount, or money out and money
in). Headings are matched without spaces or case (``Money In``,
``MoneyIn(R)`` and ``MONEY IN`` are one heading; Postbank prints
``Vorgang/Buchungsinformation``), longest name first, in English, Afrikaans
and German. Each column keeps the x positions of its heading, and every word
of a line under it is given to a column by where it sits:

- an amount (or a part of one: a sign, ``R``, ``Cr``) right of the
  description goes to the money column whose heading it overlaps or is
  nearest (amounts sit under their heading, usually right-aligned);
- any other word goes to the text column whose heading starts at or left of
  the word (text is left-aligned under its heading).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.pdf.extract import Word
from crechebooks_desktop.importers.bank.pdf.money import looks_like_money
from crechebooks_desktop.importers.bank.pdf.rows import Row

__all__ = ["Column", "Role", "Table", "find_table", "heading_key"]


class Role(enum.Enum):
    """What a column holds."""

    DATE = "date"
    VALUE_DATE = "value date"
    DESCRIPTION = "description"
    REFERENCE = "reference"
    AMOUNT = "amount"
    DEBIT = "money out"
    CREDIT = "money in"
    FEE = "fee"
    BALANCE = "balance"
    IGNORED = "ignored"


MONEY = frozenset({Role.AMOUNT, Role.DEBIT, Role.CREDIT, Role.FEE, Role.BALANCE})

ALIASES: Mapping[str, Role] = {
    **dict.fromkeys(
        ("date", "transactiondate", "trandate", "postingdate", "postdate", "datum",
         "buchung", "buchungstag", "buchungsdatum", "bookingdate"),
        Role.DATE,
    ),
    **dict.fromkeys(("valuedate", "wert", "valuta", "wertstellung", "effectivedate"),
                    Role.VALUE_DATE),
    **dict.fromkeys(
        ("description", "details", "transactiondescription", "transactiondetails",
         "narrative", "particulars", "beskrywing", "transaksiebeskrywing",
         "vorgang/buchungsinformation", "buchungsinformation", "verwendungszweck",
         "buchung/verwendungszweck", "buchungstext"),
        Role.DESCRIPTION,
    ),
    **dict.fromkeys(("reference", "ref", "verwysing", "referenz"), Role.REFERENCE),
    **dict.fromkeys(("amount", "betrag", "bedrag", "transactionamount"), Role.AMOUNT),
    **dict.fromkeys(
        ("debit", "debits", "debitamount", "moneyout", "payments", "withdrawals", "soll",
         "paidout", "debiete"),
        Role.DEBIT,
    ),
    **dict.fromkeys(
        ("credit", "credits", "creditamount", "moneyin", "deposits", "haben", "paidin",
         "krediete"),
        Role.CREDIT,
    ),
    **dict.fromkeys(("fee", "fees", "charge", "charges", "servicefee", "bankcharges"),
                    Role.FEE),
    **dict.fromkeys(("balance", "saldo", "kontostand", "runningbalance"), Role.BALANCE),
    **dict.fromkeys(
        ("accruedbankcharges", "category", "tranlistno", "page", "chequeno", "cheque"),
        Role.IGNORED,
    ),
}  # fmt: skip
_LONGEST = max(len(key) for key in ALIASES)
_NEAR = 2.0  # an amount within twice the text size of its heading
_AMOUNT_GAP = 0.8  # the words of one amount are closer than this share of the size
_NOISE = re.compile(r"\((?:r|zar|eur|sgd|usd|gbp)\)|[*:.]|\(|\)", re.IGNORECASE)


def heading_key(text: str) -> str:
    """A heading as matched: lower case, no spaces, no currency or marks."""
    return _NOISE.sub("", text.replace(" ", "").lower())


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the table: what it holds and where its heading is."""

    role: Role
    x0: float
    x1: float
    heading: str


@dataclass(frozen=True, slots=True)
class Table:
    """The columns named by a heading line, left to right."""

    columns: tuple[Column, ...]
    money_from: float

    def role(self, role: Role) -> Column | None:
        """The first column with this role, if any."""
        return next((column for column in self.columns if column.role is role), None)

    def cells(self, words: Sequence[Word]) -> dict[Column, list[Word]]:
        """A line's words, by column (see the module's notes)."""
        cells: dict[Column, list[Word]] = {}
        for group in _groups(words):
            column = self._money_column(group)
            if column is not None:
                cells.setdefault(column, []).extend(group)
                continue
            for word in group:
                column = next((c for c in reversed(self.text) if c.x0 - 2 <= word.x0), None)
                cells.setdefault(column or self.text[0], []).append(word)
        return cells

    @property
    def text(self) -> tuple[Column, ...]:
        """The columns that hold words, not amounts."""
        return tuple(c for c in self.columns if c.role not in MONEY)

    def _money_column(self, group: Sequence[Word]) -> Column | None:
        """The money column an amount's words sit under, or None for words of text."""
        if not looks_like_money(group[0].text) or group[-1].x1 <= self.money_from:
            return None
        nearest = min(self.columns, key=lambda c: _distance(group, c))
        near = _distance(group, nearest)[0] <= _NEAR * group[0].size
        return nearest if nearest.role in MONEY and near else None


def _groups(words: Sequence[Word]) -> list[list[Word]]:
    """Words in runs: the parts of one amount (``R``, ``1``, ``234.56``, ``Cr``) together."""
    groups: list[list[Word]] = []
    for word in words:
        last = groups[-1][-1] if groups else None
        near = last is not None and word.x0 - last.x1 < word.size * _AMOUNT_GAP
        money = looks_like_money(word.text)
        code = len(word.text) == 1 and word.text.isupper()  # ABSA's charge code: 15.00 T
        if near and last is not None and looks_like_money(last.text) and (money or code):
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def _distance(group: Sequence[Word], column: Column) -> tuple[float, float]:
    x0, x1 = group[0].x0, group[-1].x1
    return max(column.x0 - x1, x0 - column.x1, 0.0), abs(x1 - column.x1)


def _match(keys: Sequence[str], start: int) -> tuple[int, Role] | None:
    joined = ""
    best = None
    for end in range(start, len(keys)):
        joined += keys[end]
        if len(joined) > _LONGEST:
            break
        if joined in ALIASES:
            best = (end + 1, ALIASES[joined])
    return best


def _columns(row: Row) -> list[Column]:
    keys = [heading_key(word.text) for word in row.words]
    columns: list[Column] = []
    start = 0
    while start < len(keys):
        found = _match(keys, start)
        if found is None:
            start += 1
            continue
        end, role = found
        if role is Role.DATE and any(c.role is Role.DATE for c in columns):
            role = Role.VALUE_DATE  # Postbank's Buchung | Wert: the first date is the posting
        words = row.words[start:end]
        heading = " ".join(word.text for word in words)
        columns.append(Column(role, words[0].x0, words[-1].x1, heading))
        start = end
    return columns


def find_table(row: Row) -> Table | None:
    """The table a heading line names, or None when the line is not a heading."""
    columns = _columns(row)
    roles = {column.role for column in columns}
    has_money = bool(roles & {Role.AMOUNT, Role.DEBIT, Role.CREDIT})
    if not (Role.DATE in roles and Role.DESCRIPTION in roles and has_money):
        return None
    description = next(c for c in columns if c.role is Role.DESCRIPTION)
    return Table(tuple(columns), description.x0)
