"""The Matching tab over a real SQLite book, driven from the keyboard, real database thread.

The book: five families with November's invoices sent, a cheque account and
a statement of eight lines imported and matched (two auto-applied, four to
review, one with no match, one debit that matching leaves alone).
"""

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import BankLineStatus, InvoiceStatus, MatchOutcome
from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports
from crechebooks_desktop.services.bank.payment_matching import run_matching
from crechebooks_desktop.services.bank.review_queue import list_lines
from crechebooks_desktop.services.billing.invoice_lifecycle import send_invoices
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.matching import dialogs
from crechebooks_desktop.ui.matching.candidates import CandidateColumn, CandidateModel, breakdown
from crechebooks_desktop.ui.matching.dialogs import SplitDialog
from crechebooks_desktop.ui.matching.jobs import CandidateView, Kind
from crechebooks_desktop.ui.matching.queue_model import Column
from crechebooks_desktop.ui.ops import Changes
from tests.billing_fixtures import add_fees, new_creche, run_month
from tests.gui.conftest import shell_args

NOVEMBER = dt.date(2026, 11, 1)
FAMILIES = (
    ("DLAMINI01", "Mrs Nomsa Dlamini", "Thabo", "Dlamini"),
    ("NAIDOO01", "Mrs Priya Naidoo", "Aarav", "Naidoo"),
    ("SMITH01", "Mr Mark Smith", "Zoe", "Smith"),
    ("MOKOENA01", "Mrs Lerato Mokoena", "Kea", "Mokoena"),
    ("BOTHA01", "Mr Johan Botha", "Ruben", "Botha"),
)
# Line ids follow the statement's order: 1 DLAMINI (auto), 2 NAIDOO (review),
# 3 SMITH (auto), 4 interest (no match), 5 MOKOENA part payment (review),
# 6 cash deposit (review), 7 BOTHA by the child's name (review), 8 a debit.
NAIDOO, MOKOENA, CASH, BOTHA, INTEREST = 2, 5, 6, 7, 4


def _line(n: int, day: int, cents: int, text: str, ref: str | None = None) -> StatementLine:
    return StatementLine(n, dt.date(2026, 11, day), cents, text, ref)


def build_book(path: Path, *, matched: bool = True) -> None:
    """The five families' book; the statement imported and (if ``matched``) matched."""
    book, _ = Book.open(settings_for(str(path)), create=True)
    settings, actor = new_creche(book)
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        fees = add_fees(uow)
        for ref, parent, first, surname in FAMILIES:
            household = uow.roster.add_household(ref, parent)
            child = uow.roster.add_child(household, f"{ref}-1", first, surname, dt.date(2022, 6, 1))
            uow.roster.add_enrolment(child, fees.plain, dt.date(2026, 1, 1))
    run_month(book, actor, NOVEMBER, NOVEMBER)
    with book.write(tenant) as uow:
        numbers = uow.invoices.numbers_in_month(NOVEMBER, InvoiceStatus.DRAFT)
        send_invoices(uow, actor, numbers)
        accounts_and_imports.add_account(uow, actor, "Cheque account", "fnb")
    lines = (
        _line(1, 2, 485_000, f"MRS N DLAMINI {numbers[0]}", numbers[0]),
        _line(2, 3, 485_000, "MRS P NAIDOO FEES"),
        _line(3, 3, 485_000, "IB PAYMENT SMITH01", "SMITH01"),
        _line(4, 4, 1_842, "CREDIT INTEREST"),
        _line(5, 5, 200_000, "MRS L MOKOENA"),
        _line(6, 6, 485_000, "CASH DEPOSIT RANDBURG"),
        _line(7, 7, 485_000, "J BOTHA RUBEN"),
        _line(8, 8, -28_500, "#MONTHLY ACCOUNT FEE"),
    )
    with book.write(tenant) as uow:
        statement = Statement("november.csv", "csv", "fnb", lines)
        accounts_and_imports.import_statement(uow, actor, "Cheque account", statement, "a" * 64)
    if matched:
        with book.write(tenant) as uow:
            run_matching(uow, actor)
    book.close()


def decisions(path: Path) -> dict[int, tuple[BankLineStatus, MatchOutcome | None, str | None]]:
    """Each credit line's status, newest decision and household, read straight from the book."""
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            return {
                d.line.id: (d.line.status, d.decision, d.household_ref) for d in list_lines(uow)
            }
    finally:
        book.close()


