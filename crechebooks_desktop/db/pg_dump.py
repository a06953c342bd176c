"""Backing a PostgreSQL book up with ``pg_dump``, without its password on the command line.

A program's arguments are visible to every local user (``ps``, ``/proc/PID/cmdline``),
so the password never goes there. It goes in a password file (``PGPASSFILE``): a
temporary file readable by this user only, removed as soon as pg_dump is done.
PostgreSQL's documentation recommends a password file over the ``PGPASSWORD``
environment variable, because some systems let other users see a process's
environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.private_files import create_private_file

__all__ = ["dump_postgres"]


def dump_postgres(url: URL, destination: Path) -> Path:
    """Dump a server book to a new, owner-only file in pg_dump's custom format.

    Args:
        url: the book's URL (its password, if any, is passed in a password file).
        destination: the file to create; its folder must exist.

    Returns:
        ``destination``.

    Raises:
        UserFacingError: pg_dump is missing or fails (nothing is left behind).
        FileExistsError: ``destination`` is already there.
        OSError: ``destination`` cannot be created.
    """
    program = shutil.which("pg_dump")
    if program is None:
        raise UserFacingError("pg_dump is not installed; install the PostgreSQL client tools")
    # URL.set() leaves a field as it is when given None, so the password is dropped this way.
    connection = url.set(drivername="postgresql")._replace(password=None)
    create_private_file(destination)  # pg_dump writes into it and keeps its mode
    try:
        with _password_environment(url.password) as env:
            completed = subprocess.run(  # noqa: S603 - fixed program, no shell
                [
                    program,
                    "--format=custom",
                    "--file",
                    str(destination),
                    connection.render_as_string(hide_password=False),
                ],
                capture_output=True,
                text=True,
                check=False,
                env=env,
            )
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    if completed.returncode != 0:
        destination.unlink(missing_ok=True)
        raise UserFacingError(f"pg_dump failed: {completed.stderr.strip()}")
    return destination


@contextmanager
def _password_environment(password: str | None) -> Iterator[dict[str, str]]:
    """pg_dump's environment: with a password, a private password file for it."""
    env = dict(os.environ)
    if password is None:  # the user's own ~/.pgpass or a trusted connection
        yield env
        return
    # PGPASSWORD would win over the file (libpq reads it first), and is not ours.
    env.pop("PGPASSWORD", None)
    descriptor, name = tempfile.mkstemp(prefix="crechebooks-", suffix=".pgpass")  # 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(_password_file_line(password))
        env["PGPASSFILE"] = name
        yield env
    finally:
        Path(name).unlink(missing_ok=True)


def _password_file_line(password: str) -> str:
    """A password-file line that gives ``password`` for any server, database and user.

    Raises:
        UserFacingError: the password holds a line break, which a password file cannot.
    """
    if "\n" in password or "\r" in password:
        raise UserFacingError(
            "the book's password contains a line break, which pg_dump cannot be given"
        )
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"
