"""Entries read from the table, as signed, dated statement lines.

Signs: money out is negative. A money-out column is money out however it is
printed, a money-in column money in. In a single amount column ``Cr`` is
money in and ``Dr`` money out; an amount with neither is as printed (a minus,
a trailing minus or brackets make it money out), except where the layout
says plain amounts are debits (FNB), or, for an unrecognised bank, where the
statement marks credits with ``Cr`` and never prints a minus or ``Dr``.

A fee follows the layout's rule (``layouts.FeeRule``); a fee taken on the
line becomes a line of its own, ``FEE: <description>``, right after its
transaction and carrying the printed balance, as the CSV reader does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.statement import StatementLine
from crechebooks_desktop.importers.bank.common import describe
from crechebooks_desktop.importers.bank.dates import choose_order, year_last_parts
from crechebooks_desktop.importers.bank.pdf.headings import Role
from crechebooks_desktop.importers.bank.pdf.layouts import FeeRule, Layout, Unmarked
from crechebooks_desktop.importers.bank.pdf.money import Printed
from crechebooks_desktop.importers.bank.pdf.problems import Notes
from crechebooks_desktop.importers.bank.pdf.table import Entry, balance_of
from crechebooks_desktop.importers.bank.pdf.when import Dating

__all__ = ["Line", "statement_lines"]


@dataclass(frozen=True, slots=True)
class Line:
    """A statement line and the entry (with its place on the page) it came from."""

    line: StatementLine
    entry: Entry


def _plain_is_debit(entries: Sequence[Entry], layout: Layout) -> bool:
    if layout.unmarked is Unmarked.DEBIT:
        return True
    amounts = [e.money[Role.AMOUNT] for e in entries if Role.AMOUNT in e.money]
    marked = any(p.mark == "cr" for p in amounts)
    return marked and not any(p.mark == "dr" or p.cents < 0 for p in amounts)


class _Signs:
    def __init__(self, layout: Layout, plain_debit: bool, card: bool) -> None:
        self.layout, self.plain_debit, self.flip = layout, plain_debit, -1 if card else 1

    def amount(self, entry: Entry, notes: Notes) -> int:
        # Standard Bank prints 0.00 in the columns a line does not use.
        money = {role: p for role, p in entry.money.items() if p.cents}
        if Role.DEBIT in money and Role.CREDIT in money:
            notes.problem(entry.row, "amount", "both money in and money out are given")
            return 0
        if Role.DEBIT in money:
            return -abs(money[Role.DEBIT].cents) * self.flip
        if Role.CREDIT in money:
            return abs(money[Role.CREDIT].cents) * self.flip
        if Role.AMOUNT in money:
            return self._single(money[Role.AMOUNT]) * self.flip
        return 0

    def _single(self, printed: Printed) -> int:
        if printed.mark is not None:
            return balance_of(printed)
        return -abs(printed.cents) if self.plain_debit else printed.cents

    def fees(self, entry: Entry, amount: int) -> tuple[int, int]:
        """The line's amount and its own fee line's amount (0 for none)."""
        fee = entry.money.get(Role.FEE)
        if fee is None or self.layout.fees is FeeRule.NOTED:
            return amount, 0
        cents = -abs(fee.cents) * self.flip
        if self.layout.fees is FeeRule.STAR_IS_DEBIT:
            if not fee.star:
                return amount, 0
            return (cents, 0) if amount == 0 else (amount, cents)
        return amount, cents


def _dates(entries: Sequence[Entry], dating: Dating, notes: Notes) -> list[dt.date | None]:
    texts = [(e.row.where, e.date_text) for e in entries if year_last_parts(e.date_text)]
    choice = choose_order(texts)
    if choice.conflict:
        first, second = choice.conflict
        notes.problem(entries[0].row, "date", f"{first} is day/month but {second} is month/day")
        return [None] * len(entries)
    if choice.warning:
        notes.warn(entries[0].row, choice.warning)
    dating = Dating(dating.start, dating.end, dating.anchor, choice.order)
    dates: list[dt.date | None] = []
    for entry in entries:
        try:
            dates.append(dating.read(entry.date_text))
        except ValueError as exc:
            notes.problem(entry.row, "date", str(exc))
            dates.append(None)
    return dates


_SOFT_HYPHEN = re.compile(r"(?<=[^\W\d_])- (?=[a-zäöüß])")


def joined(texts: Sequence[str]) -> str:
    """A description's printed lines as one text.

    A word hyphenated at a line's end (``Einrei-`` / ``cher-ID``) is joined
    again: a hyphen after a letter, with the next line going on in lower case.
    """
    return _SOFT_HYPHEN.sub("", " ".join(texts))


def statement_lines(
    entries: Sequence[Entry], layout: Layout, dating: Dating, notes: Notes, *, card: bool
) -> list[Line]:
    """The entries as statement lines (problems and skipped lines noted)."""
    signs = _Signs(layout, _plain_is_debit(entries, layout), card)
    flip = -1 if card else 1
    lines: list[Line] = []
    for entry, date in zip(entries, _dates(entries, dating, notes), strict=True):
        amount, fee = signs.fees(entry, signs.amount(entry, notes))
        printed = entry.money.get(Role.BALANCE)
        balance = None if printed is None else balance_of(printed) * flip
        text = describe(joined(entry.texts)) or "(no description)"
        if date is None:
            continue
        if amount == 0 and fee == 0:
            notes.warn(entry.row, "a line of R 0,00 (a notice, not a transaction) was skipped")
            continue
        reference = describe(" ".join(entry.references)) or None
        if amount:
            own = None if fee else balance
            line = StatementLine(entry.row.line_no, date, amount, text, reference, None, None, own)
            lines.append(Line(line, entry))
        if fee:
            line = StatementLine(
                entry.row.line_no, date, fee, f"FEE: {text}", balance_cents=balance
            )
            lines.append(Line(line, entry))
    return lines
