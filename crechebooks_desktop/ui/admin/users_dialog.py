"""The Users dialog (issue 13): list, add, change a role, disable or enable, reset a password.

A user is never deleted (the audit log names them): disabling stops them
signing in to this creche and can be undone. Every change is the service the
command line uses (``services.admin.users``), with its checks and messages: nobody
disables or demotes themself, and the creche keeps an active administrator.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from crechebooks_desktop.domain.roles import Permission, Role
from crechebooks_desktop.ui.admin import jobs
from crechebooks_desktop.ui.admin.list_dialog import AdminListDialog
from crechebooks_desktop.ui.common.forms import ChangeDialog, FieldForm
from crechebooks_desktop.ui.common.table_model import RowTableModel
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.repositories.tenancy import UserValue
    from crechebooks_desktop.services.admin.users import AddedUser, SetUpCode
    from crechebooks_desktop.ui.ops import Workplace

_USERS_CHANGED = Changes()
ROLE_NAMES = {
    Role.ADMIN: "Administrator",
    Role.BOOKKEEPER: "Bookkeeper",
    Role.OWNER_VIEWER: "Owner (views only)",
}
_GREY = QBrush(QColor("#a0aec0"))


class Column(enum.IntEnum):
    """The users table's columns."""

    USERNAME = 0
    FULL_NAME = 1
    ROLE = 2
    STATUS = 3


class UsersModel(RowTableModel["UserValue"]):
    """The creche's users; a disabled one greyed."""

    columns: ClassVar[type[enum.IntEnum]] = Column
    headers = ("User name", "Full name", "Role", "Status")

    def raw(self, row: UserValue, column: int) -> Any:
        """A cell's value."""
        if column == Column.USERNAME:
            return row.username
        if column == Column.FULL_NAME:
            return row.full_name or ""
        if column == Column.ROLE:
            return ROLE_NAMES.get(row.role, "") if row.role else ""
        return _status(row)

    def search_text(self, row: UserValue) -> str:
        """Name and full name."""
        return f"{row.username} {row.full_name or ''}".lower()

    def foreground(self, row: UserValue, column: int) -> QBrush | None:  # noqa: ARG002
        """Disabled users are grey."""
        return _GREY if row.disabled_at is not None else None


def _status(user: UserValue) -> str:
    if user.disabled_at is not None:
        return f"Disabled since {user.disabled_at:%d %b %Y}"
    if user.has_setup_code:
        return "Awaiting first sign-in with a set-up code"
    return "Active" if user.has_password else "Active (no password yet)"


def code_said(code: SetUpCode) -> str:
    """How the window shows a new set-up code (once: only its hash is kept)."""
    return (
        f"One-time set-up code for {code.username}: {code.code} "
        f"(works until {code.expires_at:%d %b %Y}). Pass it on privately: they sign in once "
        "with it and choose their own password. It is not shown again."
    )


def role_combo(selected: Role | None = None) -> QComboBox:
    """The three roles, by their names in the window."""
    combo = QComboBox()
    for role, text in ROLE_NAMES.items():
        combo.addItem(text, role.value)  # Qt hands a StrEnum back as a plain str
    if selected is not None:
        combo.setCurrentIndex(combo.findData(selected.value))
    return combo


def chosen_role(combo: QComboBox) -> Role:
    """The role chosen in a ``role_combo``."""
    return Role(combo.currentData())


def _password_pair(form: FieldForm, hint: str | None = None) -> tuple[QLineEdit, QLineEdit]:
    first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
    again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
    form.add_row("password", "Password", first, hint)
    form.add_row("again", "Password again", again)
    return first, again


def _typed_password(form: FieldForm, first: QLineEdit, again: QLineEdit) -> str | None:
    """The password typed twice the same, or None (said beside the field)."""
    if first.text() != again.text():
        form.show_problems({"again": "the two passwords differ"})
        return None
    return first.text()


class AddUserDialog(ChangeDialog):
    """User name, full name, role and first password."""

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(session, "Add a user", "Add user", _USERS_CHANGED, parent)
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.role = role_combo(Role.BOOKKEEPER)
        self.form.add_row("username", "User name", self.username, "what they type to sign in")
        self.form.add_row("full_name", "Full name", self.full_name)
        self.form.add_row("role", "Role", self.role)
        self.password, self.again = _password_pair(
            self.form,
            "empty: they get a one-time set-up code and choose their own password with it",
        )
        self.finish_layout()
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        """Add the user through ``users.add_user``."""
        self.form.clear_problems()
        password = _typed_password(self.form, self.password, self.again)
        if password is None:
            return
        new = jobs.NewUser(
            self.username.text(), self.full_name.text().strip() or None,
            chosen_role(self.role), password or None,
        )  # fmt: skip
        self.run(lambda book, w: jobs.add_user(book, w, new), "add the user")


class RoleDialog(ChangeDialog):
    """Another role for one user."""

    def __init__(
        self, session: BookSession, user: UserValue, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, f"Role of {user.username}", "Change role", _USERS_CHANGED, parent)
        self.username = user.username
        self.role = role_combo(user.role)
        self.form.add_row("role", "Role", self.role)
        self.finish_layout()

    def submit(self) -> None:
        """Change the role through ``users.change_role``."""
        role, name = chosen_role(self.role), self.username
        self.run(lambda book, w: jobs.change_role(book, w, name, role), "change the role")


