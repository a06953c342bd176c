"""A statement of account for a household or one child, as parents receive it.

Three kinds (docs/RULES.md, Statements):

- **household**: every movement of the household's ledger in the period, by
  date, with a running balance from the balance brought forward; its closing
  balance is the ledger balance at the end date, to the cent.
- **child**: that child's invoices (+) and the money allocated to them (-),
  voids as reversals; its closing balance is what the child's invoices still
  owed at the end date.
- **open items**: only what is still owed at the end date, invoice by
  invoice, and any credit held; the lines add up to the household's balance.

Each carries the aging of its invoices as of the end date. The household's
credit not yet applied to an invoice is reported beside the aging, never
inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.account_statement import account_statement
from crechebooks_desktop.domain.aging import AgingSummary, InvoiceMoney, InvoicePosition, MoneyIn
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import LedgerEntryValue

__all__ = [
    "StatementKind",
    "StatementLine",
    "StatementOf",
    "StatementParty",
    "child_lines",
    "household_lines",
    "open_item_lines",
]


class StatementKind:
    """Which statement: the names used in JSON and on the page."""

    HOUSEHOLD = "household"
    CHILD = "child"
    OPEN_ITEMS = "open-items"


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a statement.

    Attributes:
        kind: ``invoice``, ``charge``, ``payment``, ``credit``, ``refund``,
            ``adjustment`` or ``reversal``.
        reference: the invoice number or the payment's reference, where there is one.
        amount_cents: positive owes more, negative owes less.
        balance_cents: the running balance after this line.
    """

    date: dt.date
    kind: str
    reference: str | None
    description: str
    amount_cents: int
    balance_cents: int

    def as_json(self) -> dict[str, object]:
        """``{"date", "kind", "reference", "description", "amount_cents", "balance_cents"}``."""
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "reference": self.reference,
            "description": self.description,
            "amount_cents": self.amount_cents,
            "balance_cents": self.balance_cents,
        }


@dataclass(frozen=True, slots=True)
class StatementParty:
    """Who the statement is for.

    Attributes:
        child_ref: the child, on a child's statement.
        child_name: that child's name.
    """

    household_id: int
    household_ref: str
    parent_name: str
    second_parent_name: str | None
    email: str | None
    address: str | None
    child_ref: str | None = None
    child_name: str | None = None


@dataclass(frozen=True, slots=True)
class StatementOf:
    """A statement for a period.

    Attributes:
        kind: a ``StatementKind`` value.
        opening_cents: the balance brought forward (0 on an open-items statement).
        lines: by date, each with its running balance.
        aging: the invoices' balances owed at the end date, by bucket.
        credit_cents: the household's money held and not yet applied to an
            invoice at the end date (beside the aging, not inside it); 0 on a
            child's statement.
        unbilled_cents: what the household owed at the end date on no
            invoice (only when the book holds a refund dated before the
            credit it paid back); aging - credit + unbilled = closing.
        open_invoices: the invoices owing at the end date (for the page's
            open-items table and for reminders).
    """

    kind: str
    party: StatementParty
    date_from: dt.date
    date_to: dt.date
    opening_cents: int
    lines: tuple[StatementLine, ...]
    aging: AgingSummary
    credit_cents: int
    open_invoices: tuple[InvoicePosition, ...] = ()
    unbilled_cents: int = 0

    @property
    def closing_cents(self) -> int:
        """The balance at the end date: the last line's, or the one brought forward."""
        return self.lines[-1].balance_cents if self.lines else self.opening_cents

    @property
    def payment_reference(self) -> str:
        """What the household quotes when it pays: its account reference."""
        return self.party.household_ref

    def as_json(self) -> dict[str, object]:
        """The shape of ``statements show --json`` (issue 12), with a few fields more."""
        return {
            "household_ref": self.party.household_ref,
            "child_ref": self.party.child_ref,
            "kind": self.kind,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "opening_cents": self.opening_cents,
            "closing_cents": self.closing_cents,
            "lines": [line.as_json() for line in self.lines],
            "aging": self.aging.as_json(),
            "credit_cents": self.credit_cents,
            "unbilled_cents": self.unbilled_cents,
            "payment_reference": self.payment_reference,
        }


