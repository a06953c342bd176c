"""The one way screens read and change the book (docs/ARCHITECTURE.md, Background work).

``BookSession.query`` and ``BookSession.mutate`` run a function with the open
book on the database thread. A mutation's ``Changes`` is announced through
``changes_applied`` so each screen decides whether to refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.ui.executor import Executor, OnError

if TYPE_CHECKING:  # the database layer loads on the worker thread, after the window shows
    from crechebooks_desktop.db.book import Book

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a mutation touched, so views know whether to reload."""

    settings: bool = False
    roster: bool = False
    ledger: bool = False
    invoices: bool = False
    bank: bool = False
    """Bank lines or their matching decisions (imports, matches, splits)."""


@dataclass(frozen=True, slots=True)
class Workplace:
    """The creche being worked in and who is working (immutable; replaced on change)."""

    book_name: str
    creche: CrecheSettings
    actor: Actor


class BookSession(QObject):
    """The open book, reached only through the database thread.

    Signals:
        changes_applied(object, object): a ``Changes`` and the initiating object.
        workplace_changed(object): the new ``Workplace``.
        failed(object): an exception no caller handled (shown by the window).
    """

    changes_applied = Signal(object, object)
    workplace_changed = Signal(object)
    failed = Signal(object)

    def __init__(self, executor: Executor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.executor = executor
        self._book: Book | None = None  # touched only inside jobs (worker thread)
        self.workplace: Workplace | None = None

    def attach(self, book: Book | None) -> None:
        """Called on the worker thread once the book is open (None: it is gone again)."""
        self._book = book

    def book(self) -> Book:
        """The open book: call only from inside a job."""
        if self._book is None:
            raise RuntimeError("the book is not open yet")
        return self._book

    def set_workplace(self, workplace: Workplace) -> None:
        """Switch creche or user (GUI thread)."""
        self.workplace = workplace
        self.workplace_changed.emit(workplace)

    def run(
        self, job: Callable[[], T], on_done: Callable[[T], None], on_error: OnError | None = None
    ) -> None:
        """Run a raw job (opening the book, file work) on the database thread."""
        self.executor.submit(job, on_done, on_error or self.failed.emit)

    def query(
        self,
        read: Callable[[Book, Workplace], T],
        on_done: Callable[[T], None],
        on_error: OnError | None = None,
    ) -> None:
        """Read from the book in the current creche; ``on_done`` gets the result."""
        workplace = self._require_workplace()
        self.run(lambda: read(self.book(), workplace), on_done, on_error)

    def mutate(
        self,
        change: Callable[[Book, Workplace], T],
        changes: Changes,
        initiator: object,
        on_done: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
    ) -> None:
        """Change the book; on success announce ``changes`` and call ``on_done``."""
        workplace = self._require_workplace()

        def done(result: T) -> None:
            self.changes_applied.emit(changes, initiator)
            if on_done is not None:
                on_done(result)

        self.run(lambda: change(self.book(), workplace), done, on_error)

    def _require_workplace(self) -> Workplace:
        if self.workplace is None:
            raise RuntimeError("no creche chosen yet")
        return self.workplace

    def close(self, on_closed: Callable[[Any], None]) -> None:
        """Close the book on the database thread."""

        def close_book() -> None:
            if self._book is not None:
                self._book.close()

        self.run(close_book, on_closed, lambda _exc: on_closed(None))
