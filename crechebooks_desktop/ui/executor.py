"""One background thread for all database and file work (docs/ARCHITECTURE.md, Background work).

Every job runs on the same worker thread, one at a time: a single writer, so a
SQLite book never sees two writers from this process, and the GUI thread never
waits on the database. Results come back to the GUI thread through a queued
signal; a job's result must be plain immutable values, never live rows.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

Job = Callable[[], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


@dataclass(frozen=True, slots=True)
class _Pending:
    on_done: OnDone
    on_error: OnError


class _Worker(QObject):
    """Lives on the worker thread; runs jobs and reports back.

    Signals:
        finished(int, object): job id and its result.
        failed(int, object): job id and the exception it raised.
    """

    finished = Signal(int, object)
    failed = Signal(int, object)

    @Slot(int, object)
    def run(self, job_id: int, job: Job) -> None:
        try:
            result = job()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread to report
            self.failed.emit(job_id, exc)
        else:
            self.finished.emit(job_id, result)


class Executor(QObject):
    """Runs jobs on the one database thread and calls back on the GUI thread.

    Signals:
        busy_changed(bool): True while any job is queued or running.
    """

    busy_changed = Signal(bool)
    _submit = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._thread = QThread()
        self._thread.setObjectName("crechebooks-db")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()

    def submit(self, job: Job, on_done: OnDone, on_error: OnError) -> int:
        """Queue ``job`` for the worker; exactly one of the callbacks runs later.

        Args:
            job: runs on the worker thread; may do I/O; returns plain values.
            on_done: called on the GUI thread with the result.
            on_error: called on the GUI thread with the exception.

        Returns:
            The job's id.
        """
        job_id = next(self._ids)
        self._pending[job_id] = _Pending(on_done, on_error)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(job_id, job)
        return job_id

    @property
    def busy(self) -> bool:
        """Whether any job is queued or running."""
        return bool(self._pending)

    def shutdown(self) -> None:
        """Let queued jobs finish, then stop the thread."""
        self._thread.quit()
        self._thread.wait()

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        pending = self._take(job_id)
        pending.on_done(result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        pending = self._take(job_id)
        if not isinstance(error, BaseException):  # pragma: no cover - the worker sends exceptions
            error = RuntimeError(repr(error))
        pending.on_error(error)

    def _take(self, job_id: int) -> _Pending:
        pending = self._pending.pop(job_id)
        if not self._pending:
            self.busy_changed.emit(False)
        return pending
