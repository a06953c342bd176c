"""Column mappings: reading a CSV layout that no bank profile recognises.

A user maps a file's columns once (in the import dialog's mapping step or with
``bank profiles add``) and saves the mapping under a name; the next file with
the same header is found again by :func:`recognise`.

A column is named by its header text (compared as ``header_key`` does:
``"Money In (R)"`` is ``moneyin``) or by its number, counted from 1, for files
without a header. ``skip_lines`` lines before the header are ignored (a
preamble of account details); with ``has_header`` false, the rows start
straight after them.

The mapping reads through the same rows reader as the bank profiles, so the
same checks apply: amounts to the cent, a fee as its own line, the running
balance chained line by line.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.csv_profiles import (
    Columns,
    Header,
    Profile,
    blank_sep_line,
    delimiter_of,
    header_key,
)
from crechebooks_desktop.importers.bank.csv_statement import read_under_header
from crechebooks_desktop.importers.bank.text import decode
from crechebooks_desktop.importers.tabular import ValueTooLong, csv_records

__all__ = [
    "DATE_FORMATS",
    "ROLES",
    "ColumnMapping",
    "Sample",
    "read_mapped",
    "recognise",
    "sample",
]

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
_SAMPLE_LINES = 200


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
class Sample:
    """The first rows of a file, for the mapping step to show.

    Attributes:
        delimiter: the delimiter found.
        names: the header's cells (``Column 1``... without a header).
        rows: ``(line, cells)`` of the first rows under it.
    """

    delimiter: str
    names: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def _records(text: str, delimiter: str, skip: int) -> list[tuple[int, list[str]]]:
    head = "".join(itertools.islice(io.StringIO(text, newline=""), skip + _SAMPLE_LINES))
    return [(line, cells) for line, cells in csv_records(head, delimiter) if line > skip]


def sample(data: bytes, file: str, skip_lines: int = 0, has_header: bool = True) -> Sample:
    """The first rows of a CSV file as the mapping step shows them.

    Raises:
        UserFacingError: the file is not text, or has no rows after the
            lines skipped.
    """
    text = blank_sep_line(decode(data, file))
    delimiter = delimiter_of(text, skip_lines)
    try:
        records = _records(text, delimiter, skip_lines)
    except ValueTooLong as exc:
        raise exc.refusal(file) from None
    if not records:
        raise UserFacingError(f"{file}: no rows after the first {skip_lines} line(s)")
    width = max(len(cells) for _, cells in records)
    if has_header:
        names = tuple(cell.strip() for cell in records[0][1])
        records = records[1:]
    else:
        names = ()
    names += tuple(f"Column {i + 1}" for i in range(len(names), width))
    return Sample(delimiter, names, tuple((line, tuple(cells)) for line, cells in records))


def _position(column: str, keys: Sequence[str], file: str) -> int:
    if column.strip().isdigit():
        number = int(column)
        if 1 <= number <= max(len(keys), 1) or not keys:
            return number - 1
    key = header_key(column)
    if key in keys:
        return keys.index(key)
    raise UserFacingError(
        f"{file}: the mapping names a column {column!r} that the file does not have"
        + (f" (its columns: {', '.join(keys)})" if keys else "")
    )


def _header(text: str, file: str, mapping: ColumnMapping, name: str) -> Header:
    delimiter = delimiter_of(text, mapping.skip_lines)
    records = _records(text, delimiter, mapping.skip_lines)
    if not records:
        raise UserFacingError(f"{file}: no rows after the first {mapping.skip_lines} line(s)")
    first_line, first_cells = records[0]
    names = tuple(cell.strip() for cell in first_cells) if mapping.has_header else ()
    keys = [header_key(n) for n in names]

    def at(column: str | None) -> int | None:
        return None if column is None else _position(column, keys, file)

    columns = Columns(
        date=_position(mapping.date, keys, file),
        description=tuple(_position(c, keys, file) for c in mapping.description),
        amount=at(mapping.amount),
        money_in=at(mapping.money_in),
        money_out=at(mapping.money_out),
        fee=at(mapping.fee),
        balance=at(mapping.balance),
        reference=at(mapping.reference),
        payer=None,
    )
    line = first_line if mapping.has_header else first_line - 1
    profile = Profile(name, name, day_first=True)
    return Header(line, names, delimiter, columns, profile)


def read_mapped(data: bytes, file: str, mapping: ColumnMapping, name: str) -> Statement:
    """Read a CSV statement with a column mapping.

    Args:
        data: the file's bytes.
        file: its name, for messages.
        mapping: the mapping (its :meth:`ColumnMapping.problems` must be empty).
        name: the mapping's name, kept as the statement's profile.

    Raises:
        ValueError: the mapping has problems (a bug: check it first).
        UserFacingError: not text, or a mapped column the file lacks.
        ProblemsError: rows with missing or malformed dates or amounts.
    """
    if mapping.problems():
        raise ValueError(f"unusable mapping: {mapping.problems()}")
    text = blank_sep_line(decode(data, file))
    try:
        header = _header(text, file, mapping, name)
    except ValueTooLong as exc:
        raise exc.refusal(file) from None
    return read_under_header(text, file, header, DATE_FORMATS[mapping.date_format])


def recognise(data: bytes, file: str, saved: Mapping[str, ColumnMapping]) -> str | None:
    """The name of a saved mapping whose header the file has, or None.

    A mapping saved without a header is never recognised: it is chosen by name.
    """
    try:
        text = blank_sep_line(decode(data, file))
    except UserFacingError:
        return None
    for name, mapping in saved.items():
        if not mapping.header:
            continue
        delimiter = delimiter_of(text, mapping.skip_lines)
        try:
            records = _records(text, delimiter, mapping.skip_lines)
        except ValueTooLong:
            continue
        if records and tuple(header_key(c) for c in records[0][1]) == mapping.header:
            return name
    return None
