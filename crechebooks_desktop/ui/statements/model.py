"""The households list: table model, the filters, and the proxy that sorts and filters it."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.common.table_model import RowTableModel
from crechebooks_desktop.ui.statements.jobs import HouseholdRow


class Column(enum.IntEnum):
    """The table's columns, in order."""

    REF = 0
    NAME = 1
    BALANCE = 2
    CURRENT = 3
    DAYS_30 = 4
    DAYS_60 = 5
    DAYS_90 = 6
    CREDIT = 7


FILTERS: tuple[tuple[str, Callable[[HouseholdRow], bool]], ...] = (
    ("All households", lambda _row: True),
    ("Owing", lambda row: row.balance_cents > 0),
    ("In credit", lambda row: row.credit_cents > 0),
    ("30+ days", lambda row: row.days_30_cents + row.days_60_cents + row.days_90_plus_cents > 0),
    ("60+ days", lambda row: row.days_60_cents + row.days_90_plus_cents > 0),
    ("90+ days", lambda row: row.days_90_plus_cents > 0),
)
"""The filter's choices: label and which households it shows.

"30+ days" is anything in the 30, 60 or 90+ columns: any money past its due
date (the 30-day bucket is 1 to 30 days late, docs/RULES.md, Aging).
"""

_RED, _AMBER, _GREEN = QColor("#c53030"), QColor("#975a16"), QColor("#276749")
_AGES = {
    Column.CURRENT: "current_cents",
    Column.DAYS_30: "days_30_cents",
    Column.DAYS_60: "days_60_cents",
    Column.DAYS_90: "days_90_plus_cents",
}


class HouseholdsModel(RowTableModel[HouseholdRow]):
    """Households with their balance and aging at the period's end."""

    columns = Column
    headers = (
        "Account",
        "Parent",
        "Balance",
        "Current",
        "30 days",
        "60 days",
        "90+ days",
        "Credit",
    )
    money_columns = frozenset(
        {Column.BALANCE, Column.CURRENT, Column.DAYS_30, Column.DAYS_60, Column.DAYS_90,
         Column.CREDIT}
    )  # fmt: skip

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._row_of: dict[str, int] = {}

    def set_rows(self, rows: Sequence[HouseholdRow], style: MoneyStyle) -> None:
        """Replace every row."""
        super().set_rows(rows, style)
        self._row_of = {row.ref: n for n, row in enumerate(rows)}

    def row_of(self, ref: str) -> int | None:
        """The model row showing this household, if any."""
        return self._row_of.get(ref)

    def raw(self, row: HouseholdRow, column: int) -> Any:
        """Sort values: references and names folded, money in cents."""
        which = Column(column)
        if which is Column.REF:
            return row.ref.casefold()
        if which is Column.NAME:
            return row.name.casefold()
        if which is Column.BALANCE:
            return row.balance_cents
        if which is Column.CREDIT:
            return row.credit_cents
        return getattr(row, _AGES[which])

    def display(self, row: HouseholdRow, column: int) -> str:
        """Money as rands; an empty age bucket or credit reads as nothing, not R 0,00."""
        if column == Column.REF:
            return row.ref
        if column == Column.NAME:
            return row.name
        cents = self.raw(row, column)
        if column != Column.BALANCE and cents == 0:
            return ""
        return format_rands(cents, self.style)

    def foreground(self, row: HouseholdRow, column: int) -> QBrush | None:
        """Late money red (90+) or amber (30, 60); credit green."""
        if column == Column.DAYS_90 and row.days_90_plus_cents:
            return QBrush(_RED)
        if column in (Column.DAYS_30, Column.DAYS_60) and self.raw(row, column):
            return QBrush(_AMBER)
        if column == Column.CREDIT or (column == Column.BALANCE and row.balance_cents < 0):
            return QBrush(_GREEN)
        return None

    def search_text(self, row: HouseholdRow) -> str:
        """Reference, parent, e-mail and children, lower case."""
        kids = " ".join(f"{c.ref} {c.name}" for c in row.children)
        return f"{row.ref} {row.name} {row.email or ''} {kids}".lower()


class HouseholdsProxy(RawSortFilterProxy):
    """Sorts on raw values; shows the households of the chosen filter that match the search."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shows: Callable[[HouseholdRow], bool] = FILTERS[0][1]

    def set_filter(self, shows: Callable[[HouseholdRow], bool]) -> None:
        """Show only households ``shows`` accepts."""
        self.beginFilterChange()
        self._shows = shows
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """The filter first, then the typed words."""
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ItemRole.ROW)
        if row is None or not self._shows(row):
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def shown_rows(self) -> list[HouseholdRow]:
        """The households shown, in the order shown."""
        return [self.index(r, 0).data(ItemRole.ROW) for r in range(self.rowCount())]
