"""Which column of a CSV statement is which, from a table of header aliases.

A header's cells are compared as keys: lower case without spaces,
punctuation, quotes or ``(R)`` (``"Money In (R)"`` is ``moneyin``,
``'Debit / Credit'`` is ``debitcredit``). Every bank's layout is read from
the same table, not from one hard-coded header per bank, so a bank that adds,
drops or reorders a column is still read; the layouts the table was checked
against are listed in :mod:`~crechebooks_desktop.importers.bank.csv_profiles`.

Dates: the posting date places a line on the statement and against its
running balance; where a file also gives the day the payer transacted
(Capitec's and Investec's ``Transaction Date``), that is kept beside it. A
value date is used only when there is no other date.

Some columns are recognised in order to be left out on purpose: a row
number (``Nr``, ``Tranlistno``: a position in one export, not an id, so it
must not tell lines apart across exports) and FNB's ``Accrued Charges`` /
``Service Fee`` (fees accrued on a line and charged later as a line of their
own, so counting them at the line would count them twice).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Columns", "columns", "header_key"]

_KEY_NOISE = re.compile(r"\((?:r|zar)\)|[^a-z0-9]")

POSTING_DATE = (
    "postingdate",
    "postdate",
    "processdate",
    "processeddate",
    "effectivedate",
    "bookingdate",
)
PLAIN_DATE = ("date", "datum", "transdate")
TRANSACTION_DATE = ("transactiondate", "txndate", "tradedate")
VALUE_DATE = ("valuedate",)
DESCRIPTION = (
    "description",
    "description1",
    "description2",
    "description3",
    "description4",
    "transactiondescription",
    "statementdescription",
    "originaldescription",
    "transactiondetails",
    "details",
    "narrative",
    "particulars",
    "memo",
)
AMOUNT = ("amount", "transactionamount", "value", "bedrag")
MONEY_IN = (
    "moneyin",
    "credit",
    "credits",
    "creditamount",
    "amountcredit",
    "deposits",
    "deposit",
    "paidin",
)
MONEY_OUT = (
    "moneyout",
    "debit",
    "debits",
    "debitamount",
    "amountdebit",
    "payments",
    "withdrawals",
    "paidout",
)
FEE = ("fee", "fees", "charge", "charges", "bankcharges", "transactionfee")
ACCRUED = ("accruedcharges", "accruedbankcharges", "servicefee")
INDICATOR = ("debitcredit", "drcr", "crdr", "debitcreditindicator")
BALANCE = ("balance", "runningbalance", "saldo")
REFERENCE = (
    "reference",
    "ref",
    "referencenumber",
    "yourreference",
    "theirreference",
    "customerreference",
)
PAYER = ("payer", "payee", "payername", "name", "counterparty", "beneficiary", "originator")
TRANSACTION_ID = ("transactionid", "uniqueid", "uniquetransactionid", "fitid")


def header_key(name: str) -> str:
    """A column name as compared: ``"Money In (R)"`` -> ``moneyin``."""
    return _KEY_NOISE.sub("", name.strip().lower())


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each part of a line is, as positions in a row (None: absent).

    Attributes:
        date: the posting date (or the only date).
        description: the text columns, joined in file order.
        amount: a signed amount; else ``money_in`` and ``money_out``.
        fee: a fee per line (Capitec's ``Fee``, Nedbank's ``Fees``).
        balance: the running balance.
        reference: the payer's reference.
        payer: the payer's name.
        transaction_date: the day transacted, where apart from the posting date.
        transaction_id: the bank's id of the line (kept like an OFX FITID).
        indicator: a ``CR``/``DR`` column giving an unsigned amount its sign.
        accrued: a fee accrued on the line and charged later (left out).
    """

    date: int
    description: tuple[int, ...]
    amount: int | None
    money_in: int | None
    money_out: int | None
    fee: int | None
    balance: int | None
    reference: int | None
    payer: int | None
    transaction_date: int | None = None
    transaction_id: int | None = None
    indicator: int | None = None
    accrued: int | None = None


def _first(keys: Sequence[str], aliases: Sequence[str], taken: set[int]) -> int | None:
    for alias in aliases:
        for position, key in enumerate(keys):
            if key == alias and position not in taken:
                taken.add(position)
                return position
    return None


def _dates(keys: Sequence[str], taken: set[int]) -> tuple[int | None, int | None]:
    """The posting date's column and, where apart from it, the transaction date's."""
    posting = _first(keys, POSTING_DATE, taken)
    plain = _first(keys, PLAIN_DATE, taken)
    transacted = _first(keys, TRANSACTION_DATE, taken)
    value = _first(keys, VALUE_DATE, taken)
    date = next((p for p in (posting, plain, transacted, value) if p is not None), None)
    if date is None or date == transacted:
        return date, None
    return date, transacted


def columns(keys: Sequence[str]) -> Columns | None:
    """The columns of a header, or None if it lacks a date, text or amount."""
    taken: set[int] = set()
    date, transaction_date = _dates(keys, taken)
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
        transaction_date=transaction_date,
        transaction_id=_first(keys, TRANSACTION_ID, taken),
        indicator=_first(keys, INDICATOR, taken),
        accrued=_first(keys, ACCRUED, taken),
    )
