"""The Ledger tab: one household's ledger beside the households, or every household's entries."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.ui.ledger.actions import LedgerActions
from crechebooks_desktop.ui.ledger.all_panel import AllHouseholdsPanel
from crechebooks_desktop.ui.ledger.household_panel import HouseholdLedgerPanel
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

# The switch reads as one control of two segments; the chosen one is filled.
_LOOK = """
QPushButton#segment { padding: 5px 16px; margin: 0; color: #2d3748; }
QPushButton#segment:checked { background: #2b6cb0; color: #ffffff; border-color: #2b6cb0; }
QLabel#detailHeading { font-weight: bold; color: #1a365d; }
QLabel#positionLine { color: #4a5568; }
QLabel#sectionHeading { font-weight: bold; color: #2d3748; padding-top: 4px; }
"""


class LedgerView(QWidget):
    """Switches between the household side and the all-households ledger.

    It loads when first shown and again when the book changes (reloading at
    once if on screen, otherwise the next time it is shown).
    """

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self.by_household = HouseholdLedgerPanel(session)
        self.money_actions = LedgerActions(session, self.by_household, today)
        self.all_households = AllHouseholdsPanel(session)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.by_household)
        self.stack.addWidget(self.all_households)
        self.household_button = self._toggle("By household", 0)
        self.all_button = self._toggle("All households", 1)
        self.household_button.setChecked(True)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        for button in (self.household_button, self.all_button):
            self._group.addButton(button)
        self.setStyleSheet(_LOOK)
        self.actions_bar = QHBoxLayout()
        self.actions_bar.setSpacing(0)
        self.actions_bar.addWidget(self.household_button)
        self.actions_bar.addWidget(self.all_button)
        self.actions_bar.addSpacing(16)
        self.actions_bar.addWidget(self.money_actions, 1)
        self.actions_bar.addStretch()  # takes the room when the actions are hidden
        layout = QVBoxLayout(self)
        layout.addLayout(self.actions_bar)
        layout.addWidget(self.stack, 1)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(self._on_workplace)

    def _toggle(self, text: str, page: int) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setObjectName("segment")
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        button.toggled.connect(lambda on: self._switch(page) if on else None)
        return button

    def _switch(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.money_actions.setVisible(self.stack.currentWidget() is self.by_household)

    def show_all_households(self) -> None:
        """Switch to the all-households ledger."""
        self.all_button.setChecked(True)

    def show_by_household(self) -> None:
        """Switch to the household side."""
        self.household_button.setChecked(True)

    def showEvent(self, event: QShowEvent) -> None:
        """Load (again) if the book changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Read the households, the selected ledger and the all-households count again."""
        self._stale = False
        if self._session.workplace is None:
            self._stale = True
            return
        self.by_household.reload()
        self.all_households.reload()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.ledger or changes.invoices or changes.roster or changes.settings:
            self._mark_stale()

    def _on_workplace(self, _workplace: Workplace) -> None:
        self._mark_stale()

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()
