"""The audit log and the ledger are append-only, enforced by the database itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import RuleViolation
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.ledger.posting import post_entry

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)]
)


@pytest.fixture
def written(book: Book, creche: tuple[CrecheSettings, Actor], household: int) -> Actor:
    """Real services have written audit records and ledger entries."""
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        change_setting(uow, actor, "due_day", "3")
        post_entry(
            uow, actor, household, EntryType.CHARGE, 48_500, dt.date(2026, 11, 1), "November fees"
        )
    return actor


def _rows(book: Book, table: str) -> list[tuple[Any, ...]]:
    with book.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


def _refused(book: Book, sql: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as caught, book.engine.begin() as conn:
        conn.execute(text(sql))
    return caught.value


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("audit_log", "UPDATE audit_log SET action = 'x'"),
        ("audit_log", "DELETE FROM audit_log"),
        ("ledger_entries", "UPDATE ledger_entries SET amount_cents = 1, balance_after_cents = 1"),
        ("ledger_entries", "DELETE FROM ledger_entries"),
    ],
)
def test_history_cannot_be_rewritten(
    book: Book, written: Actor, table: str, statement: str
) -> None:
    before = _rows(book, table)
    assert before, f"the services wrote nothing to {table}"
    verb = statement.split(maxsplit=1)[0]
    error = _refused(book, statement)
    assert f"{table} is append-only" in str(error)
    assert verb in str(error)
    assert _rows(book, table) == before


def test_audit_records_written_by_the_services_are_there(book: Book, written: Actor) -> None:
    with book.engine.connect() as conn:
        actions = conn.execute(text("SELECT action, username FROM audit_log ORDER BY id")).all()
    assert [tuple(a) for a in actions] == [
        ("user.create", "admin"),
        ("user.grant", "admin"),
        ("creche.create", "admin"),
        ("settings.set", "admin"),
        ("ledger.post", "admin"),
    ]


def test_rewrite_through_the_book_is_a_rule_violation(book: Book, written: Actor) -> None:
    before = _rows(book, "audit_log")
    with pytest.raises(RuleViolation, match="append-only"), book.write() as uow:
        uow._session.execute(text("UPDATE audit_log SET username = 'mallory'"))
    assert _rows(book, "audit_log") == before


def test_appending_still_works(book: Book, written: Actor, household: int) -> None:
    with book.write(written.tenant_id) as uow:
        post_entry(uow, written, household, EntryType.PAYMENT, -20_000, dt.date(2026, 11, 5), "EFT")
    with book.engine.connect() as conn:
        chain = conn.execute(text("SELECT balance_after_cents FROM ledger_entries ORDER BY id"))
        assert list(chain.scalars()) == [48_500, 28_500]


@POSTGRES_ONLY
@pytest.mark.parametrize("table", ["audit_log", "ledger_entries"])
def test_truncate_is_refused_on_postgresql(book: Book, written: Actor, table: str) -> None:
    before = _rows(book, table)
    # CASCADE: other tables refer to both, and a plain TRUNCATE is refused for that first.
    error = _refused(book, f"TRUNCATE {table} CASCADE")
    assert f"{table} is append-only" in str(error)
    assert "TRUNCATE" in str(error)
    assert _rows(book, table) == before
