"""Which column of a CSV statement is which: a mapping a person makes for a layout.

The mapping itself is a plain value, kept here so that the book can store it
(``bank_csv_profiles``) and the services check it, while the reading lives in
``importers.bank.mapping`` (issue 14). A column is named by its header text or
by its number, counted from 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DATE_FORMATS", "ROLES", "ColumnMapping", "CsvProfileRecord"]

# The forms offered for a mapped date column, as people write them, to strptime.
DATE_FORMATS: dict[str, str] = {
    "DD/MM/YYYY": "%d/%m/%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "YYYY/MM/DD": "%Y/%m/%d",
    "YYYYMMDD": "%Y%m%d",
    "DD-MM-YYYY": "%d-%m-%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD MMM YYYY": "%d %b %Y",
    "MM/DD/YYYY": "%m/%d/%Y",
}
# What a column can be, in the order the mapping step offers them.
ROLES = (
    "ignore",
    "date",
    "description",
    "reference",
    "amount",
    "money in",
    "money out",
    "fee",
    "balance",
)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column is which, for one CSV layout.

    Attributes:
        date: the posting date's column (header text or number from 1).
        date_format: a key of :data:`DATE_FORMATS`.
        description: the text columns, joined in this order.
        amount: a signed amount column; or else ``money_in`` and ``money_out``.
        money_in: money in (taken as written).
        money_out: money out (money out whatever its sign).
        fee: a bank fee per line, made a line of its own.
        balance: the running balance, checked line by line.
        reference: the payer's reference.
        skip_lines: lines before the header (or before the rows).
        has_header: whether the line after ``skip_lines`` names the columns.
        header: the header's keys when the mapping was saved (to recognise
            the layout again); empty for a file without a header.
    """

    date: str
    date_format: str
    description: tuple[str, ...]
    amount: str | None = None
    money_in: str | None = None
    money_out: str | None = None
    fee: str | None = None
    balance: str | None = None
    reference: str | None = None
    skip_lines: int = 0
    has_header: bool = True
    header: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        """What is wrong with the mapping itself, in words (empty when usable)."""
        found = []
        if self.date_format not in DATE_FORMATS:
            found.append(
                f"date format {self.date_format!r} is not one of {', '.join(DATE_FORMATS)}"
            )
        if not self.description:
            found.append("no description column")
        pair = self.money_in is not None or self.money_out is not None
        if self.amount is not None and pair:
            found.append("give an amount column, or money in and money out, not both")
        elif self.amount is None and (self.money_in is None or self.money_out is None):
            found.append("no amount column (or money in and money out columns)")
        if self.skip_lines < 0:
            found.append("lines to skip cannot be negative")
        named = [self.date, *self.description, *self._optional()]
        repeated = sorted({c for c in named if named.count(c) > 1})
        if repeated:
            found.append(f"column {repeated[0]!r} is given two meanings")
        by_text = [c for c in named if not c.strip().isdigit()]
        if not self.has_header and by_text:
            # Without a header there is no text to find a column by (issue 14).
            found.append(
                f"without a header row, columns are given by number (1 is the first), "
                f"not {by_text[0]!r}"
            )
        return found

    def _optional(self) -> list[str]:
        parts = (self.amount, self.money_in, self.money_out, self.fee, self.balance)
        return [c for c in (*parts, self.reference) if c is not None]

    def as_json(self) -> dict[str, object]:
        """The mapping as stored and as ``bank profiles list --json`` prints it."""
        data = dataclasses.asdict(self)
        data["description"] = list(self.description)
        data["header"] = list(self.header)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ColumnMapping:
        """A mapping from :meth:`as_json`'s shape (unknown keys are ignored)."""
        fields = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, object] = {k: v for k, v in data.items() if k in fields}
        for key in ("description", "header"):
            listed = values.get(key) or ()
            values[key] = tuple(str(v) for v in listed) if isinstance(listed, list | tuple) else ()
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CsvProfileRecord:
    """A column mapping saved in the book under a name (``bank profiles``).

    Attributes:
        id: its row.
        name: its name, unique in the creche without regard to case.
        mapping: the columns.
        created_at: when it was saved.
        created_by: who saved it (user name), if known.
    """

    id: int
    name: str
    mapping: ColumnMapping
    created_at: dt.datetime
    created_by: str | None

    @property
    def recognised(self) -> bool:
        """Whether a file is found to have this layout from its header alone."""
        return bool(self.mapping.header)

    def as_json(self) -> dict[str, object]:
        """``{"name", "mapping", "recognised", "created_at", "created_by"}``."""
        return {
            "name": self.name,
            "mapping": self.mapping.as_json(),
            "recognised": self.recognised,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "created_by": self.created_by,
        }
