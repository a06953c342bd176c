"""Where to read a page of the all-households ledger from (pure; no Qt, no database).

Row ``i`` of the view can only be reached by keyset from a row whose key is
known: the start, the end, the first and last row of each page read so far,
and the sampled keys (every ``SAMPLE_EVERY``-th row, read once per order when
the first far jump needs them). ``KnownKeys.plan`` picks the nearest of them,
forward or backward, so that the database skips as few rows as possible.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

Key = tuple[Any, int]
"""A row's position in the order: its value in the sort column, and its id."""

PAGE_SIZE = 500
SAMPLE_EVERY = 10_000


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
