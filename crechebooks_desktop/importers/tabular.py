"""Reading CSV files as tables of text with their line numbers, and checking cells.

General on purpose: the fee and roster imports use it, and bank statement CSV
profiles will. A file is decoded as UTF-8 (a byte-order mark is dropped) or,
when it is not valid UTF-8, as Windows-1252 (what Excel on a South African PC
saves as "CSV"). Header names are compared stripped and in lower case. Every
row keeps its physical line number, so a problem can name it exactly:
``roster.csv:7: child_dob: not a date ...`` (:class:`ImportProblem`).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from crechebooks_desktop.domain.dates import (
    NotADay,
    birth_date_problem,
    book_date_problem,
    iso_day,
)
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError, sorted_problems
from crechebooks_desktop.domain.text import one_line_problem
from crechebooks_desktop.errors import UserFacingError

__all__ = [
    "Cells",
    "ImportProblem",
    "Parsed",
    "ProblemsError",
    "Row",
    "Table",
    "ValueTooLong",
    "check_columns",
    "csv_records",
    "decode",
    "normalise_header",
    "parse_table",
    "read_table",
    "read_text",
    "sorted_problems",
]

_BOM = "\ufeff"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

_E = TypeVar("_E", bound=enum.Enum)
_T = TypeVar("_T")


def decode(data: bytes, file: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), else Windows-1252.

    Raises:
        UserFacingError: the bytes are neither (e.g. UTF-16, or not text at all).
    """
    if b"\x00" in data:
        raise UserFacingError(f"{file} is not a CSV text file; save it as 'CSV UTF-8'")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UserFacingError(
                f"{file} is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"
            ) from None
    return text.removeprefix(_BOM)


def read_text(path: Path, file: str | None = None) -> str:
    """The decoded text of a file.

    Args:
        path: the file.
        file: its name for messages (default: the path as given).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    name = str(path) if file is None else file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserFacingError(f"cannot read {name}: {exc.strerror or exc}") from None
    return decode(data, name)


def normalise_header(name: str) -> str:
    """A column name as compared: stripped and lower-case (``" Amount"`` -> ``amount``)."""
    return name.strip().lower()


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its physical line and its values by (normalised) column name.

    Columns the row has no value for (a short row) are absent from ``values``.
    """

    line: int
    values: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file read as text.

    Attributes:
        file: the file's name as the user gave it.
        columns: normalised header names, in file order (blank names dropped).
        header_line: the line of the header (0 when the file is empty).
        rows: the data rows, blank rows left out.
        problems: what is wrong with the file's shape (duplicate columns,
            values beyond the header, no header at all).
    """

    file: str
    columns: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]
    problems: tuple[ImportProblem, ...] = ()

    def problem(self, line: int, field: str, message: str) -> ImportProblem:
        """A problem in this file."""
        return ImportProblem(self.file, line, field, message)


@dataclass(frozen=True, slots=True)
class Parsed(Generic[_T]):
    """Rows read from a file into values, and every problem found on the way.

    Rows with a problem are left out of ``rows``; a file with any problem is
    refused as a whole by whoever applies it.
    """

    file: str
    rows: tuple[_T, ...]
    problems: tuple[ImportProblem, ...]


class ValueTooLong(UserFacingError):
    """A CSV value longer than the csv module reads (``csv.field_size_limit``).

    Most often a quote that is never closed, which makes the rest of the file
    one value. Whoever reads the file turns it into the file's one problem
    with :meth:`refusal`, naming the column when the header is known.

    Attributes:
        line: the physical line where the record holding the value starts.
        position: the value's column, counted from 0.
    """

    def __init__(self, line: int, position: int) -> None:
        self.line, self.position = line, position
        super().__init__(f"line {line}: column {position + 1}: {self.message}")

    @property
    def message(self) -> str:
        """What is wrong, for the user."""
        limit = csv.field_size_limit()
        return f"too long (more than {limit:,} characters; is a quote left open?)"

    def refusal(self, file: str, names: Sequence[str] = ()) -> ProblemsError:
        """The file refused with this one problem, under the column's name if known."""
        known = self.position < len(names) and names[self.position]
        field = names[self.position] if known else f"column {self.position + 1}"
        return ProblemsError([ImportProblem(file, self.line, field, self.message)], file)


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(first physical line, cells)`` of each non-blank CSV record.

    Raises:
        ValueTooLong: a value is longer than the csv module reads; the
            records before it have been yielded.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells
    # On decoded text read with newline="" and the default dialect, the field
    # size limit is the only error the csv module raises (issue 10). The limit
    # stays: no name or description is that long; it is a quote left open.
    except csv.Error:
        start = previous_end + 1
        rest = "".join(itertools.islice(io.StringIO(text, newline=""), start - 1, None))
        raise ValueTooLong(start, _long_value_position(rest, delimiter)) from None


