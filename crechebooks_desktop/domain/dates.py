"""The dates a book takes, and the dates worth a second look (issue 10).

Every importer, the command line's date options and the services that take
dates from code ask this module, so the rules are the same wherever a date
comes from:

- **Book dates** (enrolments, charges, invoices and billing months, payments,
  bank lines, balances, the ledger) lie from :data:`FIRST_BOOK_DAY` to
  :data:`LAST_BOOK_DAY`. Anything outside is a slip (``0001-01-01``,
  ``1900-01-01``, ``9999-12-31``) and is refused.
- **A child's date of birth** is not after today and not more than
  :data:`MAX_CHILD_AGE_YEARS` years before it: a creche's and an aftercare's
  children are at most about 13, so an older "child" is a wrong year.
- **Warnings**: a book date more than :data:`WARN_AHEAD_YEARS` year after today,
  or more than :data:`WARN_BEHIND_YEARS` years before it, may be real (a fee
  billed in advance, an old statement) but is more often a wrong year, so it
  is taken with a warning.

Pure: the caller says what "today" is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from crechebooks_desktop.errors import RuleViolation

__all__ = [
    "FIRST_BOOK_DAY",
    "LAST_BOOK_DAY",
    "MAX_CHILD_AGE_YEARS",
    "NOT_ISO",
    "WARN_AHEAD_YEARS",
    "WARN_BEHIND_YEARS",
    "DateOutOfRange",
    "NotADay",
    "birth_date_problem",
    "book_date_problem",
    "check_birth_date",
    "check_book_date",
    "date_warning",
    "iso_day",
    "period_named",
    "real_day",
    "years_before",
]

FIRST_BOOK_DAY = dt.date(2000, 1, 1)
"""The first day a book holds: no creche keeps its books here from before."""
LAST_BOOK_DAY = dt.date(2099, 12, 31)
"""The last day a book holds: far beyond any real enrolment or invoice."""
MAX_CHILD_AGE_YEARS = 20
"""A date of birth at most this many years before today."""
WARN_AHEAD_YEARS = 1
"""A book date more than this many years after today is taken with a warning."""
WARN_BEHIND_YEARS = 10
"""A book date more than this many years before today is taken with a warning."""


class DateOutOfRange(RuleViolation, ValueError):
    """A date a book does not take.

    A :class:`RuleViolation` to the services' callers (a plain message) and a
    ValueError to readers that report any unreadable value as a problem.
    """


class NotADay(ValueError):
    """Numbers in a date's places that make no day of the calendar (2026-02-30, issue 13)."""


NOT_ISO = "must be YYYY-MM-DD, e.g. 2026-03-01"
"""What to say of text that is not written as an ISO date at all."""

# Not calendar.month_name: that follows the locale, and the messages are English.
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def real_day(year: int, month: int, day: int, shown: str) -> dt.date:
    """The day ``year-month-day``, or why there is none.

    Args:
        year: the year as written.
        month: the month as written (1 to 12 make a month).
        day: the day of the month as written.
        shown: the date as the person wrote it, for the message.

    Raises:
        NotADay: e.g. ``2026-02-30 is not a day (February 2026 has 28 days)``.
    """
    if not 1 <= year <= dt.MAXYEAR:
        raise NotADay(f"{shown} is not a day (there is no year {year})")
    if not 1 <= month <= 12:  # noqa: PLR2004 - months of the year
        raise NotADay(f"{shown} is not a day (there is no month {month:02d}; a year has 12)")
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        raise NotADay(f"{shown} is not a day ({_MONTH_NAMES[month - 1]} {year} has {length} days)")
    return dt.date(year, month, day)


def iso_day(text: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` (surrounding spaces ignored).

    Raises:
        NotADay: the form is right but there is no such day (the message says why).
        ValueError: the text is not in that form (``NOT_ISO`` says how it should be).
    """
    value = text.strip()
    found = _ISO_DAY.fullmatch(value)
    if found is None:
        raise ValueError(f"{NOT_ISO} (got {text!r})")
    return real_day(int(found[1]), int(found[2]), int(found[3]), value)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years earlier (29 February becomes the 28th).

    A negative ``years`` goes forward.
    """
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=year, day=28)


def _shown(day: dt.date, shown: str | None) -> str:
    return shown if shown is not None else day.isoformat()


def book_date_problem(day: dt.date, shown: str | None = None) -> str | None:
    """Why a book does not take ``day``, or None when it does.

    Args:
        day: the date.
        shown: how to write it in the message (e.g. a month, ``2026-03``);
            the ISO date by default.
    """
    if FIRST_BOOK_DAY <= day <= LAST_BOOK_DAY:
        return None
    return (
        f"{_shown(day, shown)} is outside the dates a book takes "
        f"({FIRST_BOOK_DAY.isoformat()} to {LAST_BOOK_DAY.isoformat()})"
    )


def check_book_date(day: dt.date, what: str) -> dt.date:
    """Refuse a book date outside the book's years.

    Args:
        day: the date.
        what: what it is, to start the message (``"payment date"``).

    Returns:
        ``day``, unchanged.

    Raises:
        DateOutOfRange: ``day`` is before FIRST_BOOK_DAY or after LAST_BOOK_DAY.
    """
    problem = book_date_problem(day)
    if problem is not None:
        raise DateOutOfRange(f"{what}: {problem}")
    return day


def birth_date_problem(born: dt.date, today: dt.date) -> str | None:
    """Why ``born`` cannot be a child's date of birth, or None when it can."""
    if born > today:
        return f"{born.isoformat()} is after today ({today.isoformat()})"
    if born < years_before(today, MAX_CHILD_AGE_YEARS):
        return (
            f"{born.isoformat()} is more than {MAX_CHILD_AGE_YEARS} years before today "
            f"({today.isoformat()}); a child at a creche is younger"
        )
    return None


def check_birth_date(born: dt.date, today: dt.date, what: str = "date of birth") -> dt.date:
    """Refuse a date of birth in the future or too long ago.

    Returns:
        ``born``, unchanged.

    Raises:
        DateOutOfRange: see :func:`birth_date_problem`.
    """
    problem = birth_date_problem(born, today)
    if problem is not None:
        raise DateOutOfRange(f"{what}: {problem}")
    return born


def date_warning(day: dt.date, today: dt.date, shown: str | None = None) -> str | None:
    """A warning for a book date far from today, or None.

    Args:
        day: a date the book takes (see :func:`book_date_problem`).
        today: the day it is entered.
        shown: how to write it in the message; the ISO date by default.

    Returns:
        The warning (without the field it is about), or None.
    """
    if day > years_before(today, -WARN_AHEAD_YEARS):
        return f"{_shown(day, shown)} is more than a year after today ({today.isoformat()})"
    if day < years_before(today, WARN_BEHIND_YEARS):
        return (
            f"{_shown(day, shown)} is more than {WARN_BEHIND_YEARS} years before today "
            f"({today.isoformat()})"
        )
    return None


_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def period_named(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a month (``2026-03``), quarter (``2026-Q1``) or year (``2026``).

    Raises:
        ValueError: not one of those forms, or a month that does not exist.
    """
    value = text.strip()
    if found := _MONTH.match(value):
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12:  # noqa: PLR2004 - months of the year
            raise ValueError(f"there is no month {month:02d} (got {text!r})")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if found := _QUARTER.match(value):
        year, quarter = int(found[1]), int(found[2])
        first = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if found := _YEAR.match(value):
        year = int(found[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValueError(f"a period is YYYY-MM, YYYY-Qn or YYYY (got {text!r})")
