"""Printing one statement: render its PDF, optionally save a copy, and archive it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.household_statement import StatementOf
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.exporters.statement_pdf import (
    banking_details_missing,
    render_statement_pdf,
)
from crechebooks_desktop.services.documents import write_atomically
from crechebooks_desktop.services.household_statements import documents
from crechebooks_desktop.services.household_statements.documents import ArchivedStatement
from crechebooks_desktop.services.household_statements.statement import Period

__all__ = ["PrintedStatement", "print_statement"]


@dataclass(frozen=True, slots=True)
class PrintedStatement:
    """A statement's PDF and where it is archived.

    Attributes:
        banking_missing: the creche has no banking details (the page says so).
    """

    statement: StatementOf
    pdf: bytes
    archived: ArchivedStatement
    banking_missing: bool


def print_statement(
    uow: UnitOfWork,
    actor: Actor,
    account_ref: str,
    period: Period,
    data_dir: Path,
    *,
    child_ref: str | None = None,
    open_items: bool = False,
    copy_to: Path | None = None,
) -> PrintedStatement:
    """``statements pdf --household REF``: render, write a copy where asked, and archive.

    The copy is written before anything is archived, so a copy that cannot be
    written leaves the archive as it was.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who prints (any role that may read the book).
        account_ref: the household.
        period: the statement's dates.
        data_dir: the book's data folder (the archive is under it).
        child_ref: one child's statement instead of the household's.
        open_items: only what is still owed at the end date.
        copy_to: a file to write the PDF to as well (replaced if it exists).

    Returns:
        The statement, its PDF and its archived copy.

    Raises:
        NotFoundError: no such household or child.
        RuleViolation: a child's open-items statement.
        UserFacingError: the copy or the archive cannot be written.
    """
    statement, creche = documents.statement_for_print(
        uow, actor, account_ref, period, child_ref=child_ref, open_items=open_items
    )
    pdf = render_statement_pdf(statement, creche)
    if copy_to is not None:
        write_atomically(copy_to, pdf)
    archived = documents.archive_statement_pdf(uow, actor, statement, pdf, data_dir)
    return PrintedStatement(statement, pdf, archived, banking_details_missing(creche))
