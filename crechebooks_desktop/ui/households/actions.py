"""The Households tab's buttons and context menus: add and edit the roster, add a charge.

Each opens a dialog over the chosen household, child or enrolment; a saved
change reloads the tab through ``changes_applied`` and chooses what was saved.
Only a role that may manage the roster gets the roster's buttons, and only one
that may post money the charge's. The row keeps room for more actions (ending
an enrolment) after these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QWidget

from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.households.charge_dialog import ChargeDialog
from crechebooks_desktop.ui.households.child_dialog import ChildDialog
from crechebooks_desktop.ui.households.detail import HouseholdDetailPanel
from crechebooks_desktop.ui.households.enrolment_dialog import EnrolmentDialog
from crechebooks_desktop.ui.households.household_dialog import HouseholdDialog
from crechebooks_desktop.ui.ops import BookSession

if TYPE_CHECKING:
    from crechebooks_desktop.domain.roster import StoredHousehold
    from crechebooks_desktop.ui.households.jobs import DetailScreen
    from crechebooks_desktop.ui.households.roster_dialog import RosterDialog

# (key, button text, permission it needs, what must be chosen)
_ACTIONS = (
    ("add_household", "Add household…", Permission.MANAGE_ROSTER, None),
    ("edit_household", "Edit household…", Permission.MANAGE_ROSTER, "household"),
    ("add_child", "Add child…", Permission.MANAGE_ROSTER, "household"),
    ("edit_child", "Edit child…", Permission.MANAGE_ROSTER, "child"),
    ("add_enrolment", "Enrol…", Permission.MANAGE_ROSTER, "child"),
    ("edit_enrolment", "Edit enrolment…", Permission.MANAGE_ROSTER, "enrolment"),
    ("add_charge", "Add charge…", Permission.POST_MONEY, "child"),
)


class RosterActions:
    """Buttons (in ``row``) and matching context-menu actions over the tab's choices.

    ``saved`` is called with what kind was saved and its id, so the tab can choose it.
    """

    def __init__(
        self,
        session: BookSession,
        owner: QWidget,
        detail: HouseholdDetailPanel,
        household: Callable[[], StoredHousehold | None],
        saved: Callable[[str, int], None],
    ) -> None:
        self._session = session
        self._owner = owner
        self._detail = detail
        self._household = household
        self._saved = saved
        self.screen: DetailScreen | None = None
        self.row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        self.actions: dict[str, QAction] = {}
        for key, text, _permission, _needs in _ACTIONS:
            button = QPushButton(text)
            action = QAction(text.rstrip("…") + "…", owner)
            handler = getattr(self, key)
            button.clicked.connect(lambda _c=False, h=handler: h())
            action.triggered.connect(lambda _c=False, h=handler: h())
            self.row.addWidget(button)
            self.buttons[key], self.actions[key] = button, action
        self.row.addStretch(1)

    def attach_menus(self, table: QWidget) -> None:
        """Right-click menus: the household's actions on the list, the rest on the tree."""
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for key in ("edit_household", "add_child", "add_household"):
            table.addAction(self.actions[key])
        tree = self._detail.tree
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for key in ("edit_child", "add_enrolment", "edit_enrolment", "add_charge"):
            tree.addAction(self.actions[key])

    def update(self) -> None:
        """Enable what the user's role and the current choice allow."""
        workplace = self._session.workplace
        chosen = {
            None: True,
            "household": self.screen is not None and self._household() is not None,
            "child": self.screen is not None and self._detail.selected_child() is not None,
            "enrolment": self.screen is not None and self._detail.selected_enrolment() is not None,
        }
        for key, _text, permission, needs in _ACTIONS:
            may = workplace is not None and workplace.actor.can(permission)
            enabled = may and chosen[needs]
            self.buttons[key].setEnabled(enabled)
            self.actions[key].setEnabled(enabled)
            if workplace is not None and not workplace.actor.can(permission):
                self.buttons[key].setToolTip("Your role may not do this.")

    # -- opening the dialogs ---------------------------------------------------------------

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a change dialog (tests replace this to drive it)."""
        dialog.open()

    def _open(self, dialog: RosterDialog, kind: str, row_id: Callable[[object], int]) -> None:
        dialog.changed.connect(lambda value: self._saved(kind, row_id(value)))
        self.open_dialog(dialog)

    def _today(self) -> dt.date:
        return dt.date.today()  # noqa: DTZ011 - the creche's own calendar day

    def add_household(self) -> None:
        """A new household."""
        self._open(HouseholdDialog(self._session, None, self._owner), "household", _id)

    def edit_household(self) -> None:
        """The chosen household's details."""
        if (household := self._household()) is not None:
            self._open(HouseholdDialog(self._session, household, self._owner), "household", _id)

    def add_child(self) -> None:
        """A new child of the chosen household."""
        if (household := self._household()) is not None:
            ref = household.details.account_ref
            self._open(ChildDialog(self._session, ref, None, self._owner), "child", _id)

    def edit_child(self) -> None:
        """The chosen child's details."""
        household, child = self._household(), self._detail.selected_child()
        if household is not None and child is not None:
            ref = household.details.account_ref
            self._open(ChildDialog(self._session, ref, child, self._owner), "child", _id)

    def add_enrolment(self) -> None:
        """Enrol the chosen child."""
        child = self._detail.selected_child()
        if child is not None and self.screen is not None:
            dialog = EnrolmentDialog(
                self._session, child.details.child_ref, self.screen.fee_names, None,
                self._today(), self._owner,
            )  # fmt: skip
            self._open(dialog, "enrolment", _enrolment_id)

    def edit_enrolment(self) -> None:
        """The chosen enrolment's terms."""
        enrolment = self._detail.selected_enrolment()
        if enrolment is not None and self.screen is not None:
            dialog = EnrolmentDialog(
                self._session, enrolment.child_ref, self.screen.fee_names, enrolment,
                self._today(), self._owner,
            )  # fmt: skip
            self._open(dialog, "enrolment", _enrolment_id)

    def add_charge(self) -> None:
        """A charge for the chosen child."""
        child = self._detail.selected_child()
        if child is not None:
            dialog = ChargeDialog(
                self._session, child.details.child_ref, self._today(), self._owner
            )
            child_id = child.id
            self._open(dialog, "child", lambda _value: child_id)


def _id(value: object) -> int:
    row_id: int = value.id  # type: ignore[attr-defined]
    return row_id


def _enrolment_id(value: object) -> int:
    row_id: int = value.enrolment_id  # type: ignore[attr-defined]
    return row_id
