"""The Invoices tab's filter bar over the demo book (issue 16).

Each filter is set the way a bookkeeper sets it (ticking statuses, typing
names and amounts, choosing dates), and the tab must list exactly what
``invoices list`` selects with the same filter; values that do not read are
named and left out; the last set is remembered by the next window; sorting
by any column keeps the filters.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QDate, Qt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoice_filters import Between, InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.invoices.filter_values import BarFilters
from crechebooks_desktop.ui.invoices.model import SORT_NAMES, Column
from crechebooks_desktop.ui.invoices.view import InvoicesView

OCTOBER = dt.date(2026, 10, 1)


def _tab(qtbot, shell) -> InvoicesView:
    view = shell.window.invoices
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(None)
    return view


def _shown(qtbot, view: InvoicesView) -> list:
    """Every row the tab lists, scrolling so each page is read as it is shown."""
    rows = []
    for row in range(view.model.rowCount()):
        view.table.scrollTo(view.model.index(row, 0))
        qtbot.waitUntil(lambda r=row: view.model.row_value(r) is not None, timeout=5000)
        rows.append(view.model.row_value(row))
    return rows


def _selected_by_cli_filter(path: Path, where: InvoiceFilter) -> list[str]:
    """What ``invoices list`` selects with the same filter, by number."""
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            return [i.number for i in uow.invoices.find(where)]
    finally:
        book.close()


def _changes(qtbot, view: InvoicesView, act) -> None:
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        act()


def _type(edit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


def test_each_filter_lists_what_the_command_line_selects(
    qtbot, start, demo_book_path: Path
) -> None:
    view = _tab(qtbot, start())
    everything = view.model.extra.count
    statuses = view.status.actions_by_status
    _changes(qtbot, view, lambda: statuses[InvoiceStatus.SENT].setChecked(True))
    _changes(qtbot, view, lambda: statuses[InvoiceStatus.OVERDUE].setChecked(True))
    assert view.status.text() == "Sent, Overdue"
    where = InvoiceFilter(statuses=(InvoiceStatus.SENT, InvoiceStatus.OVERDUE))
    expected = _selected_by_cli_filter(demo_book_path, where)
    assert 0 < len(expected) < everything
    sent_or_overdue = _shown(qtbot, view)
    assert sorted(r.number for r in sent_or_overdue) == expected

    # One family by reference (any case), another by its parent's name.
    first, *others = sent_or_overdue
    second = next(r for r in others if r.household_ref != first.household_ref)
    typed = f"{first.household_ref.lower()} | {second.parent_name}"
    _changes(qtbot, view, lambda: _type(view.household, typed))
    names = (first.household_ref.lower(), second.parent_name)
    where = InvoiceFilter(statuses=where.statuses, households=names)
    expected = _selected_by_cli_filter(demo_book_path, where)
    shown = _shown(qtbot, view)
    assert sorted(r.number for r in shown) == expected
    assert {r.household_ref for r in shown} == {first.household_ref, second.household_ref}

    _changes(qtbot, view, lambda: _type(view.household, ""))
    view.filter_bar.more_button.setChecked(True)
    assert view.filter_bar.ranges.isVisible()
    low, _high = view.filter_bar.ranges.amounts["balance"]
    _changes(qtbot, view, lambda: _type(low, "R 1 000,00"))
    issued_from, _issued_to = view.filter_bar.ranges.dates["issued"]
    _changes(qtbot, view, lambda: issued_from.setDate(QDate(2026, 10, 1)))
    where = InvoiceFilter(
        statuses=where.statuses,
        balance=Between(100_000, None),
        issued=Between(OCTOBER, None),
    )
    expected = _selected_by_cli_filter(demo_book_path, where)
    shown = _shown(qtbot, view)
    assert sorted(r.number for r in shown) == expected
    assert shown
    assert all(r.balance_due_cents >= 100_000 and r.issue_date >= OCTOBER for r in shown)
    assert view.filter_bar.more_button.text() == "More filters (2)"

    # The same filters, ordered by another column: the rows stay, in that order.
    _changes(qtbot, view, lambda: view.table.sortByColumn(Column.BALANCE, Qt.DescendingOrder))
    by_balance = _shown(qtbot, view)
    assert sorted(r.number for r in by_balance) == expected
    keys = [(r.balance_due_cents, r.id) for r in by_balance]
    assert keys == sorted(keys, reverse=True)

    _changes(qtbot, view, view.filter_bar.clear_button.click)
    assert view.model.extra.count == everything
    assert view.status.text() == "Any status"
    assert low.text() == ""
    assert view.filter_bar.more_button.text() == "More filters"


def test_child_and_fee_filters(qtbot, start, demo_book_path: Path) -> None:
    view = _tab(qtbot, start())
    _changes(qtbot, view, lambda: _type(view.fee, "half day (07:00-13:00)"))
    expected = _selected_by_cli_filter(
        demo_book_path, InvoiceFilter(fees=("half day (07:00-13:00)",))
    )
    assert expected
    assert sorted(r.number for r in _shown(qtbot, view)) == expected

    child = _shown(qtbot, view)[0].child_name
    _changes(qtbot, view, lambda: _type(view.child, child))
    expected = _selected_by_cli_filter(
        demo_book_path, InvoiceFilter(fees=("half day (07:00-13:00)",), children=(child,))
    )
    shown = _shown(qtbot, view)
    assert sorted(r.number for r in shown) == expected
    assert {r.child_name for r in shown} == {child}


def test_values_that_do_not_read_are_named_and_left_out(qtbot, start) -> None:
    view = _tab(qtbot, start())
    everything = view.model.extra.count
    bar = view.filter_bar
    bar.more_button.setChecked(True)
    low, high = bar.ranges.amounts["total"]
    _type(low, "lots")
    qtbot.waitUntil(bar.ranges.problems.isVisible, timeout=2000)
    assert "Total min" in bar.ranges.problems.text()
    assert "left out" in bar.ranges.problems.text()
    assert "c53030" in low.styleSheet()
    assert view.current_filter().more.total == (None, None)
    assert view.model.extra.count == everything  # nothing narrowed, nothing reloaded wrongly

    _type(low, "500")
    _changes(qtbot, view, lambda: _type(high, "100"))  # min above max: that range is left out
    assert "Total: min is more than max; left out" in bar.ranges.problems.text()
    assert view.current_filter().more.total == (None, None)
    assert view.model.extra.count == everything
    assert low.styleSheet() == ""

    _changes(qtbot, view, lambda: _type(high, "5000"))
    assert not bar.ranges.problems.isVisible()
    assert view.current_filter().more.total == (50_000, 500_000)


def test_the_last_filters_are_remembered_by_the_next_window(
    qtbot, open_shell, demo_book_path: Path
) -> None:
    view = _tab(qtbot, open_shell(demo_book_path))
    _changes(
        qtbot, view, lambda: view.status.actions_by_status[InvoiceStatus.PAID].setChecked(True)
    )
    view.filter_bar.more_button.setChecked(True)
    low, _high = view.filter_bar.ranges.amounts["total"]
    _changes(qtbot, view, lambda: _type(low, "4 000"))
    narrowed = view.model.extra.count
    chosen = view.current_filter().more
    assert chosen == BarFilters(statuses=(InvoiceStatus.PAID,), total=(400_000, None))

    again = _tab(qtbot, open_shell(demo_book_path))
    assert again.current_filter().more == chosen
    assert again.status.text() == "Paid"
    assert again.filter_bar.ranges.isVisible()
    assert again.filter_bar.ranges.amounts["total"][0].text() == "4000.00"
    assert again.model.extra.count == narrowed

    _changes(qtbot, again, again.filter_bar.clear_button.click)
    third = _tab(qtbot, open_shell(demo_book_path))
    assert third.current_filter().more == BarFilters()


def test_every_column_sorts(qtbot, start) -> None:
    view = _tab(qtbot, start())
    for column in Column:
        assert view.model.is_sortable(column), SORT_NAMES[column]
        for order in (Qt.DescendingOrder, Qt.AscendingOrder):  # the list starts by number, up
            _changes(qtbot, view, lambda c=column, o=order: view.table.sortByColumn(c, o))
            assert view.model.order.sort == SORT_NAMES[column]
            assert view.model.order.descending is (order == Qt.DescendingOrder)


dates = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
cents = st.one_of(st.none(), st.integers(0, 10**11))
names = st.lists(st.text(min_size=1, max_size=12).filter(str.strip), max_size=3).map(tuple)


@given(
    statuses=st.lists(st.sampled_from(InvoiceStatus), unique=True).map(tuple),
    households=names,
    issued=st.tuples(dates, dates),
    total=st.tuples(cents, cents),
)
def test_filters_read_back_as_they_were_remembered(statuses, households, issued, total) -> None:
    filters = BarFilters(statuses=statuses, households=households, issued=issued, total=total)
    back = BarFilters.from_json(filters.to_json())
    assert back.statuses == statuses
    assert back.households == households
    for remembered, given_range in ((back.issued, issued), (back.total, total)):
        low, high = given_range
        backwards = low is not None and high is not None and low > high
        assert remembered == ((None, None) if backwards else given_range)


@pytest.mark.parametrize(
    "stored", ["", "not json", "[]", '{"statuses": ["BOGUS", "PAID"], "total": [true, "x"]}']
)
def test_a_remembered_value_that_does_not_read_is_dropped(stored: str) -> None:
    back = BarFilters.from_json(stored)
    assert back.total == (None, None)
    assert back.statuses in {(), (InvoiceStatus.PAID,)}
