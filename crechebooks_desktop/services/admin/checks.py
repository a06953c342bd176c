"""``crechebooks check``: every invariant of docs/RULES.md (Ledger, History), over a creche.

The ledger's balances and entry chain, invoices, payments, and the history's
hash chains with the triggers that keep it append-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain import history, ledger
from crechebooks_desktop.domain.history import ChainedRow
from crechebooks_desktop.domain.ledger import Violation

# (chain, as people read it, the book-wide chain?) in the order they are reported.
_CHAINS = (
    ("audit_log", "audit log", False),
    ("ledger_entries", "ledger", False),
    ("audit_log", "book-wide audit log", True),
)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What was checked and what was found.

    Attributes:
        households: households checked.
        invoices: invoices checked.
        payments: payments checked.
        violations: every broken invariant, in a stable order.
        history_rows: audit records and ledger entries whose chains were verified.
    """

    households: int
    invoices: int
    payments: int
    violations: tuple[Violation, ...]
    history_rows: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is broken."""
        return not self.violations


def check_creche(uow: UnitOfWork) -> CheckReport:
    """Check the balances, the entry chain, invoices, payments and history of a creche.

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
    history_rows = _check_history(uow, found)
    return CheckReport(households, invoices, payments, tuple(found), history_rows)


def _check_history(uow: UnitOfWork, found: list[Violation]) -> int:
    """Verify the creche's hash chains and their guards; the number of rows verified."""
    found.extend(
        Violation(
            "append-only guard",
            f"trigger {name}",
            "is missing or switched off: history can be changed without the database refusing",
        )
        for name in uow.history.missing_protections()
    )
    counted = 0
    for chain, label, whole_book in _CHAINS:
        rows = _Counted(uow.history.rows(chain, whole_book=whole_book))
        head = uow.history.head(chain, whole_book=whole_book)
        found.extend(history.verify_chain(label, rows, head))
        counted += rows.count
    return counted


class _Counted:
    """An iterable of chain rows that counts what it hands out."""

    def __init__(self, rows: Iterable[ChainedRow]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[ChainedRow]:
        for row in self._rows:
            self.count += 1
            yield row
