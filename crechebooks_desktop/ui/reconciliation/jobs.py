"""What the Reconciliation tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain, immutable
values (``Screen``, ``Row``). Services load here rather than at import, so
the window shows first.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.enums import BankLineStatus, ReconciliationStatus, VatType
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.unit_of_work import UnitOfWork
    from crechebooks_desktop.domain.chart import AccountRecord
    from crechebooks_desktop.domain.reconciliation import ReconcileLine, ReconcileStatus
    from crechebooks_desktop.services.bank.payment_matching import DecidedLine
    from crechebooks_desktop.services.reconciliation.links import RefundCandidate
    from crechebooks_desktop.services.reconciliation.suggestions import Suggestion
    from crechebooks_desktop.ui.reconciliation.dialogs import RuleInput


class Side(enum.Enum):
    """Where a row comes from: the statement, or the book alone (a timing difference)."""

    STATEMENT = "statement"
    BOOK = "book"


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """What the book suggests for an uncleared line: an account, or a payment to link."""

    label: str
    reason: str
    parts: tuple[tuple[str, int, VatType], ...] = ()
    """For an account: (code, cents, VAT type) of each part."""
    payment_id: int | None = None
    """For a link: the payment recorded by hand that the line is."""
    household_ref: str | None = None
    """For a household's payment: the household the line pays."""
    refund_entry_id: int | None = None
    """For a refund paid out by hand: its REFUND ledger entry."""

    @property
    def account_code(self) -> str | None:
        """The (first) account suggested, if any."""
        return self.parts[0][0] if self.parts else None


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the tab: a statement line with its book side, or a timing difference.

    Attributes:
        key: ``("line", id)`` or ``(kind, id)`` of the book entry.
        side: statement line or book-only entry.
        line_id: the bank line, for statement rows.
        date: its date.
        description: the bank's text (or the book entry's description).
        amount_cents: money in positive, out negative.
        status: the line's status (None for book-only rows).
        cleared: accounted for in this reconciliation.
        book: what it is in the book, in words ("6200 Utilities", "payment 12 to X").
        suggestion: what Enter would do for an uncleared line.
        transaction_date: the day the payer made it, where the bank gives it
            apart from ``date`` (the posting date; issue 14).
    """

    key: tuple[str, int]
    side: Side
    line_id: int | None
    date: dt.date
    description: str
    amount_cents: int
    status: BankLineStatus | None
    cleared: bool
    book: str
    suggestion: SuggestionView | None = None
    transaction_date: dt.date | None = None

    @property
    def categorised(self) -> bool:
        """Whether an account was chosen for the line."""
        return self.status is BankLineStatus.CATEGORISED

    @property
    def matched(self) -> bool:
        """Whether the line is a household's payment (paid or linked)."""
        return self.status is BankLineStatus.MATCHED


