"""The all-households ledger by keyset (services.ledger_view, db.repositories.ledger_view).

On both backends: pages read forward or backward from any key concatenate to
exactly the full ordered list, in every order; sampled keys are the keys of
rows every-1, 2*every-1, ...; filters find words in household references,
parent names and descriptions, in any case, taking wildcards literally.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Household, LedgerEntry
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus
from crechebooks_desktop.domain.ledger import LedgerPosting
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.demo.creche import DemoResult
from crechebooks_desktop.services.ledger.posting import post_entries
from crechebooks_desktop.services.ledger.view import (
    Key,
    LedgerLine,
    SortColumn,
    ViewSpec,
    household_position,
    open_view,
    payment_preview,
    read_page,
    sampled_keys,
)

Creche = tuple[CrecheSettings, Actor]
HOUSEHOLDS = (
    ("DLAMINI01", "Mrs Nomsa Dlamini"),
    ("NAIDOO02", "Mr Kevin Naidoo"),
    ("BOTHA03", "Ms Anri Botha"),
    ("PCT04", "Mr 100% Wildcard_Name"),
)
DESCRIPTIONS = ("Monthly fees", "EFT payment", "Late pick-up", "School trip", "Goodwill")
TYPES = (
    EntryType.CHARGE,
    EntryType.PAYMENT,
    EntryType.CHARGE,
    EntryType.CHARGE,
    EntryType.ADJUSTMENT,
)
ENTRIES = 157  # a prime: pages of 10 or 7 never divide it evenly
ALL_SORTS = [(sort, descending) for sort in SortColumn for descending in (False, True)]


@pytest.fixture
def ledger(book: Book, creche: Creche) -> int:
    """``ENTRIES`` entries over four households, dates out of id order, many ties."""
    settings, actor = creche
    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    with book.write(settings.tenant_id) as uow:
        ids = [uow.roster.add_household(ref, name) for ref, name in HOUSEHOLDS]
        postings = []
        for n in range(ENTRIES):
            kind = rng.randrange(len(DESCRIPTIONS))
            amount = rng.choice((48_500, 15_000, 2_000, 48_500)) * (-1 if kind == 1 else 1)
            postings.append(
                LedgerPosting(
                    household_id=ids[n % len(ids)],
                    entry_type=TYPES[kind],
                    amount_cents=amount if kind != 4 else -500,
                    # Few distinct dates, not in id order: ties and back-dating.
                    entry_date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(12)),
                    description=f"{DESCRIPTIONS[kind]} {n % 3}",
                )
            )
        post_entries(uow, actor, postings)
    return settings.tenant_id


@pytest.fixture
def other_creche(book: Book, ledger: int) -> int:
    """A second creche whose entries must never show in the first's view."""
    with book.write() as uow:
        settings, actor = init_creche(uow, NewCreche(name="Other Creche", admin_username="o"))
    with book.write(settings.tenant_id) as uow:
        household = uow.roster.add_household("DLAMINI01", "Mrs Other Dlamini")
        post_entries(
            uow,
            actor,
            [LedgerPosting(household, EntryType.CHARGE, 999_999, dt.date(2026, 1, 5), "Elsewhere")],
        )
    return settings.tenant_id


_COLUMNS: dict[SortColumn, Any] = {
    SortColumn.DATE: LedgerEntry.entry_date,
    SortColumn.HOUSEHOLD: Household.account_ref,
    SortColumn.TYPE: LedgerEntry.entry_type,
    SortColumn.DESCRIPTION: LedgerEntry.description,
    SortColumn.AMOUNT: LedgerEntry.amount_cents,
    SortColumn.BALANCE: LedgerEntry.balance_after_cents,
}


def _full(book: Book, tenant: int, spec: ViewSpec) -> list[int]:
    """Entry ids in the view's order, by one plain query (no paging), then filtered here."""
    column = _COLUMNS[spec.sort]
    order = (column.desc(), LedgerEntry.id.desc()) if spec.descending else (column, LedgerEntry.id)
    with book.read(tenant) as uow:
        rows = uow._session.execute(
            select(
                LedgerEntry.id,
                Household.account_ref,
                Household.parent_name,
                LedgerEntry.description,
            )
            .join(Household, Household.id == LedgerEntry.household_id)
            .where(LedgerEntry.tenant_id == tenant)
            .order_by(*order)
        ).all()
    words = [w.lower() for w in spec.words()]
    return [
        entry_id
        for entry_id, ref, parent, description in rows
        if all(w in ref.lower() or w in parent.lower() or w in description.lower() for w in words)
    ]


def _key(line: LedgerLine, sort: SortColumn) -> Key:
    return line.key(sort)


def _walk_forward(book: Book, tenant: int, spec: ViewSpec, size: int) -> list[LedgerLine]:
    lines: list[LedgerLine] = []
    with book.read(tenant) as uow:
        while True:
            anchor = _key(lines[-1], spec.sort) if lines else None
            page = read_page(uow, spec, anchor, backward=False, offset=0, limit=size)
            assert len(page) <= size
            if not page:
                return lines
            lines.extend(page)


