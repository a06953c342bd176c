"""Gaps and balance breaks between a bank account's imports: ``bank gaps`` (issue 14).

The check a bookkeeper needs when a bank feed or a client skipped a month.
It only reads: nothing is written or audited.

Gaps. Each import covers its period (``bank_imports.period_start`` to
``period_end``: the dates the file gives, else its first and last lines'),
and overlapping imports are fine (duplicates are skipped when importing). A
gap is a run of days, between the first day covered and the last, that no
import covers and that is longer than :data:`ALLOWED_DAYS` days. When the
account has an opening balance date, coverage starts the day after it (the
opening balance holds what came before), so a first statement that starts
late is a gap too. Why tolerate a few days: a CSV or QIF file has no period
of its own, so its period runs from its first line to its last; a month that
ends on a weekend, or on a public holiday next to one, leaves up to three
days between two monthly files with no line in them and nothing missing
(February's last line on Friday the 27th, March's first on Tuesday the 3rd
after a Monday holiday: the 28th, the 1st and the 2nd). Four days or more
without a statement is worth a look.

Breaks. Imports are taken in order of their periods. An import whose file
gives an opening balance is checked against the last closing balance before
it: the previous import's that gave one, else the account's opening balance
(as of ``opening_as_of``, the end of that day). The figures are compared
through the account's lines, so overlaps and gaps need no special case: the
expected opening is the previous closing plus the lines dated after the
previous period's end up to the day before this import starts (minus the
lines both cover, for an overlap). A difference is a break, named with both
files, their dates and the amounts. Split parts are not imports, and a split
line counts once. An import whose file gives no opening balance (OFX gives
only the closing one), or with no closing figure before it, is listed as
not checked. A ledger balance dated after its statement's last day (some
banks give the balance at download time) is not told apart: the book keeps
no date of its own for a closing balance, so it can show as a break.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.bank import BankAccountRecord, BankImportRecord
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.bank.accounts_and_imports import require_account

__all__ = ["ALLOWED_DAYS", "BalanceBreak", "Gap", "GapsReport", "find_gaps"]

# Days without a statement between two imports that are not reported (see the docstring).
ALLOWED_DAYS = 3
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Gap:
    """Days no import covers.

    Attributes:
        start: the first such day.
        end: the last such day.
        previous_file: the import that covers the days before, or None for
            the account's opening balance date.
        next_file: the import that starts after it.
    """

    start: dt.date
    end: dt.date
    previous_file: str | None
    next_file: str

    @property
    def days(self) -> int:
        """How many days, both ends counted."""
        return (self.end - self.start).days + 1

    def as_json(self) -> dict[str, object]:
        """``{"from", "to", "days", "previous_file", "next_file"}``."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "previous_file": self.previous_file,
            "next_file": self.next_file,
        }


@dataclass(frozen=True, slots=True)
class BalanceBreak:
    """An import whose opening balance does not continue the closing balance before it.

    Attributes:
        previous_file: the import whose closing balance it should continue,
            or None for the account's opening balance.
        previous_end: the day of that closing balance.
        previous_closing_cents: that closing balance.
        file: the import that does not continue it.
        start: its first day.
        opening_cents: its opening balance (the balance before ``start``).
        between_cents: the account's lines from ``previous_end`` to ``start``:
            those dated after the one and before the other, or, for an
            overlap, minus those both cover.
    """

    previous_file: str | None
    previous_end: dt.date
    previous_closing_cents: int
    file: str
    start: dt.date
    opening_cents: int
    between_cents: int

    @property
    def expected_cents(self) -> int:
        """The opening balance that would continue the previous closing balance."""
        return self.previous_closing_cents + self.between_cents

    @property
    def difference_cents(self) -> int:
        """The opening balance less the expected one."""
        return self.opening_cents - self.expected_cents

    def as_json(self) -> dict[str, object]:
        """The break with every figure, ``difference_cents`` = opening - expected."""
        return {
            "previous_file": self.previous_file,
            "previous_end": self.previous_end.isoformat(),
            "previous_closing_cents": self.previous_closing_cents,
            "file": self.file,
            "start": self.start.isoformat(),
            "opening_cents": self.opening_cents,
            "between_cents": self.between_cents,
            "expected_cents": self.expected_cents,
            "difference_cents": self.difference_cents,
        }


