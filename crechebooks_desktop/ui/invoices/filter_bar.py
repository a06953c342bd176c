"""The Invoices tab's filter bar: month, statuses, names, words and a panel of ranges (issue 16).

The first row holds what a bookkeeper changes all day (month, statuses,
household, child, fee structure, words); "More filters" opens a second row
of ranges (issue and due dates; subtotal, discount, VAT, total and balance
due). Everything but the month and the words is remembered between sessions
(the month follows today's month when the window opens; the words are a
search, not a setting). A value that does not read (a date after its "to", an
amount that is not one) is marked, named in the panel, and left out of the
filter until it is put right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QSettings, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.money import MoneyError, format_plain, parse_rands
from crechebooks_desktop.ui.invoices.filter_values import (
    AMOUNT_RANGES,
    DATE_RANGES,
    OPEN,
    BarFilters,
    split_names,
)
from crechebooks_desktop.ui.invoices.model import status_text

FILTER_DELAY_MS = 250
"""Typing pauses this long before the words filter the list (one query, not one per key)."""
SETTINGS_KEY = "invoices/filters"
PANEL_KEY = "invoices/more-filters-open"
NO_DATE = QDate(2000, 1, 1)
"""A date edit at this date shows "Any" (Qt's special value): the range is open there."""
_PLACES = {
    "issued": (0, 0),
    "due": (0, 1),
    "total": (0, 2),
    "balance": (0, 3),
    "subtotal": (1, 0),
    "discount": (1, 1),
    "vat": (1, 2),
}
"""Where each range sits in the panel (row, pair): dates and the amounts asked most first."""
_LABELS = {
    "issued": "Issued",
    "due": "Due",
    "subtotal": "Subtotal",
    "discount": "Discount",
    "vat": "VAT",
    "total": "Total",
    "balance": "Balance due",
}


class StatusPicker(QToolButton):
    """Any number of statuses, ticked in a menu; the button says which.

    Signals:
        changed(): the ticked statuses changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Room for the menu's arrow after the text (the style draws it over the text otherwise).
        self.setStyleSheet("QToolButton { padding: 3px 18px 3px 8px; }")
        menu = QMenu(self)
        self.actions_by_status: dict[InvoiceStatus, QAction] = {}
        for status in InvoiceStatus:
            action = menu.addAction(status_text(status))
            action.setCheckable(True)
            action.toggled.connect(lambda _on: self._toggled())
            self.actions_by_status[status] = action
        self.setMenu(menu)
        self._show()

    def statuses(self) -> tuple[InvoiceStatus, ...]:
        """The ticked statuses, in the menu's order."""
        return tuple(s for s, a in self.actions_by_status.items() if a.isChecked())

    def set_statuses(self, statuses: tuple[InvoiceStatus, ...]) -> None:
        """Tick exactly these (without a ``changed`` for each)."""
        for status, action in self.actions_by_status.items():
            with QSignalBlocker(action):
                action.setChecked(status in statuses)
        self._show()

    def _toggled(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        chosen = self.statuses()
        if not chosen:
            text = "Any status"
        elif len(chosen) <= 2:  # noqa: PLR2004 - two names still fit the button
            text = ", ".join(status_text(s) for s in chosen)
        else:
            text = f"{len(chosen)} statuses"
        self.setText(text)


class RangesPanel(QWidget):
    """From-and-to pairs for the two dates and the five amounts.

    Signals:
        changed(): a value was chosen or typed (and the field left).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dates: dict[str, tuple[QDateEdit, QDateEdit]] = {}
        self.amounts: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for name in DATE_RANGES:
            days = (self._date_edit(), self._date_edit())
            self.dates[name] = days
            self._place(grid, _PLACES[name], _LABELS[name], days)
        for name in AMOUNT_RANGES:
            amounts = (self._amount_edit("min"), self._amount_edit("max"))
            self.amounts[name] = amounts
            self._place(grid, _PLACES[name], _LABELS[name], amounts)
        grid.setColumnStretch(grid.columnCount(), 1)  # the pairs keep to the left
        self.problems = QLabel()
        self.problems.setObjectName("filterProblems")
        self.problems.setStyleSheet("color: #c53030;")
        self.problems.setWordWrap(True)
        self.problems.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.problems)

    def _place(
        self, grid: QGridLayout, at: tuple[int, int], label: str, pair: tuple[QWidget, QWidget]
    ) -> None:
        row, column = at
        box = QHBoxLayout()
        box.addWidget(pair[0])
        box.addWidget(QLabel("–"))
        box.addWidget(pair[1])
        box.addStretch(1)
        grid.addWidget(QLabel(label), row, column * 2, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(box, row, column * 2 + 1)

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit(NO_DATE)
        edit.setCalendarPopup(True)
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("Any")
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setFixedWidth(115)
        edit.dateChanged.connect(lambda _d: self.changed.emit())
        return edit

    def _amount_edit(self, end: str) -> QLineEdit:
        edit = QLineEdit(placeholderText=end)
        edit.setFixedWidth(100)
        edit.setClearButtonEnabled(True)
        edit.editingFinished.connect(self.changed.emit)
        return edit

    def read(self) -> tuple[dict[str, tuple[object, object]], list[str]]:
        """Each range as values (open where blank or wrong), and what did not read."""
        ranges: dict[str, tuple[object, object]] = {}
        problems: list[str] = []
        for name, (from_day, to_day) in self.dates.items():
            ranges[name] = (_day(from_day), _day(to_day))
        for name, (low_edit, high_edit) in self.amounts.items():
            ranges[name] = (
                _cents(low_edit, f"{_LABELS[name]} min", problems),
                _cents(high_edit, f"{_LABELS[name]} max", problems),
            )
        for name, (low, high) in ranges.items():
            if low is not None and high is not None and low > high:  # type: ignore[operator]
                ends = "from is after to" if name in DATE_RANGES else "min is more than max"
                problems.append(f"{_LABELS[name]}: {ends}; left out")
                ranges[name] = OPEN
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        return ranges, problems

    def show_ranges(self, filters: BarFilters) -> None:
        """Fill the fields from remembered filters (without a ``changed`` for each)."""
        for name, days in self.dates.items():
            for day_edit, day in zip(days, getattr(filters, name), strict=True):
                with QSignalBlocker(day_edit):
                    day_edit.setDate(QDate(day.year, day.month, day.day) if day else NO_DATE)
        for name, amounts in self.amounts.items():
            for edit, cents in zip(amounts, getattr(filters, name), strict=True):
                edit.setText(format_plain(cents) if cents is not None else "")
                _mark(edit, problem=None)


class InvoiceFilterBar(QWidget):
    """The filters above the invoice list.

    Signals:
        changed(): the filters changed (the words after a short pause).
    """

    changed = Signal()

    def __init__(
        self,
        today: dt.date,
        settings: Callable[[], QSettings] = QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.month = QComboBox()
        self.month.addItem("All months", None)
        first = today.replace(day=1)
        for back in range(-1, 18):  # next month, this month and the 17 before
            year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
            day = dt.date(year, month + 1, 1)
            self.month.addItem(day.strftime("%B %Y"), day)
        self.month.setCurrentIndex(2)
        self.status = StatusPicker()
        self.household = _names_edit("Household", 150)
        self.child = _names_edit("Child", 120)
        self.fee = _names_edit("Fee structure", 130)
        self.search = QLineEdit(placeholderText="Search number, family, child, notes…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(140)
        self.more_button = QPushButton("More filters")
        self.more_button.setCheckable(True)
        self.clear_button = QPushButton("Clear filters")
        self.ranges = RangesPanel()
        self.ranges.setVisible(False)
        self._search_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._layout()
        self._restore()
        self._connect()

    def _layout(self) -> None:
        first = QHBoxLayout()
        for widget in (self.month, self.status, self.household, self.child, self.fee):
            first.addWidget(widget)
        first.addWidget(self.search, 1)
        first.addWidget(self.more_button)
        first.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addWidget(self.ranges)

    def _connect(self) -> None:
        self.month.currentIndexChanged.connect(lambda _i: self._changed())
        self.status.changed.connect(self._changed)
        for edit in (self.household, self.child, self.fee):
            edit.editingFinished.connect(self._changed)
        self.ranges.changed.connect(self._changed)
        self._search_timer.timeout.connect(self._changed)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.more_button.toggled.connect(self._show_panel)
        self.clear_button.clicked.connect(self.clear)

    # -- values -----------------------------------------------------------------------------

    def filters(self) -> BarFilters:
        """What the bar narrows the list to now (ranges that do not read are left out)."""
        ranges, _problems = self.ranges.read()
        return BarFilters(
            statuses=self.status.statuses(),
            households=split_names(self.household.text()),
            children=split_names(self.child.text()),
            fees=split_names(self.fee.text()),
            **ranges,  # type: ignore[arg-type]
        )

    def words(self) -> str:
        """The search box's words, spaces tidied."""
        return " ".join(self.search.text().split())

    def stop_typing_timer(self) -> None:
        """The words are being applied now: the pending pause need not fire."""
        self._search_timer.stop()

    def clear(self) -> None:
        """Every filter but the month back to "any", at once (one reload)."""
        self.show_filters(BarFilters())
        with QSignalBlocker(self.search):
            self.search.clear()
        self._changed()

    def show_filters(self, filters: BarFilters) -> None:
        """Put ``filters`` in the widgets (no ``changed``)."""
        self.status.set_statuses(filters.statuses)
        for edit, names in (
            (self.household, filters.households),
            (self.child, filters.children),
            (self.fee, filters.fees),
        ):
            edit.setText(" | ".join(names))
            edit.setCursorPosition(0)  # the start of a long name, not its end
        self.ranges.show_ranges(filters)
        self._count(filters)

    # -- remembering ------------------------------------------------------------------------

    def _restore(self) -> None:
        settings = self._settings()
        remembered = BarFilters.from_json(settings.value(SETTINGS_KEY, ""))
        self.show_filters(remembered)
        opened = settings.value(PANEL_KEY, False) in (True, "true")
        self.more_button.setChecked(opened or remembered.active() > _row_filters(remembered))
        self.ranges.setVisible(self.more_button.isChecked())

    def remember(self) -> BarFilters:
        """Keep what the bar shows now for the next session (and count it on the buttons)."""
        filters = self.filters()
        self._settings().setValue(SETTINGS_KEY, filters.to_json())
        self._count(filters)
        return filters

    def _changed(self) -> None:
        self.remember()
        self.changed.emit()

    def _show_panel(self, shown: bool) -> None:
        self.ranges.setVisible(shown)
        self._settings().setValue(PANEL_KEY, shown)

    def _count(self, filters: BarFilters) -> None:
        ranges = filters.active() - _row_filters(filters)
        self.more_button.setText(f"More filters ({ranges})" if ranges else "More filters")
        self.clear_button.setEnabled(bool(filters.active() or self.search.text()))


def _row_filters(filters: BarFilters) -> int:
    """How many of the active filters are on the first row (not ranges)."""
    return sum(
        1
        for names in (filters.statuses, filters.households, filters.children, filters.fees)
        if names
    )


def _names_edit(what: str, width: int) -> QLineEdit:
    edit = QLineEdit(placeholderText=what)
    edit.setToolTip(f"{what}: a reference or a name; several separated by |")
    edit.setMaximumWidth(width)
    edit.setClearButtonEnabled(True)
    return edit


def _day(edit: QDateEdit) -> dt.date | None:
    date = edit.date()
    if date <= NO_DATE:
        return None
    return dt.date(date.year(), date.month(), date.day())


def _cents(edit: QLineEdit, name: str, problems: list[str]) -> int | None:
    text = edit.text().strip()
    if not text:
        _mark(edit, problem=None)
        return None
    try:
        cents = parse_rands(text)
    except MoneyError as exc:
        problems.append(f"{name}: {exc}; left out")
        _mark(edit, problem=str(exc))
        return None
    _mark(edit, problem=None)
    return cents


def _mark(edit: QLineEdit, problem: str | None) -> None:
    edit.setStyleSheet("border: 1px solid #c53030;" if problem else "")
    edit.setToolTip(problem or "")
