"""A progress dialog that follows a long job on the database thread and can cancel it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

if TYPE_CHECKING:
    from crechebooks_desktop.services.tasks import TaskState


class ProgressRelay(QObject):
    """Carries progress from the database thread to the GUI thread (queued signal).

    Signals:
        progressed(int, int, str): done, total and what is being done.
    """

    progressed = Signal(int, int, str)


def task_with_progress(parent: QWidget, title: str, text: str) -> tuple[QProgressDialog, TaskState]:
    """A window-modal progress dialog and the ``TaskState`` that drives it.

    Cancel in the dialog cancels the task; the job stops at its next step.
    Call ``reset()`` on the dialog when the job ends.
    """
    from crechebooks_desktop.services.tasks import TaskState  # noqa: PLC0415

    progress = QProgressDialog(text, "Cancel", 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setMinimumWidth(420)
    relay = ProgressRelay(progress)

    def show(done: int, total: int, step: str) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(min(done, max(total, 1)))
        progress.setLabelText(f"{text} {done} of {total} lines · {step}" if step else text)

    relay.progressed.connect(show)
    task = TaskState(relay.progressed.emit)
    progress.canceled.connect(task.cancel)
    return progress, task
