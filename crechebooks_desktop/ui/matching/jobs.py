"""What the Matching tab asks of the book; each function runs on the database thread.

Each takes the open book and the workplace and returns plain, immutable
values (``QueueRow``, ``CandidateView``). Services load here rather than at
import, so the window shows first.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome
from crechebooks_desktop.ui.common.paging import (
    SAMPLE_EVERY,
    Key,
    Opened,
    PageJob,
    PageResult,
    read_planned,
)
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.unit_of_work import UnitOfWork
    from crechebooks_desktop.domain.bank import BankAccountRecord
    from crechebooks_desktop.domain.statement import Statement
    from crechebooks_desktop.services.bank.accounts_and_imports import ImportResult
    from crechebooks_desktop.services.bank.payment_matching import DecidedLine
    from crechebooks_desktop.services.bank.review_queue import AcceptPreview
    from crechebooks_desktop.services.lists.bank_queue import QueueListRow, QueueSpec
    from crechebooks_desktop.services.tasks import TaskState


class Kind(enum.Enum):
    """Where a line stands, as the queue's filter groups it (the value is its label)."""

    REVIEW = "To review"
    NEW = "Not matched yet"
    NO_MATCH = "No match"
    AUTO = "Auto-applied"
    ACCEPTED = "Accepted"
    PARKED = "Parked"
    REJECTED = "Rejected"
    SPLIT = "Split"
    CATEGORISED = "Categorised"
    LINKED = "Linked"


OPEN_KINDS = frozenset({Kind.REVIEW, Kind.NEW, Kind.NO_MATCH})
"""Lines still waiting for a person's decision."""
DECIDABLE_KINDS = OPEN_KINDS | {Kind.PARKED}
"""Lines that may still be accepted, rejected or split."""


def kind_of(status: BankLineStatus, decision: MatchOutcome | None) -> Kind:
    """The queue group of a line with this status and newest decision.

    The rule is the one the queue is filtered by in the book
    (``services.lists.bank_queue.group_of``); this names its group for the screen.
    """
    from crechebooks_desktop.services.lists.bank_queue import group_of  # noqa: PLC0415

    return Kind[group_of(status, decision).name]


@dataclass(frozen=True, slots=True)
class CandidateView:
    """One household a line might belong to, with its score in three parts.

    A ``link`` candidate is a payment recorded by hand (``payment_id``, on
    ``payment_date``) that the line is: accepting it links, paying nothing
    new. ``draft_months`` are months of the household not sent yet.
    """

    household_ref: str
    score: int
    reference_points: int
    amount_points: int
    name_points: int
    reasons: tuple[str, ...]
    invoice_numbers: tuple[str, ...]
    kind: str = "pay"
    payment_id: int | None = None
    payment_date: dt.date | None = None
    draft_months: tuple[dt.date, ...] = ()

    @property
    def is_link(self) -> bool:
        """Whether accepting it links the line to a payment recorded by hand."""
        return self.kind == "link" and self.payment_id is not None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A credit bank line with its decision and candidates, best first."""

    line_id: int
    date: dt.date
    amount_cents: int
    description: str
    reference: str | None
    payer: str | None
    status: BankLineStatus
    decision: MatchOutcome | None
    household_ref: str | None
    note: str | None
    candidates: tuple[CandidateView, ...]
    split_parent_id: int | None = None
    transaction_date: dt.date | None = None

    @property
    def kind(self) -> Kind:
        """The queue group it is in."""
        return kind_of(self.status, self.decision)

    @property
    def best(self) -> CandidateView | None:
        """The top candidate, if any."""
        return self.candidates[0] if self.candidates else None

    @property
    def who(self) -> str:
        """The payer's name where the bank kept it apart, else the description."""
        return self.payer or self.description


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A credit line as the queue lists it (issue 13): its decision and best suggestion.

    The full candidates are read for the selected line only (``line``).
    """

    line_id: int
    date: dt.date
    amount_cents: int
    description: str
    reference: str | None
    payer: str | None
    status: BankLineStatus
    decision: MatchOutcome | None
    household_ref: str | None
    note: str | None
    best_ref: str | None
    best_score: int | None
    split_parent_id: int | None = None
    transaction_date: dt.date | None = None

    @property
    def kind(self) -> Kind:
        """The queue group it is in."""
        return kind_of(self.status, self.decision)

    @property
    def who(self) -> str:
        """The payer's name where the bank kept it apart, else the description."""
        return self.payer or self.description

    def key(self, sort: str) -> Key:
        """This row's key in an order by ``sort`` (a ``QueueSort`` value)."""
        value = {
            "date": self.date,
            "amount": self.amount_cents,
            "who": self.who,
            "status": self.status,
        }[sort]
        return (value, self.line_id)


