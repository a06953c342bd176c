"""The Households tab: search box, sortable table and totals; a household's children below.

Administrators add and edit households, children and enrolments here, and
record charges (``actions.RosterActions``); every change is a service on the
database thread, as on the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.households import jobs
from crechebooks_desktop.ui.households.actions import RosterActions
from crechebooks_desktop.ui.households.detail import HouseholdDetailPanel
from crechebooks_desktop.ui.households.model import Column, HouseholdTableModel
from crechebooks_desktop.ui.households.offboarding import OffboardingDialog
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.roster import StoredHousehold


def load_households(book: Book, workplace: Workplace) -> list[HouseholdSummary]:
    """Runs on the database thread: every household of the creche."""
    from crechebooks_desktop.services.roster.household_view import household_summaries  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return household_summaries(uow)


class HouseholdsView(QWidget):
    """Lists the creche's households with their balances; reloads on roster/ledger changes.

    Signals:
        loaded(int): rows were (re)loaded; the number of households.
        detail_loaded(int): the chosen household's children were (re)loaded; its id.
    """

    loaded = Signal(int)
    detail_loaded = Signal(int)

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = HouseholdTableModel(self)
        self.proxy = RawSortFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText="Search name, account, child, phone…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.table = list_table(self.proxy, Column.ACCOUNT)
        self.summary = QLabel()
        self.summary.setObjectName("summaryLine")
        self.detail = HouseholdDetailPanel()
        self.roster = RosterActions(
            session, self, self.detail, self.selected_household, self._saved
        )
        self.roster.attach_menus(self.table)
        self._chosen: int | None = None  # the household whose children are shown
        self._pending: tuple[str, int] | None = None  # the child or enrolment just saved
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self._add_offboarding()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.roster.row)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._choose())
        self.detail.selection_changed.connect(self.roster.update)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(lambda _w: self.reload())
        self.roster.update()

    def reload(self) -> None:
        """Fetch the households again (in the background)."""
        self._session.query(load_households, self._show)

    def _show(self, rows: list[HouseholdSummary]) -> None:
        workplace = self._session.workplace
        style = MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA
        self.model.set_rows(rows, style)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            Column.CHILDREN, QHeaderView.ResizeMode.Stretch
        )
        self._update_summary(style)
        self._reselect()
        self.roster.update()
        self.end_button.setEnabled(self.table.currentIndex().isValid())
        self.loaded.emit(len(rows))

    # -- the chosen household ------------------------------------------------------------

    def selected_household(self) -> StoredHousehold | None:
        """The household whose children are shown (when they have been read)."""
        screen = self.roster.screen
        return screen.detail.household if screen is not None else None

    def select_household(self, household_id: int) -> None:
        """Choose a household in the list (its children load below)."""
        for row in range(self.proxy.rowCount()):
            value = self.model.row_value(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            if value.id == household_id:
                self.table.selectRow(row)
                return

    def _reselect(self) -> None:
        if self._chosen is not None:
            self.select_household(self._chosen)
            self._load_detail(self._chosen)

    def _choose(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        household = self.model.row_value(self.proxy.mapToSource(index).row())
        if household.id != self._chosen:
            self._chosen = household.id
            self._load_detail(household.id)

    def _load_detail(self, household_id: int) -> None:
        def show(screen: jobs.DetailScreen) -> None:
            if screen.detail.household.id != self._chosen:
                return  # another household was chosen meanwhile
            self.roster.screen = screen
            self.detail.show_detail(screen.detail)
            if self._pending is not None:
                self.detail.select(*self._pending)
                self._pending = None
            self.roster.update()
            self.detail_loaded.emit(household_id)

        self._session.query(lambda book, w: jobs.load_detail(book, w, household_id), show)

    def _saved(self, kind: str, row_id: int) -> None:
        """After a change: choose what was saved once the tab has reloaded."""
        if kind == "household":
            self._chosen = row_id
        else:
            self._pending = (kind, row_id)

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        workplace = self._session.workplace
        self._update_summary(
            MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA
        )

    def _update_summary(self, style: MoneyStyle) -> None:
        outstanding, credit, _balance = self.model.totals()
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        count = f"{total} households" if shown == total else f"{shown} of {total} households"
        self.summary.setText(
            f"{count}   ·   outstanding {format_rands(outstanding, style)}"
            f"   ·   credit {format_rands(credit, style)}"
        )

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.roster or changes.ledger or changes.invoices or changes.settings:
            self.reload()

    # ------------------------------------------------------------------ offboarding (issue 13)

    def _add_offboarding(self) -> None:
        self.end_button = QPushButton("End enrolment…")
        self.end_button.setEnabled(False)
        self.end_button.clicked.connect(self.open_offboarding)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.end_button.setEnabled(current.isValid())
        )
        # At the end of the roster's buttons, before their closing stretch.
        self.roster.row.insertWidget(self.roster.row.count() - 1, self.end_button)

    def open_offboarding(self) -> OffboardingDialog | None:
        """Open the offboarding dialog for the selected household (None when none is)."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.model.row_value(self.proxy.mapToSource(index).row())
        dialog = OffboardingDialog(self._session, row.account_ref, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
