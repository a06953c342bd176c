"""The monthly run: one invoice per enrolled child, per docs/RULES.md, Monthly invoices.

The run works through households in batches. Each batch is one transaction
that first locks the creche's row, so two runs (two PCs on a shared book) take
turns; it then re-reads which children are already
invoiced, so a second run, or a run resumed after a crash, creates nothing
twice and leaves no gap in the numbers. A batch is all or nothing; cancelling
stops between batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace

from crechebooks_desktop.db.repositories.invoices import NewInvoice, NewLine
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain import billing
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EntryType, InvoiceKind, InvoiceStatus
from crechebooks_desktop.domain.invoice import invoice_number
from crechebooks_desktop.domain.ledger import LedgerPosting
from crechebooks_desktop.domain.money import format_plain
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.vat import vat_rate_on
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.posting import post_entries
from crechebooks_desktop.services.tasks import TaskState

Transactions = Callable[[], AbstractContextManager[UnitOfWork]]
"""Opens one write transaction scoped to the creche (``lambda: book.write(tenant_id)``)."""

HOUSEHOLDS_PER_BATCH = 400


@dataclass(frozen=True, slots=True)
class CreatedInvoice:
    """An invoice the run created (enough for the summary and ``--json``)."""

    number: str
    household_id: int
    child_id: int
    total_cents: int


@dataclass(frozen=True, slots=True)
class GenerationResult:
    """What a monthly run did.

    Attributes:
        month: the billing month (its first day).
        created: invoices created, in number order.
        skipped_child_ids: children already invoiced for the month.
        cancelled: the run stopped early at the user's request.
    """

    month: dt.date
    created: tuple[CreatedInvoice, ...]
    skipped_child_ids: tuple[int, ...]
    cancelled: bool = False

    @property
    def total_billed_cents(self) -> int:
        """The sum of the created invoices' totals."""
        return sum(inv.total_cents for inv in self.created)


@dataclass
class _Progress:
    created: list[CreatedInvoice] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def generate_month(
    transactions: Transactions,
    actor: Actor,
    month: dt.date,
    issue_date: dt.date | None = None,
    task: TaskState | None = None,
) -> GenerationResult:
    """Create the month's MONTHLY invoices (DRAFT) and post them to the ledger.

    Args:
        transactions: opens a write transaction in the actor's creche.
        actor: who runs it (needs to post money).
        month: any day of the billing month.
        issue_date: the invoices' date (default: the first of the month); it
            also sets the VAT rate.
        task: progress and cancellation.

    Returns:
        The invoices created and the children skipped.

    Raises:
        DateOutOfRange: the month or the issue date is outside the book's years.
        AmountTooLarge: an invoice beyond the book's limit (nothing of its batch is written).
    """
    audit.require(actor, Permission.POST_MONEY)
    start, end = billing.month_start(month), billing.month_end(month)
    check_book_date(start, "billing month")
    issued = check_book_date(issue_date or start, "issue date")
    task = task or TaskState()
    with transactions() as uow:
        households = uow.billing_inputs.households_enrolled(start, end)
    progress = _Progress()
    for first in range(0, len(households), HOUSEHOLDS_PER_BATCH):
        if task.cancelled:
            return _result(start, progress, cancelled=True)
        batch = households[first : first + HOUSEHOLDS_PER_BATCH]
        with transactions() as uow:
            _run_batch(uow, actor, start, issued, batch, progress)
        task.progress(
            min(first + len(batch), len(households)),
            len(households),
            f"{len(progress.created)} invoices created",
        )
    return _result(start, progress, cancelled=False)


def bill_child(
    uow: UnitOfWork,
    actor: Actor,
    child_id: int,
    household_id: int,
    month: dt.date,
    issue_date: dt.date | None = None,
) -> CreatedInvoice | None:
    """One child's MONTHLY invoice for a month, in the caller's transaction.

    The invoice is the one the month's run would make for the child (DRAFT,
    the same lines, sibling discount, number sequence, ledger entry and audit
    record); an offboarding makes the final invoice with it (issue 13).

    Args:
        uow: the transaction.
        actor: who bills (needs to post money).
        child_id: the child.
        household_id: the child's household.
        month: any day of the billing month.
        issue_date: the invoice's date (default: the first of the month).

    Returns:
        The invoice made; None when the child is already billed for the month
        or has nothing to bill in it.

    Raises:
        PermissionDenied: the actor may not post money.
        DateOutOfRange: the month or the issue date is outside the book's years.
    """
    audit.require(actor, Permission.POST_MONEY)
    start = billing.month_start(month)
    check_book_date(start, "billing month")
    issued = check_book_date(issue_date or start, "issue date")
    progress = _Progress()
    _run_batch(uow, actor, start, issued, [household_id], progress, only_child=child_id)
    return progress.created[0] if progress.created else None


