"""The reminders dialog over a real SQLite book and the real database thread (issue 12).

The creche is ``test_reminders_send.Creche``: four households owing a March
invoice due 7 March 2026; BOTHA02 has paid and CELE03 is held, so on the 14th
ADAMS01 (e-mail) and DUBE04 (no address: printed) are due level 1. Sending
goes to a real SMTP server on loopback; the password dialog and the folder
opener are replaced, so no modal dialog opens.
"""

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QPushButton

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.delivery import OutboxStatus
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.integrations import secrets
from crechebooks_desktop.services.admin.users import add_user
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.common.mail_password import NO_KEYRING, PasswordNeed
from crechebooks_desktop.ui.common.value_tables import cells
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.statements.reminder_jobs import screen_of
from crechebooks_desktop.ui.statements.reminders_dialog import VIEW_ONLY
from tests.delivery_fixtures import SMTP_PASSWORD, SMTP_USER, SmtpServer
from tests.gui.conftest import shell_args
from tests.unit.integrations.test_reminders_send import Creche, day

WAIT = 10_000


def _book(path: Path, server: SmtpServer | None = None, *, login: bool = False) -> None:
    book, _ = Book.open(settings_for(str(path)), create=True)
    c = Creche(book)
    c.pay("BOTHA02", 150_000)
    with book.write(c.tenant) as uow:
        reminders.hold(uow, c.actor, "CELE03", "Payment plan agreed", day(30))
        add_user(uow, c.actor, "thandi", Role.OWNER_VIEWER, password="pw")
    if server is not None:
        server.configure(book, c.actor, user=SMTP_USER if login else None)
    book.close()


def _read(path: Path, read):
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            return read(uow)
    finally:
        book.close()


@pytest.fixture
def open_dialog(qtbot, no_dialogs):
    shells: list[Shell] = []

    def start(path: Path, user: str | None = None):
        shell = Shell(shell_args(path, user=user), interactive=False)
        shells.append(shell)
        qtbot.addWidget(shell.window)
        with qtbot.waitSignal(shell.startup.ready, timeout=WAIT):
            shell.start()
        view = shell.window.statements
        assert view.reminders_button.isEnabled()
        view.reminders_button.click()
        dialog = view.reminders_dialog
        assert dialog is not None
        _choose_day(qtbot, dialog, day(7))
        return shell, dialog

    yield start
    for shell in shells:
        shell.stop()


def _choose_day(qtbot, dialog, when: dt.date) -> None:
    with qtbot.waitSignal(
        dialog.loaded, timeout=WAIT, check_params_cb=lambda screen: screen.as_of == when
    ):
        dialog.as_of.setDate(QDate(when.year, when.month, when.day))


def _send(qtbot, dialog):
    """Press Send; wait for the result and for the preview read again after it."""
    results = []
    dialog.sent.connect(results.append)
    with qtbot.waitSignals([dialog.sent, dialog.loaded], order="strict", timeout=WAIT):
        dialog.send_button.click()
    dialog.sent.disconnect(results.append)
    return results[0]


def test_the_preview_shows_reminders_previews_figures(tmp_path, open_dialog) -> None:
    path = tmp_path / "book.sqlite"
    _book(path)
    _shell, dialog = open_dialog(path)
    expected = _read(path, lambda uow: reminders.preview(uow, day(7)))
    assert dialog.shown == screen_of(expected)
    assert [(v.party.household_ref, v.due.level) for v in expected.reminders] == [
        ("ADAMS01", 1), ("DUBE04", 1),
    ]  # fmt: skip
    adams, dube = expected.reminders
    assert cells(dialog.due) == [
        ["ADAMS01", "Parent ADAMS01", "adams@families.test", "1", "R 1 500,00",
         adams.due.lines[0].number],
        ["DUBE04", "Parent DUBE04", "printed", "1", "R 1 500,00", dube.due.lines[0].number],
    ]  # fmt: skip
    held = f"not reminded until {day(30).isoformat()}: Payment plan agreed"
    assert cells(dialog.skipped) == [["CELE03", "Parent CELE03", held]]
    assert dialog.summary.text().startswith("2 reminder(s) asking R 3 000,00")
    assert dialog.send_button.isEnabled()


