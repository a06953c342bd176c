"""A book's file: created only when asked, owner-only with its -wal and -shm, and never
made again by a connection (db.book; issue 10, points 11 and 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.errors import BookNotFound, UserFacingError
from crechebooks_desktop.settings import Settings
from tests.file_modes import POSIX_ONLY, mode

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


def test_a_missing_book_is_opened_only_when_creating(tmp_path: Path) -> None:
    path = tmp_path / "Creche" / "book.sqlite"
    settings = Settings("sqlite:///" + str(path), tmp_path / "Creche" / "book-files")
    with pytest.raises(BookNotFound, match=r"^there is no book at .*book\.sqlite \(nothing was"):
        Book.open(settings)
    assert not (tmp_path / "Creche").exists()
    book, result = Book.open(settings, create=True)
    book.close()
    assert result.from_revision is None
    assert path.is_file()
    reopened, result = Book.open(settings)  # there now: no need to ask
    reopened.close()
    assert result.from_revision == result.to_revision


@POSIX_ONLY
def test_a_new_book_and_its_folders_are_owner_only(tmp_path: Path, usual_umask: None) -> None:
    path = tmp_path / "data" / "CrecheBooks" / "book.sqlite"
    book, _ = Book.open(Settings("sqlite:///" + str(path), tmp_path / "files"), create=True)
    book.close()
    assert (mode(path), mode(path.parent), mode(path.parent.parent)) == (0o600, 0o700, 0o700)


@POSIX_ONLY
def test_the_wal_and_shm_files_are_owner_only_whenever_they_are_made(
    tmp_path: Path, usual_umask: None
) -> None:
    path = tmp_path / "book.sqlite"
    settings = Settings("sqlite:///" + str(path), tmp_path / "files")
    Book.open(settings, create=True)[0].close()
    beside = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert not any(p.exists() for p in beside)  # the last connection took them away
    # A later connection of another opening makes them again: SQLite gives them the book's mode.
    book, _ = Book.open(settings)
    try:
        with book.write() as uow:
            uow._session.execute(text("CREATE TABLE scratch (x INTEGER)"))
        assert [mode(p) for p in beside] == [0o600, 0o600]
    finally:
        book.close()


@SQLITE_ONLY
def test_a_book_removed_while_open_is_not_made_again(book: Book) -> None:
    path = Path(str(book.engine.url.database))
    book.engine.dispose()  # no connection open: the next one opens the file afresh
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)
    with pytest.raises(UserFacingError, match="unable to open database file"), book.read() as uow:
        uow.tenants.all()
    assert not path.exists()
