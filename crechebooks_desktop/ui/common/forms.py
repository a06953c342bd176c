"""Small form pieces the dialogs share: dates, error labels, OK/Cancel buttons."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QLabel, QPushButton


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
