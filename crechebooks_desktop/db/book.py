"""An opened book: its engine, schema upgrade on open, and transactions."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from crechebooks_desktop.db.migrate import UpgradeResult, backup_sqlite, upgrade_to_head
from crechebooks_desktop.db.session import make_engine, read_session, write_session
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.errors import RuleViolation, UserFacingError
from crechebooks_desktop.settings import Settings, describe


class Book:
    """A SQLite file or PostgreSQL database holding one or more creches."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine

    @classmethod
    def open(cls, settings: Settings) -> tuple[Book, UpgradeResult]:
        """Connect, and bring the schema up to date (backing SQLite up first).

        Raises:
            UserFacingError: the book cannot be reached or is newer than the app.
        """
        if settings.db_url.startswith("sqlite:///"):
            Path(settings.db_url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
        engine = make_engine(settings.db_url)
        try:
            result = upgrade_to_head(engine, settings.data_dir / "backups")
        except DBAPIError as exc:  # unreachable server, not a database file, no permission
            engine.dispose()
            raise UserFacingError(
                f"cannot open the book {describe(settings)}: {_reason(exc)}"
            ) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(settings, engine), result

    @property
    def name(self) -> str:
        """The book as a person would name it (file path or server/database)."""
        return describe(self.settings)

    @contextmanager
    def write(self, tenant_id: int | None = None) -> Iterator[UnitOfWork]:
        """One write transaction (committed at the end, rolled back on error).

        Raises:
            RuleViolation: the database refused the change (a constraint).
            UserFacingError: the database could not be reached or stayed locked.
        """
        with _translated(self.name), write_session(self.engine) as session:
            yield UnitOfWork(session, tenant_id)

    @contextmanager
    def read(self, tenant_id: int | None = None) -> Iterator[UnitOfWork]:
        """One read-only transaction (a consistent snapshot)."""
        with _translated(self.name), read_session(self.engine) as session:
            yield UnitOfWork(session, tenant_id)

    def backup(self, destination: Path) -> Path:
        """Copy the whole book to a file.

        SQLite: a consistent copy through the online backup API. PostgreSQL:
        ``pg_dump`` in its custom format (restore with ``pg_restore``).

        Raises:
            UserFacingError: the destination exists, or pg_dump is missing or fails.
        """
        if destination.exists():
            raise UserFacingError(f"{destination} already exists; choose a new file name")
        if self.engine.dialect.name == "sqlite":
            return backup_sqlite(self.engine, destination)
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise UserFacingError("pg_dump is not installed; install the PostgreSQL client tools")
        url = self.engine.url.set(drivername="postgresql")
        completed = subprocess.run(  # noqa: S603 - fixed program, no shell
            [pg_dump, "--format=custom", "--file", str(destination), url.render_as_string(False)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise UserFacingError(f"pg_dump failed: {completed.stderr.strip()}")
        return destination

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


@contextmanager
def _translated(book_name: str) -> Iterator[None]:
    """Database errors the user can act on become UserFacingErrors; bugs stay bugs."""
    try:
        yield
    except DBAPIError as exc:
        if _is_read_only_violation(exc):
            raise RuntimeError("a read-only transaction tried to change the book") from exc
        if isinstance(exc, IntegrityError):
            raise RuleViolation(f"the book refused the change: {_reason(exc)}") from exc
        if isinstance(exc, OperationalError):
            raise UserFacingError(f"the book {book_name} is unavailable: {_reason(exc)}") from exc
        raise


def _is_read_only_violation(exc: DBAPIError) -> bool:
    # PostgreSQL: SQLSTATE 25006 read_only_sql_transaction; SQLite: PRAGMA query_only.
    return getattr(exc.orig, "sqlstate", None) == "25006" or "readonly database" in str(exc.orig)


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
