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
balance chained line by line. The mapping itself (:class:`ColumnMapping`) is a
plain value of ``domain.column_mapping``, so that the book can keep it.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.column_mapping import DATE_FORMATS, ROLES, ColumnMapping
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
    "from_roles",
    "guess_date_format",
    "head",
    "read_mapped",
    "recognise",
    "sample",
]

_SAMPLE_LINES = 200
MAX_SKIP_LINES = 50
"""Lines a mapping may skip before its header: as far as the profiles look for one."""


@dataclass(frozen=True, slots=True)
class Sample:
    """The first rows of a file, for the mapping step to show.

    Attributes:
        delimiter: the delimiter found.
        names: the header's cells (``Column 1``... without a header).
        rows: ``(line, cells)`` of the first rows under it.
        header: the header row's own cells (empty without a header); unlike
            ``names``, not padded to the widest row.
    """

    delimiter: str
    names: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header: tuple[str, ...] = ()

    @property
    def header_keys(self) -> tuple[str, ...]:
        """The header as :func:`recognise` compares it (what a saved mapping keeps)."""
        return tuple(header_key(name) for name in self.header)


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
    header = names
    names += tuple(f"Column {i + 1}" for i in range(len(names), width))
    rows = tuple((line, tuple(cells)) for line, cells in records)
    return Sample(delimiter, names, rows, header)


def _position(column: str, names: Sequence[str], file: str) -> int:
    keys = [header_key(name) for name in names]
    if column.strip().isdigit():
        number = int(column)
        if 1 <= number <= max(len(keys), 1) or not keys:
            return number - 1
    key = header_key(column)
    if key in keys:
        return keys.index(key)
    raise UserFacingError(
        f"{file}: the mapping names a column {column!r} that the file does not have"
        + (f" (its columns: {', '.join(names)})" if names else "")
    )


def _header(text: str, file: str, mapping: ColumnMapping, name: str) -> Header:
    delimiter = delimiter_of(text, mapping.skip_lines)
    records = _records(text, delimiter, mapping.skip_lines)
    if not records:
        raise UserFacingError(f"{file}: no rows after the first {mapping.skip_lines} line(s)")
    first_line, first_cells = records[0]
    names = tuple(cell.strip() for cell in first_cells) if mapping.has_header else ()

    def at(column: str | None) -> int | None:
        return None if column is None else _position(column, names, file)

    columns = Columns(
        date=_position(mapping.date, names, file),
        description=tuple(_position(c, names, file) for c in mapping.description),
        amount=at(mapping.amount),
        money_in=at(mapping.money_in),
        money_out=at(mapping.money_out),
        fee=at(mapping.fee),
        balance=at(mapping.balance),
        reference=at(mapping.reference),
        payer=None,
    )
    line = first_line if mapping.has_header else first_line - 1
    if not mapping.has_header:
        # Without a header the columns are named by number, in messages as in the mapping.
        used = (columns.date, *columns.description, columns.amount, columns.money_in)
        used += (columns.money_out, columns.fee, columns.balance, columns.reference)
        width = max(len(first_cells), *(p + 1 for p in used if p is not None))
        names = tuple(f"Column {i + 1}" for i in range(width))
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


def head(data: bytes, file: str) -> bytes:
    """The first lines of a file, as UTF-8, for the mapping step to work on in memory.

    Enough lines for :func:`sample` and a preview with :func:`read_mapped`
    after any lines a mapping may skip; cut at a line's end, so each line
    keeps its number.

    Raises:
        UserFacingError: the file is not text.
    """
    text = decode(data, file)
    lines = itertools.islice(io.StringIO(text, newline=""), MAX_SKIP_LINES + _SAMPLE_LINES + 1)
    return "".join(lines).encode("utf-8")


def guess_date_format(values: Sequence[str]) -> str | None:
    """The first of :data:`DATE_FORMATS` that reads every one of these dates, or None."""
    texts = [v.strip() for v in values if v.strip()]
    if not texts:
        return None
    for key, pattern in DATE_FORMATS.items():
        try:
            for text in texts:
                dt.datetime.strptime(text, pattern)  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
        return key
    return None


def _column(position: int, header: Sequence[str]) -> str:
    """How a mapping names a column: its header text where that finds it, else its number."""
    if position < len(header):
        name = header[position].strip()
        keys = [header_key(h) for h in header]
        key = header_key(name)
        if key and not name.isdigit() and keys.count(key) == 1:
            return name
    return str(position + 1)


def from_roles(
    roles: Sequence[str],
    found: Sample,
    date_format: str,
    skip_lines: int,
    has_header: bool,
) -> tuple[ColumnMapping | None, list[str]]:
    """The mapping the mapping step's drop-downs make, and what is wrong with it.

    Args:
        roles: one of :data:`ROLES` per column of ``found``.
        found: the sample the roles were chosen on.
        date_format: a key of :data:`DATE_FORMATS`.
        skip_lines: lines before the header (or the rows).
        has_header: whether the first row names the columns; the mapping
            then keeps the header, so that the layout is recognised again.

    Returns:
        The mapping (None when no column is the date) and its problems in
        words (empty when it can be used).
    """
    header = found.header if has_header else ()
    chosen: dict[str, list[str]] = {}
    for position, role in enumerate(roles):
        if role != "ignore":
            chosen.setdefault(role, []).append(_column(position, header))
    problems = [
        f"{len(columns)} columns are the {role}: choose one"
        for role, columns in chosen.items()
        if role != "description" and len(columns) > 1
    ]
    single = {role: columns[0] for role, columns in chosen.items()}
    date = single.get("date")
    mapping = ColumnMapping(
        # Without a date the mapping is not made; a column number no file uses
        # stands in so that its other problems can still be said.
        date=date or str(len(roles) + 1),
        date_format=date_format,
        description=tuple(chosen.get("description", ())),
        amount=single.get("amount"),
        money_in=single.get("money in"),
        money_out=single.get("money out"),
        fee=single.get("fee"),
        balance=single.get("balance"),
        reference=single.get("reference"),
        skip_lines=skip_lines,
        has_header=has_header,
        header=found.header_keys if has_header else (),
    )
    problems += mapping.problems()
    if date is None:
        return None, ["choose the date column", *problems]
    return mapping, problems
