"""A line's transaction date on the Matching and Reconciliation tabs (issue 14), real SQLite book.

A Capitec statement posts a weekend's payments on Monday 2 November and says
they were made on Saturday 31 October. The lists show the posting date (the
line's place on the statement); a tooltip and the line's details say when it
was made. A line whose transaction date is its posting date says nothing more.
"""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.reconciliation import reconcile
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.bank_dates import transacted_aside, transacted_note
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.matching.queue_model import Column as QueueColumn
from crechebooks_desktop.ui.reconciliation.model import Column as LinesColumn
from tests.billing_fixtures import new_creche
from tests.gui.conftest import shell_args

ACCOUNT = "Capitec business"
MONDAY, SATURDAY = dt.date(2026, 11, 2), dt.date(2026, 10, 31)
NOTE = "Transacted 31 Oct 2026 (posted 02 Nov 2026)"
# Line ids follow the statement: 1 made on Saturday, 2 made on Monday, 3 a fee on Saturday.
WEEKEND, SAME_DAY, FEE = 1, 2, 3
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def build_book(path: Path) -> None:
    book, _ = Book.open(settings_for(str(path)), create=True)
    settings, actor = new_creche(book)
    lines = (
        StatementLine(2, MONDAY, 485_000, "MAGIC 0821234567", transaction_date=SATURDAY),
        StatementLine(3, MONDAY, 320_000, "PAYMENT RECEIVED NAIDOO", transaction_date=MONDAY),
        StatementLine(4, MONDAY, -1_200, "CARD PURCHASE SPAR", transaction_date=SATURDAY),
    )
    statement = Statement("capitec.csv", "csv", "capitec", lines, bank="Capitec")
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, ACCOUNT, "capitec", None, 0, dt.date(2026, 10, 31))
        bank.import_statement(uow, actor, ACCOUNT, statement, "c" * 64)
        closing = sum(line.amount_cents for line in lines)
        reconcile.start(uow, actor, ACCOUNT, dt.date(2026, 11, 30), closing)
    book.close()


def _settle(qtbot, shell) -> None:
    for _ in range(3):
        qtbot.waitUntil(lambda: not shell.executor.busy, timeout=10_000)
        qtbot.wait(20)


@pytest.fixture
def open_tab(qtbot, tmp_path: Path, no_dialogs):
    """Open the window on the book with the named tab showing; stopped at teardown."""
    path = tmp_path / "capitec.sqlite"
    build_book(path)
    shells = []

    def open_(name: str):
        shell = Shell(shell_args(path), interactive=False)
        shells.append(shell)
        qtbot.addWidget(shell.window)
        view = getattr(shell.window, name)
        shell.window.tabs.setCurrentWidget(view)
        with qtbot.waitSignal(view.loaded, timeout=10_000):
            shell.start()
        _settle(qtbot, shell)
        return shell, view

    yield open_
    for shell in shells:
        shell.stop()


def test_matching_shows_the_transaction_date_in_the_tooltip_and_the_details(
    qtbot, open_tab
) -> None:
    shell, view = open_tab("matching")
    view.filter.setCurrentIndex(0)  # All: the lines are not matched yet
    _settle(qtbot, shell)
    model = view.model
    weekend, same_day = model.row_of(WEEKEND), model.row_of(SAME_DAY)
    assert model.index(weekend, QueueColumn.DATE).data() == "02 Nov 2026"  # the posting date
    assert NOTE in model.index(weekend, QueueColumn.DATE).data(TOOLTIP)
    assert model.index(weekend, QueueColumn.WHO).data(TOOLTIP).startswith("MAGIC 0821234567\n")
    assert "Transacted" not in model.index(same_day, QueueColumn.DATE).data(TOOLTIP)

    view.select_row(weekend)
    qtbot.waitUntil(lambda: view.panel_shows(WEEKEND), timeout=5000)
    assert NOTE in view.panel.facts.text().splitlines()
    assert "on 02 Nov 2026" in view.panel.heading.text()
    view.select_row(same_day)
    qtbot.waitUntil(lambda: view.panel_shows(SAME_DAY), timeout=5000)
    assert "Transacted" not in view.panel.facts.text()


def test_reconciliation_shows_the_transaction_date_in_the_tooltip_and_the_details(
    qtbot, qtmodeltester, open_tab
) -> None:
    _shell, view = open_tab("reconciliation")
    model = view.model
    qtmodeltester.check(model, force_py=True)
    rows = {line: model.row_of(("line", line)) for line in (WEEKEND, SAME_DAY, FEE)}
    for line in (WEEKEND, FEE):  # money in and money out alike
        assert model.index(rows[line], LinesColumn.DATE).data() == "02 Nov 2026"
        assert model.index(rows[line], LinesColumn.DATE).data(TOOLTIP) == NOTE
    assert model.index(rows[SAME_DAY], LinesColumn.DATE).data(TOOLTIP) is None

    def choose(line: int) -> str:
        source = model.index(rows[line], 0)
        view.table.selectRow(view.proxy.mapFromSource(source).row())
        return view.detail.text()

    assert choose(FEE).startswith(f"{NOTE}. ")
    assert not choose(SAME_DAY).startswith("Transacted")


def test_the_words_say_the_other_date_only_when_there_is_one() -> None:
    assert transacted_note(MONDAY, SATURDAY) == NOTE
    assert transacted_aside(MONDAY, SATURDAY) == " (transacted 31 Oct 2026)"
    for same in (None, MONDAY):
        assert transacted_note(MONDAY, same) is None
        assert transacted_aside(MONDAY, same) == ""
