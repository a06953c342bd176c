"""What matching reads and writes: payees, decisions and learned payer aliases.

A line's decisions are history: each run, accept, reject, park or undo adds a
row, and the line's current decision is its newest row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import aliased

from crechebooks_desktop.db.repositories.bulk import copy_rows, reserve_ids, table_of
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    BankAccount,
    BankLine,
    Child,
    Household,
    Invoice,
    MatchDecision,
    PayerAlias,
    Tenant,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import BankLineStatus, InvoiceStatus, MatchOutcome
from crechebooks_desktop.domain.matching import DraftItem, LearnedAlias, OpenItem, Payee

_CHUNK = 900
_DECISIONS = table_of(MatchDecision)
_DECISION_COLUMNS = (
    "id", "bank_line_id", "outcome", "candidates", "household_id", "payment_id", "note",
)  # fmt: skip
_CLOSED = (InvoiceStatus.DRAFT, InvoiceStatus.VOID, InvoiceStatus.PAID)


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One decision about a line, as stored."""

    id: int
    line_id: int
    outcome: MatchOutcome
    candidates: list[dict[str, Any]]
    household_id: int | None
    payment_id: int | None
    note: str | None
    decided_at: dt.datetime
    undone_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """A learned payer alias with its household's reference."""

    id: int
    household_id: int
    household_ref: str
    payer_key: str
    decision_id: int | None
    created_at: dt.datetime
    forgotten_at: dt.datetime | None


def _decision(row: MatchDecision) -> DecisionRecord:
    return DecisionRecord(
        row.id,
        row.bank_line_id,
        row.outcome,
        list(row.candidates or []),
        row.household_id,
        row.payment_id,
        row.note,
        row.decided_at,
        row.undone_at,
    )


def _names(candidate: dict[str, Any], numbers: set[str], payments: set[int]) -> bool:
    """Whether a stored candidate names one of these invoices or payments."""
    if candidate.get("payment_id") in payments:
        return True
    named = [*(candidate.get("invoice_numbers") or ()), *(candidate.get("draft_invoices") or ())]
    return any(str(n).upper() in numbers for n in named)


