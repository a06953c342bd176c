"""What the administrator's list dialogs (users, bank accounts) share: saying what happened.

A line under the list says what the last change did, in grey, or why it was
refused, in the error colour; change dialogs open through ``open_dialog`` so
tests can drive them without a modal loop.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QWidget


class AdminListDialog(QDialog):
    """A list of things an administrator changes, with a line saying what happened.

    Signals:
        message(str): what the last change did, or why it was refused.
    """

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.said = QLabel()
        self.message.connect(self._say)

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