_KINDS = {
    EntryType.PAYMENT: "payment",
    EntryType.CREDIT: "credit",
    EntryType.REFUND: "refund",
    EntryType.ADJUSTMENT: "adjustment",
    EntryType.REVERSAL: "reversal",
}


def _entry_kind(entry: LedgerEntryValue) -> str:
    if entry.entry_type is EntryType.CHARGE:
        return "invoice" if entry.source_type == "invoice" else "charge"
    return _KINDS[entry.entry_type]


def household_lines(
    entries: Iterable[LedgerEntryValue],
    opening_cents: int,
    references: Mapping[tuple[str, int], str],
) -> tuple[StatementLine, ...]:
    """A household's ledger entries in the period as statement lines, by (date, entry id).

    Args:
        entries: the entries dated in the period.
        opening_cents: the balance brought forward.
        references: (source type, source id) -> the reference to show.
    """
    ordered = account_statement(entries, opening_cents)
    return tuple(
        StatementLine(
            line.entry_date,
            _entry_kind(line),
            references.get((line.source_type, line.source_id))
            if line.source_type and line.source_id is not None
            else None,
            line.description,
            line.amount_cents,
            line.running_balance_cents,
        )
        for line in ordered.lines
    )


def child_lines(
    invoices: Sequence[InvoiceMoney],
    money: Sequence[MoneyIn],
    date_from: dt.date,
    date_to: dt.date,
    payment_references: Mapping[int, str],
) -> tuple[int, tuple[StatementLine, ...]]:
    """A child's invoices and the money on them: (the opening balance, the period's lines).

    An invoice counts from its issue date and, if voided, is taken back on
    its void date; money counts from the day it was applied and is taken back
    on the day it was undone. Same-day lines: invoices first, then money, then
    voids and undoings, each by invoice number.
    """
    events: list[tuple[dt.date, int, str, str, str | None, str, int]] = []
    for inv in invoices:
        events.append((inv.issue_date, 0, inv.number, "invoice", inv.number,
                       f"Invoice {inv.number}", inv.total_cents))  # fmt: skip
        if inv.void_date is not None:
            events.append((inv.void_date, 2, inv.number, "reversal", inv.number,
                           f"Void {inv.number}", -inv.total_cents))  # fmt: skip
    numbers = {inv.invoice_id: inv.number for inv in invoices}
    for item in money:
        number = numbers.get(item.invoice_id)
        if number is None:
            continue
        kind = "payment" if item.payment_id is not None else "credit"
        ref = payment_references.get(item.payment_id) if item.payment_id is not None else None
        what = "Payment" if item.payment_id is not None else "Credit applied"
        events.append((item.applied_on, 1, number, kind, ref or number,
                       f"{what} to {number}", -item.cents))  # fmt: skip
        if item.undone_on is not None:
            events.append((item.undone_on, 2, number, "reversal", ref or number,
                           f"{what} to {number} reversed", item.cents))  # fmt: skip
    events.sort(key=lambda e: e[:3])
    opening = sum(e[6] for e in events if e[0] < date_from)
    running = opening
    lines = []
    for day, _order, _number, kind, ref, text, cents in events:
        if day < date_from or day > date_to:
            continue
        running += cents
        lines.append(StatementLine(day, kind, ref, text, cents, running))
    return opening, tuple(lines)


def open_item_lines(
    positions: Sequence[InvoicePosition],
    credit_cents: int,
    as_of: dt.date,
    unbilled_cents: int = 0,
) -> tuple[StatementLine, ...]:
    """What is owed at the end date, invoice by invoice, then credit held or owed elsewhere."""
    running = 0
    lines = []
    for position in positions:
        running += position.balance_cents
        invoice = position.invoice
        lines.append(
            StatementLine(
                invoice.issue_date,
                "invoice",
                invoice.number,
                f"Invoice {invoice.number}, due {invoice.due_date.isoformat()}",
                position.balance_cents,
                running,
            )
        )
    if credit_cents:
        running -= credit_cents
        lines.append(
            StatementLine(
                as_of,
                "credit",
                None,
                "Credit held",
                -credit_cents,
                running,
            )
        )
    if unbilled_cents:
        running += unbilled_cents
        lines.append(
            StatementLine(as_of, "charge", None, "Owed on no invoice", unbilled_cents, running)
        )
    return tuple(lines)
