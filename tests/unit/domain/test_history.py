"""The history hash chain: sealing, and finding every kind of break."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.history import (
    GENESIS,
    ChainedRow,
    ChainHead,
    link_hash,
    seal,
    verify_chain,
)
from crechebooks_desktop.domain.ledger import Violation

WHEN = dt.datetime(2026, 11, 21, 8, 30, 0, 123456, tzinfo=dt.UTC)


def _contents(count: int) -> list[tuple[object, ...]]:
    return [
        (i, 1, dt.date(2026, 11, 1), EntryType.CHARGE, 1000 * i, WHEN, {"b": [i], "a": None})
        for i in range(1, count + 1)
    ]


def _chain(contents: Sequence[tuple[object, ...]]) -> tuple[list[ChainedRow], ChainHead]:
    sealed = seal(None, contents)
    rows = [
        ChainedRow(int(str(c[0])), s.last_seq, s.last_hash, c)
        for c, s in zip(contents, sealed, strict=True)
    ]
    return rows, sealed[-1]


def _found(rows: list[ChainedRow], head: ChainHead | None) -> list[Violation]:
    return list(verify_chain("ledger", rows, head))


def test_the_hash_is_the_same_for_the_same_row_however_it_was_read() -> None:
    """SQLite reads a timestamp without its zone and PostgreSQL in its own; JSON keys
    come back in any order."""
    utc = (1, WHEN, {"a": 1, "b": [2, {"d": 3, "c": 4}]})
    johannesburg = WHEN.astimezone(dt.timezone(dt.timedelta(hours=2)))
    read_back = (1, johannesburg, {"b": [2, {"c": 4, "d": 3}], "a": 1})
    naive = (1, WHEN.replace(tzinfo=None), {"a": 1, "b": [2, {"d": 3, "c": 4}]})
    assert link_hash(GENESIS, 1, utc) == link_hash(GENESIS, 1, read_back)
    assert link_hash(GENESIS, 1, utc) == link_hash(GENESIS, 1, naive)


def test_the_hash_covers_the_place_the_predecessor_and_every_value() -> None:
    content = (7, "Nomsa", dt.date(2026, 1, 1), None)
    base = link_hash(GENESIS, 1, content)
    assert link_hash(GENESIS, 2, content) != base
    assert link_hash("1" * 64, 1, content) != base
    assert link_hash(GENESIS, 1, (7, "Nomsa", dt.date(2026, 1, 2), None)) != base
    assert link_hash(GENESIS, 1, (7, "Nomsa", dt.date(2026, 1, 1), "")) != base
    assert link_hash(GENESIS, 1, (7, "Nomsa", "2026-01-01", None)) == base  # dates hash as ISO


def test_sealing_continues_after_the_head() -> None:
    first = seal(None, _contents(3))
    more = seal(first[-1], _contents(5)[3:])
    assert [h.last_seq for h in more] == [4, 5]
    assert more == seal(None, _contents(5))[3:]


def test_an_intact_chain_has_no_breaks() -> None:
    rows, head = _chain(_contents(5))
    assert _found(rows, head) == []
    assert _found([], None) == []


def test_each_kind_of_break_is_named() -> None:
    rows, head = _chain(_contents(6))
    rewritten = [*rows[:2], ChainedRow(3, 3, rows[2].chain_hash, (3, "forged")), *rows[3:]]
    assert _found(rewritten, head) == [
        Violation(
            "history chain",
            "ledger: row 3 (position 3)",
            "does not match its hash: it was rewritten",
        )
    ]
    assert _found(rows[:2] + rows[4:], head) == [
        Violation(
            "history chain", "ledger: row 5 (position 5)", "follows a gap: positions 3–4 deleted"
        )
    ]
    assert _found(rows[:4], head) == [
        Violation(
            "history chain",
            "ledger",
            "the chain ends at position 4 but was sealed up to 6: positions 5–6 deleted",
        )
    ]
    forged = ChainedRow(99, None, None, (99,))
    assert _found([*rows, forged], head) == [
        Violation(
            "history chain",
            "ledger: row 99",
            "is not in the chain: it was written outside CrecheBooks",
        )
    ]
    assert _found(rows, None) == [
        Violation(
            "history chain",
            "ledger",
            "positions 1–6 carry hashes but were never sealed by CrecheBooks",
        )
    ]
    assert _found(rows, ChainHead(6, "f" * 64)) == [
        Violation("history chain", "ledger", "the last row 6 is not the row that was sealed there")
    ]


def test_many_breaks_are_counted_after_the_first_twenty() -> None:
    rows, head = _chain(_contents(30))
    tampered = [ChainedRow(r.row_id, r.seq, r.chain_hash, (0,)) for r in rows]
    found = _found(tampered, head)
    assert len(found) == 21
    assert found[0].subject == "ledger: row 1 (position 1)"
    assert found[-1] == Violation("history chain", "ledger", "10 more break(s) after the first 20")


@given(
    count=st.integers(min_value=2, max_value=12),
    kind=st.sampled_from(["edit", "delete", "swap", "truncate", "forge", "move"]),
    data=st.data(),
)
def test_any_single_tampering_is_found(count: int, kind: str, data: st.DataObject) -> None:
    rows, head = _chain(_contents(count))
    at = data.draw(st.integers(min_value=0, max_value=count - 2), label="at")
    if kind == "edit":
        row = rows[at]
        rows[at] = ChainedRow(row.row_id, row.seq, row.chain_hash, (*row.content[:-1], {"x": 1}))
    elif kind == "delete":
        del rows[at]
    elif kind == "swap":  # contents change places, hashes and positions stay
        a, b = rows[at], rows[at + 1]
        rows[at] = ChainedRow(a.row_id, a.seq, a.chain_hash, b.content)
        rows[at + 1] = ChainedRow(b.row_id, b.seq, b.chain_hash, a.content)
    elif kind == "truncate":
        del rows[at + 1 :]
    elif kind == "forge":
        rows.append(ChainedRow(1000, None, None, (1000,)))
    else:  # rows keep their hashes but change places
        rows[at], rows[at + 1] = (
            ChainedRow(
                rows[at + 1].row_id, rows[at].seq, rows[at + 1].chain_hash, rows[at + 1].content
            ),
            ChainedRow(rows[at].row_id, rows[at + 1].seq, rows[at].chain_hash, rows[at].content),
        )
    assert _found(rows, head), f"{kind} at {at} went unnoticed"
