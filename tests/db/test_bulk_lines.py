"""Bank lines written in bulk (COPY on PostgreSQL, executemany on SQLite) read back exactly."""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.bank import BankLineRecord, NewBankLine
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services import bank

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
        account = bank.add_account(uow, actor, "Cheque", "fnb")
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
