"""The hash chains that make the book's history tamper-evident (docs/RULES.md, History).

Each audit record and each ledger entry carries ``chain_hash``: the SHA-256 of
the previous row's hash (in its creche's chain), the row's place in the chain
and its content. Rewriting a row, deleting one or moving rows about breaks
the chain at that row, so ``crechebooks check`` can name it.

The chain shows that history was changed behind the application's back; it
cannot stop someone who can write the book *and* recompute every hash after
the change. What keeps the chain honest against that is a copy of its head
kept elsewhere (a backup, a printed check), which a rebuilt chain no longer
matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.ledger import Violation

GENESIS = "0" * 64
"""The "previous hash" of a chain's first row."""

FORMAT = "cb1"
"""The version of the hashed form; a change of form needs a new version."""

_REPORTED_PER_CHAIN = 20  # enough to see a pattern; the rest are counted


@dataclass(frozen=True, slots=True)
class ChainedRow:
    """A row as the chain sees it.

    Attributes:
        row_id: its primary key.
        seq: its place in the chain (1, 2, ...), or None when it was never sealed.
        chain_hash: the hash it carries, or None when it was never sealed.
        content: the hashed columns, as read from the book.
    """

    row_id: int
    seq: int | None
    chain_hash: str | None
    content: Sequence[object]


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Where a chain ended when it was last sealed (kept beside the chain)."""

    last_seq: int
    last_hash: str


def link_hash(previous_hash: str, seq: int, content: Sequence[object]) -> str:
    """The hash a row carries at ``seq``, after the row whose hash is ``previous_hash``.

    The content is written as canonical JSON: dates and times in ISO form (times
    in UTC), JSON documents with sorted keys, so the same row read back from
    SQLite or PostgreSQL hashes the same.
    """
    payload = _ENCODER.encode([FORMAT, previous_hash, seq, *content])
    return hashlib.sha256(payload.encode()).hexdigest()


def _canonical(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite keeps UTC without its zone
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"no canonical form for {type(value).__name__}")


# One encoder for every row: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(
    default=_canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True
)


def seal(previous: ChainHead | None, contents: Iterable[Sequence[object]]) -> list[ChainHead]:
    """Places and hashes for new rows appended after ``previous``, in order."""
    seq, last = (previous.last_seq, previous.last_hash) if previous else (0, GENESIS)
    sealed = []
    for content in contents:
        seq += 1
        last = link_hash(last, seq, content)
        sealed.append(ChainHead(seq, last))
    return sealed


def verify_chain(
    name: str, rows: Iterable[ChainedRow], head: ChainHead | None
) -> Iterator[Violation]:
    """Every break in one chain, first break first.

    Args:
        name: the chain as people should read it, e.g. ``ledger of Little Acorns``.
        rows: the chain's sealed rows in chain order (seq, then id), then its
            unsealed rows (seq None).
        head: where the chain ended when last sealed (None: never sealed).

    Yields:
        A violation for each rewritten, missing, duplicated or unsealed row, and
        for a chain whose end no longer matches its head; after twenty, one
        violation counting the rest.
    """
    found = 0
    for violation in _breaks(name, rows, head):
        found += 1
        if found <= _REPORTED_PER_CHAIN:
            yield violation
    if found > _REPORTED_PER_CHAIN:
        yield Violation(
            "history chain",
            name,
            f"{found - _REPORTED_PER_CHAIN} more break(s) after the first {_REPORTED_PER_CHAIN}",
        )


def _breaks(name: str, rows: Iterable[ChainedRow], head: ChainHead | None) -> Iterator[Violation]:
    expected, previous, last_row = 1, GENESIS, None
    for row in rows:
        if row.seq is None or row.chain_hash is None:
            yield _broken(name, row, "is not in the chain: it was written outside CrecheBooks")
            continue
        if row.seq < expected:
            taken = "" if last_row is None else f" (already taken by row {last_row})"
            yield _broken(name, row, f"claims position {row.seq}{taken}: rows were reordered")
        elif row.seq > expected:
            yield _broken(name, row, f"follows a gap: {_positions(expected, row.seq - 1)} deleted")
        elif link_hash(previous, row.seq, row.content) != row.chain_hash:
            yield _broken(name, row, "does not match its hash: it was rewritten")
        expected, previous, last_row = max(expected, row.seq + 1), row.chain_hash, row.row_id
    yield from _check_head(name, expected - 1, previous, last_row, head)


def _check_head(
    name: str, last_seq: int, last_hash: str, last_row: int | None, head: ChainHead | None
) -> Iterator[Violation]:
    """The chain's end against the head kept beside it."""
    sealed_to = 0 if head is None else head.last_seq
    if sealed_to > last_seq:
        what = (
            f"the chain ends at position {last_seq} but was sealed up to {sealed_to}: "
            f"{_positions(last_seq + 1, sealed_to)} deleted"
        )
    elif sealed_to < last_seq:
        what = (
            f"{_positions(sealed_to + 1, last_seq)} carry hashes but were never sealed "
            "by CrecheBooks"
        )
    elif head is not None and head.last_hash != last_hash:
        what = f"the last row {last_row} is not the row that was sealed there"
    else:
        return
    yield Violation("history chain", name, what)


def _broken(name: str, row: ChainedRow, what: str) -> Violation:
    where = "" if row.seq is None else f" (position {row.seq})"
    return Violation("history chain", f"{name}: row {row.row_id}{where}", what)


def _positions(first: int, last: int) -> str:
    return f"position {first}" if first == last else f"positions {first}–{last}"
