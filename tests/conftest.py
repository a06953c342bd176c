"""Shared fixtures: a fresh, migrated book per test on SQLite and on PostgreSQL.

Every test that takes ``book`` (or ``book_url``) runs twice, once per backend in
``BACKENDS``. Migrating a book takes a while, so each session migrates one
template per backend and each test gets a copy of it:

- SQLite: the template file is migrated once, closed (its write-ahead log
  checkpointed away) and copied with ``shutil.copy`` for each test.
- PostgreSQL: a template database ``cbtest_tpl_<pid>`` is migrated once and
  each test gets ``CREATE DATABASE cbtest_<uuid8> TEMPLATE cbtest_tpl_<pid>``,
  dropped when the test ends.

PostgreSQL is found at ``$CRECHEBOOKS_TEST_PG_URL`` (default: the local server,
user postgres). When it cannot be reached the PostgreSQL tests are skipped, or
fail when ``CRECHEBOOKS_REQUIRE_PG=1`` (CI, where a skipped backend would hide
a regression).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain import passwords
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.demo.creche import DemoResult, create_demo_creche
from crechebooks_desktop.settings import Settings
from tests.cli_zygote import Finished, Zygote
from tests.file_keyring import keep_sign_in

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

PG_URL_ENV = "CRECHEBOOKS_TEST_PG_URL"
PG_REQUIRE_ENV = "CRECHEBOOKS_REQUIRE_PG"
PG_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEMO_TODAY = dt.date(2026, 11, 21)

# Fixtures that start other processes: the tests using them are marked slow.
_SUBPROCESS_FIXTURES = {"book_url", "cli"}


# --------------------------------------------------------------------------- PostgreSQL gate


def _admin_url() -> str:
    return os.environ.get(PG_URL_ENV) or PG_DEFAULT_URL


def _libpq(url: str, database: str | None = None) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@functools.cache
def _pg_unreachable(url: str) -> str | None:
    """Why the server cannot be used (None when it answers); asked once per run."""
    try:
        psycopg.connect(_libpq(url), connect_timeout=3).close()
    except Exception as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        return f"PostgreSQL not reachable at {shown}: {str(exc).strip()}"
    return None


def _require_postgres() -> str:
    """The admin URL of a reachable server; otherwise skip (or fail when required)."""
    url = _admin_url()
    reason = _pg_unreachable(url)
    if reason is not None:
        if os.environ.get(PG_REQUIRE_ENV) == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return url


def pytest_configure(config: pytest.Config) -> None:
    """New password hashes in this process cost scrypt N=2**14, not 2**17.

    The suite makes hundreds of creches, each with a hashed password: at the
    real cost that is minutes of CPU. Hashes keep their cost in their stored
    form, so verifying is unchanged; ``tests/unit/domain/test_passwords.py``
    checks the real cost on its own.
    """
    del config
    passwords.COST_N = 2**14


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark PostgreSQL runs ``postgres`` and tests that start processes ``slow``."""
    for item in items:
        if "[postgresql" in item.nodeid and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)
        names = set(getattr(item, "fixturenames", ()))
        if names & _SUBPROCESS_FIXTURES and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or fail) PostgreSQL tests before any fixture touches the server."""
    if item.get_closest_marker("postgres") is not None:
        _require_postgres()


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """URL of the maintenance database of the test server (``postgres``)."""
    return _require_postgres()


def _pg_execute(admin_url: str, sql: str) -> None:
    with psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


@functools.cache
def _copy_strategy(admin_url: str) -> str:
    """``STRATEGY FILE_COPY`` where the server has it (15+): a template copy in
    about a third of the time of the default WAL_LOG strategy."""
    with psycopg.connect(_libpq(admin_url), connect_timeout=10) as conn:
        version = conn.info.server_version
    return " STRATEGY FILE_COPY" if version >= 150000 else ""


# --------------------------------------------------------------------------- templates


def _migrate(url: str, data_dir: Path) -> None:
    book, _result = Book.open(Settings(db_url=url, data_dir=data_dir), create=True)
    book.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite book, closed, with no -wal or -shm beside it."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    _migrate("sqlite:///" + str(path), folder / "files")
    # The last connection normally checkpoints and removes the WAL; make sure.
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leftovers = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    assert not leftovers, f"template still has {leftovers}"
    return path


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The name of a migrated template database, dropped at the end of the session."""
    name = f"cbtest_tpl_{os.getpid()}"
    _pg_execute(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_execute(pg_admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
        _migrate(url, tmp_path_factory.mktemp("pg-template"))
        yield name
    finally:
        _pg_execute(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- books


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``; override with ``@pytest.mark.parametrize("backend", ...)``."""
    return str(request.param)


@pytest.fixture
def make_book_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], str]]:
    """A factory of fresh, migrated, empty books of the test's backend (their URLs)."""
    databases: list[str] = []
    counter = iter(range(1_000_000))

    def make() -> str:
        if backend == "sqlite":
            template: Path = request.getfixturevalue("sqlite_template")
            path = tmp_path / f"book{next(counter) or ''}.sqlite"
            shutil.copy(template, path)
            return "sqlite:///" + str(path)
        admin_url: str = request.getfixturevalue("pg_admin_url")
        template_name: str = request.getfixturevalue("pg_template")
        name = f"cbtest_{uuid.uuid4().hex[:8]}"
        _pg_execute(
            admin_url,
            f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"{_copy_strategy(admin_url)}',
        )
        databases.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield make
    if databases:
        admin_url = request.getfixturevalue("pg_admin_url")
        for name in databases:
            _pg_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_book(make_book_url: Callable[[], str], tmp_path: Path) -> Iterator[Callable[[], Book]]:
    """A factory of fresh, opened books of the test's backend, closed at teardown."""
    opened: list[Book] = []

    def make() -> Book:
        url = make_book_url()
        data_dir = tmp_path / f"book-files-{len(opened)}"
        book, _result = Book.open(Settings(db_url=url, data_dir=data_dir))
        opened.append(book)
        return book

    yield make
    for book in opened:
        book.close()


@pytest.fixture
def book_url(make_book_url: Callable[[], str]) -> str:
    """The URL of a fresh, migrated, empty book (for tests that run other processes)."""
    return make_book_url()


@pytest.fixture
def book(make_book: Callable[[], Book]) -> Book:
    """A fresh, migrated, empty book, opened (SQLite and PostgreSQL)."""
    return make_book()


ROOT = Path(__file__).resolve().parent.parent
SIGN_IN_PASSWORDS = {"admin": "demo"}  # as the demo creche's administrator
"""The password each ``crechebooks`` subprocess finds in the keyring for these users."""

CRECHE = NewCreche(
    name="Little Acorns Playschool",
    admin_username="admin",
    admin_full_name="Ada Admin",
    admin_password="correct horse",
)


@pytest.fixture
def creche(book: Book) -> tuple[CrecheSettings, Actor]:
    """A creche (``Little Acorns Playschool``) with its admin, in ``book``."""
    with book.write() as uow:
        return init_creche(uow, CRECHE)


DemoTemplates = dict[tuple[str, int | None], tuple[str, DemoResult]]
DemoCopy = Callable[[int | None], tuple[Book, DemoResult]]


@pytest.fixture(scope="session")
def demo_templates(pg_admin_url_if_any: str | None) -> Iterator[DemoTemplates]:
    """Demo books built once per worker, by backend and months lived in (None: the demo's own).

    The demo is the same every time (a fixed day) and takes seconds to build;
    each test gets a copy (``demo_copy``). Values: a SQLite file or a
    PostgreSQL template database, and what the demo generator made.
    """
    built: DemoTemplates = {}
    yield built
    for (backend, _months), (where, _result) in built.items():
        if backend == "postgresql" and pg_admin_url_if_any is not None:
            _pg_execute(pg_admin_url_if_any, f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_admin_url_if_any() -> str | None:
    """The test server's admin URL where one answers (for the session's own clean-up)."""
    url = _admin_url()
    return None if _pg_unreachable(url) else url


def _build_demo(
    request: pytest.FixtureRequest, backend: str, months: int | None, folder: Path
) -> tuple[str, DemoResult]:
    """A migrated template with the demo creche in it, closed (usable as a template)."""
    if backend == "sqlite":
        path = folder / f"demo-{months}.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = "sqlite:///" + str(path)
        where = str(path)
    else:
        admin_url: str = request.getfixturevalue("pg_admin_url")
        where = f"cbtest_demo_{os.getpid()}_{months}"
        template: str = request.getfixturevalue("pg_template")
        _pg_execute(admin_url, f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')
        _pg_execute(admin_url, f'CREATE DATABASE "{where}" TEMPLATE "{template}"')
        url = make_url(admin_url).set(database=where).render_as_string(hide_password=False)
    book, _ = Book.open(Settings(db_url=url, data_dir=folder / f"files-{backend}-{months}"))
    try:
        with book.write() as uow:
            if months is None:
                result = create_demo_creche(uow, DEMO_TODAY)
            else:
                result = create_demo_creche(uow, DEMO_TODAY, months=months)
    finally:
        book.close()
    if backend == "sqlite":
        with closing(sqlite3.connect(where)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return where, result


@pytest.fixture
def demo_copy(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    demo_templates: DemoTemplates,
) -> Iterator[DemoCopy]:
    """Opens a fresh copy of the demo book of the test's backend: ``demo_copy(months)``."""
    opened: list[Book] = []
    databases: list[str] = []

    def make(months: int | None) -> tuple[Book, DemoResult]:
        key = (backend, months)
        if key not in demo_templates:
            demo_templates[key] = _build_demo(
                request, backend, months, tmp_path_factory.mktemp("demo")
            )
        where, result = demo_templates[key]
        if backend == "sqlite":
            path = tmp_path / f"demo-{len(opened)}.sqlite"
            shutil.copy(where, path)
            url = "sqlite:///" + str(path)
        else:
            admin_url: str = request.getfixturevalue("pg_admin_url")
            name = f"cbtest_{uuid.uuid4().hex[:8]}"
            _pg_execute(
                admin_url,
                f'CREATE DATABASE "{name}" TEMPLATE "{where}"{_copy_strategy(admin_url)}',
            )
            databases.append(name)
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        book, _ = Book.open(Settings(db_url=url, data_dir=tmp_path / f"demo-files-{len(opened)}"))
        opened.append(book)
        return book, result

    yield make
    for book in opened:
        book.close()
    if databases:
        admin_url = request.getfixturevalue("pg_admin_url")
        for name in databases:
            _pg_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def demo_book(
    demo_copy: Callable[[int | None], tuple[Book, DemoResult]],
) -> tuple[Book, DemoResult]:
    """A book holding the demo creche as of 2026-11-21: September to November lived in."""
    return demo_copy(None)


@pytest.fixture
def demo_first_day(demo_copy: DemoCopy) -> tuple[Book, DemoResult]:
    """A book holding the demo creche on its first day, as of 2026-11-21.

    The roster, the opening balances (dated 2026-11-01) and November's statement
    imported but not matched; nothing billed. For tests that bill the demo's
    roster themselves.
    """
    return demo_copy(0)


@pytest.fixture
def household(book: Book, creche: tuple[CrecheSettings, Actor]) -> int:
    """A household ``DLAMINI01`` in ``creche``; its id."""
    settings, _actor = creche
    with book.write(settings.tenant_id) as uow:
        return uow.roster.add_household("DLAMINI01", "Mrs Nomsa Dlamini")


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most desktops have (0o022), which alone leaves new files world-readable.

    Tests of owner-only files use it, so that they cannot pass because of a strict
    umask; processes the test starts inherit it.
    """
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- processes


@pytest.fixture(scope="session")
def bytecode_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the processes the tests start keep their compiled modules (one per worker)."""
    return tmp_path_factory.mktemp("pycache")


def _process_env(bytecode_cache: Path) -> dict[str, str]:
    """What every ``crechebooks`` subprocess's environment has, whatever the test."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CRECHEBOOKS_DB", "CRECHEBOOKS_CRECHE", "CRECHEBOOKS_USER"}
    }
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHON_KEYRING_BACKEND"] = "tests.file_keyring.FileKeyring"
    # Who the office computer's commands run as, as CRECHEBOOKS_USER would be set there;
    # a test of naming the user sets it to "" (or to another user) for its commands.
    env["CRECHEBOOKS_USER"] = "admin"
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        # Without bytecode every command compiles the package again (~0.08 s a process, over
        # a thousand processes a run); kept in the run's temporary folder, not the checkout.
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    return env


@pytest.fixture
def cli_env(tmp_path: Path, bytecode_cache: Path) -> dict[str, str]:
    """The environment for a ``crechebooks`` subprocess: no book chosen, data in tmp."""
    env = _process_env(bytecode_cache)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    # Sign-in (issue 13): each command finds its user's password in a keyring file,
    # as a script would after `users remember-password`; the books the tests make
    # in-process give their administrators the password in SIGN_IN_PASSWORDS.
    keyring_file = tmp_path / "test-keyring.json"
    env["CRECHEBOOKS_TEST_KEYRING"] = str(keyring_file)
    for user, password in SIGN_IN_PASSWORDS.items():
        keep_sign_in(keyring_file, user, password)
    return env


@pytest.fixture
def keep_password(cli_env: dict[str, str]) -> Callable[[str, str], None]:
    """Keep a user's sign-in password in the subprocesses' keyring file."""
    return lambda user, password: keep_sign_in(
        Path(cli_env["CRECHEBOOKS_TEST_KEYRING"]), user, password
    )


CLI_RUNNER_ENV = "CRECHEBOOKS_TEST_CLI"
"""``subprocess``: the ``cli`` fixture starts each command with ``subprocess.run``."""

CLI_TIMEOUT = 120
"""Seconds a command may take before the ``cli`` fixture kills it."""


class _CliServer:
    """The worker's fork server (``tests/cli_zygote.py``), started on first use and if it died."""

    def __init__(self, env: dict[str, str]) -> None:
        self.zygote = Zygote(env)
        self._starting = threading.Lock()  # tests may run commands from several threads

    def ready(self, env: dict[str, str]) -> Zygote | None:
        """The running server, or None when ``env`` needs a fresh interpreter."""
        if not self.zygote.serves(env):
            return None
        with self._starting:
            if not self.zygote.alive():
                self.zygote.start()
        return self.zygote

    def run(self, zygote: Zygote, env: dict[str, str], **request: Any) -> Finished:
        """Run a command; when the server has just died, start it again and retry once."""
        tried = zygote.pid
        try:
            return zygote.run(env=env, **request)
        except (ConnectionRefusedError, FileNotFoundError):  # nobody listening any more
            with self._starting:
                if zygote.pid == tried:  # not restarted by another thread meanwhile
                    zygote.start()
            return zygote.run(env=env, **request)


@pytest.fixture(scope="session")
def cli_process_env(bytecode_cache: Path) -> dict[str, str]:
    """The environment of the worker's fork server: what every command's has, bar the test's."""
    return _process_env(bytecode_cache)


@pytest.fixture(scope="session")
def cli_server(cli_process_env: dict[str, str]) -> Iterator[_CliServer | None]:
    """One fork server per test worker for the ``cli`` fixture; None: plain subprocesses."""
    if os.environ.get(CLI_RUNNER_ENV) == "subprocess" or not Zygote.supported():
        yield None
        return
    server = _CliServer(cli_process_env)
    try:
        yield server
    finally:
        server.zygote.close()


@pytest.fixture
def cli(
    cli_env: dict[str, str], tmp_path: Path, cli_server: _CliServer | None
) -> Callable[..., CompletedCli]:
    """Run ``python -m crechebooks_desktop ARGS`` and return what it did.

    Each command is a process of its own, forked ready-imported by the worker's
    fork server (``tests/cli_zygote.py``), or started by ``subprocess.run`` when
    ``CRECHEBOOKS_TEST_CLI=subprocess`` or when its environment changes how
    Python starts (``PYTHONPATH`` and the like).
    """

    def run(
        *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> CompletedCli:
        full_env = {**cli_env, **(env or {})}
        if cli_server is not None and (zygote := cli_server.ready(full_env)) is not None:
            done = cli_server.run(
                zygote,
                full_env,
                args=args,
                cwd=tmp_path,
                stdin=(stdin or "").encode("utf-8"),
                timeout=CLI_TIMEOUT,
            )
            return CompletedCli(done.code, _text(done.stdout), _text(done.stderr))
        completed = subprocess.run(
            [sys.executable, "-m", "tests.cli_main", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full_env,
            cwd=tmp_path,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        return CompletedCli(completed.returncode, completed.stdout, completed.stderr)

    return run


def _text(output: bytes) -> str:
    """Output as ``subprocess.run(text=True, encoding="utf-8")`` gives it: newlines made ``\\n``."""
    return output.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


class CompletedCli:
    """Exit status and output of one command-line run."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"CompletedCli(code={self.code}, stdout={self.stdout!r}, stderr={self.stderr!r})"
