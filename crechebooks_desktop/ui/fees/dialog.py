"""The Fee structures dialog (issue 13): list the fees, add one, change one from a month on.

A change applies from the 1st of a month: the month's invoices, and every
later month's, are made at the new amounts; invoices already made keep
theirs (the dialog says how many). The selected fee's versions are listed
under the fees. The services are the command line's (``fees add``, ``fees
change``), with their checks and messages; only an administrator changes fees.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY
from crechebooks_desktop.domain.enums import FeeType
from crechebooks_desktop.domain.money import (
    MoneyError,
    MoneyStyle,
    format_plain,
    format_rands,
    parse_rands,
)
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.domain.roster import FeeRate, FeeTerms
from crechebooks_desktop.ui.admin.list_dialog import AdminListDialog
from crechebooks_desktop.ui.common.forms import ChangeDialog, date_edit, day_of
from crechebooks_desktop.ui.common.table_model import RowTableModel
from crechebooks_desktop.ui.common.value_tables import fill, value_table
from crechebooks_desktop.ui.fees import jobs
from crechebooks_desktop.ui.ops import BookSession, Changes

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.roster import StoredFee
    from crechebooks_desktop.services.fees.structures import FeeChanged, FeeView
    from crechebooks_desktop.ui.ops import Workplace

# Fees feed the monthly run and the roster's enrolments.
_FEES_CHANGED = Changes(roster=True)
_TYPE_NAMES = {
    FeeType.FULL_DAY: "Full day",
    FeeType.HALF_DAY: "Half day",
    FeeType.HOURLY: "Hourly",
    FeeType.CUSTOM: "Custom (per child)",
}
_AMOUNTS = ("amount_cents", "registration_fee_cents", "re_registration_fee_cents")


class Column(enum.IntEnum):
    """The fees table's columns."""

    NAME = 0
    TYPE = 1
    AMOUNT = 2
    REGISTRATION = 3
    RE_REGISTRATION = 4
    SINCE = 5
    NEXT = 6


def since(rate: FeeRate) -> str:
    """When a version starts, in words ("from the start" for a fee's first)."""
    if rate.effective_from == FIRST_BOOK_DAY:
        return "from the start"
    return f"{rate.effective_from:%d %b %Y}"


def next_change(fee: FeeView, style: MoneyStyle) -> str:
    """The change to come, e.g. ``1 Jan 2027: R 5 200,00``, or blank."""
    new = fee.scheduled
    if new is None:
        return ""
    words = ("", "registration ", "re-registration ")
    parts = [
        f"{word}{_rands(getattr(new, field), style)}"
        for word, field in zip(words, _AMOUNTS, strict=True)
        if getattr(new, field) != getattr(fee.current, field)
    ]
    return f"{new.effective_from:%d %b %Y}: {', '.join(parts)}"


def _rands(cents: int | None, style: MoneyStyle) -> str:
    return "—" if cents is None else format_rands(cents, style)


class FeesModel(RowTableModel["FeeView"]):
    """The creche's fee structures with their amounts now and the next change."""

    columns: ClassVar[type[enum.IntEnum]] = Column
    headers = ("Name", "Type", "Amount", "Registration", "Re-registration", "Since", "Next change")
    money_columns = frozenset({Column.AMOUNT, Column.REGISTRATION, Column.RE_REGISTRATION})

    def raw(self, row: FeeView, column: int) -> Any:  # noqa: PLR0911 - one per column
        """A cell's value (cents for the amounts, None for none)."""
        if column == Column.NAME:
            return row.name
        if column == Column.TYPE:
            return _TYPE_NAMES[row.fee_type]
        if column == Column.AMOUNT:
            return row.current.amount_cents
        if column == Column.REGISTRATION:
            return row.current.registration_fee_cents
        if column == Column.RE_REGISTRATION:
            return row.current.re_registration_fee_cents
        if column == Column.SINCE:
            return since(row.current)
        return next_change(row, self.style)

    def display(self, row: FeeView, column: int) -> str:
        """No amount shows as a dash; an hourly rate says so."""
        if column in self.money_columns:
            text = _rands(self.raw(row, column), self.style)
            hourly = column == Column.AMOUNT and row.fee_type is FeeType.HOURLY
            return f"{text} /h" if hourly and row.current.amount_cents is not None else text
        return super().display(row, column)

    def search_text(self, row: FeeView) -> str:
        """The name."""
        return row.name.lower()