def _settle(qtbot, shell) -> None:
    """Wait until no job is queued or running (and none is about to be)."""
    for _ in range(3):
        qtbot.waitUntil(lambda: not shell.executor.busy, timeout=10_000)
        qtbot.wait(20)


def _open(qtbot, path: Path):
    shell = Shell(shell_args(path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.matching
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        shell.start()
    _settle(qtbot, shell)
    view.table.setFocus()
    return shell, view


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    path = tmp_path / "matching.sqlite"
    build_book(path)
    return path


@pytest.fixture
def tab(qtbot, book_path, no_dialogs):
    """The window on the matched book with the Matching tab showing "To review"."""
    shell, view = _open(qtbot, book_path)
    yield shell, view
    shell.stop()


def _press(qtbot, shell, view, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key on the queue, then wait for the decision and the reload to finish."""
    qtbot.keyClick(view.table, key, modifier)
    _settle(qtbot, shell)


def _current(view) -> int:
    line = view.selected_line()
    assert line is not None
    return line.line_id


def _shown(view) -> list[int]:
    return [view.model.index(r, 0).data(ItemRole.ROW).line_id for r in range(view.model.rowCount())]


def _filter(qtbot, shell, view, index: int) -> None:
    """Choose a group under Show: the queue is read again (in SQL) for it."""
    view.filter.setCurrentIndex(index)
    _settle(qtbot, shell)


# -- models -----------------------------------------------------------------------------


CANDIDATE = CandidateView("DLAMINI01", 92, 40, 38, 14, ("reference matches",), ("INV-1",))


def test_queue_model_passes_qt_model_tester(qtmodeltester, qtbot, tab) -> None:
    shell, view = tab
    _filter(qtbot, shell, view, 0)  # All
    model = view.model
    qtmodeltester.check(model, force_py=True)
    row = model.row_of(NAIDOO)
    assert model.index(row, Column.AMOUNT).data() == "R 4 850,00"
    assert model.index(row, Column.AMOUNT).data(ItemRole.SORT) == 485_000
    assert model.index(row, Column.DECISION).data() == "To review"
    assert model.index(row, Column.BEST).data() == "NAIDOO01"
    assert model.index(row, Column.SCORE).data() == "60"
    auto = model.row_of(1)
    assert model.index(auto, Column.DECISION).data() == "Auto-applied"
    assert model.index(auto, Column.SCORE).data() == ""  # applied: its household shows
    assert model.index(model.row_of(INTEREST), Column.DECISION).data() == "No match"
    assert view.counts[Kind.AUTO] == 2
    # Sorting is done by the database: the largest amounts first, ties by line.
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.table.sortByColumn(Column.AMOUNT, Qt.SortOrder.DescendingOrder)
    _settle(qtbot, shell)
    amounts = [model.row_value(r).amount_cents for r in range(model.rowCount())]
    assert amounts == sorted(amounts, reverse=True)
    assert _current(view) == NAIDOO  # the chosen line is kept
    # The household and score are not sorted in SQL: the order stays by amount.
    view.table.sortByColumn(Column.SCORE, Qt.SortOrder.AscendingOrder)
    assert view.table.horizontalHeader().sortIndicatorSection() == Column.AMOUNT


def test_candidate_model_passes_qt_model_tester(qtmodeltester, qapp) -> None:
    other = CandidateView("NAIDOO01", 40, 0, 40, 0, ("amount equals",), ())
    model = CandidateModel()
    model.set_rows([CANDIDATE, other], MoneyStyle.SPACE_COMMA)
    qtmodeltester.check(model, force_py=True)
    assert model.index(1, CandidateColumn.KEY).data() == "2"
    assert model.index(0, CandidateColumn.PARTS).data() == "Ref 40 · Amount 38 · Name 14"
    assert breakdown(other) == "Ref 0 · Amount 40 · Name 0"


# -- the queue and the candidates -------------------------------------------------------


def test_the_tab_shows_the_queue_counters_and_candidates(qtbot, tab) -> None:
    _shell, view = tab
    assert view.filter.currentText() == "To review (4)"
    assert _shown(view) == [NAIDOO, MOKOENA, CASH, BOTHA]
    assert view.counters.text().startswith("2 auto-applied · 4 to review · 1 no match")
    assert _current(view) == NAIDOO
    panel = view.panel
    # Five households owe R 4 850,00, but the run paid DLAMINI01's and SMITH01's invoices:
    # the line was scored again and offers only the three still open (issue 11).
    assert panel.model.rowCount() == 3
    assert panel.model.index(0, CandidateColumn.HOUSEHOLD).data() == "NAIDOO01"
    assert panel.model.index(0, CandidateColumn.PARTS).data() == "Ref 0 · Amount 40 · Name 20"
    assert "is parent 'Mrs Priya Naidoo'" in panel.reasons.text()
    # The allocation preview comes from the database thread.
    qtbot.waitUntil(lambda: panel.invoices.rowCount() == 1, timeout=5000)
    assert panel.invoices.item(0, 0).text() == "INV-2026-000002"
    assert panel.invoices.item(0, 3).text() == "R 4 850,00"
    assert panel.invoices.item(0, 4).text() == "paid in full"
    assert "Enter accepts: R 4 850,00 pays 1 invoice(s) for NAIDOO01" in panel.outcome.text()
    _filter(qtbot, _shell, view, 0)
    assert view.model.rowCount() == 7  # credits only: the debit is not matched
    assert _current(view) == NAIDOO  # the filter keeps the line chosen
    _filter(qtbot, _shell, view, 4)
    assert _shown(view) == [INTEREST]
    assert "No household matched" in view.panel.reasons.text()


def test_keyboard_flow_accept_pick_park_reject_and_undo(qtbot, tab, book_path, monkeypatch):  # noqa: PLR0915
    shell, view = tab

    def park_with_note(dialog) -> int:
        dialog.note.setText("Asked Mr Botha which month this is for")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(dialogs.ParkDialog, "exec", park_with_note)
    reloads: list[int] = []
    view.loaded.connect(reloads.append)

    # Enter accepts the best candidate; the next line (same place in the list) is chosen.
    _press(qtbot, shell, view, Qt.Key.Key_Return)
    assert decisions(book_path)[NAIDOO] == (
        BankLineStatus.MATCHED,
        MatchOutcome.ACCEPTED,
        "NAIDOO01",
    )
    assert view.action_line.text() == "Accepted R 4 850,00 for NAIDOO01 — Ctrl+Z to undo"
    assert shell.window.statusBar().currentMessage() == view.action_line.text()
    assert _shown(view) == [MOKOENA, CASH, BOTHA]
    assert _current(view) == MOKOENA
    # Only the decided line is refreshed (the queue is not read again), counters included.
    assert reloads == []
    assert view.filter.currentText() == "To review (3)"
    assert "3 to review" in view.counters.text()
    assert "1 accepted" in view.counters.text()
    _filter(qtbot, shell, view, 3)  # Accepted
    assert _shown(view) == [NAIDOO]
    assert view.model.row_value(view.model.row_of(NAIDOO)).best_ref == "NAIDOO01"
    _filter(qtbot, shell, view, 1)
    assert view.select_line(MOKOENA)
    _settle(qtbot, shell)  # its candidates are read for it
    reloads.clear()  # choosing a group reads it: the decisions below must not

    # Down, then 2 accepts the second candidate of the cash deposit: NAIDOO01 was just
    # paid, so the deposit (scored again with it) now offers MOKOENA01 and BOTHA01 only.
    _press(qtbot, shell, view, Qt.Key.Key_Down)
    assert _current(view) == CASH
    assert [c.household_ref for c in view.panel.model.rows()] == ["BOTHA01", "MOKOENA01"]
    second = view.panel.model.row_value(1).household_ref
    _press(qtbot, shell, view, Qt.Key.Key_2)
    assert decisions(book_path)[CASH] == (BankLineStatus.MATCHED, MatchOutcome.ACCEPTED, second)
    assert _current(view) == BOTHA  # never back to the top

    # P parks with a note; R rejects.
    _press(qtbot, shell, view, Qt.Key.Key_P)
    assert decisions(book_path)[BOTHA][:2] == (BankLineStatus.PARKED, MatchOutcome.PARKED)
    assert _current(view) == MOKOENA
    _press(qtbot, shell, view, Qt.Key.Key_R)
    assert decisions(book_path)[MOKOENA][:2] == (BankLineStatus.REJECTED, MatchOutcome.REJECTED)
    assert view.model.rowCount() == 0
    assert view.filter.currentText() == "To review (0)"
    assert view.panel.heading.text() == "Nothing in “To review”"

    # Ctrl+Z takes the session's decisions back, newest first, showing each line again.
    _press(qtbot, shell, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions(book_path)[MOKOENA][0] is BankLineStatus.REVIEW
    assert _current(view) == MOKOENA
    assert "back to review" in view.action_line.text()
    _press(qtbot, shell, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions(book_path)[BOTHA][0] is BankLineStatus.REVIEW
    _press(qtbot, shell, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions(book_path)[CASH][:2] == (BankLineStatus.REVIEW, MatchOutcome.UNDONE)
    assert _current(view) == CASH
    assert _shown(view) == [MOKOENA, CASH, BOTHA]
    assert view.decisions.undo_stack == [NAIDOO]
    assert reloads == []  # seven decisions and undos, one line refreshed each time


def test_decided_lines_say_so_and_undo_falls_back_to_the_chosen_line(qtbot, tab, book_path):
    shell, view = tab
    _filter(qtbot, shell, view, 2)  # Auto-applied
    assert _shown(view) == [1, 3]
    _press(qtbot, shell, view, Qt.Key.Key_Return)
    assert "auto-applied: it cannot be accepted (Ctrl+Z undoes its decision)" in (
        view.action_line.text()
    )
    assert decisions(book_path)[1][0] is BankLineStatus.MATCHED
    # Nothing decided in this session: Ctrl+Z undoes the chosen line's decision.
    _press(qtbot, shell, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert decisions(book_path)[1][:2] == (BankLineStatus.REVIEW, MatchOutcome.UNDONE)
    assert _shown(view) == [3]


def test_in_the_all_view_the_selection_moves_to_the_next_open_line(qtbot, tab, book_path):
    shell, view = tab
    _filter(qtbot, shell, view, 0)
    assert view.select_line(NAIDOO)
    _settle(qtbot, shell)
    _press(qtbot, shell, view, Qt.Key.Key_1)
    assert decisions(book_path)[NAIDOO][2] == "NAIDOO01"
    # Lines 3 (auto-applied) and 4 (no match): the next line still open is 4.
    assert _current(view) == INTEREST
    _press(qtbot, shell, view, Qt.Key.Key_9)
    assert view.action_line.text() == "This line has no candidate 9."


def test_a_change_elsewhere_reloads_the_queue(qtbot, tab) -> None:
    shell, view = tab
    with qtbot.waitSignal(view.loaded, timeout=5000):
        shell.session.changes_applied.emit(Changes(ledger=True), object())


def test_accept_all_shows_the_count_then_accepts(qtbot, tab, book_path, monkeypatch) -> None:
    shell, view = tab
    asked: list[str] = []
    answer = {"yes": False}

    def confirm(_parent, _title, text, _yes) -> bool:
        asked.append(text)
        return answer["yes"]

    monkeypatch.setattr(dialogs, "confirm", confirm)
    view.min_score.setValue(60)
    view.accept_all_button.click()
    _settle(qtbot, shell)
    assert asked == ["Accept 2 lines whose best match scores 60 or more?"]
    assert decisions(book_path)[NAIDOO][0] is BankLineStatus.REVIEW  # said no
    answer["yes"] = True
    view.accept_all_button.click()
    _settle(qtbot, shell)
    found = decisions(book_path)
    assert found[NAIDOO] == (BankLineStatus.MATCHED, MatchOutcome.ACCEPTED, "NAIDOO01")
    assert found[BOTHA] == (BankLineStatus.MATCHED, MatchOutcome.ACCEPTED, "BOTHA01")
    assert view.action_line.text() == "Accepted 2 lines, R 9 700,00 in all"
    assert _shown(view) == [MOKOENA, CASH]
    view.min_score.setValue(100)
    view.accept_all_button.click()
    _settle(qtbot, shell)
    assert view.action_line.text() == "No line's best match scores 100 or more on its own."


# -- split ------------------------------------------------------------------------------


def test_split_dialog_needs_parts_that_add_up(qtbot) -> None:
    dialog = SplitDialog(485_000, MoneyStyle.SPACE_COMMA)
    qtbot.addWidget(dialog)
    assert [e.text() for e in dialog.parts] == ["4 850,00", "0,00"]
    assert not dialog.ok.isEnabled()
    assert dialog.error.text() == ""  # the starting 0,00 is not an error
    dialog.parts[0].setText("4 000")
    assert dialog.left.text() == "Still to assign: R 850,00"
    dialog.parts[1].setText("800")
    dialog.add_part(0).setText("50")
    assert dialog.left.text() == "Adds up"
    assert dialog.ok.isEnabled()
    dialog.parts[2].setText("fifty")
    assert "Part 3" in dialog.error.text()
    assert not dialog.ok.isEnabled()
    dialog.parts[2].setText("50")
    dialog.ok.click()
    assert dialog.result_value == [400_000, 80_000, 5_000]


def test_s_splits_the_line_and_ctrl_z_joins_it(qtbot, tab, book_path, monkeypatch) -> None:
    shell, view = tab

    def split_in_two(dialog) -> int:
        dialog.parts[0].setText("4 000,00")
        dialog.parts[1].setText("850,00")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(dialogs.SplitDialog, "exec", split_in_two)
    assert view.select_line(CASH)
    _settle(qtbot, shell)
    with qtbot.waitSignal(view.loaded, timeout=5000):  # the parts are new lines: read again
        qtbot.keyClick(view.table, Qt.Key.Key_S)
    _settle(qtbot, shell)
    found = decisions(book_path)
    assert found[CASH][0] is BankLineStatus.SPLIT
    parts = sorted(i for i in found if i > 8)
    assert [found[i][0] for i in parts] == [BankLineStatus.UNMATCHED] * 2
    assert "Split into 2 parts" in view.action_line.text()
    assert _current(view) == BOTHA
    _filter(qtbot, shell, view, 0)  # All: the parts are new lines (scored: no match)
    assert [view.model.row_value(view.model.row_of(i)).amount_cents for i in parts] == [
        400_000,
        85_000,
    ]
    _press(qtbot, shell, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    found = decisions(book_path)
    assert found[CASH][0] is BankLineStatus.UNMATCHED
    assert not [i for i in found if i > 8]
    assert "joined its parts again" in view.action_line.text()


# -- running matching -------------------------------------------------------------------


@pytest.fixture
def unmatched_tab(qtbot, tmp_path, no_dialogs):
    path = tmp_path / "unmatched.sqlite"
    build_book(path, matched=False)
    shell, view = _open(qtbot, path)
    yield shell, view, path
    shell.stop()


def test_run_matching_scores_the_lines(qtbot, unmatched_tab) -> None:
    shell, view, path = unmatched_tab
    assert view.filter.currentText() == "To review (0)"
    assert "7 not matched yet" in view.counters.text()
    with qtbot.waitSignal(view.matched, timeout=10_000) as done:
        view.run_button.click()
    assert done.args[0].auto_applied == 2
    _settle(qtbot, shell)
    assert view.action_line.text() == (
        "Matched 7 lines: 2 auto-applied, 4 to review, 1 with no match"
    )
    assert _shown(view) == [NAIDOO, MOKOENA, CASH, BOTHA]
    assert decisions(path)[1][:2] == (BankLineStatus.MATCHED, MatchOutcome.AUTO_APPLIED)


def test_run_matching_can_be_cancelled(qtbot, unmatched_tab) -> None:
    shell, view, path = unmatched_tab
    gate = threading.Event()
    # Hold the database thread so the run is still queued when Cancel is pressed.
    shell.executor.submit(lambda: gate.wait(10), lambda _r: None, lambda _e: None)
    view.run_button.click()
    view.decisions.progress.findChild(QPushButton).click()  # the dialog's Cancel
    gate.set()
    _settle(qtbot, shell)
    assert view.action_line.text() == "Matching stopped; nothing was changed."
    assert all(d[1] is None for d in decisions(path).values())


def test_a_clicked_candidate_is_what_enter_accepts(qtbot, tab, book_path) -> None:
    shell, view = tab
    assert _current(view) == NAIDOO
    second = view.panel.model.row_value(1).household_ref
    view.panel.table.setFocus()
    view.panel.table.selectRow(1)
    qtbot.keyClick(view.panel.table, Qt.Key.Key_Return)
    _settle(qtbot, shell)
    assert decisions(book_path)[NAIDOO][2] == second
    assert view.table.hasFocus()  # the keys work on the queue again


def test_h_accepts_for_a_household_chosen_by_hand(qtbot, tab, book_path, monkeypatch) -> None:
    shell, view = tab
    offered: list[list[str]] = []

    def choose(dialog) -> int:
        offered.append([dialog.household.itemText(i) for i in range(dialog.household.count())])
        assert dialog.household.currentText() == "MOKOENA01"  # the suggestion
        dialog.household.setCurrentText("SMITH01")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(dialogs.HouseholdDialog, "exec", choose)
    assert view.select_line(MOKOENA)
    _settle(qtbot, shell)
    _press(qtbot, shell, view, Qt.Key.Key_H)
    assert offered == [[ref for ref, *_ in sorted(FAMILIES)]]
    assert decisions(book_path)[MOKOENA] == (
        BankLineStatus.MATCHED,
        MatchOutcome.ACCEPTED,
        "SMITH01",
    )
    assert view.action_line.text() == "Accepted R 2 000,00 for SMITH01 — Ctrl+Z to undo"
