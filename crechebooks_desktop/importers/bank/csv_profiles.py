"""South African banks' CSV layouts, and finding a file's header.

Every file is read through the alias table of
:mod:`~crechebooks_desktop.importers.bank.csv_columns`; a profile only
recognises the bank (to name it in the import's result), says how its
dates are written, and whether a fee column is taken off at its line. The
layouts the table was checked against, from public importers and converters:

- Capitec: ``Nr, Account, Posting Date, Transaction Date, Description,
  Original Description, Parent Category, Category, Money In, Money Out, Fee,
  Balance``, ISO dates (botshelo-mere/ledgerza ``docs/parsers.md`` and
  ``tests/test_parsers.py``); older ``Posting Date, Transaction Date,
  Description, Money In (R), Money Out (R), Balance (R)``.
- FNB, and RMB Private Bank, which uses FNB's layout: the online download
  ``Date, Amount, Balance, Description`` under account lines, dates
  ``Y/m/d`` (firefly-iii/import-configurations ``za/fnb/default.json``); the
  e-mailed statement, a record type in the first column (``2`` account,
  ``3`` period and balances, ``5`` transactions: ``Number, Date,
  Description1, Description2, Description3, Amount, Balance, Accrued
  Charges``, dates ``13 Aug`` without a year), quoted ``'like this'`` (a
  public FNB statement converter, ``FNBStatement.js``); the "Recreated
  Statement" (``Effective Date, Description, Reference, Service Fee, Debit /
  Credit, Amount, Balance``, dates ``CCYYMMDD``, ``CR`` marks and ``-``
  suffixes; ledgerza ``docs/parsers.md``). FNB's accrued charges and service
  fee are charged later as lines of their own.
- ABSA: ``Date, Description, Amount, Balance`` with ``YYYYMMDD`` dates and
  the bank's long space-padded texts (kdevnel/ynab-absa-csv-convert-js
  ``testing/input-sample.csv``); also ``Date, Transaction Description,
  Charge, Debit Amount, Credit Amount, Balance``, where the charge is
  accrued (the sample's fees appear later as ``MONTHLY ACC FEE``).
- Standard Bank: ``Date, Value Date, Statement Description, Amount,
  Balance, Type, Originator, Customer Reference`` under account lines, and
  the legacy headerless ``HIST`` records (date ``YYYYMMDD``, reference,
  signed zero-padded amount, description) between ``ACC-NO``/``OPEN``/
  ``CLOSE`` records (MajalAdinga/BankCSVtoXLSXParser
  ``Parsers/StandardBankParser.cs``); also ``Date, Description, Payments,
  Deposits, Balance``.
- Nedbank: ``Tranlistno, Date, Description, Fees (R), Debits (R), Credits
  (R), Balance (R)``.
- Investec: ``Transaction Date, Posting Date, Description, Debit, Credit,
  Balance``, dates ``Y/m/d`` (firefly-iii/import-configurations
  ``za/investec/default.json``).
- TymeBank: ``Date, Description, Fees, Money Out, Money In, Balance``.
- Bank Zero, Discovery Bank and African Bank publish no CSV layout that
  public material describes; their files are read through the alias table
  and the bank is named when the preamble names it.

Whether a fee is taken off at its line is decided by the running balance
where the file has one (the reading whose balances chain wins); the
profile's ``fee_deducted`` is the default without balances.

The header is the first of the first 50 lines that names a date, a
description and an amount column; the delimiter is an Excel ``sep=;``
first line's, else ``,``, ``;``, tab or ``|``, whichever gives a header.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.importers.bank.csv_columns import Columns, columns, header_key
from crechebooks_desktop.importers.tabular import csv_records

__all__ = [
    "BY_NAME",
    "PROFILES",
    "Columns",
    "Header",
    "Profile",
    "blank_sep_line",
    "clean",
    "columns",
    "delimiter_of",
    "find_header",
    "header_key",
]

_HEADER_SEARCH = 50
_DELIMITERS = (",", ";", "\t", "|")
_SEP_HINT = re.compile(r"\ufeff?sep=(.)\s*$", re.IGNORECASE)
_RECORD_TYPE = re.compile(r"\d{1,2}")
_LEGACY_RECORD = "HIST"


def clean(cell: str) -> str:
    """A cell stripped of spaces and of the single quotes FNB puts around values."""
    value = cell.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":  # noqa: PLR2004 - a pair of quotes
        return value[1:-1].strip()
    return value


@dataclass(frozen=True, slots=True)
class Profile:
    """A bank's CSV layout: how it is recognised and how it is read.

    Attributes:
        name: the profile's name (``fnb``...).
        bank: the bank's name as people write it.
        signatures: sets of header keys; any one present recognises the bank.
        names: how the bank's name appears in a preamble (lower case).
        day_first: dates are day/month (banks); None: decided per file.
        fee_deducted: a fee column is taken off at its line, when the file
            has no running balance to decide it.
        order: the first header keys in this order also recognise it.
    """

    name: str
    bank: str
    signatures: tuple[frozenset[str], ...] = ()
    names: tuple[str, ...] = ()
    day_first: bool | None = True
    fee_deducted: bool = True
    order: tuple[str, ...] = ()

    def recognises(self, keys: Sequence[str], preamble: str) -> bool:
        """Whether a header (and the lines before it) look like this bank's."""
        present = set(keys)
        if any(signature <= present for signature in self.signatures):
            return True
        if self.order and tuple(keys[: len(self.order)]) == self.order:
            return True
        return any(name in preamble for name in self.names)


