"""The Ledger tab over a real book (demo creche plus two generated months), real database thread."""

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.account_statement import account_statement
from crechebooks_desktop.domain.enums import EntryType, InvoiceKind, InvoiceStatus, PaymentMethod
from crechebooks_desktop.domain.invoice_values import InvoiceValue, Recipient
from crechebooks_desktop.domain.ledger import LedgerEntryValue
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.invoice_lifecycle import send_invoices
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.ledger.posting import post_entry
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common import paged_model, paging
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.ledger import jobs
from crechebooks_desktop.ui.ledger.all_model import PLACEHOLDER, Column, LazyLedgerModel
from crechebooks_desktop.ui.ledger.dialogs import (
    AdjustmentDialog,
    MovementInput,
    PaymentInput,
    RefundDialog,
)
from crechebooks_desktop.ui.ledger.household_models import (
    EntryColumn,
    EntryTableModel,
    InvoiceColumn,
    OpenInvoiceTableModel,
)
from crechebooks_desktop.ui.ledger.paging import KnownKeys, page_span
from crechebooks_desktop.ui.ops import Changes
from tests.gui.conftest import shell_args

OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)
PAGE = 20  # small pages, so two months of a demo creche span several


@pytest.fixture
def book_path(demo_book_path: Path) -> Path:
    """The demo book with October and November 2026 generated, October's invoices sent."""
    book, _ = Book.open(settings_for(str(demo_book_path)))
    with book.read(1) as uow:
        actor = acting_user(uow, 1, None)
    for month in (OCTOBER, NOVEMBER):
        generate_month(lambda: book.write(1), actor, month, month)
    with book.write(1) as uow:
        send_invoices(uow, actor, uow.invoices.numbers_in_month(OCTOBER, InvoiceStatus.DRAFT))
    book.close()
    return demo_book_path


def _settle(qtbot, shell) -> None:
    """Wait until no job is queued or running (and none is about to be)."""
    for _ in range(3):
        qtbot.waitUntil(lambda: not shell.executor.busy, timeout=10_000)
        qtbot.wait(20)


@pytest.fixture
def tab(qtbot, book_path, no_dialogs):
    """The window on the book with the Ledger tab showing."""
    shell = Shell(shell_args(book_path), interactive=False)
    qtbot.addWidget(shell.window)
    view = shell.window.ledger
    view.all_households.model.page_size = PAGE
    view.all_households.model.max_pages = 3
    shell.window.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.by_household.loaded, timeout=10_000):
        shell.start()
    _settle(qtbot, shell)
    yield shell, view
    shell.stop()


