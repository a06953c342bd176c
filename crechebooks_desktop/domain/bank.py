"""Bank accounts and statement lines as stored: plain values for the services.

A stored line's amount follows the statement: money in (a credit, usually a
parent's payment) is positive, money out negative. Only credits are matched
to households.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass
from typing import NamedTuple

from crechebooks_desktop.domain.enums import BankLineStatus

__all__ = [
    "BANKS",
    "MATCHABLE",
    "Bank",
    "BankAccountRecord",
    "BankImportRecord",
    "BankLineRecord",
    "NewBankLine",
    "transaction_date_apart",
]


class Bank(enum.StrEnum):
    """The banks whose statements the importers know (``other`` for the rest)."""

    FNB = "fnb"
    ABSA = "absa"
    STANDARD_BANK = "standard-bank"
    NEDBANK = "nedbank"
    CAPITEC = "capitec"
    OTHER = "other"


BANKS = tuple(b.value for b in Bank)

# Lines that matching may still decide (an earlier run may have scored them).
MATCHABLE = (BankLineStatus.UNMATCHED, BankLineStatus.REVIEW)


@dataclass(frozen=True, slots=True)
class BankAccountRecord:
    """A bank account of the creche.

    Attributes:
        id: its id.
        name: the name the creche gives it (unique in the creche).
        bank: which bank.
        account_number: as printed, if recorded.
        opening_balance_cents: the balance on ``opening_as_of``.
        opening_as_of: the day the opening balance is for, if set.
        line_count: lines imported so far (split parts not counted twice).
        balance_cents: the opening balance plus every imported line.
        last_line_date: the newest line's date, if any.
        closed_at: when it was closed (it takes no more statements), if it is.
    """

    id: int
    name: str
    bank: str
    account_number: str | None
    opening_balance_cents: int
    opening_as_of: dt.date | None
    line_count: int = 0
    balance_cents: int = 0
    last_line_date: dt.date | None = None
    closed_at: dt.datetime | None = None

    @property
    def closed(self) -> bool:
        """Whether the account is closed (kept for its history, no new statements)."""
        return self.closed_at is not None

    def as_json(self) -> dict[str, object]:
        """The account as ``bank accounts list --json`` prints it."""
        return {
            "id": self.id,
            "name": self.name,
            "bank": self.bank,
            "number": self.account_number,
            "opening_balance_cents": self.opening_balance_cents,
            "opening_as_of": self.opening_as_of.isoformat() if self.opening_as_of else None,
            "line_count": self.line_count,
            "balance_cents": self.balance_cents,
            "last_line_date": self.last_line_date.isoformat() if self.last_line_date else None,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }


class NewBankLine(NamedTuple):
    """A line about to be stored (from a statement or a split); it starts UNMATCHED.

    A named tuple, not a dataclass: a big statement makes 50,000 of them, and
    the repository writes their values as they are, in this order.

    Attributes:
        date: the day it was posted.
        amount_cents: money in positive, money out negative.
        description: the bank's text.
        reference: the payer's reference, if the file kept it apart.
        payer: the payer's name, if the file kept it apart.
        fitid: the bank's transaction id, if it gave one.
        dedup_key: the key that tells it apart from the account's other lines.
        split_parent_id: the line it is a part of, for split parts.
        balance_cents: the statement's running balance after it, if the file gives one.
        transaction_date: the day the payer made it, where the bank gives it apart
            from the posting day (None otherwise; see :func:`transaction_date_apart`).
    """

    date: dt.date
    amount_cents: int
    description: str
    reference: str | None
    payer: str | None
    fitid: str | None
    dedup_key: str
    split_parent_id: int | None = None
    balance_cents: int | None = None
    transaction_date: dt.date | None = None


def transaction_date_apart(posted: dt.date, transacted: dt.date | None) -> dt.date | None:
    """The transaction date as kept: None when there is none or it is the posting date.

    Only a date that differs says something a bookkeeper needs (issue 14):
    the posting date already places the line on the statement.
    """
    return None if transacted == posted else transacted


@dataclass(frozen=True, slots=True)
class BankLineRecord:
    """A statement line as stored.

    Attributes:
        id: its id.
        account_id: the bank account.
        date: the day it was posted.
        amount_cents: money in positive, money out negative.
        description: the bank's text.
        reference: the payer's reference, if the file kept it apart.
        payer: the payer's name, if the file kept it apart.
        status: where it stands in matching.
        split_parent_id: the line it is a part of, for split parts.
        dedup_key: the key that tells it apart from other lines.
        transaction_date: the day the payer made it, where the bank gives it
            apart from the posting day; shown beside ``date``, which alone places
            the line on the statement and in its balance (None otherwise).
    """

    id: int
    account_id: int
    date: dt.date
    amount_cents: int
    description: str
    reference: str | None
    payer: str | None
    status: BankLineStatus
    split_parent_id: int | None
    dedup_key: str
    transaction_date: dt.date | None = None

    @classmethod
    def stored(cls, line_id: int, account_id: int, line: NewBankLine) -> BankLineRecord:
        """A new line as written (read back it would be the same)."""
        return cls(
            line_id,
            account_id,
            line.date,
            line.amount_cents,
            line.description,
            line.reference,
            line.payer,
            BankLineStatus.UNMATCHED,
            line.split_parent_id,
            line.dedup_key,
            line.transaction_date,
        )

    def with_status(self, status: BankLineStatus) -> BankLineRecord:
        """The same line at another status (what a decision just wrote)."""
        return dataclasses.replace(self, status=status)

    def as_json(self) -> dict[str, object]:
        """``{"id", "date", "transaction_date", "amount_cents", "description", ...}``.

        ``transaction_date`` is ISO or null (none given, or the posting date).
        """
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "transaction_date": _iso(self.transaction_date),
            "amount_cents": self.amount_cents,
            "description": self.description,
            "reference": self.reference,
            "payer": self.payer,
        }


@dataclass(frozen=True, slots=True)
class BankImportRecord:
    """A statement file taken into an account, with the period and balances it gave.

    Attributes:
        id: its id.
        file_name: the file as the user named it.
        period_start: the first day the statement covers (the file's, else its first line's).
        period_end: the last day it covers (the file's, else its last line's).
        opening_balance_cents: the balance before its first day, if the file gave one.
        closing_balance_cents: the balance at the end of its last day, if the file gave one.
    """

    id: int
    file_name: str
    period_start: dt.date
    period_end: dt.date
    opening_balance_cents: int | None
    closing_balance_cents: int | None


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
