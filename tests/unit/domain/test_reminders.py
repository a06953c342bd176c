"""Who is due which reminder (domain.reminders): levels, credit, holds, the minimum."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.reminders import (
    DEFAULT_LEVELS,
    Hold,
    Level,
    OwedInvoice,
    ReminderPolicy,
    check_levels,
    due_reminders,
)
from crechebooks_desktop.errors import RuleViolation

DUE = dt.date(2026, 3, 7)
POLICY = ReminderPolicy()  # 7, 21 and 45 days; R 50,00 at least


def owed(
    invoice_id: int,
    cents: int,
    due: dt.date = DUE,
    household: int = 1,
    sent: tuple[int, ...] | set[int] = (),
) -> OwedInvoice:
    return OwedInvoice(invoice_id, f"INV-{invoice_id}", household, due, cents, frozenset(sent))


@pytest.mark.parametrize(
    ("days", "level"), [(6, None), (7, 1), (20, 1), (21, 2), (44, 2), (45, 3), (400, 3)]
)
def test_an_invoice_reaches_a_level_on_its_day(days: int, level: int | None) -> None:
    due, _why = due_reminders(POLICY, [owed(1, 10_000)], {}, DUE + dt.timedelta(days=days))
    assert [r.level for r in due] == ([] if level is None else [level])


def test_a_level_is_sent_once_and_a_skipped_level_never_after_a_higher_one() -> None:
    day = DUE + dt.timedelta(days=30)  # level 2
    due, why = due_reminders(POLICY, [owed(1, 10_000, sent={2})], {}, day)
    assert due == []
    assert why == {1: "every past-due invoice has had its reminder at this level"}
    due, _ = due_reminders(POLICY, [owed(1, 10_000, sent={1})], {}, day)
    assert [(r.level, r.key) for r in due] == [(2, "1:2")]
    due, _ = due_reminders(POLICY, [owed(1, 10_000, sent={3})], {}, day)
    assert due == []


def test_credit_covers_the_oldest_invoices_first() -> None:
    day = DUE + dt.timedelta(days=50)
    older, newer = owed(1, 10_000), owed(2, 8_000, due=DUE + dt.timedelta(days=31))
    due, _ = due_reminders(POLICY, [newer, older], {1: 12_000}, day)
    (reminder,) = due
    assert [(line.number, line.owed_cents, line.level) for line in reminder.lines] == [
        ("INV-2", 6_000, 1)
    ]
    due, why = due_reminders(POLICY, [newer, older], {1: 18_000}, day)
    assert due == []
    assert why == {1: "its past-due invoices are covered by credit it holds"}


def test_holds_and_the_minimum_keep_a_household_from_a_letter() -> None:
    day = DUE + dt.timedelta(days=10)
    held = ReminderPolicy(holds={1: Hold(1, "payment plan", day)})
    due, why = due_reminders(held, [owed(1, 10_000)], {}, day)
    assert due == []
    assert why == {1: f"not reminded until {day.isoformat()}: payment plan"}
    due, _ = due_reminders(held, [owed(1, 10_000)], {}, day + dt.timedelta(days=1))
    assert len(due) == 1
    due, why = due_reminders(POLICY, [owed(1, 4_999)], {}, day)
    assert due == []
    assert why == {1: "owes less than the minimum for a reminder"}


def test_one_letter_per_household_at_its_highest_level() -> None:
    day = DUE + dt.timedelta(days=46)
    invoices = [
        owed(1, 10_000),
        owed(2, 5_000, due=DUE + dt.timedelta(days=31)),
        owed(3, 7_000, household=2),
    ]
    due, _ = due_reminders(POLICY, invoices, {}, day)
    assert [(r.household_id, r.level, r.total_cents) for r in due] == [
        (1, 3, 15_000),
        (2, 3, 7_000),
    ]
    assert [line.level for line in due[0].lines] == [3, 1]


def test_levels_are_checked() -> None:
    assert check_levels(DEFAULT_LEVELS) == DEFAULT_LEVELS
    with pytest.raises(RuleViolation, match="at least one level"):
        check_levels([])
    with pytest.raises(
        RuleViolation, match=r"level 2: its days after the due date \(7\) must be more than 7"
    ):
        check_levels([Level(1, 7, "a", "b"), Level(2, 7, "c", "d")])
    with pytest.raises(RuleViolation, match="numbered 1 to 1"):
        check_levels([Level(2, 7, "a", "b")])
    with pytest.raises(RuleViolation, match="give its subject and its words"):
        check_levels([Level(1, 7, "a", " ")])


invoice_sets = st.lists(
    st.tuples(st.integers(1, 3), st.integers(1, 50_000), st.integers(-20, 120)),
    min_size=1,
    max_size=8,
)


@given(
    invoice_sets, st.dictionaries(st.integers(1, 3), st.integers(0, 100_000)), st.integers(0, 200)
)
def test_sending_every_day_reminds_each_invoice_of_each_level_at_most_once_and_never_past_credit(
    rows: list[tuple[int, int, int]], held: dict[int, int], days: int
) -> None:
    invoices = {
        i: owed(i, cents, due=DUE + dt.timedelta(days=offset), household=household)
        for i, (household, cents, offset) in enumerate(rows, start=1)
    }
    sent: dict[int, set[int]] = {i: set() for i in invoices}
    for day in range(days):
        as_of = DUE + dt.timedelta(days=day)
        current = [
            OwedInvoice(
                v.invoice_id,
                v.number,
                v.household_id,
                v.due_date,
                v.balance_cents,
                frozenset(sent[i]),
            )
            for i, v in invoices.items()
        ]
        due, _ = due_reminders(POLICY, current, held, as_of)
        for reminder in due:
            household = [v for v in invoices.values() if v.household_id == reminder.household_id]
            owed_total = sum(v.balance_cents for v in household)
            assert reminder.total_cents <= owed_total - min(
                held.get(reminder.household_id, 0), owed_total
            )
            for line in reminder.lines:
                assert line.level not in sent[line.invoice_id]
                assert all(line.level > s for s in sent[line.invoice_id])
                assert line.owed_cents > 0
                sent[line.invoice_id].add(line.level)
