"""GUI tests run offscreen; Qt must know before the first QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import datetime as dt
from pathlib import Path

import pytest

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


@pytest.fixture
def demo_book_path(tmp_path: Path) -> Path:
    """A SQLite book holding the demo creche."""
    path = tmp_path / "demo.sqlite"
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        create_demo_creche(uow, dt.date(2026, 11, 21))
    book.close()
    return path


@pytest.fixture
def demo_first_day_path(tmp_path: Path) -> Path:
    """A SQLite book holding the demo creche on its first day: nothing billed or matched.

    For tests that run the month's invoices themselves.
    """
    path = tmp_path / "demo.sqlite"
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        create_demo_creche(uow, dt.date(2026, 11, 21), months=0)
    book.close()
    return path


def shell_args(db: Path | str, **extra: object) -> argparse.Namespace:
    """Arguments as the command line would give them to the window."""
    values = {"db": str(db), "creche": None, "user": None, "screenshot": None}
    values.update(extra)
    return argparse.Namespace(**values)
