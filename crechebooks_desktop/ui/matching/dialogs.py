"""Dialogs of the Matching tab: split a line, park it with a note, choose a household, confirm.

They only collect input: the tab runs the services with what they return.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyError, MoneyStyle, format_rands, parse_rands
from crechebooks_desktop.ui.common.forms import error_label, ok_cancel

MAX_PARTS = 9


def confirm(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    """Ask before a bulk change; True when the user agrees (tests replace this)."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    agree = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(agree)
    box.exec()
    return box.clickedButton() is agree


def _plain(cents: int, style: MoneyStyle) -> str:
    """An amount as typed into a field: no currency sign."""
    return format_rands(cents, style).removeprefix("R ").removeprefix("R")


class SplitDialog(QDialog):
    """Parts of a bank line that must add up to it (a fee taken off, two families in one).

    The first part starts as the whole amount and the second as nothing; as
    the user types, the last line says what is still to assign.
    """

    def __init__(self, amount_cents: int, style: MoneyStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Split bank line")
        self.amount_cents = amount_cents
        self.style_ = style
        self.parts: list[QLineEdit] = []
        self._form = QFormLayout()
        self._form.addRow("Line amount", QLabel(format_rands(amount_cents, style)))
        self.add_button = QPushButton("Add part")
        self.add_button.clicked.connect(lambda: self.add_part(0))
        self.left = QLabel()
        self.error = error_label()
        self.result_value: list[int] | None = None
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
        self.add_part(amount_cents)
        self.add_part(0)
        self.resize(380, self.sizeHint().height())

    def add_part(self, cents: int) -> QLineEdit:
        """Another amount field (at most nine)."""
        edit = QLineEdit(_plain(cents, self.style_))
        edit.textChanged.connect(lambda _t: self._update())
        self.parts.append(edit)
        self._form.addRow(f"Part {len(self.parts)}", edit)
        self.add_button.setEnabled(len(self.parts) < MAX_PARTS)
        self._update()
        return edit

    def _amounts(self) -> list[int]:
        """The parts typed, in cents; blank and zero parts (not filled in yet) are left out.

        Raises:
            MoneyError: a part is not an amount, or is less than zero.
        """
        amounts = []
        for n, edit in enumerate(self.parts, start=1):
            if not edit.text().strip():
                continue
            try:
                cents = parse_rands(edit.text())
            except MoneyError as exc:
                raise MoneyError(f"Part {n}: {exc}") from None
            if cents < 0:
                raise MoneyError(f"Part {n}: type an amount more than zero (or leave it blank)")
            if cents:
                amounts.append(cents)
        return amounts

    def _update(self) -> None:
        self.error.clear()
        try:
            amounts = self._amounts()
        except MoneyError as exc:
            self.left.setText("")
            self.ok.setEnabled(False)
            self.error.setText(str(exc))
            return
        left = self.amount_cents - sum(amounts)
        if left == 0:
            self.left.setText("Adds up" if len(amounts) > 1 else "Give at least two parts")
        else:
            self.left.setText(f"Still to assign: {format_rands(left, self.style_)}")
        self.ok.setEnabled(left == 0 and len(amounts) > 1)

    def _accept(self) -> None:
        try:
            amounts = self._amounts()
        except MoneyError as exc:
            self.error.setText(str(exc))
            return
        if len(amounts) < 2:  # noqa: PLR2004
            self.error.setText("A split needs at least two parts.")
            return
        if sum(amounts) != self.amount_cents:
            self.error.setText(
                f"The parts add up to {format_rands(sum(amounts), self.style_)}, not "
                f"{format_rands(self.amount_cents, self.style_)}."
            )
            return
        self.result_value = amounts
        self.accept()


class _AskOne(QDialog):
    """A dialog that asks for one thing: an intro, one field, an error line, OK/Cancel.

    Subclasses build the field and say, in ``_value``, what it holds or what is wrong.
    """

    def __init__(
        self,
        title: str,
        intro: str,
        label: str,
        field: QWidget,
        ok_text: str,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.error = error_label()
        self.result_value: str | None = None
        text = QLabel(intro)
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow(label, field)
        buttons, _ok = ok_cancel(self, ok_text)
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _value(self) -> tuple[str | None, str]:
        """(the value, or None and what to say about the field)."""
        raise NotImplementedError

    def _accept(self) -> None:
        value, problem = self._value()
        if value is None:
            self.error.setText(problem)
            return
        self.result_value = value
        self.accept()


class ParkDialog(_AskOne):
    """Why the line is set aside (ask the parent, wait for a remittance)."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        self.note = QLineEdit(placeholderText="e.g. Asked Mrs Dlamini which child this is for")
        self.note.setMinimumWidth(420)
        super().__init__(
            "Park bank line",
            f"Set aside {what} to come back to later.",
            "Note",
            self.note,
            "Park",
            parent,
        )

    def _value(self) -> tuple[str | None, str]:
        text = " ".join(self.note.text().split())
        return (text or None), "Note: say why the line is parked."


class HouseholdDialog(_AskOne):
    """Accept a line for a household chosen by hand (none was suggested, or not the right one)."""

    def __init__(
        self, what: str, refs: Sequence[str], suggested: str | None, parent: QWidget | None = None
    ) -> None:
        self.household = QComboBox()
        self.household.setEditable(True)
        self.household.addItems(list(refs))
        if suggested:
            self.household.setCurrentText(suggested)
        super().__init__(
            "Accept for a household",
            f"Whose payment is {what}?",
            "Household",
            self.household,
            "Accept",
            parent,
        )

    def _value(self) -> tuple[str | None, str]:
        ref = self.household.currentText().strip()
        return (ref or None), "Household: choose one."
