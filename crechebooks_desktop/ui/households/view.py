"""The Households tab: search box, sortable table and totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.households.model import Column, HouseholdTableModel
from crechebooks_desktop.ui.households.offboarding import OffboardingDialog
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book


def load_households(book: Book, workplace: Workplace) -> list[HouseholdSummary]:
    """Runs on the database thread: every household of the creche."""
    from crechebooks_desktop.services.households import household_summaries  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return household_summaries(uow)


class HouseholdsView(QWidget):
    """Lists the creche's households with their balances; reloads on roster/ledger changes.

    Signals:
        loaded(int): rows were (re)loaded; the number of households.
    """

    loaded = Signal(int)

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
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.summary)
        self._add_offboarding(top)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(lambda _w: self.reload())

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
        self.end_button.setEnabled(self.table.currentIndex().isValid())
        self.loaded.emit(len(rows))

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

    def _add_offboarding(self, top: QHBoxLayout) -> None:
        self.end_button = QPushButton("End enrolment…")
        self.end_button.setEnabled(False)
        self.end_button.clicked.connect(self.open_offboarding)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.end_button.setEnabled(current.isValid())
        )
        top.addWidget(self.end_button)

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
