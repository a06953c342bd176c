"""File > Import: the roster, fee structures and opening balances (issue 13)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from crechebooks_desktop.ui.ops import BookSession
from crechebooks_desktop.ui.roster_import.dialogs import (
    BalancesImportDialog,
    FeesImportDialog,
    RosterImportDialog,
)


def add_import_menu(file_menu: QMenu, window: QMainWindow, session: BookSession) -> QMenu:
    """Add the Import submenu to ``file_menu``; returns it.

    Everyone sees it (a file can be checked by any role); the dialogs import
    only for a role that may, as the services decide.
    """
    menu = file_menu.addMenu("&Import")
    menu.setObjectName("importMenu")

    def opener(make: Callable[[], QDialog]) -> Callable[[], None]:
        def open_dialog() -> None:
            dialog = make()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        return open_dialog

    for text, make in (
        ("&Roster…", lambda: RosterImportDialog(session, window)),
        ("&Fee structures…", lambda: FeesImportDialog(session, window)),
        ("&Opening balances…", lambda: BalancesImportDialog(session, window)),
    ):
        action = QAction(text, window)
        action.triggered.connect(opener(make))
        menu.addAction(action)
    return menu