def _sql(path: Path, query: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(query, args).fetchall()


_LINES = (
    "SELECT e.id, e.entry_date, h.account_ref, e.entry_type, e.description, e.amount_cents, "
    "e.balance_after_cents FROM ledger_entries e JOIN households h ON h.id = e.household_id "
)


def _open_all(qtbot, shell, view) -> LazyLedgerModel:
    model = view.all_households.model
    with qtbot.waitSignal(model.opened, timeout=10_000):
        view.show_all_households()
    _settle(qtbot, shell)
    return model


def _as_tuple(line) -> tuple:
    return (
        line.id,
        line.entry_date.isoformat(),
        line.household_ref,
        line.entry_type.value,
        line.description,
        line.amount_cents,
        line.balance_after_cents,
    )


# --------------------------------------------------------------------------- models


def test_household_models_pass_qt_model_tester(qtmodeltester, qapp) -> None:
    created = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    entries = EntryTableModel()
    entries.set_rows(
        account_statement(
            [
                LedgerEntryValue(
                    1,
                    1,
                    OCTOBER,
                    EntryType.CHARGE,
                    485_000,
                    485_000,
                    "Fees",
                    None,
                    None,
                    created,
                    "admin",
                ),
                LedgerEntryValue(
                    2,
                    1,
                    NOVEMBER,
                    EntryType.PAYMENT,
                    -500_000,
                    -15_000,
                    "EFT",
                    None,
                    None,
                    created,
                    None,
                ),
            ]
        ).lines,
        MoneyStyle.SPACE_COMMA,
    )
    qtmodeltester.check(entries, force_py=True)
    assert entries.index(1, EntryColumn.AMOUNT).data() == "-R 5 000,00"
    assert entries.index(1, EntryColumn.BALANCE).data() == "-R 150,00"
    assert entries.index(0, EntryColumn.TYPE).data() == "Charge"
    assert entries.index(0, EntryColumn.DATE).data() == "01 Oct 2026"
    assert entries.index(0, EntryColumn.DATE).data(ItemRole.SORT) == (OCTOBER.toordinal(), 1)
    assert entries.index(1, EntryColumn.WHO).data() == ""
    recipient = Recipient(1, "DLAMINI01", "Mrs N Dlamini", None, None, None, None)
    invoice = InvoiceValue(
        7, "INV-2026-000007", recipient, 1, "DLAMINI01-1", "Lwazi", NOVEMBER,
        InvoiceKind.MONTHLY, InvoiceStatus.PARTIALLY_PAID, NOVEMBER, dt.date(2026, 11, 7),
        485_000, 0, 485_000, 85_000, 400_000, None, (),
    )  # fmt: skip
    invoices = OpenInvoiceTableModel()
    invoices.set_rows([invoice], MoneyStyle.SPACE_COMMA)
    qtmodeltester.check(invoices, force_py=True)
    assert invoices.index(0, InvoiceColumn.STATUS).data() == "Partially paid"
    assert invoices.index(0, InvoiceColumn.DUE).data() == "07 Nov 2026"
    assert invoices.index(0, InvoiceColumn.BALANCE).data() == "R 4 000,00"
    assert invoices.totals() == 400_000


def test_lazy_model_passes_qt_model_tester(qtbot, qtmodeltester, tab) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    assert model.rowCount() > 3 * PAGE
    qtmodeltester.check(model, force_py=True)  # asks for pages it does not hold
    _settle(qtbot, shell)
    qtmodeltester.check(model, force_py=True)
    assert model.cached_rows() <= 3 * PAGE  # the window stays bounded


# --------------------------------------------------------------------------- household side


def test_selecting_a_household_shows_its_ledger_with_running_balance(qtbot, tab, book_path) -> None:
    _shell, view = tab
    panel = view.by_household
    assert panel.households.rowCount() == 45
    assert panel.table.isColumnHidden(2)  # children and phone are on the Households tab
    owing = max(panel.households.rows(), key=lambda h: h.balance_cents)
    with qtbot.waitSignal(panel.position_shown, timeout=10_000):
        assert panel.select_household(owing.account_ref)
    entries = panel.entries.rows()
    expected = _sql(
        book_path,
        "SELECT e.id, e.amount_cents FROM ledger_entries e JOIN households h "
        "ON h.id = e.household_id WHERE h.account_ref = ? ORDER BY e.entry_date, e.id",
        owing.account_ref,
    )
    assert [(e.id, e.amount_cents) for e in entries] == expected
    running = 0
    for row, entry in enumerate(entries):
        running += entry.amount_cents
        assert entry.running_balance_cents == running
        shown = panel.entries_proxy.index(row, EntryColumn.BALANCE).data()
        assert shown == format_rands(running, MoneyStyle.SPACE_COMMA)
    assert running == owing.balance_cents
    assert owing.account_ref in panel.heading.text()
    assert format_rands(owing.balance_cents, MoneyStyle.SPACE_COMMA) in panel.position_line.text()
    invoices = panel.invoices.rows()
    assert invoices
    assert sum(i.balance_due_cents for i in invoices) == owing.outstanding_cents
    assert panel.invoices_label.text().startswith(f"Open invoices: {len(invoices)},")


def test_household_search_narrows_the_list(qtbot, tab) -> None:
    _shell, view = tab
    panel = view.by_household
    panel.search.setText("dlamini")
    assert panel.proxy.rowCount() == 2
    assert panel.summary.text().startswith("2 of 45 households")
    panel.search.setText("")
    panel.clear_position()
    assert panel.heading.text() == "Choose a household"


# --------------------------------------------------------------------------- all households


def test_all_households_view_counts_every_entry(qtbot, tab, book_path) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    (count,) = _sql(book_path, "SELECT count(*) FROM ledger_entries")[0]
    assert count > 100
    assert model.rowCount() == count
    assert view.all_households.count_label.text() == f"{count} entries"
    first = _sql(book_path, _LINES + "ORDER BY e.entry_date, e.id LIMIT ?", PAGE)
    assert [_as_tuple(model.line(r)) for r in range(PAGE)] == first


def test_scrolling_to_the_end_loads_only_the_last_page(qtbot, tab, book_path) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    loaded: list[int] = []
    model.page_loaded.connect(loaded.append)
    last = model.rowCount() - 1
    assert model.index(last, Column.DESCRIPTION).data() == PLACEHOLDER
    view.all_households.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.line(last) is not None, timeout=10_000)
    _settle(qtbot, shell)
    expected = _sql(book_path, _LINES + "ORDER BY e.entry_date DESC, e.id DESC LIMIT 1")[0]
    assert _as_tuple(model.line(last)) == expected
    amount = model.index(last, Column.AMOUNT).data()
    assert amount == format_rands(expected[5], MoneyStyle.SPACE_COMMA)
    last_page = last // PAGE
    assert last_page in loaded
    assert min(loaded) >= last_page - 2  # not every page on the way
    assert model.cached_rows() <= 3 * PAGE


