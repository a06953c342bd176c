"""What the Statements tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain, immutable
values. Services (and the statement renderer) load here rather than at
import, so the window shows first.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.ops import Workplace
from crechebooks_desktop.ui.statements.periods import Dates

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.unit_of_work import UnitOfWork
    from crechebooks_desktop.domain.creche import CrecheSettings
    from crechebooks_desktop.domain.household_statement import StatementOf
    from crechebooks_desktop.services.household_statements.statement import Period
    from crechebooks_desktop.services.tasks import TaskState

Renderer = Callable[["StatementOf", "CrecheSettings"], bytes]
RENDERER_MODULE = "crechebooks_desktop.exporters.statement_pdf"


class RendererMissing(UserFacingError):
    """This build has no statement PDF renderer yet."""


@dataclass(frozen=True, slots=True)
class ChildChoice:
    """A child of a household, for a child's statement."""

    ref: str
    name: str


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """One household in the list: its balance at the period's end, by age.

    Attributes:
        balance_cents: the closing balance (negative: in credit).
        current_cents .. days_90_plus_cents: its invoices' balances by age
            (docs/RULES.md, Aging; the 90+ bucket starts after 60 days).
        credit_cents: money held and not yet applied to an invoice.
    """

    household_id: int
    ref: str
    name: str
    email: str | None
    balance_cents: int
    current_cents: int
    days_30_cents: int
    days_60_cents: int
    days_90_plus_cents: int
    credit_cents: int
    children: tuple[ChildChoice, ...] = ()

    @property
    def owing(self) -> bool:
        """Whether the household owes at the end of the period."""
        return self.balance_cents > 0


@dataclass(frozen=True, slots=True)
class ListScreen:
    """Every household's figures for one period."""

    dates: Dates
    rows: tuple[HouseholdRow, ...]


