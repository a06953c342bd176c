"""Signing in to a creche in the window, with real password checks on the book."""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.users import add_user
from crechebooks_desktop.services.demo.creche import DEMO_NAME, create_demo_creche
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell
from crechebooks_desktop.ui.setup.sign_in import (
    LOCKED,
    NO_PASSWORD_YET,
    PASSWORD,
    SETUP_CODE,
    Credentials,
    SignInDialog,
    SignInRequest,
)
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
        path, [Credentials("thandi", "guess"), Credentials("thandi", "s3cret")]
    )
    with qtbot.waitSignal(shell.startup.ready, timeout=10_000):
        shell.start()
    assert [r.error for r in asked] == [None, "wrong user name or password"]
    assert asked[0].users == (("thandi", PASSWORD),)
    assert asked[0].preselect == "thandi"
    assert shell.window.user_label.text() == "thandi (admin)"


def test_first_sign_in_without_a_password_sets_one(qtbot, signing_shell, tmp_path) -> None:
    path = tmp_path / "book.sqlite"
    _book_with_admin(path, None)
    shell, asked = signing_shell(path, [Credentials("thandi", "chosen", NO_PASSWORD_YET)])
    with qtbot.waitSignal(shell.startup.ready, timeout=10_000):
        shell.start()
    assert asked[0].users == (("thandi", NO_PASSWORD_YET),)
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
    dialog = SignInDialog(
        SignInRequest("Little Acorns", (("thandi", NO_PASSWORD_YET), ("sipho", PASSWORD)))
    )
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
    assert dialog.credentials == Credentials("sipho", "one", PASSWORD)


def test_dialog_shows_the_earlier_error(qtbot) -> None:
    dialog = SignInDialog(
        SignInRequest("X", (("a", PASSWORD),), error="wrong user name or password")
    )
    qtbot.addWidget(dialog)
    assert dialog.error.text() == "wrong user name or password"


def test_a_new_user_needs_the_set_up_code_to_get_in(qtbot, signing_shell, tmp_path) -> None:
    """Reaching the dialog first claims nothing: a wrong code is refused and audited."""
    path = tmp_path / "book.sqlite"
    _book_with_admin(path, "s3cret")
    book, _ = Book.open(settings_for(str(path)))
    with book.write(1) as uow:
        admin = uow.users.by_username("thandi", 1)
        from crechebooks_desktop.services.admin.users import acting_user

        added = add_user(uow, acting_user(uow, 1, "thandi"), "sipho", Role.BOOKKEEPER, None)
    book.close()
    assert admin is not None
    assert added.setup_code is not None
    code = added.setup_code.code
    shell, asked = signing_shell(
        path,
        [
            Credentials("sipho", "mine", SETUP_CODE, "AAAA-BBBB-CCCC"),
            Credentials("sipho", "mine", SETUP_CODE, code),
        ],
    )
    with qtbot.waitSignal(shell.startup.ready, timeout=10_000):
        shell.start()
    assert dict(asked[0].users) == {"thandi": PASSWORD, "sipho": SETUP_CODE}
    assert [r.error for r in asked] == [None, "wrong user name or set-up code"]
    assert shell.window.user_label.text() == "sipho (bookkeeper)"
    book, _ = Book.open(settings_for(str(path)))
    with book.read() as uow:
        sipho = uow.users.by_username("sipho")
        actions = [(r.action, r.username) for r in uow.audit.latest(None)]
    book.close()
    assert sipho is not None
    assert (sipho.has_password, sipho.has_setup_code) == (True, False)
    assert ("sign_in.refused", "sipho") in actions
    assert ("user.first_sign_in", "sipho") in actions


def test_dialog_asks_for_the_code_and_a_new_password(qtbot) -> None:
    dialog = SignInDialog(
        SignInRequest("X", (("sipho", SETUP_CODE), ("zola", LOCKED), ("ann", PASSWORD)))
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.code.isVisible()
    assert dialog.password_again.isVisible()
    qtbot.keyClicks(dialog.password, "new")
    qtbot.keyClicks(dialog.password_again, "new")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.credentials is None
    assert dialog.error.text() == "Type the set-up code your administrator gave you."
    qtbot.keyClicks(dialog.code, "k7qd m2xp 9rta")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.credentials == Credentials("sipho", "new", SETUP_CODE, "k7qd m2xp 9rta")
    dialog.user.setCurrentText("zola")  # no password and no code: no way in here
    assert not dialog.password.isVisible()
    assert "An administrator can give them a set-up code" in dialog.hint.text()


def test_the_demo_books_sign_in_says_its_user_and_password(qtbot, signing_shell, tmp_path) -> None:
    path = tmp_path / "demo.sqlite"
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        create_demo_creche(uow, dt.date(2026, 11, 21))
    book.close()
    shell, asked = signing_shell(path, [Credentials("admin", "demo")])
    with qtbot.waitSignal(shell.startup.ready, timeout=20_000):
        shell.start()
    assert asked[0].creche_name == DEMO_NAME
    assert asked[0].note == ("This is the demo book: sign in as admin with the password demo.")
    dialog = SignInDialog(asked[0])
    qtbot.addWidget(dialog)
    assert dialog.findChild(type(dialog.hint), "fieldHint").text() == asked[0].note
