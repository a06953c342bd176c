"""Files of personal information are created readable by their owner only.

A book holds children's names, dates of birth and families' debts: personal
information under South Africa's POPI Act. So does everything made from it: the
SQLite file and the ``-wal``/``-shm`` files beside it, backups, the documents
folder, exports and the crash log. Each is created through this module, owner-only:
files 0600 and folders 0700 on POSIX, whatever the process's umask. On Windows,
where POSIX modes do not apply, they get the permissions of the folder they are in
(the user's own profile) and nothing here fails.

Only what CrecheBooks creates is made private: a folder that is already there (the
one the user keeps the book in, an export folder they named) keeps its permissions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "append_privately",
    "create_private_file",
    "make_private_folder",
]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_POSIX = os.name == "posix"


def make_private_folder(folder: Path) -> Path:
    """Create ``folder`` and any missing parents, each owner-only.

    Args:
        folder: the folder wanted.

    Returns:
        ``folder``.

    Raises:
        OSError: a parent is a file, or the folder cannot be created.
    """
    missing: list[Path] = []
    current = folder
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if path.is_dir():  # made at the same moment by another process
                continue
            raise
        _set_mode(path, FOLDER_MODE)
    return folder


def create_private_file(path: Path) -> Path:
    """Create ``path`` as a new, empty, owner-only file (never an existing one).

    Its folder must exist. SQLite keeps a file's mode for the ``-wal``,
    ``-shm`` and journal files it makes beside it, so a book or a backup
    created here stays private however it is written later.

    Args:
        path: the file to create.

    Returns:
        ``path``.

    Raises:
        FileExistsError: something (a file or a folder) is already there.
        OSError: the folder is missing or cannot be written.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        _set_mode(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)
    return path


def append_privately(path: Path) -> TextIO:
    """Open a text file of CrecheBooks's own to append to, owner-only.

    The file and its missing folders are created owner-only; a file left
    readable by an older version is made owner-only too.

    Args:
        path: the file (the crash log).

    Returns:
        The open file; the caller closes it.

    Raises:
        OSError: the file or its folder cannot be created or written.
    """
    make_private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        _set_mode(descriptor, FILE_MODE)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "a", encoding="utf-8")


def _set_mode(target: Path | int, mode: int) -> None:
    # os.open and mkdir apply the umask, which may take away more than group and
    # world access (e.g. 0o277); set the exact mode. Windows has no such modes.
    if not _POSIX:
        return
    if isinstance(target, int):
        os.fchmod(target, mode)
    else:
        target.chmod(mode)
