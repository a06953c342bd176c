"""The dialog a new, empty book opens with: set up a creche, or try the demo."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.creche import SETTING_KEYS, NewCreche


@dataclass(frozen=True, slots=True)
class FirstRunChoice:
    """What the user chose: a new creche, or the demo creche."""

    new_creche: NewCreche | None
    demo: bool


class FirstRunDialog(QDialog):
    """Asks for the creche's name, VAT details and first administrator.

    Input is checked here with the same rules the services apply, so the
    dialog only closes with values that will be accepted.
    """

    def __init__(self, book_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up your creche")
        self.choice: FirstRunChoice | None = None
        intro = QLabel(
            f"<b>This book is new.</b><br>{book_name}<br><br>"
            "Tell us about your creche, or explore the demo creche first."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(placeholderText="e.g. Little Acorns Educare")
        self.vat_number = QLineEdit(placeholderText="blank if not VAT-registered")
        self.prices_include_vat = QCheckBox("Fees include VAT")
        self.prices_include_vat.setChecked(True)
        self.sibling_discounts = QLineEdit(placeholderText="e.g. 0,10,15 (percent by child)")
        self.due_day = QSpinBox(minimum=1, maximum=28, value=7)
        self.admin_user = QLineEdit("admin")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Creche name", self.name)
        form.addRow("VAT number", self.vat_number)
        form.addRow("", self.prices_include_vat)
        form.addRow("Sibling discounts", self.sibling_discounts)
        form.addRow("Invoices due on day", self.due_day)
        form.addRow("Administrator", self.admin_user)
        form.addRow("Password", self.password)
        form.addRow("Password again", self.password_again)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(
            "Create creche", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.demo_button = QPushButton("Open the demo creche instead")
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.create_button.clicked.connect(self._create)
        self.demo_button.clicked.connect(self._demo)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _create(self) -> None:
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            return
        self.choice = FirstRunChoice(
            NewCreche(
                name=self.name.text(),
                vat_number=self.vat_number.text(),
                prices_include_vat="yes" if self.prices_include_vat.isChecked() else "no",
                sibling_discounts=self.sibling_discounts.text(),
                due_day=str(self.due_day.value()),
                admin_username=self.admin_user.text(),
                admin_password=self.password.text(),
            ),
            demo=False,
        )
        self.accept()

    def _demo(self) -> None:
        self.choice = FirstRunChoice(None, demo=True)
        self.accept()

    def _problem(self) -> str | None:
        checks = {
            "name": self.name.text(),
            "vat_number": self.vat_number.text(),
            "sibling_discounts": self.sibling_discounts.text(),
        }
        labels = {
            "name": "Creche name",
            "vat_number": "VAT number",
            "sibling_discounts": "Sibling discounts",
        }
        for key, text in checks.items():
            try:
                SETTING_KEYS[key](text)
            except ValueError as exc:
                return f"{labels[key]}: {exc}"
        if not self.admin_user.text().strip():
            return "Administrator: a user name is needed"
        if not self.password.text():
            return "Password: choose a password for the administrator"
        if self.password.text() != self.password_again.text():
            return "Password: the two passwords differ"
        return None


__all__ = ["FirstRunChoice", "FirstRunDialog"]
