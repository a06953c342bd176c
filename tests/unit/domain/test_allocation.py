"""Allocation planning (domain.allocation) and where money coming back out leaves an
invoice (domain.invoice.status_after_reversal)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.allocation import (
    AllocationPlan,
    OpenInvoice,
    PlannedAllocation,
    allocate_auto,
    allocate_explicit,
    oldest_first,
    preview,
)
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice import IllegalTransition, status_after_reversal
from crechebooks_desktop.errors import RuleViolation

S = InvoiceStatus
OCT, NOV, DEC = dt.date(2026, 10, 7), dt.date(2026, 11, 7), dt.date(2026, 12, 7)


def inv(
    invoice_id: int,
    balance: int,
    due: dt.date = OCT,
    status: InvoiceStatus = S.SENT,
    total: int | None = None,
) -> OpenInvoice:
    return OpenInvoice(
        invoice_id,
        f"INV-2026-{invoice_id:06d}",
        status,
        due,
        balance if total is None else total,
        balance,
    )


def pairs(plan: AllocationPlan) -> list[tuple[int, int]]:
    return [(a.invoice_id, a.cents) for a in plan.allocations]


# ----------------------------------------------------------------------------- automatic


def test_exact_partial_and_over_payment() -> None:
    one = [inv(1, 485_000)]
    exact = allocate_auto(485_000, one)
    assert (pairs(exact), exact.credit_cents, exact.allocated_cents) == ([(1, 485_000)], 0, 485_000)
    assert exact.allocations[0].settles
    partial = allocate_auto(100_000, one)
    assert (pairs(partial), partial.credit_cents) == ([(1, 100_000)], 0)
    (part,) = partial.allocations
    assert (part.settles, part.balance_due_cents, part.balance_after_cents) == (
        False,
        485_000,
        385_000,
    )
    over = allocate_auto(500_000, one)
    assert (pairs(over), over.credit_cents) == ([(1, 485_000)], 15_000)


def test_oldest_due_date_first_then_number() -> None:
    invoices = [
        inv(5, 320_000, NOV),
        inv(4, 485_000, NOV),
        inv(9, 100_000, OCT),
        inv(2, 50_000, DEC),
    ]
    plan = allocate_auto(700_000, invoices)
    assert pairs(plan) == [(9, 100_000), (4, 485_000), (5, 115_000)]
    assert plan.credit_cents == 0
    assert [i.invoice_id for i in oldest_first(invoices)] == [9, 4, 5, 2]


def test_invoices_that_cannot_take_money_are_skipped() -> None:
    invoices = [
        inv(1, 100_000, status=S.DRAFT),
        inv(2, 100_000, status=S.VOID),
        inv(3, 0, status=S.PAID, total=100_000),
        inv(4, 40_000, status=S.OVERDUE, total=100_000),
        inv(5, 30_000, status=S.PARTIALLY_PAID, total=100_000),
        inv(6, 20_000, status=S.VIEWED, due=NOV),
    ]
    plan = allocate_auto(100_000, invoices)
    assert pairs(plan) == [(4, 40_000), (5, 30_000), (6, 20_000)]
    assert plan.credit_cents == 10_000


def test_nothing_open_means_all_credit_and_zero_means_nothing() -> None:
    assert allocate_auto(25_000, []) == AllocationPlan(25_000, (), 25_000)
    assert allocate_auto(0, [inv(1, 100)]) == AllocationPlan(0, (), 0)


def test_auto_refuses_negative_and_non_cents() -> None:
    with pytest.raises(RuleViolation, match="negative"):
        allocate_auto(-1, [])
    with pytest.raises(TypeError, match="int cents"):
        allocate_auto(1.5, [])  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- explicit


def test_explicit_pairs_in_the_order_given_and_the_rest_is_credit() -> None:
    invoices = [inv(1, 485_000), inv(2, 320_000, NOV)]
    plan = allocate_explicit(
        600_000, [("inv-2026-000002", 320_000), ("INV-2026-000001", 1)], invoices
    )
    assert [(a.number, a.cents) for a in plan.allocations] == [
        ("INV-2026-000002", 320_000),
        ("INV-2026-000001", 1),
    ]
    assert plan.credit_cents == 279_999
    assert allocate_explicit(10, [], invoices).credit_cents == 10


@pytest.mark.parametrize(
    ("requested", "message"),
    [
        ([("INV-2026-000001", 485_001)], "more than the balance due on invoice INV-2026-000001"),
        ([("INV-2026-000001", 400_000), ("INV-2026-000002", 200_000)], "add up to R 6 000,00"),
        ([("INV-2026-000099", 1)], "INV-2026-000099 is not an invoice of this household"),
        ([("INV-2026-000003", 1)], "INV-2026-000003 is DRAFT"),
        ([("INV-2026-000004", 1)], "INV-2026-000004 is VOID"),
        ([("INV-2026-000005", 1)], r"balance due on invoice INV-2026-000005 \(R 0,00\)"),
        ([("INV-2026-000001", 0)], "must be more than zero"),
        ([("INV-2026-000001", -5)], "must be more than zero"),
        ([("INV-2026-000001", 1), ("inv-2026-000001", 1)], "named twice"),
    ],
)
def test_explicit_refusals(requested: list[tuple[str, int]], message: str) -> None:
    invoices = [
        inv(1, 485_000),
        inv(2, 320_000),
        inv(3, 100_000, status=S.DRAFT),
        inv(4, 100_000, status=S.VOID),
        inv(5, 0, status=S.PAID, total=100_000),
    ]
    with pytest.raises(RuleViolation, match=message):
        allocate_explicit(500_000, requested, invoices)


def test_explicit_refuses_a_float_amount() -> None:
    with pytest.raises(TypeError, match="int cents"):
        allocate_explicit(100, [("INV-2026-000001", 1.0)], [inv(1, 100)])  # type: ignore[list-item]


def test_preview_is_the_same_plan() -> None:
    invoices = [inv(1, 485_000), inv(2, 320_000, NOV)]
    assert preview(500_000, invoices) == allocate_auto(500_000, invoices)
    requested = [("INV-2026-000002", 1_000)]
    assert preview(500_000, invoices, requested) == allocate_explicit(500_000, requested, invoices)
    assert preview(500_000, invoices).allocations[1] == PlannedAllocation(
        2, "INV-2026-000002", 15_000, 320_000
    )


# ----------------------------------------------------------------------------- properties

_statuses = st.sampled_from(list(S))
_dates = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@st.composite
def _invoices(draw: st.DrawFn) -> list[OpenInvoice]:
    count = draw(st.integers(0, 8))
    found = []
    for index in range(1, count + 1):
        total = draw(st.integers(0, 1_000_000))
        balance = draw(st.integers(0, total))
        found.append(inv(index, balance, draw(_dates), draw(_statuses), total))
    return found


@given(st.integers(0, 5_000_000), _invoices())
def test_auto_allocation_invariants(amount: int, invoices: list[OpenInvoice]) -> None:
    plan = allocate_auto(amount, invoices)
    by_id = {i.invoice_id: i for i in invoices}
    # Everything is accounted for, to the cent.
    assert plan.allocated_cents + plan.credit_cents == amount
    assert plan.credit_cents >= 0
    for a in plan.allocations:
        target = by_id[a.invoice_id]
        assert 0 < a.cents <= target.balance_due_cents
        assert target.can_take_money
    # Oldest first: the allocations follow (due date, number) ...
    keys = [(by_id[a.invoice_id].due_date, a.number) for a in plan.allocations]
    assert keys == sorted(keys)
    # ... every one but the last settles its invoice, and a younger open
    # invoice gets nothing while an older one is left owing.
    assert all(a.settles for a in plan.allocations[:-1])
    paid = {a.invoice_id for a in plan.allocations}
    skipped = [i for i in oldest_first(invoices) if i.invoice_id not in paid]
    if skipped:
        assert plan.credit_cents == 0
    if plan.credit_cents:
        assert all(a.settles for a in plan.allocations)
        assert len(plan.allocations) == len(oldest_first(invoices))


@given(st.integers(0, 5_000_000), _invoices(), st.data())
def test_explicit_allocation_invariants(
    amount: int, invoices: list[OpenInvoice], data: st.DataObject
) -> None:
    chosen = data.draw(
        st.lists(st.sampled_from(invoices), unique=True) if invoices else st.just([])
    )
    requested = [(i.number, data.draw(st.integers(1, max(1, i.balance_due_cents)))) for i in chosen]
    try:
        plan = allocate_explicit(amount, requested, invoices)
    except RuleViolation:
        total = sum(c for _n, c in requested)
        assert total > amount or any(
            not i.can_take_money or c > i.balance_due_cents
            for i, (_n, c) in zip(chosen, requested, strict=True)
        )
        return
    assert plan.allocated_cents + plan.credit_cents == amount
    assert plan.credit_cents >= 0
    assert [(a.number, a.cents) for a in plan.allocations] == requested
    for a, target in zip(plan.allocations, chosen, strict=True):
        assert a.cents <= target.balance_due_cents
        assert target.can_take_money


# ----------------------------------------------------------------------------- reversal


@pytest.mark.parametrize(
    ("current", "balance", "as_of", "expected"),
    [
        (S.PAID, 100_000, OCT, S.SENT),  # wholly unpaid again, on the due date
        (S.PAID, 100_000, OCT + dt.timedelta(days=1), S.OVERDUE),
        (S.PARTIALLY_PAID, 100_000, OCT - dt.timedelta(days=3), S.SENT),
        (S.PARTIALLY_PAID, 100_000, NOV, S.OVERDUE),
        (S.PAID, 40_000, NOV, S.PARTIALLY_PAID),  # still partly paid, even past due
        (S.PARTIALLY_PAID, 99_999, OCT, S.PARTIALLY_PAID),
        (S.VIEWED, 100_000, OCT, S.VIEWED),
        (S.SENT, 100_000, OCT, S.SENT),
        (S.OVERDUE, 100_000, OCT, S.SENT),
    ],
)
def test_status_after_reversal(
    current: InvoiceStatus, balance: int, as_of: dt.date, expected: InvoiceStatus
) -> None:
    assert status_after_reversal(current, balance, 100_000, OCT, as_of) is expected


@pytest.mark.parametrize("current", [S.DRAFT, S.VOID])
def test_reversal_on_an_invoice_that_held_no_money_is_illegal(current: InvoiceStatus) -> None:
    with pytest.raises(IllegalTransition, match=f"from {current} to SENT"):
        status_after_reversal(current, 100, 100, OCT, OCT)


@pytest.mark.parametrize("balance", [0, -1, 100_001])
def test_reversal_leaves_something_owed_within_the_total(balance: int) -> None:
    with pytest.raises(ValueError, match="after a reversal"):
        status_after_reversal(S.PAID, balance, 100_000, OCT, OCT)