def test_a_far_jump_reads_from_the_sampled_keys(qtbot, tab, book_path, monkeypatch) -> None:
    monkeypatch.setattr(paged_model, "SAMPLE_EVERY", 10)
    monkeypatch.setattr(paging, "SAMPLE_EVERY", 10)
    monkeypatch.setattr(jobs, "SAMPLE_EVERY", 10)
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    target = 3 * PAGE + 5
    assert model.index(target, 0).data() == PLACEHOLDER
    qtbot.waitUntil(lambda: model.line(target) is not None, timeout=10_000)
    _settle(qtbot, shell)
    assert model._known.sampled
    assert model._known.key(59) is not None  # the sample the page was read from
    expected = _sql(book_path, _LINES + "ORDER BY e.entry_date, e.id LIMIT ? OFFSET ?", PAGE, 60)
    assert [_as_tuple(model.line(r)) for r in range(60, 60 + PAGE)] == expected
    # Back to the first pages, which the window has let go of by now.
    view.all_households.table.scrollToTop()
    qtbot.waitUntil(lambda: model.line(0) is not None, timeout=10_000)
    assert _as_tuple(model.line(0)) == _sql(book_path, _LINES + "ORDER BY e.entry_date, e.id")[0]


def test_a_failed_read_is_reported_once_and_not_retried_until_reload(
    qtbot, tab, no_dialogs, monkeypatch
) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)

    def broken(*_args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "read_page", broken)
    view.all_households.table.scrollToBottom()
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=10_000)
    for _ in range(5):  # paints go on asking; nothing more is read
        view.all_households.table.viewport().repaint()
        _settle(qtbot, shell)
    assert [kind for kind, _text in no_dialogs] == ["critical"]
    assert "disk on fire" in no_dialogs[0][1]
    monkeypatch.undo()
    last = model.rowCount() - 1
    with qtbot.waitSignal(model.opened, timeout=10_000):
        model.reload()
    view.all_households.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.line(last) is not None, timeout=10_000)


def test_sort_by_amount_descending_puts_the_largest_first(qtbot, tab, book_path) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    with qtbot.waitSignal(model.opened, timeout=10_000):
        view.all_households.table.sortByColumn(Column.AMOUNT, Qt.SortOrder.DescendingOrder)
    _settle(qtbot, shell)
    expected = _sql(book_path, _LINES + "ORDER BY e.amount_cents DESC, e.id DESC LIMIT ?", PAGE)
    assert [_as_tuple(model.line(r)) for r in range(PAGE)] == expected
    (largest,) = _sql(book_path, "SELECT max(amount_cents) FROM ledger_entries")[0]
    assert model.line(0).amount_cents == largest
    assert model.index(0, Column.AMOUNT).data(ItemRole.SORT) == largest
    with qtbot.waitSignal(model.opened, timeout=10_000):
        view.all_households.table.sortByColumn(Column.HOUSEHOLD, Qt.SortOrder.AscendingOrder)
    refs = [model.line(r).household_ref for r in range(PAGE)]
    assert refs == sorted(refs)
    assert refs[0] == _sql(book_path, "SELECT min(account_ref) FROM households")[0][0]


