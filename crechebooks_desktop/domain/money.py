"""Money as whole cents (ZAR): parsing, formatting and exact arithmetic.

Amounts are always ``int`` cents. Floats are refused everywhere because they
cannot represent cents exactly. Arithmetic that can produce fractions of a
cent runs in :class:`decimal.Decimal` and is rounded once, at the end, by
:func:`round_half_even` (banker's rounding), the single owner of rounding.

No amount that enters the book may be larger, either way, than
:data:`MAX_AMOUNT_CENTS` (R 100 000 000,00), and no household balance than
:data:`MAX_BALANCE_CENTS`: :func:`check_amount` and :func:`check_balance`
are the one place that says so, for the parser and for every service.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import TypeVar

from crechebooks_desktop.errors import RuleViolation

__all__ = [
    "MAX_AMOUNT_CENTS",
    "MAX_BALANCE_CENTS",
    "AmountTooLarge",
    "Money",
    "MoneyError",
    "MoneyStyle",
    "check_amount",
    "check_balance",
    "divide_half_even",
    "format_plain",
    "format_rands",
    "parse_rands",
    "percent_of",
    "prorate",
    "require_cents",
    "round_half_even",
    "scale_cents",
    "split_by_weights",
]

# Spaces people and banks use between thousands; all count as a plain space.
_SPACE_LIKE = str.maketrans(dict.fromkeys("\u00a0\u202f\u2009", " "))
# re.ASCII: only 0-9 are digits, so Decimal never sees other scripts' digits.
_AMOUNT = re.compile(r"([+-]?) *(R?) *([+-]?) *(\d(?:[\d., ]*\d)?)", re.ASCII)
_THOUSANDS_LEADER = re.compile(r"[1-9]\d{0,2}", re.ASCII)
_CURRENCY_CODE = re.compile(r"[A-Z]{3}", re.ASCII)
_MAX_DECIMALS = 2
_GROUP = 3
# Extra significant digits beyond the proven minimum, as a safety margin.
_GUARD_DIGITS = 10

_T = TypeVar("_T")

MAX_AMOUNT_CENTS = 10_000_000_000
"""The largest amount, either way, that enters the book: R 100 000 000,00.

One line, payment, fee, charge, invoice or balance that a creche enters is
never near it, so a bigger one is a typing slip (a pasted account number) or a
broken file (issue 10). At this size a 64-bit sum overflows only after more
than 922 million amounts at the limit.
"""
MAX_BALANCE_CENTS = 1_000 * MAX_AMOUNT_CENTS
"""The largest balance (or credit), either way, a household may run up: R 100 000 000 000,00.

