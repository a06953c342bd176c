"""The arrears charts (QtCharts): what is owed by age now, and the total at each month end.

Amounts are plotted in rands for the axis only; the cents they came from stay
with the chart, and every figure a reader sees in words is formatted from cents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from crechebooks_desktop.domain.money import MoneyStyle, format_rands

BUCKETS = ("Current", "30 days", "60 days", "90+ days")
_BUCKET_COLOURS = ("#4a8f6b", "#d69e2e", "#dd6b20", "#c53030")
_LINE = "#2b6cb0"


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(10.5)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.legend().setVisible(False)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setLocalizeNumbers(True)
    return chart


def _locale(style: MoneyStyle) -> QLocale:
    """Axis numbers grouped as the creche writes money: ``150 000`` or ``150,000``."""
    if style is MoneyStyle.SPACE_COMMA:
        return QLocale(QLocale.Language.English, QLocale.Country.SouthAfrica)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def _value_axis(top_cents: int) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(top_cents / 100, 100.0))
    axis.applyNiceNumbers()
    axis.setLabelFormat("R %.0f")
    axis.setGridLineColor(QColor("#edf2f7"))
    return axis


class _View(QChartView):
    def __init__(self, chart: QChart, parent: QWidget | None = None) -> None:
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)

    def _replace_axes(
        self, series: QStackedBarSeries | QLineSeries, x: QBarCategoryAxis, y: QValueAxis
    ) -> None:
        chart = self.chart()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)


class AgingChart(_View):
    """One bar per aging bucket, coloured from current (green) to 90+ days (red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_chart("Owed now, by age"), parent)
        self.cents: tuple[int, ...] = (0, 0, 0, 0)
        self.sets: list[QBarSet] = []
        self.series = QStackedBarSeries()
        self.series.setBarWidth(0.6)
        self.chart().addSeries(self.series)

    def set_buckets(self, cents: Sequence[int], style: MoneyStyle, as_of: dt.date) -> None:
        """Show current, 30, 60 and 90+ days (cents)."""
        self.cents = tuple(cents)
        self.series.clear()
        self.sets = []
        # One stacked set per bucket with a value only in its own column: a colour per bar.
        for n, (amount, colour) in enumerate(zip(cents, _BUCKET_COLOURS, strict=True)):
            bars = QBarSet(BUCKETS[n])
            bars.append([amount / 100 if k == n else 0.0 for k in range(len(BUCKETS))])
            bars.setColor(QColor(colour))
            bars.setBorderColor(QColor(colour))
            self.sets.append(bars)
        self.series.append(self.sets)
        x = QBarCategoryAxis()
        x.append(
            [f"{name}<br>{format_rands(c, style)}" for name, c in zip(BUCKETS, cents, strict=True)]
        )
        self._replace_axes(self.series, x, _value_axis(max(cents, default=0)))
        self.chart().setLocale(_locale(style))
        self.chart().setTitle(f"Owed at {as_of:%d %b %Y}, by age")

    def values_cents(self) -> list[int]:
        """What each bar shows, back in cents (for tests and checks)."""
        return [round(bars.at(n) * 100) for n, bars in enumerate(self.sets)]


class TrendChart(_View):
    """The outstanding total at each month end, as a line with its points marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_chart("Outstanding at each month end"), parent)
        self.points: tuple[tuple[dt.date, int], ...] = ()
        self.series = QLineSeries()
        self.series.setPointsVisible(True)
        self.series.setMarkerSize(7)
        pen = QPen(QColor(_LINE))
        pen.setWidth(3)
        self.series.setPen(pen)
        self.series.setColor(QColor(_LINE))
        self.chart().addSeries(self.series)

    def set_points(self, points: Sequence[tuple[dt.date, int]], style: MoneyStyle) -> None:
        """Show (month end, cents) points, oldest first."""
        self.points = tuple(points)
        self.series.replace([QPointF(n, cents / 100) for n, (_d, cents) in enumerate(points)])
        x = QBarCategoryAxis()
        x.append([f"{day:%b}" for day, _c in points])
        self.chart().setLocale(_locale(style))
        self._replace_axes(self.series, x, _value_axis(max((c for _d, c in points), default=0)))
        title = "Owed at each month end"
        if points:
            day, cents = points[-1]
            title += f" — {format_rands(cents, style)} at {day:%d %b %Y}"
        self.chart().setTitle(title)

    def values_cents(self) -> list[int]:
        """Each point's total, back in cents (for tests and checks)."""
        return [round(self.series.at(n).y() * 100) for n in range(self.series.count())]
