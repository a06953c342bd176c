"""An opened book: its engine, schema upgrade on open, and transactions."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from crechebooks_desktop.db.migrate import UpgradeResult, backup_sqlite, upgrade_to_head
from crechebooks_desktop.db.pg_dump import dump_postgres
from crechebooks_desktop.db.session import make_engine, read_session, write_session
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.errors import BookNotFound, RuleViolation, UserFacingError
from crechebooks_desktop.private_files import create_private_file, make_private_folder
from crechebooks_desktop.settings import Settings, describe


class Book:
    """A SQLite file or PostgreSQL database holding one or more creches."""

    def __init__(self, settings: Settings, engine: Engine, made: tuple[Path, ...] = ()) -> None:
        self.settings = settings
        self.engine = engine
        # What opening this book created (a new SQLite file, and the folders made for it),
        # so that a set-up that does not finish can take it away again (issue 13).
        self.made = made

    @classmethod
    def open(cls, settings: Settings, *, create: bool = False) -> tuple[Book, UpgradeResult]:
        """Connect, and bring the schema up to date (backing SQLite up first).

        Args:
            settings: which book, and its data folder.
            create: set a new book up where there is none (a new SQLite file,
                owner-only, in folders made owner-only; the schema in an empty
                database). Only the paths that set a book up pass it: ``init``,
                ``demo`` and the window's first-run set-up.

        Raises:
            BookNotFound: there is no book there and ``create`` is False
                (nothing was created).
            UserFacingError: the book cannot be reached or made, or is newer than the app.
        """
        book_file = _sqlite_file(settings)
        made: tuple[Path, ...] = ()
        if book_file is not None:
            made = _prepare_sqlite_file(settings, book_file, create)
        engine = make_engine(settings.db_url)
        if book_file is not None:
            _never_create_the_file(engine, book_file)
        try:
            result = upgrade_to_head(engine, settings.data_dir / "backups", create=create)
        except BookNotFound:
            engine.dispose()
            raise BookNotFound(_no_book(settings)) from None
        except DBAPIError as exc:  # unreachable server, not a database file, no permission
            engine.dispose()
            raise UserFacingError(
                f"cannot open the book {describe(settings)}: {_reason(exc)}"
            ) from exc
        except BaseException:
            engine.dispose()
            _remove_made(made)
            raise
        return cls(settings, engine, made), result

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
        """Copy the whole book to a new, owner-only file.

        SQLite: a consistent copy through the online backup API. PostgreSQL:
        ``pg_dump`` in its custom format (restore with ``pg_restore``).

        Raises:
            UserFacingError: the destination exists or cannot be written, or
                pg_dump is missing or fails; no partial copy is left behind.
        """
        folder = destination.parent
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise UserFacingError(f"cannot write the backup to {destination}: {folder} {what}")
        try:
            if self.engine.dialect.name == "sqlite":
                return backup_sqlite(self.engine, destination)
            return dump_postgres(self.engine.url, destination)
        except FileExistsError:
            if destination.is_dir():
                raise UserFacingError(
                    f"{destination} is a folder; name the backup file in it, "
                    f"e.g. {destination / 'book-backup'}"
                ) from None
            raise UserFacingError(f"{destination} already exists; choose a new file name") from None
        except DBAPIError as exc:  # the book itself could not be read
            raise UserFacingError(f"cannot back up {self.name}: {_reason(exc)}") from exc
        except (OSError, sqlite3.Error) as exc:  # sqlite3: e.g. the disk filled up
            reason = exc.strerror if isinstance(exc, OSError) else None
            raise UserFacingError(
                f"cannot write the backup to {destination}: {reason or exc}"
            ) from None

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def discard_unfinished(self) -> bool:
        """Close, and take away the book this open created if it holds no creche yet.

        A set-up that fails (or is stopped) after the file was made must leave
        nothing behind: no empty book that the next start would mistake for one
        (issue 13). A book that was already there, or that holds a creche, is
        only closed. A PostgreSQL database is never dropped; its schema stays.

        Returns:
            True when the file (and the folders made for it) were removed.
        """
        if not self.made or self._holds_a_creche():
            self.close()
            return False
        self.close()
        _remove_made(self.made)
        return True

    def _holds_a_creche(self) -> bool:
        try:
            with self.read() as uow:
                return bool(uow.tenants.all())
        except (UserFacingError, DBAPIError):  # half-made: nothing in it worth keeping
            return False


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


def _sqlite_file(settings: Settings) -> Path | None:
    """The book's file, for a SQLite book kept in a file."""
    if not settings.db_url.startswith("sqlite:///"):
        return None
    name = settings.db_url.removeprefix("sqlite:///")
    return None if name in {"", ":memory:"} else Path(name)


def _prepare_sqlite_file(settings: Settings, path: Path, create: bool) -> tuple[Path, ...]:
    """Make a new book's file (owner-only) when asked to; otherwise it must be there.

    Returns:
        What was made: the file, then the folders made for it, innermost first
        (nothing when the book was there).
    """
    if path.exists():
        return ()
    if not create:
        raise BookNotFound(_no_book(settings))
    # The data folder first (made later, if at all, by the set-up), then the book's own.
    new_folders = [settings.data_dir] if not settings.data_dir.exists() else []
    new_folders += [folder for folder in path.parents if not folder.exists()]
    try:
        make_private_folder(path.parent)
        create_private_file(path)
    except FileExistsError:  # made at the same moment by another process: open that one
        return ()
    except OSError as exc:
        _remove_made(tuple(new_folders))
        raise UserFacingError(f"cannot create the book {path}: {exc.strerror or exc}") from None
    return (path, *new_folders)


def _remove_made(made: tuple[Path, ...]) -> None:
    """Remove a book file made by ``_prepare_sqlite_file`` and the folders made for it.

    The file goes with its SQLite companions (``-wal``, ``-shm``, ``-journal``);
    its data folder, when it was not there before, with what the set-up put in
    it; any other folder made for it only if it is empty.
    """
    if not made:
        return
    book, *folders = made
    for suffix in ("", "-wal", "-shm", "-journal"):
        book.with_name(book.name + suffix).unlink(missing_ok=True)
    data_dir = book.parent / (book.stem + "-files")
    for folder in folders:
        if folder == data_dir:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            folder.rmdir()
        except FileNotFoundError:
            continue
        except OSError:  # not empty: someone else's files are in it now
            return


def _never_create_the_file(engine: Engine, path: Path) -> None:
    """Every connection opens the book's file as it is; none makes a new, empty one.

    SQLite creates a missing file on connect. Only ``_prepare_sqlite_file``
    may create a book, so a book moved or deleted while it is open is an error
    ("unable to open database file"), not a new empty book in its place.
    """

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
        if not path.is_file():
            raise sqlite3.OperationalError(f"unable to open database file: {path} is gone")


def _no_book(settings: Settings) -> str:
    return (
        f"there is no book at {describe(settings)} (nothing was created); "
        "`crechebooks init` or `crechebooks demo` sets one up"
    )


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
