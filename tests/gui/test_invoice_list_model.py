"""The Invoices tab's paged list model over a real book and database thread (issue 13).

Pages of 7 rows over 68 invoices (the demo's 9 opening invoices and
November's 59): sorting and filtering happen in SQL, rows arrive as they are
shown, the end of the list is reached by keyset, and a reload keeps the
selected invoice and the scroll position.
"""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.ui.common.paged_model import PLACEHOLDER
from crechebooks_desktop.ui.invoices import view as invoices_view
from crechebooks_desktop.ui.invoices.model import Column, InvoiceListModel
from crechebooks_desktop.ui.launch import Shell
from tests.gui.conftest import shell_args

NOVEMBER = dt.date(2026, 11, 1)
TOTAL = 68


@pytest.fixture
def shell(qtbot, demo_first_day_path, no_dialogs, monkeypatch):
    monkeypatch.setattr(
        invoices_view.QMessageBox, "information", staticmethod(lambda *_a, **_k: None)
    )
    shell = Shell(shell_args(demo_first_day_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.invoices
    view._today = dt.date(2026, 11, 21)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        shell.start()
    with qtbot.waitSignal(view.generated, timeout=30_000):
        view.start_generation(NOVEMBER, NOVEMBER)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(None)
    yield shell
    shell.stop()


def _every_row(qtbot, model: InvoiceListModel, table: QTableView) -> list:
    """Every row, scrolling the table down so each page is read as it is shown."""
    rows = []
    for row in range(model.rowCount()):
        table.scrollTo(model.index(row, 0))
        qtbot.waitUntil(lambda r=row: model.row_value(r) is not None, timeout=5000)
        rows.append(model.row_value(row))
    return rows


def test_the_paged_model_sorts_filters_and_scrolls_in_sql(qtbot, qtmodeltester, shell) -> None:
    model = InvoiceListModel(shell.session, page_size=7)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(600, 200)
    table.show()
    with qtbot.waitSignal(model.opened, timeout=5000):
        model.open()
    assert model.rowCount() == TOTAL
    assert model.extra.count == TOTAL
    assert model.cached_rows() == 7  # the first page only
    assert model.index(30, Column.NUMBER).data() == PLACEHOLDER  # not read yet
    # Jump to the end: read by keyset from the end, not every page on the way.
    table.scrollToBottom()
    qtbot.waitUntil(lambda: model.row_value(TOTAL - 1) is not None, timeout=5000)
    assert model.row_value(TOTAL - 1).number == "INV-2026-000068"
    assert model.cached_rows() < TOTAL
    by_number = _every_row(qtbot, model, table)
    assert [r.number for r in by_number] == sorted(r.number for r in by_number)
    assert model.cached_rows() <= 8 * 7  # a window, not the list
    qtmodeltester.check(model, force_py=True)

    with qtbot.waitSignal(model.opened, timeout=5000):
        model.sort(Column.TOTAL, Qt.SortOrder.DescendingOrder)
    by_total = _every_row(qtbot, model, table)
    assert [(r.total_cents, r.id) for r in by_total] == sorted(
        ((r.total_cents, r.id) for r in by_total), reverse=True
    )
    assert by_total[0].total_cents == max(r.total_cents for r in by_number)
    assert {r.id for r in by_total} == {r.id for r in by_number}

    with qtbot.waitSignal(model.opened, timeout=5000):
        model.set_filters(status=InvoiceStatus.DRAFT, text="dlamini")
    drafts = _every_row(qtbot, model, table)
    assert drafts
    assert len(drafts) < TOTAL
    assert all(r.status is InvoiceStatus.DRAFT for r in drafts)
    assert all(r.household_ref.startswith("DLAMINI") for r in drafts)
    with qtbot.waitSignal(model.opened, timeout=5000):
        model.set_filters(status=None, text="no such family")
    assert model.rowCount() == 0


def test_a_reload_keeps_the_selection_and_the_scroll_position(qtbot, shell) -> None:
    view = shell.window.invoices
    view.table.resize(700, 260)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.table.sortByColumn(Column.HOUSEHOLD, Qt.SortOrder.DescendingOrder)
    view.table.scrollTo(view.model.index(40, 0), view.table.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: view.model.row_value(42) is not None, timeout=5000)
    view.table.selectRow(42)
    chosen = view.selected_invoice()
    top = view.table.rowAt(0)
    assert top > 0
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.reload()
    assert view.selected_invoice() == chosen
    assert view.table.currentIndex().row() == 42
    assert view.table.rowAt(0) == top
