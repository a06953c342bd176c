"""Bank accounts, imported statements and their lines.

Lines are written in bulk (one executemany with reserved ids): a year's
statement of a busy creche is tens of thousands of lines, and importing one
must take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update

from crechebooks_desktop.db.repositories.bulk import copy_columns, id_table, reserve_ids, table_of
from crechebooks_desktop.db.repositories.locks import PeriodLocks
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import Account, BankAccount, BankImport, BankLine
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.bank import (
    BankAccountRecord,
    BankImportRecord,
    BankLineRecord,
    NewBankLine,
)
from crechebooks_desktop.domain.categorise import LineToCategorise
from crechebooks_desktop.domain.enums import BankLineStatus

_LINES = table_of(BankLine)
# The columns of NewBankLine's values, in its order.
_NEW_LINE_COLUMNS = (
    "line_date",
    "amount_cents",
    "description",
    "reference",
    "payer",
    "fitid",
    "dedup_key",
    "split_parent_id",
    "balance_cents",
    "transaction_date",
)
# Bound parameters per IN (...) list: SQLite allows 32,766 in all; stay well under.
_CHUNK = 900


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# A line's columns in BankLineRecord's order: rows are read as plain tuples,
# since building ORM objects costs more than the query for a year of lines.
_RECORD_COLUMNS = (
    BankLine.id,
    BankLine.bank_account_id,
    BankLine.line_date,
    BankLine.amount_cents,
    BankLine.description,
    BankLine.reference,
    BankLine.payer,
    BankLine.status,
    BankLine.split_parent_id,
    BankLine.dedup_key,
    BankLine.transaction_date,
)

# LineToCategorise's columns, in its order.
_TO_CATEGORISE = (
    BankLine.id,
    BankLine.bank_account_id,
    BankLine.line_date,
    BankLine.amount_cents,
    BankLine.description,
    BankLine.payer,
    BankLine.reference,
)

# Statements are immutable: each query builds on this one.
_RECORDS = select(*_RECORD_COLUMNS)


def _record(row: Sequence[Any]) -> BankLineRecord:
    return BankLineRecord(*row)


# A status change of many lines, a chunk of ids at a time; through Core, as the
# ORM's bookkeeping per statement costs more than SQLite's update itself.
_SET_STATUS = (
    update(BankLine)
    .where(
        BankLine.tenant_id == bindparam("tenant"),
        BankLine.id.in_(bindparam("ids", expanding=True)),
    )
    .values(status=bindparam("status"))
)

# What a write inside a locked period is refused as, when the service did not say.
REFUSED = "this change is refused"


class BankRepository(TenantScoped):
    """The creche's bank accounts and statement lines.

    Every write to a line first asks ``locks`` (``db.repositories.locks``):
    nothing inside a reconciled and locked period changes.
    """

    @property
    def locks(self) -> PeriodLocks:
        """The creche's locked periods."""
        return PeriodLocks(self.session, self.tenant_id)

    # ------------------------------------------------------------------ accounts

    def add_account(
        self,
        name: str,
        bank: str,
        number: str | None,
        opening_balance_cents: int,
        opening_as_of: dt.date | None,
    ) -> int:
        """Insert a bank account; returns its id."""
        result = self.session.execute(
            insert(BankAccount).returning(BankAccount.id),
            [
                {
                    "tenant_id": self.tenant_id,
                    "name": name,
                    "bank": bank,
                    "account_number": number,
                    "opening_balance_cents": opening_balance_cents,
                    "opening_as_of": opening_as_of,
                    "created_at": utc_now(),
                }
            ],
        )
        return int(result.scalar_one())

    def account_named(self, name: str) -> BankAccountRecord | None:
        """An account by name, without regard to case (totals not filled in)."""
        acc = self.session.scalar(
            select(BankAccount).where(
                BankAccount.tenant_id == self.tenant_id,
                func.lower(BankAccount.name) == name.strip().lower(),
            )
        )
        if acc is None:
            return None
        return BankAccountRecord(
            acc.id,
            acc.name,
            acc.bank,
            acc.account_number,
            acc.opening_balance_cents,
            acc.opening_as_of,
            closed_at=acc.closed_at,
        )

    def rename_account(self, account_id: int, name: str) -> None:
        """Give an account a new name, and its asset account in the chart the same one."""
        acc = self.session.get_one(BankAccount, account_id, with_for_update=True)
        acc.name = name
        if acc.account_id is not None:
            self.session.execute(
                update(Account)
                .where(Account.tenant_id == self.tenant_id, Account.id == acc.account_id)
                .values(name=name)
                .execution_options(synchronize_session=False)
            )
        self.session.flush()

    def set_closed(self, account_id: int, *, closed: bool) -> None:
        """Close an account (from now) or open it again."""
        acc = self.session.get_one(BankAccount, account_id, with_for_update=True)
        acc.closed_at = utc_now() if closed else None
        self.session.flush()

    def lines_after(self, account_id: int, day: dt.date | None) -> int:
        """How many of the account's lines are dated after ``day`` (all of them for None).

        Counted as ``accounts`` counts them: a split line once, not its parts too.
        """
        where = [
            BankLine.tenant_id == self.tenant_id,
            BankLine.bank_account_id == account_id,
            BankLine.split_parent_id.is_(None),
        ]
        if day is not None:
            where.append(BankLine.line_date > day)
        return int(self.session.scalar(select(func.count()).where(*where)) or 0)

    def accounts(self) -> list[BankAccountRecord]:
        """Every account with its line count, balance and newest line, by name."""
        totals = (
            select(
                BankLine.bank_account_id.label("account_id"),
                func.count().label("lines"),
                func.sum(BankLine.amount_cents).label("cents"),
                func.max(BankLine.line_date).label("last"),
            )
            .where(BankLine.tenant_id == self.tenant_id, BankLine.split_parent_id.is_(None))
            .group_by(BankLine.bank_account_id)
            .subquery()
        )
        rows = self.session.execute(
            select(BankAccount, totals.c.lines, totals.c.cents, totals.c.last)
            .outerjoin(totals, totals.c.account_id == BankAccount.id)
            .where(BankAccount.tenant_id == self.tenant_id)
            .order_by(BankAccount.name)
        )
        return [
            BankAccountRecord(
                id=acc.id,
                name=acc.name,
                bank=acc.bank,
                account_number=acc.account_number,
                opening_balance_cents=acc.opening_balance_cents,
                opening_as_of=acc.opening_as_of,
                line_count=int(lines or 0),
                balance_cents=acc.opening_balance_cents + int(cents or 0),
                last_line_date=last,
                closed_at=acc.closed_at,
            )
            for acc, lines, cents, last in rows
        ]

    # ------------------------------------------------------------------ statement imports

    def known_keys(self, account_id: int, first: dt.date, last: dt.date) -> set[str]:
        """The dedup keys of the account's lines dated ``first`` to ``last``.

        Every key includes its line's date, so a statement's duplicates can
        only be among the lines of its own dates: one range scan, not a look-up
        per key.
        """
        return set(
            self.session.scalars(
                select(BankLine.dedup_key).where(
                    BankLine.tenant_id == self.tenant_id,
                    BankLine.bank_account_id == account_id,
                    BankLine.line_date.between(first, last),
                )
            )
        )

    def imports_of(self, account_id: int, sha256: str) -> list[dt.datetime]:
        """When a file with this digest was imported into the account before."""
        return list(
            self.session.scalars(
                select(BankImport.imported_at)
                .where(
                    BankImport.tenant_id == self.tenant_id,
                    BankImport.bank_account_id == account_id,
                    BankImport.sha256 == sha256,
                )
                .order_by(BankImport.id)
            )
        )

    def imports(self, account_id: int) -> list[BankImportRecord]:
        """The account's imports that have a period (every one written has), by id."""
        rows = self.session.execute(
            select(
                BankImport.id,
                BankImport.file_name,
                BankImport.period_start,
                BankImport.period_end,
                BankImport.opening_balance_cents,
                BankImport.closing_balance_cents,
            )
            .where(
                BankImport.tenant_id == self.tenant_id,
                BankImport.bank_account_id == account_id,
            )
            .order_by(BankImport.id)
        )
        return [
            BankImportRecord(i, name, start, end, opening, closing)
            for i, name, start, end, opening, closing in rows
            if start is not None and end is not None
        ]

    def lines_total(self, account_id: int, after: dt.date, through: dt.date) -> int:
        """The sum of the account's lines dated after ``after`` up to ``through``.

        Counted as ``accounts`` counts them: a split line once, not its parts too.
        """
        total = self.session.scalar(
            select(func.sum(BankLine.amount_cents)).where(
                BankLine.tenant_id == self.tenant_id,
                BankLine.bank_account_id == account_id,
                BankLine.split_parent_id.is_(None),
                BankLine.line_date > after,
                BankLine.line_date <= through,
            )
        )
        return int(total or 0)

    def add_import(self, values: dict[str, Any]) -> int:
        """Insert a bank_imports row (columns as given); returns its id."""
        row = {"tenant_id": self.tenant_id, "imported_at": utc_now(), **values}
        return int(
            self.session.execute(insert(BankImport).returning(BankImport.id), [row]).scalar_one()
        )

    def add_lines(
        self, account_id: int, import_id: int | None, lines: Sequence[NewBankLine]
    ) -> list[int]:
        """Insert new lines of an account (UNMATCHED) in one go; returns their ids in order.

        Raises:
            PeriodLocked: a line is dated inside the account's locked period.
        """
        if not lines:
            return []
        self.locks.check_dates(
            account_id,
            [(f"a line of {line.amount_cents} cents", line.date) for line in lines],
            REFUSED,
        )
        ids = reserve_ids(self.session, _LINES, len(lines))
        copy_columns(
            self.session,
            _LINES,
            dict(zip(("id", *_NEW_LINE_COLUMNS), (ids, *zip(*lines, strict=True)), strict=True)),
            {
                "tenant_id": self.tenant_id,
                "bank_account_id": account_id,
                "import_id": import_id,
                "status": BankLineStatus.UNMATCHED,
                "created_at": utc_now(),
            },
        )
        return ids

    # ------------------------------------------------------------------ lines

    def line(self, line_id: int, *, lock: bool = False) -> BankLineRecord | None:
        """One line of the creche, locked for the transaction if asked."""
        query = _RECORDS.where(BankLine.tenant_id == self.tenant_id, BankLine.id == line_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return None if row is None else _record(row)

    def lines(
        self,
        statuses: Sequence[BankLineStatus] | None = None,
        *,
        credits_only: bool = False,
        lock: bool = False,
    ) -> list[BankLineRecord]:
        """Lines by date and id, optionally only some statuses and only credits."""
        query = _RECORDS.where(BankLine.tenant_id == self.tenant_id)
        if statuses is not None:
            query = query.where(BankLine.status.in_(statuses))
        if credits_only:
            query = query.where(BankLine.amount_cents > 0)
        query = query.order_by(BankLine.line_date, BankLine.id)
        if lock:
            query = query.with_for_update()
        return [_record(row) for row in self.session.execute(query)]

    def lines_to_categorise(self) -> list[LineToCategorise]:
        """Lines a categorisation run may take, by date and id.

        Money out not yet decided (UNMATCHED), and money in that matching
        rejected (REJECTED): a credit still waiting for matching stays in the
        matching queue. Split lines are SPLIT, so only their parts come.

        Only the columns a run needs, through Core as plain tuples: a year of
        a busy creche is 50,000 lines, and ORM rows and full line records
        cost more than the query.
        """
        query = (
            select(*_TO_CATEGORISE)
            .where(
                BankLine.tenant_id == self.tenant_id,
                or_(
                    and_(
                        BankLine.status == BankLineStatus.UNMATCHED,
                        BankLine.amount_cents < 0,
                    ),
                    and_(
                        BankLine.status == BankLineStatus.REJECTED,
                        BankLine.amount_cents > 0,
                    ),
                ),
            )
            .order_by(BankLine.line_date, BankLine.id)
        )
        return list(map(LineToCategorise._make, self.session.connection().execute(query)))

    def lines_by_id(self, line_ids: Iterable[int], *, lock: bool = False) -> list[BankLineRecord]:
        """Lines by id, in id order (locked for the transaction if asked)."""
        wanted = sorted(set(line_ids))
        found: list[BankLineRecord] = []
        for chunk in _chunks(wanted):
            query = _RECORDS.where(BankLine.tenant_id == self.tenant_id, BankLine.id.in_(chunk))
            if lock:
                query = query.with_for_update()
            found.extend(_record(row) for row in self.session.execute(query))
        return sorted(found, key=lambda line: line.id)

    def lines_like(
        self,
        amount_cents: int,
        first: dt.date,
        last: dt.date,
        statuses: Sequence[BankLineStatus],
    ) -> list[BankLineRecord]:
        """Lines of this amount dated ``first`` to ``last`` in these statuses, by date."""
        query = _RECORDS.where(
            BankLine.tenant_id == self.tenant_id,
            BankLine.line_date.between(first, last),
            BankLine.amount_cents == amount_cents,
            BankLine.status.in_(statuses),
        ).order_by(BankLine.line_date, BankLine.id)
        return [_record(row) for row in self.session.execute(query)]

    def parts_of(self, line_id: int) -> list[BankLineRecord]:
        """The parts a line was split into, in order."""
        query = _RECORDS.where(
            BankLine.tenant_id == self.tenant_id, BankLine.split_parent_id == line_id
        ).order_by(BankLine.id)
        return [_record(row) for row in self.session.execute(query)]

    def set_status(
        self, line_ids: Sequence[int], status: BankLineStatus, what: str = REFUSED
    ) -> None:
        """Move lines to a status.

        Raises:
            PeriodLocked: a line is inside a locked period (``what`` says what was refused).
        """
        self.locks.check_lines(line_ids, what)
        connection = self.session.connection()
        if connection.dialect.name == "postgresql" and len(line_ids) > _CHUNK:
            # One statement joined to the ids: 50,000 lines (a categorisation run) in one
            # pass, where 56 statements of 900 ids each take twice as long.
            wanted = id_table(line_ids)
            connection.execute(
                update(BankLine)
                .where(BankLine.tenant_id == self.tenant_id, BankLine.id == wanted.c.id)
                .values(status=status)
            )
            return
        for chunk in _chunks(list(line_ids)):
            connection.execute(
                _SET_STATUS, {"tenant": self.tenant_id, "ids": chunk, "status": status}
            )

    def delete_lines(self, line_ids: Sequence[int]) -> None:
        """Remove lines (split parts being joined back; nothing else refers to them).

        Raises:
            PeriodLocked: a line is inside a locked period.
        """
        self.locks.check_lines(line_ids, REFUSED)
        for chunk in _chunks(list(line_ids)):
            self.session.execute(
                delete(BankLine)
                .where(BankLine.tenant_id == self.tenant_id, BankLine.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
