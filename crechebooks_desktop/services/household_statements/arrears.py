"""The arrears report: what is owed as of a day, by age, by household and by invoice.

In the shape of the seed's ArrearsReport. Draft invoices are left out (they
have not been sent, so nobody owes them yet); credit households hold is
reported beside the arrears, never netted into them (Xero leaves prepayments
out of aged receivables, and its users complain).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.aging import AgingSummary, InvoicePosition, age, positions_as_of
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.enums import InvoiceStatus

__all__ = ["ArrearsReport", "CreditHeld", "Debtor", "arrears_report"]

TOP_DEBTORS = 10
"""How many households the report names as top debtors."""


@dataclass(frozen=True, slots=True)
class Debtor:
    """A household that owes, with its oldest unpaid due date."""

    household_ref: str
    name: str
    outstanding_cents: int
    oldest_due_date: dt.date
    days_overdue: int
    aging: AgingSummary

    def as_json(self) -> dict[str, object]:
        """``{"household_ref", "name", "outstanding_cents", "oldest_due_date", "days_overdue"}``."""
        return {
            "household_ref": self.household_ref,
            "name": self.name,
            "outstanding_cents": self.outstanding_cents,
            "oldest_due_date": self.oldest_due_date.isoformat(),
            "days_overdue": self.days_overdue,
        }


@dataclass(frozen=True, slots=True)
class CreditHeld:
    """Money a household has paid in and that no invoice has taken yet."""

    household_ref: str
    name: str
    credit_cents: int

    def as_json(self) -> dict[str, object]:
        """``{"household_ref", "name", "credit_cents"}``."""
        return {
            "household_ref": self.household_ref,
            "name": self.name,
            "credit_cents": self.credit_cents,
        }


@dataclass(frozen=True, slots=True)
class ArrearsReport:
    """Arrears as of a day.

    Attributes:
        debtors: every household that owes, most owed first.
        invoices: every invoice with a balance owed, oldest due first.
        credits: households holding credit, most first (beside the arrears).
    """

    as_of: dt.date
    aging: AgingSummary
    debtors: tuple[Debtor, ...]
    invoices: tuple[tuple[InvoicePosition, str], ...]
    credits: tuple[CreditHeld, ...]

    @property
    def total_outstanding_cents(self) -> int:
        """Everything owed."""
        return self.aging.total_cents

    @property
    def top_debtors(self) -> tuple[Debtor, ...]:
        """The households that owe most."""
        return self.debtors[:TOP_DEBTORS]

    def as_json(self) -> dict[str, object]:
        """``arrears --json``."""
        return {
            "as_of": self.as_of.isoformat(),
            "summary": {
                "total_outstanding_cents": self.total_outstanding_cents,
                "total_invoices": len(self.invoices),
                "aging": self.aging.as_json(),
            },
            "top_debtors": [debtor.as_json() for debtor in self.top_debtors],
            "invoices": [
                {
                    "number": position.invoice.number,
                    "household_ref": ref,
                    "due_date": position.invoice.due_date.isoformat(),
                    "balance_due_cents": position.balance_cents,
                    "days_overdue": position.days_overdue,
                    "bucket": position.bucket.value,
                }
                for position, ref in self.invoices
            ],
            "credits": {
                "total_cents": sum(c.credit_cents for c in self.credits),
                "households": [credit.as_json() for credit in self.credits],
            },
        }


def arrears_report(uow: UnitOfWork, as_of: dt.date) -> ArrearsReport:
    """``arrears``: what is owed at the end of ``as_of``, and the credit held beside it."""
    check_book_date(as_of, "the arrears date")
    invoices = uow.statements.invoices(as_of)
    money = uow.statements.money([inv.invoice_id for inv in invoices])
    every = positions_as_of(invoices, money, as_of)
    owed = [p for p in every if p.invoice.status is not InvoiceStatus.DRAFT]
    parties = {p.household_id: p for p in uow.statements.parties()}
    balances = uow.statements.balances_before(as_of + dt.timedelta(days=1))
    by_household: dict[int, list[InvoicePosition]] = {}
    for position in owed:
        by_household.setdefault(position.invoice.household_id, []).append(position)
    debtors = []
    for household_id, positions in by_household.items():
        oldest = min(positions, key=lambda p: p.invoice.due_date)
        party = parties[household_id]
        debtors.append(
            Debtor(
                party.household_ref,
                party.parent_name,
                sum(p.balance_cents for p in positions),
                oldest.invoice.due_date,
                oldest.days_overdue,
                age(positions),
            )
        )
    debtors.sort(key=lambda d: (-d.outstanding_cents, d.household_ref))
    # Credit held: what its invoices (drafts too, which the ledger counts) owe beyond its balance.
    all_owed: dict[int, int] = {}
    for position in every:
        key = position.invoice.household_id
        all_owed[key] = all_owed.get(key, 0) + position.balance_cents
    held = [
        CreditHeld(party.household_ref, party.parent_name, credit)
        for household_id, party in parties.items()
        if (credit := all_owed.get(household_id, 0) - balances.get(household_id, 0)) > 0
    ]
    held.sort(key=lambda c: (-c.credit_cents, c.household_ref))
    refs = {hid: party.household_ref for hid, party in parties.items()}
    return ArrearsReport(
        as_of,
        age(owed),
        tuple(debtors),
        tuple((p, refs[p.invoice.household_id]) for p in owed),
        tuple(held),
    )