def test_a_text_filter_narrows_the_count(qtbot, tab, book_path) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    everything = model.rowCount()
    panel = view.all_households
    panel.search.setText("  DLAMINI ")
    with qtbot.waitSignal(model.opened, timeout=10_000):
        panel.apply_filter()
    (expected,) = _sql(
        book_path,
        "SELECT count(*) FROM ledger_entries e JOIN households h ON h.id = e.household_id "
        "WHERE h.account_ref LIKE '%dlamini%' OR h.parent_name LIKE '%dlamini%' "
        "OR e.description LIKE '%dlamini%'",
    )[0]
    assert 0 < expected < everything
    assert model.rowCount() == expected
    assert panel.count_label.text() == f"{expected} entries matching “DLAMINI”"
    assert {model.line(r).household_ref for r in range(min(PAGE, expected))} <= {
        "DLAMINI01",
        "DLAMINI44",
    }
    panel.search.setText("no such words")
    with qtbot.waitSignal(model.opened, timeout=10_000):
        panel.apply_filter()
    assert model.rowCount() == 0
    assert panel.count_label.text() == "0 entries matching “no such words”"


def test_a_change_to_the_ledger_reloads_the_tab(qtbot, tab, book_path) -> None:
    shell, view = tab
    model = _open_all(qtbot, shell, view)
    before = model.rowCount()

    def adjust(book, workplace) -> int:
        with book.write(workplace.creche.tenant_id) as uow:
            household = uow.roster.household_id("DLAMINI01")
            return post_entry(
                uow, workplace.actor, household, EntryType.ADJUSTMENT, -1_000, NOVEMBER, "Goodwill"
            )

    with qtbot.waitSignal(model.opened, timeout=10_000):
        shell.session.mutate(adjust, Changes(ledger=True), None)
    assert model.rowCount() == before + 1
    _settle(qtbot, shell)


# --------------------------------------------------------------------------- money actions


def _show(qtbot, panel, ref: str) -> None:
    with qtbot.waitSignal(panel.position_shown, timeout=10_000):
        assert panel.select_household(ref)


def _after_change(qtbot, shell, panel, action) -> None:
    """Run a money action and wait until the tab has reloaded the household."""
    with qtbot.waitSignal(panel.position_shown, timeout=10_000):
        action()
    _settle(qtbot, shell)


