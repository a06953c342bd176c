"""The history cannot be rewritten quietly: REPLACE is refused, and the hash chains
name any row changed, deleted, moved or forged behind the application's back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from crechebooks_desktop.db import migrate
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.history import PROTECTIONS
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.ledger import LedgerPosting, Violation
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.checks import CheckReport, check_creche
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.ledger.posting import post_entries

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
HISTORY = ("audit_log", "ledger_entries")


@pytest.fixture
def written(book: Book, creche: tuple[CrecheSettings, Actor], household: int) -> Actor:
    """Real services have written a few transactions of history."""
    settings, actor = creche
    for day in (1, 2, 3):
        with book.write(settings.tenant_id) as uow:
            change_setting(uow, actor, "due_day", str(day + 1))
            post_entries(
                uow,
                actor,
                [
                    LedgerPosting(
                        household, EntryType.CHARGE, 10_000 * day, dt.date(2026, 11, day), "fees"
                    ),
                    LedgerPosting(
                        household, EntryType.PAYMENT, -5_000, dt.date(2026, 11, day), "EFT"
                    ),
                ],
            )
    return actor


def _check(book: Book, actor: Actor) -> CheckReport:
    with book.read(actor.tenant_id) as uow:
        return check_creche(uow)


def _history(report: CheckReport) -> list[Violation]:
    return [v for v in report.violations if v.rule in {"history chain", "append-only guard"}]


def _ids(book: Book, table: str) -> list[int]:
    with book.engine.connect() as conn:
        return list(conn.execute(text(f"SELECT id FROM {table} ORDER BY chain_seq")).scalars())


def _tamper(book: Book, *statements: str) -> None:
    """Drop the guards, as someone with the database file or a superuser could, and act."""
    with book.engine.begin() as conn:
        for table in HISTORY:
            for verb in ("update", "delete", "replace"):
                if book.engine.dialect.name == "postgresql":
                    if verb != "replace":
                        conn.execute(text(f"DROP TRIGGER {table}_no_{verb} ON {table}"))
                else:
                    conn.execute(text(f"DROP TRIGGER {table}_no_{verb}"))
        for statement in statements:
            conn.execute(text(statement))


def _guards_gone(book: Book) -> list[Violation]:
    dropped = [n for n in PROTECTIONS[book.engine.dialect.name] if "truncate" not in n]
    return [
        Violation(
            "append-only guard",
            f"trigger {name}",
            "is missing or switched off: history can be changed without the database refusing",
        )
        for name in dropped
    ]


def test_history_written_by_the_services_is_chained(book: Book, written: Actor) -> None:
    report = _check(book, written)
    assert _history(report) == []
    assert report.history_rows == len(_ids(book, "audit_log")) + len(_ids(book, "ledger_entries"))
    with book.engine.connect() as conn:
        unsealed = conn.execute(
            text(
                "SELECT count(*) FROM audit_log WHERE chain_hash IS NULL "
                "UNION ALL SELECT count(*) FROM ledger_entries WHERE chain_hash IS NULL"
            )
        ).scalars()
        assert list(unsealed) == [0, 0]
        heads = conn.execute(
            text("SELECT chain, last_seq FROM history_heads WHERE tenant_key = :t ORDER BY chain"),
            {"t": written.tenant_id},
        ).all()
    assert [tuple(h) for h in heads] == [
        ("audit_log", len(_ids(book, "audit_log"))),
        ("ledger_entries", 6),
    ]


@SQLITE_ONLY
@pytest.mark.parametrize("table", HISTORY)
def test_insert_or_replace_cannot_rewrite_a_row(book: Book, written: Actor, table: str) -> None:
    with book.engine.connect() as conn:
        before = [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
    victim = before[-1][0]
    columns = (
        "(id, username, at, action, entity)"
        if table == "audit_log"
        else "(id, tenant_id, household_id, entry_date, entry_type, amount_cents, "
        "balance_after_cents, description, created_at)"
    )
    values = (
        f"({victim}, 'mallory', '2026-11-01 00:00:00', 'forged', 'x')"
        if table == "audit_log"
        else f"({victim}, {written.tenant_id}, 1, '2026-11-01', 'CHARGE', 1, 1, 'forged', "
        "'2026-11-01 00:00:00')"
    )
    statement = f"INSERT OR REPLACE INTO {table} {columns} VALUES {values}"
    # Through the application's own connection (recursive triggers on) ...
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), book.engine.begin() as conn:
        conn.execute(text(statement))
    # ... and through any other SQLite client, where the INSERT trigger stands alone.
    path = book.engine.url.database
    assert path is not None
    with closing(sqlite3.connect(path)) as raw, pytest.raises(sqlite3.IntegrityError) as caught:
        raw.execute(statement)
    assert f"{table} is append-only: REPLACE refused" in str(caught.value)
    with book.engine.connect() as conn:
        after = [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
    assert after == before


@pytest.mark.parametrize("table", HISTORY)
def test_sealing_is_the_only_update_let_through(book: Book, written: Actor, table: str) -> None:
    """A sealed row's hash cannot be changed, nor can an unsealed row's content."""
    with pytest.raises(DBAPIError, match="UPDATE"), book.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET chain_hash = NULL"))
    with pytest.raises(DBAPIError, match="UPDATE"), book.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET chain_seq = chain_seq + 1"))
    assert _history(_check(book, written)) == []


def _edit(table: str) -> str:
    return (
        "UPDATE audit_log SET username = 'mallory' WHERE id = {id}"
        if table == "audit_log"
        else "UPDATE ledger_entries SET amount_cents = amount_cents + 1, "
        "balance_after_cents = balance_after_cents + 1 WHERE id = {id}"
    )


_LABEL = {"audit_log": "audit log", "ledger_entries": "ledger"}


@pytest.mark.parametrize("table", HISTORY)
def test_a_rewritten_row_is_named(book: Book, written: Actor, table: str) -> None:
    ids = _ids(book, table)
    victim = ids[2]
    _tamper(book, _edit(table).format(id=victim))
    found = _history(_check(book, written))
    assert found[: len(_guards_gone(book))] == _guards_gone(book)
    rest = found[len(_guards_gone(book)) :]
    subject = f"{_LABEL[table]}: row {victim}"
    assert [v.detail for v in rest if v.subject.startswith(subject)] == [
        "does not match its hash: it was rewritten"
    ]


@pytest.mark.parametrize("table", HISTORY)
def test_a_deleted_row_is_named_by_the_gap_it_leaves(
    book: Book, written: Actor, table: str
) -> None:
    ids = _ids(book, table)
    # The guard's own position of the row: the test creche's chain starts after
    # the book-wide records in the audit log, so read it.
    with book.engine.connect() as conn:
        seq = conn.execute(
            text(f"SELECT chain_seq FROM {table} WHERE id = :i"), {"i": ids[3]}
        ).scalar_one()
    _tamper(book, f"DELETE FROM {table} WHERE id = {ids[3]}")
    found = _history(_check(book, written))[len(_guards_gone(book)) :]
    assert found == [
        Violation(
            "history chain",
            f"{_LABEL[table]}: row {ids[4]} (position {seq + 1})",
            f"follows a gap: position {seq} deleted",
        )
    ]


@pytest.mark.parametrize("table", HISTORY)
def test_deleting_the_newest_rows_is_found(book: Book, written: Actor, table: str) -> None:
    ids = _ids(book, table)
    _tamper(book, f"DELETE FROM {table} WHERE id IN ({ids[-1]}, {ids[-2]})")
    found = _history(_check(book, written))[len(_guards_gone(book)) :]
    assert len(found) == 1
    assert found[0].subject == _LABEL[table]
    assert "deleted" in found[0].detail
    assert found[0].detail.startswith("the chain ends at position")


@pytest.mark.parametrize("table", HISTORY)
def test_moved_rows_are_found(book: Book, written: Actor, table: str) -> None:
    """Two rows swap places in the chain, as a reordering of history would."""
    ids = _ids(book, table)
    first, second = ids[-3], ids[-2]
    with book.engine.connect() as conn:
        place = dict(
            conn.execute(
                text(f"SELECT id, chain_seq FROM {table} WHERE id IN (:a, :b)"),
                {"a": first, "b": second},
            ).all()
        )
    _tamper(
        book,
        f"UPDATE {table} SET chain_seq = -1 WHERE id = {first}",
        f"UPDATE {table} SET chain_seq = {place[first]} WHERE id = {second}",
        f"UPDATE {table} SET chain_seq = {place[second]} WHERE id = {first}",
    )
    found = _history(_check(book, written))[len(_guards_gone(book)) :]
    assert found[0] == Violation(
        "history chain",
        f"{_LABEL[table]}: row {second} (position {place[first]})",
        "does not match its hash: it was rewritten",
    )


def test_a_row_forged_by_sql_is_not_in_the_chain(
    book: Book, written: Actor, household: int
) -> None:
    with book.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_entries (tenant_id, household_id, entry_date, entry_type, "
                "amount_cents, balance_after_cents, description, created_at) VALUES "
                "(:t, :h, '2026-11-05', 'CREDIT', -100, 24900, 'forged', CURRENT_TIMESTAMP)"
            ),
            {"t": written.tenant_id, "h": household},
        )
        forged = conn.execute(text("SELECT max(id) FROM ledger_entries")).scalar_one()
    found = _history(_check(book, written))
    assert found == [
        Violation(
            "history chain",
            f"ledger: row {forged}",
            "is not in the chain: it was written outside CrecheBooks",
        )
    ]
    # The next transaction seals only its own rows, never the forged one.
    with book.write(written.tenant_id) as uow:
        change_setting(uow, written, "due_day", "9")
    assert _history(_check(book, written)) == found


def test_dropped_guards_are_reported_even_when_nothing_was_changed(
    book: Book, written: Actor
) -> None:
    _tamper(book)
    assert _history(_check(book, written)) == _guards_gone(book)


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_disabled_trigger_counts_as_missing(book: Book, written: Actor) -> None:
    with book.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete"))
    assert _history(_check(book, written)) == [
        Violation(
            "append-only guard",
            "trigger audit_log_no_delete",
            "is missing or switched off: history can be changed without the database refusing",
        )
    ]


def test_an_older_book_gets_its_chains_built_by_the_upgrade(demo_book: tuple[Book, object]) -> None:
    """A book from before the chains (schema 0002): the upgrade seals its history
    exactly as the application would have."""
    book, _demo = demo_book
    query = text(
        "SELECT 'audit', id, chain_seq, chain_hash FROM audit_log "
        "UNION ALL SELECT 'ledger', id, chain_seq, chain_hash FROM ledger_entries ORDER BY 1, 2"
    )
    with book.engine.connect() as conn:
        sealed = [tuple(r) for r in conn.execute(query)]
        heads = [tuple(r) for r in conn.execute(text("SELECT * FROM history_heads ORDER BY 1, 2"))]
    assert len(sealed) > 100
    url = book.engine.url.render_as_string(hide_password=False)
    with book.engine.connect() as conn, migrate._sqlite_foreign_keys_off(conn):
        config = migrate.alembic_config(url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
        conn.commit()
    with book.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("ledger_entries")}
    assert "chain_hash" not in columns

    book.close()
    upgraded, result = Book.open(book.settings)
    try:
        assert result.from_revision == "0002"
        with upgraded.engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(query)] == sealed
            assert [
                tuple(r) for r in conn.execute(text("SELECT * FROM history_heads ORDER BY 1, 2"))
            ] == heads
        with upgraded.read() as uow:
            tenants = [t.tenant_id for t in uow.tenants.all()]
        for tenant in tenants:
            with upgraded.read(tenant) as uow:
                assert check_creche(uow).ok
    finally:
        upgraded.close()
