"""The selected invoice's notes: the office's own text, edited in the detail pane (issue 16).

The widget only edits: the tab saves through the database thread when
``save_requested`` fires and hands the outcome back with :meth:`saved`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.notes import NOTE_LIMIT


class InvoiceNotes(QWidget):
    """A multi-line field for one invoice's notes, with a Save button enabled when changed.

    Signals:
        save_requested(str, str): the invoice number and the notes to save.
    """

    save_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._number: str | None = None
        self._saved = ""  # what the book holds, as the field shows it
        self._sending: str | None = None
        self._editable = True
        self._too_long = False
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Anything the office should remember about this invoice")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._on_text)
        self.save_button = QPushButton("Save notes")
        self.save_button.clicked.connect(self._save)
        self.status = QLabel()
        self.status.setObjectName("notesStatus")
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Notes for the office (not printed on the invoice)"))
        layout.addWidget(self.editor, 1)
        layout.addLayout(row)
        self.clear()

    def clear(self) -> None:
        """No invoice selected: nothing to edit."""
        self._number = None
        self._saved = ""
        self._sending = None
        self.editor.setPlainText("")
        self.status.clear()
        self._update()

    def set_editable(self, editable: bool) -> None:
        """Whether the user may change notes (an owner-viewer only reads them)."""
        self._editable = editable
        self.editor.setReadOnly(not editable)
        self._update()

    def show_notes(self, number: str, notes: str | None) -> None:
        """Show an invoice's notes as the book holds them.

        The same invoice read again (the list reloaded) keeps what the user has
        typed and not saved yet; only what counts as saved moves.
        """
        same = number == self._number
        unsaved = self.is_changed()
        self._number = number
        self._saved = notes or ""
        if not same:
            self._sending = None  # a save still running is for the invoice left behind
            self.status.clear()  # "Notes saved." stays while its invoice is read again
        if not (same and unsaved) and self.editor.toPlainText() != self._saved:
            self.editor.setPlainText(self._saved)
        self._update()

    def saved(self, number: str, notes: str | None, changed: bool) -> None:
        """The book holds ``notes`` for ``number`` now (the tidied text the service kept)."""
        if number.upper() != (self._number or "").upper():
            return  # another invoice was selected while it saved
        typed_since = self.editor.toPlainText() != self._sending
        self._sending = None
        self._saved = notes or ""
        if not typed_since:
            self.editor.setPlainText(self._saved)
        if not changed:
            self.status.setText("Notes unchanged.")
        else:
            self.status.setText("Notes saved." if notes else "Notes cleared.")
        self._update()

    def failed(self) -> None:
        """The save was refused (the tab shows why); the typed text stays to correct."""
        self._sending = None
        self.status.setText("Not saved.")
        self._update()

    def text(self) -> str:
        """The notes as typed."""
        return self.editor.toPlainText()

    def is_changed(self) -> bool:
        """The field differs from what the book holds."""
        return self._number is not None and self.editor.toPlainText() != self._saved

    def _save(self) -> None:
        if self._number is None or not self.is_changed():
            return
        self._sending = self.editor.toPlainText()
        self.status.setText("Saving…")
        self._update()
        self.save_requested.emit(self._number, self._sending)

    def _on_text(self) -> None:
        length = len(self.editor.toPlainText())
        self.editor.setToolTip(f"{length} of at most {NOTE_LIMIT} characters")
        too_long = length > NOTE_LIMIT
        if too_long:
            self.status.setText(f"{length} characters: notes hold at most {NOTE_LIMIT}.")
        elif self._sending is None and (self._too_long or self.is_changed()):
            self.status.clear()  # "Notes saved." no longer describes the field
        self._too_long = too_long
        self._update()

    def _update(self) -> None:
        self.editor.setEnabled(self._number is not None)
        self.save_button.setEnabled(self._editable and self._sending is None and self.is_changed())