@dataclass(frozen=True, slots=True)
class Totals:
    """The reconciliation's figures (all cents)."""

    opening: int
    cleared_in: int
    cleared_out: int
    closing: int
    difference: int
    uncleared: int


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished (or unlocked) reconciliation of the account."""

    statement_date: dt.date
    closing_cents: int
    status: str
    finished_by: str | None
    finished_at: str | None


@dataclass(frozen=True, slots=True)
class Screen:
    """Everything the tab shows for one bank account.

    Attributes:
        accounts: every bank account's name (for the picker).
        account: the account shown (None when the creche has none).
        statement_date: the reconciliation in progress, if any.
        totals: its figures.
        rows: its statement lines and timing differences.
        locked_through: the account's lock, if any.
        history: its finished reconciliations, newest first.
        file_note: what the file's own balances say, when they disagree.
        chart: the accounts a line may be categorised to (not archived), by code.
        in_progress: the date of the account's reconciliation in progress, if any.
        finished: the statement shown is finished (or was, and was unlocked).
    """

    accounts: tuple[str, ...]
    account: str | None
    statement_date: dt.date | None = None
    totals: Totals | None = None
    rows: tuple[Row, ...] = ()
    locked_through: dt.date | None = None
    history: tuple[Finished, ...] = ()
    file_note: str | None = None
    chart: tuple[AccountRecord, ...] = ()
    in_progress: dt.date | None = None
    finished: bool = False

    @property
    def can_finish(self) -> bool:
        """Finishing is allowed only at a zero difference with every line cleared."""
        return (
            not self.finished
            and self.totals is not None
            and self.totals.difference == 0
            and not self.totals.uncleared
        )


def _tenant(workplace: Workplace) -> int:
    return workplace.creche.tenant_id


@dataclass(frozen=True, slots=True)
class RuleDraftView:
    """A rule pre-filled from a line, for the rule dialog."""

    line_id: int
    contains: str
    direction: str | None
    account_code: str | None


@dataclass(frozen=True, slots=True)
class ReportChoice:
    """Which reconciliation a report is of."""

    account: str
    statement_date: dt.date


def today() -> dt.date:
    """The local date (the book's business date)."""
    return dt.date.today()  # noqa: DTZ011 - the book's business date is local


# -- reading -----------------------------------------------------------------------------


def load(
    book: Book, workplace: Workplace, account: str | None, statement_date: dt.date | None = None
) -> Screen:
    """An account's reconciliation with its suggestions.

    The one at ``statement_date``; without one, the one in progress, else the
    newest finished one.
    """
    from crechebooks_desktop.services.bank import accounts_and_imports as bank  # noqa: PLC0415
    from crechebooks_desktop.services.reconciliation import chart, reconcile  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        names = tuple(a.name for a in bank.list_accounts(uow))
        if not names:
            return Screen((), None)
        name = account if account in names else names[0]
        accounts = tuple(chart.list_accounts(uow))
        records = reconcile.history(uow, name)
        history = tuple(
            _finished(r)
            for r in reversed(records)
            if r.status is not ReconciliationStatus.IN_PROGRESS
        )
        in_progress = next(
            (r.statement_date for r in records if r.status is ReconciliationStatus.IN_PROGRESS),
            None,
        )
        lock = uow.bank.locks.of_account(bank.require_account(uow, name).id)
        through = lock.through if lock else None
        try:
            figures = reconcile.status(uow, name, statement_date)
        except NotFoundError:
            return Screen(names, name, locked_through=through, history=history, chart=accounts)
        return Screen(
            names,
            name,
            figures.statement_date,
            _totals(figures),
            _rows(uow, figures, reconcile.lines(uow, name, figures.statement_date)),
            through,
            history,
            _file_note(figures),
            accounts,
            in_progress,
            figures.status is not ReconciliationStatus.IN_PROGRESS,
        )


def _finished(record: object) -> Finished:
    from crechebooks_desktop.domain.reconciliation import ReconciliationRecord  # noqa: PLC0415

    assert isinstance(record, ReconciliationRecord)  # noqa: S101 - history's own values
    return Finished(
        record.statement_date,
        record.closing_cents,
        record.status.value,
        record.finished_by,
        record.finished_at.date().isoformat() if record.finished_at else None,
    )


def _totals(figures: ReconcileStatus) -> Totals:
    return Totals(
        figures.opening_cents,
        figures.cleared_in_cents,
        figures.cleared_out_cents,
        figures.closing_cents,
        figures.difference_cents,
        len(figures.uncleared_lines),
    )


def _file_note(figures: ReconcileStatus) -> str | None:
    from crechebooks_desktop.domain.money import format_rands  # noqa: PLC0415

    if figures.file_balance_cents is None or figures.file_balance_cents == figures.closing_cents:
        return None
    return (
        f"The imported statement says the closing balance is "
        f"{format_rands(figures.file_balance_cents)}; this reconciliation uses the "
        f"bookkeeper's {format_rands(figures.closing_cents)}."
    )


def _rows(uow: UnitOfWork, figures: ReconcileStatus, lines: list[ReconcileLine]) -> tuple[Row, ...]:
    from crechebooks_desktop.services.bank.review_queue import list_lines  # noqa: PLC0415
    from crechebooks_desktop.services.reconciliation.links import refund_candidates  # noqa: PLC0415
    from crechebooks_desktop.services.reconciliation.suggestions import suggest  # noqa: PLC0415

    open_ids = [
        line.line_id
        for line in lines
        if not line.cleared and line.status is not BankLineStatus.SPLIT
    ]
    by_account = suggest(uow, open_ids)
    waiting = {
        d.line.id: d
        for d in list_lines(uow, [BankLineStatus.REVIEW, BankLineStatus.PARKED])
        if d.line.id in set(open_ids)
    }
    # Only refunds recorded by hand and not yet on a statement can be linked: without one
    # (the usual month), no debit is looked up.
    refunds_waiting = any(t.kind == "refund" for t in figures.timing_differences)
    refunds = {
        line.line_id: found[0]
        for line in lines
        if refunds_waiting and line.line_id in set(open_ids) and line.amount_cents < 0
        if (found := refund_candidates(uow, line.line_id))
    }
    rows = [
        Row(
            ("line", line.line_id),
            Side.STATEMENT,
            line.line_id,
            line.date,
            (
                line.payer
                and line.payer not in line.description
                and f"{line.description} · {line.payer}"
            )
            or line.description,
            line.amount_cents,
            line.status,
            line.cleared,
            line.cleared_by or _waiting_words(line.status),
            _refund_suggestion(refunds[line.line_id])
            if line.line_id in refunds
            else _suggestion(by_account.get(line.line_id), waiting.get(line.line_id)),
            line.transaction_date,
        )
        for line in lines
    ]
    rows += [
        Row(
            (t.kind, t.id),
            Side.BOOK,
            None,
            t.date,
            t.description,
            t.amount_cents,
            None,
            False,
            f"{t.kind} {t.id}, recorded by hand",
        )
        for t in figures.timing_differences
    ]
    return tuple(rows)


def _waiting_words(status: BankLineStatus) -> str:
    return {
        BankLineStatus.SPLIT: "split: see its parts",
        BankLineStatus.REVIEW: "waiting for matching review",
        BankLineStatus.PARKED: "parked in matching",
        BankLineStatus.REJECTED: "not a household's: choose an account",
    }.get(status, "not accounted for yet")


def _suggestion(
    by_account: Suggestion | None, waiting: DecidedLine | None
) -> SuggestionView | None:
    """A link or a household's payment first (matching's best), else an account."""
    best = waiting.candidates[0] if waiting is not None and waiting.candidates else None
    if best is not None:
        reasons = best.get("reasons")
        why = "; ".join(str(r) for r in reasons) if isinstance(reasons, list | tuple) else ""
        ref = str(best.get("household_ref"))
        if best.get("payment_id") is not None:
            payment_id = int(str(best["payment_id"]))
            label = f"link to payment {payment_id} ({ref})"
            return SuggestionView(label, why, payment_id=payment_id)
        label = f"payment from {ref} (score {best.get('score')})"
        return SuggestionView(label, why, household_ref=ref)
    if by_account is None:
        return None
    parts = tuple((p.account_code, p.amount_cents, p.vat_type) for p in by_account.parts)
    first = by_account.parts[0]
    label = (
        f"{first.account_code} {first.account_name}"
        if len(parts) == 1
        else " + ".join(p.account_code for p in by_account.parts)
    )
    return SuggestionView(label, by_account.reason, parts)


def _refund_suggestion(refund: RefundCandidate) -> SuggestionView:
    label = f"link to refund {refund.entry_id} ({refund.household_ref})"
    return SuggestionView(label, refund.reason, refund_entry_id=refund.entry_id)


def rule_draft(book: Book, workplace: Workplace, line_id: int) -> RuleDraftView:
    """A rule pre-filled from the line."""
    from crechebooks_desktop.services.reconciliation.rules import rule_from_line  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        draft = rule_from_line(uow, line_id)
    return RuleDraftView(
        line_id,
        draft.contains or "",
        draft.direction,
        draft.account.code if draft.account else None,
    )


@dataclass(frozen=True, slots=True)
class MadeReport:
    """A reconciliation statement made for the tab, and where it was archived.

    Attributes:
        data: the PDF (or workbook) bytes.
        written: the file saved (None: made for printing).
        archived: the archived copy (None: not archived).
        archived_before: an identical copy was archived already and was reused.
        not_archived: why a PDF was not archived (a draft), else None.
    """

    data: bytes
    written: Path | None
    archived: Path | None
    archived_before: bool
    not_archived: str | None

    def archive_words(self) -> str:
        """What became of the archive copy, as the tab says it ("" for a workbook)."""
        if self.archived is not None:
            if self.archived_before:
                return f" Already archived, unchanged: {self.archived}."
            return f" Archived as {self.archived}."
        if self.not_archived is not None:
            return f" Not archived: {self.not_archived}."
        return ""


def report_pdf(book: Book, workplace: Workplace, choice: ReportChoice) -> MadeReport:
    """The reconciliation statement as a PDF (for printing), archived when finished."""
    return save_report(book, workplace, choice, None)


def save_report(
    book: Book, workplace: Workplace, choice: ReportChoice, path: Path | None
) -> MadeReport:
    """Write the reconciliation statement (PDF or XLSX, by the file's extension).

    A finished reconciliation's PDF is archived as well, in the same write
    transaction (``exporters.reconciliation_documents``).
    """
    from crechebooks_desktop.exporters.reconciliation_documents import make_report  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        made = make_report(
            uow,
            workplace.actor,
            choice.account,
            choice.statement_date,
            book.settings.data_dir,
            path,
        )
    archived = made.archived
    return MadeReport(
        made.data,
        made.written,
        archived.path if archived is not None else None,
        archived is not None and not archived.created,
        made.not_archived,
    )


# -- changing ----------------------------------------------------------------------------


def accept_suggestion(
    book: Book, workplace: Workplace, line_id: int, suggestion: SuggestionView
) -> None:
    """Do what the suggestion says: link, accept matching's first candidate, or categorise."""
    from crechebooks_desktop.services.reconciliation import categorise, links  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        actor = workplace.actor
        if suggestion.payment_id is not None or suggestion.household_ref is not None:
            # Matching's first candidate: a link to a payment recorded by hand, or a payment.
            links.accept_candidate(uow, actor, line_id, 0)
        elif suggestion.refund_entry_id is not None:
            links.link_refund(uow, actor, line_id, suggestion.refund_entry_id)
        elif len(suggestion.parts) == 1:
            code, _cents, vat = suggestion.parts[0]
            categorise.categorise_line(uow, actor, line_id, account_code=code, vat=vat)
        else:
            parts = [(code, cents) for code, cents, _vat in suggestion.parts]
            categorise.categorise_line(uow, actor, line_id, parts=parts)


def categorise(book: Book, workplace: Workplace, line_id: int, code: str, vat: VatType) -> None:
    """A person's choice of account and VAT type for the line."""
    from crechebooks_desktop.services.reconciliation import categorise as service  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        service.categorise_line(uow, workplace.actor, line_id, account_code=code, vat=vat)


def categorise_parts(
    book: Book, workplace: Workplace, line_id: int, parts: Sequence[tuple[str, int]]
) -> None:
    """The line split across accounts (each part's VAT type its account's)."""
    from crechebooks_desktop.services.reconciliation import categorise as service  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        service.categorise_line(uow, workplace.actor, line_id, parts=list(parts))


def save_rule(book: Book, workplace: Workplace, rule: RuleInput) -> int:
    """Save the rule and apply the rules at once; returns how many lines they categorised."""
    from crechebooks_desktop.services.reconciliation import rules, suggestions  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        rules.add_rule(
            uow,
            workplace.actor,
            rule.name,
            contains=rule.contains,
            direction=rule.direction,
            account_code=rule.account_code,
            vat=rule.vat,
        )
        return suggestions.run(uow, workplace.actor).by_rule


def undo(book: Book, workplace: Workplace, line_id: int) -> None:
    """Take back the line's categorisation, link or match."""
    from crechebooks_desktop.services.bank.review_queue import undo as undo_line  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        undo_line(uow, workplace.actor, line_id)


def start(
    book: Book, workplace: Workplace, account: str, day: dt.date, closing_cents: int | None
) -> None:
    """Reconcile the account to a statement."""
    from crechebooks_desktop.services.reconciliation import reconcile  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        reconcile.start(uow, workplace.actor, account, day, closing_cents)


def finish(book: Book, workplace: Workplace, account: str) -> None:
    """Finish the reconciliation; the period locks."""
    from crechebooks_desktop.services.reconciliation import reconcile  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        reconcile.finish(uow, workplace.actor, account)


def unlock(book: Book, workplace: Workplace, account: str, reason: str) -> None:
    """An administrator opens the last locked period again."""
    from crechebooks_desktop.services.reconciliation import reconcile  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        reconcile.unlock(uow, workplace.actor, account, reason)
