"""Reading and importing the roster, fees and opening-balances files, on the database thread.

Each preview reads the file as the command line does (``importers``) and
asks the service to check its rows against the book, in a read-only
transaction: the service lists the file's problems with those only the book
shows (an unknown fee, a household that already has an opening balance) and
refuses before writing anything, so the dialog lists exactly what ``fees
import``, ``roster import`` or ``balances import`` would print. An import
runs the same service over the rows previewed, in one write transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.file_import import PREVIEW_ROWS, FilePreview

if TYPE_CHECKING:
    from pathlib import Path

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.unit_of_work import UnitOfWork
    from crechebooks_desktop.domain.problems import ImportProblem
    from crechebooks_desktop.domain.roles import Actor
    from crechebooks_desktop.importers.tabular import Parsed, Table
    from crechebooks_desktop.ui.ops import Workplace

Apply = Callable[["UnitOfWork", "Actor", "Parsed[Any]"], Any]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of file: how it is parsed, which service imports it, who may.

    Attributes:
        parse: the importer's ``parse_*`` (a read table to rows and problems).
        apply: the service call, as the command line makes it.
    """

    parse: Callable[[Table], Parsed[Any]]
    apply: Apply
    permission: Permission


def _fees_kind() -> Kind:
    from crechebooks_desktop.importers.fees_csv import parse_fees  # noqa: PLC0415
    from crechebooks_desktop.services.roster.file_import import import_fees  # noqa: PLC0415

    return Kind(
        parse_fees,
        lambda uow, actor, p: import_fees(uow, actor, p.rows, p.file, p.problems),
        Permission.MANAGE_ROSTER,
    )


def _roster_kind() -> Kind:
    from crechebooks_desktop.importers.roster_csv import parse_roster  # noqa: PLC0415
    from crechebooks_desktop.services.roster.file_import import import_roster  # noqa: PLC0415

    return Kind(
        parse_roster,
        lambda uow, actor, p: import_roster(uow, actor, p.rows, p.file, p.problems),
        Permission.MANAGE_ROSTER,
    )


def _balances_kind() -> Kind:
    from crechebooks_desktop.importers.balances_csv import parse_balances  # noqa: PLC0415
    from crechebooks_desktop.services.ledger.household_balances import import_opening_balances  # noqa: PLC0415

    return Kind(
        parse_balances,
        lambda uow, actor, p: import_opening_balances(uow, actor, p.rows, p.file, p.problems),
        Permission.POST_MONEY,
    )


KINDS: dict[str, Callable[[], Kind]] = {
    "fees": _fees_kind,
    "roster": _roster_kind,
    "balances": _balances_kind,
}
"""The kinds of file by name; built when used, so the services load on the database thread."""


def preview(book: Book, workplace: Workplace, kind_name: str, path: Path) -> FilePreview:
    """Read and check a file; its rows as text, and every problem (none: it can be imported).

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    from crechebooks_desktop.importers.tabular import read_table  # noqa: PLC0415

    kind = KINDS[kind_name]()
    table = read_table(path, path.name)
    parsed = kind.parse(table)
    problems = parsed.problems
    if workplace.actor.can(kind.permission):
        problems = _checked_against_the_book(book, workplace, kind, parsed)
    rows = tuple(
        tuple(row.values.get(column, "") for column in table.columns)
        for row in table.rows[:PREVIEW_ROWS]
    )
    return FilePreview(path, table.columns, rows, len(table.rows), problems, parsed)


def _checked_against_the_book(
    book: Book, workplace: Workplace, kind: Kind, parsed: Parsed[Any]
) -> tuple[ImportProblem, ...]:
    """Every problem the service finds, the file's own and the book's.

    One more known problem (``probe``) makes the service refuse even a good
    file once it has checked every row against the book, before it writes;
    the transaction is read-only besides.
    """
    from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError  # noqa: PLC0415

    probe = ImportProblem(parsed.file, 0, "file", "checked against the book")
    try:
        with book.read(workplace.creche.tenant_id) as uow:
            kind.apply(uow, workplace.actor, replace(parsed, problems=(*parsed.problems, probe)))
    except ProblemsError as refused:
        return tuple(p for p in refused.problems if p is not probe)
    raise RuntimeError("the import service did not refuse a file with a problem")


def import_file(book: Book, workplace: Workplace, kind_name: str, file: FilePreview) -> Any:
    """Import the rows previewed, all or nothing (the service's result).

    Raises:
        ProblemsError: the book refused the rows (every problem); nothing was written.
        PermissionDenied: the user may not import this kind of file.
    """
    kind = KINDS[kind_name]()
    with book.write(workplace.creche.tenant_id) as uow:
        return kind.apply(uow, workplace.actor, file.parsed)  # type: ignore[arg-type]