A balance sums many amounts, so it gets a thousand times the room of one;
the balances of more than 922 000 households at this limit fit a 64-bit sum.
"""


class MoneyError(ValueError):
    """An amount of money could not be parsed or formatted."""

    @classmethod
    def blank(cls) -> MoneyError:
        """Build the error for an empty or whitespace-only amount."""
        return cls("amount is blank")

    @classmethod
    def not_an_amount(cls, text: str) -> MoneyError:
        """Build the error for text that is not an amount at all."""
        return cls(f"not an amount: {text!r}")

    @classmethod
    def too_many_decimals(cls, text: str) -> MoneyError:
        """Build the error for an amount with fractions of a cent."""
        return cls(f"too many decimals in {text!r} (at most {_MAX_DECIMALS})")

    @classmethod
    def misplaced_thousands(cls, text: str) -> MoneyError:
        """Build the error for thousands separators not in groups of three."""
        return cls(f"misplaced thousands separator in {text!r}")

    @classmethod
    def ambiguous(cls, text: str, whole: str, mark: str, fraction: str) -> MoneyError:
        """Build the error for ``1,234``-style text (thousands or decimals?)."""
        other = "." if mark == "," else ","
        return cls(
            f"ambiguous amount {text!r}: for thousands write "
            f"'{whole}{fraction}' or '{whole}{mark}{fraction}{other}00'; "
            f"cents take 1 or 2 decimals",
        )


class AmountTooLarge(MoneyError, RuleViolation):
    """An amount beyond what a book takes.

    A :class:`MoneyError` to the parsers, which name the file, line and field
    (or the command-line option); a :class:`RuleViolation` to everyone else,
    so a service refusing one shows the user a plain message.
    """


def _within(cents: int, limit: int, what: str | None, kind: str) -> int:
    """``cents`` when it lies within ``-limit..limit``.

    Raises:
        AmountTooLarge: it does not, e.g. ``R 2,00 is more than the largest
            amount a book takes (R 1,00)``.
    """
    if -limit <= require_cents(cents, "cents") <= limit:
        return cents
    if cents > 0:
        message = f"{format_rands(cents)} is more than the largest {kind} ({format_rands(limit)})"
    else:
        message = f"{format_rands(cents)} is less than the smallest {kind} ({format_rands(-limit)})"
    raise AmountTooLarge(f"{what}: {message}" if what else message)


def check_amount(cents: int, what: str | None = None) -> int:
    """Refuse an amount larger, either way, than :data:`MAX_AMOUNT_CENTS`.

    Args:
        cents: the amount.
        what: what it is, to start the message (``"payment"``), or None.

    Returns:
        ``cents``, unchanged.

    Raises:
        AmountTooLarge: ``cents`` is beyond the limit.
        TypeError: ``cents`` is not int cents.
    """
    return _within(cents, MAX_AMOUNT_CENTS, what, "amount a book takes")


def check_balance(cents: int, what: str | None = None) -> int:
    """Refuse a balance larger, either way, than :data:`MAX_BALANCE_CENTS`.

    Args:
        cents: the balance.
        what: whose it is, to start the message, or None.

    Returns:
        ``cents``, unchanged.

    Raises:
        AmountTooLarge: ``cents`` is beyond the limit.
        TypeError: ``cents`` is not int cents.
    """
    return _within(cents, MAX_BALANCE_CENTS, what, "balance a book keeps")


def _require_type(value: object, kind: type[_T], name: str) -> _T:
    """Return ``value`` if it is a ``kind``, else raise TypeError naming both."""
    if not isinstance(value, kind):
        msg = f"{name} must be {kind.__name__}, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def require_cents(value: object, name: str) -> int:
    """Check that a value is int cents: floats are never money, nor are bools.

    Args:
        value: The value to check.
        name: What it is, for the error message.

    Returns:
        ``value``, unchanged.

    Raises:
        TypeError: If ``value`` is not an int, or is a bool.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{name} must be int cents, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def _require_decimal(value: object, name: str) -> Decimal:
    """Return ``value`` as a finite Decimal; ints are exact so they pass too."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        msg = f"{name} must be Decimal or int, not {type(value).__name__}"
        raise TypeError(msg)
    number = Decimal(value)
    if not number.is_finite():
        msg = f"{name} must be a finite number, not {number}"
        raise ValueError(msg)
    return number


@dataclass(frozen=True, slots=True)
class Money:
    """An immutable amount of whole cents in one currency.

    Attributes:
        cents: The amount in cents; negative for credits and refunds.
        currency: ISO 4217 code, three upper-case letters.
    """

    cents: int
    currency: str = "ZAR"

    def __post_init__(self) -> None:
        """Refuse floats, bools and malformed currency codes."""
        require_cents(self.cents, "cents")
        currency = _require_type(self.currency, str, "currency")
        if _CURRENCY_CODE.fullmatch(currency) is None:
            msg = f"currency must be a 3-letter ISO code, not {self.currency!r}"
            raise ValueError(msg)

    def _same_currency(self, other: Money) -> None:
        """Raise ValueError unless ``other`` is in this currency."""
        if other.currency != self.currency:
            msg = f"cannot combine {self.currency} with {other.currency}"
            raise ValueError(msg)

    def __add__(self, other: Money) -> Money:
        """Add two amounts of the same currency.

        Args:
            other: The amount to add.

        Returns:
            The sum, in the shared currency.

        Raises:
            ValueError: If the currencies differ.
        """
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        """Subtract an amount of the same currency.

        Args:
            other: The amount to subtract.

        Returns:
            The difference, in the shared currency.

        Raises:
            ValueError: If the currencies differ.
        """
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> Money:
        """Return the amount with its sign flipped (e.g. a refund)."""
        return Money(-self.cents, self.currency)

    def __str__(self) -> str:
        """Show Rands as ``R 1 234,56``; other currencies as ``USD 1234.56``."""
        if self.currency == "ZAR":
            return format_rands(self.cents)
        return f"{self.currency} {format_plain(self.cents)}"


def round_half_even(value: Decimal) -> int:
    """Round a Decimal number of cents to whole cents, half to even.

    This is the only place in the app where money is rounded.

    Args:
        value: A number of cents, possibly with fractions of a cent.

    Returns:
        Whole cents; exact halves go to the even neighbour (2.5 -> 2).

    Raises:
        TypeError: If ``value`` is not a Decimal (floats are never money).
        ValueError: If ``value`` is NaN or infinite.
    """
    if not _require_type(value, Decimal, "value").is_finite():
        msg = f"cannot round {value} to cents"
        raise ValueError(msg)
    # to_integral_value ignores context precision, so huge values stay exact.
    return int(value.to_integral_value(rounding=ROUND_HALF_EVEN))


def divide_half_even(numerator: int, denominator: int) -> int:
    """Return ``numerator / denominator`` rounded once to whole cents, half to even.

    The integer twin of :func:`round_half_even`, for hot loops (50,000 bank
    lines' VAT in a categorisation run): exact integer arithmetic gives the
    same cents as the Decimal path, without building Decimals.

    Args:
        numerator: cents times a whole-number factor.
        denominator: the divisor, above zero.

    Returns:
        The rounded quotient; exact halves go to the even neighbour.

    Raises:
        TypeError: If an argument is not an int.
        ValueError: If ``denominator`` is not above zero.
    """
    require_cents(numerator, "numerator")
    if require_cents(denominator, "denominator") <= 0:
        msg = f"denominator must be above zero (got {denominator})"
        raise ValueError(msg)
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


def _digits(number: Decimal) -> tuple[int, int]:
    """Return (number of coefficient digits, absolute exponent)."""
    _, digits, exponent = number.as_tuple()
    return len(digits), abs(int(exponent))


def _context_for(*numbers: Decimal) -> Context:
    """Build a context precise enough that the division cannot move a cent.

    A quotient of these operands that is not exactly a half-cent lies at least
    1 / (2 * denominator) from one; keeping every operand digit plus guard
    digits keeps the intermediate error far below that, so rounding happens
    only once, in round_half_even.
    """
    precision = _GUARD_DIGITS + sum(sum(_digits(n)) for n in numbers)
    return Context(prec=precision)


def scale_cents(cents: int, numerator: Decimal | int, denominator: Decimal | int) -> int:
    """Return ``cents * numerator / denominator`` rounded once to whole cents.

    Args:
        cents: The amount to scale, in cents.
        numerator: Multiplier (Decimal or int, never float).
        denominator: Divisor (Decimal or int, never float), not zero.

    Returns:
        The scaled amount, rounded half-to-even to whole cents.

    Raises:
        TypeError: If an argument is a float, bool or other non-number.
        ValueError: If ``numerator`` or ``denominator`` is NaN or infinite.
        ZeroDivisionError: If ``denominator`` is zero.
    """
    amount = Decimal(require_cents(cents, "cents"))
    top = _require_decimal(numerator, "numerator")
    bottom = _require_decimal(denominator, "denominator")
    if bottom == 0:
        msg = "cannot scale an amount by a zero denominator"
        raise ZeroDivisionError(msg)
    context = _context_for(amount, top, bottom)
    return round_half_even(context.divide(context.multiply(amount, top), bottom))


def percent_of(cents: int, percent: Decimal) -> int:
    """Return ``percent`` % of an amount, e.g. a 10% sibling discount.

    Args:
        cents: The amount in cents.
        percent: The percentage as a Decimal, e.g. ``Decimal("12.5")``.

    Returns:
        ``cents * percent / 100`` rounded once, half-to-even.

    Raises:
        TypeError: If ``cents`` is not an int or ``percent`` not a Decimal.
        ValueError: If ``percent`` is NaN or infinite.
    """
    return scale_cents(cents, _require_type(percent, Decimal, "percent"), 100)


def prorate(cents: int, numerator: int, denominator: int) -> int:
    """Return a pro-rata share, e.g. monthly fee x active days / days in month.

    Args:
        cents: The full amount in cents.
        numerator: The share taken (e.g. days attended).
        denominator: The whole (e.g. days in the month), not zero.

    Returns:
        ``cents * numerator / denominator`` rounded once, half-to-even.

    Raises:
        TypeError: If any argument is not an int (floats and bools refused).
        ZeroDivisionError: If ``denominator`` is zero.
    """
    require_cents(numerator, "numerator")
    require_cents(denominator, "denominator")
    return scale_cents(cents, numerator, denominator)


def split_by_weights(cents: int, weights: Sequence[int]) -> list[int]:
    """Divide an amount in proportion to whole-number weights; the parts add up exactly.

    E.g. a rule that puts 60% of a line to one account and 40% to another
    (weights in basis points, ``[6000, 4000]``). Each part is its exact share
    rounded toward zero, and the cents left over go one each to the parts
    whose shares lost the most (the largest remainder method; the earlier part
    first on a tie): the whole is divided once, in exact integer arithmetic, so
    no part is ever more than a cent from its exact share and a negative
    amount divides as its positive one does, with the sign.

    Args:
        cents: The amount to divide.
        weights: One non-negative weight per part, not all zero.

    Returns:
        One amount per weight, adding up to ``cents``.

    Raises:
        TypeError: If ``cents`` or a weight is not an int.
        ValueError: If a weight is negative or all are zero.
    """
    whole = abs(require_cents(cents, "cents"))
    for weight in weights:
        if require_cents(weight, "weight") < 0:
            msg = f"weights must not be negative (got {weight})"
            raise ValueError(msg)
    total = sum(weights)
    if total <= 0:
        msg = "at least one weight must be above zero"
        raise ValueError(msg)
    shares = [divmod(whole * weight, total) for weight in weights]
    parts = [share for share, _ in shares]
    leftover = whole - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return parts if cents >= 0 else [-part for part in parts]


class MoneyStyle(enum.Enum):
    """How Rand amounts are written for people."""

    SPACE_COMMA = "space_comma"
    """``R 1 234,56``: South African standard (space thousands, decimal comma)."""
    COMMA_DOT = "comma_dot"
    """``R1,234.56``: the style many banks and spreadsheets use."""


def format_rands(cents: int, style: MoneyStyle = MoneyStyle.SPACE_COMMA) -> str:
    """Format cents for people, e.g. ``R 1 234,56`` or ``-R1,234.56``.

    Args:
        cents: The amount in cents.
        style: Separator style; South African standard by default.

    Returns:
        The amount with an R symbol, thousands separators and two decimals;
        negatives carry a leading minus before the R.

    Raises:
        TypeError: If ``cents`` is not an int or ``style`` not a MoneyStyle.
    """
    _require_type(style, MoneyStyle, "style")
    sign = "-" if require_cents(cents, "cents") < 0 else ""
    rands, cents_part = divmod(abs(cents), 100)
    grouped = f"{rands:,}"
    if style is MoneyStyle.SPACE_COMMA:
        return f"{sign}R {grouped.replace(',', ' ')},{cents_part:02d}"
    return f"{sign}R{grouped}.{cents_part:02d}"


def format_plain(cents: int) -> str:
    """Format cents for machines (CSV), e.g. ``1234.56`` or ``-0.05``.

    Args:
        cents: The amount in cents.

    Returns:
        Rands with a dot and exactly two decimals; no symbol or grouping.

    Raises:
        TypeError: If ``cents`` is not an int.
    """
    sign = "-" if require_cents(cents, "cents") < 0 else ""
    rands, cents_part = divmod(abs(cents), 100)
    return f"{sign}{rands}.{cents_part:02d}"


def _whole_digits(part: str, separator: str, text: str) -> str:
    """Return the digits of a whole-rand part after checking its grouping."""
    if part.isdigit():
        return part
    if not set(part) <= set(f"0123456789{separator}"):
        raise MoneyError.not_an_amount(text)
    groups = part.split(separator)
    leader_ok = _THOUSANDS_LEADER.fullmatch(groups[0]) is not None
    if not leader_ok or any(len(g) != _GROUP or not g.isdigit() for g in groups[1:]):
        raise MoneyError.misplaced_thousands(text)
    return "".join(groups)


def _fraction_digits(part: str, text: str) -> str:
    """Return the cents digits, padded to two, after checking them."""
    if not part.isdigit():
        raise MoneyError.not_an_amount(text)
    if len(part) > _MAX_DECIMALS:
        raise MoneyError.too_many_decimals(text)
    return part.ljust(_MAX_DECIMALS, "0")


def _split_number(number: str, text: str) -> tuple[str, str]:
    """Split digits-and-separators into (whole digits, two cents digits).

    The last of ``.``/``,`` is the decimal mark when both appear; a repeated
    mark is a thousands separator; a lone mark is decimal unless exactly three
    digits follow a valid thousands leader, which is ambiguous and refused.
    """
    mark = "." if number.rfind(".") > number.rfind(",") else ","
    other = "," if mark == "." else "."
    if mark not in number:  # no dot or comma: whole rands, maybe space-grouped
        return _whole_digits(number, " ", text), "00"
    whole, _, fraction = number.rpartition(mark)
    if other in number:
        if mark in whole:
            raise MoneyError.not_an_amount(text)
        return _whole_digits(whole, other, text), _fraction_digits(fraction, text)
    if mark in whole:  # repeated mark: thousands separators, no cents
        return _whole_digits(number, mark, text), "00"
    if len(fraction) == _GROUP and fraction.isdigit() and _THOUSANDS_LEADER.fullmatch(whole):
        raise MoneyError.ambiguous(text, whole, mark, fraction)
    return _whole_digits(whole, " ", text), _fraction_digits(fraction, text)


def _unwrap_brackets(body: str, text: str) -> tuple[str, bool]:
    """Strip accounting brackets ``(50.00)``; return (body, is_negative)."""
    if not (body.startswith("(") and body.endswith(")")):
        return body, False
    inner = body[1:-1].strip()
    if not inner or inner[0] in "+-":  # "()" or a sign inside brackets
        raise MoneyError.not_an_amount(text)
    return inner, True


def parse_rands(text: str) -> int:
    """Parse a Rand amount as people and banks write it, into cents.

    Accepts an optional ``R``, a sign before or after it, accounting brackets
    for negatives, and space (incl. non-breaking), comma or dot thousands
    separators, e.g. ``R 1 234,56``, ``R1,234.56``, ``(50.00)``, ``-R50``.

    Args:
        text: The amount as typed or exported.

    Returns:
        The amount in cents.

    Raises:
        TypeError: If ``text`` is not a str (e.g. a float).
        MoneyError: If the text is blank, not an amount, has more than two
            decimals, misplaced thousands separators, or is ambiguous
            (``1,234``).
        AmountTooLarge: If the amount is beyond :data:`MAX_AMOUNT_CENTS`
            (a MoneyError too).
    """
    body = _require_type(text, str, "amount text").translate(_SPACE_LIKE).strip()
    if not body:
        raise MoneyError.blank()
    body, negative = _unwrap_brackets(body, text)
    match = _AMOUNT.fullmatch(body)
    if match is None or (match[1] and match[3]):  # "--5", "-R -5"
        raise MoneyError.not_an_amount(text)
    negative = negative or "-" in (match[1], match[3])
    whole, fraction = _split_number(match[4], text)
    # The normalised string is exact cents; Decimal never sees a float.
    cents = int(Decimal(f"{whole}{fraction}"))
    return check_amount(-cents if negative else cents)
