"""A creche with a bank account and a month of statement lines, for the categorisation tests.

Lines of March 2026 on bank account ``Cheque`` (by name in ``Shop.ids``):

- eskom1..eskom5: money out to ESKOM PREPAID (the payer kept apart)
- fee: FNB SERVICE FEE, money out
- santam: DEBIT ORDER SANTAM INSURANCE, money out
- woolies: POS PURCHASE WOOLWORTHS FOOD, money out
- parent: MRS N DLAMINI FEES, money in (waiting for matching)
- interest: INTEREST RECEIVED, money in
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import insert

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.locks import forget
from crechebooks_desktop.db.tables import Reconciliation
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import ReconciliationStatus
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from tests.billing_fixtures import new_creche

ACCOUNT = "Cheque"
LINES = {
    "eskom1": (1, -115_000, "POS PURCHASE 4312*ESKOM PREPAID 01", "Eskom Prepaid"),
    "eskom2": (2, -57_500, "POS PURCHASE 4312*ESKOM PREPAID 02", "Eskom Prepaid"),
    "eskom3": (3, -23_000, "POS PURCHASE 4312*ESKOM PREPAID 03", "Eskom Prepaid"),
    "eskom4": (4, -11_500, "POS PURCHASE 4312*ESKOM PREPAID 04", "Eskom Prepaid"),
    "eskom5": (5, -10_000, "POS PURCHASE 4312*ESKOM PREPAID 05", "Eskom Prepaid"),
    "fee": (6, -6_500, "FNB SERVICE FEE", None),
    "santam": (7, -99_900, "DEBIT ORDER SANTAM INSURANCE", None),
    "woolies": (8, -45_000, "POS PURCHASE WOOLWORTHS FOOD", None),
    "parent": (9, 485_000, "MRS N DLAMINI FEES", None),
    "interest": (10, 1_234, "INTEREST RECEIVED", None),
}


@dataclass(frozen=True)
class Shop:
    """The book, the creche's id, its admin, and each line's id by name."""

    book: Book
    tenant: int
    actor: Actor
    ids: dict[str, int]


def build_shop(book: Book) -> Shop:
    """The creche of this module's docstring."""
    settings, actor = new_creche(book)
    lines = tuple(
        StatementLine(n, dt.date(2026, 3, day), cents, text, payer=payer)
        for n, (day, cents, text, payer) in enumerate(LINES.values(), start=1)
    )
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, ACCOUNT, "fnb")
        result = bank.import_statement(
            uow, actor, ACCOUNT, Statement("march.ofx", "ofx", None, lines), "c" * 64
        )
    ids = {name: line.id for name, line in zip(LINES, result.imported, strict=True)}
    return Shop(book, settings.tenant_id, actor, ids)


@contextmanager
def refused(
    shop: Shop, error: type[Exception] | tuple[type[Exception], ...], match: str
) -> Iterator[UnitOfWork]:
    """A write transaction in which the change made must be refused with ``error``."""
    with pytest.raises(error, match=match), shop.book.write(shop.tenant) as uow:
        yield uow


def lock_through(shop: Shop, day: dt.date) -> None:
    """A finished reconciliation of ``Cheque`` through ``day`` (the period is locked)."""
    lock_book_through(shop.book, shop.tenant, day)


def lock_book_through(book: Book, tenant: int, day: dt.date, account: str = ACCOUNT) -> None:
    """A finished reconciliation of ``account`` through ``day``, in any book."""
    with book.write(tenant) as uow:
        found = bank.require_account(uow, account)
        uow._session.execute(
            insert(Reconciliation),
            [
                {
                    "tenant_id": tenant,
                    "bank_account_id": found.id,
                    "statement_date": day,
                    "statement_balance_cents": 0,
                    "status": ReconciliationStatus.FINISHED,
                }
            ],
        )
        forget(uow._session)
