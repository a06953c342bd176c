"""Reading and importing a previous system's invoices, on the database thread.

The preview reads the file as ``invoices import`` does and, for a user who may
import, makes the service's dry run in a read-only transaction: every problem
the command line would print (the file's own, and those only the book shows:
unknown households, numbers that collide), or else how many rows are new and
how many were imported before. The import runs the same service over the rows
previewed, in one write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.file_import import PREVIEW_ROWS, FilePreview

if TYPE_CHECKING:
    from pathlib import Path

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.importers.tabular import Parsed
    from crechebooks_desktop.services.billing.invoice_history import HistoryImport, HistoryRow
    from crechebooks_desktop.ui.ops import Workplace

PERMISSION = Permission.POST_MONEY
"""Who may import (the service's own check)."""


@dataclass(frozen=True, slots=True)
class HistoryFile:
    """A history file as previewed: its rows, and what importing them would do.

    Attributes:
        parsed: the rows read from the file.
        plan: the service's dry run (None when the user may not import, or the
            file has problems).
    """

    parsed: Parsed[HistoryRow]
    plan: HistoryImport | None


def preview(book: Book, workplace: Workplace, path: Path) -> FilePreview:
    """Read and check a history file; its rows as text and every problem.

    Raises:
        UserFacingError: the file cannot be read or decoded.
    """
    from crechebooks_desktop.domain.problems import ProblemsError  # noqa: PLC0415
    from crechebooks_desktop.importers.invoice_history_csv import parse_history  # noqa: PLC0415
    from crechebooks_desktop.importers.tabular import read_table  # noqa: PLC0415
    from crechebooks_desktop.services.billing import invoice_history  # noqa: PLC0415

    table = read_table(path, path.name)
    parsed = parse_history(table)
    problems, plan = parsed.problems, None
    if workplace.actor.can(PERMISSION):
        try:
            with book.read(workplace.creche.tenant_id) as uow:
                plan = invoice_history.import_invoice_history(
                    uow, workplace.actor, parsed.rows, parsed.file, parsed.problems, dry_run=True
                )
        except ProblemsError as refused:
            problems = refused.problems
    rows = tuple(
        tuple(row.values.get(column, "") for column in table.columns)
        for row in table.rows[:PREVIEW_ROWS]
    )
    return FilePreview(
        path, table.columns, rows, len(table.rows), problems, HistoryFile(parsed, plan)
    )


def import_rows(book: Book, workplace: Workplace, file: FilePreview) -> HistoryImport:
    """Import the rows previewed, all or nothing (what was imported and skipped).

    Raises:
        ProblemsError: the book refused the rows (every problem); nothing was written.
        PermissionDenied: the user may not post money.
    """
    from crechebooks_desktop.services.billing import invoice_history  # noqa: PLC0415

    history: HistoryFile = file.parsed  # type: ignore[assignment]
    parsed = history.parsed
    with book.write(workplace.creche.tenant_id) as uow:
        return invoice_history.import_invoice_history(
            uow, workplace.actor, parsed.rows, parsed.file, parsed.problems
        )
