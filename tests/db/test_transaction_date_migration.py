"""Migration 0010: bank lines get a transaction date, down and up again (both backends)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from crechebooks_desktop.db import migrate
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from tests.db.test_migrations import _check_constraint_names

D = dt.date
CHECK = "ck_bank_lines_transaction_date_in_book_years"
LINES = (
    StatementLine(2, D(2026, 3, 3), 485_000, "MAGIC 0821234567", transaction_date=D(2026, 3, 2)),
    StatementLine(3, D(2026, 3, 3), -750, "MONTHLY ACCOUNT FEE"),
)


def _downgrade(book: Book, revision: str) -> None:
    with book.engine.connect() as conn, migrate._sqlite_foreign_keys_off(conn):
        config = migrate.alembic_config(book.engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


def _columns(book: Book) -> set[str]:
    with book.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns("bank_lines")}


def _lines(book: Book) -> list[tuple[str, int]]:
    with book.engine.connect() as conn:
        rows = conn.execute(text("SELECT line_date, amount_cents FROM bank_lines ORDER BY id"))
        return [(str(day)[:10], int(cents)) for day, cents in rows]


def test_down_to_0009_and_up_again(
    book: Book, creche: tuple[CrecheSettings, Actor], tmp_path: Path
) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, "Capitec", "capitec")
        bank.import_statement(
            uow, actor, "Capitec", Statement("c.csv", "csv", "capitec", LINES), "c" * 64
        )
    before = _check_constraint_names(book)
    assert CHECK in before
    lines = _lines(book)

    _downgrade(book, "0009")
    assert "transaction_date" not in _columns(book)
    # The table's other checks survive SQLite's copy of it; its lines too. (Tables that
    # later revisions made are gone, with their checks.)
    with book.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    kept = {
        n
        for n in before
        if not n.startswith("ck_") or any(n.startswith(f"ck_{t}_") for t in tables)
    }
    assert _check_constraint_names(book) == kept - {CHECK}
    assert _lines(book) == lines

    result = migrate.upgrade_to_head(book.engine, tmp_path / "backups")
    assert (result.from_revision, result.to_revision) == ("0009", migrate.head_revision())
    assert "transaction_date" in _columns(book)
    assert _check_constraint_names(book) == before
    with book.read(settings.tenant_id) as uow:
        read = uow.bank.lines()
    # Lines imported before the upgrade have none: their files were read without it.
    assert [(x.amount_cents, x.transaction_date) for x in read] == [(485_000, None), (-750, None)]

    with book.engine.begin() as conn:
        conn.execute(text("UPDATE bank_lines SET transaction_date = '2026-03-01'"))
    with (
        pytest.raises(IntegrityError, match="transaction_date_in_book_years"),
        book.engine.begin() as conn,
    ):
        conn.execute(text("UPDATE bank_lines SET transaction_date = '1999-12-31'"))
    with book.read(settings.tenant_id) as uow:
        assert {x.transaction_date for x in uow.bank.lines()} == {D(2026, 3, 1)}
