"""Form pieces the dialogs share: dates, error labels, OK/Cancel, fields with their messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book


def date_edit(day: dt.date, display: str = "dd MMM yyyy") -> QDateEdit:
    """A date field with a calendar pop-up, showing ``day``."""
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(display)
    return edit


def day_of(edit: QDateEdit) -> dt.date:
    """The date a date field holds."""
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


def error_label() -> QLabel:
    """Where a dialog says what is wrong with its input."""
    label = QLabel()
    label.setObjectName("formError")
    label.setWordWrap(True)
    return label


def ok_cancel(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel, and a default button named for what it does; connect ``accepted`` yourself."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class FieldForm(QWidget):
    """Labelled fields, each with a line under it saying what is wrong with its value.

    The administrator's dialogs (issue 13) show a service's refusal beside the
    field it is about (``show_problems``), not in a box over the dialog.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = QFormLayout(self)
        self.rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._messages: dict[str, QLabel] = {}

    def add_row(self, key: str, label: str, field: QWidget, hint: str | None = None) -> QWidget:
        """Add ``field`` labelled ``label``; ``key`` names it in ``show_problems``."""
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        if hint:
            note = QLabel(hint)
            note.setObjectName("fieldHint")
            note.setWordWrap(True)
            column.addWidget(note)
        message = error_label()
        message.hide()
        column.addWidget(message)
        self._messages[key] = message
        self.rows.addRow(label, cell)
        return field

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Show each problem beside its field; returns those about no field here."""
        self.clear_problems()
        left = {}
        for key, text in problems.items():
            label = self._messages.get(key)
            if label is None:
                left[key] = text
                continue
            label.setText(text)
            label.show()
        return left

    def problem(self, key: str) -> str:
        """What is shown as wrong beside the field ``key`` (empty when nothing is)."""
        label = self._messages[key]
        return label.text() if not label.isHidden() else ""

    def clear_problems(self) -> None:
        """Hide every field's message."""
        for label in self._messages.values():
            label.clear()
            label.hide()


class FormDialog(QDialog):
    """A dialog of fields with an error line and Cancel / a named OK button.

    Subclasses add their widgets to ``body`` and implement ``submit``; while a
    change runs on the database thread ``set_busy`` keeps OK from being
    pressed twice, and ``show_failure`` says what went wrong in the dialog,
    which stays open with what was typed.
    """

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.body = QVBoxLayout(self)
        self.error = error_label()
        self.error.hide()  # no gap above the buttons while there is nothing to say
        buttons, self.ok = ok_cancel(self, ok_text)
        buttons.accepted.connect(self.submit)
        self._buttons = buttons

    def finish_layout(self) -> None:
        """Put the error line and the buttons under what the subclass added."""
        self.body.addWidget(self.error)
        self.body.addWidget(self._buttons)

    def submit(self) -> None:
        """Check what was typed and save it (OK was pressed)."""
        raise NotImplementedError

    def say(self, text: str) -> None:
        """Show ``text`` in the error line (blank hides it)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        """Keep OK from being pressed while a change runs."""
        self.ok.setEnabled(not busy)

    def show_failure(self, error: BaseException, doing: str) -> None:
        """A refusal in the error line (the dialog stays open); a bug is reported."""
        self.set_busy(False)
        if isinstance(error, UserFacingError):
            self.say(str(error))
            return
        report(self, error, doing)


class ChangeDialog(FormDialog):
    """A ``FieldForm`` whose OK runs one change on the database thread, then closes.

    A refusal is said in the dialog, which stays open with what was typed.

    Signals:
        changed(object): the change's result (the dialog then closes).
    """

    changed = Signal(object)

    def __init__(
        self,
        session: BookSession,
        title: str,
        ok_text: str,
        changes: Changes,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, ok_text, parent)
        self._session = session
        self._changes = changes
        self.form = FieldForm()
        self.body.addWidget(self.form)

    def run(self, change: Callable[[Book, Workplace], object], doing: str) -> None:
        """Run ``change`` as a mutation; on success close, on refusal say why and stay."""
        self.say("")
        self.set_busy(True)
        self._session.mutate(
            change,
            self._changes,
            self,
            self._finished,
            lambda exc: self.show_failure(exc, doing),
        )

    def _finished(self, result: object) -> None:
        self.changed.emit(result)
        self.accept()
