r"""The South African banks' statement layouts, and the generic one.

Every layout is read by the one table reader (``table.py``): the columns are
found by their headings, so a layout here only says how to recognise the
bank and what its columns mean where banks differ: whether an amount printed
without a sign or mark is money out, and whether a fee column is a charge
taken from the balance on that line (its own statement line, ``FEE: ...``)
or a note of a charge levied later (left out). The statement's own running
balance proves the choice: a layout read the wrong way does not add up and
is refused, never imported.

Sources (public descriptions and parsers; no code copied):

- Capitec: ``Date | Description | Category | Money In | Money Out | Fee* |
  Balance``, dates ``01/11/2025``, money out and fees printed negative, the
  fee taken on the same line ("if there is a Fee amount it deducts
  immediately"); sample lines in Mmaphuti-CMD/SMKPDFAPI ``SMKPDFAPI/ANALYSIS.md``
  (``... -195.00 -2.00 41.04``) and a public note of SA layouts quoted by
  the code index without its repository ("Capitec Type B").
- FNB: ``Date | Description | Amount | Balance | Accrued Bank Charges``,
  dates ``01 Mar`` with the year in ``Statement Period : 01 March 2026 to 31
  March 2026``, credits marked ``Cr``, debits unmarked, balances ``Cr``/``Dr``;
  accrued charges are levied at month end, not on the line; from
  marcheiligers/antipyretic ``lib/fnb_cheque.rb`` and ``lib/fnb_smart.rb``
  (``(\d{2} \w{3}) (.*?) amount( cr)? balance( cr)? accrued``) and the
  same layout note ("Fnb Type A").
- ABSA: ``Date | Transaction Description | Charge | Debit Amount | Credit
  Amount | Balance``, dates ``28/02/2025``, descriptions over two lines, a
  charge with its code letter (``15.00 T``) noted beside the transaction;
  from withaai-cloud/OneShot-Tools ``ABSA_SUPPORT.md``.
- Standard Bank (business): ``Page | Details | Service Fee | Debit | Credit |
  Date | Balance``, the date to the right as ``20240222``, debits printed
  negative, details over two lines; from Chrisie146/reconex
  ``BANK_FORMAT_ANALYSIS.md``.
- Nedbank: ``Tranlistno | Date | Description | Fees(R) | Debits(R) |
  Credits(R) | Balance(R)``, dates ``10/01/2026``, ``Opening balance`` and
  ``Closingbalance`` lines; a fee beside a debit is not in that line's
  balance, while an amount in the fee column marked ``*`` is a debit of its
  own (public Nedbank parser notes quoted by the code index, with sample
  lines whose balances show it).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["GENERIC", "LAYOUTS", "FeeRule", "Layout", "Unmarked", "recognise"]


class Unmarked(enum.Enum):
    """What an amount in a single amount column without sign or mark is."""

    AS_PRINTED = "as printed"  # a minus or brackets make it money out
    DEBIT = "money out"  # FNB: credits carry Cr, everything else is a debit


class FeeRule(enum.Enum):
    """What an amount in a fee column is."""

    OWN_LINE = "a charge taken on that line, imported as its own line"
    NOTED = "a note of a charge levied later, left out"
    STAR_IS_DEBIT = "noted, except an amount marked * is a debit of its own"


@dataclass(frozen=True, slots=True)
class Layout:
    """One bank's statement layout.

    Attributes:
        name: the profile named in the import's result.
        bank: the bank, for messages.
        marks: texts on the first page that identify the bank (lower case,
            no spaces).
        unmarked: how a single amount column's plain amounts are signed.
        fees: what a fee or charge column's amounts are.
    """

    name: str
    bank: str
    marks: tuple[str, ...]
    unmarked: Unmarked = Unmarked.AS_PRINTED
    fees: FeeRule = FeeRule.OWN_LINE


GENERIC = Layout("generic", "an unrecognised bank", ())
LAYOUTS = (
    Layout("capitec", "Capitec", ("capitecbank", "capitec")),
    Layout("fnb", "FNB", ("firstnationalbank", "fnb"), unmarked=Unmarked.DEBIT,
           fees=FeeRule.NOTED),
    Layout("absa", "ABSA", ("absabank", "absa"), fees=FeeRule.NOTED),
    Layout("standard-bank", "Standard Bank", ("standardbank", "sbsa")),
    Layout("nedbank", "Nedbank", ("nedbank",), fees=FeeRule.STAR_IS_DEBIT),
)  # fmt: skip
_SQUASH = re.compile(r"[^a-z]")
_LONG_MARK = 8  # shorter marks must be a whole word ("absa", not "Absatz")


def recognise(first_page: Iterable[str]) -> Layout:
    """The layout of the bank the first page names first, else the generic one.

    Args:
        first_page: the text of the first page's lines, top to bottom.
    """
    lines = list(first_page)
    text = _SQUASH.sub("", " ".join(lines).lower())
    words = [_SQUASH.sub("", word.lower()) for line in lines for word in line.split()]
    hits: list[tuple[int, Layout]] = []
    for layout in LAYOUTS:
        for mark in layout.marks:
            if len(mark) >= _LONG_MARK and mark in text:
                hits.append((text.index(mark), layout))
            elif mark in words:
                hits.append((text.find(mark), layout))
    return min(hits, key=lambda hit: hit[0])[1] if hits else GENERIC
