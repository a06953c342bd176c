"""The command line's boundary: how each way a command ends becomes an exit status."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from crechebooks_desktop.cli import main
from crechebooks_desktop.errors import UserFacingError

INTERRUPTED = "crechebooks: interrupted; nothing was changed by the unfinished step\n"


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The crash log's folder, in tmp."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def _run(handler: Callable[[argparse.Namespace], int], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(main, "resolve", lambda _name: handler)
    return main.run(argparse.Namespace(handler="x.y", creche=None, user=None))


def _cleanup_fails_after_ctrl_c(error: Exception) -> Callable[[argparse.Namespace], int]:
    """A command stopped by Ctrl-C whose clean-up then fails (a driver left mid-call)."""

    def handler(_args: argparse.Namespace) -> int:
        try:
            raise KeyboardInterrupt
        finally:
            raise error

    return handler


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("can't change 'autocommit' now: connection in transaction status ACTIVE"),
        UserFacingError("the book is unavailable: another command is already in progress"),
    ],
    ids=["bug-shaped", "user-facing"],
)
def test_a_failure_while_ctrl_c_unwinds_is_the_interrupt(
    error: Exception,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data_home: Path,
) -> None:
    assert _run(_cleanup_fails_after_ctrl_c(error), monkeypatch) == 130
    assert capsys.readouterr().err == INTERRUPTED
    assert not list(data_home.rglob("crash.log"))


def test_a_failure_wrapped_around_ctrl_c_is_the_interrupt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    """As SQLAlchemy does: ``raise Wrapped(...) from driver_error``, the driver's error
    itself raised while Ctrl-C was unwinding."""

    def handler(_args: argparse.Namespace) -> int:
        try:
            try:
                raise KeyboardInterrupt
            finally:
                raise OSError("driver")
        except OSError as driver:
            raise RuntimeError("wrapped") from driver

    assert _run(handler, monkeypatch) == 130
    assert capsys.readouterr().err == INTERRUPTED
    assert not list(data_home.rglob("crash.log"))


def test_ctrl_c_alone(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def handler(_args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    assert _run(handler, monkeypatch) == 130
    assert capsys.readouterr().err == INTERRUPTED


def test_errors_without_an_interrupt_keep_their_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    def refused(_args: argparse.Namespace) -> int:
        raise UserFacingError("no household 'X'")

    def bug(_args: argparse.Namespace) -> int:
        raise RuntimeError("outer")

    assert _run(refused, monkeypatch) == 1
    assert capsys.readouterr().err == "crechebooks: error: no household 'X'\n"
    assert _run(bug, monkeypatch) == 70
    assert "internal error (RuntimeError: outer)" in capsys.readouterr().err
    assert len(list(data_home.rglob("crash.log"))) == 1
