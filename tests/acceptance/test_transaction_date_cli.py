"""``match list`` shows a line's transaction date where the bank gives one apart (issue 14).

The creche is that of ``tests/bank_fixtures.py``; the statements are built
directly (as a Capitec reader makes them) and imported in this process, then
listed by ``match list`` in a separate one.
"""

from __future__ import annotations

import datetime as dt
from hashlib import sha256

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.settings import Settings
from tests.acceptance.test_bank_cli import BankBook, Cli, as_json, ok, setup

pytestmark = pytest.mark.slow
__all__ = ["setup"]  # the fixture, shared with test_bank_cli

D = dt.date


def import_lines(setup: BankBook, name: str, *lines: StatementLine) -> None:
    book, _ = Book.open(Settings(setup.url, setup.files / "setup-files"))
    try:
        with book.write(setup.creche.tenant) as uow:
            stmt = Statement(name, "csv", "capitec", lines)
            bank.import_statement(
                uow, setup.creche.actor, "Cheque", stmt, sha256(name.encode()).hexdigest()
            )
    finally:
        book.close()


@pytest.mark.parametrize("backend", ["sqlite"])  # the services are tested on both
def test_match_list_shows_the_transaction_date(cli: Cli, setup: BankBook) -> None:
    import_lines(setup, "fnb.csv", StatementLine(2, D(2026, 10, 2), 100_000, "CASH DEPOSIT"))
    plain = ok(cli(*setup.db, "match", "list"))
    assert "transacted" not in plain  # a bank that gives none: the list is as it was

    import_lines(
        setup,
        "cap.csv",
        StatementLine(
            2, D(2026, 10, 5), 485_000, "MAGIC 0821234567", transaction_date=D(2026, 10, 3)
        ),
        StatementLine(3, D(2026, 10, 5), 320_000, "NAIDOO03", transaction_date=D(2026, 10, 5)),
    )
    listed = as_json(cli(*setup.db, "match", "list", "--json"))["lines"]
    assert [(x["description"], x["date"], x["transaction_date"]) for x in listed] == [
        ("CASH DEPOSIT", "2026-10-02", None),
        ("MAGIC 0821234567", "2026-10-05", "2026-10-03"),
        ("NAIDOO03", "2026-10-05", None),
    ]
    header, *rows = ok(cli(*setup.db, "match", "list")).splitlines()
    assert header.split()[:4] == ["line", "date", "transacted", "amount"]
    magic = next(row for row in rows if "MAGIC" in row)
    assert "2026-10-05  2026-10-03" in magic
