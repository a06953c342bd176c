"""Bring a book's schema up to date when it is opened (Alembic, run from code).

A SQLite book is copied with the online backup API before any upgrade, and a
book whose schema is newer than this application knows is refused rather than
guessed at.

On SQLite, foreign keys are off while the migrations run: adding a constraint
copies a table and drops the old one, which SQLite refuses for a table that
other rows point at. ``PRAGMA foreign_key_check`` must then find nothing
before the commit. This is SQLite's own procedure for changing a table
(https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
Changes").

Alembic itself (a tenth of a second to import) loads only when a book needs
upgrading: the usual open, of a book already at the newest revision, reads
the head from the version scripts' text and the book's revision with one
query (``_head_if_current``).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import Connection, Engine, inspect, text

from crechebooks_desktop.errors import BookNotFound, UserFacingError
from crechebooks_desktop.paths import migrations_dir
from crechebooks_desktop.private_files import create_private_file, make_private_folder

if TYPE_CHECKING:
    from alembic.config import Config

SERVER_ONLY_INDEXES = frozenset({"ix_invoices_number_trgm"})
"""Indexes a migration makes on PostgreSQL only, where the server allows (0017): the
models leave them out, so a comparison of models and schema leaves them out too."""

# Any constant works; it only has to be the same for every CrecheBooks process.
_PG_UPGRADE_LOCK = 0x43424B53  # "CBKS"

# ``revision = '0007'`` and ``down_revision = '0006'`` as the version scripts write them.
_REVISION_LINE = re.compile(r"""^(revision|down_revision) = ["']([^"']+)["']$""", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    """What opening the book did to its schema.

    Attributes:
        from_revision: the schema revision found (None for a new, empty book).
        to_revision: the revision now in place (the application's head).
        backup: the copy taken before upgrading a SQLite book, if any.
    """

    from_revision: str | None
    to_revision: str
    backup: Path | None


def alembic_config(url: str) -> Config:
    """An Alembic config whose scripts come from the installed package."""
    from alembic.config import Config  # noqa: PLC0415 - only to upgrade (module docstring)

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest schema revision this application knows."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - only to upgrade

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("no migrations found")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the book, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 - only to upgrade

    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine, backup_dir: Path, *, create: bool = False) -> UpgradeResult:
    """Upgrade the book to the application's schema, backing SQLite up first.

    Args:
        engine: the book's engine.
        backup_dir: where the pre-upgrade copy of a SQLite book goes (made owner-only).
        create: build the schema in an empty database (a book being set up).

    Returns:
        What was found and done.

    Raises:
        BookNotFound: the database is empty and ``create`` is False (left empty).
        UserFacingError: the book was written by a newer CrecheBooks, or the
            copy before the upgrade cannot be written.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Two PCs opening a shared book at once: the second waits, then finds it current.
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_UPGRADE_LOCK})
            conn.commit()
        try:
            head = _head_if_current(conn)
            if head is not None:
                return UpgradeResult(head, head, None)
            return _upgrade(conn, engine, head_revision(), backup_dir, create)
        finally:
            if conn.dialect.name == "postgresql":
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_UPGRADE_LOCK})
                conn.commit()


def _script_head() -> str | None:
    """The head revision read from the version scripts' text, without loading Alembic.

    Returns:
        The one revision that no script revises, or None when the scripts are not
        all in the plain one-line form, or the history is not one line (then
        Alembic, which reads them properly, decides).
    """
    revised: set[str] = set()
    revisions: set[str] = set()
    for script in (migrations_dir() / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        revised.add(found.get("down_revision", ""))
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 and len(revised) == len(revisions) else None


def _head_if_current(conn: Connection) -> str | None:
    """The head revision when the book records exactly it (nothing to do), else None."""
    head = _script_head()
    try:
        if head is None or not inspect(conn).has_table("alembic_version"):
            return None
        recorded = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    finally:
        conn.rollback()
    return head if recorded == [head] else None


def _upgrade(
    conn: Connection, engine: Engine, head: str, backup_dir: Path, create: bool
) -> UpgradeResult:
    found = current_revision(conn)
    conn.rollback()
    if found == head:
        return UpgradeResult(found, head, None)
    if found is None and not create:
        raise BookNotFound("the database holds no book")
    _refuse_unknown(found)
    backup = None
    if found is not None and engine.dialect.name == "sqlite":
        backup = _backup_before_upgrade(engine, backup_dir, found)
    from alembic import command  # noqa: PLC0415 - only to upgrade

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    config.attributes["connection"] = conn
    with _sqlite_foreign_keys_off(conn):
        command.upgrade(config, "head")
        _check_foreign_keys(conn)
        conn.commit()
    return UpgradeResult(found, head, backup)


@contextmanager
def _sqlite_foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite's foreign keys off for the block, on again after (both outside a transaction)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # The PRAGMA does nothing inside a transaction, so it goes to the driver directly.
    raw = conn.connection.driver_connection
    if raw is None:  # pragma: no cover - the connection was just opened
        raise RuntimeError("the book's connection is closed")
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        conn.rollback()  # nothing to undo after the commit; after an error, all of it
        raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:  # pragma: no cover - a migration bug, never the user's doing
        raise RuntimeError(f"the upgrade left rows that point nowhere: {broken[:5]}")


def _refuse_unknown(revision: str | None) -> None:
    if revision is None:
        return
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - only to upgrade

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        known = scripts.get_revision(revision)
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        known = None
    if known is None:
        raise UserFacingError(
            f"this book was written by a newer CrecheBooks (schema {revision}); "
            "install the newer version to open it"
        )


def _backup_before_upgrade(engine: Engine, backup_dir: Path, found: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    destination = backup_dir / f"before-upgrade-{found}-{stamp}.sqlite"
    try:
        return backup_sqlite(engine, destination)
    except (OSError, sqlite3.Error) as exc:  # no room, no permission, a file in the way
        reason = exc.strerror if isinstance(exc, OSError) else None
        raise UserFacingError(
            f"cannot copy the book to {destination} before upgrading it "
            f"({reason or exc}); nothing was changed"
        ) from None


def backup_sqlite(engine: Engine, destination: Path) -> Path:
    """Copy a SQLite book with the online backup API (safe while it is in use).

    Args:
        engine: the book's engine (must be SQLite).
        destination: the file to create, owner-only (its missing folders too).

    Returns:
        The destination path.

    Raises:
        FileExistsError: ``destination`` is already there (it is left alone).
        OSError: it cannot be written (nothing is left behind).
    """
    source_path = engine.url.database
    if engine.dialect.name != "sqlite" or not source_path:
        raise UserFacingError("only a SQLite book can be copied this way")
    make_private_folder(destination.parent)
    create_private_file(destination)  # SQLite keeps this mode for the copy's journal
    try:
        # The engine's own connection: it reads the book as it is and never makes one.
        with engine.connect() as source, closing(sqlite3.connect(destination)) as target:
            cast("sqlite3.Connection", source.connection.driver_connection).backup(target)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return destination