def _amount_field(cents: int | None = None) -> QLineEdit:
    return QLineEdit("" if cents is None else format_plain(cents), placeholderText="none")


class _AmountsDialog(ChangeDialog):
    """The three amounts of a fee, each typed in Rand (blank: none)."""

    def _amount_rows(self, rate: FeeRate | None) -> None:
        self.amount = _amount_field(rate.amount_cents if rate else None)
        self.registration = _amount_field(rate.registration_fee_cents if rate else None)
        self.re_registration = _amount_field(rate.re_registration_fee_cents if rate else None)
        self.form.add_row(
            "amount", "Amount", self.amount, "monthly fee; the hourly rate of an hourly fee; "
            "blank for a custom fee (each child's enrolment has its own)",
        )  # fmt: skip
        self.form.add_row(
            "registration", "Registration fee", self.registration, "billed in the month a "
            "child starts; blank for none",
        )  # fmt: skip
        self.form.add_row(
            "re_registration", "Re-registration fee", self.re_registration,
            "billed each January after a child's first; blank for none",
        )  # fmt: skip

    def typed_amounts(self) -> dict[str, int | None] | None:
        """The amounts as cents (None when blank); None after showing what cannot be read."""
        amounts: dict[str, int | None] = {}
        problems: dict[str, str] = {}
        fields = (self.amount, self.registration, self.re_registration)
        for key, field, edit in zip(
            ("amount", "registration", "re_registration"), _AMOUNTS, fields, strict=True
        ):
            text = edit.text().strip()
            try:
                amounts[field] = parse_rands(text) if text else None
            except MoneyError as exc:
                problems[key] = str(exc)
        self.form.show_problems(problems)
        return None if problems else amounts


class AddFeeDialog(_AmountsDialog):
    """A new fee structure: its name, type and amounts (from the start)."""

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(session, "Add a fee structure", "Add fee", _FEES_CHANGED, parent)
        self.name = QLineEdit(placeholderText="e.g. Toddlers full day")
        self.fee_type = QComboBox()
        for fee_type, text in _TYPE_NAMES.items():
            self.fee_type.addItem(text, fee_type.value)
        self.form.add_row("name", "Name", self.name, "enrolments and invoices name it")
        self.form.add_row("fee_type", "Type", self.fee_type)
        self._amount_rows(None)
        self.finish_layout()
        self.resize(500, self.sizeHint().height())

    def submit(self) -> None:
        """Add the fee through ``fees.structures.add_fee``."""
        amounts = self.typed_amounts()
        if amounts is None:
            return
        terms = FeeTerms(
            self.name.text(),
            FeeType(self.fee_type.currentData()),
            amounts["amount_cents"],
            amounts["registration_fee_cents"],
            amounts["re_registration_fee_cents"],
        )
        self.run(lambda book, w: jobs.add_fee(book, w, terms), "add the fee")


