"""Progress and cancellation for long jobs (docs/ARCHITECTURE.md, Long jobs).

A job reports progress and checks for cancellation between atomic steps; the
window sets ``cancel()`` from the GUI thread and reads progress through the
callback, the command line prints it. A job that builds tens of thousands of
small values at once can pause the cyclic garbage collector while it does
(:func:`collector_paused`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of bulk work.

    A categorisation run makes a few hundred thousand tuples and lists (one
    per line, per part, per row read); every few thousand of them the
    collector walks the whole heap, and in the window's process, full of
    other objects, those walks took a third of the run. The values made hold
    no reference cycles, so reference counting frees them as before; other
    garbage waits for the collector, which is on again after the block, as
    it was before it (even if the block raises).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
