"""A categorisation run over more lines than one statement's id list holds, both backends.

With a locked period too: the lock is checked for thousands of lines at once
(PostgreSQL joins them as one array), and a line inside it is still refused.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankLine, LineCategory
from crechebooks_desktop.domain.bank import NewBankLine
from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.errors import PeriodLocked
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.reconciliation import categorise, rules
from tests.billing_fixtures import new_creche
from tests.categorise_fixtures import lock_book_through

LINES = 2_000  # more than the 900 ids a chunked statement takes


def test_a_run_categorises_thousands_of_lines(book: Book) -> None:
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        account = bank.add_account(uow, actor, "Cheque", "fnb")
        uow.bank.add_lines(
            account.id,
            None,
            [
                NewBankLine(dt.date(2026, 3, 1), -(n + 1), f"CARD {n}", None, None, None, f"k{n}")
                for n in range(LINES)
            ],
        )
        rules.add_rule(uow, actor, "Cards", starts="card", account_code="6100")
    with book.write(settings.tenant_id) as uow:
        result = categorise.run(uow, actor)
    assert (result.by_rule, result.left) == (LINES, 0)
    with book.read(settings.tenant_id) as uow:
        statuses = dict(
            uow._session.execute(
                select(BankLine.status, func.count()).group_by(BankLine.status)
            ).all()
        )
        parts = uow._session.scalar(select(func.count()).select_from(LineCategory))
    assert statuses == {BankLineStatus.CATEGORISED: LINES}
    assert parts == LINES


def test_a_run_in_a_locked_book_checks_thousands_of_lines_at_once(book: Book) -> None:
    settings, actor = new_creche(book)
    inside = LINES // 2  # the one line dated inside the lock, among the others
    with book.write(settings.tenant_id) as uow:
        account = bank.add_account(uow, actor, "Cheque", "fnb")
        ids = uow.bank.add_lines(
            account.id,
            None,
            [
                NewBankLine(
                    dt.date(2026, 3, 1 if n == inside else 2),
                    -(n + 1),
                    f"CARD {n}",
                    None,
                    None,
                    None,
                    f"k{n}",
                )
                for n in range(LINES)
            ],
        )
        rules.add_rule(uow, actor, "Cards", starts="card", account_code="6100")
    lock_book_through(book, settings.tenant_id, dt.date(2026, 3, 1))
    with book.write(settings.tenant_id) as uow:
        result = categorise.run(uow, actor)
    assert (result.considered, result.by_rule, result.locked) == (LINES - 1, LINES - 1, 1)
    with (
        pytest.raises(PeriodLocked, match=rf"^cannot undo: bank line {ids[inside]} is dated "),
        book.write(settings.tenant_id) as uow,
    ):
        uow.bank.set_status(ids, BankLineStatus.UNMATCHED, "cannot undo")
