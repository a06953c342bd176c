"""A creche whose October statement is imported, matched and ready to reconcile.

Built on ``tests.bank_fixtures`` (four households invoiced for October 2026,
a ``Cheque`` account). The account opens with R 10 000,00 as of 30 September;
the October statement carries a running balance after each line:

====  ====  ==============  ===========================  ================
line  day   amount          text                         how it clears
====  ====  ==============  ===========================  ================
1     3     +R 4 850,00     DLAMINI01's invoice number   matched (payment)
2     5     -R 1 250,00     ESKOM PREPAID                categorised
3     6     +R 8 050,00     NAIDOO03's invoices          matched (payment)
4     10    -R 35,00        SERVICE FEE                  categorised
5     15    +R 3 250,00     MR S DLAMINI                 split 3 200 + 50
====  ====  ==============  ===========================  ================

Closing balance R 24 865,00. BOTHA04 pays R 4 850,00 cash on 20 October,
recorded by hand: a timing difference.

ESKOM, the fee and the split's second part are categorised (:func:`clear`) to
6200 Utilities and 6500 Bank charges, as a bookkeeper would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.reconciliation import categorise, reconcile
from tests.bank_fixtures import ACCOUNT, Creche, build_creche

OPENING = 1_000_000
CLOSING = 2_486_500
OCT_31 = dt.date(2026, 10, 31)
D = dt.date


@dataclass(frozen=True)
class October:
    """The creche and the ids of what October's statement became."""

    creche: Creche
    account_id: int
    lines: dict[str, int]
    parts: tuple[int, int]
    hand_payment: int
    paid: dict[str, int]


def statement(creche: Creche) -> Statement:
    """October's statement with its running balance."""
    rows = [
        (3, 485_000, f"DEPOSIT {creche.invoice['DLAMINI01-1']} DLAMINI01"),
        (5, -125_000, "ESKOM PREPAID"),
        (6, 805_000, "NAIDOO03 FEES"),
        (10, -3_500, "SERVICE FEE"),
        (15, 325_000, "MR S DLAMINI"),
    ]
    balance, lines = OPENING, []
    for n, (day, cents, words) in enumerate(rows, start=2):
        balance += cents
        lines.append(StatementLine(n, D(2026, 10, day), cents, words, balance_cents=balance))
    return Statement("october.csv", "csv", "generic", tuple(lines))


def clear(creche: Creche, *lines: tuple[int, str]) -> None:
    """Categorise each (line, account code) as a bookkeeper does."""
    with creche.book.write(creche.tenant) as uow:
        for line_id, code in lines:
            categorise.categorise_line(uow, creche.actor, line_id, account_code=code)


def build_october(book: Book) -> October:
    """The creche of this module's docstring, matched and cleared, not yet reconciled."""
    creche = build_creche(book)
    with creche.book.write(creche.tenant) as uow:
        # The account's opening balance, as ``bank accounts add --opening-balance`` sets it.
        uow._session.execute(
            text("UPDATE bank_accounts SET opening_balance_cents = :c, opening_as_of = :d"),
            {"c": OPENING, "d": D(2026, 9, 30)},
        )
        imported = bank.import_statement(
            uow, creche.actor, ACCOUNT, statement(creche), "0" * 64
        ).imported
    names = ("dlamini", "eskom", "naidoo", "fee", "split")
    ids = {name: line.id for name, line in zip(names, imported, strict=True)}
    with creche.book.write(creche.tenant) as uow:
        split = bank.split_line(uow, creche.actor, ids["split"], [320_000, 5_000])
        parts = (split.parts[0].id, split.parts[1].id)
        paid = {
            "dlamini": payment_matching.accept(
                uow, creche.actor, ids["dlamini"], "DLAMINI01"
            ).payment_id,
            "naidoo": payment_matching.accept(
                uow, creche.actor, ids["naidoo"], "NAIDOO03"
            ).payment_id,
            "part": payment_matching.accept(uow, creche.actor, parts[0], "DLAMINI02").payment_id,
        }
        hand = payments.add_payment(
            uow, creche.actor, "BOTHA04", 485_000, D(2026, 10, 20), PaymentMethod.CASH
        ).payment_id
    clear(creche, (ids["eskom"], "6200"), (ids["fee"], "6500"), (parts[1], "6500"))
    with creche.book.read(creche.tenant) as uow:
        account = bank.require_account(uow, ACCOUNT)
    return October(creche, account.id, ids, parts, hand, {k: int(v or 0) for k, v in paid.items()})


def finish_october(october: October) -> None:
    """Reconcile October to its closing balance and finish it (the period is locked)."""
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        reconcile.start(uow, creche.actor, ACCOUNT, OCT_31)
        reconcile.finish(uow, creche.actor, ACCOUNT)
