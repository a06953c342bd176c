"""Opening a book already at the newest revision loads no Alembic (``db/migrate.py``).

The head is read from the version scripts' text; whatever that cannot settle
(a branch, a merge, a script written another way) is left to Alembic, as is
every book that needs upgrading.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crechebooks_desktop import paths
from crechebooks_desktop.db import migrate
from crechebooks_desktop.db.book import Book
from tests.db.test_migrations import TRIAL_REVISION

HEAVY = ("alembic", "numpy", "rapidfuzz", "reportlab", "openpyxl")


def _scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: str) -> Path:
    scripts = tmp_path / "migrations-next"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in extra.items():
        (scripts / "versions" / f"{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.setattr(migrate, "migrations_dir", lambda: scripts)
    return scripts


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    assert migrate._script_head() == migrate.head_revision()


def test_a_new_revision_is_the_head_read_from_the_scripts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scripts(tmp_path, monkeypatch, trial_add_motto=TRIAL_REVISION)
    assert migrate._script_head() == "trial" == migrate.head_revision()


@pytest.mark.parametrize(
    "text",
    [
        "revision = 'side'\ndown_revision = '0001'\n",  # a branch: two heads
        "revision: str = 'typed'\ndown_revision: str | None = '0007'\n",
        "revision = 'merge'\ndown_revision = ('0006', '0007')\n",
    ],
)
def test_scripts_the_text_cannot_settle_are_left_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    _scripts(tmp_path, monkeypatch, odd=text)
    assert migrate._script_head() is None


def test_without_the_quick_answer_alembic_finds_the_book_current(
    book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrate, "_script_head", lambda: None)
    result = migrate.upgrade_to_head(book.engine, tmp_path / "backups")
    head = migrate.head_revision()
    assert (result.from_revision, result.to_revision, result.backup) == (head, head, None)
    assert not (tmp_path / "backups").exists()


@pytest.mark.slow
@pytest.mark.usefixtures("creche")
def test_a_command_reading_a_current_book_loads_nothing_heavy(
    book: Book, cli_env: dict[str, str], tmp_path: Path
) -> None:
    """What every command pays before it starts (bench/cli_startup.py times it)."""
    url = book.engine.url.render_as_string(hide_password=False)
    book.close()
    script = textwrap.dedent(
        f"""
        import sys
        from crechebooks_desktop.db.book import Book
        from crechebooks_desktop.settings import Settings
        from crechebooks_desktop.services.admin import creches

        book, result = Book.open(Settings({url!r}, __import__("pathlib").Path("files")))
        with book.read() as uow:
            creches.select_creche(uow, None)
        book.close()
        assert result.from_revision == result.to_revision, result
        print(sorted(name for name in {HEAVY!r} if name in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=cli_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == "[]"
