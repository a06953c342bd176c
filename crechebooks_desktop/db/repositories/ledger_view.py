"""The all-households ledger, read a page at a time by keyset (docs/ARCHITECTURE.md, Table models).

A book can hold a million ledger entries, so the view never loads them all and
never pages with ``OFFSET`` deep into the table. Every row has a *key*: its
value in the sort column and its id (ids are unique, so the key orders rows
totally). A page is "the rows after (or before) this key", which an index walk
answers in the same time wherever the key lies. Sorting and filtering happen
here, in SQL, with the same paging.

The default order, by date, walks the ``(tenant_id, entry_date, id)`` index;
the other columns have no index of their own and sort the (filtered) entries
for each page, which stays well inside the 0.3 s target on 100,000 entries.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, tuple_

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Household, LedgerEntry
from crechebooks_desktop.domain.enums import EntryType

Key = tuple[Any, int]
"""A row's position in the order: (its value in the sort column, its id)."""


class SortColumn(enum.StrEnum):
    """What the view can be ordered by (the id always breaks ties)."""

    DATE = "date"
    HOUSEHOLD = "household"
    TYPE = "type"
    DESCRIPTION = "description"
    AMOUNT = "amount"
    BALANCE = "balance"


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """Which entries the view shows, and in what order.

    Attributes:
        sort: the column to order by; ties go by entry id.
        descending: largest (or latest) first.
        text: words that must each appear in the household's reference or
            parent names, or in the entry's description (any case).
    """

    sort: SortColumn = SortColumn.DATE
    descending: bool = False
    text: str = ""

    def words(self) -> list[str]:
        """The filter's words."""
        return self.text.split()


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One entry as the all-households ledger shows it."""

    id: int
    entry_date: dt.date
    household_ref: str
    parent_name: str
    entry_type: EntryType
    description: str
    amount_cents: int
    balance_after_cents: int

    def key(self, sort: SortColumn) -> Key:
        """This row's key in an order by ``sort``."""
        value: Any = {
            SortColumn.DATE: self.entry_date,
            SortColumn.HOUSEHOLD: self.household_ref,
            SortColumn.TYPE: self.entry_type,
            SortColumn.DESCRIPTION: self.description,
            SortColumn.AMOUNT: self.amount_cents,
            SortColumn.BALANCE: self.balance_after_cents,
        }[sort]
        return (value, self.id)


_SORT_COLUMNS: dict[SortColumn, Any] = {
    SortColumn.DATE: LedgerEntry.entry_date,
    SortColumn.HOUSEHOLD: Household.account_ref,
    SortColumn.TYPE: LedgerEntry.entry_type,
    SortColumn.DESCRIPTION: LedgerEntry.description,
    SortColumn.AMOUNT: LedgerEntry.amount_cents,
    SortColumn.BALANCE: LedgerEntry.balance_after_cents,
}
_LINE_COLUMNS = (
    LedgerEntry.id,
    LedgerEntry.entry_date,
    Household.account_ref,
    Household.parent_name,
    LedgerEntry.entry_type,
    LedgerEntry.description,
    LedgerEntry.amount_cents,
    LedgerEntry.balance_after_cents,
)


