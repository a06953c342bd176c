"""Issue 10: the database itself holds amounts to the book's limit and dates to its years.

Migration 0002 adds a named CHECK to every money column and the main date
columns; the table models say the same, and a book that already holds a value
beyond them is not upgraded (it stays as it was, and says which rows).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from alembic import command
from sqlalchemy import CheckConstraint, Engine, text
from sqlalchemy.exc import IntegrityError

from crechebooks_desktop.db import migrate
from crechebooks_desktop.db import tables as _tables  # noqa: F401 - registers every table
from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY, LAST_BOOK_DAY
from crechebooks_desktop.domain.money import MAX_AMOUNT_CENTS, MAX_BALANCE_CENTS
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.bank.accounts_and_imports import add_account
from crechebooks_desktop.services.demo.creche import create_demo_creche
from tests.conftest import DEMO_TODAY


def _model_checks() -> dict[str, str]:
    """Every named CHECK of the models: name -> its SQL."""
    return {
        str(constraint.name): str(constraint.sqltext)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }


def _database_checks(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            query = (
                "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE c.contype = 'c' AND t.relnamespace = 'public'::regnamespace"
            )
            return set(conn.execute(text(query)).scalars())
        sql = " ".join(
            conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table'")).scalars()
        )
    return set(re.findall(r"CONSTRAINT (ck_\w+) CHECK", sql))


def test_the_models_and_the_database_have_the_same_checks(book: Book) -> None:
    """The drift check (Alembic compares no CHECKs): the same names in both."""
    assert _database_checks(book.engine) == set(_model_checks())


def test_every_money_column_has_its_limit() -> None:
    checks = _model_checks()
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if column.name.endswith("_cents"):
                rule = checks[f"ck_{table.name}_{column.name}_within_limit"]
                assert rule in {
                    f"{column.name} BETWEEN {-MAX_AMOUNT_CENTS} AND {MAX_AMOUNT_CENTS}",
                    f"{column.name} BETWEEN {-MAX_BALANCE_CENTS} AND {MAX_BALANCE_CENTS}",
                }, (table.name, rule)
    dates = sorted(name for name in checks if name.endswith("_in_book_years"))
    # fee_structure_rates.effective_from and bank_lines.transaction_date among them
    assert len(dates) == 12
    assert checks["ck_payments_payment_date_in_book_years"] == (
        "payment_date BETWEEN '2000-01-01' AND '2099-12-31'"
    )


# --------------------------------------------------------------------------- direct SQL


@pytest.fixture
def account(book: Book, creche: tuple[CrecheSettings, Actor]) -> tuple[int, int]:
    """(tenant id, bank account id)."""
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        return settings.tenant_id, add_account(uow, actor, "Cheque").id


INSERT_LINE = (
    "INSERT INTO bank_lines (tenant_id, bank_account_id, line_date, amount_cents, description, "
    "dedup_key, status, created_at) VALUES (:tenant, :account, :day, :cents, 'X', :key, "
    "'UNMATCHED', '2026-12-01 00:00:00')"
)


def _insert_line(book: Book, ids: tuple[int, int], day: dt.date, cents: int) -> None:
    tenant, account_id = ids
    with book.engine.begin() as conn:
        conn.execute(
            text(INSERT_LINE),
            {"tenant": tenant, "account": account_id, "day": day, "cents": cents, "key": cents},
        )


def _line_count(book: Book) -> int:
    with book.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM bank_lines")).scalar_one())


@pytest.mark.parametrize(
    ("day", "cents", "constraint"),
    [
        (dt.date(2026, 3, 1), MAX_AMOUNT_CENTS + 1, "ck_bank_lines_amount_cents_within_limit"),
        (dt.date(2026, 3, 1), -MAX_AMOUNT_CENTS - 1, "ck_bank_lines_amount_cents_within_limit"),
        (dt.date(2026, 3, 1), 2**63 - 1, "ck_bank_lines_amount_cents_within_limit"),
        (dt.date(1, 1, 1), 100, "ck_bank_lines_line_date_in_book_years"),
        (dt.date(1900, 1, 1), 100, "ck_bank_lines_line_date_in_book_years"),
        (dt.date(9999, 12, 31), 100, "ck_bank_lines_line_date_in_book_years"),
    ],
)
def test_a_direct_insert_beyond_the_limits_is_refused(
    book: Book, account: tuple[int, int], day: dt.date, cents: int, constraint: str
) -> None:
    with pytest.raises(IntegrityError, match=constraint):
        _insert_line(book, account, day, cents)
    assert _line_count(book) == 0


def test_a_direct_insert_at_the_limits_is_taken(book: Book, account: tuple[int, int]) -> None:
    _insert_line(book, account, FIRST_BOOK_DAY, MAX_AMOUNT_CENTS)
    _insert_line(book, account, LAST_BOOK_DAY, -MAX_AMOUNT_CENTS)
    assert _line_count(book) == 2


def test_a_ledger_balance_beyond_its_limit_is_refused_by_the_database(
    book: Book, creche: tuple[CrecheSettings, Actor], household: int
) -> None:
    settings, _actor = creche
    insert = (
        "INSERT INTO ledger_entries (tenant_id, household_id, entry_date, entry_type, "
        "amount_cents, balance_after_cents, description, created_at) VALUES "
        f"({settings.tenant_id}, {household}, '2026-03-01', 'CHARGE', 100, :after, 'X', "
        "'2026-12-01 00:00:00')"
    )
    refused = pytest.raises(IntegrityError, match="balance_after_cents_within_limit")
    with refused, book.engine.begin() as conn:
        conn.execute(text(insert), {"after": MAX_BALANCE_CENTS + 1})
    with book.engine.begin() as conn:
        conn.execute(text(insert), {"after": MAX_BALANCE_CENTS})


# --------------------------------------------------------------------------- upgrading old books


@pytest.fixture
def old_book(book: Book) -> Book:
    """``book`` holding the demo creche, taken back to revision 0001 (before the limits)."""
    with book.write() as uow:
        create_demo_creche(uow, DEMO_TODAY)
    with book.engine.connect() as conn, migrate._sqlite_foreign_keys_off(conn):
        config = migrate.alembic_config(book.engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        conn.commit()
    book.close()
    return book


def _sql(book: Book, statement: str) -> None:
    with book.engine.begin() as conn:
        conn.execute(text(statement))


def _scalar(book: Book, query: str) -> object:
    with book.engine.connect() as conn:
        return conn.execute(text(query)).scalar_one()


def test_an_old_book_holding_values_beyond_the_limits_is_not_upgraded(old_book: Book) -> None:
    """Issue 10: no traceback and no half-upgraded book: the upgrade names the rows and stops."""
    _sql(old_book, "UPDATE bank_lines SET amount_cents = 9999999999999999 WHERE id = 3")
    _sql(old_book, "UPDATE bank_lines SET line_date = '9999-12-31' WHERE id = 5")
    before = _scalar(old_book, "SELECT sum(amount_cents) FROM bank_lines")
    with pytest.raises(UserFacingError) as caught:
        Book.open(old_book.settings)
    head, *rows = str(caught.value).splitlines()
    assert head == (
        "this book cannot be upgraded to this version of CrecheBooks: it holds amounts or dates "
        "that a book no longer takes (an amount over R 100 000 000,00, a date outside "
        "2000-01-01 to 2099-12-31); nothing was changed. Open it with the version that wrote "
        "it, or restore a backup from before these were entered."
    )
    either_way = "(allowed: at most 10000000000 cents either way)"
    assert rows == [
        f"  bank_lines row 3: amount_cents is 9999999999999999 {either_way}",
        "  bank_lines row 5: line_date is 9999-12-31 (allowed: from 2000-01-01 to 2099-12-31)",
    ]
    assert _scalar(old_book, "SELECT version_num FROM alembic_version") == "0001"
    assert _scalar(old_book, "SELECT sum(amount_cents) FROM bank_lines") == before
    assert "ck_bank_lines_amount_cents_within_limit" not in _database_checks(old_book.engine)


def test_an_old_book_within_the_limits_is_upgraded_whole(old_book: Book) -> None:
    counts = {
        table: _scalar(old_book, f"SELECT count(*) FROM {table}")
        for table in ("ledger_entries", "bank_lines", "invoices", "household_balances")
    }
    upgraded, result = Book.open(old_book.settings)
    try:
        assert (result.from_revision, result.to_revision) == ("0001", migrate.head_revision())
        assert _database_checks(upgraded.engine) == set(_model_checks())
        for table, count in counts.items():
            assert _scalar(upgraded, f"SELECT count(*) FROM {table}") == count
        # The ledger is still append-only (SQLite's triggers went with the copied table).
        with pytest.raises(Exception, match="append-only"), upgraded.engine.begin() as conn:
            conn.execute(text("UPDATE ledger_entries SET description = 'x'"))
        if upgraded.engine.dialect.name == "sqlite":
            assert _scalar(upgraded, "PRAGMA foreign_keys") == 1
            with upgraded.engine.connect() as conn:
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        upgraded.close()