class MatchingRepository(TenantScoped):
    """Payees to match against, decisions and payer aliases."""

    def payees(self) -> list[Payee]:
        """Every active household with its names and the invoices that can take money."""
        households = self.session.execute(
            select(
                Household.id,
                Household.account_ref,
                Household.parent_name,
                Household.second_parent_name,
                Household.phone,
            )
            .where(Household.tenant_id == self.tenant_id, Household.active.is_(True))
            .order_by(Household.id)
        ).all()
        children: dict[int, list[str]] = defaultdict(list)
        for household_id, first, last in self.session.execute(
            select(Child.household_id, Child.first_name, Child.last_name)
            .where(Child.tenant_id == self.tenant_id)
            .order_by(Child.id)
        ):
            children[int(household_id)].append(f"{first} {last}".strip())
        invoices: dict[int, list[OpenItem]] = defaultdict(list)
        for household_id, number, balance, due in self.session.execute(
            select(
                Invoice.household_id, Invoice.number, Invoice.balance_due_cents, Invoice.due_date
            )
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.status.not_in(_CLOSED),
                Invoice.balance_due_cents > 0,
            )
            .order_by(Invoice.due_date, Invoice.number)
        ):
            invoices[int(household_id)].append(OpenItem(number, int(balance), due))
        drafts = self._drafts()
        return [
            Payee(
                household_id=int(hid),
                ref=ref,
                parent_names=tuple(n for n in (first, second) if n),
                child_names=tuple(children[int(hid)]),
                outstanding_cents=sum(i.balance_due_cents for i in invoices[int(hid)]),
                invoices=tuple(invoices[int(hid)]),
                drafts=tuple(drafts[int(hid)]),
                phones=(phone,) if phone else (),
            )
            for hid, ref, first, second, phone in households
        ]

    def _drafts(self) -> dict[int, list[DraftItem]]:
        """Each household's DRAFT invoices with a balance, by month and number."""
        drafts: dict[int, list[DraftItem]] = defaultdict(list)
        rows = self.session.execute(
            select(Invoice.household_id, Invoice.number, Invoice.billing_month, Invoice.issue_date)
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.status == InvoiceStatus.DRAFT,
                Invoice.balance_due_cents > 0,
            )
            .order_by(Invoice.billing_month, Invoice.number)
        )
        for household_id, number, month, issued in rows:
            day = month or issued.replace(day=1)
            drafts[int(household_id)].append(DraftItem(number, day))
        return drafts

    def household_refs(self, household_ids: Iterable[int]) -> dict[int, str]:
        """Account references by household id."""
        wanted = sorted(set(household_ids))
        refs: dict[int, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            refs.update(
                (int(i), str(r))
                for i, r in self.session.execute(
                    select(Household.id, Household.account_ref).where(
                        Household.tenant_id == self.tenant_id, Household.id.in_(chunk)
                    )
                )
            )
        return refs

    # ------------------------------------------------------------------ decisions

    def add_decisions(self, rows: Sequence[dict[str, Any]], decided_by: int | None) -> list[int]:
        """Insert decisions (``bank_line_id``, ``outcome``, ``candidates``, ...); ids in order.

        In bulk (issue 13): the ids are reserved first and the rows go through
        ``COPY`` (PostgreSQL) or multi-row ``INSERT``s (SQLite), not one
        ``INSERT ... RETURNING`` per decision.
        """
        if not rows:
            return []
        ids = reserve_ids(self.session, _DECISIONS, len(rows))
        copy_rows(
            self.session,
            _DECISIONS,
            _DECISION_COLUMNS,
            [
                (
                    decision_id,
                    row["bank_line_id"],
                    row["outcome"],
                    list(row.get("candidates") or []),
                    row.get("household_id"),
                    row.get("payment_id"),
                    row.get("note"),
                )
                for decision_id, row in zip(ids, rows, strict=True)
            ],
            {"tenant_id": self.tenant_id, "decided_at": utc_now(), "decided_by": decided_by},
        )
        return ids

    def latest(self, line_ids: Iterable[int] | None = None) -> dict[int, DecisionRecord]:
        """Each line's newest decision (all lines of the creche when none are named)."""
        newest = (
            select(func.max(MatchDecision.id))
            .where(MatchDecision.tenant_id == self.tenant_id)
            .group_by(MatchDecision.bank_line_id)
        )
        query = select(MatchDecision).where(MatchDecision.id.in_(newest))
        if line_ids is None:
            return {row.bank_line_id: _decision(row) for row in self.session.scalars(query)}
        wanted = sorted(set(line_ids))
        found: dict[int, DecisionRecord] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                (row.bank_line_id, _decision(row))
                for row in self.session.scalars(query.where(MatchDecision.bank_line_id.in_(chunk)))
            )
        return found

    def review_lines_naming(
        self, invoice_numbers: Iterable[str], payment_ids: Iterable[int] = ()
    ) -> list[int]:
        """Lines waiting in REVIEW whose newest decision names these invoices or payments.

        A candidate names an invoice it would pay (``invoice_numbers``) or that is
        a draft of its household (``draft_invoices``), and a payment it would link
        to (``payment_id``). One query over the REVIEW lines (indexed by status)
        and their newest decisions; the candidates are compared here.
        """
        numbers = {n.strip().upper() for n in invoice_numbers}
        payments = set(payment_ids)
        if not numbers and not payments:
            return []
        later = aliased(MatchDecision)
        newest = (
            select(func.max(later.id))
            .where(later.bank_line_id == BankLine.id)
            .correlate(BankLine)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(BankLine.id, MatchDecision.candidates)
            .join(MatchDecision, MatchDecision.bank_line_id == BankLine.id)
            .where(
                BankLine.tenant_id == self.tenant_id,
                BankLine.status == BankLineStatus.REVIEW,
                MatchDecision.id == newest,
            )
            .order_by(BankLine.id)
        )
        return [
            int(line_id)
            for line_id, candidates in rows
            if any(_names(c, numbers, payments) for c in candidates or ())
        ]

    def mark_undone(self, decision_id: int) -> None:
        """Record that a decision was undone."""
        self.session.execute(
            update(MatchDecision)
            .where(MatchDecision.tenant_id == self.tenant_id, MatchDecision.id == decision_id)
            .values(undone_at=utc_now())
            .execution_options(synchronize_session=False)
        )

    def forget_decisions_of(self, line_ids: Sequence[int]) -> None:
        """Drop the decisions of lines about to be removed (split parts joined back)."""
        for start in range(0, len(line_ids), _CHUNK):
            chunk = list(line_ids[start : start + _CHUNK])
            taught = select(MatchDecision.id).where(MatchDecision.bank_line_id.in_(chunk))
            self.session.execute(
                update(PayerAlias)
                .where(PayerAlias.tenant_id == self.tenant_id, PayerAlias.decision_id.in_(taught))
                .values(decision_id=None)
                .execution_options(synchronize_session=False)
            )
            self.session.execute(
                delete(MatchDecision)
                .where(
                    MatchDecision.tenant_id == self.tenant_id,
                    MatchDecision.bank_line_id.in_(chunk),
                )
                .execution_options(synchronize_session=False)
            )

    # ------------------------------------------------------------------ aliases

    def active_aliases(self) -> list[LearnedAlias]:
        """Aliases not forgotten."""
        rows = self.session.execute(
            select(PayerAlias.id, PayerAlias.household_id, PayerAlias.payer_key)
            .where(PayerAlias.tenant_id == self.tenant_id, PayerAlias.forgotten_at.is_(None))
            .order_by(PayerAlias.id)
        )
        return [LearnedAlias(int(i), int(h), k) for i, h, k in rows]

    def aliases(self, *, include_forgotten: bool = False) -> list[AliasRecord]:
        """Aliases with their households' references, newest first."""
        query = (
            select(PayerAlias, Household.account_ref)
            .join(Household, Household.id == PayerAlias.household_id)
            .where(PayerAlias.tenant_id == self.tenant_id)
            .order_by(PayerAlias.id.desc())
        )
        if not include_forgotten:
            query = query.where(PayerAlias.forgotten_at.is_(None))
        return [
            AliasRecord(
                a.id, a.household_id, ref, a.payer_key, a.decision_id, a.created_at, a.forgotten_at
            )
            for a, ref in self.session.execute(query)
        ]

    def own_numbers(self) -> list[str]:
        """The creche's own phone and bank account numbers, as written (never a payer's)."""
        creche = self.session.execute(
            select(Tenant.phone, Tenant.bank_account_number).where(Tenant.id == self.tenant_id)
        ).one()
        accounts = self.session.scalars(
            select(BankAccount.account_number).where(
                BankAccount.tenant_id == self.tenant_id, BankAccount.account_number.is_not(None)
            )
        )
        return [n for n in (*creche, *accounts) if n]

    def alias_keys_of(self, household_id: int, keys: Sequence[str]) -> set[str]:
        """Which of these payer keys the household has an active alias for already."""
        if not keys:
            return set()
        return set(
            self.session.scalars(
                select(PayerAlias.payer_key).where(
                    PayerAlias.tenant_id == self.tenant_id,
                    PayerAlias.household_id == household_id,
                    PayerAlias.payer_key.in_(list(keys)),
                    PayerAlias.forgotten_at.is_(None),
                )
            )
        )

    def add_alias(self, household_id: int, payer_key: str, decision_id: int | None) -> int:
        """Remember a payer key for a household; returns the alias id."""
        result = self.session.execute(
            insert(PayerAlias).returning(PayerAlias.id),
            [
                {
                    "tenant_id": self.tenant_id,
                    "household_id": household_id,
                    "payer_key": payer_key,
                    "decision_id": decision_id,
                    "created_at": utc_now(),
                }
            ],
        )
        return int(result.scalar_one())

    def forget_alias(self, alias_id: int) -> None:
        """Mark an alias forgotten (the row stays, for history)."""
        self.session.execute(
            update(PayerAlias)
            .where(PayerAlias.tenant_id == self.tenant_id, PayerAlias.id == alias_id)
            .values(forgotten_at=utc_now())
            .execution_options(synchronize_session=False)
        )

    def aliases_taught_by(self, decision_ids: Sequence[int]) -> list[int]:
        """Active aliases that these decisions taught."""
        if not decision_ids:
            return []
        return [
            int(i)
            for i in self.session.scalars(
                select(PayerAlias.id).where(
                    PayerAlias.tenant_id == self.tenant_id,
                    PayerAlias.decision_id.in_(list(decision_ids)),
                    PayerAlias.forgotten_at.is_(None),
                )
            )
        ]