class LedgerViewRepository(TenantScoped):
    """Counts, pages and sampled keys of the creche's ledger in a ``ViewSpec`` order."""

    def count(self, spec: ViewSpec) -> int:
        """How many entries the view shows."""
        query = select(func.count()).select_from(LedgerEntry).where(*self._where(spec))
        return int(self.session.scalar(query) or 0)

    def page(
        self,
        spec: ViewSpec,
        anchor: Key | None,
        *,
        backward: bool = False,
        offset: int = 0,
        limit: int = 500,
    ) -> list[LedgerLine]:
        """Rows next to ``anchor`` in the view's order, returned in that order.

        Args:
            spec: the view's order and filter.
            anchor: a row's key; None means the start (forward) or the end (backward).
            backward: take the rows before the anchor instead of after it.
            offset: skip this many rows next to the anchor first (kept small by
                callers: it is read and thrown away).
            limit: at most this many rows.

        Returns:
            Up to ``limit`` rows, in the view's order (also when reading backward).
        """
        sort_column = _SORT_COLUMNS[spec.sort]
        # Reading backward is reading forward in the opposite order.
        reverse = spec.descending != backward
        query = select(*_LINE_COLUMNS).join(Household, Household.id == LedgerEntry.household_id)
        query = query.where(*self._where(spec))
        if anchor is not None:
            query = query.where(_beyond(sort_column, anchor, reverse=reverse))
        query = query.order_by(*_order(sort_column, reverse=reverse))
        query = query.offset(offset or None).limit(limit)
        lines = [_line(row) for row in self.session.execute(query)]
        return lines[::-1] if backward else lines

    def sampled_keys(self, spec: ViewSpec, every: int) -> list[Key]:
        """The keys of rows ``every - 1``, ``2 * every - 1``, ... of the view (0-based).

        A jump to any row can then start from the sampled key before it and
        read fewer than ``every`` rows. The date order walks its index from
        sample to sample (on a million entries about a quarter of a second, a
        window function takes four times as long); the other orders have no
        index, so one window function sorts them once instead of once a sample.
        """
        if spec.sort is SortColumn.DATE:
            return self._walk_keys(spec, every)
        numbered = self._keys(spec, numbered=True).subquery()
        rows = self.session.execute(
            select(numbered.c.value, numbered.c.id)
            .where(numbered.c.n % every == 0)
            .order_by(numbered.c.n)
        )
        return [(_value(spec.sort, value), int(entry_id)) for value, entry_id in rows]

    def key_at(self, spec: ViewSpec, anchor: Key | None, offset: int) -> Key | None:
        """The key ``offset`` rows after ``anchor`` (None: row ``offset`` of the view)."""
        query = self._keys(spec, after=anchor).offset(offset or None).limit(1)
        row = self.session.execute(query).first()
        return None if row is None else (_value(spec.sort, row[0]), int(row[1]))

    def _walk_keys(self, spec: ViewSpec, every: int) -> list[Key]:
        keys: list[Key] = []
        while (key := self.key_at(spec, keys[-1] if keys else None, every - 1)) is not None:
            keys.append(key)
        return keys

    def _keys(
        self, spec: ViewSpec, *, after: Key | None = None, numbered: bool = False
    ) -> Select[Any]:
        """The view's keys in order (only the index when sorting by date, unfiltered)."""
        sort_column = _SORT_COLUMNS[spec.sort]
        order = _order(sort_column, reverse=spec.descending)
        columns = [sort_column.label("value"), LedgerEntry.id.label("id")]
        if numbered:
            columns.append(func.row_number().over(order_by=order).label("n"))
        query = select(*columns)
        if spec.sort is SortColumn.HOUSEHOLD:
            query = query.join(Household, Household.id == LedgerEntry.household_id)
        else:
            query = query.select_from(LedgerEntry)
        query = query.where(*self._where(spec))
        if after is not None:
            query = query.where(_beyond(sort_column, after, reverse=spec.descending))
        return query if numbered else query.order_by(*order)

    def _where(self, spec: ViewSpec) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [LedgerEntry.tenant_id == self.tenant_id]
        for word in spec.words():
            households = select(Household.id).where(
                Household.tenant_id == self.tenant_id,
                or_(
                    self._contains(Household.account_ref, word),
                    self._contains(Household.parent_name, word),
                    self._contains(Household.second_parent_name, word),
                ),
            )
            conditions.append(
                or_(
                    LedgerEntry.household_id.in_(households),
                    self._contains(LedgerEntry.description, word),
                )
            )
        return conditions

    def _contains(self, column: Any, word: str) -> ColumnElement[bool]:
        """``column`` holds ``word``, in any case.

        PostgreSQL: ``ILIKE``. SQLite's ``LIKE`` already ignores case (of ASCII
        letters, as its ``lower()`` does), so it is used as it is: wrapping
        every row in ``lower()`` would only slow the scan.
        """
        if self.session.get_bind().dialect.name == "sqlite":
            return column.contains(word, autoescape=True)  # type: ignore[no-any-return]
        return column.icontains(word, autoescape=True)  # type: ignore[no-any-return]


def _order(sort_column: Any, *, reverse: bool) -> tuple[Any, Any]:
    if reverse:
        return (sort_column.desc(), LedgerEntry.id.desc())
    return (sort_column, LedgerEntry.id)


def _beyond(sort_column: Any, key: Key, *, reverse: bool) -> ColumnElement[bool]:
    """Rows after ``key`` in the order (before it when ``reverse``).

    A row-value comparison: both SQLite and PostgreSQL answer it from the
    (tenant, date, id) index when sorting by date.
    """
    row = tuple_(sort_column, LedgerEntry.id)
    return row < key if reverse else row > key


def _value(sort: SortColumn, value: Any) -> Any:
    """A key's value as the rows carry it (entry types as ``EntryType``)."""
    return EntryType(value) if sort is SortColumn.TYPE else value


def _line(row: Sequence[Any]) -> LedgerLine:
    return LedgerLine(
        id=row[0],
        entry_date=row[1],
        household_ref=row[2],
        parent_name=row[3],
        entry_type=row[4],
        description=row[5],
        amount_cents=row[6],
        balance_after_cents=row[7],
    )
