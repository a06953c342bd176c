"""Showing errors: a plain message for the user's problems, a crash note for bugs."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from crechebooks_desktop.crash_log import crash_log_path, record_bug
from crechebooks_desktop.errors import UserFacingError

log = logging.getLogger(__name__)


def log_bug(error: BaseException) -> None:
    """Append a bug's traceback to the crash log (never shown on screen)."""
    if record_bug(error) is None:
        log.error("could not write the crash log %s", crash_log_path(), exc_info=error)


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
