"""The Bank accounts dialog (issue 13): list, add, rename, close and reopen.

A bank account is never deleted (its lines are history). Closing one is for
an account whose books are finished: the service refuses while any line is
not inside a finished reconciliation, and a closed account takes no more
statements until it is reopened. The services are the command line's
(``services.bank.accounts_and_imports``), with their checks and messages.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from crechebooks_desktop.domain.bank import Bank
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.admin import jobs
from crechebooks_desktop.ui.admin.list_dialog import AdminListDialog
from crechebooks_desktop.ui.common.forms import ChangeDialog, date_edit, day_of
from crechebooks_desktop.ui.common.table_model import RowTableModel
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    import datetime as dt

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.bank import BankAccountRecord
    from crechebooks_desktop.ui.ops import Workplace

# The accounts' names show in the Matching and Reconciliation tabs: they reload.
_BANK_CHANGED = Changes(bank=True)
BANK_NAMES = {
    Bank.FNB: "FNB",
    Bank.ABSA: "Absa",
    Bank.STANDARD_BANK: "Standard Bank",
    Bank.NEDBANK: "Nedbank",
    Bank.CAPITEC: "Capitec",
    Bank.OTHER: "Other",
}
_GREY = QBrush(QColor("#a0aec0"))


class Column(enum.IntEnum):
    """The accounts table's columns."""

    NAME = 0
    BANK = 1
    NUMBER = 2
    LINES = 3
    BALANCE = 4
    LAST = 5
    STATUS = 6


class AccountsModel(RowTableModel["BankAccountRecord"]):
    """The creche's bank accounts; a closed one greyed."""

    columns: ClassVar[type[enum.IntEnum]] = Column
    headers = ("Name", "Bank", "Number", "Lines", "Balance", "Newest line", "Status")
    money_columns = frozenset({Column.BALANCE})

    def raw(self, row: BankAccountRecord, column: int) -> Any:  # noqa: PLR0911 - one per column
        """A cell's value (cents for the balance)."""
        if column == Column.NAME:
            return row.name
        if column == Column.BANK:
            return BANK_NAMES.get(Bank(row.bank), row.bank)
        if column == Column.NUMBER:
            return row.account_number or ""
        if column == Column.LINES:
            return row.line_count
        if column == Column.BALANCE:
            return row.balance_cents
        if column == Column.LAST:
            return row.last_line_date.isoformat() if row.last_line_date else ""
        return f"Closed {row.closed_at:%d %b %Y}" if row.closed_at else "Open"

    def display(self, row: BankAccountRecord, column: int) -> str:
        """Lines as a number (0 too)."""
        if column == Column.LINES:
            return str(row.line_count)
        return super().display(row, column)

    def search_text(self, row: BankAccountRecord) -> str:
        """The name and number."""
        return f"{row.name} {row.account_number or ''}".lower()

    def foreground(self, row: BankAccountRecord, column: int) -> QBrush | None:  # noqa: ARG002
        """Closed accounts are grey."""
        return _GREY if row.closed else None


class AddAccountDialog(ChangeDialog):
    """Name, bank, number and an optional opening balance with its date."""

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(session, "Add a bank account", "Add account", _BANK_CHANGED, parent)
        self.name = QLineEdit()
        self.bank = QComboBox()
        for bank, text in BANK_NAMES.items():
            self.bank.addItem(text, bank.value)
        self.number = QLineEdit()
        self.opening = QLineEdit(placeholderText="0.00")
        self.has_opening = QCheckBox("The account had money before its first statement")
        self.as_of = date_edit(today)
        self.form.add_row("name", "Name", self.name, "e.g. FNB Cheque; statements name it")
        self.form.add_row("bank", "Bank", self.bank)
        self.form.add_row("number", "Account number", self.number, "as printed (optional)")
        self.form.add_row("has_opening", "", self.has_opening)
        self.form.add_row("opening", "Opening balance", self.opening)
        self.form.add_row("as_of", "On", self.as_of, "the day of the opening balance")
        self.has_opening.toggled.connect(self._opening_shown)
        self._opening_shown(on=False)
        self.finish_layout()
        self.resize(480, self.sizeHint().height())

    def _opening_shown(self, on: bool) -> None:
        self.opening.setEnabled(on)
        self.as_of.setEnabled(on)

    def submit(self) -> None:
        """Add the account through ``bank.add_account``."""
        self.form.clear_problems()
        cents, as_of = 0, None
        if self.has_opening.isChecked():
            try:
                cents = parse_rands(self.opening.text())
            except MoneyError as exc:
                self.form.show_problems({"opening": str(exc)})
                return
            as_of = day_of(self.as_of)
        new = jobs.NewAccount(
            self.name.text(), self.bank.currentData(), self.number.text().strip() or None,
            cents, as_of,
        )  # fmt: skip
        self.run(lambda book, w: jobs.add_account(book, w, new), "add the bank account")


