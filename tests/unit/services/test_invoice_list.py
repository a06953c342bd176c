"""The Invoices tab's list by keyset (services.lists.invoices, db.repositories.invoice_list).

On both backends: pages read forward or backward from any key concatenate to
exactly the full ordered list, in every order; the filters (month, status,
household, words) select what a plain reading of every invoice selects; the
totals leave void invoices out; a kept row is found where it stands, with
its page; another creche's invoices never show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoice_filters import Between, InvoiceFilter
from crechebooks_desktop.db.repositories.invoice_list import _SORTS, NO_MONTH
from crechebooks_desktop.db.repositories.invoices import NewInvoice, NewLine
from crechebooks_desktop.db.tables import Invoice
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.lists.invoices import (
    InvoiceListRow,
    InvoiceListSpec,
    InvoiceSort,
    open_list,
    read_page,
    sampled_keys,
)

Creche = tuple[CrecheSettings, Actor]
FAMILIES = (
    ("DLAMINI01", "Mrs Nomsa Dlamini", ("Thabo", "Lwazi")),
    ("NAIDOO02", "Mr Kevin Naidoo", ("Aarav",)),
    ("BOTHA03", "Ms Anri Botha", ("Ruben", "Mia")),
    ("PCT04", "Mr 100% Wildcard_Name", ("Zoe",)),
)
INVOICES = 61  # a prime: pages of 10 or 7 never divide it evenly
MONTHS = tuple(dt.date(2026, m, 1) for m in range(3, 11))  # each child once a month
STATUSES = (InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAID, InvoiceStatus.VOID)


def _line(cents: int) -> NewLine:
    return NewLine(
        LineType.MONTHLY_FEE, "Fees", cents, cents, 0, cents, VatTreatment.EXEMPT
    )  # fmt: skip


@pytest.fixture
def invoices(book: Book, creche: Creche) -> int:
    """``INVOICES`` invoices: monthly and ad hoc (no child, no month), many ties."""
    settings, _actor = creche
    rng = random.Random(13)  # noqa: S311 - test data
    with book.write(settings.tenant_id) as uow:
        children: list[tuple[int, int | None]] = []  # (household, child)
        for ref, parent, names in FAMILIES:
            household = uow.roster.add_household(ref, parent)
            children.append((household, None))
            for n, first in enumerate(names, start=1):
                child_id = uow.roster.add_child(
                    household, f"{ref}-{n}", first, ref[:-2].capitalize(), dt.date(2022, 1, n)
                )
                children.append((household, child_id))
        new = []
        for n in range(INVOICES):
            household_id, child = children[n % len(children)]
            month = MONTHS[n // len(children)] if child is not None else None
            issued = (month or dt.date(2026, 10, 15)) + dt.timedelta(days=n % 4)
            new.append(
                NewInvoice(
                    f"INV-2026-{n + 1:06d}",
                    household_id,
                    child,
                    InvoiceKind.MONTHLY if child is not None else InvoiceKind.AD_HOC,
                    InvoiceStatus.DRAFT,
                    issued,
                    issued + dt.timedelta(days=rng.choice((7, 7, 14))),
                    month,
                    (_line(rng.choice((48_500, 15_000, 48_500, 2_000))),),
                )
            )
        ids = uow.invoices.add_many(new)
        uow.invoices.set_notes(ids[40], "Granny fetches on Fridays")
        for n, invoice_id in enumerate(ids):
            if STATUSES[n % len(STATUSES)] is not InvoiceStatus.DRAFT:
                uow.invoices.set_status(invoice_id, STATUSES[n % len(STATUSES)])
    with book.write() as uow:
        other, _ = init_creche(uow, NewCreche(name="Other Creche", admin_username="o"))
    with book.write(other.tenant_id) as uow:
        household = uow.roster.add_household("DLAMINI01", "Mrs Other Dlamini")
        uow.invoices.add_many(
            [
                NewInvoice("INV-2026-000001", household, None, InvoiceKind.AD_HOC,
                           InvoiceStatus.DRAFT, dt.date(2026, 11, 1), dt.date(2026, 11, 7), None,
                           (_line(999_900),))
            ]
        )  # fmt: skip
    return settings.tenant_id


def _everything(book: Book, tenant: int) -> list[InvoiceListRow]:
    """Every invoice of the creche, read in one query (no paging, no filter)."""
    with book.read(tenant) as uow:
        return uow.invoice_list.page(InvoiceListSpec(), None, limit=10_000)


def _full(book: Book, tenant: int, spec: InvoiceListSpec) -> list[int]:
    """Invoice ids in the spec's order by one plain ``ORDER BY`` (no keyset)."""
    sort = _SORTS[spec.sort]
    order = (sort.desc(), Invoice.id.desc()) if spec.descending else (sort, Invoice.id)
    with book.read(tenant) as uow:
        query = uow.invoice_list.rows_query(spec).order_by(*order)
        return [row[0] for row in uow._session.execute(query)]


