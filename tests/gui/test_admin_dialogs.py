"""The administrator's window (issue 13) over the demo book, real database thread.

Each dialog is driven as a person would fill it in; what it saved is read back
through the services, and a refused input shows the service's own message
beside the field with nothing written. Bookkeepers and owner-viewers get no
Administration menu, and a dialog opened for them changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin import creches, users
from crechebooks_desktop.services.admin.sign_in import Refused, redeem_setup_code
from crechebooks_desktop.services.admin.sign_in import sign_in as sign_in_service
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.billing.invoice_lifecycle import find_invoices
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.admin.bank_accounts_dialog import (
    AddAccountDialog,
    BankAccountsDialog,
    RenameDialog,
)
from crechebooks_desktop.ui.admin.settings_dialog import SettingsDialog
from crechebooks_desktop.ui.admin.users_dialog import (
    AddUserDialog,
    PasswordDialog,
    RoleDialog,
    UsersDialog,
)
from crechebooks_desktop.ui.launch import Shell
from tests.delivery_fixtures import (
    MemoryKeyring,
    session_secrets,  # noqa: F401 - fixture
)
from tests.delivery_fixtures import memory_keyring as keyring_in_memory  # noqa: F401 - fixture
from tests.delivery_fixtures import no_keyring as _no_keyring  # noqa: F401 - fixture
from tests.sign_in_support import sign_in

DEMO = "Sunflower Kids Educare"
TODAY = dt.date(2026, 11, 21)


def _book(path: Path) -> Book:
    book, _ = Book.open(settings_for(str(path)))
    return book


def _settings(path: Path):
    book = _book(path)
    try:
        with book.read() as uow:
            return creches.select_creche(uow, None)
    finally:
        book.close()


def _audit_count(path: Path) -> int:
    book = _book(path)
    try:
        with book.read() as uow:
            return len(uow.audit.latest(None, limit=100_000))
    finally:
        book.close()


def _last_audit(path: Path):
    book = _book(path)
    try:
        with book.read() as uow:
            return uow.audit.latest(None, limit=1)[0]
    finally:
        book.close()


def _users(path: Path) -> dict[str, tuple[Role | None, bool]]:
    book = _book(path)
    try:
        with book.read() as uow:
            return {u.username: (u.role, u.active) for u in users.list_users(uow, 1)}
    finally:
        book.close()


def _add_team(path: Path) -> None:
    book = _book(path)
    try:
        with book.write(1) as uow:
            admin = users.acting_user(uow, 1, "admin")
            users.add_user(uow, admin, "bea", Role.BOOKKEEPER, "ledger")
            users.add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "view")
    finally:
        book.close()


def _settle(qtbot, shell: Shell) -> None:
    qtbot.waitUntil(lambda: not shell.executor.busy, timeout=10_000)


# --------------------------------------------------------------------------- the menu


def test_administration_menu_is_for_admins_only(start, demo_book_path) -> None:
    _add_team(demo_book_path)
    admin = start()
    menu = admin.window.admin_menu
    assert menu.menuAction().isVisible()
    assert [a.text() for a in menu.actions()] == [
        "&Settings…", "&Users…", "&Bank accounts…", "&Fee structures…"
    ]  # fmt: skip
    for name in ("bea", "olivia"):
        other = start(name)
        assert not other.window.admin_menu.menuAction().isVisible(), name


# --------------------------------------------------------------------------- settings


def _settings_dialog(qtbot, shell: Shell) -> SettingsDialog:
    dialog = SettingsDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    return dialog


def test_settings_dialog_shows_and_saves_changes_through_the_service(
    qtbot, start, demo_book_path
) -> None:
    shell = start()
    dialog = _settings_dialog(qtbot, shell)
    assert dialog.text_of("name") == DEMO
    assert dialog.text_of("reminder_min_cents") == "R 50,00"
    assert dialog.text_of("prices_include_vat") == "yes"
    assert [dialog.pages.tabText(i) for i in range(dialog.pages.count())] == [
        "Creche", "Invoices", "Banking", "E-mail",
    ]  # fmt: skip
    before = _audit_count(demo_book_path)
    dialog.set_text("name", "Sunflower Kids")
    dialog.set_text("due_day", "5")
    dialog.set_text("reminder_min_cents", "R 75,50")
    dialog.set_text("billing_day", "1")
    dialog.set_text("smtp_security", "ssl")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.ok.click()
    saved = _settings(demo_book_path)
    assert (saved.name, saved.due_day, saved.reminder_min_cents, saved.billing_day) == (
        "Sunflower Kids", 5, 7_550, 1,
    )  # fmt: skip
    assert saved.smtp_security == "ssl"
    assert _audit_count(demo_book_path) == before + 1
    record = _last_audit(demo_book_path)
    assert (record.action, record.username) == ("settings.set", "admin")
    assert set(record.after or {}) == {
        "name", "due_day", "reminder_min_cents", "billing_day", "smtp_security",
    }  # fmt: skip
    assert not dialog.isVisible()
    assert shell.window.windowTitle() == "Sunflower Kids — CrecheBooks"
    assert shell.session.workplace.creche.due_day == 5


def test_settings_dialog_shows_refusals_beside_the_fields_and_writes_nothing(
    qtbot, start, demo_book_path
) -> None:
    shell = start()
    dialog = _settings_dialog(qtbot, shell)
    dialog.show()
    before, audit_before = _settings(demo_book_path), _audit_count(demo_book_path)
    dialog.set_text("phone", "011 555 0100")
    dialog.set_text("due_day", "31")
    dialog.set_text("vat_number", "123")
    dialog.pages.setCurrentIndex(3)
    dialog.ok.click()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10_000)
    assert dialog.problem("due_day") == "due day must be from 1 to 28 so that every month has it"
    assert dialog.problem("vat_number") == (
        "a South African VAT number has 10 digits and starts with 4"
    )
    assert dialog.problem("phone") == ""
    assert dialog.error.text().endswith("; nothing was changed")
    assert dialog.pages.currentIndex() == 0  # the first page with a refused field
    assert dialog.isVisible()
    assert dialog.ok.isEnabled()
    assert _settings(demo_book_path) == before
    assert _audit_count(demo_book_path) == audit_before
    # Not an amount: said beside the field before anything is sent.
    dialog.set_text("vat_number", "")
    dialog.set_text("due_day", "7")
    dialog.set_text("reminder_min_cents", "fifty rand")
    dialog.ok.click()
    assert "not an amount" in dialog.problem("reminder_min_cents")
    assert dialog.pages.currentIndex() == 1
    assert _audit_count(demo_book_path) == audit_before


def test_settings_dialog_for_a_bookkeeper_shows_but_saves_nothing(
    qtbot, start, demo_book_path
) -> None:
    _add_team(demo_book_path)
    shell = start("bea")
    dialog = _settings_dialog(qtbot, shell)
    assert not dialog.ok.isEnabled()
    assert all(not form.isEnabled() for form in dialog.forms)
    assert "Only an administrator" in dialog.permission_note.text()


def test_smtp_password_goes_to_the_keyring(
    qtbot,
    start,
    demo_book_path,
    keyring_in_memory: MemoryKeyring,  # noqa: F811 - the fixture imported above
) -> None:
    shell = start()
    dialog = _settings_dialog(qtbot, shell)
    assert dialog.password_note.text() == "Kept in this computer's keyring, never in the book."
    dialog.set_text("smtp_host", "mail.sunflower.test")
    dialog.set_text("smtp_user", "office")
    with qtbot.waitSignal(dialog.password_done, timeout=10_000) as unsaved:
        dialog.set_smtp_password("secret")
    assert unsaved.args == ["Save the mail server settings first, then set the password."]
    dialog.set_text("smtp_from", "office@sunflower.test")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.ok.click()
    again = _settings_dialog(qtbot, shell)
    with qtbot.waitSignal(again.password_done, timeout=10_000) as stored:
        again.set_smtp_password("secret")
    assert stored.args == [
        "The password is stored in the keyring for office at mail.sunflower.test."
    ]
    assert keyring_in_memory.store == {
        ("crechebooks-desktop", "smtp:office@mail.sunflower.test"): "secret"
    }
    record = _last_audit(demo_book_path)
    assert record.after == {
        "smtp_password": "stored in the keyring for office at mail.sunflower.test"
    }


@pytest.mark.usefixtures("_no_keyring")
def test_without_a_keyring_the_dialog_says_so(qtbot, start) -> None:
    shell = start()
    dialog = _settings_dialog(qtbot, shell)
    assert not dialog.password_button.isEnabled()
    assert dialog.password_note.text().startswith(
        "This machine has no keyring (no keyring backend is available), "
        "so the SMTP password cannot be stored; it will be asked once per session"
    )


# --------------------------------------------------------------------------- users


def _users_dialog(qtbot, shell: Shell) -> UsersDialog:
    dialog = UsersDialog(shell.session, shell.window)
    qtbot.addWidget(dialog)
    opened: list = []
    dialog.open_dialog = opened.append  # type: ignore[method-assign]
    dialog.opened = opened  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    return dialog


def _reloaded(qtbot, dialog, action) -> None:
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        action()


def test_users_dialog_adds_changes_disables_and_resets(qtbot, start, demo_book_path) -> None:
    shell = start()
    dialog = _users_dialog(qtbot, shell)
    assert [u.username for u in dialog.model.rows()] == ["admin"]
    dialog.add_button.click()
    add = dialog.opened[-1]
    assert isinstance(add, AddUserDialog)
    add.username.setText("bea")
    add.full_name.setText("Bea Bookkeeper")
    add.password.setText("ledger")
    add.again.setText("ledger")
    _reloaded(qtbot, dialog, add.ok.click)
    assert _users(demo_book_path)["bea"] == (Role.BOOKKEEPER, True)
    assert dialog.selected_user().username == "bea"

    dialog.role_button.click()
    role = dialog.opened[-1]
    assert isinstance(role, RoleDialog)
    role.role.setCurrentIndex(role.role.findData(Role.OWNER_VIEWER.value))
    _reloaded(qtbot, dialog, role.ok.click)
    assert _users(demo_book_path)["bea"] == (Role.OWNER_VIEWER, True)

    _reloaded(qtbot, dialog, dialog.disable_button.click)
    assert _users(demo_book_path)["bea"] == (Role.OWNER_VIEWER, False)
    assert dialog.model.display(dialog.selected_user(), 3).startswith("Disabled since")
    assert dialog.enable_button.isEnabled()
    assert not dialog.disable_button.isEnabled()
    _reloaded(qtbot, dialog, dialog.enable_button.click)
    assert _users(demo_book_path)["bea"] == (Role.OWNER_VIEWER, True)

    dialog.password_button.click()
    reset = dialog.opened[-1]
    assert isinstance(reset, PasswordDialog)
    reset.password.setText("new one")
    reset.again.setText("new on")
    reset.ok.click()
    assert reset.form.problem("again") == "the two passwords differ"
    reset.again.setText("new one")
    _reloaded(qtbot, dialog, reset.ok.click)
    book = _book(demo_book_path)
    try:
        with book.write() as uow:
            assert sign_in(uow, 1, "bea", "new one").role is Role.OWNER_VIEWER
    finally:
        book.close()


def test_users_dialog_gives_a_set_up_code_shown_once(qtbot, start, demo_book_path) -> None:
    """Added without a password, a user gets a one-time code; a new one stops the password."""
    shell = start()
    dialog = _users_dialog(qtbot, shell)
    dialog.add_button.click()
    add = dialog.opened[-1]
    add.username.setText("sipho")
    with qtbot.waitSignal(dialog.message, timeout=10_000) as said:
        add.ok.click()
    found = re.search(r"One-time set-up code for sipho: (\S+) \(works until ", said.args[0])
    assert found is not None, said.args
    assert said.args[0].startswith("Saved sipho: Bookkeeper, awaiting first sign-in")
    qtbot.waitUntil(lambda: dialog.selected_user().username == "sipho", timeout=10_000)
    assert dialog.model.display(dialog.selected_user(), 3) == (
        "Awaiting first sign-in with a set-up code"
    )
    book = _book(demo_book_path)
    try:
        with book.write() as uow:
            actor = redeem_setup_code(uow, 1, "sipho", found[1], "mine")
        assert not isinstance(actor, Refused)
    finally:
        book.close()
    _reloaded(qtbot, dialog, dialog.reload)
    dialog.select_user("sipho")
    with qtbot.waitSignal(dialog.message, timeout=10_000) as again:
        dialog.code_button.click()
    assert again.args[0].startswith("One-time set-up code for sipho: ")
    assert found[1] not in again.args[0]  # a new code each time
    book = _book(demo_book_path)
    try:
        with book.write() as uow:
            assert isinstance(sign_in_service(uow, 1, "sipho", "mine"), Refused)
    finally:
        book.close()


def test_users_dialog_refusals_say_the_services_message_and_change_nothing(
    qtbot, start, demo_book_path
) -> None:
    shell = start()
    dialog = _users_dialog(qtbot, shell)
    before = _audit_count(demo_book_path)
    dialog.select_user("admin")
    with qtbot.waitSignal(dialog.message, timeout=10_000) as said:
        dialog.disable_button.click()
    assert said.args == [
        "Could not disable admin: you cannot disable yourself; ask another administrator"
    ]
    dialog.add_button.click()
    add = dialog.opened[-1]
    add.username.setText("ADMIN")
    add.password.setText("x")
    add.again.setText("x")
    add.ok.click()
    qtbot.waitUntil(lambda: bool(add.error.text()), timeout=10_000)
    assert add.error.text() == "ADMIN is already a user of this creche (admin)"
    assert add.ok.isEnabled()
    assert _audit_count(demo_book_path) == before
    assert _users(demo_book_path) == {"admin": (Role.ADMIN, True)}


def test_users_dialog_for_an_owner_viewer_allows_nothing(qtbot, start, demo_book_path) -> None:
    _add_team(demo_book_path)
    shell = start("olivia")
    dialog = _users_dialog(qtbot, shell)
    buttons = (
        dialog.add_button, dialog.role_button, dialog.password_button,
        dialog.code_button, dialog.disable_button, dialog.enable_button,
    )  # fmt: skip
    assert not any(b.isEnabled() for b in buttons)
    assert dialog.note.text() == "Only an administrator can change the creche's users."


# --------------------------------------------------------------------------- bank accounts


def _accounts_dialog(qtbot, shell: Shell) -> BankAccountsDialog:
    dialog = BankAccountsDialog(shell.session, TODAY, shell.window)
    qtbot.addWidget(dialog)
    opened: list = []
    dialog.open_dialog = opened.append  # type: ignore[method-assign]
    dialog.opened = opened  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    return dialog


def _accounts(path: Path) -> dict[str, bool]:
    book = _book(path)
    try:
        with book.read(1) as uow:
            return {a.name: a.closed for a in bank.list_accounts(uow)}
    finally:
        book.close()


def test_bank_accounts_dialog_adds_renames_closes_and_reopens(qtbot, start, demo_book_path) -> None:
    shell = start()
    dialog = _accounts_dialog(qtbot, shell)
    assert [a.name for a in dialog.model.rows()] == ["FNB Cheque"]
    # Closing an account whose lines are not all reconciled is refused, in the service's words
    # (the demo is reconciled to the end of October; November's lines are not).
    with qtbot.waitSignal(dialog.message, timeout=10_000) as said:
        dialog.close_button.click()
    assert said.args[0] == (
        "Could not close FNB Cheque: cannot close FNB Cheque: 46 of its lines are dated after "
        "its last reconciliation (2026-10-31); reconcile it to its last statement first"
    )
    assert _accounts(demo_book_path) == {"FNB Cheque": False}

    dialog.add_button.click()
    add = dialog.opened[-1]
    assert isinstance(add, AddAccountDialog)
    add.name.setText("Petty cash")
    add.has_opening.setChecked(True)
    add.opening.setText("lots")
    add.ok.click()
    assert "not an amount" in add.form.problem("opening")
    add.opening.setText("R 500,00")
    _reloaded(qtbot, dialog, add.ok.click)
    assert _accounts(demo_book_path) == {"FNB Cheque": False, "Petty cash": False}

    dialog.rename_button.click()
    rename = dialog.opened[-1]
    assert isinstance(rename, RenameDialog)
    rename.name.setText("fnb cheque")
    rename.ok.click()
    qtbot.waitUntil(lambda: bool(rename.error.text()), timeout=10_000)
    assert rename.error.text() == "there is already a bank account named 'FNB Cheque'"
    rename.name.setText("Cash box")
    _reloaded(qtbot, dialog, rename.ok.click)
    assert set(_accounts(demo_book_path)) == {"FNB Cheque", "Cash box"}

    assert dialog.selected_account().name == "Cash box"
    _reloaded(qtbot, dialog, dialog.close_button.click)
    assert _accounts(demo_book_path)["Cash box"] is True
    assert dialog.model.display(dialog.selected_account(), 6).startswith("Closed")
    _reloaded(qtbot, dialog, dialog.reopen_button.click)
    assert _accounts(demo_book_path)["Cash box"] is False


def test_bank_accounts_dialog_for_a_bookkeeper_allows_nothing(qtbot, start, demo_book_path) -> None:
    _add_team(demo_book_path)
    shell = start("bea")
    dialog = _accounts_dialog(qtbot, shell)
    buttons = (dialog.add_button, dialog.rename_button, dialog.close_button, dialog.reopen_button)
    assert not any(b.isEnabled() for b in buttons)


# --------------------------------------------------------------------------- banking warning


def test_an_invoice_saved_without_banking_details_warns_in_the_window(
    qtbot, start, demo_book_path, tmp_path, no_dialogs
) -> None:
    book = _book(demo_book_path)
    try:
        with book.write(1) as uow:
            admin = users.acting_user(uow, 1, None)
            creches.change_setting(uow, admin, "bank_account_number", "")
            number = find_invoices(uow, InvoiceFilter())[0].number
    finally:
        book.close()
    shell = start()
    view = shell.window.invoices
    _settle(qtbot, shell)
    view.save_pdf(number, tmp_path / "invoice.pdf")
    qtbot.waitUntil(lambda: "Saved" in view.summary.text() or bool(no_dialogs), timeout=20_000)
    assert no_dialogs == []
    assert view.summary.text().startswith(f"Saved {number} to {tmp_path / 'invoice.pdf'}.")
    assert "banking details are not on record" in view.summary.text()
    assert (tmp_path / "invoice.pdf").read_bytes().startswith(b"%PDF")
