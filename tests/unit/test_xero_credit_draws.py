"""Household credit in Xero: which overpayment each use of credit draws on (issue 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.xero_credit import (
    ADJUSTMENT,
    CREDIT,
    PAYMENT,
    REFUND,
    REVERSAL,
    CreditSource,
    CreditUse,
    Draw,
    allocation_body,
    assign_draws,
    credit_note_body,
    overpayment_body,
    refund_body,
)

DAY = dt.date(2026, 3, 1)


def _day(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def _paid(payment_id: int, day: int, cents: int) -> CreditSource:
    return CreditSource(PAYMENT, payment_id, _day(day), cents)


def _draw(kind: str, use_id: int, payment_id: int, cents: int) -> Draw:
    return Draw(kind, use_id, PAYMENT, payment_id, cents)


def test_a_use_draws_on_the_oldest_overpayment_first_and_spills_into_the_next() -> None:
    sources = [
        _paid(7, 5, 10_000),
        _paid(3, 1, 4_000),
    ]
    new, short = assign_draws([CreditUse(CREDIT, 1, _day(9), 9_000)], sources, [])
    assert new == [_draw(CREDIT, 1, 3, 4_000), _draw(CREDIT, 1, 7, 5_000)]
    assert short == {}


def test_draws_already_decided_stand_and_only_the_rest_is_drawn() -> None:
    sources = [_paid(3, 1, 4_000), _paid(7, 5, 10_000)]
    drawn = [_draw(CREDIT, 1, 7, 2_000)]  # decided earlier, against the order used now
    uses = [CreditUse(CREDIT, 1, _day(9), 3_000), CreditUse(REFUND, 4, _day(10), 5_000)]
    new, short = assign_draws(uses, sources, drawn)
    assert new == [
        _draw(CREDIT, 1, 3, 1_000),
        _draw(REFUND, 4, 3, 3_000),
        _draw(REFUND, 4, 7, 2_000),
    ]
    assert short == {}
    again, _ = assign_draws(uses, sources, drawn + new)
    assert again == []


def test_a_reversal_takes_back_its_own_overpayment_before_any_other() -> None:
    sources = [_paid(3, 1, 4_000), _paid(7, 5, 6_000)]
    new, _ = assign_draws([CreditUse(REVERSAL, 7, _day(6), 6_000)], sources, [])
    assert new == [_draw(REVERSAL, 7, 7, 6_000)]


def test_money_paid_out_draws_only_on_overpayments_credit_used_on_any_source() -> None:
    note = CreditSource(ADJUSTMENT, 40, _day(0), 5_000)
    sources = [note, _paid(3, 1, 4_000)]
    uses = [CreditUse(REFUND, 8, _day(2), 4_500), CreditUse(CREDIT, 9, _day(3), 5_500)]
    new, short = assign_draws(uses, sources, [])
    assert new == [
        _draw(REFUND, 8, 3, 4_000),
        Draw(CREDIT, 9, ADJUSTMENT, 40, 5_000),
    ]
    assert short == {(REFUND, 8): 500, (CREDIT, 9): 500}


def test_a_use_finding_too_little_credit_in_xero_says_how_much_is_missing() -> None:
    sources = [_paid(3, 1, 4_000)]
    uses = [CreditUse(CREDIT, 1, _day(2), 3_000), CreditUse(CREDIT, 2, _day(3), 2_500)]
    new, short = assign_draws(uses, sources, [])
    assert new == [_draw(CREDIT, 1, 3, 3_000), _draw(CREDIT, 2, 3, 1_000)]
    assert short == {(CREDIT, 2): 1_500}


@given(
    st.lists(st.integers(1, 500_000), min_size=0, max_size=6),
    st.lists(st.tuples(st.sampled_from([CREDIT, REFUND]), st.integers(1, 400_000)), max_size=8),
    st.integers(0, 8),
)
def test_no_overpayment_is_overdrawn_and_no_use_is_drawn_beyond_itself(
    excesses: list[int], wanted: list[tuple[str, int]], decided_first: int
) -> None:
    sources = [_paid(i + 1, i, c) for i, c in enumerate(excesses)]
    uses = [CreditUse(kind, n + 1, _day(n), c) for n, (kind, c) in enumerate(wanted)]
    first, _ = assign_draws(uses[:decided_first], sources, [])
    new, short = assign_draws(uses, sources, first)
    every = first + new
    for source in sources:
        assert sum(d.cents for d in every if d.source == source.key) <= source.cents
    for use in uses:
        drawn = sum(d.cents for d in every if (d.kind, d.use_id) == use.key)
        assert drawn + short.get(use.key, 0) == use.cents
    assert all(d.cents > 0 for d in every)
    # What is short is short only because every overpayment is used up.
    if short:
        assert sum(d.cents for d in every) == sum(excesses)


def test_the_bodies_are_xero_shapes_with_exact_amounts() -> None:
    assert overpayment_body("C-1", "090", DAY, 12_345, "Credit from payment 4") == {
        "Type": "RECEIVE-OVERPAYMENT",
        "Contact": {"ContactID": "C-1"},
        "BankAccount": {"Code": "090"},
        "Date": "2026-03-01",
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Credit from payment 4", "LineAmount": Decimal("123.45")}],
    }
    assert allocation_body("I-1", 5, DAY) == {
        "Invoice": {"InvoiceID": "I-1"},
        "Amount": Decimal("0.05"),
        "Date": "2026-03-01",
    }
    note = credit_note_body("C-1", "ADJ-000040", DAY, 2_000, "Adjustment: goodwill", "200")
    assert note["Type"] == "ACCRECCREDIT"
    assert note["LineAmountTypes"] == "NoTax"
    assert note["LineItems"] == [
        {
            "Description": "Adjustment: goodwill",
            "Quantity": 1,
            "UnitAmount": Decimal("20.00"),
            "AccountCode": "200",
        }
    ]
    refund = refund_body("O-1", "090", DAY, 100, "x" * 300)
    assert refund["Overpayment"] == {"OverpaymentID": "O-1"}
    assert refund["Amount"] == Decimal("1.00")
    assert len(refund["Reference"]) == 255
