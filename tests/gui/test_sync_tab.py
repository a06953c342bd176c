"""The Sync tab and the status bar's Xero word over a real SQLite book (issue 15).

The creche is connected to a Xero organisation by recording the connection,
as connecting does; its changes then queue outbox items through the
services, and one item is marked refused with Xero's own words. Nothing here
reaches Xero: connecting and syncing against a server are in
``test_sync_xero.py``.
"""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod, SyncTarget
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.domain.roster import HouseholdDetails
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.documents import archive_invoice_pdf
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.services.roster.households import edit_household
from crechebooks_desktop.services.sync import xero_connection
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.value_tables import cells
from crechebooks_desktop.ui.ops import Changes
from crechebooks_desktop.ui.sync import view as sync_view
from crechebooks_desktop.ui.sync.connect_dialog import CLIENT_ID_KEY
from tests.billing_fixtures import Kid, add_family, add_fees, new_creche, run_month

DECEMBER = dt.date(2026, 12, 1)
WAIT = 15_000
REFUSAL = (
    "The contact name Lindiwe Botha (BOTHA02) is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)
ORGANISATION = "Acorns (Pty) Ltd"


def make_book(path: Path, *, connected: bool = True) -> None:
    """Three families invoiced and sent for December, one payment and a household changed.

    Connected, those changes are queued and the household's is marked refused; not
    connected, nothing is queued (connecting queues them from its first day).
    """
    book, _ = Book.open(settings_for(str(path)), create=True)
    _creche, actor = new_creche(book)
    with book.write(actor.tenant_id) as uow:
        fees = add_fees(uow)
        for ref in ("ADAMS01", "BOTHA02", "CELE03"):
            add_family(uow, ref, Kid(f"{ref}-1", fees.plain, dt.date(2026, 1, 1)))
        add_user(uow, actor, "thandi", Role.OWNER_VIEWER, password="pw")
        add_user(uow, actor, "sipho", Role.BOOKKEEPER, password="pw")
        if connected:
            xero_connection.record_connection(
                uow, actor, "CLIENT", "org-1", ORGANISATION, "conn-1", DECEMBER
            )
    run_month(book, actor, DECEMBER)
    with book.write(actor.tenant_id) as uow:
        send_month(uow, actor, DECEMBER)
        add_payment(uow, actor, "ADAMS01", 50_000, dt.date(2026, 12, 3), PaymentMethod.EFT, "ADAMS")
        details = HouseholdDetails("BOTHA02", "Lindiwe Botha", email="lindiwe@botha.example")
        edit_household(uow, actor, "BOTHA02", details)
    if connected:
        with book.write(actor.tenant_id) as uow:
            items = uow.sync_outbox.pending(SyncTarget.XERO)
            (item,) = [i for i in items if i.entity == "household"]
            uow.sync_outbox.mark_failed(item.id, item.idempotency_key, REFUSAL)
    book.close()


def outbox(path: Path) -> tuple[int, int]:
    """(pending, failed) in the book."""
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            found = uow.sync_outbox.counts(SyncTarget.XERO)
    finally:
        book.close()
    return found.pending, found.failed


@pytest.fixture
def sync_book(tmp_path: Path) -> Path:
    path = tmp_path / "acorns.sqlite"
    make_book(path)
    return path


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path):
    """The window's settings (the remembered client id) go to the test's folder."""
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(tmp_path / "settings"))
    return tmp_path / "settings"


def show_tab(qtbot, shell) -> sync_view.SyncView:
    view = shell.window.sync
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        shell.window.tabs.setCurrentWidget(view)
    return view