@dataclass(frozen=True, slots=True)
class StatementChoice:
    """Which statement to show: a household's (or one child's), for a period."""

    ref: str
    dates: Dates
    child_ref: str | None = None
    open_items: bool = False

    @property
    def file_name(self) -> str:
        """``statement-DLAMINI01-2026-10.pdf`` (with the child or ``open-items`` when chosen)."""
        whose = self.ref + (f"-{self.child_ref}" if self.child_ref else "")
        kind = "-open-items" if self.open_items else ""
        return f"statement-{whose}-{self.dates.slug}{kind}.pdf"


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch save wrote (and whether the creche's banking details are missing)."""

    folder: Path
    written: tuple[Path, ...]
    total: int
    cancelled: bool
    banking_missing: bool = False


def _tenant(workplace: Workplace) -> int:
    return workplace.creche.tenant_id


def _period(dates: Dates) -> Period:
    from crechebooks_desktop.services.household_statements.statement import Period  # noqa: PLC0415

    return Period(dates.first, dates.last)


# -- the list -----------------------------------------------------------------------------


def load_list(book: Book, workplace: Workplace, dates: Dates) -> ListScreen:
    """Every household's closing balance, aging and credit for the period (one batch read)."""
    from crechebooks_desktop.services.household_statements.statement import (  # noqa: PLC0415
        household_statements,
    )

    period = _period(dates)
    with book.read(_tenant(workplace)) as uow:
        statements = household_statements(uow, period)
        children: dict[int, list[ChildChoice]] = {}
        for child in uow.roster.children():
            name = f"{child.details.first_name} {child.details.last_name}"
            children.setdefault(child.household_id, []).append(
                ChildChoice(child.details.child_ref, name)
            )
    rows = tuple(
        HouseholdRow(
            s.party.household_id,
            s.party.household_ref,
            s.party.parent_name,
            s.party.email,
            s.closing_cents,
            s.aging.current_cents,
            s.aging.days_30_cents,
            s.aging.days_60_cents,
            s.aging.days_90_plus_cents,
            s.credit_cents,
            tuple(children.get(s.party.household_id, ())),
        )
        for s in statements
    )
    return ListScreen(dates, rows)


# -- one statement ------------------------------------------------------------------------


def load_renderer() -> Renderer:
    """The statement PDF renderer (``exporters.statement_pdf``), loaded when first needed.

    Raises:
        RendererMissing: this build does not have it.
    """
    try:
        module = importlib.import_module(RENDERER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != RENDERER_MODULE:
            raise
        raise RendererMissing(
            "statements cannot be shown as pages in this version: the statement PDF is not "
            "available yet"
        ) from None
    return cast("Renderer", module.render_statement_pdf)


def _creche(uow: UnitOfWork, workplace: Workplace) -> CrecheSettings:
    """The creche's settings as they are now (banking details may have changed)."""
    return uow.tenants.get(_tenant(workplace)) or workplace.creche


def statement_pdf(book: Book, workplace: Workplace, choice: StatementChoice) -> bytes:
    """The statement as PDF bytes (for the preview and for printing)."""
    from crechebooks_desktop.services.household_statements.statement import (  # noqa: PLC0415
        household_statement,
    )

    render = load_renderer()
    with book.read(_tenant(workplace)) as uow:
        statement = household_statement(
            uow,
            choice.ref,
            _period(choice.dates),
            child_ref=choice.child_ref,
            open_items=choice.open_items,
        )
        creche = _creche(uow, workplace)
    return render(statement, creche)


def save_pdf(book: Book, workplace: Workplace, choice: StatementChoice, path: Path) -> Path:
    """Write the statement's PDF to ``path`` (complete or not at all)."""
    from crechebooks_desktop.services.documents import write_atomically  # noqa: PLC0415

    return write_atomically(path, statement_pdf(book, workplace, choice))


# -- many statements ----------------------------------------------------------------------


def save_statements(
    book: Book,
    workplace: Workplace,
    household_ids: Sequence[int],
    dates: Dates,
    folder: Path,
    task: TaskState,
    *,
    open_items: bool = False,
) -> BatchResult:
    """Save each household's statement as ``<REF>.pdf`` in ``folder``, each archived.

    The shared batch of ``statements pdf --all`` (``exporters.statement_batch``):
    rendered on every core for a long list, each file whole, each copy kept in
    the archive with its SHA-256; Cancel stops before the next file.
    """
    from crechebooks_desktop.exporters.statement_batch import (  # noqa: PLC0415
        export_statements,
    )

    batch = export_statements(
        book, workplace.actor, _period(dates), out_dir=folder,
        household_ids=list(household_ids), open_items=open_items, task=task,
    )  # fmt: skip
    return BatchResult(folder, batch.files, batch.total, batch.cancelled, batch.banking_missing)


# -- arrears ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DebtorRow:
    """A household that owes, for the top debtors table."""

    ref: str
    name: str
    outstanding_cents: int
    oldest_due: dt.date
    days_overdue: int


@dataclass(frozen=True, slots=True)
class CreditRow:
    """A household holding credit."""

    ref: str
    name: str
    credit_cents: int


@dataclass(frozen=True, slots=True)
class ArrearsScreen:
    """The arrears view: the buckets as of a day and the total at each month end before it.

    Attributes:
        buckets: current, 30, 60 and 90+ days (cents), as ``arrears_report`` ages them.
        trend: (month end, total outstanding cents), oldest first.
        debtors: every household that owes, most first.
        credits: households holding credit, most first.
    """

    as_of: dt.date
    buckets: tuple[int, int, int, int]
    debtors: tuple[DebtorRow, ...]
    credits: tuple[CreditRow, ...]
    trend: tuple[tuple[dt.date, int], ...]
    invoices: int

    @property
    def total_cents(self) -> int:
        """Everything owed as of the day."""
        return sum(self.buckets)


TREND_MONTHS = 12


def month_ends(as_of: dt.date, count: int = TREND_MONTHS) -> list[dt.date]:
    """The last ``count`` month ends on or before ``as_of``, oldest first."""
    from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY  # noqa: PLC0415

    end = as_of + dt.timedelta(days=1)
    ends: list[dt.date] = []
    while len(ends) < count:
        end = end.replace(day=1) - dt.timedelta(days=1)
        if end < FIRST_BOOK_DAY:
            break
        ends.append(end)
    return ends[::-1]


def load_arrears(book: Book, workplace: Workplace, as_of: dt.date) -> ArrearsScreen:
    """``arrears_report`` as of the day, and its total at each of the 12 month ends before.

    Each month end is ``arrears_report``'s own figure (one read transaction),
    so the chart says what the ``arrears`` command says for that day.
    """
    from crechebooks_desktop.services.household_statements.arrears import arrears_report  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        report = arrears_report(uow, as_of)
        trend = tuple(
            (end, arrears_report(uow, end).total_outstanding_cents) for end in month_ends(as_of)
        )
    aging = report.aging
    return ArrearsScreen(
        as_of,
        (aging.current_cents, aging.days_30_cents, aging.days_60_cents, aging.days_90_plus_cents),
        tuple(
            DebtorRow(
                d.household_ref, d.name, d.outstanding_cents, d.oldest_due_date, d.days_overdue
            )
            for d in report.debtors
        ),
        tuple(CreditRow(c.household_ref, c.name, c.credit_cents) for c in report.credits),
        trend,
        len(report.invoices),
    )


def today() -> dt.date:
    """The local date (the book's business date)."""
    return dt.date.today()  # noqa: DTZ011 - the book's business date is local
