"""A fork server for the acceptance tests' command line: ``python -m tests.cli_zygote SOCKET``.

Each command the ``cli`` fixture runs is a process of its own, as a script or a
scheduled job runs ``crechebooks``: its own environment, working folder, umask,
standard input, output and error, and exit status. Starting Python and
importing SQLAlchemy, the tables and the command modules costs most of a
second per process, over a thousand processes a run; so one server per test
worker imports all of that once and forks a ready process per command instead.

The server (this module run as a program) imports the application, listens on
a Unix socket and, for each connection, forks a *waiter*, so that it never
waits on anyone. The waiter reads the request (its files arrive as descriptors,
``SCM_RIGHTS``), forks the command's process, tells the client that process's
id, waits for it and sends its exit status; when the client asks (a timeout),
or goes away, the waiter kills the command, which it alone may reap, so the id
it kills is never another process's. The server ignores ``SIGCHLD``, so the
kernel reaps the waiters and no zombies pile up; waiters reap their commands.

The command's process makes itself what ``python -m tests.cli_main ARGS`` with
the request's environment and folder would be (:func:`_become_command`): the
environment replaced exactly, ``sys.path[0]`` the working folder, the time zone
and locale read again, standard streams rebuilt on the request's files, a
``__main__`` module like ``tests.cli_main``'s, and the keyring's backend left
unchosen so that it is chosen from this command's environment. What is only read
when Python starts or a preloaded package is imported (``PYTHONPATH`` and the
other ``PYTHON*`` settings, ``PSYCOPG_IMPL``...) cannot be changed in a forked
process: :meth:`Zygote.serves` says whether a request's environment agrees with
the server's on them, and the fixture runs a plain subprocess when it does not.

The client side is :class:`Zygote`, used by the ``cli`` fixture in
``tests/conftest.py``; ``CRECHEBOOKS_TEST_CLI=subprocess`` turns it off.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import gc
import importlib
import importlib.util
import io
import json
import locale
import os
import pkgutil
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "crechebooks_desktop"

NOT_PRELOADED = {f"{PACKAGE}.ui", f"{PACKAGE}.__main__"}
"""Never imported by the server: the window (Qt) and the package's ``__main__``, which runs."""

THIRD_PARTY = (
    "alembic.command",
    "alembic.config",
    "alembic.runtime.migration",
    "alembic.script",
    "keyring",
    "keyring.backends.fail",
    "tests.file_keyring",
    "boto3",
    "botocore.config",
    "botocore.exceptions",
    "pypdfium2",
    "pypdfium2.raw",
    "psycopg",
)
"""Imported lazily by some commands; preloaded where installed (keyring: no backend chosen)."""

STARTUP_PREFIXES = ("PYTHON", "PSYCOPG_", "RL_", "SQLALCHEMY_")
"""Variables read when Python starts or a preloaded package is imported (``PYTHONPATH``,
``PSYCOPG_IMPL``, reportlab's ``RL_*``): a forked command cannot have others than the server's."""

READ_LATER = {"PYTHON_KEYRING_BACKEND", "PYTHONBREAKPOINT"}
"""Of those, the ones read only when used, so a command may have its own."""

LOCALE_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG")
_HEADER = struct.Struct("!I")
_STDIO = ((0, "<stdin>", "rb"), (1, "<stdout>", "wb"), (2, "<stderr>", "wb"))


# --------------------------------------------------------------------------- server


def preload() -> None:
    """Import what commands import, as ``tests/cli_main.py`` would, without Qt."""
    from crechebooks_desktop.domain import passwords

    passwords.COST_N = 2**14  # as tests/cli_main.py
    importlib.import_module(f"{PACKAGE}.app")
    for name in _package_modules():
        importlib.import_module(name)
    for name in THIRD_PARTY:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    leaked = sorted(name for name in sys.modules if name.split(".")[0] in {"PySide6", "shiboken6"})
    if leaked:
        raise RuntimeError(f"the command line's modules imported Qt: {leaked}")
    core = sys.modules.get("keyring.core")
    if core is not None and core._keyring_backend is not None:
        raise RuntimeError("preloading chose a keyring backend; each command must choose its own")


