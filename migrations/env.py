"""Alembic environment: run from code (crechebooks_desktop.db.migrate).

The caller hands over an open connection in ``config.attributes["connection"]``
so the upgrade runs inside its lock; without one, the URL in the config is used.
"""

from alembic import context
from sqlalchemy import Connection, create_engine

from crechebooks_desktop.db import tables  # noqa: F401 - registers every table
from crechebooks_desktop.db.base import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported")
run_migrations_online()