def _walk(
    book: Book, tenant: int, spec: InvoiceListSpec, size: int, *, backward: bool
) -> list[int]:
    rows: list[InvoiceListRow] = []
    with book.read(tenant) as uow:
        while True:
            edge = (rows[0] if backward else rows[-1]) if rows else None
            anchor = edge.key(spec.sort) if edge else None
            page = read_page(uow, spec, anchor, backward=backward, offset=0, limit=size)
            if not page:
                return [row.id for row in rows]
            rows = [*page, *rows] if backward else [*rows, *page]


def test_every_order_pages_forward_and_backward_to_the_full_list(book: Book, invoices: int) -> None:
    everything = _everything(book, invoices)
    assert len(everything) == INVOICES
    for sort in InvoiceSort:
        for descending in (False, True):
            spec = InvoiceListSpec(sort, descending)
            expected = _full(book, invoices, spec)
            assert len(expected) == INVOICES
            assert _walk(book, invoices, spec, 10, backward=False) == expected, spec
            assert _walk(book, invoices, spec, 7, backward=True) == expected, spec
            with book.read(invoices) as uow:
                rows = uow.invoice_list.page(spec, None, limit=INVOICES)
                keys = [row.key(sort) for row in rows]
                assert sampled_keys(uow, spec, 9) == tuple(keys[8::9]), spec
                assert [uow.invoice_list.position(spec, k) for k in keys] == list(range(INVOICES))
    # Orders that need no collation agree with Python's own sort of every row.
    by_total = sorted(everything, key=lambda r: (-r.total_cents, -r.id))
    assert _full(book, invoices, InvoiceListSpec(InvoiceSort.TOTAL, True)) == [
        r.id for r in by_total
    ]
    by_month = sorted(everything, key=lambda r: (r.billing_month or NO_MONTH, r.id))
    assert _full(book, invoices, InvoiceListSpec(InvoiceSort.MONTH)) == [r.id for r in by_month]
    assert by_month[0].billing_month is None  # ad hoc first: they have no month
    by_due = sorted(everything, key=lambda r: (r.due_date, r.id))
    assert _full(book, invoices, InvoiceListSpec(InvoiceSort.DUE)) == [r.id for r in by_due]