def draft_for_child(
    uow: UnitOfWork,
    actor: Actor,
    child_id: int,
    household_id: int,
    month: dt.date,
    ending: tuple[int, dt.date] | None = None,
) -> billing.DraftInvoice | None:
    """The invoice the month's run would make for a child, composed but not saved.

    Args:
        uow: a transaction (only read).
        actor: whose creche's VAT and sibling discounts apply.
        child_id: the child.
        household_id: the child's household (its children are ranked together).
        month: any day of the billing month (the invoice is dated its first day).
        ending: (enrolment id, last day) to compose as if that enrolment ended then.

    Returns:
        The child's draft, or None when it has nothing to bill that month.
    """
    creche = _creche(uow, actor)
    start, end = billing.month_start(month), billing.month_end(month)
    enrolments = uow.billing_inputs.enrolments(start, end, [household_id])
    if ending is not None:
        enrolment_id, last_day = ending
        enrolments = [
            replace(e, end=last_day) if e.enrolment_id == enrolment_id else e for e in enrolments
        ]
    charges = uow.billing_inputs.pending_charges(end, [child_id])
    policy = billing.VatPolicy(creche.vat_registered, creche.prices_include_vat, vat_rate_on(start))
    drafts = billing.compose_month(start, enrolments, charges, creche.sibling_schedule, policy)
    return next((d for d in drafts if d.child_id == child_id), None)


def _result(month: dt.date, progress: _Progress, *, cancelled: bool) -> GenerationResult:
    return GenerationResult(month, tuple(progress.created), tuple(progress.skipped), cancelled)


def _run_batch(
    uow: UnitOfWork,
    actor: Actor,
    month: dt.date,
    issued: dt.date,
    households: Sequence[int],
    progress: _Progress,
    only_child: int | None = None,
) -> None:
    creche = _creche(uow, actor)
    # Runs take turns per creche (whatever year their invoices are dated in): the
    # creche's row is held until this batch commits, then the next run re-reads
    # which children are done.
    uow.tenants.lock(actor.tenant_id)
    end = billing.month_end(month)
    enrolments = uow.billing_inputs.enrolments(month, end, households)
    children = {e.child_id for e in enrolments}
    done = uow.invoices.invoiced_children(month, children)
    charges = uow.billing_inputs.pending_charges(end, children - done)
    policy = billing.VatPolicy(
        creche.vat_registered, creche.prices_include_vat, vat_rate_on(issued)
    )
    drafts = billing.compose_month(month, enrolments, charges, creche.sibling_schedule, policy)
    if only_child is not None:
        # The whole household is composed so that the child's sibling discount is
        # the one the month's run gives it; only the child's invoice is made.
        drafts = [d for d in drafts if d.child_id == only_child]
    fresh = [d for d in drafts if d.child_id not in done]
    progress.skipped.extend(sorted({d.child_id for d in drafts if d.child_id in done}))
    if not fresh:
        return
    first_number = uow.invoices.reserve_numbers(issued.year, len(fresh))
    due = month.replace(day=creche.due_day)
    new = [
        _new_invoice(
            draft,
            invoice_number(creche.invoice_prefix, issued.year, first_number + i),
            month,
            issued,
            due,
        )
        for i, draft in enumerate(fresh)
    ]
    ids = uow.invoices.add_many(new)
    _post_and_audit(uow, actor, new, ids, issued)
    progress.created.extend(
        CreatedInvoice(inv.number, inv.household_id, inv.child_id or 0, inv.total_cents)
        for inv in new
    )


def _creche(uow: UnitOfWork, actor: Actor) -> CrecheSettings:
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise RuntimeError("the creche no longer exists")
    return creche


def _new_invoice(
    draft: billing.DraftInvoice, number: str, month: dt.date, issued: dt.date, due: dt.date
) -> NewInvoice:
    return NewInvoice(
        number=number,
        household_id=draft.household_id,
        child_id=draft.child_id,
        kind=InvoiceKind.MONTHLY,
        status=InvoiceStatus.DRAFT,
        issue_date=issued,
        due_date=due,
        billing_month=month,
        lines=tuple(
            NewLine(
                line_type=line.line_type,
                description=line.description,
                unit_cents=line.unit_cents,
                net_cents=line.net_cents,
                vat_cents=line.vat_cents,
                gross_cents=line.gross_cents,
                vat_treatment=line.vat_treatment,
                quantity=line.quantity,
                child_id=line.child_id,
                charge_id=line.charge_id,
            )
            for line in draft.lines
        ),
    )


def _post_and_audit(
    uow: UnitOfWork, actor: Actor, new: Sequence[NewInvoice], ids: Sequence[int], issued: dt.date
) -> None:
    charged = [
        (inv, invoice_id) for inv, invoice_id in zip(new, ids, strict=True) if inv.total_cents != 0
    ]
    post_entries(
        uow,
        actor,
        [
            LedgerPosting(
                inv.household_id,
                EntryType.CHARGE,
                inv.total_cents,
                issued,
                f"Invoice {inv.number}",
                ("invoice", invoice_id),
            )
            for inv, invoice_id in charged
        ],
    )
    audit.record_many(
        uow,
        actor,
        [
            (
                "invoice.create",
                "invoice",
                invoice_id,
                None,
                {
                    "number": inv.number,
                    "household_id": inv.household_id,
                    "child_id": inv.child_id,
                    "billing_month": inv.billing_month,
                    "status": inv.status.value,
                    "total": format_plain(inv.total_cents),
                    "lines": len(inv.lines),
                },
            )
            for inv, invoice_id in zip(new, ids, strict=True)
        ],
    )
