"""CSV statement profiles of South African banks, and finding a file's header.

No bank publishes its CSV layout, so the profiles are assumptions, built
from what public importers and converters for these banks expect:

- ``fnb``: a few preamble lines (account number, statement period, opening
  balance), then ``Date, Amount, Balance, Description``; amounts signed.
- ``absa``: ``Date, Transaction Description, Amount, Balance``, or with
  ``Charge, Debit Amount, Credit Amount`` instead of ``Amount``; dates often
  ``YYYYMMDD``.
- ``standard-bank``: ``Date, Description, Payments, Deposits, Balance``.
- ``nedbank``: ``Tranlistno, Date, Description, Fees (R), Debits (R),
  Credits (R), Balance (R)``.
- ``capitec``: ``Nr, Account, Posting Date, Transaction Date, Description,
  Original Description, Parent Category, Category, Money In, Money Out, Fee,
  Balance`` (or the shorter ``Date, Description, Category, Money In, Money
  Out, Fee, Balance``).
- ``generic``: any header with a date, a description and an amount, or money
  in and money out columns; optional balance, reference and payer columns.

Because exports change, every profile reads its columns by name from the
same list of aliases (``Money In``/``Credit``/``Deposits``...), compared in
lower case without spaces, punctuation or ``(R)``. A profile differs in how
it is recognised (its signature columns, or the bank's name in the preamble)
and in dates: the banks write day/month, while a generic file's order is
decided from its dates (see :mod:`~crechebooks_desktop.importers.bank.dates`).
The header is the first of the first 50 lines that names a date, a
description and an amount column; the delimiter is ``,``, ``;``, tab or
``|``, whichever gives such a header.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.importers.tabular import csv_records

__all__ = [
    "BY_NAME",
    "PROFILES",
    "Columns",
    "Header",
    "Profile",
    "columns",
    "delimiter_of",
    "find_header",
    "header_key",
]

_KEY_NOISE = re.compile(r"\((?:r|zar)\)|[^a-z0-9]")
_HEADER_SEARCH = 50
_DELIMITERS = (",", ";", "\t", "|")

DATE = ("date", "postingdate", "transactiondate", "valuedate", "transdate", "datum")
DESCRIPTION = (
    "description",
    "transactiondescription",
    "originaldescription",
    "details",
    "narrative",
    "particulars",
    "memo",
)
AMOUNT = ("amount", "transactionamount", "value", "bedrag")
MONEY_IN = ("moneyin", "credit", "credits", "creditamount", "deposits", "deposit", "paidin")
MONEY_OUT = ("moneyout", "debit", "debits", "debitamount", "payments", "withdrawals", "paidout")
FEE = ("fee", "fees", "charge", "charges", "servicefee", "bankcharges")
BALANCE = ("balance", "runningbalance", "saldo")
REFERENCE = ("reference", "ref", "referencenumber", "yourreference", "theirreference")
PAYER = ("payer", "payee", "payername", "name", "counterparty", "beneficiary")


def header_key(name: str) -> str:
    """A column name as compared: ``"Money In (R)"`` -> ``moneyin``."""
    return _KEY_NOISE.sub("", name.strip().lower())


@dataclass(frozen=True, slots=True)
class Profile:
    """A CSV layout: how it is recognised and how its dates are read.

    Attributes:
        name: the profile's name (``fnb``...).
        bank: the bank's name as people write it.
        signatures: sets of header keys; any one present recognises the bank.
        names: how the bank's name appears in a preamble (lower case).
        day_first: dates are day/month (banks); None: decided per file.
    """

    name: str
    bank: str
    signatures: tuple[frozenset[str], ...] = ()
    names: tuple[str, ...] = ()
    day_first: bool | None = True

    def recognises(self, keys: Sequence[str], preamble: str) -> bool:
        """Whether a header (and the lines before it) look like this bank's."""
        present = set(keys)
        if any(signature <= present for signature in self.signatures):
            return True
        return any(name in preamble for name in self.names)