@dataclass(frozen=True, slots=True)
class GapsReport:
    """What ``bank gaps`` found for one account.

    Attributes:
        account: the account's name.
        imports: how many imports it has.
        first_day: the first day an import covers (None without imports).
        last_day: the last day an import covers.
        gaps: runs of more than :data:`ALLOWED_DAYS` days no import covers, by date.
        breaks: imports that do not continue the balance before them, by date.
        unchecked: imports whose opening balance could not be checked (the
            file gives none, or nothing before it gives a closing balance).
    """

    account: str
    imports: int
    first_day: dt.date | None
    last_day: dt.date | None
    gaps: tuple[Gap, ...]
    breaks: tuple[BalanceBreak, ...]
    unchecked: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The report as ``bank gaps --json`` prints it.

        ``{"account", "imports", "first_day", "last_day", "allowed_days", "gaps",
        "breaks", "unchecked"}``; see :meth:`Gap.as_json` and :meth:`BalanceBreak.as_json`.
        """
        return {
            "account": self.account,
            "imports": self.imports,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "allowed_days": ALLOWED_DAYS,
            "gaps": [gap.as_json() for gap in self.gaps],
            "breaks": [b.as_json() for b in self.breaks],
            "unchecked": list(self.unchecked),
        }


def find_gaps(uow: UnitOfWork, actor: Actor, account_name: str) -> GapsReport:
    """``bank gaps``: the days no import covers and the balances that do not follow on.

    Args:
        uow: the transaction (only read).
        actor: who asks (needs to read the book).
        account_name: the bank account.

    Returns:
        The gaps, the breaks and the imports that could not be checked.

    Raises:
        PermissionDenied: the actor may not read the book.
        NotFoundError: no such bank account.
    """
    audit.require(actor, Permission.READ)
    account = require_account(uow, account_name)
    imports = sorted(
        uow.bank.imports(account.id), key=lambda i: (i.period_start, i.period_end, i.id)
    )
    breaks, unchecked = _breaks(uow, account, imports)
    return GapsReport(
        account=account.name,
        imports=len(imports),
        first_day=imports[0].period_start if imports else None,
        last_day=max((i.period_end for i in imports), default=None),
        gaps=_gaps(account.opening_as_of, imports),
        breaks=breaks,
        unchecked=unchecked,
    )


def _gaps(opening_as_of: dt.date | None, imports: list[BankImportRecord]) -> tuple[Gap, ...]:
    """Runs of uncovered days longer than ALLOWED_DAYS; imports sorted by period."""
    if not imports:
        return ()
    covered = opening_as_of or imports[0].period_start - _DAY
    previous: str | None = None
    found = []
    for item in imports:
        if (item.period_start - covered).days - 1 > ALLOWED_DAYS:
            found.append(Gap(covered + _DAY, item.period_start - _DAY, previous, item.file_name))
        if item.period_end > covered:
            covered, previous = item.period_end, item.file_name
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Closing:
    """The last closing balance seen: whose, the day it is for, and the figure."""

    file: str | None
    day: dt.date
    cents: int


def _breaks(
    uow: UnitOfWork, account: BankAccountRecord, imports: list[BankImportRecord]
) -> tuple[tuple[BalanceBreak, ...], tuple[str, ...]]:
    """The breaks and the unchecked files; imports sorted by period."""
    last = None
    if account.opening_as_of is not None:
        last = _Closing(None, account.opening_as_of, account.opening_balance_cents)
    breaks, unchecked = [], []
    for item in imports:
        opening = item.opening_balance_cents
        if opening is None or last is None:
            unchecked.append(item.file_name)
        else:
            between = _between(uow, account.id, last.day, item.period_start - _DAY)
            found = BalanceBreak(
                last.file, last.day, last.cents, item.file_name, item.period_start, opening, between
            )
            if found.difference_cents:
                breaks.append(found)
        if item.closing_balance_cents is not None:
            last = _Closing(item.file_name, item.period_end, item.closing_balance_cents)
    return tuple(breaks), tuple(unchecked)


def _between(uow: UnitOfWork, account_id: int, closed: dt.date, opened: dt.date) -> int:
    """What the lines add from the end of day ``closed`` to the end of day ``opened``."""
    if opened >= closed:
        return uow.bank.lines_total(account_id, closed, opened)
    return -uow.bank.lines_total(account_id, opened, closed)
