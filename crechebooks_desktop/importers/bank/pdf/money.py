"""Amounts as statement PDFs print them, to int cents.

Read: ``R 1 234.56``, ``1,234.56``, ``1 234,56-``, ``- 125,80``,
``(1 234.56)``, German ``1.234,56`` and ``+2.853.82`` (Postbank prints its
opening balance with two points), ``500.00Cr`` / ``75.00 Dr``, Nedbank's
``65.00*`` and ABSA's charge code letter (``13.50 A``). The last point or
comma followed by exactly two digits is the decimal mark; any other points,
commas, spaces or apostrophes between groups of three digits are thousands
separators. The canonical amount goes through
:func:`~crechebooks_desktop.importers.bank.amounts.parse_bank_amount`, which
holds it to the book's limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.amounts import parse_bank_amount

__all__ = ["Printed", "looks_like_money", "read_money"]

_CELL = re.compile(
    r"(?P<open>\()?\s*(?P<lead>[+-])?\s*(?:R|ZAR|EUR|€|S?\$)?\s*(?P<lead2>[+-])?\s*"
    r"(?P<whole>\d{1,3}(?:[ .,'\u00a0\u202f]?\d{3})*)[.,](?P<cents>\d\d)"
    r"\s*(?P<close>\))?\s*(?P<trail>-)?\s*(?P<mark>cr|dr|kt|dt)?\.?\s*(?P<star>\*)?"
    r"(?:\s+[a-z])?",
    re.IGNORECASE,
)
# A word that can be part of a printed amount: digits with separators, a sign,
# a currency, brackets, a Cr/Dr mark.
_PART = re.compile(
    r"[(]?[+-]?(?:R|ZAR|EUR|€|S?\$)?[+-]?[\d.,']*\d[\d.,']*[)]?-?(?:cr|dr)?\*?|[+-]|cr|dr|R|\(|\)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Printed:
    """An amount as printed: its signed cents and its Cr/Dr mark, if any.

    Attributes:
        cents: negative where the print says so (a minus or brackets).
        mark: ``"cr"``, ``"dr"`` or None.
        star: Nedbank's ``*`` after an amount in its fee column.
    """

    cents: int
    mark: str | None = None
    star: bool = False


def looks_like_money(word: str) -> bool:
    """Whether a word can be (part of) a printed amount."""
    return _PART.fullmatch(word) is not None


def read_money(text: str) -> Printed:
    """The amount in a cell's text.

    Raises:
        ValueError: the text is not an amount, has two signs, or is beyond
            the book's limit; the message says which.
    """
    match = _CELL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    signs = [s for s in (match["lead"], match["lead2"], match["trail"]) if s]
    brackets = bool(match["open"]) and bool(match["close"])
    if len(signs) > 1 or (signs and brackets) or bool(match["open"]) != bool(match["close"]):
        raise ValueError(f"not an amount: {text!r} (two signs)")
    whole = re.sub(r"\D", "", match["whole"])
    negative = brackets or "-" in signs
    cents = parse_bank_amount(f"{'-' if negative else ''}{int(whole)}.{match['cents']}")
    mark = (match["mark"] or "").lower() or None
    if mark is not None:
        mark = "cr" if mark in {"cr", "kt"} else "dr"
    return Printed(cents, mark, bool(match["star"]))
