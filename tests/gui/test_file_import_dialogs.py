"""The roster, fees and opening-balances import dialogs (issue 13) over the demo book.

Each is driven as a person would: choose a file, look at its rows, import.
A bad file lists every problem in the table, the lines the command line
prints, and nothing is written (the audit log and the roster are unchanged).
"""

from __future__ import annotations

from pathlib import Path

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin import users
from crechebooks_desktop.services.fees.structures import fee_named
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.file_import import PROBLEM_HEADERS
from crechebooks_desktop.ui.common.value_tables import cells
from crechebooks_desktop.ui.roster_import.dialogs import (
    BalancesImportDialog,
    FeesImportDialog,
    RosterImportDialog,
)
from tests.roster_support import ROSTER_HEADER, snapshot, write_csv

FEES_HEADER = "name,fee_type,amount,registration_fee,re_registration_fee"


def _open(path: Path) -> Book:
    book, _ = Book.open(settings_for(str(path)))
    return book


def _snapshot(path: Path) -> dict:
    book = _open(path)
    try:
        return snapshot(book)
    finally:
        book.close()


def _previewed(qtbot, dialog, path: Path):
    with qtbot.waitSignal(dialog.previewed, timeout=10_000) as seen:
        dialog.set_path(path)
    return seen.args[0]


def test_the_file_menu_opens_each_import(start) -> None:
    shell = start()
    menu = shell.window.import_menu
    assert [a.text() for a in menu.actions()] == [
        "&Roster…", "&Fee structures…", "&Opening balances…"
    ]  # fmt: skip
    menu.actions()[1].trigger()
    opened = [w for w in shell.window.findChildren(FeesImportDialog) if w.isVisible()]
    assert len(opened) == 1
    opened[0].reject()


def test_a_good_fees_file_is_previewed_then_imported(
    qtbot, start, demo_book_path, tmp_path
) -> None:
    shell = start()
    dialog = FeesImportDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    path = write_csv(
        tmp_path / "fees.csv",
        [
            FEES_HEADER,
            "Full Day (07:00-17:30),FULL_DAY,4850.00,750.00,500.00",
            "Toddlers,HALF_DAY,3100.00,,",
        ],
    )
    file = _previewed(qtbot, dialog, path)
    assert file.problems == ()
    assert dialog.status.text() == "fees.csv: 2 row(s) to import."
    assert cells(dialog.rows) == [
        ["Full Day (07:00-17:30)", "FULL_DAY", "4850.00", "750.00", "500.00"],
        ["Toddlers", "HALF_DAY", "3100.00", "", ""],
    ]
    assert dialog.rows.isVisibleTo(dialog)
    assert not dialog.problems.isVisibleTo(dialog)
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.ok.click()
    assert dialog.outcome.text() == "Imported fees.csv: 2 fees (1 new, 0 updated, 1 unchanged)."
    assert not dialog.ok.isEnabled()
    assert dialog.cancel_button.text() == "Close"
    book = _open(demo_book_path)
    try:
        with book.read(1) as uow:
            assert fee_named(uow, "toddlers").terms.amount_cents == 310_000
    finally:
        book.close()


def test_a_bad_fees_file_lists_every_problem_and_writes_nothing(
    qtbot, start, demo_book_path, tmp_path
) -> None:
    shell = start()
    before = _snapshot(demo_book_path)
    dialog = FeesImportDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    path = write_csv(
        tmp_path / "bad fees.csv",
        [
            FEES_HEADER,
            "Toddlers,WEEKLY,3100.00,,",
            "Agreed,CUSTOM,100.00,,",
            # The book's problem: a fee with enrolments cannot change its type.
            "Full Day (07:00-17:30),HALF_DAY,4850.00,,",
        ],
    )
    with qtbot.waitSignal(dialog.refused, timeout=10_000):
        dialog.set_path(path)
    assert [dialog.problems.horizontalHeaderItem(c).text() for c in range(4)] == list(
        PROBLEM_HEADERS
    )
    rows = cells(dialog.problems)
    assert [row[:3] for row in rows] == [
        ["bad fees.csv", "2", "fee_type"],
        ["bad fees.csv", "3", "amount"],
        ["bad fees.csv", "4", "fee_type"],
    ]
    assert rows[2][3].startswith("'Full Day (07:00-17:30)' is FULL_DAY with ")
    assert dialog.status.text().startswith("bad fees.csv cannot be imported: 3 problems")
    assert dialog.problems.isVisibleTo(dialog)
    assert not dialog.rows.isVisibleTo(dialog)
    assert not dialog.ok.isEnabled()
    after = _snapshot(demo_book_path)
    assert after == before, after["audit"][len(before["audit"]) :]


def test_a_bad_roster_lists_the_files_and_the_books_problems(
    qtbot, start, demo_book_path, tmp_path
) -> None:
    shell = start()
    before = _snapshot(demo_book_path)
    dialog = RosterImportDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    path = write_csv(
        tmp_path / "roster.csv",
        [
            ROSTER_HEADER,
            (
                "ZULU11,Mrs Busi Zulu,,,ZULU11-1,Musa,Zulu,2022-13-01,Full Day (07:00-17:30),"
                "2026-02-02,"
            ),
            "ZULU11,Mrs Busi Zulu,,,ZULU11-2,Zoe,Zulu,2023-01-01,Weekly,2026-02-02,",
        ],
    )
    file = _previewed(qtbot, dialog, path)
    assert [(p.line, p.field) for p in file.problems] == [(2, "child_dob"), (3, "fee_name")]
    assert cells(dialog.problems)[1] == [
        "roster.csv", "3", "fee_name", "no fee called 'Weekly' in this creche"
    ]  # fmt: skip
    assert not dialog.ok.isEnabled()
    assert _snapshot(demo_book_path) == before


def test_a_bad_balances_file_is_refused_and_a_viewer_imports_nothing(
    qtbot, start, demo_book_path, tmp_path
) -> None:
    book = _open(demo_book_path)
    try:
        with book.write(1) as uow:
            admin = users.acting_user(uow, 1, "admin")
            users.add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "view")
    finally:
        book.close()
    shell = start()
    viewer = start("olivia")
    before = _snapshot(demo_book_path)
    dialog = BalancesImportDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    path = write_csv(
        tmp_path / "balances.csv",
        ["household_ref,amount,as_of", "NOBODY99,150.00,2026-01-31", "NOBODY98,lots,2026-01-31"],
    )
    file = _previewed(qtbot, dialog, path)
    assert [(p.line, p.field) for p in file.problems] == [(2, "household_ref"), (3, "amount")]
    assert cells(dialog.problems)[0] == [
        "balances.csv", "2", "household_ref", "no household 'NOBODY99'"
    ]  # fmt: skip

    looked = BalancesImportDialog(viewer.session, viewer.window)
    qtbot.addWidget(looked)
    good = write_csv(tmp_path / "good.csv", ["household_ref,amount,as_of", "X1,1.00,2026-01-31"])
    _previewed(qtbot, looked, good)
    assert not looked.ok.isEnabled()
    assert looked.error.text() == "Your role may read this file but not import it."
    assert _snapshot(demo_book_path) == before
