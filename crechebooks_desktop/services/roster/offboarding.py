"""Offboarding a child (issue 13): last day, final invoice, and the household's credit.

Ending an enrolment (withdrawn or graduated) settles the child's account in one
transaction, each step through the service that owns it, so each is audited
as it would be on its own:

1. ``roster.end_enrolment``: the last day, inclusive.
2. The final invoice, for the month of the last day:

   - not yet billed for the child: ``monthly_run.bill_child`` makes the invoice
     the month's run would make, pro-rata to the last day (DRAFT, like every
     monthly invoice);
   - already billed (e.g. the whole month, before notice was given): the
     invoice stays as it is (it may be sent, paid or printed) and the days
     not attended are credited by a negative adjustment
     (``adjustments.adjust_balance``): the fee and sibling-discount lines as
     billed, less what they come to pro-rata to the last day. Like any
     reduction it goes to the open invoices oldest first, the rest becoming
     credit. Voiding and billing again would change a document the household
     may already hold and cannot be done once money is allocated to it;
   - a later month already billed for the child is refused: that invoice is
     voided first (``invoices void``), or a later last day chosen.

3. The credit (``domain.offboarding.CreditAction``): kept; applied
   (``credits.apply_household_credit`` on the open invoices, then the final
   invoice is sent with ``invoices.send_invoices``, which uses what is left on
   it); or applied and then refunded (``credits.refund_credit``).

A last ``enrolment.offboard`` audit record ties the steps together.
:func:`preview_offboarding` says what :func:`offboard` will do, to the cent,
changing nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain import billing
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import EnrolmentStatus, InvoiceKind, InvoiceStatus, LineType
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.domain.money import MoneyStyle, check_amount, format_rands
from crechebooks_desktop.domain.offboarding import CreditAction, Refund, settle
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import StoredChild, StoredEnrolment
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.billing import monthly_run
from crechebooks_desktop.services.billing.invoice_lifecycle import send_invoices
from crechebooks_desktop.services.ledger.adjustments import adjust_balance
from crechebooks_desktop.services.ledger.allocations import require_reason
from crechebooks_desktop.services.ledger.credits import apply_household_credit, refund_credit
from crechebooks_desktop.services.roster import charges_and_endings as roster

__all__ = [
    "CreditAction",
    "FinalInvoice",
    "Leaver",
    "Offboarded",
    "OffboardingPlan",
    "Refund",
    "leavers",
    "offboard",
    "preview_offboarding",
]

_FEE_LINES = (LineType.MONTHLY_FEE, LineType.DISCOUNT)
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def month_name(month: dt.date) -> str:
    """``December 2026`` (English, whatever the process locale)."""
    return f"{_MONTHS[month.month - 1]} {month.year}"


@dataclass(frozen=True, slots=True)
class Leaver:
    """A child of a household with an enrolment that can be ended."""

    child_ref: str
    name: str
    start_date: dt.date


@dataclass(frozen=True, slots=True)
class FinalInvoice:
    """The billing of the month of the last day.

    Attributes:
        month: the first day of the month.
        days: the days of the month the child attends (to the last day).
        days_in_month: the month's days.
        billed: the child's invoice for the month made before (None: a new one).
        lines: (description, amount) of the new invoice's lines.
        total_cents: the new invoice's total (0 when already billed).
        days_credit_cents: the credit for the days not attended (already billed).
    """

    month: dt.date
    days: int
    days_in_month: int
    billed: str | None
    lines: tuple[tuple[str, int], ...]
    total_cents: int
    days_credit_cents: int

    def as_json(self) -> dict[str, object]:
        """As ``--json`` prints it."""
        return {
            "month": self.month.isoformat()[:7],
            "days": self.days,
            "days_in_month": self.days_in_month,
            "already_billed": self.billed,
            "lines": [{"description": d, "amount_cents": c} for d, c in self.lines],
            "total_cents": self.total_cents,
            "days_credit_cents": self.days_credit_cents,
        }


@dataclass(frozen=True, slots=True)
class OffboardingPlan:
    """What an offboarding does, worked out before anything changes.

    Attributes:
        final: the last month's billing (None when no final invoice is asked for).
        balance_cents: the household's balance now (owed; negative = in credit).
        credit_cents: its unused credit now.
        credit_applied_cents: credit that will be used on invoices.
        refund_cents: credit that will be paid back.
        credit_after_cents: credit left with the household.
        balance_after_cents: the household's balance afterwards.
    """

    child_ref: str
    child_name: str
    household_ref: str
    start_date: dt.date
    last_day: dt.date
    status: EnrolmentStatus
    credit_action: CreditAction
    final: FinalInvoice | None
    balance_cents: int
    credit_cents: int
    credit_applied_cents: int
    refund_cents: int
    credit_after_cents: int

    @property
    def outstanding_cents(self) -> int:
        """What the household owes on its invoices now (balance = outstanding - credit)."""
        return self.balance_cents + self.credit_cents

    @property
    def balance_after_cents(self) -> int:
        """The balance after the final invoice, the days' credit and the refund."""
        final = self.final
        billed = final.total_cents - final.days_credit_cents if final else 0
        return self.balance_cents + billed + self.refund_cents

    def as_json(self) -> dict[str, object]:
        """As ``--json`` prints it."""
        return {
            "child_ref": self.child_ref,
            "household_ref": self.household_ref,
            "start_date": self.start_date.isoformat(),
            "last_day": self.last_day.isoformat(),
            "status": self.status.value,
            "final_invoice": self.final.as_json() if self.final else None,
            "balance_cents": self.balance_cents,
            "outstanding_cents": self.outstanding_cents,
            "credit_cents": self.credit_cents,
            "credit_action": self.credit_action.value,
            "credit_applied_cents": self.credit_applied_cents,
            "refund_cents": self.refund_cents,
            "credit_after_cents": self.credit_after_cents,
            "balance_after_cents": self.balance_after_cents,
        }

    def describe(self, style: MoneyStyle = MoneyStyle.SPACE_COMMA) -> list[str]:
        """The plan in a few lines of text (the preview of the window and the command line)."""

        def r(cents: int) -> str:
            return format_rands(cents, style)

        text = [
            (
                f"{self.child_ref} ({self.child_name}), household {self.household_ref}: "
                f"enrolment from {self.start_date} ends on {self.last_day} "
                f"({self.status.value.lower()})"
            ),
            *self._final_lines(r),
            f"Owed now: {r(self.outstanding_cents)}; unused credit now: {r(self.credit_cents)}",
        ]
        action = {
            CreditAction.KEEP: "kept by the household (used on its invoices as they are sent)",
            CreditAction.APPLY: f"{r(self.credit_applied_cents)} used on its invoices",
            CreditAction.REFUND: f"{r(self.credit_applied_cents)} used on its invoices, "
            f"{r(self.refund_cents)} refunded",
        }[self.credit_action]
        text.append(f"Credit: {action}; {r(self.credit_after_cents)} left")
        text.append(f"Balance afterwards: {r(self.balance_after_cents)}")
        return text

    def _final_lines(self, r: Callable[[int], str]) -> list[str]:
        final = self.final
        if final is None:
            return ["No final invoice."]
        month = month_name(final.month)
        if final.billed is not None:
            if not final.days_credit_cents:
                return [f"{month} is already billed on {final.billed}; nothing to credit."]
            not_attended = final.days_in_month - final.days
            said = (
                f"{month} is already billed on {final.billed}: {not_attended} of "
                f"{final.days_in_month} days not attended are credited, "
                f"{r(final.days_credit_cents)}."
            )
            return [said]
        if not final.lines:
            return [f"Nothing to bill for {month}."]
        head = f"Final invoice for {month}: {r(final.total_cents)}"
        if self.credit_action is CreditAction.KEEP:
            head += " (a draft, sent with the month's invoices)"
        else:
            head += " (sent now, so that the credit can be used on it)"
        return [head, *(f"    {d}: {r(c)}" for d, c in final.lines)]


