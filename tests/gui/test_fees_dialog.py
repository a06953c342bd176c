"""The Fee structures dialog (issue 13) over the demo book, real database thread.

Driven as a person fills it in; what it saved is read back through the
services, and a refused input shows the service's own message with nothing
written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.domain.roster import FeeRate
from crechebooks_desktop.services.admin import users
from crechebooks_desktop.services.fees.structures import fee_named
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.value_tables import cells
from crechebooks_desktop.ui.fees.dialog import AddFeeDialog, ChangeFeeDialog, Column, FeesDialog
from crechebooks_desktop.ui.launch import Shell

TODAY = dt.date(2026, 11, 21)
FULL_DAY = "Full Day (07:00-17:30)"


def _read(path: Path, read):
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            return read(uow)
    finally:
        book.close()


def _audit_count(path: Path) -> int:
    return len(_read(path, lambda uow: uow.audit.latest(None, limit=100_000)))


def _dialog(qtbot, shell: Shell) -> FeesDialog:
    dialog = FeesDialog(shell.session, TODAY, shell.window)
    qtbot.addWidget(dialog)
    opened: list = []
    dialog.open_dialog = opened.append  # type: ignore[method-assign]
    dialog.opened = opened  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    return dialog


def _row(dialog: FeesDialog, name: str) -> list[str]:
    fee = next(f for f in dialog.model.rows() if f.name == name)
    return [dialog.model.display(fee, column) for column in Column]


def test_change_a_fee_from_a_month_and_add_one(qtbot, start, demo_book_path) -> None:
    shell = start()
    dialog = _dialog(qtbot, shell)
    assert _row(dialog, FULL_DAY) == [
        FULL_DAY, "Full day", "R 4 850,00", "R 750,00", "R 500,00", "from the start", "",
    ]  # fmt: skip
    assert _row(dialog, "Aftercare (hourly)")[2] == "R 65,00 /h"
    dialog.select_fee(FULL_DAY)
    dialog.change_button.click()
    change = dialog.opened[-1]
    assert isinstance(change, ChangeFeeDialog)
    assert change.amount.text() == "4850.00"

    change.amount.setText("lots")
    change.ok.click()
    assert "not an amount" in change.form.problem("amount")
    audited = _audit_count(demo_book_path)
    change.amount.setText("-10")
    change.ok.click()
    qtbot.waitUntil(lambda: bool(change.error.text()), timeout=10_000)
    assert change.error.text() == "the amount cannot be negative (got -R 10,00)"
    assert _audit_count(demo_book_path) == audited

    change.amount.setText("5 200,00")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        change.ok.click()
    assert dialog.said.text() == f"{FULL_DAY}: new amounts from 01 December 2026."
    # Still R 4 850 today; the change shows as the one to come, and in the versions.
    assert _row(dialog, FULL_DAY)[2] == "R 4 850,00"
    assert _row(dialog, FULL_DAY)[6] == "01 Dec 2026: R 5 200,00"
    assert cells(dialog.versions) == [
        ["from the start", "R 4 850,00", "R 750,00", "R 500,00"],
        ["01 Dec 2026", "R 5 200,00", "R 750,00", "R 500,00"],
    ]
    stored = _read(demo_book_path, lambda uow: fee_named(uow, FULL_DAY))
    assert stored.changes == (FeeRate(dt.date(2026, 12, 1), 520_000, 75_000, 50_000),)

    dialog.add_button.click()
    add = dialog.opened[-1]
    assert isinstance(add, AddFeeDialog)
    add.name.setText("full day (07:00-17:30)")
    add.amount.setText("100")
    add.ok.click()
    qtbot.waitUntil(lambda: bool(add.error.text()), timeout=10_000)
    assert add.error.text() == f"the creche already has a fee called {FULL_DAY!r}"
    add.name.setText("Toddlers")
    add.fee_type.setCurrentIndex(add.fee_type.findText("Half day"))
    add.amount.setText("3100")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        add.ok.click()
    assert dialog.said.text() == "Added Toddlers."
    assert dialog.selected_fee().name == "Toddlers"
    assert _row(dialog, "Toddlers")[1:4] == ["Half day", "R 3 100,00", "—"]


def test_a_bookkeeper_sees_the_fees_but_changes_nothing(qtbot, start, demo_book_path) -> None:
    book, _ = Book.open(settings_for(str(demo_book_path)))
    try:
        with book.write(1) as uow:
            admin = users.acting_user(uow, 1, "admin")
            users.add_user(uow, admin, "bea", Role.BOOKKEEPER, "ledger")
    finally:
        book.close()
    shell = start("bea")
    dialog = _dialog(qtbot, shell)
    assert len(dialog.model.rows()) == 4
    assert not dialog.add_button.isEnabled()
    assert not dialog.change_button.isEnabled()
    assert dialog.note.text() == "Only an administrator can add or change the creche's fees."
