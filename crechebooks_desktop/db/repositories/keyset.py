"""Lists read a page at a time by keyset, sorted and filtered in SQL (issues 4 and 13).

The shape the all-households ledger (``ledger_view``) established, for any
list of rows: every row has a *key*, its value in the sort column and its id
(ids are unique, so the key orders rows totally). A page is "the rows after
(or before) this key", which the database answers in the same time wherever
the key lies; never ``OFFSET`` deep into a table. A subclass says which rows
the list holds under a spec (its filter and order), how to read a row, and
each row's key; this base counts, pages, samples keys for far jumps, and
finds where a row stands (to keep it selected across a reload).

Sort expressions must never be NULL (a row-value comparison with NULL is
neither true nor false, and the row would be skipped): subclasses coalesce
nullable columns, and ``key_of`` gives the same value for the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, tuple_

from crechebooks_desktop.db.repositories.scoped import TenantScoped

Key = tuple[Any, int]
"""A row's position in the order: (its value in the sort column, its id)."""


class Spec(Protocol):
    """What every list's spec holds: the order's direction (and its own filters)."""

    @property
    def descending(self) -> bool:
        """Largest (or latest) first."""
        ...


SpecT = TypeVar("SpecT", bound=Spec)
RowT = TypeVar("RowT")


@dataclass(frozen=True, slots=True)
class Around(Generic[RowT]):
    """A row found again after a reload: where it stands, and the page that holds it.

    Attributes:
        index: the row's index in the list.
        start: the index of the page's first row (a multiple of the page size).
        rows: the page's rows, from ``start``.
    """

    index: int
    start: int
    rows: tuple[RowT, ...]


class KeysetList(TenantScoped, Generic[SpecT, RowT]):
    """Counts, pages, sampled keys and positions of one list, in a spec's order."""

    id_column: Any
    """The rows' unique id column (breaks ties in every order): a table's column
    (``table_of(Row).c.id``), not the mapped attribute, which is a descriptor."""

    # -- what a list says about itself ---------------------------------------------------

    def rows_query(self, spec: SpecT) -> Select[Any]:
        """The list's rows under the spec's filters (columns as ``make_row`` reads them).

        Built with an explicit ``select_from``: the base swaps its columns for a
        count or for the keys, and the joins must still know their left side.
        """
        raise NotImplementedError

    def sort_expression(self, spec: SpecT) -> Any:
        """The (never NULL) SQL value rows are ordered by."""
        raise NotImplementedError

    def make_row(self, row: Sequence[Any]) -> RowT:
        """A result row as the list's value."""
        raise NotImplementedError

    def key_of(self, row: RowT, spec: SpecT) -> Key:
        """A row's key in the spec's order (equal to what SQL orders by)."""
        raise NotImplementedError

    def keys_query(self, spec: SpecT) -> Select[Any]:
        """The filtered rows with only what the keys need (fewer joins when it can)."""
        return self.rows_query(spec)

    # -- what the base does with it -----------------------------------------------------

    def count(self, spec: SpecT) -> int:
        """How many rows the list shows."""
        query = self.keys_query(spec).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def page(
        self,
        spec: SpecT,
        anchor: Key | None,
        *,
        backward: bool = False,
        offset: int = 0,
        limit: int = 500,
    ) -> list[RowT]:
        """Rows next to ``anchor`` in the spec's order, returned in that order.

        Args:
            spec: the list's order and filters.
            anchor: a row's key; None means the start (forward) or the end (backward).
            backward: take the rows before the anchor instead of after it.
            offset: skip this many rows next to the anchor first (kept small by callers).
            limit: at most this many rows.
        """
        sort = self.sort_expression(spec)
        reverse = spec.descending != backward  # backward is forward in the opposite order
        query = self.rows_query(spec)
        if anchor is not None:
            query = query.where(self._beyond(sort, anchor, reverse=reverse))
        query = query.order_by(*self._order(sort, reverse=reverse))
        query = query.offset(offset or None).limit(limit)
        rows = [self.make_row(row) for row in self.session.execute(query)]
        return rows[::-1] if backward else rows

    def find(self, spec: SpecT, row_id: int) -> RowT | None:
        """The row with this id, if the list (under the spec's filters) shows it."""
        query = self.rows_query(spec).where(self.id_column == row_id)
        found = self.session.execute(query).first()
        return None if found is None else self.make_row(found)

    def position(self, spec: SpecT, key: Key) -> int:
        """How many rows come before ``key`` in the spec's order (its row's index)."""
        sort = self.sort_expression(spec)
        query = self.keys_query(spec).where(self._beyond(sort, key, reverse=not spec.descending))
        return int(self.session.scalar(query.with_only_columns(func.count())) or 0)

    def around(self, spec: SpecT, row_id: int, page_size: int) -> Around[RowT] | None:
        """Where the row with this id stands now, and its page (None: the list hides it).

        What keeps a selection across a reload: the row may have moved (its
        status or balance changed), so it is found by id, then counted into place.
        """
        row = self.find(spec, row_id)
        if row is None:
            return None
        key = self.key_of(row, spec)
        index = self.position(spec, key)
        start = index - index % page_size
        before = self.page(spec, key, backward=True, limit=index - start) if index > start else []
        after = self.page(spec, key, limit=page_size - len(before) - 1)
        return Around(index, start, (*before, row, *after))

    def sampled_keys(self, spec: SpecT, every: int) -> list[Key]:
        """The keys of rows ``every - 1``, ``2 * every - 1``, ... of the list (0-based).

        One window function numbers the filtered rows once; a far jump then
        starts from the sampled key before it and reads fewer than ``every`` rows.
        """
        sort = self.sort_expression(spec)
        order = self._order(sort, reverse=spec.descending)
        numbered = (
            self.keys_query(spec)
            .with_only_columns(
                sort.label("value"),
                self.id_column.label("id"),
                func.row_number().over(order_by=order).label("n"),
            )
            .subquery()
        )
        rows = self.session.execute(
            select(numbered.c.value, numbered.c.id)
            .where(numbered.c.n % every == 0)
            .order_by(numbered.c.n)
        )
        return [(value, int(row_id)) for value, row_id in rows]

    def _order(self, sort: Any, *, reverse: bool) -> tuple[Any, Any]:
        if reverse:
            return (sort.desc(), self.id_column.desc())
        return (sort, self.id_column)

    def _beyond(self, sort: Any, key: Key, *, reverse: bool) -> ColumnElement[bool]:
        """Rows after ``key`` in the order (before it when ``reverse``): a row-value comparison."""
        row = tuple_(sort, self.id_column)
        return row < key if reverse else row > key

    def contains(self, column: Any, word: str) -> ColumnElement[bool]:
        """``column`` holds ``word``, in any case (SQLite's ``LIKE`` ignores case already)."""
        if self.session.get_bind().dialect.name == "sqlite":
            return column.contains(word, autoescape=True)  # type: ignore[no-any-return]
        return column.icontains(word, autoescape=True)  # type: ignore[no-any-return]
