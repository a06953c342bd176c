"""Progress and cancellation for long jobs (CONVENTIONS rule 7).

A job reports progress and checks for cancellation between atomic steps; the
window sets ``cancel()`` from the GUI thread and reads progress through the
callback, the command line prints it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from crechebooks_desktop.errors import UserFacingError

ProgressCallback = Callable[[int, int, str], None]


class Cancelled(UserFacingError):
    """A job stopped at the user's request; its transaction is rolled back."""


class TaskState:
    """A job's cancel flag and progress reporting (safe across threads)."""

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._cancelled = threading.Event()
        self._on_progress = on_progress

    def cancel(self) -> None:
        """Ask the job to stop after its current step."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._cancelled.is_set()

    def check(self) -> None:
        """Stop here if cancel() was called.

        Raises:
            Cancelled: the job was cancelled (for all-or-nothing jobs, whose
                transaction then rolls back).
        """
        if self.cancelled:
            raise Cancelled("cancelled; nothing was changed")

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report that ``done`` of ``total`` units are finished."""
        if self._on_progress is not None:
            self._on_progress(done, total, message)
