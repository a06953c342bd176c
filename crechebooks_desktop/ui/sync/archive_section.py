"""The S3 archive's place in the Sync tab: copies of the archived PDFs (issue 15, S3 archive).

The book's view of the archive (``services.sync.documents.archive_status``, no
network): the bucket, and how many documents wait, went and were refused.
Hidden while the creche has no bucket set. The copying itself is
``crechebooks documents sync`` (and the scheduled jobs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book


@dataclass(frozen=True, slots=True)
class ArchiveCounts:
    """The archive's bucket and how many documents wait, went and were refused.

    Attributes:
        pending: queued, and archived before the bucket was set (the next copy queues them).
        first_refusal: the oldest refusal's file and reason, if any.
    """

    bucket: str
    pending: int
    sent: int
    failed: int
    first_refusal: str | None = None


def load_archive(book: Book, workplace: Workplace) -> ArchiveCounts | None:
    """The archive's counts, or None while the creche has no bucket (database thread)."""
    from crechebooks_desktop.services.sync.documents import archive_status  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        status = archive_status(uow, workplace.actor)
    if status.bucket is None:
        return None
    first = status.failures[0] if status.failures else None
    return ArchiveCounts(
        status.bucket,
        status.counts.pending + status.not_queued,
        status.counts.done,
        status.counts.failed,
        f"{first.file}: {first.message}" if first else None,
    )


class ArchiveSection(QGroupBox):
    """The S3 archive's figures, shown only when the creche has an archive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Document archive (S3)", parent)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.figures)
        self.hide()

    def show_counts(self, counts: ArchiveCounts | None) -> None:
        """Show the archive's figures (None: hide the section)."""
        if counts is None:
            self.hide()
            return
        text = (
            f"Archived PDFs copied to the bucket {counts.bucket}: {counts.sent} copied, "
            f"{counts.pending} waiting, {counts.failed} refused."
        )
        if counts.first_refusal:
            text += f"\nRefused first: {counts.first_refusal}"
        self.figures.setText(text)
        self.show()
