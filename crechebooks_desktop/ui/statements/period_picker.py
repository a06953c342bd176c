"""Choosing a statement's period: a month, quarter or year from a list, or any two dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from crechebooks_desktop.ui.statements.periods import (
    Dates,
    Kind,
    choices,
    custom,
    last_full_month,
)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class PeriodPicker(QWidget):
    """Kind (month, quarter, year, custom) and which one; the last full month at first.

    Signals:
        changed(object): the new ``Dates``.
    """

    changed = Signal(object)

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.kind = QComboBox()
        for kind in Kind:
            self.kind.addItem(kind.value, kind)
        self.which = QComboBox()
        self.which.setMinimumContentsLength(22)
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        self.to_label = QLabel("to")
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(lambda _d: self._custom_changed())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Period"))
        for widget in (self.kind, self.which, self.date_from, self.to_label, self.date_to):
            layout.addWidget(widget)
        self._fill(Kind.MONTH)
        self.which.setCurrentIndex(1)  # the last full month
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.which.currentIndexChanged.connect(lambda _i: self.changed.emit(self.dates()))

    def dates(self) -> Dates:
        """The period chosen."""
        if self.kind.currentData() is Kind.CUSTOM:
            return custom(_date(self.date_from.date()), _date(self.date_to.date()))
        found = self.which.currentData()
        return found if isinstance(found, Dates) else last_full_month(self._today)

    def choose(self, kind: Kind, index: int = 0) -> None:
        """Pick a kind and the ``index``-th period of it (newest first)."""
        self.kind.setCurrentIndex(self.kind.findData(kind))
        if kind is not Kind.CUSTOM:
            self.which.setCurrentIndex(index)

    def choose_dates(self, first: dt.date, last: dt.date) -> None:
        """Custom dates."""
        self.blockSignals(True)
        self.choose(Kind.CUSTOM)
        self.date_from.setDate(_qdate(first))
        self.date_to.setDate(_qdate(last))
        self.blockSignals(False)
        self.changed.emit(self.dates())

    def _fill(self, kind: Kind) -> None:
        self.which.blockSignals(True)
        self.which.clear()
        for dates in choices(kind, self._today):
            self.which.addItem(dates.label, dates)
        self.which.blockSignals(False)
        is_custom = kind is Kind.CUSTOM
        self.which.setVisible(not is_custom)
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(is_custom)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self._fill(kind)
        if kind is Kind.MONTH:
            self.which.setCurrentIndex(1)
        self.changed.emit(self.dates())

    def _custom_changed(self) -> None:
        if self.kind.currentData() is Kind.CUSTOM:
            self.changed.emit(self.dates())
