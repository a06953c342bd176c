"""Dialogs of the Reconciliation tab: account, split, rule, statement to start, unlock.

They only collect input: the tab runs the services with what they return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.chart import AccountRecord
from crechebooks_desktop.domain.enums import VatType
from crechebooks_desktop.domain.money import MoneyError, MoneyStyle, format_rands, parse_rands
from crechebooks_desktop.ui.common.forms import date_edit, day_of, error_label, ok_cancel

MAX_PARTS = 9
VAT_LABELS = {
    VatType.STANDARD: "Standard rate (15% inside the amount)",
    VatType.ZERO_RATED: "Zero-rated",
    VatType.EXEMPT: "Exempt",
    VatType.NO_VAT: "No VAT",
}


def _vat_box(chosen: VatType) -> QComboBox:
    box = QComboBox()
    for vat, label in VAT_LABELS.items():
        box.addItem(label, vat)
    box.setCurrentIndex(list(VAT_LABELS).index(chosen))
    return box


def _matches(account: AccountRecord, text: str) -> bool:
    """Typed words against the code (its start) and the name (anywhere)."""
    words = text.lower().split()
    return all(account.code.lower().startswith(w) or w in account.name.lower() for w in words)


class CategoriseDialog(QDialog):
    """Choose the account (search by code or name) and the VAT type of a bank line."""

    def __init__(
        self,
        accounts: Sequence[AccountRecord],
        line_text: str,
        amount_cents: int,
        style: MoneyStyle,
        chosen_code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Categorise bank line")
        self.accounts = list(accounts)
        self.search = QLineEdit(placeholderText="Type a code or a name…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.vat = _vat_box(VatType.NO_VAT)
        self.error = error_label()
        self.result_value: tuple[str, VatType] | None = None
        buttons, self.ok = ok_cancel(self, "Categorise")
        buttons.accepted.connect(self._accept)
        form = QFormLayout()
        form.addRow("Line", QLabel(f"{line_text} · {format_rands(amount_cents, style)}"))
        form.addRow("Account", self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.list, 1)
        vat_row = QFormLayout()
        vat_row.addRow("VAT", self.vat)
        layout.addLayout(vat_row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._refill)
        self.search.returnPressed.connect(self._accept)
        self.list.currentItemChanged.connect(lambda *_: self._account_changed())
        self.list.itemDoubleClicked.connect(lambda _item: self._accept())
        self._refill("")
        if chosen_code is not None:
            self.choose(chosen_code)
        self.resize(460, 420)

    def _refill(self, text: str) -> None:
        current = self.chosen()
        self.list.clear()
        for account in self.accounts:
            if _matches(account, text):
                item = QListWidgetItem(account.label)
                item.setData(Qt.ItemDataRole.UserRole, account)
                self.list.addItem(item)
        if not (current and self.choose(current.code)) and self.list.count():
            self.list.setCurrentRow(0)

    def choose(self, code: str) -> bool:
        """Make the account with this code the chosen one, if it is listed."""
        for row in range(self.list.count()):
            account = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if account.code == code:
                self.list.setCurrentRow(row)
                return True
        return False

    def chosen(self) -> AccountRecord | None:
        """The highlighted account."""
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _account_changed(self) -> None:
        account = self.chosen()
        if account is not None:
            self.vat.setCurrentIndex(list(VAT_LABELS).index(account.vat_type))

    def _accept(self) -> None:
        account = self.chosen()
        if account is None:
            self.error.setText("No account matches what you typed.")
            return
        self.result_value = (account.code, VatType(self.vat.currentData()))
        self.accept()


class SplitAcrossDialog(QDialog):
    """A bank line split across accounts: parts that must add up to it."""

    def __init__(
        self,
        accounts: Sequence[AccountRecord],
        amount_cents: int,
        style: MoneyStyle,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Split across accounts")
        self.accounts = list(accounts)
        self.amount_cents = abs(amount_cents)
        self.style_ = style
        self.parts: list[tuple[QComboBox, QLineEdit]] = []
        self._form = QFormLayout()
        self._form.addRow("Line amount", QLabel(format_rands(self.amount_cents, style)))
        self.add_button = QPushButton("Add part")
        self.add_button.clicked.connect(lambda: self.add_part(0))
        self.left = QLabel()
        self.error = error_label()
        self.result_value: list[tuple[str, int]] | None = None
        buttons, self.ok = ok_cancel(self, "Split")
        buttons.accepted.connect(self._accept)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.left)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.add_part(self.amount_cents)
        self.add_part(0)
        self.resize(520, self.sizeHint().height())

    def add_part(self, cents: int) -> tuple[QComboBox, QLineEdit]:
        """Another account and amount (at most nine)."""
        box = QComboBox()
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for account in self.accounts:
            box.addItem(account.label, account.code)
        amount = QLineEdit(format_rands(cents, self.style_).removeprefix("R ") if cents else "")
        amount.textChanged.connect(lambda _t: self._update())
        pair = QHBoxLayout()
        pair.addWidget(box, 3)
        pair.addWidget(amount, 1)
        self.parts.append((box, amount))
        self._form.addRow(f"Part {len(self.parts)}", pair)
        self.add_button.setEnabled(len(self.parts) < MAX_PARTS)
        self._update()
        return box, amount

    def _parts(self) -> list[tuple[str, int]]:
        parts = []
        for n, (box, edit) in enumerate(self.parts, start=1):
            if not edit.text().strip():
                continue
            try:
                cents = parse_rands(edit.text())
            except MoneyError as exc:
                raise MoneyError(f"Part {n}: {exc}") from None
            if cents <= 0:
                raise MoneyError(f"Part {n}: type an amount more than zero (or leave it blank)")
            code = box.currentData()
            if code is None:
                raise MoneyError(f"Part {n}: choose an account from the list")
            parts.append((str(code), cents))
        return parts

    def _update(self) -> None:
        self.error.clear()
        try:
            parts = self._parts()
        except MoneyError as exc:
            self.left.setText("")
            self.ok.setEnabled(False)
            self.error.setText(str(exc))
            return
        left = self.amount_cents - sum(cents for _code, cents in parts)
        self.left.setText(
            "Adds up" if left == 0 else f"{format_rands(left, self.style_)} still to assign"
        )
        self.ok.setEnabled(left == 0 and len(parts) >= 2)  # noqa: PLR2004 - a split has two parts

    def _accept(self) -> None:
        try:
            self.result_value = self._parts()
        except MoneyError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


@dataclass(frozen=True, slots=True)
class RuleInput:
    """A rule as the dialog collected it."""

    name: str
    contains: str
    direction: str | None
    account_code: str
    vat: VatType


class RuleDialog(QDialog):
    """A rule pre-filled from a line: its text, direction and account; the user names it."""

    def __init__(
        self,
        accounts: Sequence[AccountRecord],
        contains: str,
        direction: str | None,
        account_code: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Make a rule from this line")
        self.name = QLineEdit(contains.title()[:100])
        self.contains = QLineEdit(contains)
        self.direction = QComboBox()
        for label, value in (("Money in or out", None), ("Money in", "in"), ("Money out", "out")):
            self.direction.addItem(label, value)
        self.direction.setCurrentIndex([None, "in", "out"].index(direction))
        self.account = QComboBox()
        for account in accounts:
            self.account.addItem(account.label, account)
        self.vat = _vat_box(VatType.NO_VAT)
        self.account.currentIndexChanged.connect(lambda _i: self._account_changed())
        if account_code is not None:
            codes = [a.code for a in accounts]
            if account_code in codes:
                self.account.setCurrentIndex(codes.index(account_code))
        self._account_changed()
        self.error = error_label()
        self.result_value: RuleInput | None = None
        buttons, _ok = ok_cancel(self, "Save rule")
        buttons.accepted.connect(self._accept)
        form = QFormLayout()
        form.addRow("Rule name", self.name)
        form.addRow("When the text contains", self.contains)
        form.addRow("For", self.direction)
        form.addRow("Put it in", self.account)
        form.addRow("VAT", self.vat)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Rules are tried in order; the first that fits a line wins."))
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

    def _account_changed(self) -> None:
        account = self.account.currentData()
        if account is not None:
            self.vat.setCurrentIndex(list(VAT_LABELS).index(account.vat_type))

    def _accept(self) -> None:
        name, contains = self.name.text().strip(), self.contains.text().strip()
        account = self.account.currentData()
        if not name or not contains or account is None:
            self.error.setText("A rule needs a name, the text to look for and an account.")
            return
        self.result_value = RuleInput(
            name,
            contains,
            self.direction.currentData(),
            account.code,
            VatType(self.vat.currentData()),
        )
        self.accept()


class StartDialog(QDialog):
    """The statement to reconcile to: its date and closing balance (blank: the file's)."""

    def __init__(self, day: dt.date, style: MoneyStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reconcile to a statement")
        self.style_ = style
        self.day = date_edit(day)
        self.closing = QLineEdit(placeholderText="as the imported statement says")
        self.error = error_label()
        self.result_value: tuple[dt.date, int | None] | None = None
        buttons, _ok = ok_cancel(self, "Start")
        buttons.accepted.connect(self._accept)
        form = QFormLayout()
        form.addRow("Statement date", self.day)
        form.addRow("Closing balance", self.closing)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(
            "Leave the balance blank to take the one the imported statement carries; "
            "type the figure printed on the statement when it differs."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        text = self.closing.text().strip()
        try:
            cents = parse_rands(text) if text else None
        except MoneyError as exc:
            self.error.setText(f"Closing balance: {exc}")
            return
        self.result_value = (day_of(self.day), cents)
        self.accept()


class UnlockDialog(QDialog):
    """Why a locked period is being opened again (kept in the audit log)."""

    def __init__(self, account: str, through: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock a reconciled period")
        self.reason = QLineEdit(placeholderText="e.g. bank corrected a fee on 28 March")
        self.error = error_label()
        self.result_value: str | None = None
        buttons, _ok = ok_cancel(self, "Unlock")
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        text = QLabel(
            f"{account} is reconciled and locked through {through:%d %B %Y}. Unlocking lets "
            "lines of that period change again; it is recorded with your name and reason."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.reason.text().strip():
            self.error.setText("Say why the period is being unlocked.")
            return
        self.result_value = self.reason.text().strip()
        self.accept()