_FNB_ORDER = ("date", "amount", "balance", "description")
GENERIC = Profile("generic", "another bank", day_first=None)
_BANKS = (
    Profile(
        "capitec",
        "Capitec",
        (frozenset({"postingdate", "moneyin"}), frozenset({"moneyin", "moneyout", "fee"})),
        ("capitec",),
    ),
    Profile(
        "nedbank",
        "Nedbank",
        (frozenset({"tranlistno"}), frozenset({"debits", "credits", "fees"})),
        ("nedbank",),
    ),
    Profile(
        "standard-bank",
        "Standard Bank",
        (frozenset({"payments", "deposits"}),),
        ("standard bank", "standardbank", "stanbic"),
    ),
    Profile("absa", "ABSA", (frozenset({"transactiondescription"}),), ("absa",)),
    Profile("fnb", "FNB", (), ("fnb", "first national bank", "rmb private bank")),
)
BY_NAME: dict[str, Profile] = {profile.name: profile for profile in (*_BANKS, GENERIC)}
PROFILES = ("fnb", "absa", "standard-bank", "nedbank", "capitec", "generic")


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each part of a line is, as positions in a row (None: absent)."""

    date: int
    description: tuple[int, ...]
    amount: int | None
    money_in: int | None
    money_out: int | None
    fee: int | None
    balance: int | None
    reference: int | None
    payer: int | None


@dataclass(frozen=True, slots=True)
class Header:
    """The header row found, with the delimiter and the profile."""

    line: int
    names: tuple[str, ...]
    delimiter: str
    columns: Columns
    profile: Profile


def _first(keys: Sequence[str], aliases: Sequence[str], taken: set[int]) -> int | None:
    for alias in aliases:
        for position, key in enumerate(keys):
            if key == alias and position not in taken:
                taken.add(position)
                return position
    return None


def columns(keys: Sequence[str]) -> Columns | None:
    """The columns of a header, or None if it lacks a date, text or amount."""
    taken: set[int] = set()
    date = _first(keys, DATE, taken)
    description = tuple(i for i, key in enumerate(keys) if key in DESCRIPTION)
    taken.update(description)
    amount = _first(keys, AMOUNT, taken)
    money_in, money_out = _first(keys, MONEY_IN, taken), _first(keys, MONEY_OUT, taken)
    no_amount = amount is None and money_in is None and money_out is None
    if date is None or not description or no_amount:
        return None
    return Columns(
        date=date,
        description=description,
        amount=amount,
        money_in=money_in,
        money_out=money_out,
        fee=_first(keys, FEE, taken),
        balance=_first(keys, BALANCE, taken),
        reference=_first(keys, REFERENCE, taken),
        payer=_first(keys, PAYER, taken),
    )


def _profile(keys: Sequence[str], preamble: str) -> Profile:
    if tuple(keys[:4]) == _FNB_ORDER:
        return BY_NAME["fnb"]
    for profile in _BANKS:
        if profile.recognises(keys, preamble):
            return profile
    return GENERIC


_SEP_HINT = re.compile(r"\ufeff?sep=(.)\s*$", re.IGNORECASE)


def sep_hint(text: str) -> str | None:
    """The delimiter an Excel ``sep=;`` first line names, or None."""
    first = text.split("\n", 1)[0].rstrip("\r")
    match = _SEP_HINT.match(first)
    return match[1] if match else None


def delimiter_of(text: str, skip_lines: int = 0) -> str:
    """The delimiter of a file's rows.

    The ``sep=`` hint where there is one, else the delimiter that splits the
    first row after ``skip_lines`` lines into the most cells.
    """
    hint = sep_hint(text)
    if hint is not None:
        return hint
    lines = itertools.islice(io.StringIO(text, newline=""), skip_lines, skip_lines + 20)
    first = next((line for line in lines if line.strip()), "")
    counts = {d: len(next(csv_records(first, d), (0, [""]))[1]) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: counts[d])


def find_header(text: str, wanted: Profile | None) -> Header | None:
    """The header of a CSV statement, searched in its first 50 lines.

    Args:
        text: the decoded file.
        wanted: the profile the user chose, or None to recognise it.

    Returns:
        The header, or None when no line of the first 50 is one.
    """
    head = "".join(itertools.islice(io.StringIO(text, newline=""), _HEADER_SEARCH))
    for delimiter in _DELIMITERS:
        preamble: list[str] = []
        for line, cells in csv_records(head, delimiter):
            keys = [header_key(cell) for cell in cells]
            found = columns(keys)
            if found is not None:
                profile = wanted or _profile(keys, " ".join(preamble).lower())
                names = tuple(cell.strip() for cell in cells)
                return Header(line, names, delimiter, found, profile)
            preamble.extend(cells)
    return None
