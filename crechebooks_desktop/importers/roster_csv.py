"""Reading a roster file: one row per child, with its household and enrolment.

Columns: ``household_ref, parent_name, parent_email, parent_phone, child_ref,
child_first_name, child_last_name, child_dob, fee_name, start_date, end_date``
and, optionally, ``second_parent_name, custom_amount, hours_per_month, extras``.

Rows with the same ``household_ref`` form one household, and must agree about
its parents' details (see :func:`parse_roster`). ``child_ref`` is unique in
the creche. A blank ``end_date`` is open-ended. ``extras`` lists recurring
monthly items as ``LINE_TYPE:amount[:description]`` separated by ``;``. An
optional column that is left out reads as blank in every row.

Reading checks the file on its own; ``services.roster.file_import.import_roster``
then checks the rows against the book (fees, households, enrolments) and
writes them in one transaction, or lists every problem and writes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.problems import ImportProblem
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.roster import (
    ChildDetails,
    HouseholdDetails,
    RosterRow,
    email_problem,
    parse_extras,
    parse_hours,
    reference_problem,
)
from crechebooks_desktop.importers.tabular import (
    Cells,
    Parsed,
    Table,
    check_columns,
    parse_rows,
    read_table,
)
from crechebooks_desktop.services.roster.file_import import RosterImportSummary, import_roster

__all__ = ["OPTIONAL", "REQUIRED", "import_roster_file", "parse_roster", "read_roster"]

REQUIRED = (
    "household_ref",
    "parent_name",
    "parent_email",
    "parent_phone",
    "child_ref",
    "child_first_name",
    "child_last_name",
    "child_dob",
    "fee_name",
    "start_date",
    "end_date",
)
OPTIONAL = ("second_parent_name", "custom_amount", "hours_per_month", "extras")


def _ref(cells: Cells, name: str) -> str | None:
    value = cells.text(name, required=True)
    if value is None:
        return None
    if (problem := reference_problem(value)) is not None:
        cells.problem(name, problem)
        return None
    return value.upper()


def _email(cells: Cells) -> str | None:
    value = cells.text("parent_email", max_length=200)
    if value is not None and (problem := email_problem(value)) is not None:
        cells.problem("parent_email", problem)
        return None
    return value


def _household(cells: Cells) -> HouseholdDetails | None:
    ref = _ref(cells, "household_ref")
    parent = cells.text("parent_name", required=True, max_length=200)
    email = _email(cells)
    phone = cells.text("parent_phone", max_length=40)
    second = cells.text("second_parent_name", max_length=500)
    if ref is None or parent is None:
        return None
    return HouseholdDetails(ref, parent, second, email, phone)


def _child(cells: Cells) -> ChildDetails | None:
    ref = _ref(cells, "child_ref")
    first = cells.text("child_first_name", required=True, max_length=100)
    last = cells.text("child_last_name", required=True, max_length=100)
    born = cells.date("child_dob", birth=True)
    if ref is None or first is None or last is None:
        return None
    return ChildDetails(ref, first, last, born)


def _row(cells: Cells) -> RosterRow | None:
    household = _household(cells)
    child = _child(cells)
    fee_name = cells.text("fee_name", required=True, max_length=200)
    start = cells.date("start_date", required=True)
    end = cells.date("end_date")
    custom = cells.cents("custom_amount")
    hours = cells.parsed("hours_per_month", parse_hours)
    extras, extra_problems = parse_extras(cells.raw("extras"))
    cells.messages("extras", extra_problems)
    if start is not None and end is not None and end < start:
        cells.problem("end_date", f"{end} is before the start date {start}")
    born = child.date_of_birth if child is not None else None
    if start is not None and born is not None and born > start:
        cells.problem("child_dob", f"{born} is after the start date {start}")
    if not cells.ok or household is None or child is None or fee_name is None or start is None:
        return None
    return RosterRow(cells.row.line, household, child, fee_name, start, end, custom, hours, extras)


def parse_roster(table: Table) -> Parsed[RosterRow]:
    """Every row of a roster file as a value, and every problem with the file.

    Besides each value's own checks, a ``child_ref`` may appear only once, and
    the rows of one household must agree about it (:func:`_agreed_households`).
    """
    parsed = parse_rows(
        table,
        check_columns(table, REQUIRED, OPTIONAL),
        _row,
        (
            "child_ref",
            str.upper,
            lambda ref, first: f"duplicate child_ref {ref.upper()} (first on line {first})",
        ),
    )
    return _agreed_households(parsed)


# The household's columns, with the HouseholdDetails field each fills.
_HOUSEHOLD_COLUMNS = (
    ("parent_name", "parent_name"),
    ("second_parent_name", "second_parent_name"),
    ("parent_email", "email"),
    ("parent_phone", "phone"),
)


def _compared(column: str, value: str) -> str:
    """A household value as rows are compared: spaces collapsed; emails in any case."""
    text = " ".join(value.split())
    return text.casefold() if column == "parent_email" else text


def _household_values(
    parsed: Parsed[RosterRow],
) -> tuple[dict[tuple[str, str], tuple[int, str]], list[ImportProblem]]:
    """The first value given for each household's column, and each row that disagrees.

    Returns:
        ``(household_ref, column) -> (line, value)``, and the problems.
    """
    first: dict[tuple[str, str], tuple[int, str]] = {}
    problems: list[ImportProblem] = []
    for row in parsed.rows:
        ref = row.household.account_ref
        for column, attribute in _HOUSEHOLD_COLUMNS:
            value = getattr(row.household, attribute)
            if value is None:
                continue
            line, kept = first.setdefault((ref, column), (row.line, value))
            if _compared(column, kept) != _compared(column, value):
                message = f"{ref} is {kept!r} on line {line} but {value!r} here"
                problems.append(ImportProblem(parsed.file, row.line, column, message))
    return first, problems


def _agreed_households(parsed: Parsed[RosterRow]) -> Parsed[RosterRow]:
    """Refuse rows of one household that disagree; give every row the household's values.

    Two values disagree unless they are equal after collapsing runs of spaces
    (and, for emails, ignoring case). A blank value agrees with anything: a
    row may leave the contacts to another row of its household, and the
    household takes the value given (the first, when rows write it differently
    but agree).
    """
    first, problems = _household_values(parsed)

    def given(ref: str, column: str) -> str | None:
        found = first.get((ref, column))
        return None if found is None else found[1]

    households = {
        ref: HouseholdDetails(
            ref,
            first[(ref, "parent_name")][1],
            given(ref, "second_parent_name"),
            given(ref, "parent_email"),
            given(ref, "parent_phone"),
        )
        for ref in {row.household.account_ref for row in parsed.rows}
    }
    rows = tuple(
        replace(row, household=households[row.household.account_ref]) for row in parsed.rows
    )
    return Parsed(parsed.file, rows, (*parsed.problems, *problems))


def read_roster(path: Path, file: str | None = None) -> Parsed[RosterRow]:
    """Read and check a roster file (no book needed).

    Args:
        path: the file.
        file: its name for messages (default: the path as given).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    return parse_roster(read_table(path, file))


def import_roster_file(
    uow: UnitOfWork, actor: Actor, path: Path, file: str | None = None
) -> RosterImportSummary:
    """Read a roster file and import it into the actor's creche, all or nothing.

    Raises:
        ProblemsError: the file or its rows have problems; nothing was written.
        PermissionDenied: the actor may not change the roster.
        UserFacingError: the file cannot be read.
    """
    parsed = read_roster(path, file)
    return import_roster(uow, actor, parsed.rows, parsed.file, parsed.problems)
