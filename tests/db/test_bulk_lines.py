"""Rows written in bulk (COPY on PostgreSQL, INSERTs of many rows on SQLite) read back exactly."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.bulk import copy_rows, table_of
from crechebooks_desktop.db.tables import CategorisationRule
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.bank import BankLineRecord, NewBankLine
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.bank import accounts_and_imports

LINES = (
    NewBankLine(dt.date(2026, 3, 1), 485_000, "MRS N DLAMINI", "INV-1", "N DLAMINI", "F1", "k1"),
    NewBankLine(dt.date(2026, 3, 2), -2_850, "#MONTHLY FEE", None, None, None, "k2"),
    # Text that COPY must escape: tabs, backslashes, new lines, quotes, a Rand sign.
    NewBankLine(dt.date(2026, 2, 28), 1, "A\tB\\C\nD 'E' \"F\" R 1 000", "ref\\1", "Zoë", "", "k3"),
)  # fmt: skip


def test_lines_written_in_bulk_read_back_as_written(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        account = accounts_and_imports.add_account(uow, actor, "Cheque", "fnb")
        assert uow.bank.add_lines(account.id, None, []) == []
        first = uow.bank.add_lines(account.id, None, LINES[:2])
        second = uow.bank.add_lines(account.id, None, LINES[2:])
    ids = first + second
    assert len(set(ids)) == 3
    assert first == sorted(first)
    with book.read(settings.tenant_id) as uow:
        stored = uow.bank.lines_by_id(ids)
        unmatched = uow.bank.lines([BankLineStatus.UNMATCHED])
    expected = [
        BankLineRecord.stored(i, account.id, line) for i, line in zip(ids, LINES, strict=True)
    ]
    assert stored == sorted(expected, key=lambda line: line.id)
    assert [line.id for line in unmatched] == [ids[2], ids[0], ids[1]]  # by date
    assert all(line.status is BankLineStatus.UNMATCHED for line in unmatched)


def test_more_lines_than_one_statement_holds_read_back_in_order(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    settings, actor = creche
    many = [
        NewBankLine(dt.date(2026, 3, 1 + n % 28), -(n + 1), f"LINE {n}", None, None, None, f"m{n}")
        for n in range(1_234)  # SQLite: two full statements of rows and a shorter one
    ]
    with book.write(settings.tenant_id) as uow:
        account = accounts_and_imports.add_account(uow, actor, "Cheque", "fnb")
        ids = uow.bank.add_lines(account.id, None, many)
    with book.read(settings.tenant_id) as uow:
        stored = uow.bank.lines_by_id(ids)
    assert stored == [
        BankLineRecord.stored(i, account.id, line) for i, line in zip(ids, many, strict=True)
    ]


def test_unhashable_values_are_written_too(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    settings, _actor = creche
    with book.write(settings.tenant_id) as uow:
        first, second = (account.id for account in uow.chart.accounts()[:2])
        # JSON lists: unhashable, so processed one by one, not once per distinct value.
        splits = [[{"account_id": a, "basis_points": 10_000}] for a in (first, second, first)]
        copy_rows(
            uow._session,
            table_of(CategorisationRule),
            ("name", "position", "split"),
            [(f"Rule {n}", n, split) for n, split in enumerate(splits, start=1)],
            {"tenant_id": settings.tenant_id, "text_field": "any", "created_at": utc_now()},
        )
    with book.read(settings.tenant_id) as uow:
        stored = uow._session.execute(
            select(CategorisationRule.name, CategorisationRule.split).order_by(
                CategorisationRule.position
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        (f"Rule {n}", split) for n, split in enumerate(splits, start=1)
    ]
