"""Tests for crechebooks_desktop.domain.invoice (the invoice lifecycle)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice import (
    ALLOWED,
    AgingBucket,
    IllegalTransition,
    aging_bucket,
    can_allocate,
    invoice_number,
    is_overdue,
    status_after_allocation,
    transition,
)
from crechebooks_desktop.errors import RuleViolation, UserFacingError

S = InvoiceStatus

# Written out from docs/RULES.md, Invoice lifecycle, independently of the module's table.
DESIGN_EDGES = {
    (S.DRAFT, S.SENT),
    (S.SENT, S.VIEWED),
    (S.SENT, S.OVERDUE),
    (S.VIEWED, S.OVERDUE),
    (S.SENT, S.PARTIALLY_PAID),
    (S.VIEWED, S.PARTIALLY_PAID),
    (S.OVERDUE, S.PARTIALLY_PAID),
    (S.PARTIALLY_PAID, S.PAID),
    (S.SENT, S.PAID),
    (S.VIEWED, S.PAID),
    (S.OVERDUE, S.PAID),
    (S.DRAFT, S.VOID),
    (S.SENT, S.VOID),
}
ALL_PAIRS = list(itertools.product(S, S))


def test_the_table_is_exactly_the_design() -> None:
    table = {(a, b) for a, targets in ALLOWED.items() for b in targets}
    assert table == DESIGN_EDGES
    assert set(ALLOWED) == set(S)
    assert len(ALL_PAIRS) == 49


@pytest.mark.parametrize(("current", "to"), ALL_PAIRS)
def test_every_pair_is_allowed_or_refused(current: S, to: S) -> None:
    if (current, to) in DESIGN_EDGES:
        assert transition(current, to, reason="entered twice") is to
    else:
        with pytest.raises(IllegalTransition) as caught:
            transition(current, to, reason="entered twice")
        assert caught.value.current is current
        assert caught.value.to is to
        assert str(caught.value) == f"the invoice cannot go from {current} to {to}"


def test_illegal_transition_is_a_rule_violation_with_the_number() -> None:
    with pytest.raises(IllegalTransition) as caught:
        transition(S.PAID, S.VOID, number="INV-2026-000012", reason="mistake")
    assert isinstance(caught.value, RuleViolation)
    assert isinstance(caught.value, UserFacingError)
    assert caught.value.number == "INV-2026-000012"
    assert str(caught.value) == "invoice INV-2026-000012 cannot go from PAID to VOID"


def test_the_table_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        ALLOWED[S.PAID] = frozenset({S.VOID})  # type: ignore[index]


@pytest.mark.parametrize("reason", [None, "", "   ", "\t\n"])
@pytest.mark.parametrize("current", [S.DRAFT, S.SENT])
def test_void_needs_a_reason(current: S, reason: str | None) -> None:
    with pytest.raises(RuleViolation, match=r"^a reason is needed to void an invoice$") as caught:
        transition(current, S.VOID, reason=reason)
    assert not isinstance(caught.value, IllegalTransition)


def test_void_refused_while_payments_are_allocated() -> None:
    with pytest.raises(
        RuleViolation,
        match=r"^invoice INV-2026-000007 has payments allocated; remove them first$",
    ):
        transition(S.SENT, S.VOID, number="INV-2026-000007", reason="dup", has_allocations=True)
    with pytest.raises(RuleViolation, match=r"^the invoice has payments allocated"):
        transition(S.SENT, S.VOID, reason="dup", has_allocations=True)


def test_illegal_void_is_refused_before_the_reason_is_checked() -> None:
    with pytest.raises(IllegalTransition):
        transition(S.PAID, S.VOID)


def test_allocations_do_not_matter_for_other_moves() -> None:
    assert transition(S.SENT, S.PAID, has_allocations=True) is S.PAID


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.DRAFT, False),
        (S.SENT, True),
        (S.VIEWED, True),
        (S.OVERDUE, True),
        (S.PARTIALLY_PAID, True),
        (S.PAID, True),
        (S.VOID, False),
    ],
)
def test_can_allocate(status: S, expected: bool) -> None:
    assert can_allocate(status) is expected


@pytest.mark.parametrize(
    ("current", "balance", "total", "expected"),
    [
        (S.SENT, 0, 48_500, S.PAID),
        (S.VIEWED, 0, 48_500, S.PAID),
        (S.OVERDUE, 0, 48_500, S.PAID),
        (S.PARTIALLY_PAID, 0, 48_500, S.PAID),
        (S.SENT, 1, 48_500, S.PARTIALLY_PAID),
        (S.VIEWED, 20_000, 48_500, S.PARTIALLY_PAID),
        (S.OVERDUE, 48_499, 48_500, S.PARTIALLY_PAID),
        (S.PARTIALLY_PAID, 10_000, 48_500, S.PARTIALLY_PAID),
        (S.SENT, 48_500, 48_500, S.SENT),
        (S.OVERDUE, 48_500, 48_500, S.OVERDUE),
    ],
)
def test_status_after_allocation(current: S, balance: int, total: int, expected: S) -> None:
    assert status_after_allocation(current, balance, total) is expected


@pytest.mark.parametrize(
    ("current", "balance"),
    [(S.DRAFT, 0), (S.DRAFT, 100), (S.VOID, 0), (S.VOID, 100), (S.PAID, 0)],
)
def test_status_after_allocation_refuses_illegal_moves(current: S, balance: int) -> None:
    with pytest.raises(IllegalTransition):
        status_after_allocation(current, balance, 48_500)


@pytest.mark.parametrize(("balance", "total"), [(-1, 48_500), (48_501, 48_500), (1, 0)])
def test_status_after_allocation_refuses_impossible_balances(balance: int, total: int) -> None:
    with pytest.raises(ValueError, match="must be from 0 to the total"):
        status_after_allocation(S.SENT, balance, total)


DUE = dt.date(2026, 3, 7)


@pytest.mark.parametrize(
    ("status", "balance", "as_of", "expected"),
    [
        (S.SENT, 48_500, dt.date(2026, 3, 6), False),
        (S.SENT, 48_500, DUE, False),
        (S.SENT, 48_500, dt.date(2026, 3, 8), True),
        (S.VIEWED, 1, dt.date(2026, 3, 8), True),
        (S.SENT, 0, dt.date(2026, 3, 8), False),
        (S.PAID, 0, dt.date(2026, 3, 8), False),
        (S.PAID, 48_500, dt.date(2026, 3, 8), False),
        (S.DRAFT, 48_500, dt.date(2026, 4, 30), False),
        (S.VOID, 48_500, dt.date(2026, 4, 30), False),
        (S.OVERDUE, 48_500, dt.date(2026, 4, 30), False),
        (S.PARTIALLY_PAID, 100, dt.date(2026, 4, 30), False),
    ],
)
def test_is_overdue(status: S, balance: int, as_of: dt.date, expected: bool) -> None:
    assert is_overdue(status, DUE, balance, as_of) is expected


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-30, AgingBucket.CURRENT),
        (0, AgingBucket.CURRENT),
        (1, AgingBucket.DAYS_30),
        (30, AgingBucket.DAYS_30),
        (31, AgingBucket.DAYS_60),
        (60, AgingBucket.DAYS_60),
        (61, AgingBucket.DAYS_90_PLUS),
        (400, AgingBucket.DAYS_90_PLUS),
    ],
)
def test_aging_bucket_edges(days: int, bucket: AgingBucket) -> None:
    assert aging_bucket(DUE, DUE + dt.timedelta(days=days)) is bucket


def test_aging_bucket_values() -> None:
    assert [b.value for b in AgingBucket] == ["CURRENT", "DAYS_30", "DAYS_60", "DAYS_90_PLUS"]


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.integers(min_value=-1000, max_value=1000),
)
def test_aging_buckets_are_monotonic(due: dt.date, days: int) -> None:
    order = list(AgingBucket)
    as_of, later = due + dt.timedelta(days=days), due + dt.timedelta(days=days + 1)
    assert order.index(aging_bucket(due, as_of)) <= order.index(aging_bucket(due, later))


@pytest.mark.parametrize(
    ("prefix", "year", "sequence", "number"),
    [
        ("INV", 2026, 123, "INV-2026-000123"),
        ("INV", 2026, 1, "INV-2026-000001"),
        ("INV", 2027, 999_999, "INV-2027-999999"),
        ("INV", 2027, 1_000_000, "INV-2027-1000000"),
        ("ACORN", 2026, 12, "ACORN-2026-000012"),
    ],
)
def test_invoice_number(prefix: str, year: int, sequence: int, number: str) -> None:
    assert invoice_number(prefix, year, sequence) == number


@pytest.mark.parametrize("sequence", [0, -1])
def test_invoice_number_starts_at_one(sequence: int) -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        invoice_number("INV", 2026, sequence)


@pytest.mark.parametrize("prefix", ["", "  "])
def test_invoice_number_needs_a_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix cannot be blank"):
        invoice_number(prefix, 2026, 1)