@pytest.mark.parametrize(
    ("spec", "wanted"),
    [
        (InvoiceListSpec(month=MONTHS[1]), lambda r: r.billing_month == MONTHS[1]),
        (InvoiceListSpec(status=InvoiceStatus.VOID), lambda r: r.status is InvoiceStatus.VOID),
        (InvoiceListSpec(household_ref="botha03"), lambda r: r.household_ref == "BOTHA03"),
        (InvoiceListSpec(text="NOMSA"), lambda r: r.household_ref == "DLAMINI01"),
        (InvoiceListSpec(text="lwazi"), lambda r: r.child_name == "Lwazi Dlamini"),
        (InvoiceListSpec(text="000017"), lambda r: r.number == "INV-2026-000017"),
        (InvoiceListSpec(text="100%"), lambda r: r.household_ref == "PCT04"),
        (InvoiceListSpec(text="d_amini"), lambda _r: False),  # wildcards are taken literally
        (InvoiceListSpec(text="granny FRIDAYS"), lambda r: r.number == "INV-2026-000041"),
        (
            InvoiceListSpec(InvoiceSort.TOTAL, status=InvoiceStatus.SENT, text="botha anri"),
            lambda r: r.status is InvoiceStatus.SENT and r.household_ref == "BOTHA03",
        ),
        # The filter bar's (issue 16): several statuses, names, ranges.
        (
            InvoiceListSpec(where=InvoiceFilter(statuses=(InvoiceStatus.SENT, InvoiceStatus.PAID))),
            lambda r: r.status in {InvoiceStatus.SENT, InvoiceStatus.PAID},
        ),
        (
            InvoiceListSpec(InvoiceSort.HOUSEHOLD, True,
                            where=InvoiceFilter(households=("botha03", "Mrs Nomsa Dlamini"))),
            lambda r: r.household_ref in {"BOTHA03", "DLAMINI01"},
        ),
        (
            InvoiceListSpec(InvoiceSort.CHILD,
                            where=InvoiceFilter(children=("lwazi", "BOTHA03-2"))),
            lambda r: r.child_name in {"Lwazi Dlamini", "Mia Botha"},
        ),
        (
            InvoiceListSpec(InvoiceSort.BALANCE,
                            where=InvoiceFilter(total=Between(15_000, 48_500))),
            lambda r: 15_000 <= r.total_cents <= 48_500,
        ),
        (
            InvoiceListSpec(InvoiceSort.DUE, True, where=InvoiceFilter(
                issued=Between(dt.date(2026, 5, 1), None), due=Between(None, dt.date(2026, 9, 30))
            )),
            lambda r: r.issue_date >= dt.date(2026, 5, 1) and r.due_date <= dt.date(2026, 9, 30),
        ),
        (
            InvoiceListSpec(InvoiceSort.CHILD, text="botha", where=InvoiceFilter(
                statuses=(InvoiceStatus.DRAFT, InvoiceStatus.VOID), balance=Between(None, 15_000),
                subtotal=Between(2_000, None), vat=Between(0, 0), discount=Between(0, 0),
            )),
            lambda r: r.household_ref == "BOTHA03"
            and r.status in {InvoiceStatus.DRAFT, InvoiceStatus.VOID}
            and r.balance_due_cents <= 15_000
            and r.total_cents >= 2_000,  # no VAT here: the subtotal is the total
        ),
    ],
)  # fmt: skip
def test_filters_select_in_sql_what_a_plain_reading_selects(
    book: Book, invoices: int, spec: InvoiceListSpec, wanted: Callable[[InvoiceListRow], bool]
) -> None:
    everything = _everything(book, invoices)
    expected = [r for r in everything if wanted(r)]
    assert expected or spec.text == "d_amini"
    with book.read(invoices) as uow:
        opened = open_list(uow, spec, 5)
    live = [r for r in expected if r.status is not InvoiceStatus.VOID]
    assert opened.totals.count == len(expected)
    assert opened.totals.billed_cents == sum(r.total_cents for r in live)
    assert opened.totals.due_cents == sum(r.balance_due_cents for r in live)
    assert sorted(_walk(book, invoices, spec, 4, backward=False)) == sorted(r.id for r in expected)
    assert len(opened.first_page) == min(5, len(expected))


def test_a_kept_row_is_found_where_it_stands_with_its_page(book: Book, invoices: int) -> None:
    spec = InvoiceListSpec(InvoiceSort.HOUSEHOLD, descending=True)
    order = _full(book, invoices, spec)
    with book.read(invoices) as uow:
        for index in (0, 6, 7, 33, INVOICES - 1):
            opened = open_list(uow, spec, 7, keep_id=order[index])
            kept = opened.kept
            assert kept is not None
            assert kept.index == index
            assert kept.start == index - index % 7
            assert [r.id for r in kept.rows] == order[kept.start : kept.start + 7]
        void = InvoiceListSpec(status=InvoiceStatus.VOID)
        void_order = _full(book, invoices, void)
        kept = open_list(uow, void, 7, keep_id=void_order[2]).kept
        assert kept is not None
        assert kept.index == 2
        hidden = next(i for i in order if i not in void_order)
        assert open_list(uow, void, 7, keep_id=hidden).kept is None
        assert open_list(uow, spec, 7).kept is None


def test_another_creches_invoices_never_show(book: Book, invoices: int) -> None:
    with book.read(invoices) as uow:
        opened = open_list(uow, InvoiceListSpec(text="other"), 10)
        assert opened.totals.count == 0
        everything = open_list(uow, InvoiceListSpec(InvoiceSort.TOTAL, True), 1)
    assert everything.totals.count == INVOICES
    assert everything.first_page[0].total_cents == 48_500
