"""The scheduled-jobs bar: shown to an administrator when jobs are due as the book opens (issue 12).

The book is ``test_reminders_send.Creche`` (four households owing a March
2026 invoice) with a billing day, so on any later day the month's invoices,
overdue marking, reminders and the weekly check are due. Everything waits on
signals; the real database thread runs the jobs.
"""

import datetime as dt
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import add_user
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.services.jobs import schedule
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from tests.delivery_fixtures import SmtpServer
from tests.gui.conftest import shell_args
from tests.unit.integrations.test_reminders_send import Creche

WAIT = 20_000
TODAY = dt.date.today()  # noqa: DTZ011 - the window's own "today"


def _book(path: Path, server: SmtpServer | None = None) -> None:
    book, _ = Book.open(settings_for(str(path)), create=True)
    c = Creche(book)
    with book.write(c.tenant) as uow:
        change_setting(uow, c.actor, "billing-day", "1")
        add_user(uow, c.actor, "sipho", Role.BOOKKEEPER, password="pw")
        add_user(uow, c.actor, "thandi", Role.OWNER_VIEWER, password="pw")
    if server is not None:
        server.configure(book, c.actor)
    book.close()


def _read(path: Path, read):
    book, _ = Book.open(settings_for(str(path)))
    try:
        with book.read(1) as uow:
            return read(uow)
    finally:
        book.close()


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    path = tmp_path / "book.sqlite"
    _book(path)
    return path


@pytest.fixture
def start(qtbot, no_dialogs):
    shells: list[Shell] = []

    def started(path: Path, user: str | None = None) -> Shell:
        shell = Shell(shell_args(path, user=user), interactive=False)
        shells.append(shell)
        qtbot.addWidget(shell.window)
        with qtbot.waitSignal(shell.startup.ready, timeout=WAIT):
            shell.start()
        return shell

    yield started
    for shell in shells:
        shell.stop()
    assert no_dialogs == []


def _due_for_admin(qtbot, shell: Shell) -> None:
    banner = shell.window.jobs_banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT)


def test_an_administrator_is_told_which_jobs_are_due_and_runs_them(qtbot, start, book_path) -> None:
    shell = start(book_path)
    banner = shell.window.jobs_banner
    _due_for_admin(qtbot, shell)
    assert banner.text.text() == (
        f"4 scheduled jobs are due: the month's invoices ({TODAY:%Y-%m}), overdue invoices, "
        "reminders, weekly check"
    )
    assert banner.run_button.isVisible()
    with qtbot.waitSignal(banner.finished, timeout=WAIT) as finished:
        banner.run_button.click()
    outcomes = finished.args[0]
    assert [(o.job, o.status) for o in outcomes] == [(job, "DONE") for job in schedule.JOBS]
    runs = _read(book_path, schedule.last_runs)
    assert sorted((r["job"], r["status"]) for r in runs) == sorted(
        (job, "DONE") for job in schedule.JOBS
    )
    assert _read(book_path, lambda uow: schedule.due_jobs(uow, TODAY)) == []  # jobs status
    # No SMTP server: the four households' letters were written for printing and kept.
    history = _read(book_path, reminders.history)
    assert sorted((h.household_ref, h.delivery) for h in history) == [
        ("ADAMS01", "print"), ("BOTHA02", "print"), ("CELE03", "print"), ("DUBE04", "print"),
    ]  # fmt: skip
    text = banner.text.text()
    assert text.startswith("Scheduled jobs run:")
    assert "• reminders: DONE — 4 reminder(s), 4 to print, in " in text
    assert "• weekly check: DONE — the book checks out (4 households)" in text
    assert banner.isVisible()
    assert not banner.run_button.isVisible()
    assert banner.later_button.text() == "Close"
    banner.later_button.click()
    assert not banner.isVisible()


@pytest.mark.parametrize("user", ["sipho", "thandi"])
def test_the_bar_is_for_administrators_only(qtbot, start, book_path, user: str) -> None:
    assert len(_read(book_path, lambda uow: schedule.due_jobs(uow, TODAY))) == 4
    shell = start(book_path, user)
    banner = shell.window.jobs_banner
    qtbot.waitUntil(lambda: not shell.executor.busy, timeout=WAIT)
    assert not banner.isVisible()
    assert banner.due == ()
    # The same window, with the administrator signed in: the bar appears.
    workplace = shell.session.workplace
    admin = workplace.actor.__class__(1, "admin", workplace.actor.tenant_id, Role.ADMIN)
    with qtbot.waitSignal(banner.checked, timeout=WAIT):
        shell.session.set_workplace(
            workplace.__class__(workplace.book_name, workplace.creche, admin)
        )
    assert banner.isVisible()
    assert len(banner.due) == 4
    banner.later_button.click()
    assert not banner.isVisible()
    assert _read(book_path, schedule.last_runs) == []  # Later runs nothing


def test_run_now_e_mails_the_reminders_through_the_creches_server(
    qtbot, start, tmp_path, smtp_server, session_secrets
) -> None:
    path = tmp_path / "mail.sqlite"
    _book(path, smtp_server)
    shell = start(path)
    banner = shell.window.jobs_banner
    banner.ask_password = lambda *_a: pytest.fail("a server without a login needs no password")
    _due_for_admin(qtbot, shell)
    with qtbot.waitSignal(banner.finished, timeout=WAIT) as finished:
        banner.run_button.click()
    (reminded,) = [o for o in finished.args[0] if o.job == "reminders"]
    assert reminded.status == "DONE"
    assert dict(reminded.result) | {"letters": ""} == {
        "reminders": 4, "printed": 1, "queued": 3, "emailed": 3, "failed": 0,
        "still_queued": 0, "letters": "",
    }  # fmt: skip
    arrived = sorted(r for m in smtp_server.recorder.received for r in m.recipients)
    assert arrived == ["adams@families.test", "botha@families.test", "cele@families.test"]
    assert "reminders: DONE — 4 reminder(s), 3 e-mailed, 1 to print" in banner.text.text()