def first_of_next_month(day: dt.date) -> dt.date:
    """The 1st of the month after ``day``'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class ChangeFeeDialog(_AmountsDialog):
    """New amounts for a fee from the 1st of a month; invoices already made keep theirs."""

    def __init__(
        self, session: BookSession, fee: FeeView, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, f"Change {fee.name}", "Change fee", _FEES_CHANGED, parent)
        self.fee_name = fee.name
        latest = fee.versions[-1]
        start = max(first_of_next_month(today), latest.effective_from)
        self.month = date_edit(start, "MMMM yyyy")
        self.form.add_row(
            "month", "From", self.month, "the first month billed at the new amounts; invoices "
            "already made keep theirs",
        )  # fmt: skip
        self._amount_rows(latest)
        self.finish_layout()
        self.resize(500, self.sizeHint().height())

    def submit(self) -> None:
        """Change the fee through ``fees.structures.change_fee``."""
        amounts = self.typed_amounts()
        if amounts is None:
            return
        rate = FeeRate(day_of(self.month).replace(day=1), **amounts)
        name = self.fee_name
        self.run(lambda book, w: jobs.change_fee(book, w, name, rate), "change the fee")


class FeesDialog(AdminListDialog):
    """The creche's fee structures, with what an administrator changes about them.

    Signals:
        loaded(int): the fees were read (how many).
        message(str): what the last change did, or why it was refused.
    """

    listing = "list the fees"

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Fee structures")
        self._today = today
        self.versions_title = QLabel()
        self.versions = value_table(
            ("From", "Amount", "Registration", "Re-registration"), {1, 2, 3}, stretch=3
        )
        self.versions.setMaximumHeight(130)
        self.versions.setMaximumWidth(470)  # four short columns; the money stays near its date
        self.add_button = QPushButton("Add fee…")
        self.change_button = QPushButton("Change from a month…")
        self.add_button.clicked.connect(lambda: self.open_change(AddFeeDialog(session, self)))
        self.change_button.clicked.connect(self._change)
        self.build(
            FeesModel(self),
            "A change applies from the 1st of a month: invoices already made keep their "
            "amounts, and the months not yet invoiced are billed at the new ones.",
            (self.add_button, self.change_button),
            below=(self.versions_title, self.versions),
        )
        self.resize(1060, 480)
        self.reload()

    def key(self, row: FeeView) -> str:
        """A fee's name."""
        return row.name

    def load(self) -> Callable[[Book, Workplace], list[FeeView]]:
        """The creche's fees, with their versions, as of today."""
        today = self._today
        return lambda book, w: jobs.fees(book, w, today)

    def selected_fee(self) -> FeeView | None:
        """The fee chosen in the table."""
        chosen: FeeView | None = self.selected()
        return chosen

    def select_fee(self, name: str) -> None:
        """Choose a fee in the table."""
        self.select(name)

    def selection_changed(self) -> None:
        """Show the chosen fee's versions, and what may be done."""
        self._selected()

    def _selected(self) -> None:
        fee = self.selected_fee()
        style = self.money_style()
        rows = []
        if fee is not None:
            rows = [
                [since(v), *(_rands(getattr(v, field), style) for field in _AMOUNTS)]
                for v in fee.versions
            ]
        self.versions_title.setText(f"Amounts of {fee.name}, oldest first" if fee else "")
        fill(self.versions, rows, {1, 2, 3})
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable what the user's role and the selection allow."""
        workplace = self._session.workplace
        may = workplace is not None and workplace.actor.can(Permission.MANAGE_ROSTER)
        self.add_button.setEnabled(may)
        self.change_button.setEnabled(may and self.selected_fee() is not None)
        if not may:
            self.note.setText("Only an administrator can add or change the creche's fees.")

    def _change(self) -> None:
        fee = self.selected_fee()
        if fee is not None:
            self.open_change(ChangeFeeDialog(self._session, fee, self._today, self))

    def changed(self, result: StoredFee | FeeChanged) -> None:
        """Say what was added or changed, and read the fees again."""
        from crechebooks_desktop.services.fees.structures import (  # noqa: PLC0415
            FeeChanged,
        )

        if not isinstance(result, FeeChanged):
            self.message.emit(f"Added {result.terms.name}.")
            self.reload(result.terms.name)
            return
        text = (
            f"{result.name}: new amounts from {result.after.effective_from:%d %B %Y}"
            f"{' (the earlier change that month was replaced)' if result.replaced else ''}."
        )
        if result.invoices_kept:
            text += (
                f" {result.invoices_kept} invoice(s) already made from that month keep their "
                "amounts; the months not yet invoiced get the new ones."
            )
        self.message.emit(text)
        self.reload(result.name)