def test_send_without_smtp_writes_letters_for_printing_once(qtbot, tmp_path, open_dialog) -> None:
    path = tmp_path / "book.sqlite"
    _book(path)
    _shell, dialog = open_dialog(path)
    opened: list[Path] = []
    dialog.open_folder = opened.append
    dialog.ask_password = lambda *_a: pytest.fail("no server, no password")
    result = _send(qtbot, dialog)
    assert not result.email
    assert (result.decided, result.emailed, result.failed) == (2, 0, ())
    assert result.printed == ("Parent ADAMS01 (ADAMS01)", "Parent DUBE04 (DUBE04)")
    (folder,) = result.folders
    letters = sorted(p.name for p in folder.iterdir())
    assert letters == [f"ADAMS01-{day(7).isoformat()}-level1.pdf",
                       f"DUBE04-{day(7).isoformat()}-level1.pdf"]  # fmt: skip
    text = dialog.result_label.text()
    assert "No SMTP server is set" in text
    assert "2 letter(s) were written for printing" in text
    assert str(folder) in text
    assert dialog.open_button.isVisible()
    dialog.open_button.click()
    assert opened == [folder]
    history = _read(path, reminders.history)
    assert [(h.household_ref, h.level, h.delivery) for h in history] == [
        ("DUBE04", 1, "print"), ("ADAMS01", 1, "print"),
    ]  # fmt: skip
    # Sent: nobody is due any more that day, so Send rests; pressed anyway, it sends nothing new.
    assert dialog.shown.rows == ()
    assert not dialog.send_button.isEnabled()
    with qtbot.waitSignal(dialog.sent, timeout=WAIT) as again:
        dialog.send()
    assert (again.args[0].decided, again.args[0].printed) == (0, ())
    nothing = "Nothing was sent: nobody is due a reminder on 14 Mar 2026."
    assert nothing in dialog.result_label.text()
    assert len(_read(path, reminders.history)) == 2
    assert len(list(folder.iterdir())) == 2


def test_send_e_mails_through_the_creches_server_asking_the_password_once(
    qtbot, tmp_path, open_dialog, smtp_login_server, no_keyring
) -> None:
    path = tmp_path / "book.sqlite"
    _book(path, smtp_login_server, login=True)
    _shell, dialog = open_dialog(path)
    asked: list[PasswordNeed] = []

    def ask(_parent, need: PasswordNeed) -> str:
        asked.append(need)
        return SMTP_PASSWORD

    dialog.ask_password = ask
    result = _send(qtbot, dialog)
    assert [need.why for need in asked] == [NO_KEYRING]
    assert "this computer has no keyring" in asked[0].question.lower()
    assert (result.email, result.emailed, result.failed) == (True, 1, ())
    assert result.printed == ("Parent DUBE04 (DUBE04)",)  # no address: printed
    (arrived,) = smtp_login_server.recorder.received
    assert arrived.recipients == ("adams@families.test",)
    assert smtp_login_server.logins == [(SMTP_USER, "right")]
    assert "E-mailed 1 reminder(s)." in dialog.result_label.text()
    assert "No e-mail address, so print theirs: Parent DUBE04 (DUBE04)" in (
        dialog.result_label.text()
    )
    # Three weeks late: level 2; the password is not asked again in this session.
    _choose_day(qtbot, dialog, day(21))
    second = _send(qtbot, dialog)
    assert len(asked) == 1
    assert second.emailed == 1
    assert [r.recipients for r in smtp_login_server.recorder.received] == [
        ("adams@families.test",), ("adams@families.test",),
    ]  # fmt: skip
    statuses = _read(path, lambda uow: [m.status for m in uow.outbox.find()])
    assert statuses.count(OutboxStatus.SENT) == 2


