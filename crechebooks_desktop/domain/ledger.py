"""The household ledger's values and its invariants (docs/RULES.md, Ledger).

The database layer gathers the facts (sums, last balances, allocation totals)
with set-based queries; the rules that judge them live here, pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.domain.enums import EntryType


@dataclass(frozen=True, slots=True)
class LedgerEntryValue:
    """One ledger entry as shown and exported."""

    id: int
    household_id: int
    entry_date: dt.date
    entry_type: EntryType
    amount_cents: int
    balance_after_cents: int
    description: str
    source_type: str | None
    source_id: int | None
    created_at: dt.datetime
    created_by: str | None


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """What the book says about one household's balance, from every side."""

    household_id: int
    account_ref: str
    stored_balance_cents: int
    stored_credit_cents: int
    entries_sum_cents: int
    last_balance_after_cents: int | None
    outstanding_cents: int


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken invariant, described for a person.

    Attributes:
        rule: short name of the invariant (stable, for ``--json``).
        subject: what it is about, e.g. ``household DLAMINI01``.
        detail: the figures that disagree.
    """

    rule: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.rule}: {self.detail}"


def next_balance(balance_cents: int, amount_cents: int) -> int:
    """The balance after posting ``amount_cents`` (positive = owed more).

    Raises:
        ValueError: a zero amount (a ledger entry must move the balance).
    """
    if amount_cents == 0:
        raise ValueError("a ledger entry must have a non-zero amount")
    return balance_cents + amount_cents


def check_household(facts: HouseholdFacts) -> list[Violation]:
    """Check one household's balance against its entries and invoices.

    Args:
        facts: the stored balance and credit, the entries' sum and last
            ``balance_after``, and the outstanding invoices' balance due.

    Returns:
        Each broken invariant (empty when the household is consistent).
    """
    subject = f"household {facts.account_ref}"
    found: list[Violation] = []
    if facts.stored_balance_cents != facts.entries_sum_cents:
        found.append(
            Violation(
                "balance = sum of entries",
                subject,
                f"stored balance {facts.stored_balance_cents} ≠ sum of entries "
                f"{facts.entries_sum_cents}",
            )
        )
    last = facts.last_balance_after_cents if facts.last_balance_after_cents is not None else 0
    if facts.stored_balance_cents != last:
        found.append(
            Violation(
                "balance = last balance_after",
                subject,
                f"stored balance {facts.stored_balance_cents} ≠ last balance_after {last}",
            )
        )
    if facts.stored_credit_cents < 0:
        found.append(Violation("credit ≥ 0", subject, f"unused credit {facts.stored_credit_cents}"))
    expected = facts.outstanding_cents - facts.stored_credit_cents
    if facts.stored_balance_cents != expected:
        found.append(
            Violation(
                "balance = outstanding − credit",
                subject,
                f"stored balance {facts.stored_balance_cents} ≠ outstanding "
                f"{facts.outstanding_cents} − credit {facts.stored_credit_cents}",
            )
        )
    return found


def check_chain_link(
    account_ref: str, entry_id: int, previous_after: int, amount: int, balance_after: int
) -> Violation | None:
    """Check that an entry's ``balance_after`` follows from the one before it."""
    if previous_after + amount == balance_after:
        return None
    return Violation(
        "balance_after chain",
        f"household {account_ref} entry {entry_id}",
        f"previous {previous_after} + amount {amount} ≠ balance_after {balance_after}",
    )


def check_invoice(number: str, total: int, allocated: int, balance_due: int) -> list[Violation]:
    """An invoice's balance due must be its total less allocations, and not negative."""
    found = []
    if balance_due != total - allocated:
        found.append(
            Violation(
                "balance due = total − allocations",
                f"invoice {number}",
                f"balance due {balance_due} ≠ total {total} − allocations {allocated}",
            )
        )
    if balance_due < 0:
        found.append(
            Violation("balance due ≥ 0", f"invoice {number}", f"balance due {balance_due}")
        )
    return found


def check_payment(payment_id: int, amount: int, allocated: int) -> list[Violation]:
    """A payment cannot be allocated beyond its amount."""
    if allocated <= amount:
        return []
    return [
        Violation(
            "allocations ≤ payment",
            f"payment {payment_id}",
            f"allocated {allocated} > amount {amount}",
        )
    ]


@dataclass(frozen=True, slots=True)
class LedgerPosting:
    """A movement to post: what, for whom, how much, and why."""

    household_id: int
    entry_type: EntryType
    amount_cents: int
    entry_date: dt.date
    description: str
    source: tuple[str, int] | None = None
    credit_delta_cents: int = 0


@dataclass(frozen=True, slots=True)
class BalanceState:
    """A household's balance and unused credit at one moment."""

    household_id: int
    balance_cents: int
    credit_cents: int
