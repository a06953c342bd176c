"""The command-line fork server the ``cli`` fixture uses (``tests/cli_zygote.py``).

Each command it runs must be what ``python -m tests.cli_main`` started by
``subprocess.run`` would be: its own process, environment, folder, standard
input and exit status, killed at the timeout, and reaped.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_zygote import Finished, Zygote

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Zygote.supported(), reason="needs fork and Unix sockets"),
]

PASSWORD = b"correct horse battery\n"


@pytest.fixture(scope="module")
def zygote(cli_process_env: dict[str, str]) -> Iterator[Zygote]:
    """A server of its own, whose processes these tests can count."""
    server = Zygote({**cli_process_env, "CRECHEBOOKS_DB": "the-servers-own.sqlite"})
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def env(cli_process_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A command's environment: data in tmp, and no ``CRECHEBOOKS_DB`` (the server has one)."""
    return {
        **cli_process_env,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "CRECHEBOOKS_TEST_KEYRING": str(tmp_path / "keyring.json"),
    }


def _init(book: Path, name: str) -> list[str]:
    """``init``, the administrator's password read from standard input."""
    return ["--db", str(book), "init", "--admin-password-stdin", "--name", name]


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its state (``Z``: a zombie)."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = (int(fields[1]), fields[0])
    found: dict[int, str] = {}
    waiting = [pid]
    while waiting:
        parent = waiting.pop()
        for child, (ppid, state) in parents.items():
            if ppid == parent and child not in found:
                found[child] = state
                waiting.append(child)
    return found


def _settles_with_no_processes_left(zygote: Zygote) -> dict[int, str]:
    """The server's descendants once they are gone (waiters exit just after replying)."""
    assert zygote.pid is not None
    deadline = time.monotonic() + 10
    left = _descendants(zygote.pid)
    while left and time.monotonic() < deadline:
        time.sleep(0.02)
        left = _descendants(zygote.pid)
    return left


def test_the_command_has_the_requests_environment_and_folder(
    zygote: Zygote, env: dict[str, str], tmp_path: Path
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    named = zygote.run(
        ["balances"], env={**env, "CRECHEBOOKS_DB": "rel/book.sqlite"}, cwd=here, timeout=60
    )
    assert named.code == 1, named
    assert f"there is no book at {here / 'rel' / 'book.sqlite'} " in named.stderr.decode()
    # Without CRECHEBOOKS_DB (the server has one), the book in this command's data folder.
    default = zygote.run(["balances"], env=env, cwd=here, timeout=60)
    assert default.code == 1, default
    assert f"there is no book at {tmp_path / 'xdg-data'}" in default.stderr.decode()
    assert "the-servers-own" not in default.stderr.decode()


def test_stdin_reaches_the_command_and_exit_codes_pass_through(
    zygote: Zygote, env: dict[str, str], tmp_path: Path
) -> None:
    db = ["--db", str(tmp_path / "book.sqlite")]
    made = zygote.run(
        [*db, "init", "--name", "Acorns", "--admin-password-stdin"],
        env=env,
        cwd=tmp_path,
        stdin=PASSWORD,
        timeout=60,
    )
    assert (made.code, made.stderr) == (0, b""), made
    signed_in = zygote.run(
        [*db, "--password-stdin", "balances"], env=env, cwd=tmp_path, stdin=PASSWORD, timeout=60
    )
    assert signed_in == Finished(
        0, b"household  balance  outstanding  credit\n0 household(s)\n", b""
    )
    wrong = zygote.run(
        [*db, "--password-stdin", "balances"], env=env, cwd=tmp_path, stdin=b"nope\n", timeout=60
    )
    assert wrong.code == 1, wrong
    misspelt = zygote.run([*db, "balances", "--no-such-option"], env=env, cwd=tmp_path, timeout=60)
    assert misspelt.code == 2, misspelt
    assert b"unrecognized arguments: --no-such-option" in misspelt.stderr


def test_two_commands_run_at_once(zygote: Zygote, env: dict[str, str], tmp_path: Path) -> None:
    """Each waits for its password on a pipe: the second finishes while the first still waits."""
    results: dict[str, Finished] = {}

    def run(name: str, stdin: int) -> None:
        results[name] = zygote.run(
            _init(tmp_path / f"{name}.sqlite", name.title()),
            env=env,
            cwd=tmp_path,
            stdin=stdin,
            timeout=60,
        )

    pipes = {name: os.pipe() for name in ("first", "second")}
    threads = {
        name: threading.Thread(target=run, args=(name, read)) for name, (read, _) in pipes.items()
    }
    try:
        for thread in threads.values():
            thread.start()
        for name in ("second", "first"):
            read, write = pipes[name]
            os.write(write, PASSWORD)
            os.close(write)
            threads[name].join(60)
            assert name in results, f"{name} did not finish"
            if name == "second":
                assert "first" not in results  # still waiting on its pipe
    finally:
        for read, write in pipes.values():
            for fd in (read, write):
                with contextlib.suppress(OSError):  # closed already
                    os.close(fd)
    assert {name: done.code for name, done in results.items()} == {"first": 0, "second": 0}
    assert results["first"].stdout.startswith(b"created First in ")


def test_a_command_past_its_timeout_is_killed_and_nothing_is_left(
    zygote: Zygote, env: dict[str, str], tmp_path: Path
) -> None:
    read, write = os.pipe()  # never written nor closed while the command runs
    try:
        with pytest.raises(subprocess.TimeoutExpired) as raised:
            zygote.run(
                _init(tmp_path / "book.sqlite", "Acorns"),
                env=env,
                cwd=tmp_path,
                stdin=read,
                timeout=0.5,
            )
    finally:
        os.close(read)
        os.close(write)
    assert raised.value.timeout == 0.5
    assert raised.value.cmd[-2:] == ["--name", "Acorns"]
    # The command was killed and reaped by its waiter, which the kernel reaped in turn.
    assert _settles_with_no_processes_left(zygote) == {}
    assert zygote.alive()


def test_no_zombies_after_many_commands(
    zygote: Zygote, env: dict[str, str], tmp_path: Path
) -> None:
    for _ in range(5):
        assert zygote.run(["--version"], env=env, cwd=tmp_path, timeout=60).code == 0
    assert _settles_with_no_processes_left(zygote) == {}


def test_startup_settings_the_server_cannot_change_are_refused(
    zygote: Zygote, env: dict[str, str]
) -> None:
    assert zygote.serves(env)
    assert zygote.serves({**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert not zygote.serves({**env, "PYTHONPATH": "/elsewhere"})
    assert not zygote.serves({**env, "PYTHONIOENCODING": "latin-1"})
    assert not zygote.serves({**env, "PYTHONHASHSEED": "0"})
    assert not zygote.serves({**env, "PSYCOPG_IMPL": "python"})