def test_the_keyrings_password_is_used_unasked_and_a_refusal_is_shown_in_the_servers_words(
    qtbot, tmp_path, open_dialog, smtp_login_server, memory_keyring
) -> None:
    path = tmp_path / "book.sqlite"
    _book(path, smtp_login_server, login=True)
    memory_keyring.set_password(secrets.SERVICE, f"smtp:{SMTP_USER}@127.0.0.1", SMTP_PASSWORD)
    smtp_login_server.recorder.refuse.add("adams@families.test")
    _shell, dialog = open_dialog(path)
    dialog.ask_password = lambda *_a: pytest.fail("the keyring has the password")
    result = _send(qtbot, dialog)
    assert result.emailed == 0
    (failure,) = result.failed
    assert failure.who == "Parent ADAMS01 (ADAMS01) <adams@families.test>"
    assert "550 5.1.1" in failure.error
    assert "Recipient address rejected" in dialog.result_label.text()


def test_no_password_given_nothing_is_queued(
    qtbot, tmp_path, open_dialog, smtp_login_server, no_keyring
) -> None:
    path = tmp_path / "book.sqlite"
    _book(path, smtp_login_server, login=True)
    shell, dialog = open_dialog(path)
    dialog.ask_password = lambda *_a: None  # the person cancels the password dialog
    dialog.send_button.click()
    qtbot.waitUntil(lambda: "password was not given" in dialog.result_label.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: not shell.executor.busy, timeout=WAIT)
    assert dialog.send_button.isEnabled()
    assert _read(path, reminders.history) == []
    assert _read(path, lambda uow: uow.outbox.find()) == []


def test_an_owner_viewer_sees_the_preview_but_cannot_send(tmp_path, open_dialog) -> None:
    path = tmp_path / "book.sqlite"
    _book(path)
    _shell, dialog = open_dialog(path, "thandi")
    assert [row.ref for row in dialog.shown.rows] == ["ADAMS01", "DUBE04"]
    assert not dialog.send_button.isEnabled()
    assert dialog.send_button.toolTip() == f"{VIEW_ONLY} (signed in as owner-viewer)"
    dialog.send()  # even if asked to: nothing happens
    assert dialog.outcome is None
    assert _read(path, reminders.history) == []


def test_cancel_stops_the_e_mails_between_messages(
    qtbot, tmp_path, open_dialog, smtp_server, session_secrets
) -> None:
    path = tmp_path / "book.sqlite"
    _book(path, smtp_server)
    _shell, dialog = open_dialog(path)
    _choose_day(qtbot, dialog, day(31))  # CELE03's hold is over: two to e-mail, one to print
    assert [r.email for r in dialog.shown.rows] == [
        "adams@families.test", "cele@families.test", None,
    ]  # fmt: skip
    entered, gate = threading.Event(), threading.Event()
    take = smtp_server.recorder.handle_DATA

    async def held(server, session, envelope) -> str:
        answer = await take(server, session, envelope)
        entered.set()  # the server holds its answer to the first message until Cancel is pressed
        assert gate.wait(WAIT / 1000)
        return answer

    smtp_server.recorder.handle_DATA = held
    dialog.send_button.click()
    qtbot.waitUntil(entered.is_set, timeout=WAIT)
    assert dialog.progress is not None
    assert dialog.progress.isVisible()
    dialog.progress.findChild(QPushButton).click()  # Cancel
    assert dialog.task.cancelled
    with qtbot.waitSignal(dialog.sent, timeout=WAIT) as sent:
        gate.set()
    result = sent.args[0]
    assert (result.emailed, result.still_queued) == (1, 1)
    assert result.stopped == "cancelled; the rest of the queue waits for the next run"
    assert len(smtp_server.recorder.received) == 1
    assert "1 message(s) are still waiting in the outbox" in dialog.result_label.text()
