"""Fast bulk inserts: ids reserved up front, rows written with one executemany.

``INSERT ... RETURNING`` with rows returned in parameter order runs row by row
on SQLite, and ORM-enabled bulk inserts add per-row bookkeeping; the monthly run
writes tens of thousands of rows, so it reserves the ids itself and inserts
through plain Core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session


def table_of(model: type[Any]) -> Table:
    """The Core table behind a row class."""
    return cast("Table", model.__table__)


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` unused primary keys for ``table``, ascending.

    SQLite: the write transaction holds the database lock (BEGIN IMMEDIATE),
    so the ids after the current maximum are ours. PostgreSQL: taken from the
    table's sequence, which never hands the same id out twice.
    """
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count},
        )
        return sorted(int(row[0]) for row in rows)
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    first = int(top or 0) + 1
    return list(range(first, first + count))


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert plain rows (column -> value) in one executemany."""
    if rows:
        session.execute(table.insert(), list(rows))
