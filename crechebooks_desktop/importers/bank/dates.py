"""Dates as banks write them, and telling day/month from month/day.

Forms read: ``2026-03-01``, ``2026/03/01``, ``20260301``, ``01/03/2026``,
``1.3.2026``, ``01-03-26``, QIF's ``1/31'26`` and ``1/ 5'98``, and month names
``01 Mar 2026``, ``1-March-26``, ``01 Mrt 2026`` (English and Afrikaans).

Two-digit years: after an apostrophe (Quicken's form for 2000 onwards) they
are 20xx; otherwise 00-69 are 20xx and 70-99 are 19xx.

A numeric date with the year last (``03/04/2026``) is day/month or
month/day. :func:`choose_order` decides once per file: a first part over 12
proves day/month, a second part over 12 proves month/day. With no proof it
takes the order that keeps the file's dates closer together (a statement
covers weeks, not a year), and on a tie day/month, as South African banks
write; either way it says so in a warning, because it is an inference.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from crechebooks_desktop.domain.dates import real_day

__all__ = [
    "DateOrder",
    "OrderChoice",
    "choose_order",
    "parse_date",
    "year_last_parts",
]

_PIVOT = 70
_MONTHS_IN_YEAR = 12
_UNREAL = 10**9
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_YEAR_LAST = re.compile(r"(\d{1,2}) *[-/.] *(\d{1,2}) *([-/.]|') *(\d{4}|\d{2})", re.ASCII)
_NAMED = re.compile(r"(\d{1,2})[ -]+([A-Za-z]{3,9})\.?[ -]+(\d{4}|\d{2})", re.ASCII)
_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "mrt": 3, "apr": 4, "may": 5, "mei": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12,
    "des": 12,
}  # fmt: skip
_FULL_NAMES = {
    "january": 1, "januarie": 1, "february": 2, "februarie": 2, "march": 3, "maart": 3,
    "april": 4, "june": 6, "junie": 6, "july": 7, "julie": 7, "august": 8, "augustus": 8,
    "september": 9, "october": 10, "oktober": 10, "november": 11, "december": 12,
    "desember": 12,
}  # fmt: skip


class DateOrder(enum.Enum):
    """How a year-last numeric date is read."""

    DAY_FIRST = "day/month/year"
    MONTH_FIRST = "month/day/year"


@dataclass(frozen=True, slots=True)
class OrderChoice:
    """The order chosen for a file, and why when it was not proven."""

    order: DateOrder
    warning: str | None = None
    conflict: tuple[str, str] | None = None


def _year(text: str, apostrophe: bool) -> int:
    year = int(text)
    if len(text) == 4:  # noqa: PLR2004 - a four-digit year
        return year
    return 2000 + year if apostrophe or year < _PIVOT else 1900 + year


def year_last_parts(text: str) -> tuple[int, int, int] | None:
    """``(first, second, year)`` of a year-last numeric date, else None."""
    match = _YEAR_LAST.fullmatch(text.strip())
    if match is None:
        return None
    return int(match[1]), int(match[2]), _year(match[4], apostrophe=match[3] == "'")


def _named(match: re.Match[str]) -> dt.date:
    word = match[2].lower()
    month = _FULL_NAMES.get(word) or _MONTH_NAMES.get(word) or _MONTH_NAMES.get(word[:3])
    if month is None:
        raise ValueError(f"not a real date: {match[0]!r} (unknown month {match[2]!r})")
    return real_day(_year(match[3], apostrophe=False), month, int(match[1]), match[0])


def parse_date(text: str, order: DateOrder) -> dt.date:
    """A date in any of the forms this module reads.

    Args:
        text: the date as written.
        order: how to read a year-last numeric date.

    Returns:
        The date.

    Raises:
        ValueError: not a date, or (``NotADay``) not a day of the calendar; the
            message says which, and why.
    """
    value = text.strip()
    if match := (_YEAR_FIRST.fullmatch(value) or _COMPACT.fullmatch(value)):
        return real_day(int(match[1]), int(match[2]), int(match[3]), value)
    if parts := year_last_parts(value):
        first, second, year = parts
        day, month = (first, second) if order is DateOrder.DAY_FIRST else (second, first)
        return real_day(year, month, day, f"{value} ({order.value})")
    if match := _NAMED.fullmatch(value):
        return _named(match)
    raise ValueError(f"not a date: {text!r} (expected e.g. 2026-03-31, 31/03/2026 or 31 Mar 2026)")


def _span(parts: list[tuple[int, int, int]], order: DateOrder) -> int:
    """Days between the earliest and the latest date read in ``order`` (huge if one is unreal)."""
    dates = []
    for first, second, year in parts:
        day, month = (first, second) if order is DateOrder.DAY_FIRST else (second, first)
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:
            return _UNREAL
    return (max(dates) - min(dates)).days


def choose_order(
    texts: Iterable[tuple[str, str]], default: DateOrder = DateOrder.DAY_FIRST
) -> OrderChoice:
    """Decide how to read a file's year-last numeric dates.

    Args:
        texts: ``(where, date text)`` of every date in the file; ``where``
            (``FILE:LINE``) is used in messages.
        default: the order on a tie.

    Returns:
        The order; ``warning`` is set when the order was inferred, and
        ``conflict`` names two dates that prove opposite orders (the caller
        refuses the file).
    """
    parts, day_proof, month_proof = [], None, None
    for where, text in texts:
        found = year_last_parts(text)
        if found is None:
            continue
        parts.append(found)
        if found[0] > _MONTHS_IN_YEAR and day_proof is None:
            day_proof = f"{where} ({text.strip()})"
        if found[1] > _MONTHS_IN_YEAR and month_proof is None:
            month_proof = f"{where} ({text.strip()})"
    if day_proof and month_proof:
        return OrderChoice(default, conflict=(day_proof, month_proof))
    if day_proof or month_proof or not parts:
        return OrderChoice(DateOrder.DAY_FIRST if day_proof or not parts else DateOrder.MONTH_FIRST)
    return _infer(parts, default)


def _infer(parts: list[tuple[int, int, int]], default: DateOrder) -> OrderChoice:
    day_first = _span(parts, DateOrder.DAY_FIRST)
    month_first = _span(parts, DateOrder.MONTH_FIRST)
    if day_first == month_first:
        order, why = default, f"that is the usual order here ({default.value})"
    else:
        order = DateOrder.DAY_FIRST if day_first < month_first else DateOrder.MONTH_FIRST
        why = "the dates are then closer together"
    warning = (
        f"no date proves whether dates are day/month or month/day; read as {order.value} "
        f"because {why}: check the dates"
    )
    return OrderChoice(order, warning)
