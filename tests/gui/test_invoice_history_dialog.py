"""The Invoices tab's "Import history…" dialog (issue 16) over the demo book, on its first day.

Driven as a person would: open it from the tab, choose a file, see its rows
and what importing would do, import, and find the invoices in the list; a bad
file lists every problem, the lines ``invoices import`` prints, and nothing is
written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.value_tables import cells
from crechebooks_desktop.ui.invoices import view as invoices_view
from crechebooks_desktop.ui.invoices.history_import import HistoryImportDialog
from crechebooks_desktop.ui.launch import Shell
from tests.gui.conftest import shell_args
from tests.roster_support import snapshot, write_csv

HEADER = "number,household_ref,child_ref,issue_date,due_date,description,total,amount_paid"
GOOD = [
    f"{HEADER},paid_date",
    "OLD-1001,BOTHA04,BOTHA04-1,2026-09-01,2026-09-07,September fees,4850.00,4850.00,2026-09-03",
    "OLD-1002,ADAMS19,ADAMS19-1,2026-09-01,2026-09-07,September fees,3200.00,1000.00,",
    "OLD-1003,ADAMS19,,2026-10-01,2026-10-07,Outing,250.00,0,",
]


@pytest.fixture
def tab(qtbot, demo_first_day_path, no_dialogs, monkeypatch):
    """The window on the demo's first day with the Invoices tab showing every month."""
    monkeypatch.setattr(
        invoices_view.QMessageBox, "information", staticmethod(lambda *_a, **_k: None)
    )
    shell = Shell(shell_args(demo_first_day_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.invoices
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        shell.start()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.select_month(None)
    yield shell, view
    shell.stop()


def _opened(view) -> HistoryImportDialog:
    view.history_button.click()
    (dialog,) = [d for d in view.findChildren(HistoryImportDialog) if d.isVisible()]
    return dialog


def _snapshot(path: Path) -> dict:
    book, _ = Book.open(settings_for(str(path)))
    try:
        return snapshot(book)
    finally:
        book.close()


def test_a_good_file_is_previewed_imported_and_listed(qtbot, tab, tmp_path) -> None:
    _shell, view = tab
    before = view.model.rowCount()
    dialog = _opened(view)
    path = write_csv(tmp_path / "old system.csv", GOOD)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000) as seen:
        dialog.set_path(path)
    assert seen.args[0].problems == ()
    assert dialog.status.text() == (
        "old system.csv: 3 invoice(s) to import (R 8 300,00 billed, R 5 850,00 paid), "
        "0 imported before and skipped."
    )
    assert cells(dialog.rows)[1] == [
        "OLD-1002", "ADAMS19", "ADAMS19-1", "2026-09-01", "2026-09-07", "September fees",
        "3200.00", "1000.00", "",
    ]  # fmt: skip
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10_000), qtbot.waitSignal(dialog.imported):
        dialog.ok.click()
    assert dialog.outcome.text() == (
        "Imported old system.csv: 3 invoice(s), R 8 300,00 billed and R 5 850,00 paid; "
        "0 imported before were skipped."
    )
    assert view.model.rowCount() == before + 3
    for number in ("OLD-1001", "OLD-1002", "OLD-1003"):
        assert view.model.row_of_number(number) is not None, number
    dialog.reject()
    again = _opened(view)
    with qtbot.waitSignal(again.previewed, timeout=10_000):
        again.set_path(path)
    assert again.status.text().endswith("0 invoice(s) to import (R 0,00 billed, R 0,00 paid), "
                                        "3 imported before and skipped.")  # fmt: skip
    assert not again.ok.isEnabled()  # nothing new
    again.reject()


def test_a_bad_file_lists_every_problem_and_writes_nothing(
    qtbot, tab, demo_first_day_path, tmp_path
) -> None:
    _shell, view = tab
    before = _snapshot(demo_first_day_path)
    dialog = _opened(view)
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            "OLD-1,NOBODY99,,2026-09-01,2026-09-07,Fees,100,0",
            "INV-2026-000777,ADAMS19,,2026-09-01,2026-09-07,Fees,100,0",
            "OLD-3,ADAMS19,BOTHA04-1,2026-09-01,2026-09-07,Fees,100,0",
            "OLD-4,ADAMS19,,2026-09-08,2026-09-07,Fees,100,150",
        ],
    )
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        dialog.set_path(path)
    assert [row[:3] for row in cells(dialog.problems)] == [
        ["bad.csv", "2", "household_ref"],
        ["bad.csv", "3", "number"],
        ["bad.csv", "4", "child_ref"],
        ["bad.csv", "5", "due_date"],
        ["bad.csv", "5", "amount_paid"],
    ]
    assert dialog.status.text().startswith("bad.csv cannot be imported: 5 problems")
    assert dialog.problems.isVisibleTo(dialog)
    assert not dialog.ok.isEnabled()
    dialog.reject()
    assert _snapshot(demo_first_day_path) == before
