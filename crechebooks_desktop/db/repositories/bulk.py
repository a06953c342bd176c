"""Fast bulk inserts: ids reserved up front, rows written in bulk through the driver.

``INSERT ... RETURNING`` with rows returned in parameter order runs row by row
on SQLite, and ORM-enabled bulk inserts add per-row bookkeeping; the monthly run
and a categorisation run write tens of thousands of rows, so they reserve the
ids themselves and insert through the driver: ``COPY`` on PostgreSQL, INSERTs
of hundreds of rows each on SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from itertools import chain, repeat
from typing import Any, cast

from sqlalchemy import BigInteger, Subquery, Table, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

# Rows per SQLite INSERT statement (fewer when the parameter limit says so).
_ROWS_PER_INSERT = 500


def table_of(model: type[Any]) -> Table:
    """The Core table behind a row class."""
    return cast("Table", model.__table__)


def id_table(ids: Sequence[int]) -> Subquery:
    """PostgreSQL: ids as a one-column table (``id``) to join to, from one array parameter.

    For statements over tens of thousands of lines (a categorisation run):
    one join instead of dozens of ``IN (...)`` lists of 900 ids, each of which
    PostgreSQL may plan generically and test row by row against the whole list.
    """
    return select(func.unnest(literal(list(ids), ARRAY(BigInteger))).label("id")).subquery()


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
            # The sequence's name first: pg_get_serial_sequence() inside the
            # series would be evaluated once per id, which costs five times more.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table.name,))
            found = cursor.fetchone()
            assert found is not None  # noqa: S101 - every table here has a serial id
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (found[0], count)
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


def _processed(process: Any, values: Sequence[Any]) -> Sequence[Any]:
    """Values through a column's bind processor, each distinct value once.

    The columns that have a processor hold few distinct values among many
    rows (an enum, a date): 50,000 enum members are two dictionary look-ups
    each, not two calls into SQLAlchemy. Unhashable values (JSON documents)
    are processed one by one.
    """
    if process is None:
        return values
    try:
        distinct = {value: None if value is None else process(value) for value in set(values)}
    except TypeError:
        return [None if value is None else process(value) for value in values]
    return [distinct[value] for value in values]


def copy_columns(
    session: Session,
    table: Table,
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Insert many rows, given column by column, as fast as the database takes them.

    The values go through the columns' own bind processors (enums, dates,
    timestamps are stored exactly as an ORM insert stores them), then to
    PostgreSQL's ``COPY ... FROM STDIN`` or SQLite's ``executemany``, without
    SQLAlchemy's per-row statement machinery: a 50,000-line bank statement
    is written in well under a second.

    Args:
        session: the transaction.
        table: the table.
        columns: each column's values, one per row; all of the same length.
        constants: columns with the same value in every row (processed once).
    """
    fixed = dict(constants or {})
    names = [*columns, *fixed]
    connection = session.connection()
    dialect = connection.dialect
    processors = _processors(table, names, dialect)
    data = [
        _processed(process, values)
        for process, values in zip(processors[: len(columns)], columns.values(), strict=True)
    ]
    count = len(data[0]) if data else 0
    if not count:
        return
    tail = [
        repeat(value if process is None or value is None else process(value), count)
        for process, value in zip(processors[len(columns) :], fixed.values(), strict=True)
    ]
    rows = list(zip(*data, *tail, strict=True))
    joined = ", ".join(names)
    if dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None  # noqa: S101 - an open connection has its driver's
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({joined}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    _insert_sqlite(connection, f"INSERT INTO {table.name} ({joined}) VALUES ", len(names), rows)


def _insert_sqlite(connection: Connection, head: str, width: int, rows: Sequence[Any]) -> None:
    """Rows into SQLite, many per ``INSERT ... VALUES (...), (...)`` statement.

    Not one ``executemany``: SQLite runs the statement once per row then,
    and a ``CHECK (x IN (...))`` (every enum column has one) builds its list
    anew on each run, which doubles the cost of 50,000 rows. One statement
    of hundreds of rows builds it once.
    """
    raw = connection.connection.driver_connection
    assert raw is not None  # noqa: S101 - an open connection has its driver's
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(_ROWS_PER_INSERT, limit // width))
    one = "(" + ", ".join("?" * width) + ")"
    full = head + ", ".join([one] * per)
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        sql = full if len(chunk) == per else head + ", ".join([one] * len(chunk))
        connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))


def copy_rows(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """:func:`copy_columns` for rows given row by row, each holding ``names``' values in order."""
    if rows:
        copy_columns(
            session, table, dict(zip(names, zip(*rows, strict=True), strict=True)), constants
        )
