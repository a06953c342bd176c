"""Locked periods: what a finished bank reconciliation protects.

Finishing a reconciliation locks its bank account up to the statement date.
The guard sits here, under every service, at the few writes that can change
a bank line or what it is linked to (``BankRepository.set_status``,
``add_lines``, ``delete_lines``, categorising, linking, reversing a linked
payment), so a service added later cannot forget it.

The locks are read once per transaction and kept in ``session.info``; the
writes that finish or unlock a reconciliation clear them (:func:`forget`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from crechebooks_desktop.db.repositories.bulk import id_table
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import BankAccount, BankLine, Payment, Reconciliation
from crechebooks_desktop.domain.enums import ReconciliationStatus
from crechebooks_desktop.errors import PeriodLocked

_KEY = "crechebooks.period_locks"
_CHUNK = 900
# Lines named one by one in a refusal; the rest are counted.
_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Lock:
    """A bank account locked through a statement date."""

    bank_account_id: int
    account_name: str
    through: dt.date

    def refusal(self, what: str) -> PeriodLocked:
        """The one message every refusal gives: what, the lock, and how to lift it."""
        return PeriodLocked(
            f"{what}: {self.account_name} is reconciled and locked through "
            f"{self.through.isoformat()}; an admin can unlock it with "
            f"crechebooks reconcile unlock --account {self.account_name!r} --reason TEXT"
        )


def forget(session: Session) -> None:
    """Drop the transaction's cached locks (a reconciliation was finished or unlocked)."""
    session.info.pop(_KEY, None)


class PeriodLocks(TenantScoped):
    """The creche's locked periods, and the checks the writes make against them."""

    def all(self) -> dict[int, Lock]:
        """Each locked bank account's lock, by bank account id."""
        cached: dict[tuple[int, int], Lock] | None = self.session.info.get(_KEY)
        if cached is None:
            rows = self.session.execute(
                select(
                    Reconciliation.bank_account_id,
                    BankAccount.name,
                    func.max(Reconciliation.statement_date),
                )
                .join(BankAccount, BankAccount.id == Reconciliation.bank_account_id)
                .where(
                    Reconciliation.tenant_id == self.tenant_id,
                    Reconciliation.status == ReconciliationStatus.FINISHED,
                )
                .group_by(Reconciliation.bank_account_id, BankAccount.name)
            )
            cached = {(self.tenant_id, a): Lock(a, name, day) for a, name, day in rows}
            self.session.info[_KEY] = cached
        return {a: lock for (t, a), lock in cached.items() if t == self.tenant_id}

    def of_account(self, bank_account_id: int) -> Lock | None:
        """The account's lock, if it has one."""
        return self.all().get(bank_account_id)

    def check_lines(self, line_ids: Iterable[int], what: str) -> None:
        """Refuse if any of these lines is dated inside its account's locked period.

        Only lines inside a lock come back from the book, so the usual answer
        is no rows. A categorisation run asks about 50,000 lines at once: on
        PostgreSQL they are one array joined to the lines, not dozens of long
        ``IN`` lists (which it may test row by row against the whole list).

        Raises:
            PeriodLocked: naming the first such line and the lock.
        """
        locks = self.all()
        if not locks:
            return
        ids = sorted(set(line_ids))
        inside = or_(
            *(
                and_(BankLine.bank_account_id == account, BankLine.line_date <= lock.through)
                for account, lock in locks.items()
            )
        )
        query = select(BankLine.id, BankLine.bank_account_id, BankLine.line_date).where(
            BankLine.tenant_id == self.tenant_id, inside
        )
        found = self._first_of(query, ids)
        if found is not None:
            line_id, account_id, day = found
            raise locks[account_id].refusal(
                f"{what}: bank line {line_id} is dated {day.isoformat()}"
            )

    def _first_of(
        self, query: Select[int, int, dt.date], ids: Sequence[int]
    ) -> Row[int, int, dt.date] | None:
        """The first row of ``query`` among the lines ``ids``, if any."""
        if self.session.get_bind().dialect.name == "postgresql" and len(ids) > _CHUNK:
            wanted = id_table(ids)
            return self.session.execute(query.join(wanted, BankLine.id == wanted.c.id)).first()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found = self.session.execute(query.where(BankLine.id.in_(chunk))).first()
            if found is not None:
                return found
        return None

    def check_dates(
        self, bank_account_id: int, dated: Sequence[tuple[str, dt.date]], what: str
    ) -> None:
        """Refuse new lines of an account dated inside its locked period.

        Args:
            bank_account_id: the account.
            dated: (how to name the line, its date) for each new line.
            what: what is being refused (e.g. ``cannot import statement.ofx``).

        Raises:
            PeriodLocked: naming the first few lines and the lock.
        """
        lock = self.of_account(bank_account_id)
        if lock is None:
            return
        inside = [(name, day) for name, day in dated if day <= lock.through]
        if not inside:
            return
        named = ", ".join(f"{name} ({day.isoformat()})" for name, day in inside[:_SHOWN])
        more = f" and {len(inside) - _SHOWN} more" if len(inside) > _SHOWN else ""
        raise lock.refusal(f"{what}: {named}{more} fall in the locked period")

    def check_payment(self, payment_id: int, what: str) -> None:
        """Refuse if the payment is linked to a bank line inside a locked period."""
        line_id = self.session.scalar(
            select(Payment.bank_line_id).where(
                Payment.tenant_id == self.tenant_id, Payment.id == payment_id
            )
        )
        if line_id is not None:
            self.check_lines([line_id], what)
