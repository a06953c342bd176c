"""The crash log: a bug's traceback goes here, never on screen.

One log per user, in the data folder, shared by the window and the command line.
A traceback can quote the book's data (a name, an amount), so the log is
created owner-only like the book itself.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from crechebooks_desktop.private_files import append_privately
from crechebooks_desktop.settings import default_data_dir

__all__ = ["crash_log_path", "record_bug"]


def crash_log_path() -> Path:
    """Where bug reports (tracebacks) are written."""
    return default_data_dir() / "crash.log"


def record_bug(error: BaseException) -> Path | None:
    """Append ``error``'s traceback to the crash log.

    Returns:
        The log's path, or None when it could not be written.
    """
    path = crash_log_path()
    try:
        with append_privately(path) as out:
            out.write("".join(traceback.format_exception(error)))
            out.write("\n")
    except OSError:
        return None
    return path
