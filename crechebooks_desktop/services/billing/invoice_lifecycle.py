"""An invoice's life after the monthly run: send, void, overdue, ad-hoc invoices.

Every change goes through the state machine in ``domain.invoice``; money moves
go through the ledger; each command is one transaction, audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from crechebooks_desktop.db.repositories.invoices import InvoiceFilter, NewLine
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain import billing
from crechebooks_desktop.domain.allocation import OpenInvoice
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import (
    EntryType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.invoice import transition
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.ledger import LedgerPosting
from crechebooks_desktop.domain.money import check_amount, format_plain
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import one_line, require_one_line
from crechebooks_desktop.domain.vat import vat_rate_on
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.credits import apply_credit
from crechebooks_desktop.services.ledger.posting import post_entries
from crechebooks_desktop.services.reconciliation.scoring import rescore_lines_naming


@dataclass(frozen=True, slots=True)
class SentInvoice:
    """An invoice that was sent, and the household credit applied to it."""

    number: str
    status: InvoiceStatus
    credit_applied_cents: int
    balance_due_cents: int


@dataclass(frozen=True, slots=True)
class AdHocLine:
    """A line of an ad-hoc invoice as the user gives it."""

    line_type: LineType
    amount_cents: int
    description: str | None = None
    exempt: bool = False


def get_invoice(uow: UnitOfWork, number: str) -> InvoiceValue:
    """One invoice by number.

    Raises:
        NotFoundError: no invoice with that number in the creche.
    """
    found = uow.invoices.get(number)
    if found is None:
        raise NotFoundError(f"no invoice {number!r} in this creche")
    return found


def find_invoices(uow: UnitOfWork, where: InvoiceFilter) -> list[InvoiceValue]:
    """Invoices matching the filter, by number."""
    return uow.invoices.find(where)


def send_invoices(uow: UnitOfWork, actor: Actor, numbers: Sequence[str]) -> list[SentInvoice]:
    """Send DRAFT invoices, applying each household's unused credit to them.

    Applying credit does not move the household's balance (what it owes falls
    by the same amount as its credit), so it writes an allocation and an audit
    record, not a ledger entry.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: an unknown number.
        IllegalTransition: an invoice that is not a DRAFT.
    """
    audit.require(actor, Permission.POST_MONEY)
    found = {row.number.upper(): (hid, row) for hid, row in uow.invoices.lock_for_sending(numbers)}
    for number in numbers:
        if number.strip().upper() not in found:
            raise NotFoundError(f"no invoice {number!r} in this creche")
    rows = list(dict.fromkeys(found[n.strip().upper()] for n in numbers))
    return _send_rows(uow, actor, rows)


def send_month(uow: UnitOfWork, actor: Actor, month: dt.date) -> list[SentInvoice]:
    """Send every DRAFT invoice of a billing month (set-based: 5,000 in a few statements)."""
    audit.require(actor, Permission.POST_MONEY)
    rows = uow.invoices.lock_for_sending(month=billing.month_start(month))
    return _send_rows(uow, actor, rows)


def _send_rows(
    uow: UnitOfWork, actor: Actor, rows: Sequence[tuple[int, OpenInvoice]]
) -> list[SentInvoice]:
    """SENT: one status change for all, credit applied where a household holds some.

    Invoices are locked first, then the households' balances: the order every
    money-moving service keeps. Credit goes to a household's invoices in the
    order they are given (number order), as if each were sent in turn.
    """
    for _household, row in rows:
        transition(row.status, InvoiceStatus.SENT, number=row.number)
    households = sorted({household for household, _row in rows})
    credit = {h: b.credit_cents for h, b in uow.ledger.lock_balances(households).items()}
    before: dict[int, int] = {}
    applied: dict[int, tuple[InvoiceStatus, int]] = {}
    for household, row in rows:
        held = credit.get(household, 0)
        before[row.invoice_id] = held
        if held <= 0:
            continue
        used = apply_credit(uow, household, [replace(row, status=InvoiceStatus.SENT)], held)
        if used:
            cents = sum(a.cents for a in used)
            credit[household] = held - cents
            applied[row.invoice_id] = (used[0].status_after, cents)
    uow.invoices.set_status_many(
        [row.invoice_id for _h, row in rows if row.invoice_id not in applied], InvoiceStatus.SENT
    )
    result = []
    records: list[audit.AuditItem] = []
    for _household, row in rows:
        status, cents = applied.get(row.invoice_id, (InvoiceStatus.SENT, 0))
        records.append((
            "invoice.send", "invoice", row.invoice_id,
            {"status": row.status.value, "credit_cents": before[row.invoice_id]},
            {"status": status.value, "credit_applied_cents": cents},
        ))  # fmt: skip
        result.append(SentInvoice(row.number, status, cents, row.balance_due_cents - cents))
    audit.record_many(uow, actor, records)
    # Lines in review that named these drafts (or invoices credit now paid) are scored again.
    rescore_lines_naming(uow, actor, [s.number for s in result])
    return result


def void_invoice(uow: UnitOfWork, actor: Actor, number: str, reason: str) -> InvoiceValue:
    """Void a DRAFT or SENT invoice: reverse its charge and free its charges.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: an unknown number.
        IllegalTransition: not DRAFT or SENT.
        RuleViolation: no reason, or money is allocated to it.
    """
    audit.require(actor, Permission.POST_MONEY)
    reason = one_line(reason)  # free text on one line, as every reason is (domain.text)
    invoice = _locked(uow, number)
    allocated = uow.invoices.allocated_cents(invoice.id)
    status = transition(
        invoice.status,
        InvoiceStatus.VOID,
        number=invoice.number,
        reason=reason,
        has_allocations=allocated > 0,
    )
    uow.invoices.set_status(invoice.id, status, void_reason=reason.strip())
    released = uow.invoices.release_charges(invoice.id)
    if invoice.total_cents != 0:
        post_entries(
            uow,
            actor,
            [
                LedgerPosting(
                    invoice.recipient.household_id,
                    EntryType.REVERSAL,
                    -invoice.total_cents,
                    dt.date.today(),  # noqa: DTZ011 - the book's business date is local
                    f"Void {invoice.number}: {reason.strip()}",
                    ("invoice", invoice.id),
                )
            ],
        )
    audit.record(
        uow,
        actor,
        "invoice.void",
        "invoice",
        invoice.id,
        {"status": invoice.status.value},
        {"status": status.value, "reason": reason.strip(), "charges_released": released},
    )
    rescore_lines_naming(uow, actor, [invoice.number])
    return get_invoice(uow, invoice.number)


def mark_overdue(uow: UnitOfWork, actor: Actor, as_of: dt.date) -> list[str]:
    """SENT/VIEWED invoices past their due date with a balance become OVERDUE.

    Returns:
        The numbers that changed.
    """
    audit.require(actor, Permission.POST_MONEY)
    changed = uow.invoices.overdue_candidates(as_of)
    for _invoice_id, number, current in changed:
        transition(current, InvoiceStatus.OVERDUE, number=number)
    uow.invoices.set_status_many(
        [invoice_id for invoice_id, _n, _c in changed], InvoiceStatus.OVERDUE
    )
    audit.record_many(
        uow,
        actor,
        [
            (
                "invoice.overdue",
                "invoice",
                invoice_id,
                {"status": current.value},
                {"status": InvoiceStatus.OVERDUE.value, "as_of": as_of.isoformat()},
            )
            for invoice_id, _number, current in changed
        ],
    )
    return [number for _id, number, _current in changed]


def new_ad_hoc_invoice(
    uow: UnitOfWork, actor: Actor, child_ref: str, issue_date: dt.date, lines: Sequence[AdHocLine]
) -> InvoiceValue:
    """A one-off DRAFT invoice for a child's household (uniform, trip, ...).

    VAT follows the line types (an AD_HOC line is standard-rated unless marked
    exempt). It is due on the creche's due day on or after the issue date.

    Raises:
        NotFoundError: an unknown child.
        RuleViolation: no lines, a line type that belongs to the monthly run,
            an amount beyond the book's limit, or a date outside its years.
    """
    audit.require(actor, Permission.POST_MONEY)
    if not lines:
        raise RuleViolation("an invoice needs at least one line")
    check_book_date(issue_date, "invoice date")
    child = uow.roster.child_by_ref(child_ref)
    if child is None:
        raise NotFoundError(f"no child {child_ref!r} in this creche")
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    policy = billing.VatPolicy(
        creche.vat_registered, creche.prices_include_vat, vat_rate_on(issue_date)
    )
    number = uow.invoices.next_number(issue_date.year, creche.invoice_prefix)
    invoice_id = uow.invoices.add(
        number=number,
        household_id=child.household_id,
        child_id=child.id,
        kind=InvoiceKind.AD_HOC,
        status=InvoiceStatus.DRAFT,
        issue_date=issue_date,
        due_date=_due_on_or_after(issue_date, creche.due_day),
        billing_month=None,
        lines=[_ad_hoc_line(line, policy, child.id) for line in lines],
    )
    invoice = get_invoice(uow, number)
    if invoice.total_cents != 0:
        post_entries(
            uow,
            actor,
            [
                LedgerPosting(
                    child.household_id,
                    EntryType.CHARGE,
                    invoice.total_cents,
                    issue_date,
                    f"Invoice {number}",
                    ("invoice", invoice_id),
                )
            ],
        )
    audit.record(
        uow,
        actor,
        "invoice.create",
        "invoice",
        invoice_id,
        None,
        {"number": number, "kind": "AD_HOC", "total": format_plain(invoice.total_cents)},
    )
    return invoice


_MONTHLY_ONLY = {
    LineType.MONTHLY_FEE,
    LineType.DISCOUNT,
    LineType.REGISTRATION,
    LineType.RE_REGISTRATION,
    LineType.OPENING_BALANCE,
    LineType.CREDIT,
}


def _ad_hoc_line(line: AdHocLine, policy: billing.VatPolicy, child_id: int) -> NewLine:
    if line.line_type in _MONTHLY_ONLY:
        raise RuleViolation(
            f"{line.line_type.value} lines come from the monthly run or the "
            "ledger, not an ad-hoc invoice"
        )
    if line.amount_cents <= 0:
        raise RuleViolation("each line needs an amount above zero")
    require_one_line(line.description, "a line's description")
    check_amount(line.amount_cents, "line")
    override = VatTreatment.EXEMPT if line.exempt else None
    treatment = billing.vat_treatment(line.line_type, override)
    split = billing.price_line(line.amount_cents, treatment, policy)
    description = billing.line_text(line.description, line.line_type)
    return NewLine(
        line.line_type,
        description,
        line.amount_cents,
        split.net_cents,
        split.vat_cents,
        split.gross_cents,
        treatment,
        child_id=child_id,
    )


def _due_on_or_after(day: dt.date, due_day: int) -> dt.date:
    due = day.replace(day=due_day)
    if due >= day:
        return due
    return (billing.month_end(day) + dt.timedelta(days=1)).replace(day=due_day)


def _locked(uow: UnitOfWork, number: str) -> InvoiceValue:
    invoice = uow.invoices.get(number, lock=True)
    if invoice is None:
        raise NotFoundError(f"no invoice {number!r} in this creche")
    return invoice
