"""Signing in to a creche: choose who you are, prove it (issue 13).

A user with a password types it. A user an administrator added without one
types the one-time set-up code they were given and chooses a password. The
book's only user, made by ``crechebooks init`` without a password, chooses one
here the first time. Nobody else gets in without a secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

# How each user signs in (the names of ``services.admin.sign_in.Way``).
PASSWORD = "PASSWORD"  # noqa: S105 - a way of signing in, not a password
SETUP_CODE = "SETUP_CODE"
NO_PASSWORD_YET = "NO_PASSWORD_YET"  # noqa: S105 - likewise
LOCKED = "LOCKED"
# The book's only user, without a password, acting with no person there to choose
# one (``--screenshot``); never offered by the dialog.
AS_SOLE_USER = "AS_SOLE_USER"


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the user typed; ``way`` says which of password, code or first password."""

    username: str
    password: str
    way: str = PASSWORD
    code: str = ""


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """What the dialog shows: the creche, its users and how each signs in, any failure."""

    creche_name: str
    users: tuple[tuple[str, str], ...]  # (username, way)
    preselect: str | None = None
    error: str | None = None
    note: str | None = None  # e.g. the demo book's user and password


class SignInDialog(QDialog):
    """Asks who is signing in and for their password (or set-up code)."""

    def __init__(self, request: SignInRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign in — {request.creche_name}")
        self.credentials: Credentials | None = None
        self._ways = dict(request.users)
        self.user = QComboBox()
        self.user.addItems([name for name, _ in request.users])
        if request.preselect in self._ways:
            self.user.setCurrentText(request.preselect)
        self.code = QLineEdit(placeholderText="e.g. K7QD-M2XP-9RTA")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = QLabel(request.error or "")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("User", self.user)
        self.form.addRow("Set-up code", self.code)
        self.form.addRow("Password", self.password)
        self.form.addRow("Password again", self.password_again)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{request.creche_name}</b>"))
        if request.note:
            note = QLabel(request.note)
            note.setObjectName("fieldHint")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.user.currentTextChanged.connect(self._user_changed)
        self._user_changed(self.user.currentText())
        self.resize(420, self.sizeHint().height())

    def way(self) -> str:
        """How the chosen user signs in."""
        return self._ways.get(self.user.currentText(), PASSWORD)

    def _user_changed(self, _name: str) -> None:
        way = self.way()
        self.form.setRowVisible(self.code, way == SETUP_CODE)
        self.form.setRowVisible(self.password, way != LOCKED)
        self.form.setRowVisible(self.password_again, way in {SETUP_CODE, NO_PASSWORD_YET})
        self.form.labelForField(self.password).setText(  # type: ignore[attr-defined]
            "New password" if way in {SETUP_CODE, NO_PASSWORD_YET} else "Password"
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(way != LOCKED)
        self.hint.setText(_HINTS.get(way, ""))
        (self.code if way == SETUP_CODE else self.password).setFocus()

    def _submit(self) -> None:
        way = self.way()
        if way == SETUP_CODE and not self.code.text().strip():
            self.error.setText("Type the set-up code your administrator gave you.")
            return
        if not self.password.text():
            self.error.setText("Type your password.")
            return
        if way != PASSWORD and self.password.text() != self.password_again.text():
            self.error.setText("The two passwords differ.")
            return
        self.credentials = Credentials(
            self.user.currentText(), self.password.text(), way, self.code.text()
        )
        self.accept()


_HINTS = {
    SETUP_CODE: "First sign-in: type the one-time set-up code from your administrator, "
    "and choose your password.",
    NO_PASSWORD_YET: "You have no password yet: choose one now.",
    LOCKED: "This user has no password and no set-up code. An administrator can give "
    "them a set-up code (Admin › Users › New set-up code).",
}
