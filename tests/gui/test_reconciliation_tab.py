"""The Reconciliation tab over a real SQLite book, driven from the keyboard, real database thread.

The book: a cheque account opened at R 10 000,00 on 31 October and November's
statement of five lines with the bank's running balance, reconciled to
30 November. A rule puts ESKOM into 6200 Utilities.
"""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import BankLineStatus, PaymentMethod, VatType
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.ledger.credits import refund_credit
from crechebooks_desktop.services.reconciliation import reconcile, rules
from crechebooks_desktop.services.reconciliation.categorise import categorise_line
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.reconciliation import dialogs
from crechebooks_desktop.ui.reconciliation.jobs import Side
from crechebooks_desktop.ui.reconciliation.model import FILTERS
from tests.billing_fixtures import new_creche
from tests.gui.conftest import shell_args

ACCOUNT = "Cheque account"
END = dt.date(2026, 11, 30)
# Line ids follow the statement: 1 fee, 2 ESKOM, 3 salaries, 4 interest, 5 food.
FEE, ESKOM, SALARIES, INTEREST, FOOD = 1, 2, 3, 4, 5
LINES = (
    (2, -28_500, "#MONTHLY ACCOUNT FEE"),
    (5, -120_000, "ESKOM PREPAID 0412345"),
    (25, -3_850_000, "SALARIES NOVEMBER"),
    (28, 1_842, "CREDIT INTEREST"),
    (29, -184_350, "WOOLWORTHS FOOD RANDBURG"),
)
OPENING = 1_000_000


def build_book(path: Path) -> None:
    book, _ = Book.open(settings_for(str(path)), create=True)
    settings, actor = new_creche(book)
    balance, lines = OPENING, []
    for n, (day, cents, words) in enumerate(LINES, start=2):
        balance += cents
        lines.append(StatementLine(n, dt.date(2026, 11, day), cents, words, balance_cents=balance))
    statement = Statement("november.csv", "csv", "fnb", tuple(lines), OPENING, balance)
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, ACCOUNT, "fnb", None, OPENING, dt.date(2026, 10, 31))
        bank.import_statement(uow, actor, ACCOUNT, statement, "b" * 64)
        rules.add_rule(uow, actor, "Electricity", contains="ESKOM", account_code="6200")
        reconcile.start(uow, actor, ACCOUNT, END)
    book.close()


def _settle(qtbot, shell) -> None:
    for _ in range(3):
        qtbot.waitUntil(lambda: not shell.executor.busy, timeout=10_000)
        qtbot.wait(20)


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    path = tmp_path / "recon.sqlite"
    build_book(path)
    return path


