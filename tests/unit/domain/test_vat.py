"""Tests for crechebooks_desktop.domain.vat."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.vat import (
    STANDARD_RATES,
    VatSplit,
    exempt,
    split_exclusive,
    split_inclusive,
    split_line,
    vat_rate_on,
)

OLD, NEW = Decimal("0.14"), Decimal("0.15")
AMOUNTS = st.integers(min_value=-(10**10), max_value=10**10)
RATES = st.sampled_from([OLD, NEW])


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (dt.date(2018, 3, 31), OLD),
        (dt.date(2018, 4, 1), NEW),
        (dt.date(2018, 4, 2), NEW),
        (dt.date(2010, 1, 1), OLD),
        (dt.date(2026, 12, 31), NEW),
        (dt.date.min, OLD),
        (dt.date.max, NEW),
    ],
)
def test_vat_rate_on(day: dt.date, rate: Decimal) -> None:
    assert vat_rate_on(day) == rate


def test_rates_table_is_dated_and_ordered() -> None:
    starts = [start for start, _ in STANDARD_RATES]
    assert starts == sorted(starts)
    assert (dt.date(2018, 4, 1), NEW) in STANDARD_RATES


@pytest.mark.parametrize("bad", [dt.datetime(2018, 4, 1, 0, 0, tzinfo=dt.UTC), "2018-04-01", None])
def test_vat_rate_on_refuses_non_dates(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        vat_rate_on(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("gross", "rate", "net", "vat"),
    [
        (11500, NEW, 10000, 1500),
        (100, NEW, 87, 13),  # 100 * 0.15 / 1.15 = 13.04
        (-11500, NEW, -10000, -1500),
        (-100, NEW, -87, -13),
        (11400, OLD, 10000, 1400),
        (450000, NEW, 391304, 58696),  # 58695.65 rounds up
        (1, NEW, 1, 0),  # 0.13 of a cent
        (4, NEW, 3, 1),  # 0.52 of a cent
        (0, NEW, 0, 0),
        (1000, Decimal(0), 1000, 0),
    ],
)
def test_split_inclusive_known(gross: int, rate: Decimal, net: int, vat: int) -> None:
    assert split_inclusive(gross, rate) == VatSplit(net_cents=net, vat_cents=vat, gross_cents=gross)


@pytest.mark.parametrize(
    ("net", "rate", "vat", "gross"),
    [
        (10000, NEW, 1500, 11500),
        (10000, OLD, 1400, 11400),
        (-10000, NEW, -1500, -11500),
        (87, NEW, 13, 100),  # 13.05 -> 13
        (0, NEW, 0, 0),
    ],
)
def test_split_exclusive_known(net: int, rate: Decimal, vat: int, gross: int) -> None:
    assert split_exclusive(net, rate) == VatSplit(net_cents=net, vat_cents=vat, gross_cents=gross)


def test_half_cent_cases_round_half_even() -> None:
    # Found by computation: 10 * 0.15 = 1.5 and 30 * 0.15 = 4.5 (exact halves).
    # Half-up would give 2 and 5; half-even gives 2 and 4.
    assert Decimal(30) * NEW == Decimal("4.5")
    assert split_exclusive(10, NEW).vat_cents == 2
    assert split_exclusive(30, NEW) == VatSplit(net_cents=30, vat_cents=4, gross_cents=34)
    assert split_exclusive(-30, NEW) == VatSplit(net_cents=-30, vat_cents=-4, gross_cents=-34)
    # At 14%: 25 * 0.14 = 3.5 -> 4 and 75 * 0.14 = 10.5 -> 10.
    assert split_exclusive(25, OLD).vat_cents == 4
    assert split_exclusive(75, OLD).vat_cents == 10


def test_half_cent_inclusive_at_a_rate_that_allows_it() -> None:
    # At 15% VAT is gross * 3/23 and at 14% gross * 7/57: never an exact half.
    # At 60% it is gross * 3/8: gross 4 -> 1.5 -> 2, gross 12 -> 4.5 -> 4.
    rate = Decimal("0.6")
    assert split_inclusive(4, rate).vat_cents == 2
    assert split_inclusive(12, rate) == VatSplit(net_cents=8, vat_cents=4, gross_cents=12)
    assert split_inclusive(-12, rate).vat_cents == -4


def test_split_line_chooses_by_setting() -> None:
    inclusive = split_line(11500, NEW, prices_include_vat=True)
    exclusive = split_line(11500, NEW, prices_include_vat=False)
    assert inclusive == split_inclusive(11500, NEW)
    assert inclusive.vat_cents == 1500
    assert exclusive == split_exclusive(11500, NEW)
    assert exclusive == VatSplit(net_cents=11500, vat_cents=1725, gross_cents=13225)


@given(AMOUNTS)
def test_exempt_has_no_vat(amount: int) -> None:
    assert exempt(amount) == VatSplit(net_cents=amount, vat_cents=0, gross_cents=amount)


@given(AMOUNTS, RATES)
def test_split_inclusive_adds_up_and_is_nearest(gross: int, rate: Decimal) -> None:
    split = split_inclusive(gross, rate)
    exact = Fraction(gross) * Fraction(rate) / (1 + Fraction(rate))
    assert split.net_cents + split.vat_cents == split.gross_cents == gross
    assert abs(split.vat_cents - exact) <= Fraction(1, 2)
    assert split_inclusive(-gross, rate).vat_cents == -split.vat_cents


@given(AMOUNTS, RATES)
def test_split_exclusive_adds_up_and_is_nearest(net: int, rate: Decimal) -> None:
    split = split_exclusive(net, rate)
    exact = Fraction(net) * Fraction(rate)
    assert split.net_cents + split.vat_cents == split.gross_cents
    assert split.net_cents == net
    assert abs(split.vat_cents - exact) <= Fraction(1, 2)
    if abs(split.vat_cents - exact) == Fraction(1, 2):
        assert split.vat_cents % 2 == 0
    assert split_exclusive(-net, rate).vat_cents == -split.vat_cents


def test_vat_split_invariant() -> None:
    with pytest.raises(ValueError, match="does not equal gross"):
        VatSplit(net_cents=100, vat_cents=15, gross_cents=116)


@pytest.mark.parametrize(
    "fields",
    [
        (100.0, 15, 115),
        (100, 15.0, 115),
        (100, 15, 115.0),
        (True, 0, 1),
        (Decimal(100), 15, 115),
    ],
)
def test_vat_split_refuses_non_int(fields: tuple[object, object, object]) -> None:
    with pytest.raises(TypeError, match="must be int cents"):
        VatSplit(*fields)  # type: ignore[arg-type]


def test_vat_split_is_frozen() -> None:
    split = exempt(100)
    with pytest.raises(AttributeError):
        split.vat_cents = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("rate", "error"),
    [
        (0.15, TypeError),
        (15, TypeError),
        ("0.15", TypeError),
        (Decimal(15), ValueError),
        (Decimal(1), ValueError),
        (Decimal("-0.15"), ValueError),
        (Decimal("NaN"), ValueError),
        (Decimal("Infinity"), ValueError),
    ],
)
def test_splits_refuse_bad_rates(rate: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        split_inclusive(100, rate)  # type: ignore[arg-type]
    with pytest.raises(error):
        split_exclusive(100, rate)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [100.0, True, "100", None])
def test_splits_refuse_non_int_amounts(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        split_inclusive(bad, NEW)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=type(bad).__name__):
        split_exclusive(bad, NEW)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=type(bad).__name__):
        exempt(bad)  # type: ignore[arg-type]
