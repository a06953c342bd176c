"""Owner-only files and folders (private_files, crash_log), whatever the umask."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from crechebooks_desktop import crash_log
from crechebooks_desktop.cli import main as cli_main
from crechebooks_desktop.private_files import (
    append_privately,
    create_private_file,
    make_private_folder,
)
from tests.file_modes import POSIX_ONLY, mode

pytestmark = POSIX_ONLY


@pytest.fixture(params=[0o022, 0o002, 0o277], ids=["umask-022", "umask-002", "umask-277"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run under a usual, a lax and an odd umask (one that takes the owner's write away)."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_new_folders_are_owner_only_and_existing_ones_kept(tmp_path: Path, umask: int) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    mine.chmod(0o755)  # a folder the user made and shares: not ours to change
    make_private_folder(mine / "a" / "b")
    assert (mode(mine), mode(mine / "a"), mode(mine / "a" / "b")) == (0o755, 0o700, 0o700)
    make_private_folder(mine / "a" / "b")  # there already: fine


def test_a_new_file_is_empty_and_owner_only(tmp_path: Path, umask: int) -> None:
    path = create_private_file(tmp_path / "book.sqlite")
    assert mode(path) == 0o600
    assert path.read_bytes() == b""


def test_an_existing_file_or_folder_is_never_taken_over(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        create_private_file(taken)
    with pytest.raises(FileExistsError):
        create_private_file(tmp_path)
    assert taken.read_bytes() == b"keep me"


def test_a_folder_under_a_file_is_an_os_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError, match=r"File exists|Not a directory"):
        make_private_folder(tmp_path / "file" / "sub")


def test_appending_creates_an_owner_only_file_in_owner_only_folders(
    tmp_path: Path, umask: int
) -> None:
    path = tmp_path / "data" / "CrecheBooks" / "crash.log"
    for text in ("one\n", "two\n"):
        with append_privately(path) as out:
            out.write(text)
    assert path.read_text(encoding="utf-8") == "one\ntwo\n"
    assert (mode(path), mode(path.parent), mode(path.parent.parent)) == (0o600, 0o700, 0o700)


def test_the_crash_log_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    bug = RuntimeError("a bug with Thandi Dlamini's balance in it")
    where = crash_log.record_bug(bug)
    assert where is not None
    assert where == tmp_path / "xdg" / "CrecheBooks" / "crash.log"
    assert "Thandi Dlamini" in where.read_text(encoding="utf-8")
    assert (mode(where), mode(where.parent)) == (0o600, 0o700)


def test_a_bug_in_a_command_goes_to_the_owner_only_crash_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: argparse.Namespace) -> int:
        raise KeyError("a bug")

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cli_main, "resolve", lambda _handler: broken)
    status = cli_main.run(argparse.Namespace(creche=None, user=None, handler="book.broken"))
    log = tmp_path / "xdg" / "CrecheBooks" / "crash.log"
    assert status == cli_main.EXIT_BUG
    assert capsys.readouterr().err == (
        f"crechebooks: internal error (KeyError: 'a bug'); details in {log}\n"
    )
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert (mode(log), mode(log.parent)) == (0o600, 0o700)
