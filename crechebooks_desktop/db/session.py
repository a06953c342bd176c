"""Engines and transactions for SQLite and PostgreSQL books.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout,
and write transactions that start with ``BEGIN IMMEDIATE`` so two writers queue
on the lock instead of failing when the second tries to upgrade a read lock.
pysqlite's own transaction handling is switched off so that SQLAlchemy's
BEGIN/SAVEPOINT work as documented.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crechebooks_desktop.db.history import seal_pending
from crechebooks_desktop.db.types import json_text

BUSY_TIMEOUT_MS = 30_000
_READ_ONLY = "crechebooks_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for a book URL, tuned for its backend.

    Args:
        url: ``sqlite:///path`` or ``postgresql+psycopg://...``.
        **kwargs: passed on to ``create_engine`` (tests use ``poolclass``).

    Returns:
        The engine; SQLite connections are configured as they open.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            json_serializer=json_text,
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_text, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # REPLACE deletes the row it replaces; with recursive triggers that delete
        # meets the append-only DELETE triggers instead of slipping past them.
        cursor.execute("PRAGMA recursive_triggers = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        # query_only is per connection, so every transaction sets it (pooled reuse).
        conn.exec_driver_sql(f"PRAGMA query_only = {1 if read_only else 0}")
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back on error.

    The history it wrote (audit records, ledger entries) is sealed into the hash
    chains last, just before the commit.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
        seal_pending(session)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only transaction (a consistent snapshot; never blocks writers).

    On PostgreSQL, REPEATABLE READ: every statement sees the same snapshot,
    taken at the first, so a read of several statements (the consistency
    check, a count and then a page) never mixes two states of the book. A
    SQLite read transaction is a snapshot already (WAL).
    """
    reader = engine.execution_options(**{_READ_ONLY: True})
    with Session(reader) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        try:
            yield session
        finally:
            session.rollback()
