"""What a CSV statement's preamble says: its period and its balances.

Banks put account details above the header, as ``Opening Balance,1000.00``
pairs (FNB's recreated statement) or as a row of names over a row of values
(FNB's e-mailed statement: ``3,'Statement Number','From Date','To Date',
'Opening Balance','Closing Balance'`` then ``3,92,'11 August 2018',...``).
The facts found are checks, never trusted silently: the stated opening and
closing balances must agree with the lines, and the period gives a year to
dates printed without one (``13 Aug``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.amounts import parse_bank_amount
from crechebooks_desktop.importers.bank.csv_columns import header_key
from crechebooks_desktop.importers.bank.dates import DateOrder, parse_date

__all__ = ["Facts", "facts"]

_OPENING = ("openingbalance", "balanceopening", "balancebroughtforward")
_CLOSING = ("closingbalance", "balanceclosing", "balancecarriedforward")
_START = ("fromdate", "startdate", "periodstart", "statementfrom")
_END = ("todate", "enddate", "periodend", "statementto")
_PERIOD = ("statementperiod", "period")
_KEYS = (*_OPENING, *_CLOSING, *_START, *_END, *_PERIOD)


@dataclass(frozen=True, slots=True)
class Facts:
    """A preamble's facts (None where it does not say)."""

    opening_cents: int | None = None
    closing_cents: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _amount(text: str) -> int | None:
    try:
        return parse_bank_amount(text)
    except ValueError:
        return None


def _date(text: str) -> dt.date | None:
    try:
        return parse_date(text, DateOrder.DAY_FIRST)
    except ValueError:
        return None


def _pairs(rows: Sequence[Sequence[str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for index, row in enumerate(rows):
        keys = [header_key(cell) for cell in row]
        named = [i for i, key in enumerate(keys) if key in _KEYS]
        following = rows[index + 1] if index + 1 < len(rows) else ()
        if len(named) > 1 and len(following) >= max(named) + 1:
            for i in named:  # a row of names over a row of values
                found.setdefault(keys[i], following[i])
            continue
        for i in named:  # a name with its value (a period: two values) beside it
            values = [cell for cell in row[i + 1 :] if cell]
            if keys[i] in _PERIOD and len(values) > 1:
                found.setdefault("fromdate", values[0])
                found.setdefault("todate", values[1])
            elif values:
                found.setdefault(keys[i], values[0])
    return found


def facts(rows: Sequence[Sequence[str]]) -> Facts:
    """The period and balances a preamble states (cells already cleaned)."""
    pairs = _pairs(rows)

    def first(keys: Sequence[str]) -> str:
        return next((pairs[key] for key in keys if pairs.get(key)), "")

    return Facts(
        opening_cents=_amount(first(_OPENING)),
        closing_cents=_amount(first(_CLOSING)),
        start=_date(first(_START)),
        end=_date(first(_END)),
    )