def _long_value_position(record: str, delimiter: str) -> int:
    """The column of a record's first value over the csv module's limit.

    Follows the csv module's default quoting (``"``, doubled inside quotes)
    only to name the column; the csv module has already read everything else.
    """
    limit = csv.field_size_limit()
    position = length = index = 0
    quoted, at_start = False, True
    while index < len(record) and length <= limit:
        char = record[index]
        index += 1
        if quoted and char == '"' and record[index : index + 1] == '"':
            index += 1
            length += 1
        elif char == '"' and (quoted or at_start):
            quoted = not quoted
        elif not quoted and char == delimiter:
            position, length = position + 1, 0
            at_start = True
            continue
        else:
            length += 1
        at_start = False
    return position


def _header(table_file: str, line: int, cells: list[str]) -> tuple[list[str], list[ImportProblem]]:
    names = [normalise_header(cell) for cell in cells]
    problems = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(ImportProblem(table_file, line, name, "column appears more than once"))
        seen.add(name)
    return names, problems


def _rows(
    file: str,
    names: Sequence[str],
    records: Iterable[tuple[int, list[str]]],
    problems: list[ImportProblem],
) -> list[Row]:
    """The data rows under a header; values under no column are added to ``problems``."""
    rows = []
    for line, cells in records:
        values = {}
        for position, cell in enumerate(cells):
            name = names[position] if position < len(names) else ""
            if name:
                values[name] = cell
            elif cell.strip():
                problems.append(
                    ImportProblem(
                        file,
                        line,
                        f"column {position + 1}",
                        "a value under no column (a comma too many, or a missing header)",
                    )
                )
        rows.append(Row(line, values))
    return rows


def parse_table(text: str, file: str, delimiter: str = ",") -> Table:
    """Split CSV text into a header and rows, keeping physical line numbers.

    Blank lines (and rows of empty cells, as spreadsheets leave) are skipped.
    A value under a column with a blank name is a problem; blank trailing
    header cells with nothing under them are ignored. A file without rows
    under its header is a problem too (it is most likely the wrong file).

    Args:
        text: the decoded file.
        file: its name, for problems.
        delimiter: the separator between values.

    Returns:
        The table; problems of its shape are in ``Table.problems``.

    Raises:
        ProblemsError: a value is longer than the csv module reads; it is the
            file's one problem (:class:`ValueTooLong`).
    """
    records = csv_records(text, delimiter)
    try:
        first = next(records, None)
    except ValueTooLong as exc:
        raise exc.refusal(file) from None
    if first is None:
        return Table(file, (), 0, (), (ImportProblem(file, 1, "file", "the file is empty"),))
    header_line, header_cells = first
    names, problems = _header(file, header_line, header_cells)
    try:
        rows = _rows(file, names, records, problems)
    except ValueTooLong as exc:
        raise exc.refusal(file, names) from None
    if not rows:
        problems.append(ImportProblem(file, header_line, "file", "no rows under the header"))
    columns = tuple(dict.fromkeys(name for name in names if name))
    return Table(file, columns, header_line, tuple(rows), tuple(problems))


