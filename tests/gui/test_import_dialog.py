"""The Import statement dialog over a real SQLite book, real files, real database thread."""

import datetime as dt
import threading
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.services.bank.review_queue import list_lines
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.matching.import_dialog import ImportDialog, NewAccountDialog
from tests.billing_fixtures import new_creche
from tests.gui.test_matching_tab import _open as open_matching_tab
from tests.gui.test_matching_tab import _settle, build_book


def fnb_csv(path: Path, lines: int = 12) -> Path:
    """An FNB-style CSV export: a preamble line, then Date, Amount, Balance, Description."""
    rows = ["Account Number,62812345678,FNB Gold Business", "Date,Amount,Balance,Description"]
    balance = 1_000_000
    for i in range(lines):
        cents = -12_500 if i % 3 == 0 else 350_000 + i * 100
        balance += cents
        day = dt.date(2026, 11, 1 + i % 28)
        rows.append(
            f"{day:%d/%m/%Y},{cents / 100:.2f},{balance / 100:.2f},PAYMENT {i} FROM A PARENT"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def shell(qtbot, tmp_path, open_shell):
    """The window on a book with a creche and no bank account yet."""
    path = tmp_path / "empty.sqlite"
    book, _ = Book.open(settings_for(str(path)), create=True)
    new_creche(book)
    book.close()
    shell = open_shell(path)
    _settle(qtbot, shell)
    return shell


def _dialog(qtbot, shell) -> ImportDialog:
    dialog = ImportDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    dialog.show()
    _settle(qtbot, shell)
    return dialog


def test_new_account_dialog_needs_a_name(qtbot) -> None:
    dialog = NewAccountDialog()
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.error.text() == "Name: give the account a name."
    dialog.name.setText("  Cheque   account ")
    dialog.bank.setCurrentIndex(dialog.bank.findData("capitec"))
    dialog._accept()
    assert dialog.result_value == ("Cheque account", "capitec")


def test_import_a_csv_into_a_new_account(qtbot, shell, tmp_path) -> None:
    shell.window.tabs.setCurrentWidget(shell.window.matching)
    _settle(qtbot, shell)
    assert shell.window.matching.panel.heading.text() == "No bank credits yet"
    dialog = _dialog(qtbot, shell)
    assert dialog.account.count() == 0
    assert not dialog.ok.isEnabled()
    dialog.add_account("Cheque account", "fnb")
    _settle(qtbot, shell)
    assert dialog.account.currentText() == "Cheque account (FNB)"
    dialog.set_path(str(fnb_csv(tmp_path / "november.csv")))
    qtbot.waitUntil(lambda: dialog.file is not None, timeout=5000)
    assert dialog.detected.text() == (
        "november.csv: CSV, FNB layout · 12 lines from 01 Nov 2026 to 12 Nov 2026\n"
        "8 credits, R 28 048,00 in · the first 10 lines:"
    )
    assert dialog.lines.rowCount() == 10
    assert dialog.lines.item(1, 0).text() == "02 Nov 2026"
    assert dialog.lines.item(1, 1).text() == "R 3 501,00"
    assert dialog.lines.item(0, 1).text() == "-R 125,00"
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=10_000)
    assert dialog.outcome.text().startswith(
        "Imported 12 lines into Cheque account, 0 already there."
    )
    assert dialog.ok.text() == "Run matching"
    assert dialog.cancel_button.text() == "Close"
    dialog.ok.click()
    assert dialog.run_matching_wanted

    again = _dialog(qtbot, shell)
    again.set_path(str(tmp_path / "november.csv"))
    qtbot.waitUntil(lambda: again.file is not None, timeout=5000)
    again.ok.click()
    qtbot.waitUntil(lambda: again.imported is not None, timeout=10_000)
    assert "Imported 0 lines into Cheque account, 12 already there." in again.outcome.text()
    assert "november.csv was imported into Cheque account before" in again.outcome.text()


def test_a_file_that_is_not_a_statement_says_why(qtbot, shell, tmp_path) -> None:
    dialog = _dialog(qtbot, shell)
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    dialog.set_path(str(pdf))
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=5000)
    assert dialog.error.text().startswith("statement.pdf cannot be opened as a PDF: it is damaged")
    assert "Traceback" not in dialog.error.text()
    assert dialog.detected.text() == "This file cannot be imported."
    assert not dialog.ok.isEnabled()
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Amount,Description\n2026-11-01,abc,X\n2026-11-02,10.00,Y\n")
    dialog.set_path(str(bad))
    qtbot.waitUntil(lambda: "bad.csv" in dialog.error.text(), timeout=5000)
    assert dialog.error.text() == (
        "bad.csv was not imported (1 problem); nothing was changed\n"
        "bad.csv:2: Amount: not an amount: 'abc'"
    )
    dialog.set_path(str(tmp_path / "missing.csv"))
    qtbot.waitUntil(lambda: "no such file" in dialog.error.text(), timeout=5000)