@dataclass(frozen=True, slots=True)
class Offboarded:
    """What :func:`offboard` did.

    Attributes:
        plan: what it set out to do.
        enrolment_id: the enrolment ended.
        invoice: the final invoice made (None when none was).
        adjustment_entry_id: the ADJUSTMENT entry crediting days not attended.
        refund_entry_id: the REFUND entry.
        balance_cents: the household's balance afterwards.
        credit_cents: its unused credit afterwards.
    """

    plan: OffboardingPlan
    enrolment_id: int
    invoice: str | None
    adjustment_entry_id: int | None
    refund_entry_id: int | None
    balance_cents: int
    credit_cents: int

    def as_json(self) -> dict[str, object]:
        """As ``--json`` prints it."""
        return {
            **self.plan.as_json(),
            "enrolment_id": self.enrolment_id,
            "invoice": self.invoice,
            "balance_after_cents": self.balance_cents,
            "credit_after_cents": self.credit_cents,
        }


@dataclass(frozen=True, slots=True)
class _Context:
    child: StoredChild
    enrolment: StoredEnrolment
    household_ref: str
    plan: OffboardingPlan


def leavers(uow: UnitOfWork, account_ref: str) -> list[Leaver]:
    """The household's children with an active enrolment, by reference.

    Raises:
        NotFoundError: no such household.
    """
    found = uow.payments.household(account_ref)
    if found is None:
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    children = {c.id: c for c in uow.roster.children() if c.household_id == found[0]}
    current: dict[int, StoredEnrolment] = {}
    for e in uow.roster.enrolments():
        if e.child_id in children and e.status is EnrolmentStatus.ACTIVE:
            kept = current.get(e.child_id)
            if kept is None or e.terms.start_date > kept.terms.start_date:
                current[e.child_id] = e
    return sorted(
        (
            Leaver(children[i].details.child_ref, children[i].details.name, e.terms.start_date)
            for i, e in current.items()
        ),
        key=lambda leaver: leaver.child_ref,
    )


