"""``backup`` and the files a book makes, end to end (issue 10, points 10 and 12).

A backup that cannot be written is one line and leaves nothing behind; the book,
its backups, its documents, exports and the folders made for them are readable by
their owner only.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.services.admin.creches import init_creche
from tests.acceptance.test_cli import ok, opened, refused
from tests.file_modes import POSIX_ONLY, mode

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]


@pytest.fixture
def with_creche(book_url: str, tmp_path: Path) -> str:
    with opened(book_url, tmp_path) as book, book.write() as uow:
        init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
    return book_url


@pytest.mark.parametrize("where", ["missing folder", "a folder", "under a file"])
def test_a_backup_that_cannot_be_written_is_one_line(
    cli: Cli, with_creche: str, where: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("not a folder")
    target, expected = {
        "missing folder": (
            tmp_path / "no-such" / "copy.backup",
            (
                f"cannot write the backup to {tmp_path / 'no-such' / 'copy.backup'}: "
                f"{tmp_path / 'no-such'} does not exist"
            ),
        ),
        "a folder": (
            tmp_path,
            f"{tmp_path} is a folder; name the backup file in it, e.g. {tmp_path / 'book-backup'}",
        ),
        "under a file": (
            note / "copy.backup",
            f"cannot write the backup to {note / 'copy.backup'}: {note} is not a folder",
        ),
    }[where]
    before = sorted(tmp_path.rglob("*"))
    said = refused(cli("--db", with_creche, "backup", str(target)))
    assert said == f"crechebooks: error: {expected}"
    assert sorted(tmp_path.rglob("*")) == before
    assert not (Path(cli_env["XDG_DATA_HOME"]) / "CrecheBooks" / "crash.log").exists()


PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1


def _without_root_override() -> None:  # pragma: no cover - runs in the child
    """Give up root's power to write where the permissions say no (CAP_DAC_OVERRIDE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@POSIX_ONLY
def test_a_backup_into_a_read_only_folder_is_one_line(
    with_creche: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    target = folder / "copy.backup"
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "crechebooks_desktop",
                "--db",
                with_creche,
                "backup",
                str(target),
            ],
            capture_output=True,
            text=True,
            env=cli_env,
            cwd=tmp_path,
            timeout=120,
            check=False,
            # Tests may run as root, who could write there anyway.
            preexec_fn=_without_root_override if os.geteuid() == 0 else None,
        )
    except subprocess.SubprocessError as exc:
        pytest.skip(f"cannot run the command without root's override: {exc}")
    finally:
        folder.chmod(0o700)
    assert (done.returncode, done.stderr) == (
        1,
        f"crechebooks: error: cannot write the backup to {target}: Permission denied\n",
    )
    assert list(folder.iterdir()) == []
    assert not (Path(cli_env["XDG_DATA_HOME"]) / "CrecheBooks" / "crash.log").exists()


@POSIX_ONLY
def test_the_demo_book_its_backups_and_documents_are_owner_only(
    cli: Cli, tmp_path: Path, usual_umask: None, cli_env: dict[str, str]
) -> None:
    book = tmp_path / "demo-book" / "demo.sqlite"
    db = ("--db", str(book))
    ok(cli(*db, "demo"))
    assert (mode(book.parent), mode(book)) == (0o700, 0o600)

    ok(cli(*db, "backup", str(tmp_path / "copy.sqlite")))
    assert mode(tmp_path / "copy.sqlite") == 0o600

    number = json.loads(ok(cli(*db, "invoices", "list", "--json")))["invoices"][0]["number"]
    ok(cli(*db, "invoices", "pdf", number, "--out", str(tmp_path / "letters" / "copy.pdf")))
    assert (mode(tmp_path / "letters"), mode(tmp_path / "letters" / "copy.pdf")) == (0o700, 0o600)
    data_dir = book.parent / "demo-files"
    archived = list((data_dir / "documents").rglob("*.pdf"))
    assert len(archived) == 1
    folders = [p for p in archived[0].parents if p.is_relative_to(data_dir)]
    assert folders[-1] == data_dir
    assert [mode(f) for f in folders] == [0o700] * 4  # <year>, invoices, documents, demo-files
    assert mode(archived[0]) == 0o600

    ok(cli(*db, "invoices", "export", "--format", "csv", "--out", str(tmp_path / "list.csv")))
    assert mode(tmp_path / "list.csv") == 0o600
    out_dir = tmp_path / "by-month" / "2020-01"
    ok(cli(*db, "invoices", "pdf", "--month", "2020-01", "--out-dir", str(out_dir)))
    assert (mode(out_dir.parent), mode(out_dir)) == (0o700, 0o700)
    assert not (Path(cli_env["XDG_DATA_HOME"]) / "CrecheBooks" / "crash.log").exists()
