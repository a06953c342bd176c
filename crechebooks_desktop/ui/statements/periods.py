"""The statement periods the tab offers: months, quarters, years, or any two dates.

Pure values (no Qt): the picker widget shows them, the jobs turn them into a
service ``Period``. A period that has not ended yet runs to today ("to date"),
so its aging is what is owed now, not at a day still to come (issue 12).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

__all__ = ["Dates", "Kind", "choices", "custom", "last_full_month"]

_MONTHS_OFFERED = 24
_QUARTERS_OFFERED = 8
_YEARS_OFFERED = 5


class Kind(enum.Enum):
    """How the period is chosen."""

    MONTH = "Month"
    QUARTER = "Quarter"
    YEAR = "Year"
    CUSTOM = "Custom dates"


@dataclass(frozen=True, slots=True)
class Dates:
    """A statement's first and last day (both included), and how the tab names it."""

    first: dt.date
    last: dt.date
    label: str

    @property
    def slug(self) -> str:
        """The period in a file name: ``2026-10`` for a month, else ``2026-07-01_2026-09-30``."""
        _, days = calendar.monthrange(self.first.year, self.first.month)
        if self.first.day == 1 and self.last == self.first.replace(day=days):
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _capped(first: dt.date, last: dt.date, label: str, today: dt.date) -> Dates:
    """The period, ending today if it has not ended yet."""
    if first <= today < last:
        return Dates(first, today, f"{label} (to date)")
    return Dates(first, last, label)


def _month_back(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months(today: dt.date) -> list[Dates]:
    found = []
    for back in range(_MONTHS_OFFERED):
        first = _month_back(today, back)
        found.append(_capped(first, _month_end(first), f"{first:%B %Y}", today))
    return found


def _quarters(today: dt.date) -> list[Dates]:
    found = []
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    for _ in range(_QUARTERS_OFFERED):
        last = _month_end(_month_back(first, -2))
        label = f"{first.year} Q{(first.month - 1) // 3 + 1} ({first:%b}–{last:%b})"
        found.append(_capped(first, last, label, today))
        first = _month_back(first, 3)
    return found


def _years(today: dt.date) -> list[Dates]:
    return [
        _capped(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), today)
        for year in range(today.year, today.year - _YEARS_OFFERED, -1)
    ]


def choices(kind: Kind, today: dt.date) -> list[Dates]:
    """The periods of a kind to choose from, newest first (none for custom dates)."""
    if kind is Kind.MONTH:
        return _months(today)
    if kind is Kind.QUARTER:
        return _quarters(today)
    if kind is Kind.YEAR:
        return _years(today)
    return []


def last_full_month(today: dt.date) -> Dates:
    """The default: the last month that has ended (statements go out after month end)."""
    return _months(today)[1]


def custom(first: dt.date, last: dt.date) -> Dates:
    """Any two dates (the later one last)."""
    first, last = min(first, last), max(first, last)
    return Dates(first, last, f"{first:%d %b %Y} – {last:%d %b %Y}")
