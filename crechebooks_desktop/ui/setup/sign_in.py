"""Signing in to a creche: choose who you are, type your password.

A user without a password (an administrator made by ``crechebooks init``
without one) chooses one here the first time.
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


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the user typed; ``new_password`` when they chose their first one."""

    username: str
    password: str
    new_password: bool


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """What the dialog shows: the creche, its users, and any earlier failure."""

    creche_name: str
    users: tuple[tuple[str, bool], ...]  # (username, has a password)
    preselect: str | None = None
    error: str | None = None


class SignInDialog(QDialog):
    """Asks who is signing in and for their password."""

    def __init__(self, request: SignInRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign in — {request.creche_name}")
        self.credentials: Credentials | None = None
        self._has_password = dict(request.users)
        self.user = QComboBox()
        self.user.addItems([name for name, _ in request.users])
        if request.preselect in self._has_password:
            self.user.setCurrentText(request.preselect)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = QLabel(request.error or "")
        self.error.setObjectName("formError")
        self.form = QFormLayout()
        self.form.addRow("User", self.user)
        self.form.addRow("Password", self.password)
        self.form.addRow("Password again", self.password_again)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{request.creche_name}</b>"))
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.user.currentTextChanged.connect(self._user_changed)
        self._user_changed(self.user.currentText())
        self.password.setFocus()

    def _choosing_first_password(self) -> bool:
        return not self._has_password.get(self.user.currentText(), True)

    def _user_changed(self, _name: str) -> None:
        first = self._choosing_first_password()
        self.form.setRowVisible(self.password_again, first)
        self.hint.setText("You have no password yet: choose one now." if first else "")

    def _submit(self) -> None:
        if not self.password.text():
            self.error.setText("Type your password.")
            return
        first = self._choosing_first_password()
        if first and self.password.text() != self.password_again.text():
            self.error.setText("The two passwords differ.")
            return
        self.credentials = Credentials(self.user.currentText(), self.password.text(), first)
        self.accept()
