"""Tests for crechebooks_desktop.domain.account_statement (the ledger as people read it)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.account_statement import (
    AccountLine,
    AccountStatement,
    account_statement,
    statement_order,
)
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import LedgerEntryValue

SEP = dt.date(2026, 9, 30)
OCT = dt.date(2026, 10, 10)
NOV = dt.date(2026, 11, 10)
POSTED = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def entry(entry_id: int, day: dt.date, amount: int, balance_after: int = 0) -> LedgerEntryValue:
    return LedgerEntryValue(
        id=entry_id,
        household_id=7,
        entry_date=day,
        entry_type=EntryType.CHARGE if amount > 0 else EntryType.PAYMENT,
        amount_cents=amount,
        balance_after_cents=balance_after,
        description=f"entry {entry_id}",
        source_type=None,
        source_id=None,
        created_at=POSTED,
        created_by="admin",
    )


# Charges for October and November posted first, the opening balance of 30 September last.
POSTED_IN_ORDER = (
    entry(1, OCT, 100_000, 100_000),
    entry(2, NOV, 50_000, 150_000),
    entry(3, SEP, 200_000, 350_000),
)


def test_a_back_dated_entry_is_read_first_and_the_balance_runs_by_date() -> None:
    statement = account_statement(POSTED_IN_ORDER)
    assert [(e.id, e.running_balance_cents, e.balance_after_cents) for e in statement.lines] == [
        (3, 200_000, 350_000),
        (1, 300_000, 100_000),
        (2, 350_000, 150_000),
    ]
    assert (statement.date_from, statement.date_to, statement.opening_balance_cents) == (
        None,
        None,
        0,
    )
    assert statement.closing_balance_cents == 350_000


def test_one_day_goes_in_posting_order() -> None:
    same_day = (entry(9, OCT, -5_000), entry(4, OCT, 10_000), entry(6, OCT, 1))
    lines = account_statement(same_day).lines
    assert [(e.id, e.running_balance_cents) for e in lines] == [
        (4, 10_000),
        (6, 10_001),
        (9, 5_001),
    ]
    assert statement_order(lines[0]) == (OCT, 4)


def test_a_period_starts_from_the_balance_brought_forward() -> None:
    statement = account_statement(POSTED_IN_ORDER[:2], 200_000, date_from=OCT, date_to=NOV)
    assert [e.running_balance_cents for e in statement.lines] == [300_000, 350_000]
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (200_000, 350_000)
    empty = account_statement([], -7_500, date_from=NOV)
    assert (empty.lines, empty.closing_balance_cents) == ((), -7_500)


@pytest.mark.parametrize(
    ("date_from", "date_to", "outside"),
    [
        (OCT, None, "entry 3 dated 2026-09-30"),
        (None, OCT, "entry 2 dated 2026-11-10"),
        (dt.date(2026, 10, 1), OCT, "entry 3 dated 2026-09-30"),
    ],
)
def test_an_entry_outside_the_period_is_a_bug(
    date_from: dt.date | None, date_to: dt.date | None, outside: str
) -> None:
    with pytest.raises(ValueError, match=f"^{outside} is outside the period$"):
        account_statement(POSTED_IN_ORDER, date_from=date_from, date_to=date_to)


def test_a_line_is_its_entry_with_a_running_balance() -> None:
    (line,) = account_statement([POSTED_IN_ORDER[2]], 1_000).lines
    assert isinstance(line, LedgerEntryValue)
    assert line == AccountLine(
        id=3,
        household_id=7,
        entry_date=SEP,
        entry_type=EntryType.CHARGE,
        amount_cents=200_000,
        balance_after_cents=350_000,
        description="entry 3",
        source_type=None,
        source_id=None,
        created_at=POSTED,
        created_by="admin",
        running_balance_cents=201_000,
    )


def test_as_json_keeps_both_balances() -> None:
    statement = account_statement(POSTED_IN_ORDER[:2], 200_000, date_from=OCT, date_to=NOV)
    assert statement.as_json() == {
        "from": "2026-10-10",
        "to": "2026-11-10",
        "opening_balance_cents": 200_000,
        "closing_balance_cents": 350_000,
        "entries": [
            {
                "id": 1,
                "date": "2026-10-10",
                "type": "CHARGE",
                "amount_cents": 100_000,
                "running_balance_cents": 300_000,
                "balance_after_cents": 100_000,
                "description": "entry 1",
                "who": "admin",
            },
            {
                "id": 2,
                "date": "2026-11-10",
                "type": "CHARGE",
                "amount_cents": 50_000,
                "running_balance_cents": 350_000,
                "balance_after_cents": 150_000,
                "description": "entry 2",
                "who": "admin",
            },
        ],
    }
    assert AccountStatement(None, None, 0, ()).as_json()["from"] is None


# A random ledger: amounts and dates in any posting order (ids are the posting order).
ledgers = st.lists(
    st.tuples(
        st.integers(-(10**8), 10**8).filter(bool),
        st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ),
    max_size=30,
).map(lambda drawn: [entry(n, day, amount) for n, (amount, day) in enumerate(drawn, start=1)])


@given(ledgers, st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
def test_each_line_shows_the_sum_of_everything_dated_up_to_it(
    entries: list[LedgerEntryValue], day: dt.date
) -> None:
    lines = account_statement(entries).lines
    assert [statement_order(e) for e in lines] == sorted(statement_order(e) for e in entries)
    for line in lines:
        upto = [e for e in entries if statement_order(e) <= statement_order(line)]
        assert line.running_balance_cents == sum(e.amount_cents for e in upto)
    # Up to any day: the last running balance is the balance as of that day.
    dated = [line for line in lines if line.entry_date <= day]
    as_of = sum(e.amount_cents for e in entries if e.entry_date <= day)
    assert (dated[-1].running_balance_cents if dated else 0) == as_of


@given(ledgers, st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
def test_a_period_brought_forward_ends_where_the_whole_ledger_does(
    entries: list[LedgerEntryValue], since: dt.date
) -> None:
    whole = account_statement(entries)
    before = sum(e.amount_cents for e in entries if e.entry_date < since)
    period = account_statement(
        [e for e in entries if e.entry_date >= since], before, date_from=since
    )
    tail = [line for line in whole.lines if line.entry_date >= since]
    assert [(e.id, e.running_balance_cents) for e in period.lines] == [
        (e.id, e.running_balance_cents) for e in tail
    ]
    assert period.closing_balance_cents == whole.closing_balance_cents
    pairs = itertools.pairwise((before, *(e.running_balance_cents for e in period.lines)))
    assert all(b - a == e.amount_cents for (a, b), e in zip(pairs, period.lines, strict=True))
