"""Where to read a page of a long list from (pure; no Qt, no database).

Shared by the lazily paged lists: the all-households ledger (issue 4), the
Invoices tab and the matching queue (issue 13).

Row ``i`` of the view can only be reached by keyset from a row whose key is
known: the start, the end, the first and last row of each page read so far,
and the sampled keys (every ``SAMPLE_EVERY``-th row, read once per order when
the first far jump needs them). ``KnownKeys.plan`` picks the nearest of them,
forward or backward, so that the database skips as few rows as possible.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Key = tuple[Any, int]
"""A row's position in the order: its value in the sort column, and its id."""

PAGE_SIZE = 500
SAMPLE_EVERY = 10_000
RowT = TypeVar("RowT")


@dataclass(frozen=True, slots=True)
class Fetch:
    """How to read rows ``start`` to ``start + limit - 1`` of the view.

    Attributes:
        anchor: the key to read from; None is the start (forward) or the end (backward).
        backward: read the rows before the anchor, nearest first.
        offset: rows between the anchor and the wanted rows, skipped by the database.
        limit: how many rows.
    """

    anchor: Key | None
    backward: bool
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Anchors:
    """The known keys nearest a run of rows, to send with a page request.

    Attributes:
        known: (row index, key) of the nearest known row before the run and the
            nearest at or after its end, when known.
        gap: the rows the better of them (or the start or end) leaves to skip.
    """

    known: tuple[tuple[int, Key], ...]
    gap: int


class KnownKeys:
    """Row indices whose keys are known, kept sorted for nearest-neighbour look-ups."""

    def __init__(self) -> None:
        self._indices: list[int] = []
        self._keys: dict[int, Key] = {}
        self.sampled = False

    def __len__(self) -> int:
        return len(self._indices)

    def add(self, index: int, key: Key) -> None:
        """Remember the key of row ``index``."""
        if index not in self._keys:
            bisect.insort(self._indices, index)
        self._keys[index] = key

    def add_samples(self, keys: tuple[Key, ...] | list[Key], every: int = SAMPLE_EVERY) -> None:
        """Remember sampled keys: ``keys[k]`` is row ``(k + 1) * every - 1``."""
        for k, key in enumerate(keys):
            self.add((k + 1) * every - 1, key)
        self.sampled = True

    def shifted(self, at: int, by: int) -> KnownKeys:
        """The keys after a row was removed at ``at`` (``by`` -1) or inserted there (``by`` 1).

        Rows after it move by ``by``; a removed row's key is forgotten.
        """
        moved = KnownKeys()
        for index, key in self._keys.items():
            if by < 0 and index == at:
                continue
            moved.add(index + by if index >= at else index, key)
        moved.sampled = self.sampled
        return moved

    def key(self, index: int) -> Key | None:
        """The key of row ``index``, if known."""
        return self._keys.get(index)

    def anchors(self, start: int, count: int, total: int) -> Anchors:
        """The nearest known rows around rows ``start`` to ``start + count - 1``."""
        before, after = self._neighbours(start, count, total)
        known = tuple((i, self._keys[i]) for i in (before, after) if i in self._keys)
        return Anchors(known, min(start - before - 1, after - start - count))

    def plan(self, start: int, count: int, total: int) -> Fetch:
        """The cheapest read of rows ``start`` to ``start + count - 1`` of ``total``."""
        before, after = self._neighbours(start, count, total)
        forward_gap = start - before - 1
        backward_gap = after - start - count
        if forward_gap <= backward_gap:
            return Fetch(self._keys.get(before), False, forward_gap, count)
        return Fetch(self._keys.get(after), True, backward_gap, count)

    def _neighbours(self, start: int, count: int, total: int) -> tuple[int, int]:
        """The nearest known rows around a run of rows.

        The nearest before ``start`` (-1 when none: the start) and the nearest
        at or after ``start + count`` (``total`` when none: the end).
        """
        i = bisect.bisect_left(self._indices, start)
        before = self._indices[i - 1] if i else -1
        j = bisect.bisect_left(self._indices, start + count)
        after = self._indices[j] if j < len(self._indices) else total
        return before, min(after, total)


def page_span(page: int, total: int, page_size: int = PAGE_SIZE) -> tuple[int, int]:
    """The first row and number of rows of ``page`` in a view of ``total`` rows."""
    start = page * page_size
    return start, max(0, min(page_size, total - start))


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to read, with what the model knows about where it lies.

    Attributes:
        order: the list's order and filters (the feature's own value).
        page: the page's number.
        start: its first row.
        count: its number of rows.
        total: rows in the list.
        known: (row, key) of known rows nearest the page.
        need_samples: read the sampled keys first (a far jump, none known yet).
    """

    order: Any
    page: int
    start: int
    count: int
    total: int
    known: tuple[tuple[int, Key], ...]
    need_samples: bool


@dataclass(frozen=True, slots=True)
class PageResult(Generic[RowT]):
    """The rows of a page, and the sampled keys if they were read for it."""

    job: PageJob
    rows: tuple[RowT, ...]
    samples: tuple[Key, ...] | None


@dataclass(frozen=True, slots=True)
class Opened(Generic[RowT]):
    """A list counted and its first page read; the kept row's page, if asked for.

    Attributes:
        total: rows in the list.
        first_page: its first rows.
        kept_index: where the row to keep (the selection) stands now, if shown.
        kept_start: the first row of the page holding it.
        kept_rows: that page's rows.
        extra: what else the list reads when it opens (totals, counts).
    """

    total: int
    first_page: tuple[RowT, ...]
    kept_index: int | None = None
    kept_start: int = 0
    kept_rows: tuple[RowT, ...] = ()
    extra: Any = None


def read_planned(
    job: PageJob,
    samples: Callable[[], Sequence[Key]],
    rows: Callable[[Fetch], Sequence[RowT]],
) -> PageResult[RowT]:
    """Read a page from the nearest known key (on the database thread).

    Args:
        job: the page and what the model knows.
        samples: reads the list's sampled keys (called only when the job asks).
        rows: reads the rows a ``Fetch`` plans.
    """
    known = KnownKeys()
    for index, key in job.known:
        known.add(index, key)
    sampled = None
    if job.need_samples:
        sampled = tuple(samples())
        known.add_samples(sampled, SAMPLE_EVERY)
    fetch = known.plan(job.start, job.count, job.total)
    return PageResult(job, tuple(rows(fetch)), sampled)
