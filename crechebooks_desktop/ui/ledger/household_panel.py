"""The Ledger tab's household side: households on the left, the chosen one's ledger on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.account_statement import AccountLine
from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.households.model import Column, HouseholdTableModel
from crechebooks_desktop.ui.ledger import jobs
from crechebooks_desktop.ui.ledger.household_models import (
    EntryColumn,
    EntryTableModel,
    InvoiceColumn,
    OpenInvoiceTableModel,
)
from crechebooks_desktop.ui.ops import BookSession

if TYPE_CHECKING:
    from crechebooks_desktop.services.ledger.view import HouseholdPosition

_HIDDEN = (Column.CHILDREN, Column.PHONE)


class _Households(HouseholdTableModel):
    """The households list as the Ledger tab shows it: a shorter heading for a narrower column."""

    headers = ("Account", "Parent", "Children", "Phone", "Outstanding", "Credit", "Balance")


class HouseholdLedgerPanel(QWidget):
    """Households with their money position; the selected one's ledger and open invoices.

    Signals:
        loaded(int): the households were (re)loaded; how many.
        position_shown(str): a household's ledger is on screen; its account reference.
    """

    loaded = Signal(int)
    position_shown = Signal(str)

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.households: HouseholdTableModel = _Households(self)
        self.proxy = RawSortFilterProxy(self)
        self.proxy.setSourceModel(self.households)
        self.entries = EntryTableModel(self)
        self.entries_proxy = RawSortFilterProxy(self)
        self.entries_proxy.setSourceModel(self.entries)
        self.invoices = OpenInvoiceTableModel(self)
        self.invoices_proxy = RawSortFilterProxy(self)
        self.invoices_proxy.setSourceModel(self.invoices)
        splitter = QSplitter()
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_right())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.clear_position()

    # -- building ---------------------------------------------------------------------------

    def _build_left(self) -> QWidget:
        self.search = QLineEdit(placeholderText="Search name or account…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.table = list_table(self.proxy, Column.ACCOUNT)
        for column in _HIDDEN:
            self.table.setColumnHidden(column, True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.summary = QLabel()
        self.summary.setObjectName("summaryLine")
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        return left

    def _build_right(self) -> QWidget:
        self.heading = QLabel()
        self.heading.setObjectName("detailHeading")
        self.position_line = QLabel()
        self.position_line.setObjectName("positionLine")
        self.entry_table = list_table(self.entries_proxy, EntryColumn.DATE)
        self.invoices_label = QLabel("Open invoices")
        self.invoices_label.setObjectName("sectionHeading")
        self.invoice_table = list_table(self.invoices_proxy, InvoiceColumn.DUE)
        for table, stretch in (
            (self.entry_table, EntryColumn.DESCRIPTION),
            (self.invoice_table, InvoiceColumn.NUMBER),
        ):
            table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.invoices_label)
        lower_layout.addWidget(self.invoice_table)
        parts = QSplitter(Qt.Orientation.Vertical)
        parts.addWidget(self.entry_table)
        parts.addWidget(lower)
        parts.setStretchFactor(0, 3)
        parts.setStretchFactor(1, 1)
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(4, 0, 0, 0)
        # Heading and figures on lines of their own: they never widen the panel.
        layout.addWidget(self.heading)
        layout.addWidget(self.position_line)
        layout.addWidget(parts, 1)
        return right

    # -- households -------------------------------------------------------------------------

    def money_style(self) -> MoneyStyle:
        """The creche's way of writing money."""
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def reload(self) -> None:
        """Fetch the households again (in the background), keeping the selection."""
        keep = self.selected_household()
        self._session.query(
            jobs.households,
            lambda rows: self._show_households(rows, keep.account_ref if keep else None),
        )

    def _show_households(self, rows: list[HouseholdSummary], keep: str | None) -> None:
        self.households.set_rows(rows, self.money_style())
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            Column.PARENT, QHeaderView.ResizeMode.Stretch
        )
        self._update_summary()
        self.loaded.emit(len(rows))
        if keep is None or not self.select_household(keep):
            self.clear_position()

    def select_household(self, account_ref: str) -> bool:
        """Select the household with this reference, if it is listed; whether it was."""
        for row, household in enumerate(self.households.rows()):
            if household.account_ref == account_ref:
                index = self.proxy.mapFromSource(self.households.index(row, 0))
                if not index.isValid():
                    return False
                already = self.table.selectionModel().currentIndex().row() == index.row()
                self.table.selectRow(index.row())  # shows its ledger (currentRowChanged)
                self.table.scrollTo(index)
                if already:
                    self._selected()  # the row did not change, so show it again here
                return True
        return False

    def selected_household(self) -> HouseholdSummary | None:
        """The household in the current row, if any."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.households.row_value(self.proxy.mapToSource(index).row())

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_summary()

    def _update_summary(self) -> None:
        outstanding, credit, _balance = self.households.totals()
        shown, total = self.proxy.rowCount(), self.households.rowCount()
        count = f"{total} households" if shown == total else f"{shown} of {total} households"
        style = self.money_style()
        self.summary.setText(
            f"{count}   ·   outstanding {format_rands(outstanding, style)}"
            f"   ·   credit {format_rands(credit, style)}"
        )

    # -- the selected household -------------------------------------------------------------

    def selected_entry(self) -> AccountLine | None:
        """The ledger line in the current row, if any."""
        index = self.entry_table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.entries.row_value(self.entries_proxy.mapToSource(index).row())

    def _selected(self) -> None:
        household = self.selected_household()
        if household is None:
            self.clear_position()
            return
        ref = household.account_ref
        self._session.query(
            lambda book, w: jobs.position(book, w, ref),
            lambda found: self._show_position(household, found),
            lambda exc: report(self, exc, f"show the ledger of {ref}"),
        )

    def clear_position(self) -> None:
        """Nothing selected: empty tables and a hint."""
        self.heading.setText("Choose a household")
        self.position_line.setText("")
        self.entries.set_rows([], self.money_style())
        self.invoices.set_rows([], self.money_style())
        self.invoices_label.setText("Open invoices")

    def _show_position(self, household: HouseholdSummary, found: HouseholdPosition) -> None:
        current = self.selected_household()
        if current is None or current.account_ref != found.account_ref:
            return  # the selection moved on while this was read
        style = self.money_style()
        self.heading.setText(f"{household.account_ref} — {household.parent_name}")
        self.position_line.setText(
            f"balance {format_rands(household.balance_cents, style)}"
            f"   ·   outstanding {format_rands(household.outstanding_cents, style)}"
            f"   ·   credit {format_rands(household.credit_cents, style)}"
        )
        self.entries.set_rows(found.entries, style)
        self.invoices.set_rows(found.open_invoices, style)
        count = len(found.open_invoices)
        self.invoices_label.setText(
            f"Open invoices: {count}, {format_rands(self.invoices.totals(), style)} due"
            if count
            else "Open invoices: none"
        )
        _fit(self.entry_table, EntryColumn.DESCRIPTION)
        _fit(self.invoice_table, InvoiceColumn.NUMBER)
        self.entry_table.scrollToBottom()  # the latest entry and balance first in sight
        self.position_shown.emit(found.account_ref)


def _fit(table: QTableView, stretch: int) -> None:
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