def read_table(path: Path, file: str | None = None, delimiter: str = ",") -> Table:
    """Read and split a CSV file (see :func:`read_text` and :func:`parse_table`).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    name = str(path) if file is None else file
    return parse_table(read_text(path, name), name, delimiter)


def check_columns(
    table: Table, required: Sequence[str], optional: Sequence[str] = ()
) -> list[ImportProblem]:
    """Problems with the header: unknown columns and missing required ones.

    Args:
        table: the file.
        required: columns that must be there (their values may still be blank).
        optional: columns that may be there.

    Returns:
        One problem per unknown or missing column, on the header line.
    """
    if not table.header_line:
        return []
    known = (*required, *optional)
    expected = ", ".join(known)
    problems = [
        table.problem(table.header_line, name, f"unknown column (expected: {expected})")
        for name in table.columns
        if name not in known
    ]
    problems += [
        table.problem(table.header_line, name, "required column is missing")
        for name in required
        if name not in table.columns
    ]
    return problems


@dataclass
class Cells:
    """The values of one row, read field by field, collecting problems.

    Each reader returns None for a blank value (or one that has a problem), so
    a caller reads every field, then builds its value only when ``ok``. A
    required value under a column the file lacks is not reported again: the
    missing column already was (:func:`check_columns`).
    """

    table: Table
    row: Row
    problems: list[ImportProblem] = field(default_factory=list)
    incomplete: bool = False

    @property
    def ok(self) -> bool:
        """Whether every field read so far was acceptable."""
        return not self.problems and not self.incomplete

    def problem(self, field_name: str, message: str) -> None:
        """Note a problem with a field of this row."""
        self.problems.append(self.table.problem(self.row.line, field_name, message))

    def readable(self, name: str) -> bool:
        """Whether the file has this column and its value here has no problem."""
        return name in self.table.columns and all(p.field != name for p in self.problems)

    def raw(self, name: str) -> str:
        """A value, stripped (blank when the row or the file lacks it)."""
        return self.row.values.get(name, "").strip()

    def text(self, name: str, *, required: bool = False, max_length: int = 500) -> str | None:
        """A text value on one line; blank is None (a problem when ``required``).

        Every value a file gives is a name, a reference or a value read from
        text, so a line break or other control character inside it is a
        problem (``domain.text``).
        """
        value = self.raw(name)
        if not value:
            self._blank(name, required=required)
            return None
        if len(value) > max_length:
            self.problem(name, f"too long ({len(value)} characters; at most {max_length})")
            return None
        if (problem := one_line_problem(value)) is not None:
            self.problem(name, problem)
            return None
        return value

    def _blank(self, name: str, *, required: bool) -> None:
        if not required:
            return
        if name in self.table.columns:
            self.problem(name, "a value is required")
        else:
            self.incomplete = True

    def date(self, name: str, *, required: bool = False, birth: bool = False) -> dt.date | None:
        """An ISO date (YYYY-MM-DD) that the book takes (``domain.dates``).

        A book date lies within the book's years; a date of birth (``birth``)
        is not after today nor too long before it.
        """
        value = self.text(name, required=required)
        if value is None:
            return None
        if not _ISO_DATE.fullmatch(value):
            self.problem(name, f"not a date in the form YYYY-MM-DD: {value!r}")
            return None
        try:
            day = iso_day(value)
        except NotADay as exc:
            self.problem(name, str(exc))
            return None
        today = dt.date.today()  # noqa: DTZ011 - the creche's own calendar day
        problem = birth_date_problem(day, today) if birth else book_date_problem(day)
        if problem is not None:
            self.problem(name, problem)
            return None
        return day

    def cents(self, name: str, *, required: bool = False, positive: bool = False) -> int | None:
        """An amount in Rand (``4500.00``, ``R 4 500,00``) as cents; never negative.

        ``parse_rands`` holds it to the book's limit (``domain.money.MAX_AMOUNT_CENTS``).
        """
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            cents = parse_rands(value)
        except MoneyError as exc:
            self.problem(name, str(exc))
            return None
        if cents < 0 or (positive and cents == 0):
            limit = "more than zero" if positive else "zero or more"
            self.problem(name, f"must be {limit}, not {value!r}")
            return None
        return cents

    def choice(self, name: str, kind: type[_E], *, required: bool = False) -> _E | None:
        """One of an enum's members, by name in any case."""
        value = self.text(name, required=required)
        if value is None:
            return None
        member = kind.__members__.get(value.upper())
        if member is None:
            names = list(kind.__members__)
            listed = ", ".join(names[:-1]) + f" or {names[-1]}"
            self.problem(name, f"{value!r} is not one of {listed}")
        return member

    def parsed(self, name: str, parse: Callable[[str], _T]) -> _T | None:
        """A value read by ``parse``, which raises ValueError with the message."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(name, str(exc))
            return None

    def messages(self, name: str, messages: Iterable[str]) -> None:
        """Note several problems with one field."""
        for message in messages:
            self.problem(name, message)


def parse_rows(
    table: Table,
    column_problems: Iterable[ImportProblem],
    to_value: Callable[[Cells], _T | None],
    unique: tuple[str, Callable[[str], str], Callable[[str, int], str]] | None = None,
) -> Parsed[_T]:
    """Every row of a file as a value, with every problem of the file and its rows.

    Args:
        table: the file's rows.
        column_problems: problems with its header (``check_columns``).
        to_value: turns a row's cells into a value, or None (problems recorded on the cells).
        unique: ``(field, key, message)`` when a field may appear only once: ``key``
            normalises the cell (e.g. case-folds it) and ``message(text, first_line)``
            describes a repeat.

    Returns:
        The good rows' values and all the problems; the rows are usable only
        when there are no problems at all.
    """
    problems: list[ImportProblem] = [*table.problems, *column_problems]
    values: list[_T] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        cells = Cells(table, row)
        value = to_value(cells)
        if unique is not None:
            field, key, message = unique
            text = cells.raw(field)
            seen = key(text)
            if seen in first_line:
                cells.problem(field, message(text, first_line[seen]))
            elif seen:
                first_line[seen] = row.line
        if value is not None and cells.ok:
            values.append(value)
        problems += cells.problems
    return Parsed(table.file, tuple(values), tuple(problems))