def test_a_back_dated_entry_takes_its_place_by_date_with_the_running_balance(
    qtbot, tab, book_path
) -> None:
    """Issue #10: the ledger reads by date; its balance runs in that order, not posting order."""
    shell, view = tab
    panel, actions = view.by_household, view.money_actions
    ref, _ = _sent_owing(panel)
    _show(qtbot, panel, ref)
    assert panel.entries.headerData(EntryColumn.BALANCE, Qt.Orientation.Horizontal) == "Balance"
    first_day = panel.entries.rows()[0].entry_date
    back_dated = MovementInput(12_500, first_day - dt.timedelta(days=20), "Outing owed from before")
    _after_change(qtbot, shell, panel, lambda: actions.adjust(ref, back_dated))

    proxy, style = panel.entries_proxy, MoneyStyle.SPACE_COMMA
    shown = [
        (
            proxy.index(row, EntryColumn.DATE).data(),
            proxy.index(row, EntryColumn.AMOUNT).data(),
            proxy.index(row, EntryColumn.BALANCE).data(),
        )
        for row in range(proxy.rowCount())
    ]
    expected = _sql(
        book_path,
        "SELECT e.entry_date, e.amount_cents, e.balance_after_cents FROM ledger_entries e "
        "JOIN households h ON h.id = e.household_id WHERE h.account_ref = ? "
        "ORDER BY e.entry_date, e.id",
        ref,
    )
    assert len(shown) == len(expected) > 1
    running = 0
    for (date, amount, balance), (day, cents, _after) in zip(shown, expected, strict=True):
        running += cents
        assert date == dt.date.fromisoformat(day).strftime("%d %b %Y")
        assert (amount, balance) == (format_rands(cents, style), format_rands(running, style))
    assert shown[0][0] == back_dated.day.strftime("%d %b %Y")  # posted last, shown first
    assert shown[0][2] == format_rands(12_500, style)
    assert expected[0][2] != 12_500  # its stored balance_after is the posting-order one
    assert running == panel.selected_household().balance_cents
    assert panel.entries.rows()[-1].running_balance_cents == running
    # Every household's entries interleave in the other view: its column says it is the stored one.
    everyone = view.all_households.model
    horizontal = Qt.Orientation.Horizontal
    assert everyone.headerData(Column.BALANCE, horizontal) == "Balance when posted"
    tip = everyone.headerData(Column.BALANCE, horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "running balance by date" in tip


def _latest(panel) -> LedgerEntryValue:
    """The entry posted last (the ledger reads by date, so not always the last row)."""
    return max(panel.entries.rows(), key=lambda e: e.id)


def _sent_owing(panel) -> tuple[str, int]:
    """A household with sent invoices and no credit, and what those invoices are due."""
    for household in panel.households.rows():
        if household.credit_cents == 0 and household.outstanding_cents > 0:
            return household.account_ref, household.outstanding_cents
    raise AssertionError("no such household")


def _preview(qtbot, dialog, amount: str) -> None:
    dialog.amount.setText(amount)
    dialog.ask_preview()
    qtbot.waitUntil(dialog.ok.isEnabled, timeout=10_000)


def test_payment_dialog_previews_partial_exact_and_over_payment(qtbot, tab) -> None:
    _shell, view = tab
    panel, actions = view.by_household, view.money_actions
    ref, _ = _sent_owing(panel)
    _show(qtbot, panel, ref)
    sent = [i for i in panel.invoices.rows() if i.status is not InvoiceStatus.DRAFT]
    due = sum(i.balance_due_cents for i in sent)
    assert sent
    dialog = actions.payment_dialog(ref)
    qtbot.addWidget(dialog)
    assert dialog.household.currentText() == ref
    assert not dialog.ok.isEnabled()
    _preview(qtbot, dialog, "100.00")
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == sent[0].number
    assert dialog.table.item(0, 2).text() == "R 100,00"
    assert dialog.outcome.text().startswith("Part payment:")
    _preview(qtbot, dialog, format_rands(due, MoneyStyle.SPACE_COMMA))
    assert dialog.outcome.text().startswith("Exact payment:")
    assert dialog.table.item(dialog.table.rowCount() - 1, 3).text() == "paid in full"
    _preview(qtbot, dialog, format_rands(due + 25_000, MoneyStyle.SPACE_COMMA))
    assert "R 250,00 becomes credit" in dialog.outcome.text()
    dialog.amount.setText("12.345")
    dialog.ask_preview()
    assert dialog.error.text().startswith("Amount:")
    assert not dialog.ok.isEnabled()


def test_record_refund_adjust_and_reverse_from_the_tab(qtbot, tab, no_dialogs) -> None:
    shell, view = tab
    panel, actions = view.by_household, view.money_actions
    ref, _ = _sent_owing(panel)
    _show(qtbot, panel, ref)
    assert actions.pay_button.isEnabled()
    assert not actions.refund_button.isEnabled()  # no credit yet
    assert not actions.reverse_button.isEnabled()
    sent = [i for i in panel.invoices.rows() if i.status is not InvoiceStatus.DRAFT]
    due = sum(i.balance_due_cents for i in sent)
    dialog = actions.payment_dialog(ref)
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog, format_rands(due + 30_000, MoneyStyle.SPACE_COMMA))
    dialog.reference.setText("EFT " + ref)
    dialog._accept()
    payment = dialog.result_value
    assert payment.amount_cents == due + 30_000
    assert payment.method is PaymentMethod.EFT
    _after_change(qtbot, shell, panel, lambda: actions.record_payment(payment))
    assert actions.note.text().startswith("Recorded R ")
    assert "R 300,00 became credit" in actions.note.text()
    household = panel.selected_household()
    assert household.credit_cents == 30_000
    last = _latest(panel)
    assert (last.entry_type, last.amount_cents) == (EntryType.PAYMENT, -payment.amount_cents)
    assert last.balance_after_cents == household.balance_cents
    assert actions.refund_button.isEnabled()

    refund = MovementInput(10_000, NOVEMBER, "Paid back by EFT")
    _after_change(qtbot, shell, panel, lambda: actions.refund(ref, refund))
    assert _latest(panel).entry_type is EntryType.REFUND  # dated earlier: read before the payment
    assert panel.selected_household().credit_cents == household.credit_cents - 10_000

    write_off = MovementInput(-2_500, NOVEMBER, "Goodwill")
    _after_change(qtbot, shell, panel, lambda: actions.adjust(ref, write_off))
    assert (_latest(panel).entry_type, _latest(panel).amount_cents) == (
        EntryType.ADJUSTMENT,
        -2_500,
    )

    row = next(r for r, e in enumerate(panel.entries.rows()) if e.entry_type is EntryType.PAYMENT)
    panel.entry_table.selectRow(
        panel.entries_proxy.mapFromSource(panel.entries.index(row, 0)).row()
    )
    assert actions.reverse_button.isEnabled()
    # The payment's credit was partly refunded, so the service refuses; the user is told why.
    actions.reverse_selected("Debit order bounced")
    _settle(qtbot, shell)
    (kind, text) = no_dialogs[-1]
    assert kind == "warning"
    assert "cannot reverse payment" in text


