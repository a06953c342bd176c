"""Table model over immutable ``HouseholdSummary`` rows."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtGui import QBrush, QColor

from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.ui.common.table_model import RowTableModel

_OWED = QColor("#9b2c2c")
_CREDIT = QColor("#276749")


class Column(enum.IntEnum):
    """The columns, in order."""

    ACCOUNT = 0
    PARENT = 1
    CHILDREN = 2
    PHONE = 3
    OUTSTANDING = 4
    CREDIT = 5
    BALANCE = 6


class HouseholdTableModel(RowTableModel[HouseholdSummary]):
    """Households as rows; money columns sort on raw cents."""

    columns = Column
    headers = (
        "Account",
        "Parent / guardian",
        "Children",
        "Phone",
        "Outstanding",
        "Credit",
        "Balance",
    )
    money_columns = frozenset({Column.OUTSTANDING, Column.CREDIT, Column.BALANCE})

    def totals(self) -> tuple[int, int, int]:
        """Outstanding, credit and balance over every row, in cents."""
        rows = self.rows()
        return (
            sum(r.outstanding_cents for r in rows),
            sum(r.credit_cents for r in rows),
            sum(r.balance_cents for r in rows),
        )

    def raw(self, row: HouseholdSummary, column: int) -> Any:
        """Cents for money, text for the rest."""
        return (
            row.account_ref,
            row.parent_name,
            ", ".join(row.children),
            row.phone or "",
            row.outstanding_cents,
            row.credit_cents,
            row.balance_cents,
        )[column]

    def search_text(self, row: HouseholdSummary) -> str:
        """Account, parents, children, email and phone."""
        parts = (
            row.account_ref,
            row.parent_name,
            row.second_parent_name or "",
            " ".join(row.children),
            row.email or "",
            row.phone or "",
        )
        return " ".join(parts).lower()

    def foreground(self, row: HouseholdSummary, column: int) -> QBrush | None:
        """Owed in red, credit in green, on the balance column."""
        if column != Column.BALANCE or row.balance_cents == 0:
            return None
        return QBrush(_OWED if row.balance_cents > 0 else _CREDIT)