def test_the_tab_imports_then_runs_matching(qtbot, tmp_path, no_dialogs, monkeypatch) -> None:
    path = tmp_path / "families.sqlite"
    build_book(path)
    shell, view = open_matching_tab(qtbot, path)
    statement = tmp_path / "december.csv"
    statement.write_text(
        "Date,Amount,Description,Reference\n"
        "2026-12-02,4850.00,MRS N DLAMINI DECEMBER,DLAMINI01\n"
        "2026-12-03,100.00,CREDIT INTEREST,\n",
        encoding="utf-8",
    )

    def drive(dialog: ImportDialog) -> int:
        qtbot.waitUntil(lambda: dialog.account.count() == 1, timeout=5000)
        dialog.set_path(str(statement))
        qtbot.waitUntil(lambda: dialog.file is not None, timeout=5000)
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.imported is not None, timeout=10_000)
        dialog.ok.click()  # Run matching
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", drive)
    try:
        with qtbot.waitSignal(view.matched, timeout=20_000) as done:
            view.import_button.click()
        _settle(qtbot, shell)
    finally:
        shell.stop()
    # The run scores every line still open: the two new ones and the five from November.
    assert done.args[0].lines == 7
    book, _ = Book.open(settings_for(str(path)))
    with book.read(1) as uow:
        found = {d.line.description: d.decision for d in list_lines(uow)}
    book.close()
    assert found["CREDIT INTEREST"] is MatchOutcome.NO_MATCH
    assert found["MRS N DLAMINI DECEMBER"] is MatchOutcome.REVIEW_REQUIRED


def test_cancel_stops_a_running_import(qtbot, shell, tmp_path) -> None:
    dialog = _dialog(qtbot, shell)
    dialog.add_account("Cheque account", "fnb")
    dialog.set_path(str(fnb_csv(tmp_path / "november.csv")))
    qtbot.waitUntil(lambda: dialog.file is not None and dialog.ok.isEnabled(), timeout=5000)
    gate = threading.Event()
    # Hold the database thread so the import is still waiting when Cancel is pressed.
    shell.executor.submit(lambda: gate.wait(10), lambda _r: None, lambda _e: None)
    dialog.ok.click()
    assert dialog.progress.isVisible()
    assert not dialog.path.isEnabled()
    dialog.cancel_button.click()
    assert dialog.isVisible()  # it waits for the import to stop
    gate.set()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=5000)
    assert dialog.error.text() == "Import cancelled; nothing was imported."
    assert dialog.path.isEnabled()
    assert dialog.imported is None
    dialog.cancel_button.click()
    assert not dialog.isVisible()


def test_a_pdf_that_does_not_add_up_shows_its_lines_with_the_breaking_one_marked(
    qtbot, shell, tmp_path
) -> None:
    from tests.pdf_statements import FNB, render, with_spec
    from tests.unit.importers.bank.test_pdf_layouts import OPENING, month

    pdf = tmp_path / "statement.pdf"
    txns = month(dt.date(2026, 1, 1))
    pdf.write_bytes(render(with_spec(FNB, breaks={2: 411_544 + 1_000}), txns, OPENING))
    dialog = _dialog(qtbot, shell)
    dialog.set_path(str(pdf))
    qtbot.waitUntil(lambda: dialog.chain_break_row is not None, timeout=10_000)
    assert "statement.pdf:page 1, line 9: balance: R 4 125,44" in dialog.error.text()
    assert "lines add up to R 4 115,44" in dialog.error.text()
    assert dialog.lines.rowCount() == len(txns)  # every line read, not just a preview
    row = dialog.chain_break_row
    assert dialog.lines.item(row, 2).text().startswith("ESKOM")
    marked = dialog.lines.item(row, 1)
    assert marked.background().color().name() == "#f4c7c3"
    assert "prints R 4 125,44, the lines add up to R 4 115,44" in marked.toolTip()
    others = [r for r in range(dialog.lines.rowCount()) if r != row]
    assert all(dialog.lines.item(r, 1).toolTip() == "" for r in others)
    assert not dialog.ok.isEnabled()
