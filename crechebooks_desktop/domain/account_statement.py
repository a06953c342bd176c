"""A household's ledger as people read it: a statement of account in date order.

The ledger is stored in posting order, each entry carrying ``balance_after``,
the household's balance once that entry was posted (the chain ``check``
verifies). People read it by date: an opening balance dated 1 March but
brought in after March's fees were billed belongs first, and the balance on
each line must be the balance *on that date*. So the ledger shown on the
command line, in the Ledger tab and on statements runs by (date, entry id),
with its own running balance; ``balance_after`` stays what was stored.

With a from-date, the statement opens with the balance brought forward (every
entry dated before it), so its last running balance up to a date D always
equals the household's balance as of D (issue #10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

from crechebooks_desktop.domain.ledger import LedgerEntryValue

__all__ = ["AccountLine", "AccountStatement", "account_statement", "statement_order"]


@dataclass(frozen=True, slots=True)
class AccountLine(LedgerEntryValue):
    """A ledger entry on a statement, with the balance it leaves in date order.

    Attributes:
        running_balance_cents: the household's balance after this line, the
            lines read by date then entry id (with any balance brought
            forward); not ``balance_after_cents``, which follows posting order.
    """

    running_balance_cents: int

    def as_json(self) -> dict[str, object]:
        """The line as ``ledger --json`` prints it (``balance_after_cents`` kept for the record)."""
        return {
            "id": self.id,
            "date": self.entry_date.isoformat(),
            "type": self.entry_type.value,
            "amount_cents": self.amount_cents,
            "running_balance_cents": self.running_balance_cents,
            "balance_after_cents": self.balance_after_cents,
            "description": self.description,
            "who": self.created_by,
        }


@dataclass(frozen=True, slots=True)
class AccountStatement:
    """A household's entries in date order, each with its running balance.

    Attributes:
        date_from: the first day shown (None: from the first entry).
        date_to: the last day shown (None: to the last entry).
        opening_balance_cents: the balance brought forward, the sum of every
            entry dated before ``date_from`` (0 without one).
        lines: the entries dated within the period, by date then entry id.
    """

    date_from: dt.date | None
    date_to: dt.date | None
    opening_balance_cents: int
    lines: tuple[AccountLine, ...]

    @property
    def closing_balance_cents(self) -> int:
        """The balance at the end of the period: the last line's, or the one brought forward."""
        return self.lines[-1].running_balance_cents if self.lines else self.opening_balance_cents

    def as_json(self) -> dict[str, object]:
        """The statement as ``ledger --json`` prints it."""
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "opening_balance_cents": self.opening_balance_cents,
            "closing_balance_cents": self.closing_balance_cents,
            "entries": [line.as_json() for line in self.lines],
        }


def statement_order(entry: LedgerEntryValue) -> tuple[dt.date, int]:
    """Where an entry stands on a statement: by its date, then in posting order (its id)."""
    return (entry.entry_date, entry.id)


def account_statement(
    entries: Iterable[LedgerEntryValue],
    opening_balance_cents: int = 0,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> AccountStatement:
    """Order a household's entries by date and run its balance through them.

    Args:
        entries: the household's entries dated within the period, in any order.
        opening_balance_cents: the balance brought forward (the sum of the
            entries dated before ``date_from``).
        date_from: the period's first day, if it has one.
        date_to: the period's last day, if it has one.

    Returns:
        The statement; its lines by (date, entry id), each with its running balance.

    Raises:
        ValueError: an entry dated outside the period.
    """
    running = opening_balance_cents
    lines = []
    for entry in sorted(entries, key=statement_order):
        if (date_from and entry.entry_date < date_from) or (date_to and entry.entry_date > date_to):
            raise ValueError(f"entry {entry.id} dated {entry.entry_date} is outside the period")
        running += entry.amount_cents
        lines.append(_line(entry, running))
    return AccountStatement(date_from, date_to, opening_balance_cents, tuple(lines))


def _line(entry: LedgerEntryValue, running_balance_cents: int) -> AccountLine:
    values = {f.name: getattr(entry, f.name) for f in fields(LedgerEntryValue)}
    return AccountLine(**values, running_balance_cents=running_balance_cents)
