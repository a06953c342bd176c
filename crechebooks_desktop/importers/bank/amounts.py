"""Amounts as banks write them, to int cents (never through a float).

OFX amounts are plain decimals with a point or, from some European and
South African banks, a comma (``-200,00``); more than two decimals are
accepted only when the extra digits are zeros, since a bank line is whole
cents. CSV amounts are whatever :func:`~crechebooks_desktop.domain.money.parse_rands`
reads (``R 1 234,56``, ``1,234.56``, ``(50.00)``), plus a ``CR``/``DR``
mark (``1 234,56 CR``) and a trailing minus (``50.00-``).

Every amount, balances too, is held to the book's limit
(:func:`~crechebooks_desktop.domain.money.check_amount`), fast paths included.
"""

from __future__ import annotations

import re

from crechebooks_desktop.domain.money import MoneyError, check_amount, parse_rands

__all__ = ["parse_bank_amount", "parse_ofx_amount"]

_PLAIN = re.compile(r"-?\d+\.\d\d", re.ASCII)
_OFX = re.compile(r"([+-]?)(\d*)(?:[.,](\d*))?", re.ASCII)
_MARK = re.compile(r"(.*?)\s*\b(CR|DR)\.?", re.ASCII | re.IGNORECASE)
_TRAILING_MINUS = re.compile(r"(.*\d)\s*-", re.ASCII)
_CENT_DIGITS = 2


def parse_ofx_amount(text: str) -> int:
    """An OFX ``TRNAMT``/``BALAMT`` in cents.

    Raises:
        ValueError: not an amount, a fraction of a cent, or beyond the
            book's limit.
    """
    value = text.strip().replace(" ", "")
    if _PLAIN.fullmatch(value):  # the common case, fast
        return check_amount(int(value.replace(".", "")))
    match = _OFX.fullmatch(value)
    if match is None or not (match[2] or match[3]):
        return parse_bank_amount(text)  # e.g. "1,234.56": thousands separators
    whole, fraction = match[2] or "0", match[3] or ""
    if len(fraction) > _CENT_DIGITS and fraction[_CENT_DIGITS:].strip("0"):
        raise ValueError(f"fraction of a cent in {text!r}")
    cents = int(whole) * 100 + int(fraction[:_CENT_DIGITS].ljust(_CENT_DIGITS, "0"))
    return check_amount(-cents if match[1] == "-" else cents)


def parse_bank_amount(text: str) -> int:
    """A CSV amount in cents, signed as written.

    ``CR`` makes it money in (positive) and ``DR`` money out (negative);
    a mark that contradicts a sign (``-5.00 CR``) is refused.

    Raises:
        ValueError: not an amount, or beyond the book's limit (the message
            says why).
    """
    value = text.strip()
    if _PLAIN.fullmatch(value):  # the common case, fast
        return check_amount(int(value.replace(".", "")))
    mark = _MARK.fullmatch(value)
    if mark is not None:
        cents = _signed(mark[1], text)
        if cents < 0:
            raise ValueError(f"both a sign and {mark[2].upper()} in {text!r}")
        return cents if mark[2].upper() == "CR" else -cents
    minus = _TRAILING_MINUS.fullmatch(value)
    if minus is not None:
        cents = _signed(minus[1], text)
        if cents < 0:
            raise ValueError(f"two minus signs in {text!r}")
        return -cents
    return _signed(value, text)


def _signed(value: str, text: str) -> int:
    try:
        return parse_rands(value)
    except MoneyError as exc:
        message = str(exc).replace(repr(value), repr(text)) if value != text else str(exc)
        raise ValueError(message) from None
