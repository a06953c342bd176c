"""Backups: owner-only, nothing left when one fails, and pg_dump never given the
password in its arguments (db.book, db.migrate, db.pg_dump; issue 10, points 10 and 12)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy.engine import make_url

from crechebooks_desktop import paths
from crechebooks_desktop.db import migrate
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.settings import Settings
from tests.file_modes import POSIX_ONLY, mode

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)]
)
PASSWORD = "s3cret:pa\\ss word"  # a password file escapes ':' and '\'


@POSIX_ONLY
def test_a_backup_is_owner_only(book: Book, tmp_path: Path, usual_umask: None) -> None:
    if book.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH")
    target = book.backup(tmp_path / "copy.backup")
    assert mode(target) == 0o600


NEXT_REVISION = '''"""After the newest: changes nothing, so that a book is one revision behind."""

revision = "zz_next"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


@pytest.fixture
def one_revision_behind(book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The application now knows one revision more than ``book`` (closed) has; its head."""
    book.close()
    scripts = tmp_path / "migrations-next"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (scripts / "versions" / "zz_next.py").write_text(
        NEXT_REVISION.format(head=head), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "migrations_dir", lambda: scripts)
    return head


@POSIX_ONLY
@SQLITE_ONLY
def test_the_copy_before_an_upgrade_is_owner_only(
    book: Book, one_revision_behind: str, usual_umask: None
) -> None:
    upgraded, result = Book.open(book.settings)
    upgraded.close()
    assert (result.from_revision, result.to_revision) == (one_revision_behind, "zz_next")
    assert result.backup is not None
    data_dir = book.settings.data_dir
    assert result.backup.parent == data_dir / "backups"
    assert (mode(result.backup), mode(data_dir / "backups"), mode(data_dir)) == (
        0o600,
        0o700,
        0o700,
    )


@SQLITE_ONLY
def test_no_upgrade_without_its_copy(book: Book, one_revision_behind: str) -> None:
    data_dir = book.settings.data_dir
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("a file where the book's folder should be")
    with pytest.raises(UserFacingError, match=r"before upgrading it \(.+\); nothing was changed$"):
        Book.open(book.settings)
    with closing(sqlite3.connect(str(book.engine.url.database))) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (one_revision_behind,)
        ]


def test_a_backup_that_fails_leaves_nothing(
    book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(_fake_pg_dump(tmp_path, "fail")))
    if book.engine.dialect.name == "sqlite":
        # The copy fails after the file was made: the book went away underneath.
        book.engine.dispose()
        Path(str(book.engine.url.database)).unlink()
        expected = "unable to open database file"
    else:
        expected = "pg_dump failed: fake pg_dump: cannot connect"
    target = tmp_path / "copy.backup"
    with pytest.raises(UserFacingError, match=expected):
        book.backup(target)
    assert not target.exists()


def _fake_pg_dump(tmp_path: Path, behaviour: str) -> Path:
    """A folder holding a ``pg_dump`` that records what it was given, then runs the real one.

    ``behaviour`` "real": record, then run the real pg_dump; "fail": say so and exit 1.
    The record has pg_dump's arguments, its environment's PGPASSWORD and PGPASSFILE,
    that file's mode, and the password libpq reads from it for the connection given.
    """
    folder = tmp_path / "fake-bin"
    folder.mkdir(exist_ok=True)
    real = shutil.which("pg_dump")
    script = folder / "pg_dump"
    script.write_text(
        f"""#!{sys.executable}
import json, os, stat, sys
import psycopg

record = {{"argv": sys.argv[1:], "PGPASSWORD": os.environ.get("PGPASSWORD")}}
passfile = os.environ.get("PGPASSFILE")
if passfile:
    record["passfile"] = passfile
    record["passfile_mode"] = stat.S_IMODE(os.stat(passfile).st_mode)
    with psycopg.connect(sys.argv[-1]) as conn:  # libpq, as pg_dump uses it
        record["password_libpq_reads"] = conn.info.password
with open({str(tmp_path / "pg_dump.json")!r}, "w") as out:
    json.dump(record, out)
if {behaviour!r} == "fail":
    sys.exit("fake pg_dump: cannot connect")
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
""",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return folder


@POSTGRES_ONLY
def test_pg_dump_gets_the_password_in_a_private_file_never_in_its_arguments(
    make_book_url: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH")
    # The test server trusts local connections, so any password opens the book.
    url = make_url(make_book_url()).set(password=PASSWORD).render_as_string(hide_password=False)
    book, _ = Book.open(Settings(url, tmp_path / "files"))
    monkeypatch.setenv("PATH", f"{_fake_pg_dump(tmp_path, 'real')}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PGPASSWORD", "not the book's")  # would win over the file; must go
    try:
        target = book.backup(tmp_path / "copy.dump")
    finally:
        book.close()
    record = json.loads((tmp_path / "pg_dump.json").read_text(encoding="utf-8"))
    arguments = " ".join(record["argv"])
    assert PASSWORD not in arguments
    assert quote(PASSWORD, safe="") not in arguments
    assert "s3cret" not in arguments
    assert record["PGPASSWORD"] is None
    assert record["passfile_mode"] == 0o600
    assert record["password_libpq_reads"] == PASSWORD
    assert not Path(record["passfile"]).exists()  # removed once pg_dump was done
    assert target.read_bytes()[:5] == b"PGDMP"  # the real pg_dump made a real dump


@POSTGRES_ONLY
def test_pg_dump_without_a_password_gets_no_password_file(
    book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH")
    monkeypatch.setenv("PATH", f"{_fake_pg_dump(tmp_path, 'real')}{os.pathsep}{os.environ['PATH']}")
    book.backup(tmp_path / "copy.dump")
    record = json.loads((tmp_path / "pg_dump.json").read_text(encoding="utf-8"))
    assert "passfile" not in record  # the user's own ~/.pgpass (or trust) applies