def test_the_tab_shows_the_connection_the_counts_and_xero_s_refusal(
    qtbot, open_shell, sync_book
) -> None:
    shell = open_shell(sync_book)
    view = show_tab(qtbot, shell)
    assert shell.window.tab_titles()[-1] == "Sync"
    text = view.connection_line.text()
    assert f"Connected to {ORGANISATION}" in text
    assert "by admin" in text
    assert "Invoices issued from 01 Dec 2026 on are sent" in text
    assert view.last_sync.text().startswith("Last sync: never")
    # Three December invoices and a payment wait; BOTHA02's change was refused.
    assert {k: v.text() for k, v in view.figures.items()} == {
        "pending": "4",
        "sent": "0",
        "failed": "1",
    }
    ((kind, reference, message, _tried),) = cells(view.failed_table)
    assert (kind, reference, message) == ("Household", "BOTHA02", REFUSAL)
    indicator = shell.window.sync_indicator
    qtbot.waitUntil(lambda: indicator.text() == "Xero: 1 failed", timeout=WAIT)
    assert indicator.isVisible()
    # The administrator may do everything; nothing is selected to retry yet.
    assert view.sync_button.isEnabled()
    assert view.disconnect_button.isEnabled()
    assert view.retry_all_button.isEnabled()
    assert not view.retry_selected_button.isEnabled()


def test_retry_selected_makes_the_refused_item_pending_again(qtbot, open_shell, sync_book) -> None:
    shell = open_shell(sync_book)
    view = show_tab(qtbot, shell)
    view.failed_table.selectRow(0)
    assert view.retry_selected_button.isEnabled()
    actions = view.sync_actions
    with (
        qtbot.waitSignal(actions.retried, timeout=WAIT) as retried,
        qtbot.waitSignal(view.loaded, timeout=WAIT),
    ):
        view.retry_selected_button.click()
    assert retried.args == [1]
    qtbot.waitUntil(lambda: view.figures["failed"].text() == "0", timeout=WAIT)
    assert view.figures["pending"].text() == "5"
    assert cells(view.failed_table) == []
    assert not view.retry_all_button.isEnabled()
    assert shell.window.sync_indicator.text() == "Xero: 5 pending"
    assert "1 refused item(s) will go again" in view.result.text()
    shell.stop()
    assert outbox(sync_book) == (5, 0)


def test_a_viewer_sees_it_all_with_the_buttons_off_and_says_why(
    qtbot, open_shell, sync_book, memory_keyring
) -> None:
    shell = open_shell(sync_book, "thandi")
    view = show_tab(qtbot, shell)
    assert view.figures["failed"].text() == "1"
    view.failed_table.selectRow(0)
    for button in (view.connect_button, view.disconnect_button):
        assert not button.isEnabled()
        assert button.toolTip() == f"{sync_view.ADMIN_ONLY} (signed in as owner-viewer)"
    for button in (view.sync_button, view.retry_selected_button, view.retry_all_button):
        assert not button.isEnabled()
        assert button.toolTip() == f"{sync_view.BOOKKEEPING} (signed in as owner-viewer)"
    # The mappings are there to look at, not to change.
    assert view.mappings_button.isEnabled()
    dialog = view.sync_actions.open_mappings()
    with qtbot.waitSignal(dialog.chart_loaded, timeout=WAIT):
        pass
    assert dialog.rows
    assert not any(row.combo.isEnabled() for row in dialog.rows)
    assert not dialog.save_button.isEnabled()
    assert "signed in as owner-viewer" in dialog.save_button.toolTip()


def test_a_bookkeeper_syncs_but_does_not_connect(qtbot, open_shell, sync_book) -> None:
    shell = open_shell(sync_book, "sipho")
    view = show_tab(qtbot, shell)
    assert view.sync_button.isEnabled()
    assert view.retry_all_button.isEnabled()
    assert not view.connect_button.isEnabled()
    assert "signed in as bookkeeper" in view.connect_button.toolTip()


