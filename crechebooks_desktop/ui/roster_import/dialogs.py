"""The roster, fees and opening-balances import dialogs (issue 13), on the shared base.

Each says which columns its file has, which job reads and imports it, and
what an import did; the base (``ui/common/file_import.py``) previews the file
and lists every problem, with nothing written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from crechebooks_desktop.domain.roles import Permission
from crechebooks_desktop.ui.common.file_import import FileImportDialog, FilePreview
from crechebooks_desktop.ui.ops import BookSession, Changes
from crechebooks_desktop.ui.roster_import import jobs

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.ledger.household_balances import ImportedBalance
    from crechebooks_desktop.services.roster.file_import import ImportSummary, RosterImportSummary
    from crechebooks_desktop.ui.ops import Workplace


def _counted(summary: ImportSummary, noun: str) -> str:
    return (
        f"{summary.total} {noun} ({summary.created} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged)"
    )


class _KindDialog(FileImportDialog):
    """A dialog for one of ``jobs.KINDS``."""

    kind = ""

    def preview_job(self, path: Path) -> Callable[[Book, Workplace], FilePreview]:
        """Read and check the file (``jobs.preview``)."""
        kind = self.kind
        return lambda book, w: jobs.preview(book, w, kind, path)

    def import_job(self, file: FilePreview) -> Callable[[Book, Workplace], object]:
        """Import the rows previewed (``jobs.import_file``)."""
        kind = self.kind
        return lambda book, w: jobs.import_file(book, w, kind, file)

    def _name(self) -> str:
        return self.file.path.name if self.file else "the file"


class FeesImportDialog(_KindDialog):
    """Import fee structures, as ``fees import`` does."""

    kind = "fees"

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "Import fee structures",
            "Columns: name, fee_type (FULL_DAY, HALF_DAY, HOURLY or CUSTOM), amount, "
            "registration_fee, re_registration_fee; amounts in Rand. A fee already in the book "
            "is updated by name (its amounts from the start; later changes stay).",
            Permission.MANAGE_ROSTER,
            Changes(roster=True),
            parent,
        )

    def summary(self, result: Any) -> str:
        """How many fees were created, updated and left as they were."""
        return f"Imported {self._name()}: {_counted(result, 'fees')}."


class RosterImportDialog(_KindDialog):
    """Import households, children and enrolments, as ``roster import`` does."""

    kind = "roster"

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "Import the roster",
            "Columns: household_ref, parent_name, parent_email, parent_phone, child_ref, "
            "child_first_name, child_last_name, child_dob, fee_name, start_date, end_date "
            "(and optional custom_amount, hours_per_month, extras). Households and children "
            "already in the book are updated by reference.",
            Permission.MANAGE_ROSTER,
            Changes(roster=True),
            parent,
        )

    def summary(self, result: Any) -> str:
        """What was created, updated and left as it was."""
        done: RosterImportSummary = result
        ended = f"; {done.ended} earlier enrolment(s) ended" if done.ended else ""
        return (
            f"Imported {self._name()}: {_counted(done.households, 'households')}, "
            f"{_counted(done.children, 'children')}, "
            f"{_counted(done.enrolments, 'enrolments')}{ended}."
        )


class BalancesImportDialog(_KindDialog):
    """Import opening balances, as ``balances import`` does."""

    kind = "balances"

    def __init__(self, session: BookSession, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "Import opening balances",
            "Columns: household_ref, amount (in Rand: owed to the creche, or negative when "
            "in credit), as_of (YYYY-MM-DD). Once per household.",
            Permission.POST_MONEY,
            Changes(ledger=True, invoices=True),
            parent,
        )

    def summary(self, result: Any) -> str:
        """How many balances and their total."""
        done: list[ImportedBalance] = result
        workplace = self._session.workplace
        style = MoneyStyle[workplace.creche.money_style] if workplace else MoneyStyle.SPACE_COMMA
        total = format_rands(sum(b.amount_cents for b in done), style)
        return f"Imported {self._name()}: {len(done)} opening balance(s), {total} in all."