def test_reversing_a_payment_posts_a_reversal(qtbot, tab, no_dialogs) -> None:
    shell, view = tab
    panel, actions = view.by_household, view.money_actions
    ref, _ = _sent_owing(panel)
    _show(qtbot, panel, ref)
    before = panel.selected_household().balance_cents
    payment = PaymentInput(ref, 50_000, NOVEMBER, PaymentMethod.DEBIT_ORDER, None)
    _after_change(qtbot, shell, panel, lambda: actions.record_payment(payment))
    row = len(panel.entries.rows()) - 1
    panel.entry_table.selectRow(
        panel.entries_proxy.mapFromSource(panel.entries.index(row, 0)).row()
    )
    assert actions.reversible_payment() is not None
    _after_change(qtbot, shell, panel, lambda: actions.reverse_selected("Debit order bounced"))
    entries = panel.entries.rows()
    assert entries[-1].entry_type is EntryType.REVERSAL
    assert entries[-1].amount_cents == 50_000
    assert panel.selected_household().balance_cents == before
    assert actions.note.text().startswith("Reversed payment")
    row = len(entries) - 2  # the payment, now reversed
    panel.entry_table.selectRow(
        panel.entries_proxy.mapFromSource(panel.entries.index(row, 0)).row()
    )
    assert not actions.reverse_button.isEnabled()
    assert not no_dialogs


def test_adjustment_and_refund_dialogs_check_their_input(qtbot) -> None:
    adjust = AdjustmentDialog("DLAMINI01", NOVEMBER)
    qtbot.addWidget(adjust)
    adjust.amount.setText("150")
    adjust._accept()
    assert adjust.result_value is None
    assert adjust.error.text().startswith("Reason:")
    adjust.reason.setText("  Late   fee waived ")
    adjust._accept()
    assert adjust.result_value == MovementInput(-15_000, NOVEMBER, "Late fee waived")
    adjust.direction.setCurrentIndex(1)
    adjust._accept()
    assert adjust.result_value.amount_cents == 15_000
    refund = RefundDialog("DLAMINI01", 50_000, NOVEMBER, MoneyStyle.SPACE_COMMA)
    qtbot.addWidget(refund)
    assert refund.amount.text() == "500,00"
    refund.reason.setText("Left the creche")
    refund.amount.setText("600")
    refund._accept()
    assert refund.error.text() == "Amount: more than the household's unused credit"
    refund.amount.setText("0")
    refund._accept()
    assert refund.error.text().startswith("Amount:")
    refund.amount.setText("R 200,00")
    refund._accept()
    assert refund.result_value == MovementInput(20_000, NOVEMBER, "Left the creche")


