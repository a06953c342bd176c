"""Households as the roster and the Ledger tab show them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HouseholdSummary:
    """A household with its children and money position.

    Attributes:
        balance_cents: owed to the creche (negative = in credit).
        outstanding_cents: balance due on its open invoices.
        credit_cents: unused credit waiting to be applied.
    """

    id: int
    account_ref: str
    parent_name: str
    second_parent_name: str | None
    email: str | None
    phone: str | None
    children: tuple[str, ...]
    balance_cents: int
    outstanding_cents: int
    credit_cents: int
