"""The arrears view: what is owed by age, its trend over twelve month ends, who owes most.

Figures are ``arrears_report``'s (the ``arrears`` command's), read on the
database thread; credit held is shown beside the arrears, never netted.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.errors import report
from crechebooks_desktop.ui.common.value_tables import fill, value_table
from crechebooks_desktop.ui.ops import BookSession, Changes, Workplace
from crechebooks_desktop.ui.statements import jobs
from crechebooks_desktop.ui.statements.chart import AgingChart, TrendChart
from crechebooks_desktop.ui.statements.jobs import ArrearsScreen

TOP_DEBTORS = 10


class ArrearsView(QWidget):
    """Arrears as of a day (today at first): charts, top debtors and credit held.

    Signals:
        loaded(object): the ``jobs.ArrearsScreen`` shown.
    """

    loaded = Signal(object)

    def __init__(self, session: BookSession, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._stale = True
        self._sized = False
        self._asked = 0
        self.shown: ArrearsScreen | None = None
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("dd MMM yyyy")
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        self.summary = QLabel("Reading the arrears…")
        self.summary.setObjectName("arrearsSummary")
        top = QHBoxLayout()
        top.addWidget(QLabel("As of"))
        top.addWidget(self.as_of)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        self.aging_chart = AgingChart()
        self.trend_chart = TrendChart()
        charts = QWidget()
        column = QVBoxLayout(charts)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.aging_chart, 1)
        column.addWidget(self.trend_chart, 1)
        self.debtors = value_table(["Account", "Parent", "Owed", "Oldest due", "Days late"], {2, 4})
        self.credits = value_table(["Account", "Parent", "Credit held"], {2})
        self.debtors_title = QLabel("Households that owe most")
        self.credits_title = QLabel("Credit held (beside the arrears, not netted)")
        for title in (self.debtors_title, self.credits_title):
            title.setObjectName("sectionTitle")
        side = QWidget()
        lists = QVBoxLayout(side)
        lists.setContentsMargins(0, 0, 0, 0)
        lists.addWidget(self.debtors_title)
        lists.addWidget(self.debtors, 3)
        lists.addWidget(self.credits_title)
        lists.addWidget(self.credits, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(charts)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        session.changes_applied.connect(self._on_changes)
        session.workplace_changed.connect(self._on_workplace)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the arrears the first time the view shows, and after the book changed."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True  # the charts need the width: twelve months' labels under them
            width = max(self.splitter.width(), 900)
            self.splitter.setSizes([round(width * 0.58), round(width * 0.42)])
        if self._stale:
            self.reload()

    def day(self) -> dt.date:
        """The day the arrears are as of."""
        day = self.as_of.date()
        return dt.date(day.year(), day.month(), day.day())

    def reload(self) -> None:
        """Read the arrears again (on the database thread)."""
        if self._session.workplace is None:
            self._stale = True
            return
        self._stale = False
        self._asked += 1
        asked, day = self._asked, self.day()
        self._session.query(
            lambda book, w: jobs.load_arrears(book, w, day),
            lambda screen: self._show(screen) if asked == self._asked else None,
            lambda exc: report(self, exc, "read the arrears"),
        )

    def _style(self) -> MoneyStyle:
        workplace = self._session.workplace
        return MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA

    def _show(self, screen: ArrearsScreen) -> None:
        self.shown = screen
        style = self._style()
        self.aging_chart.set_buckets(screen.buckets, style, screen.as_of)
        self.trend_chart.set_points(screen.trend, style)
        held = sum(c.credit_cents for c in screen.credits)
        self.summary.setText(
            f"{format_rands(screen.total_cents, style)} owed on {screen.invoices} invoice(s) "
            f"by {len(screen.debtors)} household(s) · {format_rands(held, style)} credit held "
            f"by {len(screen.credits)}"
        )
        top = screen.debtors[:TOP_DEBTORS]
        self.debtors_title.setText(
            f"Households that owe most ({len(top)} of {len(screen.debtors)})"
            if len(screen.debtors) > len(top)
            else "Households that owe"
        )
        fill(
            self.debtors,
            [
                (
                    d.ref,
                    d.name,
                    format_rands(d.outstanding_cents, style),
                    f"{d.oldest_due:%d %b %Y}",
                    str(d.days_overdue),
                )
                for d in top
            ],
            {2, 4},
        )
        fill(
            self.credits,
            [(c.ref, c.name, format_rands(c.credit_cents, style)) for c in screen.credits],
            {2},
        )
        self.loaded.emit(screen)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.ledger or changes.invoices:
            self._stale = True
            if self.isVisible():
                self.reload()

    def _on_workplace(self, _workplace: Workplace) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()
