"""Quick find on the Invoices tab (issue 16): suggestions as you type, and what a choice shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from crechebooks_desktop.services.lists.invoice_find import HouseholdSuggestion, InvoiceSuggestion
from crechebooks_desktop.ui.invoices.filter_bar import SETTINGS_KEY
from crechebooks_desktop.ui.invoices.filter_values import BarFilters

# The popup is a window of its own: offscreen, it can be neither raised nor grab the keys.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)


@pytest.fixture
def view(qtbot, start):
    """The Invoices tab of the demo book, showing this month (November 2026)."""
    shell = start()
    window = shell.window
    view = window.invoices
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.is_open, timeout=10_000)
    assert view.current_filter().month is not None
    return view


def _type(qtbot, view, text: str) -> tuple:
    """Type ``text`` into the search box; the suggestions that arrive for it."""
    view.search.clear()
    view.search.setFocus()
    with qtbot.waitSignal(view.quick_find.suggested, timeout=10_000) as arrived:
        qtbot.keyClicks(view.search, text)
    return arrived.args[0]


def _choose(qtbot, view, row: int) -> object:
    """Pick the suggestion in ``row`` of the popup with the keyboard; what the list then shows."""
    popup = view.quick_find.popup
    for _ in range(row):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.quick_find.applied, timeout=10_000) as applied:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    return applied.args[0]


def test_part_of_a_number_suggests_invoices_and_choosing_one_selects_it(qtbot, view) -> None:
    # A filter that would hide the invoice goes: choosing shows it wherever it is.
    view.filter_bar.show_filters(BarFilters(households=("BOTHA04",)))
    found = _type(qtbot, view, "0004")
    numbers = [s.number for s in found]
    assert len(found) == 10
    assert numbers[:3] == ["INV-2026-000004", "INV-2026-000040", "INV-2026-000041"]
    assert all(isinstance(s, InvoiceSuggestion) for s in found)
    popup = view.quick_find.popup
    assert popup.isVisible()
    assert popup.model().rowCount() == 10
    first = popup.model().index(0, 0).data()
    assert first.startswith("INV-2026-000004  —  ")
    chosen = _choose(qtbot, view, 1)
    assert chosen.number == "INV-2026-000040"
    assert not popup.isVisible()
    selected = view.selected_invoice()
    assert selected is not None
    assert selected.number == "INV-2026-000040"
    # Every month, no other filter, the number as the words: the invoice shows wherever it is.
    order = view.current_filter()
    assert (order.month, order.text, order.more) == (None, "INV-2026-000040", BarFilters())
    assert view.model.order == order
    qtbot.waitUntil(lambda: "INV-2026-000040" in view.detail.heading.text(), timeout=5000)


def test_a_parents_name_suggests_the_household_and_choosing_it_filters_the_list(
    qtbot, view
) -> None:
    found = _type(qtbot, view, "nkosi")
    assert [s.household_ref for s in found] == ["NKOSI05"]
    household = found[0]
    assert isinstance(household, HouseholdSuggestion)
    assert household.invoice_count > 1
    assert view.quick_find.popup.model().index(0, 0).data().startswith("Household NKOSI05  —  ")
    chosen = _choose(qtbot, view, 0)
    assert chosen == household
    order = view.current_filter()
    assert (order.more, order.text, order.month) == (BarFilters(households=("NKOSI05",)), "", None)
    assert view.household.text() == "NKOSI05"
    remembered = BarFilters.from_json(QSettings().value(SETTINGS_KEY))
    assert remembered == BarFilters(households=("NKOSI05",))  # as if typed in the bar
    assert view.search.text() == ""
    rows = [view.model.row_value(r) for r in range(view.model.rowCount())]
    assert len(rows) == household.invoice_count
    assert {row.household_ref for row in rows if row is not None} == {"NKOSI05"}


def test_an_answer_for_older_text_is_dropped(qtbot, view) -> None:
    quick = view.quick_find
    view.search.setText("0004")
    quick.ask()
    view.search.setText("nkosi")  # before the first answer is back
    with qtbot.waitSignal(quick.suggested, timeout=10_000) as arrived:
        quick.ask()
    assert [s.household_ref for s in arrived.args[0]] == ["NKOSI05"]
    qtbot.waitUntil(lambda: not quick._session.executor.busy, timeout=10_000)
    assert quick.items.rowCount() == 1


def test_clearing_the_box_empties_the_suggestions_and_ctrl_f_goes_to_it(qtbot, view) -> None:
    _type(qtbot, view, "dlam")
    assert view.quick_find.items.rowCount() == 2
    with qtbot.waitSignal(view.quick_find.suggested, timeout=5000) as arrived:
        qtbot.keyClick(view.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(view.search, Qt.Key.Key_Backspace)
    assert arrived.args[0] == ()
    assert view.quick_find.items.rowCount() == 0
    assert not view.quick_find.popup.isVisible()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(view.search.hasFocus, timeout=5000)
