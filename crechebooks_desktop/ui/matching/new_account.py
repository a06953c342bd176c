"""A new bank account to import into: its name and bank (from the import dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from crechebooks_desktop.domain.bank import Bank
from crechebooks_desktop.ui.common.forms import error_label, ok_cancel

BANK_NAMES = {
    "fnb": "FNB",
    "absa": "ABSA",
    "standard-bank": "Standard Bank",
    "nedbank": "Nedbank",
    "capitec": "Capitec",
    "generic": "Generic",
    "other": "Other",
}


class NewAccountDialog(QDialog):
    """A bank account's name and bank."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New bank account")
        self.name = QLineEdit(placeholderText="e.g. Cheque account")
        self.bank = QComboBox()
        for bank in Bank:
            self.bank.addItem(BANK_NAMES[bank.value], bank.value)
        self.error = error_label()
        self.result_value: tuple[str, str] | None = None
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Bank", self.bank)
        buttons, _ok = ok_cancel(self, "Add account")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(380, self.sizeHint().height())

    def _accept(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self.error.setText("Name: give the account a name.")
            return
        self.result_value = (name, str(self.bank.currentData()))
        self.accept()