def _package_modules() -> list[str]:
    """Every module of the package but the window's, without importing the ``ui`` package."""
    found: list[str] = []
    waiting = [(PACKAGE, list(importlib.import_module(PACKAGE).__path__))]
    while waiting:
        package, paths = waiting.pop()
        for info in pkgutil.iter_modules(paths, prefix=f"{package}."):
            if info.name in NOT_PRELOADED:
                continue
            found.append(info.name)
            if info.ispkg:
                waiting.append((info.name, [str(Path(paths[0]) / info.name.rsplit(".", 1)[1])]))
    return sorted(found)


def serve(path: str) -> None:
    """Preload, listen on ``path``, say ``ready`` and fork per request until stdin closes."""
    preload()
    main_spec = importlib.util.find_spec("tests.cli_main")
    assert main_spec is not None
    assert main_spec.origin is not None
    startup_environ = dict(os.environ)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    # The kernel reaps the waiters; each waiter restores the default to reap its command.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    gc.collect()
    gc.freeze()  # the preloaded objects stay shared with the forked processes
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stderr.flush()
    while True:
        ready, _, _ = select.select([listener, sys.stdin.fileno()], [], [])
        if sys.stdin.fileno() in ready:
            return  # the test worker closed our stdin (or died): stop
        try:
            conn, _ = listener.accept()
        except BlockingIOError:  # pragma: no cover - a client gave up before we accepted
            continue
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _wait_on(conn, main_spec, startup_environ)
                status = 0
            except BaseException:  # a waiter never returns into the server
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(status)
        conn.close()


def _recv_exact(conn: socket.socket, size: int, start: bytes = b"") -> bytes:
    data = bytearray(start)
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("the client went away mid-request")
        data += chunk
    return bytes(data)


