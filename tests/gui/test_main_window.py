"""The main window over a real book, with the real database thread."""

import argparse
import os
import threading
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.services.admin.creches import NewCreche
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.setup.first_run import FirstRunChoice
from tests.file_modes import mode
from tests.gui.conftest import shell_args


@pytest.fixture
def shell(qtbot):
    made: list[Shell] = []

    def build(args, first_run=None) -> Shell:
        shell = Shell(args, interactive=False)
        if first_run is not None:
            shell.startup._first_run = first_run
        qtbot.addWidget(shell.window)
        made.append(shell)
        return shell

    yield build
    for shell in made:
        shell.stop()


def test_opens_demo_book_and_lists_households(qtbot, shell, demo_book_path) -> None:
    app = shell(shell_args(demo_book_path))
    with qtbot.waitSignal(app.window.households.loaded, timeout=10_000) as loaded:
        app.start()
    assert loaded.args == [45]
    window = app.window
    assert window.tab_titles() == [
        "Households",
        "Ledger",
        "Invoices",
        "Matching",
        "Reconciliation",
        "Statements",
        "Sync",
    ]
    assert window.creche_label.text() == "Sunflower Kids Educare"
    assert window.user_label.text() == "admin (admin)"
    assert str(demo_book_path) in window.book_label.text()
    assert window.windowTitle() == "Sunflower Kids Educare — CrecheBooks"
    assert window.households.proxy.rowCount() == 45
    assert "45 households" in window.households.summary.text()


def test_search_box_filters_the_table(qtbot, shell, demo_book_path) -> None:
    app = shell(shell_args(demo_book_path))
    with qtbot.waitSignal(app.window.households.loaded, timeout=10_000):
        app.start()
    view = app.window.households
    qtbot.keyClicks(view.search, "dlamini")
    refs = {view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())}
    assert refs == {"DLAMINI01", "DLAMINI44"}
    assert view.summary.text().startswith("2 of 45 households")


def test_book_is_only_touched_off_the_gui_thread(qtbot, shell, demo_book_path, monkeypatch) -> None:
    threads: list[str] = []
    original_open = Book.open.__func__

    def open_spy(cls, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return original_open(cls, *args, **kwargs)

    monkeypatch.setattr(Book, "open", classmethod(open_spy))
    for name in ("read", "write"):
        original = getattr(Book, name)

        def spy(*args, _original=original, **kwargs):
            threads.append(threading.current_thread().name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(Book, name, spy)
    app = shell(shell_args(demo_book_path))
    with qtbot.waitSignal(app.window.households.loaded, timeout=10_000):
        app.start()
    assert len(threads) >= 3, threads  # open, list creches, choose creche, load households
    assert "MainThread" not in threads


def test_new_book_runs_first_run_set_up(qtbot, shell, tmp_path: Path) -> None:
    asked: list[str] = []

    def first_run(book_name: str) -> FirstRunChoice:
        asked.append(book_name)
        return FirstRunChoice(
            NewCreche(
                name="Little Acorns",
                vat_number="4111222333",
                admin_username="thandi",
                admin_password="s3cret",
            ),
            demo=False,
        )

    path = tmp_path / "new.sqlite"
    app = shell(shell_args(path), first_run=first_run)
    with qtbot.waitSignal(app.window.households.loaded, timeout=10_000) as loaded:
        app.start()
    assert asked == [str(path)]
    assert loaded.args == [0]
    assert app.window.creche_label.text() == "Little Acorns"
    assert app.window.user_label.text() == "thandi (admin)"
    book, _ = Book.open(settings_for(str(path)))
    with book.read() as uow:
        creche = uow.tenants.by_name("Little Acorns")
        actions = [r.action for r in uow.audit.latest(None)]
    book.close()
    assert creche is not None
    assert creche.vat_registered
    assert {"creche.create", "user.create", "user.grant"} <= set(actions)


def test_new_book_can_start_as_the_demo(qtbot, shell, tmp_path: Path) -> None:
    app = shell(
        shell_args(tmp_path / "try.sqlite"), first_run=lambda _name: FirstRunChoice(None, demo=True)
    )
    with qtbot.waitSignal(app.window.households.loaded, timeout=20_000) as loaded:
        app.start()
    assert loaded.args == [45]


def test_declining_set_up_cancels_and_creates_nothing(qtbot, shell, tmp_path: Path) -> None:
    asked: list[str] = []
    path = tmp_path / "Creche" / "no.sqlite"
    app = shell(shell_args(path), first_run=asked.append)
    with qtbot.waitSignal(app.startup.cancelled, timeout=10_000):
        app.start()
    assert asked == [str(path)]
    assert not (tmp_path / "Creche").exists()


# No --db and no CRECHEBOOKS_DB: the window opens the default book in the data folder.
DEFAULT_BOOK = argparse.Namespace(db=None, creche=None, user=None, screenshot=None)


def test_the_default_book_is_set_up_only_when_the_set_up_is_finished(
    qtbot, shell, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CRECHEBOOKS_DB", raising=False)
    default = tmp_path / "xdg" / "CrecheBooks" / "book.sqlite"
    first = shell(DEFAULT_BOOK, first_run=lambda _name: None)
    with qtbot.waitSignal(first.startup.cancelled, timeout=10_000):
        first.start()
    assert not (tmp_path / "xdg").exists()

    asked: list[str] = []

    def demo(name: str) -> FirstRunChoice:
        asked.append(name)
        return FirstRunChoice(None, demo=True)

    second = shell(DEFAULT_BOOK, first_run=demo)
    with qtbot.waitSignal(second.window.households.loaded, timeout=20_000) as loaded:
        second.start()
    assert asked == [str(default)]
    assert loaded.args == [45]
    if os.name == "posix":
        assert (mode(default), mode(default.parent)) == (0o600, 0o700)


def test_a_file_that_is_not_a_book_is_reported_not_crashed(
    qtbot, shell, tmp_path, no_dialogs
) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    app = shell(shell_args(path))
    with qtbot.waitSignal(app.startup.failed, timeout=10_000):
        app.start()
    assert app.window.creche_label.text() == "No book open"
    assert not app.window.tabs.isEnabled()
    assert len(no_dialogs) == 1
    kind, text = no_dialogs[0]
    assert kind == "warning"
    assert "Could not open the book" in text
    assert "not a database" in text


def test_back_up_book_writes_the_whole_book_to_one_file(
    qtbot, shell, demo_book_path, tmp_path
) -> None:
    import json
    import zipfile

    app = shell(shell_args(demo_book_path))
    with qtbot.waitSignal(app.window.households.loaded, timeout=10_000):
        app.start()
    target = tmp_path / "backup.zip"
    app.window.ask_backup_path = lambda _parent: target
    with qtbot.waitSignal(app.window.backed_up, timeout=20_000) as done:
        app.window._backup()
    assert done.args[0].path == target
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert "book.sqlite" in names
    assert manifest
    assert mode(target) == 0o600
    assert "Backed up the book" in app.window.statusBar().currentMessage()