@pytest.fixture
def tab(qtbot, book_path, no_dialogs):
    shell = Shell(shell_args(book_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.reconciliation
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        shell.start()
    _settle(qtbot, shell)
    view.table.setFocus()
    yield shell, view
    shell.stop()


def _statuses(path: Path) -> dict[int, BankLineStatus]:
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            return {line.id: line.status for line in uow.bank.lines()}
    finally:
        book.close()


def _key(qtbot, view, key) -> None:
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.table, key)


def test_the_tab_shows_the_statement_beside_the_book_with_a_live_difference(tab) -> None:
    _shell, view = tab
    shown = view.shown
    assert shown.account == ACCOUNT
    assert shown.statement_date == END
    assert view.figures["Opening"].text() == "R 10 000,00"
    assert view.figures["Cleared in"].text() == "R 0,00"
    closing = OPENING + sum(cents for _d, cents, _t in LINES)
    assert shown.totals.closing == closing
    assert shown.totals.difference == closing - OPENING
    assert not view.finish_button.isEnabled()
    assert view.filter.currentText() == "Uncleared (5)"
    eskom = next(r for r in shown.rows if r.line_id == ESKOM)
    assert eskom.suggestion is not None
    assert eskom.suggestion.label == "6200 Utilities"
    assert "Electricity" in eskom.suggestion.reason
    assert view.model.display(eskom, 4) == "Suggested: 6200 Utilities"
    fee = next(r for r in shown.rows if r.line_id == FEE)
    assert view.model.display(fee, 3) == "R 285,00"  # money out in its own column
    assert view.model.display(fee, 2) == ""


def test_keyboard_flow_clears_every_line_and_finish_locks_the_month(
    qtbot, tab, book_path, monkeypatch
) -> None:
    shell, view = tab

    def choose(code: str, vat: VatType):
        def exec_(dialog) -> int:
            dialog.search.setText(code)
            dialog.vat.setCurrentIndex(list(dialogs.VAT_LABELS).index(vat))
            dialog._accept()
            return dialog.result()

        return exec_

    # C on the first line (the fee): search the chart by code.
    assert view.select_line(FEE)
    monkeypatch.setattr(dialogs.CategoriseDialog, "exec", choose("6500", VatType.STANDARD))
    _key(qtbot, view, "c")
    # The fee left "Uncleared"; the selection stayed at the top place: now ESKOM.
    assert view.selected_row().line_id == ESKOM
    # Enter takes the rule's suggestion.
    _key(qtbot, view, "\r")
    assert view.selected_row().line_id == SALARIES
    # S splits salaries across two accounts.

    def split(dialog) -> int:
        first, second = dialog.parts
        first[0].setCurrentIndex(first[0].findData("5000"))
        first[1].setText("35 000,00")
        second[0].setCurrentIndex(second[0].findData("5010"))
        second[1].setText("3 500,00")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(dialogs.SplitAcrossDialog, "exec", split)
    _key(qtbot, view, "s")
    assert view.selected_row().line_id == INTEREST
    # Ctrl+Z takes the split back; the line is uncleared again and selected.
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.keys.undo()
    assert view.selected_row().line_id == SALARIES
    assert _statuses(book_path)[SALARIES] is BankLineStatus.UNMATCHED
    monkeypatch.setattr(dialogs.CategoriseDialog, "exec", choose("5000", VatType.NO_VAT))
    _key(qtbot, view, "c")
    monkeypatch.setattr(dialogs.CategoriseDialog, "exec", choose("4100", VatType.EXEMPT))
    _key(qtbot, view, "c")
    assert not view.finish_button.isEnabled()
    monkeypatch.setattr(dialogs.CategoriseDialog, "exec", choose("food", VatType.STANDARD))
    _key(qtbot, view, "c")
    assert view.shown.totals.difference == 0
    assert view.figures["Difference"].text() == "R 0,00"
    assert view.finish_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.finish_button.click()
    _settle(qtbot, shell)
    assert view.shown.locked_through == END
    assert "Locked through 30 November 2026" in view.lock_line.text()
    # The finished statement stays on show, to look back at; it cannot be finished again.
    assert view.statement.currentText() == "Finished: 30 November 2026"
    assert view.shown.finished
    assert not view.finish_button.isEnabled()
    statuses = _statuses(book_path)
    assert all(status is BankLineStatus.CATEGORISED for status in statuses.values())


def test_filters_show_categorised_lines_and_the_selection_never_jumps_to_the_top(
    qtbot, tab, monkeypatch
) -> None:
    _shell, view = tab
    view.select_line(SALARIES)
    monkeypatch.setattr(dialogs.CategoriseDialog, "exec", lambda d: (d._accept(), d.result())[1])
    _key(qtbot, view, "c")
    assert view.selected_row().line_id == INTEREST  # the next line took its place
    view.filter.setCurrentIndex([label for label, _f in FILTERS].index("Categorised"))
    assert [
        view.model.row_value(view.proxy.mapToSource(view.proxy.index(r, 0)).row()).line_id
        for r in range(view.proxy.rowCount())
    ] == [SALARIES]
    view.filter.setCurrentIndex([label for label, _f in FILTERS].index("All lines"))
    assert view.proxy.rowCount() == len(LINES)
    assert all(r.side is Side.STATEMENT for r in view.model.rows())


def build_linked_book(path: Path) -> None:
    """A cash deposit and a refund on the statement that the book already has, by hand."""
    book, _ = Book.open(settings_for(str(path)), create=True)
    settings, actor = new_creche(book)
    lines = (
        StatementLine(2, dt.date(2026, 11, 11), 50_000, "CASH DEPOSIT RANDBURG",
                      balance_cents=OPENING + 50_000),
        StatementLine(3, dt.date(2026, 11, 16), -20_000, "EFT N DLAMINI",
                      balance_cents=OPENING + 30_000),
    )  # fmt: skip
    statement = Statement("deposit.csv", "csv", "fnb", lines, OPENING, OPENING + 30_000)
    with book.write(settings.tenant_id) as uow:
        uow.roster.add_household("DLAMINI01", "Mrs N Dlamini")
        bank.add_account(uow, actor, ACCOUNT, "fnb", None, OPENING, dt.date(2026, 10, 31))
        payments.add_payment(
            uow, actor, "DLAMINI01", 50_000, dt.date(2026, 11, 10), PaymentMethod.CASH
        )
        refund_credit(uow, actor, "DLAMINI01", 20_000, dt.date(2026, 11, 15), "overpaid November")
        bank.import_statement(uow, actor, ACCOUNT, statement, "c" * 64)
        payment_matching.run_matching(uow, actor)
        reconcile.start(uow, actor, ACCOUNT, END)
    book.close()


def test_enter_links_a_deposit_and_a_refund_to_what_was_recorded_by_hand(
    qtbot, tmp_path, no_dialogs
):
    path = tmp_path / "linked.sqlite"
    build_linked_book(path)
    shell = Shell(shell_args(path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.reconciliation
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        shell.start()
    _settle(qtbot, shell)
    try:
        deposit, refund = [r for r in view.shown.rows if r.line_id is not None]
        assert deposit.suggestion.label == "link to payment 1 (DLAMINI01)"
        assert refund.suggestion.label.startswith("link to refund ")
        assert refund.suggestion.label.endswith(" (DLAMINI01)")
        # Until the lines are linked, both are timing differences: in the book only.
        timing = [r.key[0] for r in view.shown.rows if r.side is Side.BOOK]
        assert timing == ["payment", "refund"]
        view.table.setFocus()
        assert view.select_line(deposit.line_id)
        _key(qtbot, view, "\r")
        assert view.selected_row().line_id == refund.line_id  # the next one moved up
        _key(qtbot, view, "\r")
        assert no_dialogs == []
        shown = {r.line_id: r for r in view.shown.rows if r.line_id is not None}
        assert shown[deposit.line_id].book == "linked to payment 1 of DLAMINI01"
        assert shown[refund.line_id].book.startswith("linked to refund ")
        assert all(r.cleared for r in shown.values())
        assert not [r for r in view.shown.rows if r.side is Side.BOOK]
        assert view.shown.totals.difference == 0
        assert view.finish_button.isEnabled()
    finally:
        shell.stop()
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            assert uow.payments.get(1).bank_line_id == deposit.line_id
            assert uow._session.execute(text("SELECT count(*) FROM payments")).scalar() == 1
    finally:
        book.close()


def test_r_makes_a_rule_from_the_line_and_applies_it(qtbot, tab, book_path, monkeypatch) -> None:
    _shell, view = tab
    seen = {}

    def save(dialog) -> int:
        seen["contains"] = dialog.contains.text()
        seen["direction"] = dialog.direction.currentData()
        dialog.name.setText("Woolworths")
        dialog.account.setCurrentIndex(dialog.account.findText("5100 Food"))
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(dialogs.RuleDialog, "exec", save)
    assert view.select_line(FOOD)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.table, "r")
        qtbot.waitUntil(lambda: "Woolworths" in view.action_line.text(), timeout=10_000)
    assert seen == {"contains": "WOOLWORTHS FOOD RANDBURG", "direction": "out"}
    assert view.action_line.text() == "Rule “Woolworths” saved; it categorised 2 line(s)."
    food = next(r for r in view.shown.rows if r.line_id == FOOD)
    assert (food.cleared, food.book) == (True, "5100 Food")
    # The ESKOM rule that was waiting applied in the same run.
    assert _statuses(book_path)[ESKOM] is BankLineStatus.CATEGORISED


def _finish_behind_the_tab(path: Path) -> None:
    """Every line categorised and the reconciliation finished, as on another PC."""
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.write(1) as uow:
            actor = acting_user(uow, 1, None)
            for line_id in (FEE, ESKOM, SALARIES, FOOD):
                categorise_line(uow, actor, line_id, account_code="6500")
            categorise_line(uow, actor, INTEREST, account_code="4100")
            reconcile.finish(uow, actor, ACCOUNT)
    finally:
        book.close()


def test_a_finished_reconciliations_report_is_archived_and_a_draft_is_not(
    qtbot, tab, book_path, tmp_path, monkeypatch
) -> None:
    _shell, view = tab
    chosen: list[Path] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(chosen[-1]), ""))
    )

    def save(path: Path, expected: str) -> None:
        chosen.append(path)
        view.report_button.click()
        qtbot.waitUntil(lambda: view.action_line.text().startswith(f"Saved {path}."))
        assert view.action_line.text() == f"Saved {path}.{expected}"

    save(tmp_path / "draft.pdf", " Not archived: the reconciliation is not finished.")
    _finish_behind_the_tab(book_path)
    archived = book_path.parent / "recon-files" / "documents" / "reconciliations" / "2026"
    archived /= "cheque-account-2026-11-30.pdf"
    save(tmp_path / "november.pdf", f" Archived as {archived}.")
    assert archived.read_bytes() == (tmp_path / "november.pdf").read_bytes()
    save(tmp_path / "november.xlsx", "")  # a workbook is not archived
    # Printing makes the same PDF: the archived copy is reused, and the tab says where it is.
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 0)
    view.print_button.click()
    qtbot.waitUntil(lambda: view.action_line.text().startswith("Already archived"))
    assert view.action_line.text() == f"Already archived, unchanged: {archived}."
