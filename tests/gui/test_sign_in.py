"""Signing in to a creche in the window, with real password checks on the book."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.services.creches import init_creche
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.setup.sign_in import Credentials, SignInDialog, SignInRequest
from tests.gui.conftest import shell_args


def _book_with_admin(path: Path, password: str | None) -> None:
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        init_creche(
            uow, NewCreche(name="Little Acorns", admin_username="thandi", admin_password=password)
        )
    book.close()


@pytest.fixture
def signing_shell(qtbot):
    shells: list[Shell] = []

    def build(path: Path, answers: list[Credentials | None]) -> tuple[Shell, list[SignInRequest]]:
        shell = Shell(shell_args(path), interactive=False)
        asked: list[SignInRequest] = []

        def prompt(request: SignInRequest) -> Credentials | None:
            asked.append(request)
            return answers.pop(0)

        shell.startup._sign_in = prompt
        qtbot.addWidget(shell.window)
        shells.append(shell)
        return shell, asked

    yield build
    for shell in shells:
        shell.stop()


def test_wrong_password_asks_again_then_right_one_signs_in(qtbot, signing_shell, tmp_path) -> None:
    path = tmp_path / "book.sqlite"
    _book_with_admin(path, "s3cret")
    shell, asked = signing_shell(
        path, [Credentials("thandi", "guess", False), Credentials("thandi", "s3cret", False)]
    )
    with qtbot.waitSignal(shell.startup.ready, timeout=10_000):
        shell.start()
    assert [r.error for r in asked] == [None, "wrong user name or password"]
    assert asked[0].users == (("thandi", True),)
    assert asked[0].preselect == "thandi"
    assert shell.window.user_label.text() == "thandi (admin)"


def test_first_sign_in_without_a_password_sets_one(qtbot, signing_shell, tmp_path) -> None:
    path = tmp_path / "book.sqlite"
    _book_with_admin(path, None)
    shell, asked = signing_shell(path, [Credentials("thandi", "chosen", True)])
    with qtbot.waitSignal(shell.startup.ready, timeout=10_000):
        shell.start()
    assert asked[0].users == (("thandi", False),)
    book, _ = Book.open(settings_for(str(path)))
    with book.read() as uow:
        user = uow.users.by_username("thandi")
        actions = [r.action for r in uow.audit.latest(None)]
    book.close()
    assert user is not None
    assert user.has_password
    assert "user.set_password" in actions


def test_cancelling_sign_in_cancels_start_up(qtbot, signing_shell, tmp_path) -> None:
    path = tmp_path / "book.sqlite"
    _book_with_admin(path, "pw")
    shell, _asked = signing_shell(path, [None])
    with qtbot.waitSignal(shell.startup.cancelled, timeout=10_000):
        shell.start()


def test_dialog_asks_a_new_user_to_repeat_the_password(qtbot) -> None:
    dialog = SignInDialog(SignInRequest("Little Acorns", (("thandi", False), ("sipho", True))))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.password_again.isVisible()
    qtbot.keyClicks(dialog.password, "one")
    qtbot.keyClicks(dialog.password_again, "two")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.credentials is None
    assert dialog.error.text() == "The two passwords differ."
    dialog.user.setCurrentText("sipho")
    assert not dialog.password_again.isVisible()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.credentials == Credentials("sipho", "one", False)


def test_dialog_shows_the_earlier_error(qtbot) -> None:
    dialog = SignInDialog(SignInRequest("X", (("a", True),), error="wrong user name or password"))
    qtbot.addWidget(dialog)
    assert dialog.error.text() == "wrong user name or password"