def _walk_backward(book: Book, tenant: int, spec: ViewSpec, size: int) -> list[LedgerLine]:
    lines: list[LedgerLine] = []
    with book.read(tenant) as uow:
        while True:
            anchor = _key(lines[0], spec.sort) if lines else None
            page = read_page(uow, spec, anchor, backward=True, offset=0, limit=size)
            if not page:
                return lines
            lines[:0] = page


@pytest.mark.parametrize(("sort", "descending"), ALL_SORTS)
def test_pages_forward_and_backward_concatenate_to_the_full_order(
    book: Book, ledger: int, other_creche: int, sort: SortColumn, descending: bool
) -> None:
    spec = ViewSpec(sort, descending)
    expected = _full(book, ledger, spec)
    assert len(expected) == ENTRIES
    assert [line.id for line in _walk_forward(book, ledger, spec, 10)] == expected
    assert [line.id for line in _walk_backward(book, ledger, spec, 7)] == expected


@pytest.mark.parametrize(("sort", "descending"), ALL_SORTS)
def test_offsets_from_any_key_and_sampled_keys(
    book: Book, ledger: int, sort: SortColumn, descending: bool
) -> None:
    spec = ViewSpec(sort, descending)
    lines = _walk_forward(book, ledger, spec, 50)
    keys = [_key(line, sort) for line in lines]
    with book.read(ledger) as uow:
        for at in (0, 13, 77, ENTRIES - 12):
            after = read_page(uow, spec, keys[at], backward=False, offset=5, limit=4)
            assert [line.id for line in after] == [line.id for line in lines[at + 6 : at + 10]]
            before = read_page(uow, spec, keys[at + 11], backward=True, offset=3, limit=4)
            assert [line.id for line in before] == [line.id for line in lines[at + 4 : at + 8]]
        assert read_page(uow, spec, None, backward=False, offset=150, limit=10) == tuple(
            lines[150:]
        )
        assert read_page(uow, spec, None, backward=True, offset=0, limit=3) == tuple(lines[-3:])
        assert sampled_keys(uow, spec, 20) == tuple(keys[19::20])
        assert sampled_keys(uow, spec, 1) == tuple(keys)
        assert uow.ledger_view.key_at(spec, None, 40) == keys[40]
        assert uow.ledger_view.key_at(spec, keys[40], 9) == keys[50]
        assert uow.ledger_view.key_at(spec, keys[-1], 0) is None


def test_sorts_put_the_right_rows_first(book: Book, ledger: int) -> None:
    with book.read(ledger) as uow:
        every = open_view(uow, ViewSpec(), ENTRIES).first_page
        largest = open_view(uow, ViewSpec(SortColumn.AMOUNT, descending=True), 5).first_page
        latest = open_view(uow, ViewSpec(SortColumn.DATE, descending=True), 1).first_page
        by_ref = open_view(uow, ViewSpec(SortColumn.HOUSEHOLD), ENTRIES).first_page
    top = max(line.amount_cents for line in every)
    assert [line.amount_cents for line in largest] == [top] * 5
    assert [line.id for line in largest] == sorted(
        (line.id for line in every if line.amount_cents == top), reverse=True
    )[:5]
    newest = max(line.entry_date for line in every)
    assert latest[0].entry_date == newest
    assert latest[0].id == max(line.id for line in every if line.entry_date == newest)
    assert [line.household_ref for line in by_ref] == sorted(line.household_ref for line in every)
    dates = [line.entry_date for line in every]
    assert dates == sorted(dates)
    assert [line.id for line in every] != sorted(line.id for line in every)  # back-dated rows


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("dlamini", lambda line: line.household_ref == "DLAMINI01"),
        ("NOMSA", lambda line: line.household_ref == "DLAMINI01"),  # a parent's name
        ("late", lambda line: line.description.startswith("Late pick-up")),
        (
            "  Late   naidoo ",
            lambda line: line.description.startswith("Late") and line.household_ref == "NAIDOO02",
        ),
        ("100%", lambda line: line.household_ref == "PCT04"),
        ("%", lambda line: line.household_ref == "PCT04"),  # a character, not a wildcard
        ("ly_fees", lambda _line: False),  # "_" too
        (
            "fees 2",
            lambda line: (
                "fees" in line.description and "2" in line.description + line.household_ref
            ),
        ),
        ("nothing-like-this", lambda _line: False),
    ],
)
def test_text_filter_counts_and_pages(
    book: Book, ledger: int, other_creche: int, text: str, matches: Any
) -> None:
    with book.read(ledger) as uow:
        all_lines = open_view(uow, ViewSpec(), ENTRIES).first_page
        expected = [line.id for line in all_lines if matches(line)]
        for sort, descending in ((SortColumn.DATE, False), (SortColumn.AMOUNT, True)):
            opened = open_view(uow, ViewSpec(sort, descending, text), 10)
            assert opened.total == len(expected)
            assert len(opened.first_page) == min(10, len(expected))
    for sort, descending in ((SortColumn.DATE, False), (SortColumn.AMOUNT, True)):
        spec = ViewSpec(sort, descending, text)
        walked = [line.id for line in _walk_forward(book, ledger, spec, 6)]
        assert walked == _full(book, ledger, spec)
        assert sorted(walked) == sorted(expected)


