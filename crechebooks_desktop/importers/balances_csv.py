"""Reading an opening-balances file: ``household_ref,amount,as_of``.

``amount`` is in Rand (``1500.00``, ``R 1 500,00``, ``-250.00``, ``(250.00)``):
positive when the household owes the creche, negative when it is in credit;
``as_of`` is the date the balance was taken (YYYY-MM-DD). Each household
appears once.

Reading checks the file on its own (columns, amounts, dates, duplicates);
:func:`import_balances_file` then hands the rows to
``services.ledger.household_balances.import_opening_balances``, which checks the households
against the book and writes everything in one transaction, or lists every
problem (``FILE:LINE: field: message``) and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.importers.tabular import (
    Cells,
    Parsed,
    Table,
    check_columns,
    parse_rows,
    read_table,
)
from crechebooks_desktop.services.ledger.household_balances import (
    ImportedBalance,
    OpeningBalanceRow,
    import_opening_balances,
)

__all__ = ["COLUMNS", "import_balances_file", "parse_balances", "read_balances"]

COLUMNS = ("household_ref", "amount", "as_of")
_REF_LENGTH = 40


def _amount(cells: Cells) -> int | None:
    """A signed amount that is not zero (``parse_rands`` holds it to the book's limit)."""
    text = cells.text("amount", required=True)
    if text is None:
        return None
    try:
        cents = parse_rands(text)
    except MoneyError as exc:
        cells.problem("amount", str(exc))
        return None
    if cents == 0:
        cells.problem("amount", "an opening balance of zero needs no row; leave the row out")
        return None
    return cents


def _row(cells: Cells) -> OpeningBalanceRow | None:
    ref = cells.text("household_ref", required=True, max_length=_REF_LENGTH)
    amount = _amount(cells)
    as_of = cells.date("as_of", required=True)
    if not cells.ok or ref is None or amount is None or as_of is None:
        return None
    return OpeningBalanceRow(cells.row.line, ref, amount, as_of)


def parse_balances(table: Table) -> Parsed[OpeningBalanceRow]:
    """Every row of an opening-balances file as a value, and every problem with it.

    Besides each value's own checks, a household may appear only once
    (references are compared without regard to case).
    """
    return parse_rows(
        table,
        check_columns(table, COLUMNS),
        _row,
        (
            "household_ref",
            str.casefold,
            lambda ref, first: f"duplicate household {ref!r} (first on line {first})",
        ),
    )


def read_balances(path: Path, file: str | None = None) -> Parsed[OpeningBalanceRow]:
    """Read and check an opening-balances file (no book needed).

    Args:
        path: the file.
        file: its name for messages (default: the path as given).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    return parse_balances(read_table(path, file))


def import_balances_file(
    uow: UnitOfWork, actor: Actor, path: Path, file: str | None = None
) -> list[ImportedBalance]:
    """Read an opening-balances file and bring it into the actor's creche, all or nothing.

    Raises:
        ProblemsError: the file or its rows have problems; nothing was written.
        PermissionDenied: the actor may not post money.
        UserFacingError: the file cannot be read.
    """
    parsed = read_balances(path, file)
    return import_opening_balances(uow, actor, parsed.rows, parsed.file, parsed.problems)
