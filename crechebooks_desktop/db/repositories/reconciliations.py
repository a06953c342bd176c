"""Bank reconciliations and the figures they are made of.

The figures of a period are SQL aggregates over ``bank_lines`` by account and
date (``ix_bank_lines_account_date``): a month of 2,000 lines in a book of
200,000 is summed by the database, never by a Python loop over the book.

A *leaf* line is one that is not a SPLIT parent (an unsplit line or a part of
a split one); the period's cleared money is the sum of its cleared leaves
(``domain.reconciliation.CLEARED``). A period covers the lines dated after
``after`` (None: from the first line) up to and including ``through``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, insert, select, update
from sqlalchemy.orm import aliased

from crechebooks_desktop.db.repositories.locks import forget
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Account,
    BankAccount,
    BankImport,
    BankLine,
    Household,
    LedgerEntry,
    LineCategory,
    MatchDecision,
    Payment,
    Reconciliation,
    RefundLink,
    User,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import (
    BankLineStatus,
    EntryType,
    MatchOutcome,
    ReconciliationStatus,
)
from crechebooks_desktop.domain.reconciliation import (
    CLEARED,
    LineFacts,
    PeriodTotals,
    ReconciliationRecord,
    TimingDifference,
    UnclearedLine,
)

_SPLIT = BankLineStatus.SPLIT
_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")
_CREATED, _FINISHED, _UNLOCKED = (aliased(User) for _ in range(3))
_RECORD = select(
    Reconciliation,
    BankAccount.name,
    _CREATED.username,
    _FINISHED.username,
    _UNLOCKED.username,
).join(BankAccount, BankAccount.id == Reconciliation.bank_account_id)
_RECORD = (
    _RECORD.outerjoin(_CREATED, _CREATED.id == Reconciliation.created_by)
    .outerjoin(_FINISHED, _FINISHED.id == Reconciliation.finished_by)
    .outerjoin(_UNLOCKED, _UNLOCKED.id == Reconciliation.unlocked_by)
)


def _record(row: Any) -> ReconciliationRecord:
    rec, account, created_by, finished_by, unlocked_by = row
    return ReconciliationRecord(
        id=rec.id,
        account=account,
        statement_date=rec.statement_date,
        status=rec.status,
        closing_cents=rec.statement_balance_cents,
        opening_cents=rec.opening_balance_cents,
        file_balance_cents=rec.file_balance_cents,
        created_at=rec.created_at,
        created_by=created_by,
        finished_at=rec.finished_at,
        finished_by=finished_by,
        unlocked_at=rec.unlocked_at,
        unlocked_by=unlocked_by,
        unlock_reason=rec.unlock_reason,
    )


class ReconciliationRepository(TenantScoped):
    """The creche's bank reconciliations, and the period figures they are checked against."""

    # ------------------------------------------------------------------ records

    def _records(self, *where: Any) -> list[ReconciliationRecord]:
        query = _RECORD.where(Reconciliation.tenant_id == self.tenant_id, *where).order_by(
            Reconciliation.statement_date.desc(), Reconciliation.id.desc()
        )
        return [_record(row) for row in self.session.execute(query)]

    def history(self, account_id: int) -> list[ReconciliationRecord]:
        """Every reconciliation of the account, newest statement date first."""
        return self._records(Reconciliation.bank_account_id == account_id)

    def get(self, reconciliation_id: int) -> ReconciliationRecord | None:
        """One reconciliation by id."""
        found = self._records(Reconciliation.id == reconciliation_id)
        return found[0] if found else None

    def lock(self, reconciliation_id: int) -> None:
        """Hold one reconciliation's row until the transaction ends.

        Archiving its statement takes turns with another PC archiving it, and
        with a finish or unlock of it (PostgreSQL's row lock; SQLite's write
        transactions hold the whole database already).
        """
        self.session.execute(
            select(Reconciliation.id)
            .where(
                Reconciliation.tenant_id == self.tenant_id,
                Reconciliation.id == reconciliation_id,
            )
            .with_for_update()
        ).one_or_none()

    def newest(
        self,
        account_id: int,
        status: ReconciliationStatus,
        *,
        before: dt.date | None = None,
        on: dt.date | None = None,
    ) -> ReconciliationRecord | None:
        """The account's newest reconciliation in ``status`` (dated before or on a day)."""
        where = [Reconciliation.bank_account_id == account_id, Reconciliation.status == status]
        if before is not None:
            where.append(Reconciliation.statement_date < before)
        if on is not None:
            where.append(Reconciliation.statement_date == on)
        found = self._records(*where)
        return found[0] if found else None

    def add(
        self,
        account_id: int,
        statement_date: dt.date,
        closing_cents: int,
        opening_cents: int,
        file_balance_cents: int | None,
        user_id: int,
    ) -> int:
        """Insert an IN_PROGRESS reconciliation; returns its id."""
        row = {
            "tenant_id": self.tenant_id,
            "bank_account_id": account_id,
            "statement_date": statement_date,
            "statement_balance_cents": closing_cents,
            "opening_balance_cents": opening_cents,
            "file_balance_cents": file_balance_cents,
            "status": ReconciliationStatus.IN_PROGRESS,
            "created_at": utc_now(),
            "created_by": user_id,
        }
        result = self.session.execute(insert(Reconciliation).returning(Reconciliation.id), [row])
        return int(result.scalar_one())

    def _set(self, reconciliation_id: int, **values: Any) -> None:
        self.session.execute(
            update(Reconciliation)
            .where(
                Reconciliation.tenant_id == self.tenant_id,
                Reconciliation.id == reconciliation_id,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def restart(
        self,
        reconciliation_id: int,
        statement_date: dt.date,
        closing_cents: int,
        opening_cents: int,
        file_balance_cents: int | None,
    ) -> None:
        """Give an IN_PROGRESS reconciliation another statement date and balances."""
        self._set(
            reconciliation_id,
            statement_date=statement_date,
            statement_balance_cents=closing_cents,
            opening_balance_cents=opening_cents,
            file_balance_cents=file_balance_cents,
        )

    def finish(self, reconciliation_id: int, opening_cents: int, user_id: int) -> None:
        """Mark a reconciliation FINISHED: its period is locked from now on.

        The transaction's cached locks are dropped (``locks.forget``), so the
        writes after it in the same transaction see the new lock.
        """
        self._set(
            reconciliation_id,
            status=ReconciliationStatus.FINISHED,
            opening_balance_cents=opening_cents,
            finished_at=utc_now(),
            finished_by=user_id,
        )
        forget(self.session)

    def unlock(self, reconciliation_id: int, reason: str, user_id: int) -> None:
        """Mark a FINISHED reconciliation UNLOCKED, with who and why (the lock moves back)."""
        self._set(
            reconciliation_id,
            status=ReconciliationStatus.UNLOCKED,
            unlocked_at=utc_now(),
            unlocked_by=user_id,
            unlock_reason=reason,
        )
        forget(self.session)

    # ------------------------------------------------------------------ what the files say

    def file_closing(self, account_id: int, statement_date: dt.date) -> tuple[str, int] | None:
        """(file name, closing balance) of the newest import ending on the statement date."""
        row = self.session.execute(
            select(BankImport.file_name, BankImport.closing_balance_cents)
            .where(
                BankImport.tenant_id == self.tenant_id,
                BankImport.bank_account_id == account_id,
                BankImport.period_end == statement_date,
                BankImport.closing_balance_cents.is_not(None),
            )
            .order_by(BankImport.id.desc())
            .limit(1)
        ).first()
        return None if row is None or row[1] is None else (str(row[0]), int(row[1]))

    def last_running_balance(self, account_id: int, through: dt.date) -> int | None:
        """The statement's running balance on the last line up to a day (by date, then id)."""
        row = self.session.execute(
            select(BankLine.balance_cents)
            .where(
                BankLine.tenant_id == self.tenant_id,
                BankLine.bank_account_id == account_id,
                BankLine.line_date <= through,
                BankLine.split_parent_id.is_(None),
            )
            .order_by(BankLine.line_date.desc(), BankLine.id.desc())
            .limit(1)
        ).first()
        return None if row is None or row[0] is None else int(row[0])

    def balance_problems(
        self, account_id: int, after: dt.date | None, through: dt.date
    ) -> list[tuple[str, str]]:
        """(file name, problem) of the period's imports whose balances do not add up."""
        query = select(BankImport.file_name, BankImport.balance_problem).where(
            BankImport.tenant_id == self.tenant_id,
            BankImport.bank_account_id == account_id,
            BankImport.balance_problem.is_not(None),
            BankImport.period_start <= through,
        )
        if after is not None:
            query = query.where(BankImport.period_end > after)
        return [(str(f), str(p)) for f, p in self.session.execute(query.order_by(BankImport.id))]

    # ------------------------------------------------------------------ the period's lines

    def _leaves(self, account_id: int, after: dt.date | None, through: dt.date) -> list[Any]:
        where = [
            BankLine.tenant_id == self.tenant_id,
            BankLine.bank_account_id == account_id,
            BankLine.line_date <= through,
            BankLine.status != _SPLIT,
        ]
        if after is not None:
            where.append(BankLine.line_date > after)
        return where

    def totals(self, account_id: int, after: dt.date | None, through: dt.date) -> PeriodTotals:
        """Cleared money in and out, and how many leaves are not cleared, over the period."""
        cleared = BankLine.status.in_(CLEARED)
        money_in = func.sum(
            case((and_(cleared, BankLine.amount_cents > 0), BankLine.amount_cents), else_=0)
        )
        money_out = func.sum(
            case((and_(cleared, BankLine.amount_cents < 0), BankLine.amount_cents), else_=0)
        )
        not_cleared = func.sum(case((cleared, 0), else_=1))
        where = self._leaves(account_id, after, through)
        row = self.session.execute(select(money_in, money_out, not_cleared).where(*where)).one()
        return PeriodTotals(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))

    def uncleared(
        self, account_id: int, after: dt.date | None, through: dt.date
    ) -> list[UnclearedLine]:
        """The period's leaves that are not cleared, by date and id."""
        rows = self.session.execute(
            select(BankLine.id, BankLine.line_date, BankLine.amount_cents, BankLine.description)
            .where(*self._leaves(account_id, after, through), BankLine.status.not_in(CLEARED))
            .order_by(BankLine.line_date, BankLine.id)
        )
        return [UnclearedLine(int(i), d, int(c), str(t)) for i, d, c, t in rows]

    def period_lines(self, account_id: int, after: dt.date | None, through: dt.date) -> list[Any]:
        """Every line of the period (split parents and parts too), by date and id.

        Rows of (id, date, amount, description, payer, reference, status, parent id,
        transaction date).
        """
        where = [
            BankLine.tenant_id == self.tenant_id,
            BankLine.bank_account_id == account_id,
            BankLine.line_date <= through,
        ]
        if after is not None:
            where.append(BankLine.line_date > after)
        return list(
            self.session.execute(
                select(
                    BankLine.id,
                    BankLine.line_date,
                    BankLine.amount_cents,
                    BankLine.description,
                    BankLine.payer,
                    BankLine.reference,
                    BankLine.status,
                    BankLine.split_parent_id,
                    BankLine.transaction_date,
                )
                .where(*where)
                .order_by(BankLine.line_date, BankLine.id)
            )
        )

    def line_facts(
        self, account_id: int, after: dt.date | None, through: dt.date
    ) -> dict[int, LineFacts]:
        """What accounts for each line of the period that something accounts for."""
        payments = self._in_period(
            select(BankLine.id, Payment.id, Household.account_ref)
            .join(Payment, Payment.bank_line_id == BankLine.id)
            .join(Household, Household.id == Payment.household_id)
            .where(Payment.reversed_at.is_(None)),
            account_id,
            after,
            through,
        )
        linked = self._in_period(
            select(BankLine.id)
            .join(MatchDecision, MatchDecision.bank_line_id == BankLine.id)
            .where(MatchDecision.outcome == MatchOutcome.LINKED, MatchDecision.undone_at.is_(None)),
            account_id,
            after,
            through,
        )
        categories = self._in_period(
            select(BankLine.id, Account.code, Account.name, LineCategory.amount_cents)
            .join(LineCategory, LineCategory.bank_line_id == BankLine.id)
            .join(Account, Account.id == LineCategory.account_id)
            .order_by(BankLine.id, LineCategory.part_no),
            account_id,
            after,
            through,
        )
        refunds = self._in_period(
            select(BankLine.id, LedgerEntry.id, Household.account_ref)
            .join(RefundLink, RefundLink.bank_line_id == BankLine.id)
            .join(LedgerEntry, LedgerEntry.id == RefundLink.ledger_entry_id)
            .join(Household, Household.id == LedgerEntry.household_id),
            account_id,
            after,
            through,
        )
        return _facts(
            payments=self.session.execute(payments),
            linked={int(r[0]) for r in self.session.execute(linked)},
            categories=self.session.execute(categories),
            refunds=self.session.execute(refunds),
        )

    def _in_period(
        self, query: _Query, account_id: int, after: dt.date | None, through: dt.date
    ) -> _Query:
        query = query.where(
            BankLine.tenant_id == self.tenant_id,
            BankLine.bank_account_id == account_id,
            BankLine.line_date <= through,
        )
        return query if after is None else query.where(BankLine.line_date > after)

    # ------------------------------------------------------------------ the book's side

    def first_bank_account_id(self) -> int | None:
        """The creche's first bank account (lowest id): where timing differences are shown."""
        found = self.session.scalar(
            select(func.min(BankAccount.id)).where(BankAccount.tenant_id == self.tenant_id)
        )
        return None if found is None else int(found)

    def timing_differences(self, after: dt.date | None, through: dt.date) -> list[TimingDifference]:
        """Payments recorded by hand and refunds paid, not on any bank line, dated in range.

        Payments: not linked to a bank line and not reversed. Refunds: REFUND
        ledger entries without a refund link. Dated after ``after`` (None: any
        day) up to ``through``; by date, payments before refunds on a day.
        """
        payments = (
            select(
                Payment.id,
                Payment.payment_date,
                Payment.amount_cents,
                Payment.method,
                Payment.reference,
                Household.account_ref,
            )
            .join(Household, Household.id == Payment.household_id)
            .where(
                Payment.tenant_id == self.tenant_id,
                Payment.bank_line_id.is_(None),
                Payment.reversed_at.is_(None),
                Payment.payment_date <= through,
            )
        )
        refunds = (
            select(
                LedgerEntry.id,
                LedgerEntry.entry_date,
                LedgerEntry.amount_cents,
                LedgerEntry.description,
                Household.account_ref,
            )
            .join(Household, Household.id == LedgerEntry.household_id)
            .outerjoin(RefundLink, RefundLink.ledger_entry_id == LedgerEntry.id)
            .where(
                LedgerEntry.tenant_id == self.tenant_id,
                LedgerEntry.entry_type == EntryType.REFUND,
                LedgerEntry.entry_date <= through,
                RefundLink.id.is_(None),
            )
        )
        if after is not None:
            payments = payments.where(Payment.payment_date > after)
            refunds = refunds.where(LedgerEntry.entry_date > after)
        found = [
            TimingDifference(
                "payment",
                int(pid),
                day,
                int(cents),
                f"{ref}: payment by {method.value.replace('_', ' ').lower()}"
                + (f", reference {reference}" if reference else ""),
            )
            for pid, day, cents, method, reference, ref in self.session.execute(payments)
        ]
        # A refund owes the household more (a positive entry) and takes money out of the bank.
        found += [
            TimingDifference("refund", int(eid), day, -int(cents), f"{ref}: {text}")
            for eid, day, cents, text, ref in self.session.execute(refunds)
        ]
        return sorted(found, key=lambda t: (t.date, t.kind, t.id))


def _facts(
    *,
    payments: Iterable[Any],
    linked: set[int],
    categories: Iterable[Any],
    refunds: Iterable[Any],
) -> dict[int, LineFacts]:
    paid = {int(line): (int(pid), str(ref)) for line, pid, ref in payments}
    parts: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for line, code, name, cents in categories:
        parts[int(line)].append((str(code), str(name), int(cents)))
    refunded = {int(line): (int(eid), str(ref)) for line, eid, ref in refunds}
    return {
        line: LineFacts(
            payment=paid.get(line),
            linked=line in linked,
            categories=tuple(parts.get(line, ())),
            refund=refunded.get(line),
        )
        for line in set(paid) | set(parts) | set(refunded)
    }
