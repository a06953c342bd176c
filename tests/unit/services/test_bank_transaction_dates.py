"""A line's transaction date beside its posting date (issue 14), SQLite and PostgreSQL.

Capitec and Investec give both: the posting date places the line on the
statement (dedup, balance, locks), the transaction date is kept and shown.
Statements are built here directly, as a reader that gives both would make them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankLine
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import review_queue
from crechebooks_desktop.services.lists import bank_queue
from crechebooks_desktop.services.reconciliation import reconcile

Creche = tuple[CrecheSettings, Actor]
D = dt.date
ACCOUNT = "Capitec"
POSTED = D(2026, 3, 3)
TRANSACTED = D(2026, 3, 2)

# As a Capitec export reads: posted on the 3rd, the first two made on the 2nd (a
# weekend payment), the third on the day it was posted, the fourth with no
# transaction date at all (a bank fee).
LINES = (
    StatementLine(5, POSTED, 485_000, "MAGIC 0821234567", transaction_date=TRANSACTED),
    StatementLine(6, POSTED, -12_000, "SPAR", fitid="T77", transaction_date=TRANSACTED),
    StatementLine(7, POSTED, 320_000, "PAYMENT RECEIVED NAIDOO", transaction_date=POSTED),
    StatementLine(8, POSTED, -750, "MONTHLY ACCOUNT FEE"),
)
EXPECTED = [TRANSACTED, TRANSACTED, None, None]


def statement(*lines: StatementLine, name: str = "capitec.csv") -> Statement:
    return Statement(name, "csv", "capitec", tuple(lines), bank="Capitec")


@pytest.fixture
def account(book: Book, creche: Creche) -> str:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, ACCOUNT, "capitec")
    return ACCOUNT


def do_import(
    book: Book, creche: Creche, stmt: Statement, sha: str = "c" * 64
) -> bank.ImportResult:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        return bank.import_statement(uow, actor, ACCOUNT, stmt, sha)


def stored_dates(book: Book) -> list[tuple[dt.date, dt.date | None]]:
    """Each line's posting and transaction date as the table holds them, by id."""
    with book.read() as uow:
        rows = uow._session.execute(
            select(BankLine.line_date, BankLine.transaction_date).order_by(BankLine.id)
        )
        return [(posted, transacted) for posted, transacted in rows]


def test_import_keeps_a_transaction_date_apart_from_the_posting_date(
    book: Book, creche: Creche, account: str
) -> None:
    result = do_import(book, creche, statement(*LINES))
    assert [x.transaction_date for x in result.imported] == EXPECTED
    # The posting date stays the line's date; one equal to it is not kept twice.
    assert stored_dates(book) == [(POSTED, day) for day in EXPECTED]
    lines = result.as_json()["lines"]
    assert isinstance(lines, list)
    assert [line["transaction_date"] for line in lines] == ["2026-03-02", "2026-03-02", None, None]
    with book.read(creche[0].tenant_id) as uow:
        read_back = uow.bank.lines()
        one = uow.bank.line(result.imported[0].id)
        by_id = uow.bank.lines_by_id(x.id for x in result.imported)
    assert read_back == list(result.imported)  # what the import returned is what is stored
    assert by_id == list(result.imported)
    assert one is not None
    assert (one.date, one.transaction_date) == (POSTED, TRANSACTED)


def test_the_lists_of_lines_show_it(book: Book, creche: Creche, account: str) -> None:
    imported = do_import(book, creche, statement(*LINES)).imported
    magic, spar, naidoo, fee = (x.id for x in imported)
    with book.read(creche[0].tenant_id) as uow:
        money_in = review_queue.list_lines(uow)
        queue = bank_queue.open_queue(uow, bank_queue.QueueSpec(), 50)
        shown = reconcile.lines(uow, ACCOUNT, D(2026, 3, 31))
    assert [(d.line.id, d.line.transaction_date) for d in money_in] == [
        (magic, TRANSACTED),
        (naidoo, None),
    ]
    assert [d.as_json()["transaction_date"] for d in money_in] == ["2026-03-02", None]
    assert [(r.line_id, r.date, r.transaction_date) for r in queue.first_page] == [
        (magic, POSTED, TRANSACTED),
        (naidoo, POSTED, None),
    ]
    assert {r.line_id: r.transaction_date for r in shown} == {
        magic: TRANSACTED,
        spar: TRANSACTED,
        naidoo: None,
        fee: None,
    }
    assert shown[0].as_json()["transaction_date"] == "2026-03-02"
    assert shown[2].as_json()["transaction_date"] is None


def test_a_statement_imported_again_is_duplicates_with_or_without_transaction_dates(
    book: Book, creche: Creche, account: str
) -> None:
    do_import(book, creche, statement(*LINES))
    again = do_import(book, creche, statement(*LINES))
    assert (len(again.imported), again.duplicates) == (0, 4)
    # The same file read without its transaction dates (as before issue 14), and one
    # whose transaction dates differ: the posting date alone tells the lines apart.
    plain = [replace(x, transaction_date=None) for x in LINES]
    other = [replace(x, transaction_date=D(2026, 3, 1)) for x in LINES]
    for n, lines in enumerate((plain, other)):
        result = do_import(book, creche, statement(*lines, name=f"again-{n}.csv"), str(n) * 64)
        assert (len(result.imported), result.duplicates) == (0, 4)
    assert stored_dates(book) == [(POSTED, day) for day in EXPECTED]  # kept as first imported


def test_split_parts_keep_the_transaction_date(book: Book, creche: Creche, account: str) -> None:
    settings, actor = creche
    magic, *_ = do_import(book, creche, statement(*LINES)).imported
    with book.write(settings.tenant_id) as uow:
        split = bank.split_line(uow, actor, magic.id, [480_000, 5_000])
    assert [(p.date, p.transaction_date) for p in split.parts] == [(POSTED, TRANSACTED)] * 2
    with book.read(settings.tenant_id) as uow:
        parts = uow.bank.parts_of(magic.id)
    assert [(p.date, p.transaction_date) for p in parts] == [(POSTED, TRANSACTED)] * 2


def test_split_parts_of_a_line_without_one_have_none(
    book: Book, creche: Creche, account: str
) -> None:
    settings, actor = creche
    *_, fee = do_import(book, creche, statement(*LINES)).imported
    with book.write(settings.tenant_id) as uow:
        parts = bank.split_line(uow, actor, fee.id, [500, 250]).parts
    assert [p.transaction_date for p in parts] == [None, None]
    assert stored_dates(book)[-2:] == [(POSTED, None), (POSTED, None)]


def test_a_transaction_date_outside_the_book_is_refused_naming_file_and_line(
    book: Book, creche: Creche, account: str
) -> None:
    slip = StatementLine(9, POSTED, 100_000, "DEPOSIT", transaction_date=D(1926, 3, 2))
    with pytest.raises(ProblemsError) as refused:
        do_import(book, creche, statement(LINES[0], slip))
    message = str(refused.value)
    assert "capitec.csv:9: transaction date: 1926-03-02 is outside the dates" in message
    assert stored_dates(book) == []