class PasswordDialog(ChangeDialog):
    """A new password for one user, typed twice."""

    def __init__(
        self, session: BookSession, user: UserValue, parent: QWidget | None = None
    ) -> None:
        title = f"New password for {user.username}"
        super().__init__(session, title, "Set password", _USERS_CHANGED, parent)
        self.username = user.username
        self.password, self.again = _password_pair(self.form)
        self.finish_layout()

    def submit(self) -> None:
        """Set it through ``users.reset_password``."""
        self.form.clear_problems()
        password = _typed_password(self.form, self.password, self.again)
        if password is None:
            return
        name = self.username
        self.run(lambda book, w: jobs.reset_password(book, w, name, password), "reset the password")


class UsersDialog(AdminListDialog):
    """The creche's users, with the changes an administrator makes to them.

    Signals:
        loaded(int): the users were read (how many).
        message(str): what the last change did, or why it was refused.
    """

    listing = "read the users"

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Users")
        self.add_button = QPushButton("Add user…")
        self.role_button = QPushButton("Change role…")
        self.disable_button = QPushButton("Disable")
        self.enable_button = QPushButton("Enable")
        self.password_button = QPushButton("Reset password…")
        self.code_button = QPushButton("New set-up code")
        self.code_button.setToolTip(
            "Their password stops working; they choose a new one with the code"
        )
        self.code_button.clicked.connect(self.issue_code)
        self.add_button.clicked.connect(lambda: self.open_change(AddUserDialog(session, self)))
        self.role_button.clicked.connect(lambda: self._with_user(RoleDialog))
        self.password_button.clicked.connect(lambda: self._with_user(PasswordDialog))
        self.disable_button.clicked.connect(lambda: self.set_disabled(disabled=True))
        self.enable_button.clicked.connect(lambda: self.set_disabled(disabled=False))
        self.build(
            UsersModel(self),
            "Users are never deleted, since the audit log names them: disable one instead.",
            (
                self.add_button, self.role_button, self.password_button, self.code_button,
                self.disable_button, self.enable_button,
            ),
        )  # fmt: skip
        self.resize(720, 360)
        self.reload()

    def key(self, row: UserValue) -> str:
        """A user's name."""
        return row.username

    def load(self) -> Callable[[Book, Workplace], list[UserValue]]:
        """The creche's users, disabled ones too."""
        return jobs.users

    def selected_user(self) -> UserValue | None:
        """The user chosen in the table."""
        chosen: UserValue | None = self.selected()
        return chosen

    def select_user(self, username: str) -> None:
        """Choose a user in the table."""
        self.select(username)

    def update_buttons(self) -> None:
        """Enable what the user's role and the selection allow."""
        workplace = self._session.workplace
        may = workplace is not None and workplace.actor.can(Permission.MANAGE_SETTINGS)
        user = self.selected_user()
        chosen = may and user is not None
        disabled = user is not None and user.disabled_at is not None
        self.add_button.setEnabled(may)
        self.role_button.setEnabled(chosen)
        self.password_button.setEnabled(chosen)
        self.code_button.setEnabled(chosen and not disabled)
        self.disable_button.setEnabled(chosen and not disabled)
        self.enable_button.setEnabled(chosen and disabled)
        if not may:
            self.note.setText("Only an administrator can change the creche's users.")

    def _with_user(self, dialog: Callable[[BookSession, UserValue, QWidget], ChangeDialog]) -> None:
        user = self.selected_user()
        if user is not None:
            self.open_change(dialog(self._session, user, self))

    def changed(self, result: UserValue | AddedUser) -> None:
        """Say who was saved (and a new user's set-up code), and read the users again."""
        from crechebooks_desktop.services.admin.users import AddedUser as Added  # noqa: PLC0415

        if isinstance(result, Added):
            user, code = result.user, result.setup_code
        else:
            user, code = result, None
        role = ROLE_NAMES[user.role] if user.role else "no role"
        said = f"Saved {user.username}: {role}, {_status(user)[0].lower()}{_status(user)[1:]}."
        self.message.emit(f"{said} {code_said(code)}" if code else said)
        self.reload(user.username)

    def issue_code(self) -> None:
        """Give the selected user a new set-up code, through the service."""
        user = self.selected_user()
        if user is None:
            return
        name = user.username

        def issued(code: SetUpCode) -> None:
            self.message.emit(code_said(code))
            self.reload(name)

        self._session.mutate(
            lambda book, w: jobs.issue_setup_code(book, w, name),
            _USERS_CHANGED,
            self,
            issued,
            lambda exc: self._refused(exc, f"give {name} a set-up code"),
        )

    def set_disabled(self, *, disabled: bool) -> None:
        """Disable (or enable) the selected user, through the service."""
        user = self.selected_user()
        if user is None:
            return
        name = user.username
        doing = "disable" if disabled else "enable"
        self._session.mutate(
            lambda book, w: jobs.set_disabled(book, w, name, disabled=disabled),
            _USERS_CHANGED,
            self,
            self.changed,
            lambda exc: self._refused(exc, f"{doing} {name}"),
        )
