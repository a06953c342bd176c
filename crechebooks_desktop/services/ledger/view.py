"""The ledger as the Ledger tab reads it: one household, or every household a page at a time.

Read-only use cases: each takes a unit of work (one read transaction) and
returns plain immutable values.
"""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.db.repositories.ledger_view import Key, LedgerLine, SortColumn, ViewSpec
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.account_statement import AccountLine
from crechebooks_desktop.domain.allocation import AllocationPlan
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.invoice_values import InvoiceValue
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services.ledger.payments import preview_payment
from crechebooks_desktop.services.ledger.posting import household_ledger

__all__ = [
    "HouseholdPosition",
    "Key",
    "LedgerLine",
    "OpenedView",
    "PaymentPreview",
    "SortColumn",
    "ViewSpec",
    "household_position",
    "open_view",
    "payment_preview",
    "read_page",
    "sampled_keys",
]


@dataclass(frozen=True, slots=True)
class HouseholdPosition:
    """A household's ledger (by date, with its running balance) and its open invoices."""

    account_ref: str
    entries: tuple[AccountLine, ...]
    open_invoices: tuple[InvoiceValue, ...]


@dataclass(frozen=True, slots=True)
class OpenedView:
    """The first look at the all-households ledger: how many rows, and the first page."""

    total: int
    first_page: tuple[LedgerLine, ...]


@dataclass(frozen=True, slots=True)
class PaymentPreview:
    """What a payment would do, before it is saved.

    Attributes:
        plan: what each invoice receives and what becomes credit.
        due_cents: what the household's invoices can take now (sent and not
            yet paid; drafts wait until they are sent).
    """

    plan: AllocationPlan
    due_cents: int

    @property
    def kind(self) -> str:
        """``exact`` (pays everything due), ``partial`` (less) or ``over`` (more: credit)."""
        if self.plan.credit_cents:
            return "over"
        return "exact" if self.plan.amount_cents == self.due_cents else "partial"


def payment_preview(uow: UnitOfWork, account_ref: str, amount_cents: int) -> PaymentPreview:
    """Preview an automatic allocation (oldest first) of a payment; nothing is written.

    Raises:
        NotFoundError: no such household.
        RuleViolation: an amount of zero or less.
    """
    plan = preview_payment(uow, account_ref, amount_cents)
    household_id = uow.roster.household_id(account_ref)
    if household_id is None:  # pragma: no cover - preview_payment found it a moment ago
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    due = sum(
        i.balance_due_cents for i in uow.payments.open_invoices(household_id) if i.can_take_money
    )
    return PaymentPreview(plan, due)


def household_position(uow: UnitOfWork, account_ref: str) -> HouseholdPosition:
    """A household's entries and the invoices that still have a balance due.

    An invoice is open when it is not void and has a balance due (drafts
    included: they count in the household's outstanding, as in ``balances``).

    Raises:
        NotFoundError: no household with that reference.
    """
    statement = household_ledger(uow, account_ref)
    invoices = uow.invoices.find(InvoiceFilter(household_ref=account_ref))
    open_invoices = sorted(
        (i for i in invoices if i.status is not InvoiceStatus.VOID and i.balance_due_cents > 0),
        key=lambda i: (i.due_date, i.number),
    )
    return HouseholdPosition(account_ref, statement.lines, tuple(open_invoices))


def open_view(uow: UnitOfWork, spec: ViewSpec, page_size: int) -> OpenedView:
    """Count the view's rows and read its first page, in one snapshot."""
    total = uow.ledger_view.count(spec)
    first = uow.ledger_view.page(spec, None, limit=page_size) if total else []
    return OpenedView(total, tuple(first))


def read_page(
    uow: UnitOfWork,
    spec: ViewSpec,
    anchor: Key | None,
    *,
    backward: bool,
    offset: int,
    limit: int,
) -> tuple[LedgerLine, ...]:
    """Rows next to a known key (see ``LedgerViewRepository.page``), in the view's order."""
    return tuple(uow.ledger_view.page(spec, anchor, backward=backward, offset=offset, limit=limit))


def sampled_keys(uow: UnitOfWork, spec: ViewSpec, every: int) -> tuple[Key, ...]:
    """The keys of every ``every``-th row of the view (rows ``every - 1``, ``2 * every - 1``...)."""
    return tuple(uow.ledger_view.sampled_keys(spec, every))
