"""A categorisation run over more lines than one statement's id list holds, both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankLine, LineCategory
from crechebooks_desktop.domain.bank import NewBankLine
from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.services import bank
from crechebooks_desktop.services.reconciliation import categorise, rules
from tests.billing_fixtures import new_creche

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
