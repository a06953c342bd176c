"""``crechebooks check``: every ledger invariant of DESIGN §4, over a creche."""

from __future__ import annotations

from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain import ledger
from crechebooks_desktop.domain.ledger import Violation


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What was checked and what was found.

    Attributes:
        households: households checked.
        invoices: invoices checked.
        payments: payments checked.
        violations: every broken invariant, in a stable order.
    """

    households: int
    invoices: int
    payments: int
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is broken."""
        return not self.violations


def check_creche(uow: UnitOfWork) -> CheckReport:
    """Check the balances, the entry chain, invoices and payments of a creche.

    Args:
        uow: a (read-only) transaction scoped to the creche.

    Returns:
        The report; ``ok`` is False when any invariant is broken.
    """
    found: list[Violation] = []
    households = invoices = payments = 0
    for facts in uow.checks.household_facts():
        households += 1
        found.extend(ledger.check_household(facts))
    for link in uow.checks.chain_links():
        broken = ledger.check_chain_link(*link)
        if broken is not None:
            found.append(broken)
    for number, total, allocated, due in uow.checks.invoice_facts():
        invoices += 1
        found.extend(ledger.check_invoice(number, total, allocated, due))
    for payment_id, amount, allocated in uow.checks.payment_facts():
        payments += 1
        found.extend(ledger.check_payment(payment_id, amount, allocated))
    return CheckReport(households, invoices, payments, tuple(found))
