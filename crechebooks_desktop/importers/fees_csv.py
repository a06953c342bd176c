"""Reading a fees file: ``name,fee_type,amount,registration_fee,re_registration_fee``.

``fee_type`` is FULL_DAY, HALF_DAY, HOURLY or CUSTOM; ``amount`` is the monthly
fee (FULL_DAY, HALF_DAY), the hourly rate (HOURLY) or blank (CUSTOM); the two
registration fees may be blank (none). Amounts are in Rand (``4500.00``).

Reading checks the file on its own; :func:`import_fees_file` then hands the rows
to ``services.roster.file_import.import_fees``, which checks them against the book
and writes them in one transaction, or lists every problem and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import FeeType
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.roster import FeeRow, FeeTerms, fee_problems
from crechebooks_desktop.importers.tabular import (
    Cells,
    Parsed,
    Table,
    check_columns,
    parse_rows,
    read_table,
)
from crechebooks_desktop.services.roster.file_import import ImportSummary, import_fees

__all__ = ["COLUMNS", "import_fees_file", "parse_fees", "read_fees"]

COLUMNS = ("name", "fee_type", "amount", "registration_fee", "re_registration_fee")
_NAME_LENGTH = 200


def _row(cells: Cells) -> FeeRow | None:
    name = cells.text("name", required=True, max_length=_NAME_LENGTH)
    fee_type = cells.choice("fee_type", FeeType, required=True)
    amount = cells.cents("amount")
    registration = cells.cents("registration_fee")
    re_registration = cells.cents("re_registration_fee")
    if fee_type is not None and cells.readable("amount"):
        cells.messages("amount", fee_problems(fee_type, amount))
    if not cells.ok or name is None or fee_type is None:
        return None
    return FeeRow(cells.row.line, FeeTerms(name, fee_type, amount, registration, re_registration))


def parse_fees(table: Table) -> Parsed[FeeRow]:
    """Every row of a fees file as a value, and every problem with the file.

    Besides each value's own checks, a fee name may appear only once (names
    are compared without regard to case).
    """
    return parse_rows(
        table,
        check_columns(table, COLUMNS),
        _row,
        (
            "name",
            str.casefold,
            lambda name, first: f"duplicate fee name {name!r} (first on line {first})",
        ),
    )


def read_fees(path: Path, file: str | None = None) -> Parsed[FeeRow]:
    """Read and check a fees file (no book needed).

    Args:
        path: the file.
        file: its name for messages (default: the path as given).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    return parse_fees(read_table(path, file))


def import_fees_file(
    uow: UnitOfWork, actor: Actor, path: Path, file: str | None = None
) -> ImportSummary:
    """Read a fees file and import it into the actor's creche, all or nothing.

    Raises:
        ProblemsError: the file or its rows have problems; nothing was written.
        PermissionDenied: the actor may not change the roster and fees.
        UserFacingError: the file cannot be read.
    """
    parsed = read_fees(path, file)
    return import_fees(uow, actor, parsed.rows, parsed.file, parsed.problems)
