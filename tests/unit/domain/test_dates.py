"""Issue 10: the dates a book takes, a child's date of birth, and dates worth a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.dates import (
    FIRST_BOOK_DAY,
    LAST_BOOK_DAY,
    MAX_CHILD_AGE_YEARS,
    DateOutOfRange,
    NotADay,
    birth_date_problem,
    book_date_problem,
    check_birth_date,
    check_book_date,
    date_warning,
    iso_day,
    real_day,
    years_before,
)
from crechebooks_desktop.errors import RuleViolation

ANY_DAY = st.dates(dt.date.min, dt.date.max)
TODAY = st.dates(dt.date(2020, 1, 1), dt.date(2080, 12, 31))


@given(ANY_DAY)
def test_a_book_takes_exactly_the_days_of_its_years(day: dt.date) -> None:
    inside = dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31)
    assert (book_date_problem(day) is None) is inside
    if inside:
        assert check_book_date(day, "payment date") == day
    else:
        with pytest.raises(DateOutOfRange) as caught:
            check_book_date(day, "payment date")
        assert str(caught.value) == (
            f"payment date: {day.isoformat()} is outside the dates a book takes "
            "(2000-01-01 to 2099-12-31)"
        )
        # A refused date is a rule of the book to a service's caller, a bad value to a reader.
        assert isinstance(caught.value, RuleViolation)
        assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("day", "taken"),
    [
        (dt.date(1, 1, 1), False),
        (dt.date(1900, 1, 1), False),
        (dt.date(1999, 12, 31), False),
        (FIRST_BOOK_DAY, True),
        (LAST_BOOK_DAY, True),
        (dt.date(2100, 1, 1), False),
        (dt.date(9999, 12, 31), False),
    ],
)
def test_the_reported_dates_and_the_edges(day: dt.date, taken: bool) -> None:
    assert (book_date_problem(day) is None) is taken


def test_a_month_is_shown_as_written() -> None:
    assert book_date_problem(dt.date(9999, 12, 1), "9999-12") == (
        "9999-12 is outside the dates a book takes (2000-01-01 to 2099-12-31)"
    )


@given(ANY_DAY, TODAY)
def test_a_date_of_birth_is_not_after_today_nor_too_long_before(
    born: dt.date, today: dt.date
) -> None:
    oldest = years_before(today, MAX_CHILD_AGE_YEARS)
    problem = birth_date_problem(born, today)
    assert (problem is None) is (oldest <= born <= today)
    if born > today:
        assert problem == f"{born.isoformat()} is after today ({today.isoformat()})"
    if problem is None:
        assert check_birth_date(born, today) == born
    else:
        with pytest.raises(DateOutOfRange, match=r"^date of birth: "):
            check_birth_date(born, today)


def test_the_reported_dates_of_birth_are_refused() -> None:
    today = dt.date(2026, 12, 7)
    for born in (dt.date(1900, 1, 1), dt.date(1, 1, 1)):
        assert birth_date_problem(born, today) == (
            f"{born.isoformat()} is more than 20 years before today (2026-12-07); "
            "a child at a creche is younger"
        )
    assert birth_date_problem(dt.date(2006, 12, 7), today) is None
    assert birth_date_problem(dt.date(2006, 12, 6), today) is not None
    assert birth_date_problem(today, today) is None


@given(st.dates(FIRST_BOOK_DAY, LAST_BOOK_DAY), TODAY)
def test_a_warning_for_a_date_more_than_a_year_ahead_or_ten_years_back(
    day: dt.date, today: dt.date
) -> None:
    warning = date_warning(day, today)
    ahead = day > years_before(today, -1)
    behind = day < years_before(today, 10)
    assert (warning is None) is not (ahead or behind)
    if ahead:
        assert warning == f"{day.isoformat()} is more than a year after today ({today.isoformat()})"
    if behind:
        assert warning == (
            f"{day.isoformat()} is more than 10 years before today ({today.isoformat()})"
        )


def test_the_warning_edges() -> None:
    today = dt.date(2026, 12, 7)
    assert date_warning(dt.date(2027, 12, 7), today) is None
    assert date_warning(dt.date(2027, 12, 8), today) is not None
    assert date_warning(dt.date(2016, 12, 7), today) is None
    assert date_warning(dt.date(2016, 12, 6), today) is not None
    assert date_warning(dt.date(2030, 3, 1), today, "2030-03") == (
        "2030-03 is more than a year after today (2026-12-07)"
    )


def test_years_before_keeps_the_day_or_takes_the_28th_of_february() -> None:
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)
    assert years_before(dt.date(2024, 2, 29), -1) == dt.date(2025, 2, 28)
    assert years_before(dt.date(2026, 12, 7), 20) == dt.date(2006, 12, 7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a day (February 2026 has 28 days)"),
        ("2028-02-30", "2028-02-30 is not a day (February 2028 has 29 days)"),
        ("2026-04-31", "2026-04-31 is not a day (April 2026 has 30 days)"),
        ("2026-03-00", "2026-03-00 is not a day (March 2026 has 31 days)"),
        ("2026-13-01", "2026-13-01 is not a day (there is no month 13; a year has 12)"),
        ("2026-00-10", "2026-00-10 is not a day (there is no month 00; a year has 12)"),
        ("0000-01-01", "0000-01-01 is not a day (there is no year 0)"),
    ],
)
def test_a_day_that_is_not_on_the_calendar_says_why(text: str, message: str) -> None:
    with pytest.raises(NotADay) as refused:
        iso_day(f" {text} ")
    assert str(refused.value) == message


@given(st.dates())
def test_every_calendar_day_is_read_back(day: dt.date) -> None:
    assert iso_day(day.isoformat()) == day
    assert real_day(day.year, day.month, day.day, "x") == day


@pytest.mark.parametrize("text", ["2026-3-1", "1 March 2026", "20260301", "2026-03-01T00:00", ""])
def test_anything_but_yyyy_mm_dd_is_not_iso(text: str) -> None:
    with pytest.raises(ValueError, match="must be YYYY-MM-DD") as refused:
        iso_day(text)
    assert not isinstance(refused.value, NotADay)
