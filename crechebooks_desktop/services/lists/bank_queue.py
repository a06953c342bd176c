"""The matching queue: counted by group, then read a page at a time (issue 13).

Read-only use cases: each takes a unit of work (one read transaction) and
returns plain immutable values. The full candidates of a line are read when
it is selected (``services.bank.review_queue.list_lines`` with its id).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.bank_queue import (
    QueueGroup,
    QueueListRow,
    QueueSort,
    QueueSpec,
    group_of,
)
from crechebooks_desktop.db.repositories.keyset import Around, Key
from crechebooks_desktop.db.unit_of_work import UnitOfWork

__all__ = [
    "OpenedQueue",
    "QueueGroup",
    "QueueListRow",
    "QueueSort",
    "QueueSpec",
    "find_row",
    "group_counts",
    "group_of",
    "open_queue",
    "read_page",
    "sampled_keys",
]


@dataclass(frozen=True, slots=True)
class OpenedQueue:
    """The first look at the queue: its count and its first page.

    The lines in each group are counted apart (``group_counts``): on a big
    book that takes longer than the page, which is shown first.

    Attributes:
        total: lines the queue shows under its filter.
        first_page: the queue's first rows.
        kept: the row asked to be kept (the selection) and its page, if shown.
    """

    total: int
    first_page: tuple[QueueListRow, ...]
    kept: Around[QueueListRow] | None = None


def open_queue(
    uow: UnitOfWork, spec: QueueSpec, page_size: int, keep_id: int | None = None
) -> OpenedQueue:
    """Count the queue and read its first page (and the kept line's), in one snapshot."""
    queue = uow.bank_queue
    total = queue.count(spec)
    first = queue.page(spec, None, limit=page_size) if total else []
    kept = queue.around(spec, keep_id, page_size) if keep_id is not None else None
    return OpenedQueue(total, tuple(first), kept)


def group_counts(uow: UnitOfWork) -> Counter[QueueGroup]:
    """How many credit lines are in each group (to review, auto-applied, ...)."""
    return uow.bank_queue.group_counts()


def read_page(
    uow: UnitOfWork,
    spec: QueueSpec,
    anchor: Key | None,
    *,
    backward: bool,
    offset: int,
    limit: int,
) -> tuple[QueueListRow, ...]:
    """Rows next to a known key, in the queue's order (see ``KeysetList.page``)."""
    return tuple(uow.bank_queue.page(spec, anchor, backward=backward, offset=offset, limit=limit))


def sampled_keys(uow: UnitOfWork, spec: QueueSpec, every: int) -> tuple[Key, ...]:
    """The keys of every ``every``-th row of the queue, for far jumps."""
    return tuple(uow.bank_queue.sampled_keys(spec, every))


def find_row(uow: UnitOfWork, spec: QueueSpec, line_id: int) -> tuple[int, QueueListRow] | None:
    """Where a line stands in the queue now, and its row (None: the filter hides it)."""
    queue = uow.bank_queue
    row = queue.find(spec, line_id)
    if row is None:
        return None
    return queue.position(spec, row.key(spec.sort)), row