def test_the_view_is_scoped_to_the_creche(book: Book, ledger: int, other_creche: int) -> None:
    with book.read(other_creche) as uow:
        opened = open_view(uow, ViewSpec(), 10)
        assert opened.total == 1
        assert opened.first_page[0].description == "Elsewhere"
        assert open_view(uow, ViewSpec(text="nomsa"), 10).total == 0
    with book.read(ledger) as uow:
        assert open_view(uow, ViewSpec(text="elsewhere"), 10).total == 0
        assert open_view(uow, ViewSpec(), 10).total == ENTRIES


def test_an_empty_ledger_opens_empty(book: Book, creche: Creche) -> None:
    settings, _actor = creche
    with book.read(settings.tenant_id) as uow:
        opened = open_view(uow, ViewSpec(SortColumn.TYPE), 500)
        assert opened.total == 0
        assert opened.first_page == ()
        assert sampled_keys(uow, ViewSpec(), 10) == ()
        assert sampled_keys(uow, ViewSpec(SortColumn.BALANCE), 10) == ()


def test_lines_carry_every_column(book: Book, ledger: int) -> None:
    with book.read(ledger) as uow:
        line = open_view(uow, ViewSpec(SortColumn.HOUSEHOLD, True), 1).first_page[0]
        entries = {e.id: e for e in uow.ledger.entries(uow.roster.household_id("PCT04") or 0)}
    entry = entries[line.id]
    assert line.household_ref == "PCT04"
    assert line.parent_name == "Mr 100% Wildcard_Name"
    assert (line.entry_date, line.entry_type, line.description) == (
        entry.entry_date,
        entry.entry_type,
        entry.description,
    )
    assert (line.amount_cents, line.balance_after_cents) == (
        entry.amount_cents,
        entry.balance_after_cents,
    )
    assert line.key(SortColumn.AMOUNT) == (entry.amount_cents, entry.id)
    assert line.key(SortColumn.TYPE) == (entry.entry_type, entry.id)


def test_household_position_has_the_running_balance_and_open_invoices(
    demo_book: tuple[Book, DemoResult],
) -> None:
    book, demo = demo_book
    with book.read(demo.creche.tenant_id) as uow:
        summaries = {s.account_ref: s for s in uow.roster.household_summaries()}
        owing = [ref for ref, s in summaries.items() if s.outstanding_cents > 0]
        assert owing, "the demo creche has opening invoices"
        ref = owing[0]
        position = household_position(uow, ref.lower())
        with pytest.raises(NotFoundError):
            household_position(uow, "NOBODY99")
    assert position.account_ref == ref.lower()
    running = 0
    for entry in position.entries:
        running += entry.amount_cents
        assert entry.running_balance_cents == running
    assert running == summaries[ref].balance_cents
    order = [(e.entry_date, e.id) for e in position.entries]
    assert order == sorted(order)
    assert position.open_invoices
    assert all(
        i.balance_due_cents > 0 and i.status is not InvoiceStatus.VOID
        for i in position.open_invoices
    )
    assert sum(i.balance_due_cents for i in position.open_invoices) == (
        summaries[ref].outstanding_cents
    )
    dues = [(i.due_date, i.number) for i in position.open_invoices]
    assert dues == sorted(dues)


def test_payment_preview_tells_exact_partial_and_over_payment(
    demo_book: tuple[Book, DemoResult],
) -> None:
    book, demo = demo_book
    with book.read(demo.creche.tenant_id) as uow:
        owing = [
            s
            for s in uow.roster.household_summaries()
            if s.outstanding_cents and not s.credit_cents
        ]
        ref = owing[0].account_ref
        due = sum(
            i.balance_due_cents
            for i in household_position(uow, ref).open_invoices
            if i.status is not InvoiceStatus.DRAFT
        )
        assert due > 1
        exact = payment_preview(uow, ref, due)
        partial = payment_preview(uow, ref, due - 1)
        over = payment_preview(uow, ref, due + 500)
        with pytest.raises(NotFoundError):
            payment_preview(uow, "NOBODY99", 100)
    assert (exact.kind, exact.due_cents, exact.plan.credit_cents) == ("exact", due, 0)
    assert all(a.settles for a in exact.plan.allocations)
    assert (partial.kind, partial.plan.allocated_cents) == ("partial", due - 1)
    assert not partial.plan.allocations[-1].settles
    assert (over.kind, over.plan.credit_cents, over.plan.allocated_cents) == ("over", 500, due)
