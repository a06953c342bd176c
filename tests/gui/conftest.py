"""GUI tests run offscreen; Qt must know before the first QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import datetime as dt
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.settings import settings_for
from tests.delivery_fixtures import (  # noqa: F401 - fixtures for the reminders' tests
    memory_keyring,
    no_keyring,
    session_secrets,
    smtp_login_server,
    smtp_server,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"qapp", "qtbot", "qtmodeltester"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def own_window_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test remembers window settings (filters, panels) in a folder of its own."""
    folder = str(tmp_path_factory.mktemp("window-settings"))
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(kind, scope, folder)


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record message boxes instead of blocking on them."""
    shown: list[tuple[str, str]] = []
    from PySide6.QtWidgets import QMessageBox

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            staticmethod(lambda _p, _t, text, *_a, k=kind: shown.append((k, text))),
        )
    return shown


DEMO_DAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="session")
def demo_books(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int | None], Path]:
    """The demo book as built for ``months`` lived in (None: the demo's own), once per worker.

    The demo is the same every time (a fixed day), and building it takes
    seconds; each test gets a copy (``_copy_of``), never the built one.
    """
    built: dict[int | None, Path] = {}

    def book_for(months: int | None) -> Path:
        if months not in built:
            path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
            book, _ = Book.open(settings_for(str(path)), create=True)
            with book.write() as uow:
                if months is None:
                    create_demo_creche(uow, DEMO_DAY)
                else:
                    create_demo_creche(uow, DEMO_DAY, months=months)
            book.close()
            built[months] = path
        return built[months]

    return book_for


def _copy_of(built: Path, folder: Path) -> Path:
    """A copy of a closed SQLite book through SQLite's backup API (whole, WAL or not)."""
    path = folder / "demo.sqlite"
    with closing(sqlite3.connect(built)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return path


@pytest.fixture
def demo_book_path(tmp_path: Path, demo_books: Callable[[int | None], Path]) -> Path:
    """A SQLite book holding the demo creche."""
    return _copy_of(demo_books(None), tmp_path)


@pytest.fixture
def demo_first_day_path(tmp_path: Path, demo_books: Callable[[int | None], Path]) -> Path:
    """A SQLite book holding the demo creche on its first day: nothing billed or matched.

    For tests that run the month's invoices themselves.
    """
    return _copy_of(demo_books(0), tmp_path)


def shell_args(db: Path | str, **extra: object) -> argparse.Namespace:
    """Arguments as the command line would give them to the window."""
    values = {"db": str(db), "creche": None, "user": None, "screenshot": None}
    values.update(extra)
    return argparse.Namespace(**values)


@pytest.fixture
def open_shell(qtbot, no_dialogs):
    """Start the window on a book: ``open_shell(path, user=None)``; stopped after the test.

    It returns once the households are listed and every start-up read has finished
    (opening the book also marks invoices overdue), so a test's first wait is for
    what it does itself.
    """
    from crechebooks_desktop.ui.launch import Shell

    made: list[Shell] = []

    def run(path: Path, user: str | None = None) -> Shell:
        shell = Shell(shell_args(path, user=user), interactive=False)
        qtbot.addWidget(shell.window)
        made.append(shell)
        with qtbot.waitSignal(shell.window.households.loaded, timeout=20_000):
            shell.start()
        qtbot.waitUntil(lambda: not shell.executor.busy, timeout=20_000)
        return shell

    yield run
    for shell in made:
        shell.stop()


@pytest.fixture
def start(open_shell, demo_book_path):
    """Start the window on the demo book as ``user`` (the admin by default)."""
    return lambda user=None: open_shell(demo_book_path, user)
