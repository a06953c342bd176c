"""Opening, translating errors, and backing up a book (db.book)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.migrate import backup_sqlite
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.settings import Settings, describe

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)]
)


def test_a_file_that_is_not_a_book_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "shopping.sqlite"
    content = b"eggs, milk, bread\n" * 300
    path.write_bytes(content)
    with pytest.raises(UserFacingError, match="file is not a database") as caught:
        Book.open(Settings("sqlite:///" + str(path), tmp_path / "files"))
    assert str(caught.value) == f"cannot open the book {path}: file is not a database"
    assert path.read_bytes() == content
    assert not (tmp_path / "files").exists()


def test_an_unreachable_server_is_a_user_facing_error(tmp_path: Path) -> None:
    settings = Settings("postgresql+psycopg://postgres:secret@127.0.0.1:1/book", tmp_path)
    with pytest.raises(UserFacingError, match=r"^cannot open the book 127\.0\.0\.1:1/book: ") as e:
        Book.open(settings)
    assert "secret" not in str(e.value)


def test_describe() -> None:
    assert describe(Settings("sqlite:////srv/books/acorns.sqlite", Path())) == (
        "/srv/books/acorns.sqlite"
    )
    assert describe(Settings("postgresql+psycopg://u:pw@db.local:5432/acorns", Path())) == (
        "db.local:5432/acorns"
    )


def test_name(book: Book) -> None:
    assert book.name == describe(book.settings)
    assert "@" not in book.name


def test_database_errors_become_user_facing(book: Book) -> None:
    if book.engine.dialect.name == "postgresql":
        failing = "SELECT pg_terminate_backend(pg_backend_pid())"  # the connection drops
    else:
        failing = "SELECT * FROM no_such_table"  # sqlite3 calls this an OperationalError
    unavailable = f"^the book {re.escape(book.name)} is unavailable: "
    with pytest.raises(UserFacingError, match=unavailable), book.write() as uow:
        uow._session.execute(text(failing))
    with book.read() as uow:  # the book is still usable afterwards
        assert uow.tenants.all() == []


@POSTGRES_ONLY
def test_read_transactions_are_read_only_on_postgresql(book: Book) -> None:
    with pytest.raises(Exception, match="read-only transaction"), book.read() as uow:
        uow._session.execute(
            text("INSERT INTO users (username, active, created_at) VALUES ('x', true, now())")
        )


def _households(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT account_ref FROM households ORDER BY 1")]


def test_backup(
    book: Book, creche: tuple[CrecheSettings, Actor], household: int, tmp_path: Path
) -> None:
    if book.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH")
    target = tmp_path / "out" / "copy.backup"
    target.parent.mkdir()
    assert book.backup(target) == target
    if book.engine.dialect.name == "sqlite":
        assert _households(target) == ["DLAMINI01"]
    else:
        assert target.read_bytes()[:5] == b"PGDMP"
    before = target.read_bytes()
    with pytest.raises(UserFacingError, match="already exists; choose a new file name"):
        book.backup(target)
    assert target.read_bytes() == before


@SQLITE_ONLY
def test_sqlite_backup_while_the_book_is_in_use(
    book: Book, creche: tuple[CrecheSettings, Actor], household: int, tmp_path: Path
) -> None:
    settings, _ = creche
    with book.write(settings.tenant_id) as uow:
        uow.roster.add_household("NAIDOO02", "Mrs Priya Naidoo")
        # A writer is in the middle of a transaction: the copy shows the last commit.
        copy = backup_sqlite(book.engine, tmp_path / "deep" / "folder" / "copy.sqlite")
    assert _households(copy) == ["DLAMINI01"]


@POSTGRES_ONLY
def test_backup_sqlite_refuses_a_server_book(book: Book, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="only a SQLite book"):
        backup_sqlite(book.engine, tmp_path / "x.sqlite")


@POSTGRES_ONLY
def test_postgresql_backup_without_pg_dump(
    book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(UserFacingError, match="pg_dump is not installed"):
        book.backup(tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()


def test_read_transactions_refuse_writes_on_every_backend(book) -> None:
    with pytest.raises(RuntimeError, match="read-only transaction"), book.read() as uow:
        uow.tenants.create(CrecheSettings(tenant_id=0, name="Sneaky"))
    with book.read() as uow:
        assert uow.tenants.by_name("Sneaky") is None


def test_a_read_sees_one_snapshot_while_others_write(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    """A count, then a change committed by another connection, then the count again: the same."""
    settings, _actor = creche
    with book.read(settings.tenant_id) as uow:
        before = uow.roster.counts()["households"]
        with book.write(settings.tenant_id) as other:
            other.roster.add_household("LATE01", "Someone who came in later")
        assert uow.roster.counts()["households"] == before
    with book.read(settings.tenant_id) as uow:
        assert uow.roster.counts()["households"] == before + 1