def test_the_status_bar_follows_changes_made_elsewhere(qtbot, open_shell, sync_book) -> None:
    shell = open_shell(sync_book)
    indicator = shell.window.sync_indicator
    qtbot.waitUntil(lambda: indicator.text() == "Xero: 1 failed", timeout=WAIT)

    def retry_and_pay(book, workplace):
        with book.write(workplace.creche.tenant_id) as uow:
            xero_connection.retry_failed(uow, workplace.actor)
            add_payment(
                uow, workplace.actor, "CELE03", 20_000, dt.date(2026, 12, 4), PaymentMethod.CASH
            )

    with qtbot.waitSignal(
        indicator.shown, timeout=WAIT, check_params_cb=lambda text: text == "Xero: 6 pending"
    ):
        shell.session.mutate(retry_and_pay, Changes(ledger=True), None)
    assert shell.window.tabs.currentWidget() is shell.window.households
    with qtbot.waitSignal(shell.window.sync.loaded, timeout=WAIT):
        qtbot.mouseClick(indicator, Qt.MouseButton.LeftButton)
    assert shell.window.tabs.currentWidget() is shell.window.sync
    assert shell.window.sync.figures["pending"].text() == "6"


def test_nothing_shows_in_the_status_bar_while_not_connected(qtbot, open_shell, tmp_path) -> None:
    path = tmp_path / "plain.sqlite"
    make_book(path, connected=False)
    shell = open_shell(path)
    view = show_tab(qtbot, shell)
    assert view.connection_line.text().startswith("Not connected to Xero")
    assert not view.sync_button.isEnabled()
    assert view.sync_button.toolTip() == sync_view.NOT_CONNECTED_TIP
    assert not view.disconnect_button.isEnabled()
    assert view.connect_button.isEnabled()
    assert shell.window.sync_indicator.text() == ""
    assert not shell.window.sync_indicator.isVisible()


def test_mappings_typed_without_a_connection_are_kept(qtbot, open_shell, sync_book) -> None:
    shell = open_shell(sync_book)
    view = show_tab(qtbot, shell)
    dialog = view.sync_actions.open_mappings()
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        pass
    kinds = [(row.row.kind, row.row.ours) for row in dialog.rows]
    assert ("account", "4000") in kinds
    assert ("bank_account", "*") in kinds
    assert all(kind != "tax" for kind, _ in kinds)  # the creche is not VAT-registered
    fees = next(row for row in dialog.rows if row.row.ours == "4000")
    fees.combo.setEditText("200")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        dialog.save_button.click()
    assert saved.args == [1]
    assert "Saved 1 mapping(s)" in view.result.text()
    book, _ = Book.open(settings_for(str(sync_book)))
    try:
        with book.read(1) as uow:
            assert uow.xero.mappings("account") == {"4000": "200"}
    finally:
        book.close()


def test_the_connect_dialog_asks_for_the_client_id_first(qtbot, open_shell, sync_book) -> None:
    shell = open_shell(sync_book)
    view = show_tab(qtbot, shell)
    dialog = view.sync_actions.open_connect()
    dialog.client_id.clear()
    dialog.connect_button.click()
    assert "Type the client id" in dialog.error.text()
    assert not dialog.running
    assert QSettings().value(CLIENT_ID_KEY) is None


def test_the_s3_archive_shows_under_xero_once_a_bucket_is_set(qtbot, open_shell, sync_book) -> None:
    shell = open_shell(sync_book)
    view = show_tab(qtbot, shell)
    assert not view.archive.isVisible()  # no bucket: no archive
    book, _ = Book.open(settings_for(str(sync_book)))
    try:
        with book.write(1) as uow:
            admin = acting_user(uow, 1, None)
            invoice = uow.invoices.get("INV-2026-000001")
            archive_invoice_pdf(
                uow, admin, invoice, b"%PDF-1.4 one invoice", book.settings.data_dir
            )
            change_setting(uow, admin, "s3_bucket", "acorns-archive")
    finally:
        book.close()
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        shell.session.changes_applied.emit(Changes(settings=True), None)
    qtbot.waitUntil(view.archive.isVisible, timeout=WAIT)
    assert view.archive.figures.text() == (
        "Archived PDFs copied to the bucket acorns-archive: 0 copied, 1 waiting, 0 refused."
    )
