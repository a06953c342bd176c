"""Custom item-data roles shared by the table models."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt


class ItemRole(enum.IntEnum):
    """Roles beyond Qt's own: raw values for sorting and filtering."""

    SORT = Qt.ItemDataRole.UserRole + 1
    """The raw value (cents as int, text folded to lower case) the proxy sorts on."""
    FILTER = Qt.ItemDataRole.UserRole + 2
    """All of a row's searchable text, lower case."""
    ROW = Qt.ItemDataRole.UserRole + 3
    """The row's immutable value object."""