def test_a_viewer_cannot_move_money(qtbot, tab) -> None:
    shell, view = tab
    workplace = shell.session.workplace
    viewer = replace(workplace, actor=replace(workplace.actor, role=Role.OWNER_VIEWER))
    shell.session.set_workplace(viewer)
    _settle(qtbot, shell)
    panel, actions = view.by_household, view.money_actions
    _show(qtbot, panel, _sent_owing(panel)[0])
    buttons = (actions.pay_button, actions.adjust_button, actions.refund_button)
    assert not any(b.isEnabled() for b in buttons)


# --------------------------------------------------------------------------- paging plans


def test_known_keys_pick_the_nearest_anchor() -> None:
    known = KnownKeys()
    plan = known.plan(0, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (None, False, 0)
    plan = known.plan(999_500, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (None, True, 0)
    known.add(499, ("2020-01-01", 10))
    known.add(1_500, ("2020-02-01", 20))
    plan = known.plan(500, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (("2020-01-01", 10), False, 0)
    plan = known.plan(1_000, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (("2020-02-01", 20), True, 0)
    anchors = known.anchors(500_000, 500, 1_000_000)
    assert anchors.gap == 500_000 - 1_500 - 1  # nearer the known row than the end
    known.add_samples([(f"k{k}", k) for k in range(99)], every=10_000)
    assert known.sampled
    assert known.key(499_999) == ("k49", 49)
    plan = known.plan(500_000, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (("k49", 49), False, 0)
    plan = known.plan(504_000, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (("k49", 49), False, 4_000)
    plan = known.plan(509_000, 500, 1_000_000)
    assert (plan.anchor, plan.backward, plan.offset) == (("k50", 50), True, 499)
    assert known.anchors(509_000, 500, 1_000_000).known == (
        (499_999, ("k49", 49)),
        (509_999, ("k50", 50)),
    )
    assert page_span(3, 1_234, 500) == (1_500, 0)
    assert page_span(2, 1_234, 500) == (1_000, 234)


def test_opening_balances_import_from_the_tab(qtbot, tab, book_path, no_dialogs, tmp_path) -> None:
    shell, view = tab
    panel, actions = view.by_household, view.money_actions
    (ref, _owing), *_ = [
        (h.account_ref, h.outstanding_cents)
        for h in panel.households.rows()
        if h.account_ref.startswith("ADAMS")
    ]
    before = _sql(book_path, "SELECT count(*) FROM ledger_entries")[0][0]
    bad = tmp_path / "balances-bad.csv"
    bad.write_text("household_ref,amount,as_of\nNOSUCH99,100.00,2026-01-31\n", encoding="utf-8")
    with qtbot.waitSignal(
        shell.executor.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy
    ):
        actions.import_balances(bad)
    assert any("balances-bad.csv:2" in text for _kind, text in no_dialogs)
    assert _sql(book_path, "SELECT count(*) FROM ledger_entries")[0][0] == before
    good = tmp_path / "balances.csv"
    good.write_text(f"household_ref,amount,as_of\n{ref},-150.00,2026-01-31\n", encoding="utf-8")
    _show(qtbot, panel, ref)
    _after_change(qtbot, shell, panel, lambda: actions.import_balances(good))
    assert actions.note.text() == "Imported opening balances for 1 households from balances.csv"
    assert _sql(book_path, "SELECT count(*) FROM ledger_entries")[0][0] == before + 1
    credit = _sql(
        book_path,
        "SELECT b.credit_cents FROM household_balances b JOIN households h "
        "ON h.id = b.household_id WHERE h.account_ref = ?",
        ref,
    )[0][0]
    assert credit >= 15_000
