"""Invoice filters (issue 16): each field of ``InvoiceFilter`` narrows ``find`` in SQL.

Every filter is checked against the same question asked of all the invoices in
Python, on a small book of three households over two months with a sibling
discount, VAT, a sent invoice, a void one and notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoice_filters import Between
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.services.billing.invoice_lifecycle import (
    find_invoices,
    send_invoices,
    void_invoice,
)
from crechebooks_desktop.services.billing.invoice_notes import set_invoice_note
from tests.billing_fixtures import VAT_NUMBER, Kid, add_family, add_fees, new_creche, run_month

NOV = dt.date(2026, 11, 1)
DEC = dt.date(2026, 12, 1)
TERM = dt.date(2026, 1, 14)


@dataclass(frozen=True, slots=True)
class Billed:
    """The book, its creche and every invoice in it."""

    book: Book
    tenant: int
    every: list[InvoiceValue]

    def found(self, **where: object) -> list[str]:
        with self.book.read(self.tenant) as uow:
            return [i.number for i in find_invoices(uow, InvoiceFilter(**where))]  # type: ignore[arg-type]

    def those(self, keep: Callable[[InvoiceValue], bool]) -> list[str]:
        return [i.number for i in self.every if keep(i)]


@pytest.fixture
def billed(book: Book) -> Billed:
    settings, actor = new_creche(book, vat_number=VAT_NUMBER)
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))
        add_family(
            uow,
            "BOTHA02",
            Kid("BOTHA02-1", fees.full_day, TERM),
            Kid("BOTHA02-2", fees.half_day, TERM),
        )
        add_family(uow, "CELE03", Kid("CELE03-1", fees.half_day, DEC))
    run_month(book, actor, NOV)
    run_month(book, actor, DEC)
    with book.read(tenant) as uow:
        every = find_invoices(uow, InvoiceFilter())
    with book.write(tenant) as uow:
        send_invoices(uow, actor, [every[0].number, every[1].number])
        void_invoice(uow, actor, every[2].number, "Billed in error")
        set_invoice_note(uow, actor, every[1].number, "Promised to pay by the 15th")
    with book.read(tenant) as uow:
        every = find_invoices(uow, InvoiceFilter())
    assert len(every) == 7
    assert any(i.discount_cents > 0 for i in every)  # the sibling discount
    return Billed(book, tenant, every)


@pytest.mark.parametrize("field", ["subtotal", "discount", "vat", "total", "balance"])
def test_amounts_between_bounds_both_included(billed: Billed, field: str) -> None:
    def cents(invoice: InvoiceValue) -> int:
        value: int = getattr(
            invoice, "balance_due_cents" if field == "balance" else f"{field}_cents"
        )
        return value

    values = sorted({cents(i) for i in billed.every})
    low, high = values[0], values[-1]
    if len(values) > 2:
        low, high = values[1], values[-2]
    assert billed.found(**{field: Between(low, high)}) == billed.those(
        lambda i: low <= cents(i) <= high
    )
    assert billed.found(**{field: Between(low=high)}) == billed.those(lambda i: cents(i) >= high)
    assert billed.found(**{field: Between(high=low)}) == billed.those(lambda i: cents(i) <= low)
    assert billed.found(**{field: Between(values[-1] + 1, None)}) == []


def test_the_discount_is_what_the_discount_lines_take_off(billed: Billed) -> None:
    discounted = billed.those(lambda i: i.discount_cents > 0)
    assert discounted
    assert billed.found(discount=Between(1)) == discounted
    assert all(i.child_ref == "BOTHA02-2" for i in billed.every if i.number in discounted)


def test_discount_bounds_with_and_without_zero(billed: Billed) -> None:
    # Bounds that take in 0 keep the invoices without a discount; the others only discounted ones.
    taken = sorted({i.discount_cents for i in billed.every if i.discount_cents})
    d = taken[0]
    for low, high in [
        (None, 0), (0, 0), (0, None), (-5, d), (None, d - 1), (None, d), (d, d), (1, None),
        (d + 1, None), (None, -1), (-10, -1), (1, d - 1),
    ]:  # fmt: skip
        found = billed.found(discount=Between(low, high))
        expected = billed.those(
            lambda i, lo=low, hi=high: (
                (lo is None or i.discount_cents >= lo) and (hi is None or i.discount_cents <= hi)
            )
        )
        assert found == expected, (low, high)


def test_issue_and_due_dates(billed: Billed) -> None:
    assert billed.found(issued=Between(DEC)) == billed.those(lambda i: i.issue_date >= DEC)
    assert billed.found(issued=Between(NOV, NOV)) == billed.those(lambda i: i.issue_date == NOV)
    due = dt.date(2026, 11, 7)
    assert billed.found(due=Between(high=due)) == billed.those(lambda i: i.due_date <= due)
    assert billed.found(due=Between(due + dt.timedelta(days=1))) == billed.those(
        lambda i: i.due_date > due
    )


def test_statuses_take_any_of_them(billed: Billed) -> None:
    sent, void = InvoiceStatus.SENT, InvoiceStatus.VOID
    assert billed.found(statuses=(sent, void)) == billed.those(lambda i: i.status in {sent, void})
    assert billed.found(statuses=(void,)) == billed.those(lambda i: i.status is void)
    assert billed.found(statuses=(void,), status=sent) == []


def test_households_by_reference_or_parent_name(billed: Billed) -> None:
    botha = billed.those(lambda i: i.household_ref == "BOTHA02")
    cele = billed.those(lambda i: i.household_ref == "CELE03")
    assert billed.found(households=("botha02",)) == botha
    assert billed.found(households=("PARENT OF BOTHA02", " cele03 ")) == sorted(botha + cele)
    assert billed.found(households=("BOTHA",)) == []  # a whole reference or name, not a part


def test_children_by_reference_or_name(billed: Billed) -> None:
    second = billed.those(lambda i: i.child_ref == "BOTHA02-2")
    adams = billed.those(lambda i: i.child_ref == "ADAMS01-1")
    assert billed.found(children=("botha02-2",)) == second
    assert billed.found(children=("Botha02-2 Botha02", "ADAMS01-1")) == sorted(second + adams)
    assert billed.found(children=("Botha02",)) == billed.those(
        lambda i: i.household_ref == "BOTHA02"
    )  # the last name of both


def test_fee_structure_of_the_enrolment_in_the_month(billed: Billed) -> None:
    half_day = billed.those(lambda i: i.child_ref in {"BOTHA02-2", "CELE03-1"})
    assert billed.found(fees=("half day",)) == half_day
    assert billed.found(fees=("Half Day", "Full Day Plain")) == billed.those(
        lambda i: i.child_ref in {"BOTHA02-2", "CELE03-1", "ADAMS01-1"}
    )
    assert billed.found(fees=("Nursery",)) == []


def test_text_words_each_match_somewhere(billed: Billed) -> None:
    noted = billed.every[1].number
    assert billed.found(text="PROMISED 15th") == [noted]
    assert billed.found(text="promised nobody") == []
    assert billed.found(text="botha02-2 parent") == billed.those(
        lambda i: i.child_ref == "BOTHA02-2"
    )
    assert billed.found(text="100%") == []  # LIKE's wildcards are plain text


def test_filters_combine(billed: Billed) -> None:
    assert billed.found(
        households=("BOTHA02",), statuses=(InvoiceStatus.DRAFT,), issued=Between(DEC)
    ) == billed.those(
        lambda i: (
            i.household_ref == "BOTHA02" and i.status is InvoiceStatus.DRAFT and i.issue_date >= DEC
        )
    )
    assert billed.found(month=NOV, children=("CELE03-1",)) == []
