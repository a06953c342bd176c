"""South African VAT: the dated standard rate and net/VAT/gross splits.

All amounts are int cents. VAT is computed in Decimal and rounded once per
line by :func:`crechebooks_desktop.domain.money.round_half_even` (via
``scale_cents``), so credits and discounts round symmetrically with charges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from crechebooks_desktop.domain.money import require_cents, scale_cents

__all__ = [
    "STANDARD_RATES",
    "VatSplit",
    "exempt",
    "split_exclusive",
    "split_inclusive",
    "split_line",
    "vat_rate_on",
]

# (effective_from, rate), oldest first: a rate change is one new line here.
# 14% really began 1993-04-07; the books never reach back that far.
STANDARD_RATES: tuple[tuple[dt.date, Decimal], ...] = (
    (dt.date.min, Decimal("0.14")),
    (dt.date(2018, 4, 1), Decimal("0.15")),
)


def vat_rate_on(day: dt.date) -> Decimal:
    """Return the South African standard VAT rate in force on ``day``.

    Args:
        day: The tax point (e.g. invoice date). A datetime is refused so a
            time zone can never shift the day silently.

    Returns:
        The rate as a fraction, e.g. ``Decimal("0.15")``.

    Raises:
        TypeError: If ``day`` is not a ``datetime.date`` (or is a datetime).
    """
    checked: object = day
    if isinstance(checked, dt.datetime) or not isinstance(checked, dt.date):
        msg = f"day must be a datetime.date, not {type(checked).__name__}"
        raise TypeError(msg)
    return next(rate for start, rate in reversed(STANDARD_RATES) if checked >= start)


def _checked_rate(rate: object) -> Decimal:
    """Return ``rate`` if it is a Decimal fraction in [0, 1), else raise."""
    if not isinstance(rate, Decimal):
        msg = f"rate must be Decimal, not {type(rate).__name__}"
        raise TypeError(msg)
    if not (rate.is_finite() and 0 <= rate < 1):
        msg = f"rate must be a fraction from 0 up to 1, not {rate}"
        raise ValueError(msg)
    return rate


@dataclass(frozen=True, slots=True)
class VatSplit:
    """One amount split into net, VAT and gross cents (net + vat == gross).

    Attributes:
        net_cents: The amount excluding VAT.
        vat_cents: The VAT on it.
        gross_cents: The amount including VAT.
    """

    net_cents: int
    vat_cents: int
    gross_cents: int

    def __post_init__(self) -> None:
        """Refuse non-int cents and splits that do not add up."""
        net = require_cents(self.net_cents, "net_cents")
        vat = require_cents(self.vat_cents, "vat_cents")
        gross = require_cents(self.gross_cents, "gross_cents")
        if net + vat != gross:
            msg = f"net {net} + vat {vat} does not equal gross {gross}"
            raise ValueError(msg)


def split_inclusive(gross_cents: int, rate: Decimal) -> VatSplit:
    """Split a VAT-inclusive amount: VAT = gross x rate / (1 + rate).

    Args:
        gross_cents: The price including VAT; negative for credits.
        rate: The VAT rate as a fraction, e.g. ``Decimal("0.15")``.

    Returns:
        The split; net is gross minus the rounded VAT, so it always adds up.

    Raises:
        TypeError: If ``gross_cents`` is not int or ``rate`` not Decimal.
        ValueError: If ``rate`` is not in [0, 1).
    """
    gross = require_cents(gross_cents, "gross_cents")
    checked = _checked_rate(rate)
    vat = scale_cents(gross, checked, 1 + checked)
    return VatSplit(net_cents=gross - vat, vat_cents=vat, gross_cents=gross)


def split_exclusive(net_cents: int, rate: Decimal) -> VatSplit:
    """Split a VAT-exclusive amount: VAT = net x rate, gross = net + VAT.

    Args:
        net_cents: The price excluding VAT; negative for credits.
        rate: The VAT rate as a fraction, e.g. ``Decimal("0.15")``.

    Returns:
        The split with the rounded VAT added on top.

    Raises:
        TypeError: If ``net_cents`` is not int or ``rate`` not Decimal.
        ValueError: If ``rate`` is not in [0, 1).
    """
    net = require_cents(net_cents, "net_cents")
    vat = scale_cents(net, _checked_rate(rate), 1)
    return VatSplit(net_cents=net, vat_cents=vat, gross_cents=net + vat)


def split_line(amount_cents: int, rate: Decimal, *, prices_include_vat: bool) -> VatSplit:
    """Split one line's amount, treating it as gross or net by the setting.

    Args:
        amount_cents: The line amount as entered.
        rate: The VAT rate as a fraction.
        prices_include_vat: True if ``amount_cents`` already includes VAT.

    Returns:
        The split from :func:`split_inclusive` or :func:`split_exclusive`.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``rate`` is not in [0, 1).
    """
    if prices_include_vat:
        return split_inclusive(amount_cents, rate)
    return split_exclusive(amount_cents, rate)


def exempt(amount_cents: int) -> VatSplit:
    """Return the split for a NO_VAT (exempt or non-vendor) line.

    Args:
        amount_cents: The line amount.

    Returns:
        A split with no VAT: net and gross both equal ``amount_cents``.

    Raises:
        TypeError: If ``amount_cents`` is not int cents.
    """
    amount = require_cents(amount_cents, "amount_cents")
    return VatSplit(net_cents=amount, vat_cents=0, gross_cents=amount)