GENERIC = Profile("generic", "another bank", day_first=None)
_FNB_SIGNATURES = (frozenset({"accruedcharges"}), frozenset({"effectivedate", "servicefee"}))
_BANKS = (
    Profile(
        "capitec",
        "Capitec",
        (frozenset({"postingdate", "moneyin"}), frozenset({"moneyin", "moneyout", "fee"})),
        ("capitec",),
    ),
    Profile("nedbank", "Nedbank", (frozenset({"tranlistno"}),), ("nedbank",)),
    Profile(
        "standard-bank",
        "Standard Bank",
        (
            frozenset({"payments", "deposits"}),
            frozenset({"statementdescription"}),
            frozenset({"originator", "customerreference"}),
        ),
        ("standard bank", "standardbank", "stanbic"),
    ),
    Profile(
        "absa",
        "ABSA",
        (frozenset({"transactiondescription"}), frozenset({"debitamount", "creditamount"})),
        ("absa",),
        fee_deducted=False,
    ),
    Profile("rmb", "RMB Private Bank", (), ("rmb private bank",), fee_deducted=False),
    Profile(
        "fnb",
        "FNB",
        _FNB_SIGNATURES,
        ("fnb", "first national bank", "recreated statement"),
        fee_deducted=False,
        order=("date", "amount", "balance", "description"),
    ),
    Profile(
        "investec",
        "Investec",
        (frozenset({"transactiondate", "postingdate", "debit", "credit"}),),
        ("investec",),
    ),
    Profile("tymebank", "TymeBank", (frozenset({"fees", "moneyout", "moneyin"}),), ("tymebank",)),
    Profile("bank-zero", "Bank Zero", (), ("bank zero", "bankzero")),
    Profile("discovery", "Discovery Bank", (), ("discovery bank",)),
    Profile("african-bank", "African Bank", (), ("african bank",)),
)
BY_NAME: dict[str, Profile] = {profile.name: profile for profile in (*_BANKS, GENERIC)}
PROFILES = tuple(BY_NAME)


@dataclass(frozen=True, slots=True)
class Header:
    """The header row found, with the delimiter, the profile and the preamble.

    Attributes:
        line: the header's line (0 for a file of records without a header).
        names: the header's cells.
        delimiter: the file's delimiter.
        columns: where each part of a line is.
        profile: the bank's layout (or the user's mapping).
        record: a record type the rows carry in their first cell (FNB's
            ``5``, Standard Bank's ``HIST``); other records are not rows.
        preamble: the lines before the header, cleaned, for their facts.
    """

    line: int
    names: tuple[str, ...]
    delimiter: str
    columns: Columns
    profile: Profile
    record: str | None = None
    preamble: tuple[tuple[str, ...], ...] = ()


def sep_hint(text: str) -> str | None:
    """The delimiter an Excel ``sep=;`` first line names, or None."""
    first = text.split("\n", 1)[0].rstrip("\r")
    match = _SEP_HINT.match(first)
    return match[1] if match else None


def blank_sep_line(text: str) -> str:
    """The text with an Excel ``sep=`` first line emptied (line numbers kept)."""
    if sep_hint(text) is None:
        return text
    _, newline, rest = text.partition("\n")
    return newline + rest


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


def _profile(keys: Sequence[str], preamble: str) -> Profile:
    # A bank named in the preamble first: RMB's files have FNB's columns.
    for profile in _BANKS:
        if any(name in preamble for name in profile.names):
            return profile
    for profile in _BANKS:
        if profile.recognises(keys, ""):
            return profile
    return GENERIC


def _legacy_records(head: str, wanted: Profile | None) -> Header | None:
    """Standard Bank's headerless ``HIST`` records, when the file is made of them."""
    for line, cells in csv_records(head, ","):
        if clean(cells[0]).upper() == _LEGACY_RECORD and len(cells) >= 5:  # noqa: PLR2004
            cols = Columns(
                date=1,
                description=(4,),
                amount=3,
                money_in=None,
                money_out=None,
                fee=None,
                balance=None,
                reference=2,
                payer=None,
            )
            profile = wanted or BY_NAME["standard-bank"]
            return Header(line - 1, (), ",", cols, profile, _LEGACY_RECORD)
    return None


def find_header(text: str, wanted: Profile | None) -> Header | None:
    """The header of a CSV statement, searched in its first 50 lines.

    Args:
        text: the decoded file (a ``sep=`` line already emptied).
        wanted: the profile the user chose, or None to recognise it.

    Returns:
        The header, or None when no line of the first 50 is one.
    """
    head = "".join(itertools.islice(io.StringIO(text, newline=""), _HEADER_SEARCH))
    hint = sep_hint(text)
    for delimiter in (hint,) if hint else _DELIMITERS:
        preamble: list[tuple[str, ...]] = []
        for line, cells in csv_records(head, delimiter):
            names = tuple(clean(cell) for cell in cells)
            keys = [header_key(name) for name in names]
            found = columns(keys)
            if found is not None:
                words = " ".join(" ".join(row) for row in preamble).lower()
                profile = wanted or _profile(keys, words)
                record = names[0] if _RECORD_TYPE.fullmatch(names[0]) else None
                return Header(line, names, delimiter, found, profile, record, tuple(preamble))
            preamble.append(names)
    return _legacy_records(head, wanted)
