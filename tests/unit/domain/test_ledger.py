"""Tests for crechebooks_desktop.domain.ledger (the invariants, judged purely)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.ledger import (
    HouseholdFacts,
    Violation,
    check_chain_link,
    check_household,
    check_invoice,
    check_payment,
    next_balance,
)

NON_ZERO = st.integers(min_value=-(10**9), max_value=10**9).filter(bool)


def facts(**changes: int | None) -> HouseholdFacts:
    values: dict[str, object] = {
        "household_id": 7,
        "account_ref": "NAIDOO02",
        "stored_balance_cents": 28_500,
        "stored_credit_cents": 0,
        "entries_sum_cents": 28_500,
        "last_balance_after_cents": 28_500,
        "outstanding_cents": 28_500,
    }
    values.update(changes)
    return HouseholdFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("balance", "amount", "after"),
    [(0, 48_500, 48_500), (48_500, -20_000, 28_500), (28_500, 100, 28_600), (0, -1, -1)],
)
def test_next_balance(balance: int, amount: int, after: int) -> None:
    assert next_balance(balance, amount) == after


def test_next_balance_refuses_zero() -> None:
    with pytest.raises(ValueError, match="non-zero"):
        next_balance(100, 0)


def test_consistent_household_has_no_violations() -> None:
    assert check_household(facts()) == []


def test_household_without_entries_is_consistent() -> None:
    empty = facts(
        stored_balance_cents=0,
        entries_sum_cents=0,
        last_balance_after_cents=None,
        outstanding_cents=0,
    )
    assert check_household(empty) == []


def test_household_in_credit_is_consistent() -> None:
    credit = facts(
        stored_balance_cents=-25_000,
        stored_credit_cents=25_000,
        entries_sum_cents=-25_000,
        last_balance_after_cents=-25_000,
        outstanding_cents=0,
    )
    assert check_household(credit) == []


def test_every_household_rule_reported() -> None:
    broken = facts(
        stored_balance_cents=100,
        stored_credit_cents=-5,
        entries_sum_cents=90,
        last_balance_after_cents=80,
        outstanding_cents=70,
    )
    assert check_household(broken) == [
        Violation(
            "balance = sum of entries",
            "household NAIDOO02",
            "stored balance 100 ≠ sum of entries 90",
        ),
        Violation(
            "balance = last balance_after",
            "household NAIDOO02",
            "stored balance 100 ≠ last balance_after 80",
        ),
        Violation("credit ≥ 0", "household NAIDOO02", "unused credit -5"),
        Violation(
            "balance = outstanding − credit",
            "household NAIDOO02",
            "stored balance 100 ≠ outstanding 70 − credit -5",
        ),
    ]


def test_missing_entries_count_as_zero_last_balance() -> None:
    found = check_household(facts(last_balance_after_cents=None))
    assert [v.rule for v in found] == ["balance = last balance_after"]
    assert found[0].detail == "stored balance 28500 ≠ last balance_after 0"


def test_outstanding_less_credit() -> None:
    found = check_household(facts(stored_credit_cents=1_000))
    assert [v.detail for v in found] == ["stored balance 28500 ≠ outstanding 28500 − credit 1000"]


def test_chain_link() -> None:
    assert check_chain_link("NEL33", 5, 48_500, -20_000, 28_500) is None
    broken = check_chain_link("NEL33", 6, 28_500, 100, 28_601)
    assert broken == Violation(
        "balance_after chain",
        "household NEL33 entry 6",
        "previous 28500 + amount 100 ≠ balance_after 28601",
    )
    assert str(broken) == (
        "household NEL33 entry 6: balance_after chain: "
        "previous 28500 + amount 100 ≠ balance_after 28601"
    )


@pytest.mark.parametrize(
    ("total", "allocated", "due", "rules"),
    [
        (48_500, 0, 48_500, []),
        (48_500, 48_500, 0, []),
        (48_500, 20_000, 28_500, []),
        (48_500, 0, 47_500, ["balance due = total − allocations"]),
        (48_500, 50_000, -1_500, ["balance due ≥ 0"]),
        (48_500, 50_000, -1, ["balance due = total − allocations", "balance due ≥ 0"]),
    ],
)
def test_check_invoice(total: int, allocated: int, due: int, rules: list[str]) -> None:
    found = check_invoice("INV-2026-000001", total, allocated, due)
    assert [v.rule for v in found] == rules
    assert {v.subject for v in found} <= {"invoice INV-2026-000001"}


def test_check_invoice_detail() -> None:
    (found,) = check_invoice("INV-2026-000003", 1000, 200, 900)
    assert found.detail == "balance due 900 ≠ total 1000 − allocations 200"


@pytest.mark.parametrize(
    ("amount", "allocated", "broken"), [(500, 0, False), (500, 500, False), (500, 501, True)]
)
def test_check_payment(amount: int, allocated: int, broken: bool) -> None:
    found = check_payment(12, amount, allocated)
    if broken:
        assert found == [
            Violation("allocations ≤ payment", "payment 12", f"allocated {allocated} > amount 500")
        ]
    else:
        assert found == []


@given(amounts=st.lists(NON_ZERO, max_size=60))
def test_folding_next_balance_is_the_running_sum(amounts: list[int]) -> None:
    balances = []
    balance = 0
    for amount in amounts:
        balance = next_balance(balance, amount)
        balances.append(balance)
    assert balances == list(itertools.accumulate(amounts))
    previous = [0, *balances][: len(balances)]
    for entry_id, (before, amount, after) in enumerate(
        zip(previous, amounts, balances, strict=True)
    ):
        assert check_chain_link("X01", entry_id, before, amount, after) is None


@given(
    amounts=st.lists(NON_ZERO, max_size=60),
    credit=st.integers(min_value=0, max_value=10**9),
)
def test_consistent_facts_have_no_violations(amounts: list[int], credit: int) -> None:
    balance = 0
    for amount in amounts:
        balance = next_balance(balance, amount)
    consistent = HouseholdFacts(
        household_id=1,
        account_ref="X01",
        stored_balance_cents=balance,
        stored_credit_cents=credit,
        entries_sum_cents=sum(amounts),
        last_balance_after_cents=balance if amounts else None,
        outstanding_cents=balance + credit,
    )
    assert check_household(consistent) == []


@given(amounts=st.lists(NON_ZERO, min_size=1, max_size=30), off=NON_ZERO)
def test_any_drift_in_the_stored_balance_is_found(amounts: list[int], off: int) -> None:
    balance = sum(amounts)
    drifted = HouseholdFacts(
        household_id=1,
        account_ref="X01",
        stored_balance_cents=balance + off,
        stored_credit_cents=0,
        entries_sum_cents=balance,
        last_balance_after_cents=balance,
        outstanding_cents=balance,
    )
    assert [v.rule for v in check_household(drifted)] == [
        "balance = sum of entries",
        "balance = last balance_after",
        "balance = outstanding − credit",
    ]
