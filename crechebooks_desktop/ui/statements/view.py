"""The Statements tab: every household's balance by age, and the chosen one's statement.

Two pages behind a "Statements | Arrears" switch. Statements: the period
(the last full month at first), a filter and a search over the households
with their balance, aging and credit at the period's end; beside them the
chosen household's statement as its PDF pages, ready to print or save, and
"Save all as PDFs…" for the filtered list. Arrears: ``arrears_view``. All
reading, rendering and writing runs on the database thread.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.common.errors import log_bug, report
from crechebooks_desktop.ui.common.tables import list_table
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace
from crechebooks_desktop.ui.statements import jobs, reminder_summary
from crechebooks_desktop.ui.statements.actions import StatementActions, choice_label
from crechebooks_desktop.ui.statements.arrears_view import ArrearsView
from crechebooks_desktop.ui.statements.jobs import HouseholdRow, ListScreen, StatementChoice
from crechebooks_desktop.ui.statements.model import (
    FILTERS,
    Column,
    HouseholdsModel,
    HouseholdsProxy,
)
from crechebooks_desktop.ui.statements.period_picker import PeriodPicker
from crechebooks_desktop.ui.statements.periods import Dates
from crechebooks_desktop.ui.statements.preview import StatementPreview
from crechebooks_desktop.ui.statements.reminders_dialog import RemindersDialog

PREVIEW_DELAY_MS = 150
"""Wait this long after the selection settles before rendering (arrow keys held down)."""
_LOOK = """
QLabel#previewHeading { font-weight: bold; color: #1a365d; }
QLabel#previewNote { color: #718096; font-size: 11pt; padding: 24px; }
QLabel#sectionTitle { font-weight: bold; color: #2d3748; padding-top: 4px; }
QLabel#listSummary, QLabel#arrearsSummary { color: #4a5568; }
QLabel#actionLine { color: #22543d; font-weight: bold; }
QPushButton#mode { padding: 5px 18px; }
QPushButton#mode:checked { background: #2b6cb0; color: #ffffff; border-color: #2b6cb0; }
"""


class StatementsView(QWidget):
    """Households' statements for a period, and the arrears.

    Signals:
        loaded(object): the households list was (re)loaded; its ``jobs.ListScreen``.
        preview_ready(int): the chosen statement is shown; its page count.
        message(str): a short note of what was just done (for the status bar).
    """

    loaded = Signal(object)
    preview_ready = Signal(int)
    message = Signal(str)

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self._sized = False
        self._asked = 0
        self._preview_asked = 0
        self._keep: tuple[str | None, int] = (None, 0)
        self._previewed: StatementChoice | None = None
        self.reminders_dialog: RemindersDialog | None = None
        self.shown = ListScreen(Dates(today, today, ""), ())
        self.setStyleSheet(_LOOK)
        self.model = HouseholdsModel(self)
        self.proxy = HouseholdsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = list_table(self.proxy, Column.REF)
        self.picker = PeriodPicker(today)
        self.arrears = ArrearsView(session, today)
        self.preview = StatementPreview()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._statements_page())
        self.pages.addWidget(self.arrears)
        layout = QVBoxLayout(self)
        layout.addLayout(self._mode_switch())
        layout.addWidget(self.pages, 1)
        self.commands = StatementActions(self, session)
        self._connect()
        self._update_buttons()

    # -- building ---------------------------------------------------------------------------

    def _mode_switch(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.modes = QButtonGroup(self)
        for n, name in enumerate(("Statements", "Arrears")):
            button = QPushButton(name)
            button.setCheckable(True)
            button.setChecked(n == 0)
            button.setObjectName("mode")
            self.modes.addButton(button, n)
            row.addWidget(button)
        self.modes.idClicked.connect(self.show_page)
        row.addSpacing(16)
        row.addWidget(self.picker)
        row.addStretch(1)
        return row

    def show_page(self, index: int) -> None:
        """0: the statements; 1: the arrears (which have their own day, not a period)."""
        self.modes.button(index).setChecked(True)
        self.pages.setCurrentIndex(index)
        self.picker.setVisible(index == 0)

    def _statements_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._filters())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._preview_side())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        bottom = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("listSummary")
        self.action_line = QLabel()
        self.action_line.setObjectName("actionLine")
        self.save_all_button = QPushButton("Save all as PDFs…")
        self.save_all_button.setToolTip("Save the statement of every household in the list")
        bottom.addWidget(self.summary)
        bottom.addSpacing(16)
        bottom.addWidget(self.action_line, 1)
        bottom.addWidget(self.save_all_button)
        layout.addLayout(bottom)
        return page

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.filter = QComboBox()
        for label, shows in FILTERS:
            self.filter.addItem(label, shows)
        self.filter.setMinimumContentsLength(18)
        self.proxy.set_filter(self.filter.currentData())
        self.search = QLineEdit(placeholderText="Search account, parent, child, e-mail…")
        self.search.setClearButtonEnabled(True)
        row.addWidget(QLabel("Show"))
        row.addWidget(self.filter)
        row.addWidget(self.search, 1)
        return row

    def _preview_side(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel("No household chosen")
        self.heading.setObjectName("previewHeading")
        self.child = QComboBox()
        self.child.setMinimumContentsLength(18)
        self.child.setToolTip("The whole household, or one child's invoices and payments")
        self.open_items = QCheckBox("Open items only")
        self.open_items.setToolTip("Only what is still owed at the end date, invoice by invoice")
        options = QHBoxLayout()
        options.addWidget(QLabel("For"))
        options.addWidget(self.child, 1)
        options.addWidget(self.open_items)
        self.print_button = QPushButton("Print…")
        self.save_button = QPushButton("Save PDF…")
        self.email_button = QPushButton("E-mail…")
        self.reminders_button = QPushButton("Reminders…")
        self.email_button.setToolTip(
            "E-mail the chosen household's statement, or the whole list's; "
            "with no SMTP server set, they are written for printing"
        )
        self.reminders_button.setEnabled(False)  # until the book is open
        self.reminders_button.setToolTip(
            "Who is due a payment reminder on a day, and who is not and why; send them"
        )
        buttons = QHBoxLayout()
        for button in (
            self.print_button,
            self.save_button,
            self.email_button,
            self.reminders_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addWidget(self.heading)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.preview, 1)
        return side

    def _connect(self) -> None:
        self.preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self._render_preview)
        self.picker.changed.connect(lambda _dates: self.reload())
        self.filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.search.textChanged.connect(self._on_search)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._row_changed())
        self.child.activated.connect(lambda _i: self._options_changed())
        self.open_items.toggled.connect(lambda _on: self._options_changed())
        self.print_button.clicked.connect(self.commands.print_statement)
        self.save_button.clicked.connect(self.commands.save_statement)
        self.save_all_button.clicked.connect(self.commands.save_all)
        self.email_button.clicked.connect(self.commands.email_statements)
        self.reminders_button.clicked.connect(self.open_reminders)
        self._session.changes_applied.connect(self._on_changes)
        self._session.workplace_changed.connect(self._on_workplace)

    # -- loading ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Load (again) if the book changed while the tab was hidden."""
        super().showEvent(event)
        if not self._sized:
            # The list's eight columns first; the page beside it, readable at A4 width.
            self._sized = True
            width = max(self.splitter.width(), 900)
            self.splitter.setSizes([round(width * 0.7), round(width * 0.3)])
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """Read every household's figures for the period; keep the chosen household."""
        if self._session.workplace is None:
            self._stale = True
            return
        self._stale = False
        current = self.selected_row()
        if current is not None:
            self._keep = (current.ref, self.current_position())
        self._asked += 1
        asked, dates = self._asked, self.picker.dates()
        self._session.query(
            lambda book, w: jobs.load_list(book, w, dates),
            lambda screen: self._show(screen) if asked == self._asked else None,
            lambda exc: report(self, exc, "read the households' statements"),
        )

    def style_(self) -> MoneyStyle:
        """The creche's money style."""
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _show(self, screen: ListScreen) -> None:
        self.shown = screen
        self._previewed = None  # the figures may have changed: render again
        self.model.set_rows(screen.rows, self.style_())
        self._fit_columns()
        self._update_counts()
        ref, position = self._keep
        self._place(ref, position)
        if self.proxy.rowCount() == 0:
            self._row_changed()
        self._update_buttons()
        self.loaded.emit(screen)

    def _fit_columns(self) -> None:
        """Money columns as wide as their figures; the parent's name takes what is left."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)

    def _update_counts(self) -> None:
        rows = self.model.rows()
        for index, (label, shows) in enumerate(FILTERS):
            self.filter.setItemText(index, f"{label} ({sum(1 for r in rows if shows(r))})")
        self._update_summary()

    def _update_summary(self) -> None:
        shown = self.proxy.shown_rows()
        style = self.style_()
        owed = sum(r.balance_cents for r in shown if r.balance_cents > 0)
        credit = sum(r.credit_cents for r in shown)
        self.summary.setText(
            f"{len(shown)} of {self.model.rowCount()} households · owed "
            f"{format_rands(owed, style)} · credit held {format_rands(credit, style)} · "
            f"at {self.shown.dates.last:%d %b %Y}"
        )
        self.save_all_button.setEnabled(bool(shown) and self._may_read())

    # -- selection --------------------------------------------------------------------------

    def selected_row(self) -> HouseholdRow | None:
        """The household chosen in the list, if any."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.row_value(self.proxy.mapToSource(index).row())

    def current_position(self) -> int:
        """The chosen row's place in the filtered list (0 when none)."""
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else 0

    def proxy_row_of(self, ref: str) -> int | None:
        """The row of the filtered list showing this household, if shown."""
        row = self.model.row_of(ref)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index.row() if index.isValid() else None

    def select_household(self, ref: str) -> bool:
        """Choose this household, if the filter shows it."""
        row = self.proxy_row_of(ref)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        """Make ``row`` of the filtered list the chosen one."""
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))

    def _place(self, ref: str | None, position: int) -> None:
        """Choose the same household again, or the one now at its place: never back to the top."""
        count = self.proxy.rowCount()
        if count == 0:
            return
        row = self.proxy_row_of(ref) if ref else None
        self.select_row(row if row is not None else min(position, count - 1))

    def _filter_changed(self) -> None:
        current = self.selected_row()
        self.proxy.set_filter(self.filter.currentData())
        self._after_filtering(current)

    def _on_search(self, text: str) -> None:
        current = self.selected_row()
        self.proxy.set_search(text)
        self._after_filtering(current)

    def _after_filtering(self, current: HouseholdRow | None) -> None:
        self._place(current.ref if current else None, 0)
        self._update_summary()
        if self.selected_row() is None:
            self._row_changed()

    def _row_changed(self) -> None:
        row = self.selected_row()
        self._fill_children(row)
        self._update_buttons()
        self._schedule_preview()

    def _fill_children(self, row: HouseholdRow | None) -> None:
        keep = self.child.currentData()
        self.child.clear()
        self.child.addItem("The whole household", None)
        for child in row.children if row else ():
            self.child.addItem(f"{child.name} ({child.ref})", child.ref)
        self.child.setCurrentIndex(max(self.child.findData(keep), 0) if keep else 0)
        self._options_enabled()

    def _options_enabled(self) -> None:
        # An open-items statement is the household's (the service refuses a child's).
        one_child = self.child.currentData() is not None
        self.open_items.setEnabled(not one_child)
        if one_child and self.open_items.isChecked():
            self.open_items.setChecked(False)

    def _options_changed(self) -> None:
        self._options_enabled()
        self._schedule_preview()

    # -- the statement ----------------------------------------------------------------------

    def choice(self) -> StatementChoice | None:
        """The statement chosen: household, child or not, open items or not, the period."""
        row = self.selected_row()
        if row is None:
            return None
        child = self.child.currentData()
        return StatementChoice(
            row.ref, self.shown.dates, child, self.open_items.isChecked() and child is None
        )

    def previewed_pdf(self, choice: StatementChoice) -> bytes | None:
        """The preview's PDF if it shows ``choice``."""
        return self.preview.pdf if choice == self._previewed else None

    def _schedule_preview(self) -> None:
        choice = self.choice()
        if choice is None:
            self._preview_asked += 1  # a result on its way is no longer wanted
            self._previewed = None
            self.heading.setText("No household chosen")
            self.preview.clear(
                "No household in this list." if not self.proxy.rowCount()
                else "Choose a household to see its statement."
            )  # fmt: skip
            return
        self.heading.setText(choice_label(choice))
        if choice == self._previewed:
            return
        self.preview_timer.start()

    def _render_preview(self) -> None:
        choice = self.choice()
        if choice is None:
            return
        self._preview_asked += 1
        asked = self._preview_asked
        if self.preview.pdf is None:
            self.preview.say("Preparing the statement…")
        self._session.query(
            lambda book, w: jobs.statement_pdf(book, w, choice),
            lambda pdf: self._show_preview(asked, choice, pdf),
            lambda exc: self._preview_failed(asked, exc),
        )

    def _show_preview(self, asked: int, choice: StatementChoice, pdf: bytes) -> None:
        if asked != self._preview_asked or choice != self.choice():
            return  # the user moved on; a newer statement is coming
        pages = self.preview.show_pdf(pdf)
        self._previewed = choice if pages else None
        self.preview_ready.emit(pages)

    def _preview_failed(self, asked: int, error: BaseException) -> None:
        if asked != self._preview_asked:
            return
        self._previewed = None
        if isinstance(error, UserFacingError):
            self.preview.clear(f"The statement cannot be shown: {error}.")
        else:
            log_bug(error)
            self.preview.clear(
                f"The statement cannot be shown because of a fault in CrecheBooks "
                f"({type(error).__name__}); details are in the crash log."
            )
        self.preview_ready.emit(0)

    # -- state ------------------------------------------------------------------------------

    def _may_send(self) -> bool:
        workplace = self._session.workplace
        return workplace is not None and workplace.actor.can(Permission.POST_MONEY)

    def _may_read(self) -> bool:
        workplace = self._session.workplace
        return workplace is not None and workplace.actor.can(Permission.READ)

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None and self._may_read()
        for widget in (self.print_button, self.save_button, self.child, self.open_items):
            widget.setEnabled(chosen)
        self.email_button.setEnabled(chosen and self._may_send())
        if chosen:
            self._options_enabled()
        self.save_all_button.setEnabled(self.proxy.rowCount() > 0 and self._may_read())

    def open_reminders(self) -> RemindersDialog:
        """Open the reminders dialog (not blocking: the window stays responsive behind it)."""
        if self.reminders_dialog is not None:
            self.reminders_dialog.deleteLater()  # a fresh one each time: today's, the book's now
        dialog = RemindersDialog(self._session, jobs.today(), self)
        dialog.sent.connect(lambda result: self.say(reminder_summary.said(result, dialog.day())[0]))
        self.reminders_dialog = dialog
        dialog.open()
        return dialog

    def say(self, text: str) -> None:
        """Show what was just done, here and in the status bar."""
        self.action_line.setText(text)
        self.message.emit(text)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.ledger or changes.invoices or changes.roster or changes.settings:
            self._stale = True
            if self.isVisible():
                self.reload()

    def _on_workplace(self, _workplace: Workplace) -> None:
        self.reminders_button.setEnabled(self._may_read())
        self._stale = True
        self._keep = (None, 0)
        if self.isVisible():
            self.reload()
