"""Tests for crechebooks_desktop.domain.money."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.money import (
    MAX_AMOUNT_CENTS,
    MAX_BALANCE_CENTS,
    AmountTooLarge,
    Money,
    MoneyError,
    MoneyStyle,
    check_amount,
    check_balance,
    format_plain,
    format_rands,
    parse_rands,
    percent_of,
    prorate,
    require_cents,
    round_half_even,
    scale_cents,
)
from crechebooks_desktop.errors import RuleViolation

CENTS = st.integers(min_value=-(10**12), max_value=10**12)
ENTERABLE = st.integers(min_value=-MAX_AMOUNT_CENTS, max_value=MAX_AMOUNT_CENTS)

ACCEPTED = [
    ("1234.56", 123456),
    ("1 234,56", 123456),
    ("R 1,234.56", 123456),
    ("R1 234.56", 123456),
    ("-110.70", -11070),
    ("(50.00)", -5000),
    ("1234.5", 123450),
    ("1234", 123400),
    ("R1234", 123400),
    ("-R50.00", -5000),
    ("R -50", -5000),
    ("+20", 2000),
    ("  12.30  ", 1230),
    ("\t R 7,05\n", 705),
    ("1\u00a0234,56", 123456),
    ("1\u202f234,56", 123456),
    ("R\u00a01\u00a0234\u00a0567,89", 123456789),
    ("1,234,567.89", 123456789),
    ("1.234.567,89", 123456789),
    ("1 234 567", 123456700),
    ("1,234,567", 123456700),
    ("1.234.567", 123456700),
    ("1 234.5", 123450),
    ("0,5", 50),
    ("0.05", 5),
    ("-0.05", -5),
    ("0", 0),
    ("-0", 0),
    ("R0.00", 0),
    ("( R 1 234,56 )", -123456),
    ("-R 1 234,56", -123456),
    ("-R1,234.56", -123456),
    ("R+5", 500),
    ("12,3", 1230),
    ("999", 99900),
]

REJECTED = [
    ("", "amount is blank"),
    ("   ", "amount is blank"),
    ("\u00a0", "amount is blank"),
    ("0.125", "too many decimals in '0.125' (at most 2)"),
    ("12,3456", "too many decimals in '12,3456'"),
    ("1234.567", "too many decimals"),
    ("1 234,567", "too many decimals"),
    ("1,234.567", "too many decimals"),
    ("12.345", "ambiguous amount '12.345'"),
    ("1,234", "ambiguous amount '1,234'"),
    ("1.234", "ambiguous amount '1.234'"),
    ("abc", "not an amount: 'abc'"),
    ("12a", "not an amount: '12a'"),
    ("1-2", "not an amount: '1-2'"),
    ("--5", "not an amount: '--5'"),
    ("-R -5", "not an amount"),
    ("R", "not an amount: 'R'"),
    ("()", "not an amount: '()'"),
    ("(-5)", "not an amount: '(-5)'"),
    ("(5", "not an amount"),
    ("1234.", "not an amount"),
    (".5", "not an amount"),
    ("1,234 567", "not an amount"),
    ("1 234.567,89", "not an amount"),
    ("1,234.56,78", "not an amount"),
    ("1.5e3", "not an amount"),
    ("\u0661\u0662", "not an amount"),  # Arabic-Indic digits are not 0-9
    ("USD 5", "not an amount"),
    ("12,34,567.00", "misplaced thousands separator in '12,34,567.00'"),
    ("1,23,456", "misplaced thousands"),
    ("1 23", "misplaced thousands"),
    ("1  234", "misplaced thousands"),
    ("0,234,567", "misplaced thousands"),
    ("1.2.3,45", "misplaced thousands"),
]


@pytest.mark.parametrize(("text", "cents"), ACCEPTED)
def test_parse_rands_accepts(text: str, cents: int) -> None:
    assert parse_rands(text) == cents


@pytest.mark.parametrize(("text", "fragment"), REJECTED)
def test_parse_rands_rejects(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_rands(text)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_ambiguous_message_suggests_how_to_write_it() -> None:
    with pytest.raises(MoneyError, match=r"'1234' or '1,234\.00'"):
        parse_rands("1,234")
    with pytest.raises(MoneyError, match=r"'1234' or '1\.234,00'"):
        parse_rands("1.234")


def test_money_error_is_a_value_error() -> None:
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize("value", [12.5, None, 1234, b"12.50", Decimal("12.50")])
def test_parse_rands_refuses_non_strings(value: object) -> None:
    with pytest.raises(TypeError, match=type(value).__name__):
        parse_rands(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cents", "space_comma", "comma_dot", "plain"),
    [
        (0, "R 0,00", "R0.00", "0.00"),
        (5, "R 0,05", "R0.05", "0.05"),
        (-5, "-R 0,05", "-R0.05", "-0.05"),
        (100, "R 1,00", "R1.00", "1.00"),
        (99999, "R 999,99", "R999.99", "999.99"),
        (123456, "R 1 234,56", "R1,234.56", "1234.56"),
        (-123456, "-R 1 234,56", "-R1,234.56", "-1234.56"),
        (123456789, "R 1 234 567,89", "R1,234,567.89", "1234567.89"),
        (10**12, "R 10 000 000 000,00", "R10,000,000,000.00", "10000000000.00"),
    ],
)
def test_format_examples(cents: int, space_comma: str, comma_dot: str, plain: str) -> None:
    assert format_rands(cents) == space_comma
    assert format_rands(cents, MoneyStyle.SPACE_COMMA) == space_comma
    assert format_rands(cents, MoneyStyle.COMMA_DOT) == comma_dot
    assert format_plain(cents) == plain


@pytest.mark.parametrize("bad", [1.5, True, "100", Decimal(100), None])
def test_format_refuses_non_int_cents(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        format_rands(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=type(bad).__name__):
        format_plain(bad)  # type: ignore[arg-type]


def test_format_refuses_unknown_style() -> None:
    with pytest.raises(TypeError, match="style must be MoneyStyle"):
        format_rands(100, "comma_dot")  # type: ignore[arg-type]


@given(ENTERABLE, st.sampled_from(MoneyStyle))
def test_format_rands_round_trips(cents: int, style: MoneyStyle) -> None:
    assert parse_rands(format_rands(cents, style)) == cents


@given(ENTERABLE)
def test_format_plain_round_trips(cents: int) -> None:
    assert parse_rands(format_plain(cents)) == cents


# Every notation parse_rands reads, as its writers and people write it.
NOTATIONS = (
    format_plain,
    format_rands,
    lambda c: format_rands(c, MoneyStyle.COMMA_DOT),
    lambda c: f"({format_plain(-c)})" if c < 0 else f"R {format_plain(c)}",
    lambda c: f"{'-' if c < 0 else '+'}R{format_plain(abs(c)).replace('.', ',')}",
    lambda c: format_rands(c).replace(" ", "\u00a0"),
)
NEAR_THE_LIMIT = st.integers(min_value=0, max_value=3).map(lambda n: MAX_AMOUNT_CENTS - n)


@given(
    st.sampled_from(NOTATIONS),
    st.sampled_from((1, -1)),
    ENTERABLE.map(abs) | NEAR_THE_LIMIT,
    st.integers(min_value=1, max_value=10**6),
)
def test_the_limit_is_accepted_and_a_cent_more_refused_in_every_notation(
    write: Callable[[int], str], sign: int, within: int, beyond: int
) -> None:
    """Issue 10: up to R 100 000 000,00 either way enters the book; a cent more does not."""
    assert parse_rands(write(sign * within)) == sign * within
    for over in (MAX_AMOUNT_CENTS + 1, MAX_AMOUNT_CENTS + beyond):
        with pytest.raises(AmountTooLarge, match=r"the (largest|smallest) amount"):
            parse_rands(write(sign * over))


@pytest.mark.parametrize(
    ("text", "cents", "over"),
    [("100000000", 10**10, "100000001"), ("-100 000 000", -(10**10), "-100 000 001")],
)
def test_the_limit_in_whole_rands(text: str, cents: int, over: str) -> None:
    assert parse_rands(text) == cents
    with pytest.raises(AmountTooLarge):
        parse_rands(over)


@given(st.integers(min_value=MAX_AMOUNT_CENTS + 1, max_value=10**40), st.sampled_from(MoneyStyle))
def test_amounts_beyond_the_limit_are_refused_naming_the_exact_amount(
    cents: int, style: MoneyStyle
) -> None:
    # Far past Decimal's default 28 digits the refusal still shows the amount exactly.
    for text, shown in ((format_rands(cents, style), cents), (format_plain(-cents), -cents)):
        with pytest.raises(AmountTooLarge) as caught:
            parse_rands(text)
        assert str(caught.value).startswith(format_rands(shown))


def test_the_limit_refusal_reads_as_the_issue_asks() -> None:
    with pytest.raises(AmountTooLarge) as caught:
        parse_rands("99999999999999.99")
    assert str(caught.value) == (
        "R 99 999 999 999 999,99 is more than the largest amount a book takes (R 100 000 000,00)"
    )
    with pytest.raises(AmountTooLarge) as caught:
        parse_rands("(100 000 000,01)")
    assert str(caught.value) == (
        "-R 100 000 000,01 is less than the smallest amount a book takes (-R 100 000 000,00)"
    )


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_check_amount_and_check_balance_hold_their_limits(cents: int) -> None:
    for check, limit in ((check_amount, MAX_AMOUNT_CENTS), (check_balance, MAX_BALANCE_CENTS)):
        if abs(cents) <= limit:
            assert check(cents, "x") == cents
        else:
            with pytest.raises(AmountTooLarge, match=r"^x: ") as caught:
                check(cents, "x")
            # A service's refusal is a rule of the book the user is shown as it is.
            assert isinstance(caught.value, RuleViolation)


def test_the_limits_are_r100_million_and_a_thousand_times_that() -> None:
    assert format_rands(MAX_AMOUNT_CENTS) == "R 100 000 000,00"
    assert format_rands(MAX_BALANCE_CENTS) == "R 100 000 000 000,00"
    # A 64-bit sum overflows only after this many amounts, or balances, at the limit.
    assert (2**63 - 1) // MAX_AMOUNT_CENTS == 922_337_203
    assert (2**63 - 1) // MAX_BALANCE_CENTS == 922_337
    with pytest.raises(TypeError):
        check_amount(1.5, "x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.5", 0),
        ("1.5", 2),
        ("2.5", 2),
        ("3.5", 4),
        ("-2.5", -2),
        ("-0.5", 0),
        ("-1.5", -2),
        ("0.4999", 0),
        ("0.5001", 1),
        ("-0.5001", -1),
        ("7", 7),
        ("123456789012345678901234567890123.5", 123456789012345678901234567890124),
    ],
)
def test_round_half_even_known_values(value: str, expected: int) -> None:
    result = round_half_even(Decimal(value))
    assert result == expected
    assert type(result) is int


@given(
    st.decimals(
        min_value=-(10**12),
        max_value=10**12,
        allow_nan=False,
        allow_infinity=False,
        places=4,
    )
)
def test_round_half_even_is_nearest_and_halves_go_even(value: Decimal) -> None:
    result = round_half_even(value)
    distance = abs(Decimal(result) - value)
    assert distance <= Decimal("0.5")
    if distance == Decimal("0.5"):
        assert result % 2 == 0


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_round_half_even_exact_halves(whole: int) -> None:
    result = round_half_even(Decimal(whole) + Decimal("0.5"))
    assert result in {whole, whole + 1}
    assert result % 2 == 0


@pytest.mark.parametrize("bad", [0.5, 1, True, "0.5", None])
def test_round_half_even_refuses_non_decimal(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        round_half_even(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_round_half_even_refuses_non_finite(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot round"):
        round_half_even(Decimal(bad))


@pytest.mark.parametrize(
    ("cents", "percent", "expected"),
    [
        (450000, Decimal(10), 45000),
        (12345, Decimal(10), 1234),  # 1234.5 -> 1234 (even)
        (12355, Decimal(10), 1236),  # 1235.5 -> 1236 (even)
        (-12345, Decimal(10), -1234),
        (100, Decimal("12.5"), 12),  # 12.5 -> 12
        (300, Decimal("12.5"), 38),  # 37.5 -> 38
        (99999, Decimal("33.333"), 33333),  # 33332.66667
        (500, Decimal(0), 0),
        (500, Decimal(100), 500),
    ],
)
def test_percent_of(cents: int, percent: Decimal, expected: int) -> None:
    assert percent_of(cents, percent) == expected


def test_percent_of_refuses_float_and_int_percent() -> None:
    with pytest.raises(TypeError, match="float"):
        percent_of(1000, 10.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="percent must be Decimal"):
        percent_of(1000, 10)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        percent_of(1000.0, Decimal(10))  # type: ignore[arg-type]


def test_prorate_hand_checked() -> None:
    # 450000 * 17 / 31 = 7650000 / 31 = 246774.193..., so 246774.
    exact = Decimal(450000 * 17) / Decimal(31)
    assert Decimal(246774) < exact < Decimal("246774.5")
    assert prorate(450000, 17, 31) == 246774


@pytest.mark.parametrize(
    ("cents", "numerator", "denominator", "expected"),
    [
        (450000, 31, 31, 450000),
        (450000, 0, 31, 0),
        (100, 1, 3, 33),
        (200, 1, 3, 67),
        (5, 1, 2, 2),  # 2.5 -> 2
        (7, 1, 2, 4),  # 3.5 -> 4
        (-5, 1, 2, -2),
        (5, -1, 2, -2),
        (10**30 + 1, 1, 2, 10**30 // 2),  # exact far past 28 digits
        (10**30 + 3, 1, 2, 10**30 // 2 + 2),
    ],
)
def test_prorate_examples(cents: int, numerator: int, denominator: int, expected: int) -> None:
    assert prorate(cents, numerator, denominator) == expected


@given(CENTS, st.integers(min_value=1, max_value=10**6))
def test_prorate_whole_is_identity(cents: int, days: int) -> None:
    assert prorate(cents, days, days) == cents


@given(CENTS, st.integers(min_value=0, max_value=31), st.integers(min_value=28, max_value=31))
def test_prorate_is_nearest_cent_and_symmetric(cents: int, days: int, month: int) -> None:
    result = prorate(cents, days, month)
    assert abs(2 * (result * month - cents * days)) <= month  # |result - exact| <= 0.5
    assert prorate(-cents, days, month) == -result


def test_prorate_refuses_zero_denominator_and_floats() -> None:
    with pytest.raises(ZeroDivisionError):
        prorate(100, 1, 0)
    with pytest.raises(TypeError, match="numerator"):
        prorate(100, 1.0, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="denominator"):
        prorate(100, 1, True)
    with pytest.raises(TypeError, match="cents"):
        prorate(100.0, 1, 2)  # type: ignore[arg-type]


def test_scale_cents_accepts_decimal_and_int() -> None:
    assert scale_cents(1000, Decimal("0.15"), Decimal("1.15")) == 130  # 130.43
    assert scale_cents(1000, 3, 4) == 750
    assert scale_cents(1, Decimal("1E-30"), 1) == 0


@pytest.mark.parametrize(
    ("numerator", "denominator", "error"),
    [
        (1.5, 1, TypeError),
        (1, 1.5, TypeError),
        (True, 1, TypeError),
        ("1", 1, TypeError),
        (Decimal("NaN"), 1, ValueError),
        (1, Decimal("Infinity"), ValueError),
        (1, Decimal(0), ZeroDivisionError),
    ],
)
def test_scale_cents_refuses_bad_factors(
    numerator: object, denominator: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        scale_cents(100, numerator, denominator)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.0, True, False, "1", Decimal(1), None])
def test_require_cents_refuses(bad: object) -> None:
    with pytest.raises(TypeError, match=f"amount must be int cents, not {type(bad).__name__}"):
        require_cents(bad, "amount")


def test_require_cents_passes_ints() -> None:
    assert require_cents(-7, "amount") == -7


def test_money_defaults_to_zar_and_is_frozen() -> None:
    fee = Money(450000)
    assert fee.currency == "ZAR"
    with pytest.raises(AttributeError):
        fee.cents = 1  # type: ignore[misc]
    assert not hasattr(fee, "__dict__")


def test_money_arithmetic() -> None:
    fee, discount = Money(450000), Money(45000)
    assert fee + discount == Money(495000)
    assert fee - discount == Money(405000)
    assert -discount == Money(-45000)
    assert discount - fee == Money(-405000)
    assert Money(100, "USD") + Money(1, "USD") == Money(101, "USD")


def test_money_currency_mismatch() -> None:
    with pytest.raises(ValueError, match="cannot combine ZAR with USD"):
        _ = Money(100) + Money(100, "USD")
    with pytest.raises(ValueError, match="cannot combine ZAR with USD"):
        _ = Money(100) - Money(100, "USD")


def test_money_with_non_money_is_unsupported() -> None:
    with pytest.raises(TypeError):
        _ = Money(100) + 5  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Money(100) - 5  # type: ignore[operator]


@pytest.mark.parametrize("bad", [12.5, 100.0, True, False, "100", Decimal(100), None])
def test_money_refuses_non_int_cents(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Money(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("currency", "error"),
    [(None, TypeError), ("zar", ValueError), ("RAND", ValueError), ("", ValueError)],
)
def test_money_refuses_bad_currency(currency: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        Money(100, currency)  # type: ignore[arg-type]


def test_money_str() -> None:
    assert str(Money(123456)) == "R 1 234,56"
    assert str(Money(-5)) == "-R 0,05"
    assert str(Money(123456, "USD")) == "USD 1234.56"


@given(CENTS, CENTS)
def test_money_add_sub_neg_match_int_arithmetic(a: int, b: int) -> None:
    assert (Money(a) + Money(b)).cents == a + b
    assert (Money(a) - Money(b)).cents == a - b
    assert (-Money(a)).cents == -a
