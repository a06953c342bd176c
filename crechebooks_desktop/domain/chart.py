"""The chart of accounts every creche starts with, and what an account is.

Codes follow the usual South African small-business layout: 1xxx assets,
2xxx liabilities, 3xxx equity, 4xxx income, 5xxx-6xxx expenses. Each bank
account of the creche gets its own asset account, 1000 upwards
(:func:`bank_account_code`). VAT types are the defaults a categorised line
takes; the bookkeeper can choose another per line or per rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from crechebooks_desktop.domain.enums import AccountType, VatType

__all__ = [
    "BANK_CODES",
    "DEFAULT_CHART",
    "AccountRecord",
    "ChartAccount",
    "SystemRole",
    "bank_account_code",
]


class SystemRole(enum.StrEnum):
    """What the book itself uses an account for."""

    BANK = "BANK"
    DEBTORS_CONTROL = "DEBTORS_CONTROL"
    PARENT_CREDITS = "PARENT_CREDITS"
    VAT_INPUT = "VAT_INPUT"
    VAT_OUTPUT = "VAT_OUTPUT"
    OWNER_EQUITY = "OWNER_EQUITY"
    SCHOOL_FEES = "SCHOOL_FEES"


@dataclass(frozen=True, slots=True)
class ChartAccount:
    """An account of the default chart."""

    code: str
    name: str
    account_type: AccountType
    vat_type: VatType
    system_role: SystemRole | None = None


_I, _E = AccountType.INCOME, AccountType.EXPENSE
_A, _L, _Q = AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY
_STD, _EX, _NO = VatType.STANDARD, VatType.EXEMPT, VatType.NO_VAT

DEFAULT_CHART: tuple[ChartAccount, ...] = (
    ChartAccount("1100", "Parents' debtors control", _A, _NO, SystemRole.DEBTORS_CONTROL),
    ChartAccount("1200", "VAT input", _A, _NO, SystemRole.VAT_INPUT),
    ChartAccount("2000", "Parents' credits held", _L, _NO, SystemRole.PARENT_CREDITS),
    ChartAccount("2100", "VAT output", _L, _NO, SystemRole.VAT_OUTPUT),
    ChartAccount("2200", "Loans", _L, _NO),
    ChartAccount("3000", "Owner's equity", _Q, _NO, SystemRole.OWNER_EQUITY),
    # Educational and childcare services are exempt (VAT Act s12(h)).
    ChartAccount("4000", "School fees", _I, _EX, SystemRole.SCHOOL_FEES),
    ChartAccount("4010", "Registration fees", _I, _EX),
    ChartAccount("4020", "Extra-murals", _I, _EX),
    ChartAccount("4030", "Meals", _I, _STD),
    ChartAccount("4040", "Transport", _I, _STD),
    ChartAccount("4050", "Sales of books and uniforms", _I, _STD),
    # Interest is a financial service: exempt (s12(a)).
    ChartAccount("4100", "Interest received", _I, _EX),
    ChartAccount("5000", "Salaries and wages", _E, _NO),
    ChartAccount("5010", "UIF, PAYE and SDL", _E, _NO),
    ChartAccount("5100", "Food", _E, _STD),
    ChartAccount("5110", "Educational supplies", _E, _STD),
    ChartAccount("6000", "Rent", _E, _STD),
    ChartAccount("6100", "Repairs and maintenance", _E, _STD),
    ChartAccount("6200", "Utilities", _E, _STD),
    ChartAccount("6300", "Insurance", _E, _STD),
    ChartAccount("6400", "Transport costs", _E, _STD),
    ChartAccount("6500", "Bank charges", _E, _STD),
)

# Bank accounts' own asset accounts: 1000 for the first, up to 1099.
BANK_CODES = range(1000, 1100)


def bank_account_code(taken: set[str]) -> str:
    """The first free code of ``BANK_CODES``.

    Raises:
        ValueError: all hundred are taken.
    """
    for n in BANK_CODES:
        if str(n) not in taken:
            return str(n)
    raise ValueError("every bank account code from 1000 to 1099 is taken")


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """An account of the creche's chart, as stored.

    Attributes:
        id: its id.
        code: its code, unique in the creche.
        name: its name.
        account_type: income, expense, asset, liability or equity.
        vat_type: the VAT type a line categorised to it takes by default.
        system_role: what the book itself uses it for, if anything.
        archived: no longer offered for new categorisations.
        is_default: part of the chart every creche starts with.
    """

    id: int
    code: str
    name: str
    account_type: AccountType
    vat_type: VatType
    system_role: str | None
    archived: bool
    is_default: bool

    @property
    def label(self) -> str:
        """``6200 Utilities``: how an account is named in messages and lists."""
        return f"{self.code} {self.name}"

    def as_json(self) -> dict[str, object]:
        """The account as ``accounts list --json`` prints it."""
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "type": self.account_type.value.lower(),
            "vat": self.vat_type.value,
            "system_role": self.system_role,
            "archived": self.archived,
            "default": self.is_default,
        }