def preview_offboarding(
    uow: UnitOfWork,
    actor: Actor,
    child_ref: str,
    last_day: dt.date,
    status: EnrolmentStatus,
    *,
    final_invoice: bool = True,
    credit: CreditAction = CreditAction.KEEP,
    refund: Refund | None = None,
) -> OffboardingPlan:
    """What :func:`offboard` would do with the same arguments; nothing changes.

    Args:
        uow: a transaction (only read).
        actor: whose creche (its VAT and sibling discounts price the final invoice).
        child_ref: the child's reference (any case).
        last_day: the last day attended and billed (inclusive).
        status: WITHDRAWN or GRADUATED.
        final_invoice: bill the month of the last day (or credit its days not attended).
        credit: keep, apply or refund the household's credit.
        refund: the refund's date, reason and amount (REFUND only).

    Returns:
        The plan, with the figures to the cent.

    Raises:
        NotFoundError: no such child.
        RuleViolation: as :func:`offboard` refuses (except for permissions).
    """
    return _plan(uow, actor, child_ref, last_day, status, final_invoice, credit, refund).plan


def offboard(
    uow: UnitOfWork,
    actor: Actor,
    child_ref: str,
    last_day: dt.date,
    status: EnrolmentStatus,
    *,
    final_invoice: bool = True,
    credit: CreditAction = CreditAction.KEEP,
    refund: Refund | None = None,
) -> Offboarded:
    """End a child's enrolment and settle the account, in the caller's one transaction.

    Args:
        uow: the transaction.
        actor: who does it: changes the roster, and posts money for a final
            invoice or a credit that is not kept (an administrator).
        child_ref: the child's reference (any case).
        last_day: the last day attended and billed (inclusive).
        status: WITHDRAWN or GRADUATED.
        final_invoice: bill the month of the last day (or credit its days not attended).
        credit: keep, apply or refund the household's credit.
        refund: the refund's date, reason and amount (None = all that is left); REFUND only.

    Returns:
        The plan and what was made: the invoice, the entries, the balance and credit after.

    Raises:
        PermissionDenied: the actor may not change the roster or post money.
        NotFoundError: no such child.
        RuleViolation: ACTIVE as the status; no active enrolment; a last day before
            the start or outside the book's years; a later month already billed; a
            refund without its date and reason, with no credit left, or of more
            than the credit left.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    if final_invoice or credit is not CreditAction.KEEP:
        audit.require(actor, Permission.POST_MONEY)
    found = _plan(uow, actor, child_ref, last_day, status, final_invoice, credit, refund)
    plan, ref = found.plan, found.household_ref
    roster.end_enrolment(uow, actor, child_ref, last_day, status)
    invoice, adjustment = _final_step(uow, actor, found)
    refund_entry = None
    if credit is not CreditAction.KEEP:
        apply_household_credit(uow, actor, ref)
        if invoice is not None:
            send_invoices(uow, actor, [invoice])
    if credit is CreditAction.REFUND and refund is not None:
        refund_entry = refund_credit(
            uow, actor, ref, plan.refund_cents, refund.on, refund.reason
        ).entry_id
    after = uow.ledger.balance(found.child.household_id)
    done = Offboarded(
        plan,
        found.enrolment.id,
        invoice,
        adjustment,
        refund_entry,
        after.balance_cents,
        after.credit_cents,
    )
    _audit(uow, actor, done)
    return done


def _final_step(uow: UnitOfWork, actor: Actor, found: _Context) -> tuple[str | None, int | None]:
    """The final invoice made, or the ADJUSTMENT crediting the days not attended."""
    final = found.plan.final
    if final is None:
        return None, None
    if final.billed is None:
        child = found.child
        made = monthly_run.bill_child(uow, actor, child.id, child.household_id, final.month)
        return (made.number if made else None), None
    if final.days_credit_cents == 0:
        return None, None
    reason = (
        f"{found.plan.child_ref} left on {found.plan.last_day}: "
        f"{final.days_in_month - final.days} days of {month_name(final.month)} "
        f"not attended ({final.billed})"
    )
    done = adjust_balance(
        uow, actor, found.household_ref, -final.days_credit_cents, found.plan.last_day, reason
    )
    return None, done.entry_id


def _audit(uow: UnitOfWork, actor: Actor, done: Offboarded) -> None:
    plan = done.plan
    audit.record(
        uow,
        actor,
        "enrolment.offboard",
        "enrolment",
        done.enrolment_id,
        {"balance_cents": plan.balance_cents, "credit_cents": plan.credit_cents},
        {
            "child_ref": plan.child_ref,
            "last_day": plan.last_day,
            "status": plan.status,
            "final_invoice": done.invoice,
            "days_credit_cents": plan.final.days_credit_cents if plan.final else 0,
            "credit_action": plan.credit_action.value,
            "credit_applied_cents": plan.credit_applied_cents,
            "refund_cents": plan.refund_cents,
            "balance_cents": done.balance_cents,
            "credit_cents": done.credit_cents,
        },
    )


def _plan(
    uow: UnitOfWork,
    actor: Actor,
    child_ref: str,
    last_day: dt.date,
    status: EnrolmentStatus,
    final_invoice: bool,
    credit: CreditAction,
    refund: Refund | None,
) -> _Context:
    if status is EnrolmentStatus.ACTIVE:
        raise RuleViolation("an enrolment ends as WITHDRAWN or GRADUATED")
    check_book_date(last_day, "last day")
    _check_refund(credit, refund)
    child, enrolment = roster.current_enrolment(uow, child_ref, last_day, "last day")
    ref = uow.payments.household_ref(child.household_id)
    invoices = [
        inv
        for inv in uow.invoices.find(InvoiceFilter(household_ref=ref))
        if inv.child_id == child.id
        and inv.kind is InvoiceKind.MONTHLY
        and inv.status is not InvoiceStatus.VOID
    ]
    _refuse_later_months(child.details.child_ref, invoices, last_day)
    final = _final(uow, actor, child, enrolment, invoices, last_day) if final_invoice else None
    state = uow.ledger.balance(child.household_id)
    settled = settle(
        credit,
        credit_cents=state.credit_cents,
        open_invoices=uow.payments.open_invoices(child.household_id),
        final_cents=final.total_cents if final else 0,
        days_credit_cents=final.days_credit_cents if final else 0,
        refund_cents=refund.amount_cents if refund else None,
    )
    plan = OffboardingPlan(
        child.details.child_ref,
        child.details.name,
        ref,
        enrolment.terms.start_date,
        last_day,
        status,
        credit,
        final,
        state.balance_cents,
        state.credit_cents,
        settled.credit_applied_cents,
        settled.refund_cents,
        settled.credit_after_cents,
    )
    return _Context(child, enrolment, ref, plan)


def _check_refund(credit: CreditAction, refund: Refund | None) -> None:
    if credit is not CreditAction.REFUND:
        if refund is not None:
            raise RuleViolation("refund details are for a refund of the credit only")
        return
    if refund is None:
        raise RuleViolation("a refund of the credit needs its date and a reason")
    require_reason(refund.reason, "refund credit")
    check_book_date(refund.on, "refund date")
    if refund.amount_cents is not None:
        check_amount(refund.amount_cents, "refund")


def _refuse_later_months(child_ref: str, invoices: list[InvoiceValue], last_day: dt.date) -> None:
    later = [
        inv
        for inv in invoices
        if inv.billing_month is not None and inv.billing_month > billing.month_end(last_day)
    ]
    if later:
        first = min(later, key=lambda inv: (inv.billing_month, inv.number))
        month = month_name(first.billing_month or last_day)
        raise RuleViolation(
            f"{child_ref} is already billed for {month} ({first.number}), after the last "
            f"day {last_day}: void that invoice first (invoices void) or choose a later last day"
        )


def _final(
    uow: UnitOfWork,
    actor: Actor,
    child: StoredChild,
    enrolment: StoredEnrolment,
    invoices: list[InvoiceValue],
    last_day: dt.date,
) -> FinalInvoice:
    start = enrolment.terms.start_date
    month = billing.month_start(last_day)
    draft = monthly_run.draft_for_child(
        uow, actor, child.id, child.household_id, month, (enrolment.id, last_day)
    )
    days, whole = billing.active_days(start, last_day, month), billing.days_in_month(month)
    billed = next((inv for inv in invoices if inv.billing_month == month), None)
    if billed is None:
        lines = tuple((line.description, line.gross_cents) for line in draft.lines) if draft else ()
        total = draft.total_cents if draft else 0
        return FinalInvoice(month, days, whole, None, lines, total, 0)
    was = sum(line.gross_cents for line in billed.lines if line.line_type in _FEE_LINES)
    drafted = draft.lines if draft else ()
    now = sum(line.gross_cents for line in drafted if line.line_type in _FEE_LINES)
    return FinalInvoice(month, days, whole, billed.number, (), 0, max(0, was - now))
