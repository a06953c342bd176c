"""The Administration menu (issue 13): Settings, Users, Bank accounts, Fee structures; admins only.

The menu is hidden for a bookkeeper or an owner-viewer (the services refuse
them besides), and shown when an administrator signs in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.admin.bank_accounts_dialog import BankAccountsDialog
from crechebooks_desktop.ui.admin.settings_dialog import SettingsDialog
from crechebooks_desktop.ui.admin.users_dialog import UsersDialog
from crechebooks_desktop.ui.fees.dialog import FeesDialog
from crechebooks_desktop.ui.ops import BookSession, Workplace


def add_admin_menu(window: QMainWindow, session: BookSession) -> QMenu:
    """Add the Administration menu to ``window``'s menu bar; returns it (hidden until an admin)."""
    menu = window.menuBar().addMenu("&Administration")
    menu.setObjectName("administrationMenu")

    def opener(make: Callable[[], QDialog]) -> Callable[[], None]:
        def open_dialog() -> None:
            dialog = make()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        return open_dialog

    today = dt.date.today()  # noqa: DTZ011 - the book's business date is local
    for text, make in (
        ("&Settings…", lambda: SettingsDialog(session, window)),
        ("&Users…", lambda: UsersDialog(session, window)),
        ("&Bank accounts…", lambda: BankAccountsDialog(session, today, window)),
        ("&Fee structures…", lambda: FeesDialog(session, today, window)),
    ):
        action = QAction(text, window)
        action.triggered.connect(opener(make))
        menu.addAction(action)

    def show_for(workplace: Workplace) -> None:
        menu.menuAction().setVisible(workplace.actor.can(Permission.MANAGE_SETTINGS))

    menu.menuAction().setVisible(False)
    session.workplace_changed.connect(show_for)
    return menu
