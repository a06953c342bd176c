"""Showing errors: a plain message for the user's problems, a crash note for bugs."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.settings import default_data_dir

log = logging.getLogger(__name__)


def crash_log_path() -> str:
    """Where bug reports (tracebacks) are written."""
    return str(default_data_dir() / "crash.log")


def log_bug(error: BaseException) -> None:
    """Append a bug's traceback to the crash log (never shown on screen)."""
    try:
        default_data_dir().mkdir(parents=True, exist_ok=True)
        with open(crash_log_path(), "a", encoding="utf-8") as out:  # noqa: PTH123
            out.write("".join(traceback.format_exception(error)))
            out.write("\n")
    except OSError:
        log.exception("could not write the crash log")


def report(parent: QWidget | None, error: BaseException, doing: str) -> None:
    """Tell the user what went wrong while ``doing`` something.

    A ``UserFacingError`` is shown as it is; anything else is a bug: logged
    with its traceback, and the dialog says where the log is.
    """
    if isinstance(error, UserFacingError):
        QMessageBox.warning(parent, "CrecheBooks", f"Could not {doing}.\n\n{error}")
        return
    log_bug(error)
    QMessageBox.critical(
        parent,
        "CrecheBooks — something went wrong",
        f"Could not {doing} because of a fault in CrecheBooks "
        f"({type(error).__name__}: {error}).\n\nNothing was half-saved: the change was "
        f"rolled back. Details for support are in {crash_log_path()}.",
    )
