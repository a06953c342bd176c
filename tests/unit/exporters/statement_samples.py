"""Statements built by hand for the statement PDF tests (no book needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from crechebooks_desktop.domain.aging import AgingSummary, InvoiceMoney, InvoicePosition
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.household_statement import (
    StatementKind,
    StatementLine,
    StatementOf,
    StatementParty,
)

PARTY = StatementParty(
    household_id=11,
    household_ref="PRETORIU11",
    parent_name="Mr Lungile Pretorius",
    second_parent_name="Mrs Elmarie Pretorius",
    email="lungile@example.co.za",
    address="7 Protea Road, Northcliff, Johannesburg, 2195",
)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _lines(
    opening: int, items: Sequence[tuple[dt.date, str, str | None, str, int]]
) -> tuple[StatementLine, ...]:
    running, found = opening, []
    for day, kind, ref, text, cents in items:
        running += cents
        found.append(StatementLine(day, kind, ref, text, cents, running))
    return tuple(found)


def _invoice(number: str, issued: dt.date, due: dt.date, total: int) -> InvoiceMoney:
    return InvoiceMoney(1, number, 11, None, issued, due, total, InvoiceStatus.SENT)


def statement(**changes: object) -> StatementOf:
    """A household's March: R 1 200 brought forward, an invoice, a payment, an adjustment."""
    lines = _lines(
        120_000,
        [
            (dt.date(2026, 3, 1), "invoice", "INV-2026-000031", "Invoice INV-2026-000031", 485_000),
            (dt.date(2026, 3, 5), "payment", "PRETORIU11 MAR", "Payment by EFT: PRETORIU11 MAR",
             -400_000),
            (dt.date(2026, 3, 20), "adjustment", None, "Late pick-up fee waived", -15_000),
        ],
    )  # fmt: skip
    january = _invoice("INV-2026-000012", dt.date(2026, 1, 1), dt.date(2026, 1, 7), 120_000)
    march = _invoice("INV-2026-000031", dt.date(2026, 3, 1), dt.date(2026, 3, 7), 485_000)
    owing = (
        InvoicePosition(january, MARCH[1], 25_000),
        InvoicePosition(march, MARCH[1], 165_000),
    )
    value = StatementOf(
        StatementKind.HOUSEHOLD,
        PARTY,
        *MARCH,
        120_000,
        lines,
        AgingSummary(0, 165_000, 0, 25_000),
        0,
        owing,
    )
    return replace(value, **changes)  # type: ignore[arg-type]


def long_statement(count: int = 80) -> StatementOf:
    """A statement of ``count`` lines: more than a page."""
    items = [
        (dt.date(2026, 3, 1) + dt.timedelta(days=i % 31), "charge", f"REF-{i:04d}",
         f"Charge number {i} for something long enough to need a line or two of its own", 1_000 + i)
        for i in range(count)
    ]  # fmt: skip
    lines = _lines(0, items)
    return statement(opening_cents=0, lines=lines)
