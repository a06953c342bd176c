"""What the administrator's list dialogs (users, bank accounts, fees) share.

A list read off the GUI thread that keeps its chosen row across reloads, a row
of buttons under it, a note, a line saying what the last change did (in grey)
or why it was refused (in the error colour), and Close. Change dialogs open
through ``open_dialog`` so tests can drive them without a modal loop; a saved
change reaches ``changed`` and the list is read again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.ui.common.tables import picker_table

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.ui.common.forms import ChangeDialog
    from crechebooks_desktop.ui.common.table_model import RowTableModel
    from crechebooks_desktop.ui.ops import BookSession, Workplace


class AdminListDialog(QDialog):
    """A list of things an administrator changes, with a line saying what happened.

    Subclasses call ``build`` once their buttons exist, and give ``key`` (a
    row's name, to keep it chosen), ``load`` (the read, on the database thread),
    ``changed`` (what a saved change says) and ``update_buttons``.

    Signals:
        loaded(int): the rows were read (how many).
        message(str): what the last change did, or why it was refused.
    """

    loaded = Signal(int)
    message = Signal(str)
    listing = "read the list"
    """What the read is called in a refusal ("Could not read the users: ...")."""

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.said = QLabel()
        self.said.setObjectName("summaryLine")
        self.said.setWordWrap(True)
        self.message.connect(self._say)

    def build(
        self,
        model: RowTableModel[Any],
        note: str,
        buttons: Sequence[QPushButton],
        below: Sequence[QWidget] = (),
    ) -> None:
        """The table over ``model``, the buttons, ``below`` widgets, the note and Close."""
        self.model = model
        self.table = picker_table(model)
        self.note = QLabel(note)
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        for button in buttons:
            button.setAutoDefault(False)  # Enter in the list opens nothing by surprise
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        for widget in below:
            layout.addWidget(widget)
        layout.addWidget(self.note)
        layout.addWidget(self.said)
        layout.addWidget(close)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.selection_changed())

    # -- what a subclass says --------------------------------------------------------------

    def key(self, row: Any) -> str:
        """The row's name, by which it stays chosen across reloads."""
        raise NotImplementedError

    def load(self) -> Callable[[Book, Workplace], list[Any]]:
        """The read of the rows, run on the database thread."""
        raise NotImplementedError

    def changed(self, result: Any) -> None:
        """Say what a saved change did, and read the list again."""
        raise NotImplementedError

    def update_buttons(self) -> None:
        """Enable what the user's role and the selection allow."""
        raise NotImplementedError

    def selection_changed(self) -> None:
        """Another row was chosen (or the list was read again)."""
        self.update_buttons()

    # -- shared ------------------------------------------------------------------------------

    def money_style(self) -> MoneyStyle:
        """The creche's way of writing amounts."""
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def reload(self, select: str | None = None) -> None:
        """Read the rows again, keeping ``select`` (or the chosen row) chosen."""
        chosen = select or (self.key(row) if (row := self.selected()) is not None else None)

        def show(rows: list[Any]) -> None:
            self.model.set_rows(rows, self.money_style())
            self.table.resizeColumnsToContents()
            keys = [self.key(r) for r in rows]
            self.table.selectRow(keys.index(chosen) if chosen in keys else 0)
            self.selection_changed()
            self.loaded.emit(len(rows))

        self._session.query(self.load(), show, lambda exc: self._refused(exc, self.listing))

    def selected(self) -> Any | None:
        """The row chosen in the table."""
        index = self.table.currentIndex()
        return self.model.row_value(index.row()) if index.isValid() else None

    def select(self, key: str) -> None:
        """Choose the row named ``key``."""
        self.table.selectRow([self.key(r) for r in self.model.rows()].index(key))

    def open_change(self, dialog: ChangeDialog) -> None:
        """Open a change dialog whose saved change is said, and the list read again."""
        dialog.changed.connect(self.changed)
        self.open_dialog(dialog)

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a change dialog (tests replace this to drive it)."""
        dialog.open()

    def _say(self, text: str) -> None:
        """What happened in grey; a refusal ("Could not ...") in the error colour."""
        self.said.setObjectName("formError" if text.startswith("Could not") else "summaryLine")
        self.said.style().unpolish(self.said)
        self.said.style().polish(self.said)
        self.said.setText(text)

    def _refused(self, error: BaseException, doing: str) -> None:
        from crechebooks_desktop.errors import UserFacingError  # noqa: PLC0415
        from crechebooks_desktop.ui.common.errors import report  # noqa: PLC0415

        if isinstance(error, UserFacingError):
            self.message.emit(f"Could not {doing}: {error}")
        else:
            report(self, error, doing)
