"""Making a reconciliation statement: render it, write the file asked for, archive a finished one.

A PDF of a FINISHED reconciliation is archived as well
(``services.reconciliation.documents``); a PDF of one in progress is a draft,
and a workbook is never archived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.reconciliation_report import render_pdf, render_xlsx
from crechebooks_desktop.services.documents import write_atomically
from crechebooks_desktop.services.reconciliation import documents
from crechebooks_desktop.services.reconciliation.documents import ArchivedReconciliation
from crechebooks_desktop.services.reconciliation.reconcile import ReconcileReport

__all__ = ["MadeReport", "make_report"]


@dataclass(frozen=True, slots=True)
class MadeReport:
    """A reconciliation statement made, and what became of its archive copy.

    Attributes:
        report: what the statement shows.
        data: the file's bytes (PDF or workbook).
        written: the file written where asked (None: none was asked for).
        archived: the archived copy (None: not archived).
        not_archived: why a PDF was not archived (None: it was, or it is a workbook).
    """

    report: ReconcileReport
    data: bytes
    written: Path | None
    archived: ArchivedReconciliation | None
    not_archived: str | None


def make_report(
    uow: UnitOfWork,
    actor: Actor,
    account_name: str,
    statement_date: dt.date,
    data_dir: Path,
    out: Path | None = None,
) -> MadeReport:
    """Render the statement, write it to ``out`` (by its ending), and archive a finished PDF.

    The file asked for is written before anything is archived, so a file that
    cannot be written leaves the archive as it was.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who makes it (any role that may read the book).
        account_name: the bank account.
        statement_date: which reconciliation.
        data_dir: the book's data folder (the archive is under it).
        out: ``FILE.pdf`` or ``FILE.xlsx`` to write (replaced if it exists);
            None: a PDF, not written anywhere but the archive (for printing).

    Returns:
        The statement, its bytes, where it was written and archived.

    Raises:
        PermissionDenied: the actor may not read the book.
        NotFoundError: no such account, or no reconciliation at that date.
        UserFacingError: ``out`` is not a PDF or workbook, or a file cannot be written.
    """
    suffix = out.suffix.lower() if out is not None else ".pdf"
    if suffix not in {".pdf", ".xlsx"}:
        raise UserFacingError(f"{out}: the report is written as FILE.pdf or FILE.xlsx")
    found = documents.report_for_print(uow, actor, account_name, statement_date)
    data = render_pdf(found) if suffix == ".pdf" else render_xlsx(found)
    if out is not None:
        write_atomically(out, data)
    if suffix != ".pdf":
        return MadeReport(found, data, out, None, None)
    why = documents.not_archived_because(found.status)
    if why is not None:
        return MadeReport(found, data, out, None, why)
    archived = documents.archive_reconciliation_pdf(uow, actor, found, data, data_dir)
    return MadeReport(found, data, out, archived, None)