def _send(conn: socket.socket, message: Mapping[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _wait_on(
    conn: socket.socket, main_spec: importlib.machinery.ModuleSpec, startup_environ: dict[str, str]
) -> None:
    """The waiter: read one request, fork its command, report its id, then its exit status."""
    header, fds, _flags, _addr = socket.recv_fds(conn, _HEADER.size, 3)
    header = _recv_exact(conn, _HEADER.size, header)
    request = json.loads(_recv_exact(conn, _HEADER.unpack(header)[0]))
    if len(fds) != 3:
        raise RuntimeError(f"expected stdin, stdout and stderr, got {len(fds)} descriptors")
    pid = os.fork()
    if pid == 0:
        conn.close()
        _become_command(request, fds, main_spec, startup_environ)  # never returns
    for fd in fds:
        os.close(fd)
    _send(conn, {"pid": pid})
    _send(conn, {"code": _reap(pid, conn)})


def _reap(pid: int, conn: socket.socket) -> int:
    """Wait for the command; kill it when the client asks (``k``) or goes away."""
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux 5.3+: look every 20 ms
        pidfd = None
    watching = [conn] + ([pidfd] if pidfd is not None else [])
    while True:
        ready, _, _ = select.select(watching, [], [], None if pidfd is not None else 0.02)
        if conn in ready:
            if conn.recv(1) in (b"k", b""):  # asked to, or the client is gone
                os.kill(pid, signal.SIGKILL)  # not reaped yet: still ours
            watching.remove(conn)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if pidfd is not None:
                os.close(pidfd)
            return os.waitstatus_to_exitcode(status)


def _become_command(
    request: Mapping[str, Any],
    fds: Sequence[int],
    main_spec: importlib.machinery.ModuleSpec,
    startup_environ: Mapping[str, str],
) -> None:
    """Turn this forked process into ``python -m tests.cli_main ARGS``; exits, never returns."""
    status = 1  # as Python gives an uncaught exception
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.umask(request["umask"])
        os.chdir(request["cwd"])
        env: dict[str, str] = request["env"]
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        if any(env.get(name) != startup_environ.get(name) for name in LOCALE_VARIABLES):
            locale.setlocale(locale.LC_CTYPE, "")
        _reset_keyring()
        tempfile.tempdir = None  # TMPDIR is this command's
        _rebuild_stdio()
        # `python -m` puts the working folder first on the path; the server's was its own.
        sys.path[0] = str(Path.cwd())
        importlib.invalidate_caches()
        sys.argv = [str(main_spec.origin), *request["args"]]
        sys.modules["__main__"] = _main_module(main_spec)
        status = _run_main()
        threading._shutdown()  # type: ignore[attr-defined]  # as the interpreter does at exit
        atexit._run_exitfuncs()
    except BaseException:  # report and exit; never back into the server
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):  # as Python ignores a failed flush at exit
                if stream is not None:
                    stream.flush()
        if status < 0:  # an uncaught Ctrl-C: Python ends by SIGINT, and the parent sees that
            signal.signal(-status, signal.SIG_DFL)
            os.kill(os.getpid(), -status)
        os._exit(status)


def _reset_keyring() -> None:
    """No backend chosen yet: ``PYTHON_KEYRING_BACKEND`` is read by this command."""
    core = sys.modules.get("keyring.core")
    if core is not None:
        core._keyring_backend = None  # type: ignore[attr-defined]
    backend = sys.modules.get("keyring.backend")
    reset = getattr(getattr(backend, "get_all_keyring", None), "reset", None)
    if reset is not None:
        with contextlib.suppress(KeyError):  # KeyError: never found in the server
            reset()  # the viable backends, found again


def _rebuild_stdio() -> None:
    """New ``sys.std*`` on descriptors 0-2, as Python makes them at start-up."""
    old = (sys.__stdin__, sys.__stdout__, sys.__stderr__)
    made: list[io.TextIOWrapper] = []
    for (fd, name, mode), previous in zip(_STDIO, old, strict=True):
        raw = io.FileIO(fd, mode, closefd=False)
        raw.name = name
        buffered = io.BufferedReader(raw) if mode == "rb" else io.BufferedWriter(raw)
        made.append(
            io.TextIOWrapper(
                buffered,
                encoding=previous.encoding if previous else "utf-8",
                errors=previous.errors if previous else "strict",
                newline="\n",
                line_buffering=raw.isatty() or fd == 2,
            )
        )
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made  # type: ignore[misc]


def _main_module(spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
    """``__main__`` as ``python -m tests.cli_main`` has it (``spawn`` workers read it)."""
    module = types.ModuleType("__main__")
    module.__spec__ = spec
    module.__file__ = spec.origin
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    return module


def _run_main() -> int:
    """``raise SystemExit(main())`` and the exit status Python would give it."""
    from crechebooks_desktop.app import main

    try:
        code: object = main()
    except SystemExit as stop:
        return _exit_status(stop.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        return -signal.SIGINT  # Python ends by the signal then (see _become_command)
    except BaseException:  # an uncaught exception: traceback, status 1
        traceback.print_exc()
        return 1
    return _exit_status(code)


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1


# --------------------------------------------------------------------------- client


@dataclass(frozen=True)
class Finished:
    """What a command did: its exit status (negative: killed by that signal) and output."""

    code: int
    stdout: bytes
    stderr: bytes


class Zygote:
    """A running fork server and how to ask it for commands (one per test worker)."""

    def __init__(self, env: Mapping[str, str], cwd: Path = ROOT) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self._folder = Path(tempfile.mkdtemp(prefix="cbz-"))  # short: socket paths are
        self.socket_path = str(self._folder / "socket")
        self._log = self._folder / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def supported() -> bool:
        """Whether this platform can fork and pass descriptors over Unix sockets."""
        return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 120) -> None:
        """Start the server (again, if it died) and wait until it has imported everything."""
        self.stop()
        Path(self.socket_path).unlink(missing_ok=True)
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.cli_zygote", self.socket_path],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,  # a Ctrl-C in the terminal is the test worker's to handle
            )
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], timeout)
        line = self._process.stdout.readline() if ready else b""
        if line != b"ready\n":
            self.stop()
            said = self._log.read_text(errors="replace")
            raise RuntimeError(f"the command-line fork server did not start: {said}")

    def stop(self) -> None:
        """Stop the server (it exits when its stdin closes); commands running are killed."""
        process, self._process = self._process, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        """Stop the server and remove its socket and log."""
        self.stop()
        for leftover in (Path(self.socket_path), self._log):
            leftover.unlink(missing_ok=True)
        self._folder.rmdir()

    def serves(self, env: Mapping[str, str]) -> bool:
        """Whether a forked command can have ``env``: the same start-up settings as the server."""

        def startup(environ: Mapping[str, str]) -> dict[str, str]:
            return {
                key: value
                for key, value in environ.items()
                if key.startswith(STARTUP_PREFIXES) and key not in READ_LATER
            }

        return startup(env) == startup(self.env)

    def run(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path | str,
        stdin: bytes | int = b"",
        timeout: float | None = None,
    ) -> Finished:
        """Run ``python -m tests.cli_main ARGS`` in a forked process, as ``subprocess.run`` would.

        Args:
            args: the command line's arguments.
            env: the whole environment of the command.
            cwd: its working folder.
            stdin: its standard input: these bytes, or an open descriptor (kept open here).
            timeout: seconds; then the command is killed and ``subprocess.TimeoutExpired``
                raised, as ``subprocess.run`` does.

        Raises:
            subprocess.TimeoutExpired: the command ran longer than ``timeout``.
            ConnectionError: the server is not running.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with (
            tempfile.TemporaryFile() as stdin_file,
            tempfile.TemporaryFile() as stdout,
            tempfile.TemporaryFile() as stderr,
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn,
        ):
            if isinstance(stdin, int):
                stdin_fd = stdin
            else:
                stdin_file.write(stdin)
                stdin_file.seek(0)
                stdin_fd = stdin_file.fileno()
            conn.connect(self.socket_path)
            request = json.dumps(
                {"args": list(args), "env": dict(env), "cwd": str(cwd), "umask": current_umask()}
            ).encode()
            socket.send_fds(
                conn, [_HEADER.pack(len(request))], [stdin_fd, stdout.fileno(), stderr.fileno()]
            )
            conn.sendall(request)
            replies = _Replies(conn)
            replies.next(None)  # {"pid": ...}: the command has started
            try:
                code = replies.next(deadline)["code"]
            except TimeoutError:
                conn.sendall(b"k")
                replies.next(None)
                raise subprocess.TimeoutExpired(
                    [sys.executable, "-m", "tests.cli_main", *args],
                    timeout or 0,
                    output=_read(stdout),
                    stderr=_read(stderr),
                ) from None
            return Finished(int(code), _read(stdout), _read(stderr))


class _Replies:
    """The waiter's messages, one JSON object a line."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buffer = b""

    def next(self, deadline: float | None) -> dict[str, Any]:
        while b"\n" not in self._buffer:
            if deadline is None:
                self._conn.settimeout(None)
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self._conn.settimeout(remaining)
            chunk = self._conn.recv(4096)  # TimeoutError past the deadline
            if not chunk:
                raise ConnectionError("the command-line fork server's waiter went away")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        message: dict[str, Any] = json.loads(line)
        return message


def _read(file: BinaryIO) -> bytes:
    file.seek(0)
    return file.read()


def current_umask() -> int:
    """This process's umask (for the command to inherit, as a child would)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    serve(sys.argv[1])
