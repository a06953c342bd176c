"""Dates in statement PDFs, including those printed without a year.

A date column may print the whole date (``07.12.2021``, ``01/03/2026``,
``17 Jul 25``, Standard Bank's ``20240222``), read by
:func:`~crechebooks_desktop.importers.bank.dates.parse_date`, or only the
day and month (Postbank's ``19.01.``, FNB's ``01 Mar``, ``02/07``), always
day first. The year then comes from the statement's header: its period
(``01 March 2026 to 31 March 2026``, ``vom01.01.2020bis02.02.2020``), else
the first whole date printed above the table (the statement's date), and a
day and month take the year that puts them inside, or nearest to, that
period, so a December-to-January statement gets both years right.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.dates import DateOrder, parse_date

__all__ = ["Dating", "find_dating"]

_DATE = (
    r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2}"
    r"|\d{1,2}[ -]?[A-Za-z]{3,9}\.?[ -]?\d{4}"
)
_RANGE = re.compile(
    rf"(?<!\d)({_DATE})\s*(?:to|till|until|bis|tot|-|–)\s*({_DATE})(?!\d)", re.IGNORECASE
)
_ANY = re.compile(rf"(?<![\d.])({_DATE})(?![\d.])")
_DAY_MONTH = re.compile(r"(\d{1,2})[./-](\d{1,2})\.?")
_DAY_NAME = re.compile(r"(\d{1,2})[ -]?([A-Za-z]{3,9})\.?")
_NAMED_GAP = re.compile(r"(\d)([A-Za-z])|([A-Za-z])(\d)")
_STATEMENT_SPAN = dt.timedelta(days=62)


def _read(text: str) -> dt.date | None:
    spaced = _NAMED_GAP.sub(lambda m: f"{m[1] or m[3]} {m[2] or m[4]}", text)
    try:
        return parse_date(spaced, DateOrder.DAY_FIRST)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Dating:
    """What the header says about the statement's dates."""

    start: dt.date | None = None
    end: dt.date | None = None
    anchor: dt.date | None = None
    order: DateOrder = DateOrder.DAY_FIRST

    def read(self, text: str) -> dt.date:
        """A date cell's date.

        Raises:
            ValueError: not a date, or a day and month with no year to be had
                from the header; the message says which.
        """
        value = text.strip()
        try:
            return parse_date(value, self.order)
        except ValueError as whole_error:
            parts = _day_month(value)
            if parts is None:
                raise whole_error from None
        return self._with_year(*parts, value)

    def _with_year(self, day: int, month: int, text: str) -> dt.date:
        low, high = self._window()
        if low is None or high is None:
            raise ValueError(
                f"{text!r} has no year, and the statement shows no period or date to take it from"
            )
        best: tuple[int, dt.date] | None = None
        for year in (high.year, high.year - 1, high.year + 1):
            try:
                day_in = dt.date(year, month, day)
            except ValueError:
                continue
            off = max((low - day_in).days, (day_in - high).days, 0)
            if best is None or off < best[0]:
                best = (off, day_in)
        if best is None:
            raise ValueError(f"not a date: {text!r} (no such day)")
        return best[1]

    def _window(self) -> tuple[dt.date | None, dt.date | None]:
        if self.start and self.end:
            return self.start, self.end
        if self.anchor:
            return self.anchor - _STATEMENT_SPAN, self.anchor
        return None, None


def _day_month(text: str) -> tuple[int, int] | None:
    if match := _DAY_MONTH.fullmatch(text):
        return int(match[1]), int(match[2])
    if match := _DAY_NAME.fullmatch(text):
        named = _read(f"{match[1]} {match[2]} 2000")
        return (named.day, named.month) if named else None
    return None


def find_dating(header: Iterable[str], order: DateOrder = DateOrder.DAY_FIRST) -> Dating:
    """The statement's period, or its date, from the lines above its table.

    Args:
        header: the text of the lines above the first table heading.
        order: how to read year-last numeric dates.
    """
    lines = list(header)
    for line in lines:
        for match in _RANGE.finditer(line):
            start, end = _read(match[1]), _read(match[2])
            if start and end and start <= end:
                return Dating(start, end, order=order)
    for line in lines:
        for match in _ANY.finditer(line):
            if found := _read(match[1]):
                return Dating(anchor=found, order=order)
    return Dating(order=order)
