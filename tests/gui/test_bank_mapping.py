"""The import dialog's mapping step (issue 14) over a real SQLite book, real files and thread.

The files are the golden ones of ``tests/golden/mapped``: layouts no bank's
profile reads, so choosing one in the import dialog opens the mapping step.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.importers.bank.mapping import sample
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.bank_mapping.dialog import MappingDialog
from crechebooks_desktop.ui.bank_mapping.jobs import MAPPED
from crechebooks_desktop.ui.bank_mapping.preview import preview
from crechebooks_desktop.ui.matching.import_dialog import ImportDialog
from tests.billing_fixtures import new_creche
from tests.gui.test_matching_tab import _settle

GOLDEN = Path(__file__).parents[1] / "golden" / "mapped"


@pytest.fixture
def shell(qtbot, tmp_path, open_shell):
    """The window on a book with a creche and its bank account ``Cheque``."""
    path = tmp_path / "book.sqlite"
    book, _ = Book.open(settings_for(str(path)), create=True)
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, "Cheque", "other")
    book.close()
    shell = open_shell(path)
    _settle(qtbot, shell)
    return shell


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for path in GOLDEN.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    return folder


def _dialog(qtbot, shell) -> ImportDialog:
    dialog = ImportDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    dialog.show()
    _settle(qtbot, shell)
    assert dialog.account_name() == "Cheque"
    return dialog


def _mapping_step(qtbot, dialog: ImportDialog, path: Path) -> MappingDialog:
    with qtbot.waitSignal(dialog.mapping_opened, timeout=10_000) as opened:
        dialog.set_path(str(path))
    step = opened.args[0]
    assert isinstance(step, MappingDialog)
    assert step.isVisible()
    return step


def _expected(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.expected.json").read_text())


def _choose_roles(qtbot, step: MappingDialog) -> None:
    """Map inflow-outflow.csv as a person would, checking the preview at each step."""
    assert not step.import_button.isEnabled()
    assert step.summary.text().startswith("Choose a date, a description and an amount")
    step.skip.setValue(5)
    assert [step.rows.horizontalHeaderItem(c).text() for c in range(step.rows.columnCount())] == [
        "Dated", "Narration", "Other Party", "Outflow (ZAR)", "Inflow (ZAR)",
        "Running Total",
    ]  # fmt: skip
    assert step.rows.item(1, 1).text() == "MONTHLY FEE"
    step.set_role(0, "date")
    assert step.date_format.currentText() == "YYYY/MM/DD"  # guessed from the column
    assert step.shown is not None
    assert step.shown.problems == (
        "no description column",
        "no amount column (or money in and money out columns)",
    )
    for column, role in ((1, "description"), (2, "description"), (3, "money out")):
        step.set_role(column, role)
    assert not step.import_button.isEnabled()
    with qtbot.waitSignal(step.previewed) as shown:
        step.set_role(4, "money in")
    assert shown.args[0].usable
    expected = _expected("inflow-outflow.csv")
    money_in = format_rands(expected["money_in_cents"])
    money_out = format_rands(-expected["money_out_cents"])
    assert step.summary.text() == f"12 lines in the first rows: {money_in} in, {money_out} out."
    assert step.lines.rowCount() == 12
    assert [step.lines.item(0, c).text() for c in range(5)] == [
        "7", "23 Oct 2026", "-R 285,00", "MONTHLY FEE | ACCOUNT FEE", "",
    ]  # fmt: skip
    step.set_role(5, "balance")
    opening = format_rands(expected["opening_balance_cents"])
    closing = format_rands(expected["closing_balance_cents"])
    assert step.summary.text().endswith(f"; balance {opening} to {closing}.")
    assert step.lines.item(0, 5).text() == closing
    assert step.problems.text() == ""  # the running balance chains


def test_an_unknown_layout_is_mapped_previewed_saved_and_imported(
    qtbot, shell, files: Path
) -> None:
    dialog = _dialog(qtbot, shell)
    step = _mapping_step(qtbot, dialog, files / "inflow-outflow.csv")
    assert "no header row of a bank statement" in dialog.error.text()
    assert not dialog.ok.isEnabled()
    _choose_roles(qtbot, step)
    expected = _expected("inflow-outflow.csv")
    # A wrong date format: the rows say so, and nothing can be imported.
    step.date_format.setCurrentText("DD/MM/YYYY")
    assert "inflow-outflow.csv:7: Dated: '2026/10/23' is not a date" in (step.problems.text())
    assert step.problems.text().endswith("and 7 more")
    assert not step.import_button.isEnabled()
    assert not step.save_button.isEnabled()
    step.date_format.setCurrentText("YYYY/MM/DD")
    assert step.import_button.isEnabled()

    with qtbot.waitSignal(step.saved, timeout=10_000) as saved:
        step.save_profile("Zero Cheque")
    assert saved.args == ["Zero Cheque"]
    assert step.note.text() == (
        "Saved as the profile “Zero Cheque”: files with this header are read with it from now on."
    )
    assert not step.save_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.profile.findData("Zero Cheque") > 0, timeout=10_000)

    step.import_button.click()
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=10_000)
    assert dialog.imported is not None
    assert (dialog.imported.profile, len(dialog.imported.imported)) == ("Zero Cheque", 12)
    amounts = [line.amount_cents for line in dialog.imported.imported]
    assert sum(a for a in amounts if a > 0) == expected["money_in_cents"]
    assert sum(a for a in amounts if a < 0) == expected["money_out_cents"]
    assert dialog.outcome.text().startswith("Imported 12 lines into Cheque, 0 already there.")

    # Next month's file in the same layout is recognised from its header: no mapping step.
    november = files / "november.csv"
    november.write_bytes((files / "inflow-outflow.csv").read_bytes().replace(b"/10/", b"/11/"))
    again = _dialog(qtbot, shell)
    assert again.profile.findText("Zero Cheque (saved)") > 0
    again.set_path(str(november))
    qtbot.waitUntil(lambda: again.file is not None, timeout=10_000)
    assert again.mapping_dialog is None
    assert again.detected.text().startswith("november.csv: CSV, Zero Cheque layout · 12 lines")


def test_a_file_without_a_header_is_mapped_by_column_number(qtbot, shell, files: Path) -> None:
    dialog = _dialog(qtbot, shell)
    step = _mapping_step(qtbot, dialog, files / "no-header.csv")
    step.has_header.setChecked(False)
    step.skip.setValue(2)
    assert step.rows.horizontalHeaderItem(0).text() == "Column 1"
    assert step.rows.verticalHeaderItem(1).text() == "3"  # the file's line numbers
    roles = ("date", "description", "description", "amount", "fee", "balance")
    for column, role in enumerate(roles):
        step.set_role(column, role)
    assert step.date_format.currentText() == "DD MMM YYYY"
    assert step.shown is not None
    assert step.shown.usable
    assert step.shown.mapping is not None
    assert (step.shown.mapping.date, step.shown.mapping.header) == ("1", ())
    assert step.lines.rowCount() == 8  # six rows, two with a fee
    assert step.lines.item(2, 3).text() == "FEE: ATM CASH | SANDTON"
    step.import_button.click()  # not saved: recorded as mapped columns
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=10_000)
    assert dialog.imported is not None
    assert (dialog.imported.profile, len(dialog.imported.imported)) == (MAPPED, 8)


def test_map_columns_opens_the_step_for_a_file_a_profile_reads(
    qtbot, shell, tmp_path: Path
) -> None:
    fnb = tmp_path / "fnb.csv"
    fnb.write_text("Date,Amount,Balance,Description\n03/10/2026,4850.00,4850.00,FEES\n")
    dialog = _dialog(qtbot, shell)
    assert not dialog.map_columns.isEnabled()
    dialog.set_path(str(fnb))
    qtbot.waitUntil(lambda: dialog.file is not None, timeout=10_000)
    assert dialog.mapping_dialog is None
    with qtbot.waitSignal(dialog.mapping_opened, timeout=10_000) as opened:
        dialog.map_columns.click()
    step = opened.args[0]
    assert step.rows.columnCount() == 4
    assert step.rows.horizontalHeaderItem(3).text() == "Description"
    step.reject()
    assert dialog.mapping_dialog is None
    assert dialog.file is not None  # cancelled: the file as the bank's profile read it


def test_saving_under_a_built_in_or_taken_name_says_why(
    qtbot, shell, files: Path, monkeypatch
) -> None:
    dialog = _dialog(qtbot, shell)
    step = _mapping_step(qtbot, dialog, files / "no-header.csv")
    step.has_header.setChecked(False)
    step.skip.setValue(2)
    for column, role in enumerate(("date", "description", "ignore", "amount")):
        step.set_role(column, role)
    assert step.save_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a: ("fnb", True)))
    step.save_button.click()
    qtbot.waitUntil(lambda: step.note.text().startswith("Not saved"), timeout=10_000)
    assert step.note.text().startswith("Not saved: 'fnb' is the name of a built-in profile (")
    assert step.save_button.isEnabled()
    with qtbot.waitSignal(step.saved, timeout=10_000):
        step.save_profile("Cell Phone Bank")
    assert step.note.text().endswith("choose it by name for files like this one.")
    # Changed after saving: no longer the saved mapping, and it may be saved again.
    step.set_role(2, "description")
    assert step.note.text() == ""
    assert step.save_button.isEnabled()
    step.save_profile("Cell Phone Bank")
    qtbot.waitUntil(lambda: step.note.text().startswith("Not saved"), timeout=10_000)
    assert "already a saved CSV profile named 'Cell Phone Bank'" in step.note.text()
    # Closed without importing: the file is read again, with the profile now chosen.
    qtbot.waitUntil(lambda: dialog.profile.choice() == "Cell Phone Bank", timeout=10_000)
    step.reject()
    qtbot.waitUntil(lambda: dialog.file is not None, timeout=10_000)
    assert dialog.file.statement.profile == "Cell Phone Bank"
    assert dialog.mapping_dialog is None


def test_the_preview_is_plain_python_over_the_first_lines() -> None:
    head = (GOLDEN / "no-header.csv").read_bytes()
    found = sample(head, "no-header.csv", 2, has_header=False)
    roles = ["date", "description", "ignore", "amount", "ignore", "balance"]
    shown = preview(head, "no-header.csv", found, roles, ("DD MMM YYYY", 2, False))
    assert shown.usable
    assert shown.statement is not None
    # Fees ignored: the balance no longer chains where a fee was taken.
    assert [w.split(":")[1] for w in shown.statement.warnings] == ["4", "7"]
    bad = preview(head, "no-header.csv", found, roles, ("YYYY-MM-DD", 2, False))
    assert not bad.usable
    assert bad.problems[0].startswith("no-header.csv:3: ")
    assert "'03 Nov 2026' is not a date in the form the mapping gives" in bad.problems[0]
    assert bad.problems[-1] == "and 1 more"
