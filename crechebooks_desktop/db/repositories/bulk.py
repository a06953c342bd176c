"""Fast bulk inserts: ids reserved up front, rows written with one executemany.

``INSERT ... RETURNING`` with rows returned in parameter order runs row by row
on SQLite, and ORM-enabled bulk inserts add per-row bookkeeping; the monthly run
writes tens of thousands of rows, so it reserves the ids itself and inserts
through plain Core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Dialect
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
        # Through the driver: 50,000 ids come back in milliseconds, not half a second.
        raw = session.connection().connection.driver_connection
        assert raw is not None  # noqa: S101 - an open connection has its driver's
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (table.name, count),
            )
            return sorted(int(row[0]) for row in cursor.fetchall())
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    first = int(top or 0) + 1
    return list(range(first, first + count))


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert plain rows (column -> value) in one executemany."""
    if rows:
        session.execute(table.insert(), list(rows))


def _processors(table: Table, columns: Sequence[str], dialect: Dialect) -> list[Any]:
    """Each column's bind processor (what SQLAlchemy applies to a value), or None."""
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def copy_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many plain rows as fast as the database takes them.

    The values go through the columns' own bind processors (enums, dates,
    timestamps are stored exactly as an ORM insert stores them), then to
    PostgreSQL's ``COPY ... FROM STDIN`` or SQLite's ``executemany``, without
    SQLAlchemy's per-row statement machinery: a 50,000-line bank statement
    is written in well under a second.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    values = [[row[c] for c in columns] for row in rows]
    for index, process in enumerate(_processors(table, columns, dialect)):
        if process is not None:  # most columns (integers, text) need none
            for row_values in values:
                if row_values[index] is not None:
                    row_values[index] = process(row_values[index])
    names = ", ".join(columns)
    if dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None  # noqa: S101 - an open connection has its driver's
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) VALUES ({marks})", [tuple(v) for v in values]
    )
