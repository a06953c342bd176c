"""The main window: tabs, menus and status bar. It only navigates (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop import __version__
from crechebooks_desktop.ui.admin.menu import add_admin_menu
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.households.view import HouseholdsView
from crechebooks_desktop.ui.invoices.view import InvoicesView
from crechebooks_desktop.ui.jobs.banner import JobsBanner
from crechebooks_desktop.ui.ledger.view import LedgerView
from crechebooks_desktop.ui.matching.view import MatchingView
from crechebooks_desktop.ui.ops import BookSession, Workplace
from crechebooks_desktop.ui.reconciliation.view import ReconciliationView
from crechebooks_desktop.ui.roster_import.menu import add_import_menu
from crechebooks_desktop.ui.statements.view import StatementsView
from crechebooks_desktop.ui.sync.indicator import SyncIndicator
from crechebooks_desktop.ui.sync.view import SyncView

if TYPE_CHECKING:
    from crechebooks_desktop.services.admin.book_backup import BackupMade


def backup_path_dialog(parent: QWidget) -> Path | None:
    """Where to write the backup (a file dialog; tests replace it)."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Back up book", "book-backup.zip", "Book backup (*.zip)"
    )
    return Path(path) if path else None


class MainWindow(QMainWindow):
    """Holds the screens; shows which book, creche and user are in use.

    Signals:
        backed_up(object): a backup was written (its ``BackupMade``).
    """

    backed_up = Signal(object)

    def __init__(self, session: BookSession, book_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.ask_backup_path: Callable[[QWidget], Path | None] = backup_path_dialog
        self.setWindowTitle("CrecheBooks")
        self.tabs = QTabWidget(documentMode=True)
        self.households = HouseholdsView(session)
        today = dt.date.today()  # noqa: DTZ011 - the book's business date is local
        self.invoices = InvoicesView(session, today)
        self.ledger = LedgerView(session, today)
        self.matching = MatchingView(session)
        self.reconciliation = ReconciliationView(session)
        self.statements = StatementsView(session, today)
        self.sync = SyncView(session, today)
        screens: tuple[tuple[QWidget, str], ...] = (
            (self.households, "Households"),
            (self.ledger, "Ledger"),
            (self.invoices, "Invoices"),
            (self.matching, "Matching"),
            (self.reconciliation, "Reconciliation"),
            (self.statements, "Statements"),
            (self.sync, "Sync"),
        )
        for screen, title in screens:
            self.tabs.addTab(screen, title)
        self.jobs_banner = JobsBanner(session, today)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.jobs_banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.book_label = QLabel(f"Book: {book_name}")
        self.creche_label = QLabel("Opening…")
        self.user_label = QLabel()
        self.busy_label = QLabel()
        self.sync_indicator = SyncIndicator(session)
        self.sync_indicator.follow(self.sync)
        self.sync_indicator.clicked.connect(lambda: self.tabs.setCurrentWidget(self.sync))
        for label in (self.sync_indicator, self.creche_label, self.user_label, self.busy_label):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().addWidget(self.book_label, 1)
        self._menus()
        for screen in (
            self.matching,
            self.reconciliation,
            self.statements,
            self.sync,
            self.jobs_banner,
        ):
            screen.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        session.workplace_changed.connect(self._on_workplace)
        session.failed.connect(lambda exc: report(self, exc, "finish that"))
        session.executor.busy_changed.connect(
            lambda busy: self.busy_label.setText("Working…" if busy else "")
        )

    def tab_titles(self) -> list[str]:
        """The tabs' titles in order."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_open_failure(self, error: BaseException) -> None:
        """The book could not be opened: say so in the window and in a dialog."""
        self.creche_label.setText("No book open")
        self.tabs.setEnabled(False)
        report(self, error, "open the book")

    def _on_workplace(self, workplace: Workplace) -> None:
        self.creche_label.setText(workplace.creche.name)
        self.user_label.setText(f"{workplace.actor.username} ({workplace.actor.role.value})")
        self.setWindowTitle(f"{workplace.creche.name} — CrecheBooks")

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        backup = QAction("&Back up book…", self)
        backup.triggered.connect(self._backup)
        file_menu.addAction(backup)
        self.import_menu = add_import_menu(file_menu, self, self._session)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.admin_menu = add_admin_menu(self, self._session)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About CrecheBooks", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _backup(self) -> None:
        """The whole book (database and archived documents) to one file, off the GUI thread."""
        path = self.ask_backup_path(self)
        if path is None:
            return

        def back_up() -> BackupMade:
            from crechebooks_desktop.services.admin.book_backup import back_up_book  # noqa: PLC0415

            return back_up_book(self._session.book(), path)

        def done(made: BackupMade) -> None:
            self.statusBar().showMessage(
                f"Backed up the book and its {made.documents} document(s) to {made.path}", 8000
            )
            self.backed_up.emit(made)

        self._session.run(back_up, done, lambda exc: report(self, exc, "back up the book"))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About CrecheBooks",
            f"CrecheBooks Desktop {__version__}\n"
            "Bookkeeping for South African creches and pre-schools.",
        )
