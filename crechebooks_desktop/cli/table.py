"""Plain-text tables for the command line: a header, aligned columns, money on the right.

Every list command prints its rows through :func:`print_table` (issue 13: a table
without column headers leaves the reader guessing). Widths come from the
content; money columns (and any ``right`` column) align right, text left; the
last column is not padded, so no line ends in spaces. ``--json`` output never
goes through here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from crechebooks_desktop.domain.money import format_rands

Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    """One column: its header, how a row shows in it, and which side it aligns to.

    Attributes:
        header: the column's name in the header line.
        value: a row's text in this column.
        right: align right (numbers, amounts).
    """

    header: str
    value: Callable[[Row], str]
    right: bool = False


def text(header: str, value: Callable[[Row], object | None]) -> Column[Row]:
    """A left-aligned column of text (None shows as nothing)."""
    return Column(header, lambda row: _shown(value(row)))


def number(header: str, value: Callable[[Row], object | None]) -> Column[Row]:
    """A right-aligned column of numbers or ids."""
    return Column(header, lambda row: _shown(value(row)), right=True)


def money(header: str, cents: Callable[[Row], int | None]) -> Column[Row]:
    """A right-aligned column of amounts in Rand, from cents (None shows as nothing)."""

    def shown(row: Row) -> str:
        value = cents(row)
        return "" if value is None else format_rands(value)

    return Column(header, shown, right=True)


def _shown(value: object | None) -> str:
    return "" if value is None else str(value)


def table_lines(columns: Sequence[Column[Row]], rows: Sequence[Row]) -> list[str]:
    """The table's lines: the header, then one line per row.

    Args:
        columns: the columns, left to right.
        rows: the rows, in the order to print them.
    """
    cells = [[c.header for c in columns]] + [[c.value(row) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    last = len(columns) - 1
    lines = []
    for line in cells:
        parts = []
        for i, (column, cell) in enumerate(zip(columns, line, strict=True)):
            if column.right:
                parts.append(cell.rjust(widths[i]))
            else:
                parts.append(cell if i == last else cell.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
    return lines


def print_table(columns: Sequence[Column[Row]], rows: Sequence[Row]) -> None:
    """Print the table (header included, even with no rows) to standard output."""
    for line in table_lines(columns, rows):
        print(line)
