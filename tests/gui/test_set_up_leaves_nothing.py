"""A book is made only by a finished set-up: cancelled or failed, nothing is left (issue 13)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.setup.first_run import FirstRunChoice, FirstRunDialog
from tests.gui.conftest import shell_args


def _press_cancel_when_asked(seen: list[str]) -> None:
    """Press the real dialog's Cancel button once it is on screen (it runs modally)."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, FirstRunDialog):
        QTimer.singleShot(20, lambda: _press_cancel_when_asked(seen))
        return
    seen.append(dialog.windowTitle())
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel is not None
    cancel.click()


def test_cancelling_the_real_first_run_dialog_leaves_nothing(qtbot, tmp_path: Path) -> None:
    book = tmp_path / "Creche" / "book.sqlite"
    shell = Shell(shell_args(book), interactive=True)
    qtbot.addWidget(shell.window)
    seen: list[str] = []
    try:
        QTimer.singleShot(0, lambda: _press_cancel_when_asked(seen))
        with qtbot.waitSignal(shell.startup.cancelled, timeout=20_000):
            shell.start()
    finally:
        shell.stop()
    assert seen == ["Set up your creche"]
    assert list(tmp_path.iterdir()) == []


def test_a_set_up_the_book_refuses_leaves_nothing(qtbot, tmp_path: Path, no_dialogs) -> None:
    """The file is made, then the creche is refused: the file and its folders go again."""
    book = tmp_path / "Creche" / "book.sqlite"
    shell = Shell(shell_args(book), interactive=False)
    qtbot.addWidget(shell.window)
    refused = FirstRunChoice(NewCreche(name="Acorns", vat_number="12"), demo=False)
    shell.startup._first_run = lambda _name: refused
    try:
        with qtbot.waitSignal(shell.startup.failed, timeout=20_000) as failed:
            shell.start()
    finally:
        shell.stop()
    assert "VAT number" in str(failed.args[0])
    assert [kind for kind, _text in no_dialogs] == ["warning"]
    assert list(tmp_path.iterdir()) == []


def test_a_refused_set_up_keeps_a_book_that_was_there(tmp_path: Path) -> None:
    """Only what the set-up made is taken away: an existing book is only closed."""
    path = tmp_path / "book.sqlite"
    made, _ = Book.open(settings_for(str(path)), create=True)
    assert made.made[0] == path
    made.close()
    again, _ = Book.open(settings_for(str(path)), create=True)
    assert again.made == ()
    assert not again.discard_unfinished()
    assert path.is_file()