class RenameDialog(ChangeDialog):
    """A new name for one account."""

    def __init__(
        self, session: BookSession, account: BankAccountRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, f"Rename {account.name}", "Rename", _BANK_CHANGED, parent)
        self.old_name = account.name
        self.name = QLineEdit(account.name)
        self.form.add_row(
            "name", "New name", self.name,
            "scheduled imports that name the account need the new name",
        )  # fmt: skip
        self.finish_layout()
        self.resize(440, self.sizeHint().height())

    def submit(self) -> None:
        """Rename through ``bank.rename_account``."""
        old, new = self.old_name, self.name.text()
        self.run(lambda book, w: jobs.rename_account(book, w, old, new), "rename the account")


class BankAccountsDialog(AdminListDialog):
    """The creche's bank accounts, with what an administrator changes about them.

    Signals:
        loaded(int): the accounts were read (how many).
        message(str): what the last change did, or why it was refused.
    """

    listing = "read the bank accounts"

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Bank accounts")
        self._today = today
        self.add_button = QPushButton("Add account…")
        self.rename_button = QPushButton("Rename…")
        self.close_button = QPushButton("Close account")
        self.reopen_button = QPushButton("Reopen")
        self.add_button.clicked.connect(
            lambda: self.open_change(AddAccountDialog(session, today, self))
        )
        self.rename_button.clicked.connect(self._rename)
        self.close_button.clicked.connect(lambda: self.set_closed(closed=True))
        self.reopen_button.clicked.connect(lambda: self.set_closed(closed=False))
        self.build(
            AccountsModel(self),
            "An account is closed, never deleted: its lines stay. Only an account whose every "
            "line is reconciled can close; a closed one takes no more statements.",
            (self.add_button, self.rename_button, self.close_button, self.reopen_button),
        )
        self.resize(820, 380)
        self.reload()

    def key(self, row: BankAccountRecord) -> str:
        """An account's name."""
        return row.name

    def load(self) -> Callable[[Book, Workplace], list[BankAccountRecord]]:
        """The creche's bank accounts, closed ones too."""
        return jobs.accounts

    def selected_account(self) -> BankAccountRecord | None:
        """The account chosen in the table."""
        chosen: BankAccountRecord | None = self.selected()
        return chosen

    def select_account(self, name: str) -> None:
        """Choose an account in the table."""
        self.select(name)

    def update_buttons(self) -> None:
        """Enable what the user's role and the selection allow."""
        workplace = self._session.workplace
        may = workplace is not None and workplace.actor.can(Permission.MANAGE_SETTINGS)
        account = self.selected_account()
        chosen = may and account is not None
        closed = account is not None and account.closed
        self.add_button.setEnabled(may)
        self.rename_button.setEnabled(chosen)
        self.close_button.setEnabled(chosen and not closed)
        self.reopen_button.setEnabled(chosen and closed)
        if not may:
            self.note.setText("Only an administrator can change the creche's bank accounts.")

    def _rename(self) -> None:
        account = self.selected_account()
        if account is not None:
            self.open_change(RenameDialog(self._session, account, self))

    def changed(self, account: BankAccountRecord) -> None:
        """Say which account was saved, and read the accounts again."""
        state = "closed" if account.closed else "open"
        self.message.emit(f"Saved {account.name} ({state}).")
        self.reload(account.name)

    def set_closed(self, *, closed: bool) -> None:
        """Close (or reopen) the selected account, through the service."""
        account = self.selected_account()
        if account is None:
            return
        name = account.name
        doing = "close" if closed else "reopen"
        self._session.mutate(
            lambda book, w: jobs.set_closed(book, w, name, closed=closed),
            _BANK_CHANGED,
            self,
            self.changed,
            lambda exc: self._refused(exc, f"{doing} {name}"),
        )