def entry_of(row: QueueRow) -> QueueEntry:
    """A full line (after a decision) as the queue lists it."""
    best = row.best
    return QueueEntry(
        row.line_id, row.date, row.amount_cents, row.description, row.reference, row.payer,
        row.status, row.decision, row.household_ref, row.note,
        best.household_ref if best else None, best.score if best else None, row.split_parent_id,
        row.transaction_date,
    )  # fmt: skip


def _entry(row: QueueListRow) -> QueueEntry:
    return QueueEntry(
        row.line_id, row.date, row.amount_cents, row.description, row.reference, row.payer,
        row.status, row.decision, row.household_ref, row.note, row.best_ref, row.best_score,
        row.split_parent_id, row.transaction_date,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class QueueOrder:
    """The queue's order and filters, as the tab holds them (applied in SQL).

    Attributes:
        sort: a ``QueueSort`` value (``date``, ``amount``, ``who``, ``status``).
        descending: largest or latest first.
        kinds: only lines in these groups (None: every credit line).
        text: words to find in the description, reference or payer.
    """

    sort: str = "date"
    descending: bool = False
    kinds: frozenset[Kind] | None = None
    text: str = ""


def _spec(order: QueueOrder) -> QueueSpec:
    from crechebooks_desktop.services.lists.bank_queue import (  # noqa: PLC0415
        QueueGroup,
        QueueSort,
        QueueSpec,
    )

    groups = None if order.kinds is None else frozenset(QueueGroup[k.name] for k in order.kinds)
    return QueueSpec(QueueSort(order.sort), order.descending, groups, order.text)


def open_queue(
    book: Book, workplace: Workplace, order: QueueOrder, page_size: int, keep_id: int | None
) -> Opened[QueueEntry]:
    """The queue's count, its first page and the kept line's page."""
    from crechebooks_desktop.services.lists import bank_queue  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        opened = bank_queue.open_queue(uow, _spec(order), page_size, keep_id)
    kept = opened.kept
    return Opened(
        opened.total,
        tuple(_entry(r) for r in opened.first_page),
        kept.index if kept else None,
        kept.start if kept else 0,
        tuple(_entry(r) for r in kept.rows) if kept else (),
    )


def group_counts(book: Book, workplace: Workplace) -> Counter[Kind]:
    """How many credit lines are in each group."""
    from crechebooks_desktop.services.lists import bank_queue  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        counts = bank_queue.group_counts(uow)
    return Counter({Kind[group.name]: n for group, n in counts.items()})


def read_queue_page(book: Book, workplace: Workplace, job: PageJob) -> PageResult[QueueEntry]:
    """One page of the queue, by keyset from the nearest known key."""
    from crechebooks_desktop.services.lists import bank_queue  # noqa: PLC0415

    spec = _spec(job.order)
    with book.read(_tenant(workplace)) as uow:
        return read_planned(
            job,
            lambda: bank_queue.sampled_keys(uow, spec, SAMPLE_EVERY),
            lambda fetch: tuple(
                _entry(r)
                for r in bank_queue.read_page(
                    uow,
                    spec,
                    fetch.anchor,
                    backward=fetch.backward,
                    offset=fetch.offset,
                    limit=fetch.limit,
                )
            ),
        )


def place(
    book: Book, workplace: Workplace, order: QueueOrder, line_id: int
) -> tuple[int, QueueEntry] | None:
    """Where a line stands in the queue now (None: the filter hides it)."""
    from crechebooks_desktop.services.lists import bank_queue  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        found = bank_queue.find_row(uow, _spec(order), line_id)
    return None if found is None else (found[0], _entry(found[1]))


def read_line(book: Book, workplace: Workplace, line_id: int) -> QueueRow | None:
    """One line with its decision and every candidate (the selected line's panel)."""
    from crechebooks_desktop.services.bank.review_queue import list_lines  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        found = list_lines(uow, line_ids=[line_id])
    return row_of(found[0]) if found else None


@dataclass(frozen=True, slots=True)
class Decided:
    """A line just decided, and the other lines whose candidates it changed.

    Accepting or linking pays invoices (or claims a payment) that lines
    waiting in review may have offered; those were scored again
    (``rescore_lines_naming``) and are refreshed with it, not the whole queue.
    """

    row: QueueRow
    others: tuple[QueueRow, ...] = ()


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a matching run decided."""

    lines: int
    auto_applied: int
    review: int
    no_match: int


@dataclass(frozen=True, slots=True)
class FilePreview:
    """A statement file, read (off the GUI thread) and ready to import."""

    path: Path
    statement: Statement
    sha256: str


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def _texts(stored: dict[str, object], key: str) -> tuple[str, ...]:
    found = stored.get(key) or ()
    assert isinstance(found, list | tuple)  # noqa: S101 - stored as JSON lists
    return tuple(str(x) for x in found)


def _candidate(stored: dict[str, object]) -> CandidateView:
    paid_on = stored.get("payment_date")
    payment = stored.get("payment_id")
    return CandidateView(
        str(stored.get("household_ref") or ""),
        _int(stored.get("score")),
        _int(stored.get("reference_points")),
        _int(stored.get("amount_points")),
        _int(stored.get("name_points")),
        _texts(stored, "reasons"),
        _texts(stored, "invoice_numbers"),
        str(stored.get("kind") or "pay"),
        None if payment is None else _int(payment),
        dt.date.fromisoformat(str(paid_on)) if paid_on else None,
        tuple(dt.date.fromisoformat(f"{m}-01") for m in _texts(stored, "draft_months")),
    )


def row_of(decided: DecidedLine) -> QueueRow:
    """A service's ``DecidedLine`` as the queue shows it."""
    line = decided.line
    return QueueRow(
        line.id,
        line.date,
        line.amount_cents,
        line.description,
        line.reference,
        line.payer,
        line.status,
        decided.decision,
        decided.household_ref,
        decided.note,
        tuple(_candidate(c) for c in decided.candidates),
        line.split_parent_id,
        line.transaction_date,
    )


def _tenant(workplace: Workplace) -> int:
    return workplace.creche.tenant_id


# -- reading -----------------------------------------------------------------------------


def load(book: Book, workplace: Workplace) -> list[QueueRow]:
    """Every credit line of the creche with its decision, by date."""
    from crechebooks_desktop.services.bank.review_queue import list_lines  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        return [row_of(d) for d in list_lines(uow)]


def preview(
    book: Book, workplace: Workplace, line_id: int, household_ref: str, numbers: Sequence[str]
) -> AcceptPreview:
    """What accepting the line for this household would pay."""
    from crechebooks_desktop.services.bank.review_queue import preview_accept  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        return preview_accept(uow, line_id, household_ref, numbers)


def household_refs(book: Book, workplace: Workplace) -> list[str]:
    """Every household's reference, for choosing one by hand."""
    from crechebooks_desktop.services.roster.household_view import household_summaries  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        return sorted(h.account_ref for h in household_summaries(uow))


def count_accept_all(book: Book, workplace: Workplace, min_score: int) -> int:
    """How many lines a bulk accept at ``min_score`` would take."""
    from crechebooks_desktop.services.bank.review_queue import count_accept_all as count  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        return count(uow, min_score)


# -- decisions (mutations: the tab announces Changes(bank, ledger, invoices)) -------------


def _with_others(uow: UnitOfWork, decide: Callable[[], DecidedLine]) -> Decided:
    """Make the decision, then read again the lines in review it may have scored again."""
    from crechebooks_desktop.services.bank.review_queue import list_lines  # noqa: PLC0415

    waiting = [line.id for line in uow.bank.lines([BankLineStatus.REVIEW], credits_only=True)]
    decided = decide()
    others = [d for d in list_lines(uow, line_ids=waiting) if d.line.id != decided.line.id]
    return Decided(row_of(decided), tuple(row_of(d) for d in others))


def accept(
    book: Book,
    workplace: Workplace,
    line_id: int,
    household_ref: str,
    numbers: Sequence[str],
    *,
    new_payment: bool = False,
) -> Decided:
    """The line is this household's payment (a new one, when ``new_payment``)."""
    from crechebooks_desktop.services.bank.payment_matching import accept as accept_line  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return _with_others(
            uow,
            lambda: accept_line(
                uow,
                workplace.actor,
                line_id,
                household_ref,
                list(numbers) or None,
                new_payment=new_payment,
            ),
        )


def link(book: Book, workplace: Workplace, line_id: int, payment_id: int) -> Decided:
    """The line is this payment recorded by hand: link them (no new payment)."""
    from crechebooks_desktop.services.reconciliation.links import link_payment  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return _with_others(uow, lambda: link_payment(uow, workplace.actor, line_id, payment_id))


def reject(book: Book, workplace: Workplace, line_id: int) -> QueueRow:
    """The line is not a household's money."""
    from crechebooks_desktop.services.bank.payment_matching import reject as reject_line  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return row_of(reject_line(uow, workplace.actor, line_id))


def park(book: Book, workplace: Workplace, line_id: int, note: str) -> QueueRow:
    """Set the line aside with a note."""
    from crechebooks_desktop.services.bank.payment_matching import park as park_line  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return row_of(park_line(uow, workplace.actor, line_id, note))


def undo(book: Book, workplace: Workplace, line_id: int) -> QueueRow:
    """Take back the line's decision (or join a split line's parts)."""
    from crechebooks_desktop.services.bank.review_queue import undo as undo_line  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return row_of(undo_line(uow, workplace.actor, line_id))


def split(book: Book, workplace: Workplace, line_id: int, parts: Sequence[int]) -> list[int]:
    """Split the line into parts, scored for review at once; returns the parts' line ids."""
    from crechebooks_desktop.services.bank.accounts_and_imports import split_line  # noqa: PLC0415
    from crechebooks_desktop.services.bank.payment_matching import run_matching  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        ids = [p.id for p in split_line(uow, workplace.actor, line_id, parts).parts]
        run_matching(uow, workplace.actor, line_ids=ids, apply=False)
        return ids


def accept_all(book: Book, workplace: Workplace, min_score: int) -> list[QueueRow]:
    """Accept every review line whose best match alone scores ``min_score`` or more."""
    from crechebooks_desktop.services.bank.review_queue import accept_all as accept_lines  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return [row_of(d) for d in accept_lines(uow, workplace.actor, min_score)]


def run_matching(book: Book, workplace: Workplace, task: TaskState) -> RunSummary:
    """Score every undecided credit line and apply the certain ones (cancellable)."""
    from crechebooks_desktop.services.bank.payment_matching import run_matching as run  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        result = run(uow, workplace.actor, task)
    return RunSummary(
        len(result.lines),
        result.count(MatchOutcome.AUTO_APPLIED),
        result.count(MatchOutcome.REVIEW_REQUIRED),
        result.count(MatchOutcome.NO_MATCH),
    )


# -- statements ----------------------------------------------------------------------------


def accounts(book: Book, workplace: Workplace) -> list[BankAccountRecord]:
    """The creche's bank accounts."""
    from crechebooks_desktop.services.bank.accounts_and_imports import list_accounts  # noqa: PLC0415

    with book.read(_tenant(workplace)) as uow:
        return list_accounts(uow)


def add_account(book: Book, workplace: Workplace, name: str, bank: str) -> BankAccountRecord:
    """A new bank account to import into."""
    from crechebooks_desktop.services.bank.accounts_and_imports import add_account as add  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return add(uow, workplace.actor, name, bank)


def import_file(
    book: Book, workplace: Workplace, file: FilePreview, account: str, task: TaskState
) -> ImportResult:
    """Add the statement's new lines to the account (cancelling writes nothing)."""
    from crechebooks_desktop.services.bank.accounts_and_imports import import_statement  # noqa: PLC0415

    with book.write(_tenant(workplace)) as uow:
        return import_statement(uow, workplace.actor, account, file.statement, file.sha256, task)
