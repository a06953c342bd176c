"""Connecting and syncing through the Sync tab, against the Xero stand-in on loopback (issue 15).

The browser is simulated: the address the dialog would open is fetched with
``requests`` on a thread of its own; the stand-in consents and redirects to
the dialog's loopback callback. The stand-in offers two organisations, so
the dialog asks which one (the list dialog is replaced by an answer). The
keyring is a dict (or absent, for the no-keyring note).
"""

import threading
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import QDate, QSettings

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import SyncTarget
from crechebooks_desktop.integrations.xero.tokens import NO_KEYRING_NOTE, token_key
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.sync import xero_connection
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.value_tables import cells
from crechebooks_desktop.ui.sync.connect_dialog import CLIENT_ID_KEY
from tests.gui.test_sync_tab import make_book, own_settings, show_tab  # noqa: F401 - fixture
from tests.xero_fixtures import xero_standin  # noqa: F401 - fixture

WAIT = 20_000
CHOSEN = "Demo Company (ZA)"
DUPLICATE = (
    "The contact name Parent of BOTHA02 (BOTHA02) is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)

CONTACT_REFUSED = f"Xero refused its contact: {DUPLICATE}"


@pytest.fixture
def standin(xero_standin, monkeypatch):  # noqa: F811 - the fixture imported above
    """The stand-in, with the app's Xero addresses pointing at it."""
    monkeypatch.setenv("CRECHEBOOKS_XERO_LOGIN_URL", xero_standin.login_url)
    monkeypatch.setenv("CRECHEBOOKS_XERO_IDENTITY_URL", xero_standin.identity_url)
    monkeypatch.setenv("CRECHEBOOKS_XERO_API_URL", xero_standin.api_url)
    return xero_standin


@pytest.fixture
def plain_book(tmp_path: Path) -> Path:
    path = tmp_path / "acorns.sqlite"
    make_book(path, connected=False)
    return path


class Browser:
    """Opens the sign-in address as a browser would: follows Xero's redirect to the callback."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.answers: list[int] = []
        self.done = threading.Event()

    def open(self, url: str) -> bool:
        self.opened.append(url)

        def visit() -> None:
            self.answers.append(requests.get(url, timeout=10).status_code)
            self.done.set()

        threading.Thread(target=visit, daemon=True).start()
        return True


def connect(qtbot, view, standin, organisation: str = CHOSEN):
    """Connect through the dialog, choosing ``organisation``; the dialog and the browser."""
    dialog = view.sync_actions.open_connect()
    browser = Browser()
    asked: list[list[str]] = []
    dialog.open_url = browser.open

    def choose(_parent: object, names: list[str]) -> int:
        asked.append(names)
        return names.index(organisation)

    dialog.choose_organisation = choose
    dialog.client_id.setText(standin.client_id)
    dialog.sync_from.setDate(QDate(2026, 12, 1))
    with (
        qtbot.waitSignal(dialog.ended, timeout=WAIT),
        qtbot.waitSignal(view.loaded, timeout=WAIT),
    ):
        dialog.connect_button.click()
    assert browser.done.wait(10)
    assert browser.answers == [200]
    assert asked == [[o.name for o in standin.organisations]]
    return dialog, browser


def book_name(path: Path) -> str:
    book, _ = Book.open(settings_for(str(path)))
    try:
        return book.name
    finally:
        book.close()


def map_every_income_account(path: Path, code: str) -> None:
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.write(1) as uow:
            actor = acting_user(uow, 1, None)
            xero_connection.set_mapping(uow, actor, "account", "*", code)
    finally:
        book.close()


def book_counts(path: Path) -> tuple[int, int, int]:
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            found = uow.sync_outbox.counts(SyncTarget.XERO)
    finally:
        book.close()
    return found.pending, found.done, found.failed


def test_connecting_signs_in_chooses_the_organisation_and_queues_the_month(
    qtbot, open_shell, plain_book, standin, memory_keyring
) -> None:
    shell = open_shell(plain_book)
    view = show_tab(qtbot, shell)
    assert view.connection_line.text().startswith("Not connected")
    dialog, browser = connect(qtbot, view, standin)
    assert dialog.url.text() == browser.opened[0]
    assert browser.opened[0].startswith(f"{standin.login_url}/identity/connect/authorize?")
    said = dialog.status.text()
    assert said.startswith(f"Connected to {CHOSEN}.")
    # Three households with their December invoices, and ADAMS01's payment.
    assert "3 invoice(s), 3 household(s) and 1 payment(s)" in said
    assert "keyring" not in said  # the keyring keeps the connection
    assert not dialog.connect_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    assert f"Connected to {CHOSEN} since" in view.connection_line.text()
    assert view.figures["pending"].text() == "7"
    assert view.disconnect_button.isEnabled()
    assert view.sync_button.isEnabled()
    assert shell.window.sync_indicator.text() == "Xero: 7 pending"
    assert QSettings().value(CLIENT_ID_KEY) == standin.client_id
    ((service, key),) = memory_keyring.store  # the refresh token, in the keyring only
    assert (service, key) == ("crechebooks-desktop", token_key(book_name(plain_book), 1))


def test_without_a_keyring_the_window_says_the_connection_lasts_for_the_session(
    qtbot, open_shell, plain_book, standin, no_keyring
) -> None:
    shell = open_shell(plain_book)
    view = show_tab(qtbot, shell)
    dialog, _browser = connect(qtbot, view, standin)
    note = f"Note: {NO_KEYRING_NOTE[:1].upper()}{NO_KEYRING_NOTE[1:]}."
    assert note in dialog.status.text()
    assert note in view.result.text()


def test_a_sync_asks_for_a_mapping_then_sends_and_shows_xero_s_refusal(
    qtbot, open_shell, plain_book, standin, memory_keyring
) -> None:
    shell = open_shell(plain_book)
    view = show_tab(qtbot, shell)
    connect(qtbot, view, standin)
    actions = view.sync_actions
    # Xero's chart has two revenue accounts and no 4000: the school fees must be mapped.
    with qtbot.waitSignal(actions.synced, timeout=WAIT) as synced:
        view.sync_button.click()
    (problem,) = synced.args[0].problems
    assert (problem.kind, problem.ours) == ("account", "4000")
    assert view.problems_box.isVisible()
    assert "Choose the Xero account for 4000 School fees" in view.problems_text.text()
    assert book_counts(plain_book) == (7, 0, 0)

    with qtbot.waitSignal(actions.mappings_opened, timeout=WAIT) as opened:
        view.map_button.click()
    dialog = opened.args[0]
    with qtbot.waitSignal(dialog.chart_loaded, timeout=WAIT) as read:
        pass  # the chart is asked for as the dialog opens; the answer comes in the event loop
    assert read.args[0] is not None
    fees = next(row for row in dialog.rows if row.row.ours == "4000")
    assert fees.note.text() == "to map: the sync waits for it"
    assert [fees.combo.itemText(i) for i in range(fees.combo.count())] == [
        "200 · Sales",
        "260 · Other Revenue",
    ]
    anywhere = next(r for r in dialog.rows if (r.row.kind, r.row.ours) == ("bank_account", "*"))
    assert anywhere.note.text() == "goes to 090 · Business Bank Account"
    fees.combo.setCurrentIndex(0)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        dialog.save_button.click()
    assert not view.problems_box.isVisible()

    standin.reject_element("Contacts", {"ContactNumber": "BOTHA02"}, DUPLICATE)
    progress: list[tuple[str, int, int]] = []
    actions.progressed.connect(lambda *args: progress.append(args))
    with qtbot.waitSignal(actions.synced, timeout=WAIT) as synced:
        view.sync_button.click()
    done = synced.args[0]
    assert done.problems == ()
    assert done.stopped is None
    assert (done.sent, done.failed, done.pending) == (5, 2, 0)
    assert ("Contacts", 0, 1) in progress
    assert ("Invoices", 1, 1) in progress
    qtbot.waitUntil(lambda: view.figures["failed"].text() == "2", timeout=WAIT)
    assert [row[:3] for row in cells(view.failed_table)] == [
        ["Household", "BOTHA02", DUPLICATE],
        ["Invoice", "INV-2026-000002", f"household BOTHA02 is not in Xero: {CONTACT_REFUSED}"],
    ]
    books = standin.books(CHOSEN)
    with standin.lock:
        numbers = {i.number for i in books.invoices.values()}
        adams = books.contact_by_number("ADAMS01")
    assert len(numbers) == 2  # BOTHA02's invoice waits for its contact
    assert adams is not None
    assert view.last_sync.text().startswith("Last sync: ")
    assert "never" not in view.last_sync.text()
    assert shell.window.sync_indicator.text() == "Xero: 2 failed"
    assert view.result.text() == "Sent 5; 2 failed; 0 still pending (6 calls to Xero)."


def test_cancel_stops_a_sync_waiting_on_xero_s_rate_limit(
    qtbot, open_shell, plain_book, standin, memory_keyring
) -> None:
    map_every_income_account(plain_book, "200")
    shell = open_shell(plain_book)
    view = show_tab(qtbot, shell)
    connect(qtbot, view, standin)
    actions = view.sync_actions
    # Xero answers the contacts with 429 and a minute to wait: the sync waits, cancellable.
    standin.fail_next(kind="429", path_contains="Contacts", retry_after=600)
    with qtbot.waitSignal(actions.syncing, timeout=WAIT):
        view.sync_button.click()
    qtbot.waitUntil(lambda: any(r.status == 429 for r in standin.requests), timeout=WAIT)
    assert view.cancel_button.isVisible()
    with qtbot.waitSignal(actions.synced, timeout=WAIT) as synced:
        view.cancel_button.click()
    done = synced.args[0]
    assert done.stopped == "cancelled; what was not sent stays queued"
    assert not view.cancel_button.isVisible()
    assert "Stopped: cancelled" in view.result.text()
    assert book_counts(plain_book) == (7, 0, 0)
    with standin.lock:
        assert standin.books(CHOSEN).contacts == {}


def test_disconnecting_forgets_the_connection_here_and_in_the_keyring(
    qtbot, open_shell, plain_book, standin, memory_keyring
) -> None:
    shell = open_shell(plain_book)
    view = show_tab(qtbot, shell)
    connect(qtbot, view, standin)
    asked: list[str] = []
    view.sync_actions.confirm = lambda _parent, question: asked.append(question) or True
    with (
        qtbot.waitSignal(view.sync_actions.disconnected, timeout=WAIT) as gone,
        qtbot.waitSignal(view.loaded, timeout=WAIT),
    ):
        view.disconnect_button.click()
    assert gone.args == [CHOSEN]
    assert len(asked) == 1
    assert CHOSEN in asked[0]
    assert view.connection_line.text().startswith("Not connected")
    assert not view.sync_button.isEnabled()
    assert memory_keyring.store == {}
    qtbot.waitUntil(lambda: shell.window.sync_indicator.text() == "", timeout=WAIT)


def test_cancel_while_waiting_for_the_browser_keeps_nothing(
    qtbot, open_shell, plain_book, standin, memory_keyring
) -> None:
    shell = open_shell(plain_book)
    view = show_tab(qtbot, shell)
    dialog = view.sync_actions.open_connect()
    dialog.open_url = lambda _url: True  # the browser opens, and nobody signs in
    dialog.client_id.setText(standin.client_id)
    with qtbot.waitSignal(dialog.url_shown, timeout=WAIT):
        dialog.connect_button.click()
    assert dialog.running
    assert not view.connect_button.isEnabled()  # one sign-in or sync at a time
    with (
        qtbot.waitSignal(dialog.ended, timeout=WAIT) as ended,
        qtbot.waitSignal(dialog.finished, timeout=WAIT),
    ):
        dialog.cancel_button.click()
    assert ended.args == ["Cancelled: nothing was kept."]
    assert not view.sync_actions.network.busy
    qtbot.waitUntil(view.connect_button.isEnabled, timeout=WAIT)
    assert view.connection_line.text().startswith("Not connected")
    assert memory_keyring.store == {}
    assert book_counts(plain_book) == (0, 0, 0)
