"""A thread for work that waits on the network (Xero), apart from the database thread.

Connecting waits minutes for the person in the browser, and a sync waits on
Xero's rate limits: on the one database thread either would hold up every
screen. Such a job runs on a thread of its own, one at a time, and its result
(or exception) comes back to the GUI thread through a queued signal, as the
database executor's do. Its own database work is in short transactions of
its own (SQLite in WAL mode lets the two threads take turns).
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance, Slot

from crechebooks_desktop.errors import UserFacingError

T = TypeVar("T")
Job = Callable[[], object]
OnDone = Callable[[object], None]
OnError = Callable[[BaseException], None]


class NetworkThread(QObject):
    """Runs one network job at a time on a thread of its own; calls back on the GUI thread.

    Signals:
        busy_changed(bool): a job started (True) or ended (False).
    """

    busy_changed = Signal(bool)
    _finished = Signal(int, object)
    _failed = Signal(int, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[OnDone, OnError]] = {}
        self._thread: threading.Thread | None = None
        self._finished.connect(self._on_finished)
        self._failed.connect(self._on_failed)

    @property
    def busy(self) -> bool:
        """Whether a job is running (or its answer is on its way)."""
        return bool(self._pending)

    def submit(self, job: Job, on_done: OnDone, on_error: OnError) -> None:
        """Run ``job`` on a new thread; exactly one of the callbacks runs later (GUI thread).

        Raises:
            RuntimeError: a job is running already (the caller keeps its buttons off meanwhile).
        """
        if self._pending:
            raise RuntimeError("a network job is running already")
        job_id = next(self._ids)
        self._pending[job_id] = (on_done, on_error)
        self.busy_changed.emit(True)
        self._thread = threading.Thread(
            target=self._run, args=(job_id, job), name=self._name, daemon=True
        )
        self._thread.start()

    def wait(self, seconds: float) -> bool:
        """Wait for the running job's thread to end (shutting down); whether it did."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(seconds)
        return not thread.is_alive()

    def _run(self, job_id: int, job: Job) -> None:
        try:
            result = job()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread to report
            self._emit(self._failed, job_id, exc)
        else:
            self._emit(self._finished, job_id, result)

    @staticmethod
    def _emit(signal: SignalInstance, job_id: int, value: object) -> None:
        # RuntimeError: the window was closed while the job ran; nobody waits for the answer.
        with contextlib.suppress(RuntimeError):
            signal.emit(job_id, value)

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        on_done, _on_error = self._take(job_id)
        on_done(result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        _on_done, on_error = self._take(job_id)
        if not isinstance(error, BaseException):  # pragma: no cover - the thread sends exceptions
            error = RuntimeError(repr(error))
        on_error(error)

    def _take(self, job_id: int) -> tuple[OnDone, OnError]:
        callbacks = self._pending.pop(job_id)
        if not self._pending:
            self.busy_changed.emit(False)
        return callbacks


class Handover(Generic[T]):
    """One answer from the GUI thread to a job that waits for it, unless it is cancelled first.

    The job calls ``take`` (it blocks); the GUI thread calls ``give`` once the
    person has answered, or ``cancel``.
    """

    POLL_SECONDS = 0.2

    def __init__(self, cancelled: threading.Event) -> None:
        self._cancelled = cancelled
        self._answers: queue.Queue[T] = queue.Queue(maxsize=1)

    def give(self, answer: T) -> None:
        """The person's answer (GUI thread)."""
        self._answers.put_nowait(answer)

    def take(self, doing: str) -> T:
        """Wait for the answer (the job's thread).

        Raises:
            UserFacingError: cancelled while waiting (``doing`` says what was cancelled).
        """
        while True:
            if self._cancelled.is_set():
                raise UserFacingError(f"{doing} was cancelled; nothing was kept")
            try:
                return self._answers.get(timeout=self.POLL_SECONDS)
            except queue.Empty:
                continue
