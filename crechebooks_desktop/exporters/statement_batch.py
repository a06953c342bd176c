"""Statements for many households at once: ``statements pdf --all`` and the tab's "Save all".

Issue 12 asks for 1,000 one-page statements in under 8 s on a 2-core PC, so
the work is split by what it costs:

1. **Read** every household's statement in one read transaction
   (``household_statements``: a handful of queries for all of them).
2. **Render** in worker processes, one per core (reportlab is pure Python and
   holds the GIL). The workers are started first, with the ``spawn`` method,
   so that they import reportlab while the book is read; ``spawn`` because
   this process may hold database connections and, in the window, threads,
   which a forked child must not inherit. Statements go to them in chunks as
   plain values (frozen dataclasses pickle) and come back as PDF bytes, in
   order. A small batch renders here, where starting workers would cost more
   than it saves.
3. **Write and archive** here, in groups: each statement's copy is written
   (``<REF>.pdf`` in the folder, atomically), then the group's archive copies
   and their ``documents`` rows in one write transaction. Files are written
   several at once (each waits for the disk to flush it). When a group's
   transaction fails, the archive files it wrote are removed again.

Progress is reported after each statement written, in order; a cancel starts
no more files (those already started are finished), archives what was
written, and stops. So after a cancel every file in the folder is complete
and archived, every archived row has its file, and the one-PDF file
(``out_file``) is not written at all. A rerun finishes the job, reusing what
was archived.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.household_statement import StatementOf
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.statement_pdf import (
    banking_details_missing,
    render_many,
    render_statement_pdf,
    render_statements_pdf,
    start_worker,
)
from crechebooks_desktop.private_files import make_private_folder
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.documents import write_atomically
from crechebooks_desktop.services.household_statements.documents import (
    ArchivedStatement,
    archive_statement_pdfs,
    creche_of,
    safe_name,
)
from crechebooks_desktop.services.household_statements.statement import Period, household_statements
from crechebooks_desktop.services.tasks import TaskState

__all__ = ["WORKERS", "StatementBatch", "export_statements"]

WORKERS = 2
"""Worker processes for rendering (this PC has two cores; so do most office PCs)."""
RENDER_CHUNK = 20
"""Statements per task sent to a worker."""
ARCHIVE_GROUP = 100
"""Statements archived per write transaction."""
IO_THREADS = 8
"""Files written at once: most of a file's cost is waiting for the disk to flush it."""
PARALLEL_FROM = 60
"""Fewer statements than this render in this process: starting workers costs about a second."""


@dataclass(frozen=True, slots=True)
class StatementBatch:
    """What a batch did.

    Attributes:
        period: the statements' dates.
        total: how many statements there were to print.
        archived: each statement printed, with its archived copy (all of
            them, unless cancelled), in account-reference order.
        files: the files written: one per statement in ``out_dir``, or the one PDF.
        cancelled: stopped at the user's request (``files`` and ``archived``
            say how far it got).
        banking_missing: the creche has no banking details (the pages say so).
    """

    period: Period
    total: int
    archived: tuple[ArchivedStatement, ...]
    files: tuple[Path, ...]
    cancelled: bool
    banking_missing: bool

    @property
    def created(self) -> int:
        """How many statements were archived as new copies (the rest were unchanged)."""
        return sum(1 for a in self.archived if a.created)


def export_statements(
    book: Book,
    actor: Actor,
    period: Period,
    *,
    out_dir: Path | None = None,
    out_file: Path | None = None,
    household_ids: Sequence[int] | None = None,
    only_owing: bool = False,
    open_items: bool = False,
    task: TaskState | None = None,
    workers: int = WORKERS,
) -> StatementBatch:
    """Render, write and archive the statements of many households.

    Args:
        book: the open book (read once, then written in groups).
        actor: who prints (any role that may read the book), in their creche.
        period: the statements' dates.
        out_dir: a folder to write ``<REF>.pdf`` for each household into.
        out_file: instead, one PDF holding every statement, written at the end.
            With neither, the statements are only archived.
        household_ids: which households (None: every one with something to show, by account
            reference: a balance brought forward, movement in the period, or money owed).
        only_owing: leave out households that owe nothing at the end date.
        open_items: open-items statements rather than the period's movements.
        task: progress (after each statement) and cancel.
        workers: processes to render in (1: render here).

    Returns:
        What was written and archived.

    Raises:
        PermissionDenied: the actor may not read the book.
        UserFacingError: both ``out_dir`` and ``out_file``; a file or folder
            that cannot be written (what was archived before stays archived).
    """
    audit.require(actor, Permission.READ)
    if out_dir is not None and out_file is not None:
        raise UserFacingError("write the statements into a folder or into one PDF, not both")
    if out_file is not None and out_file.is_dir():
        raise UserFacingError(f"cannot write {out_file}: it is a folder; name a FILE.pdf")
    _check_writable(out_dir if out_dir is not None else out_file.parent if out_file else None)
    task = task or TaskState()
    with book.read(actor.tenant_id) as uow:  # how many: worth starting workers for?
        count = len(uow.statements.parties(household_ids))
    with _Renderer(workers if count >= PARALLEL_FROM else 1) as renderer:
        with book.read(actor.tenant_id) as uow:
            statements = household_statements(
                uow, period, household_ids=household_ids, open_items=open_items,
                only_owing=only_owing, active_only=household_ids is None,
            )  # fmt: skip
            creche = creche_of(uow, actor)
        combined = renderer.combined(statements, creche) if out_file is not None else None
        with ThreadPoolExecutor(max_workers=IO_THREADS) as files:
            writer = _Writer(book, actor, out_dir, task, len(statements), files)
            writer.run(renderer.each(statements, creche))
        if out_file is not None and not writer.cancelled and combined is not None:
            write_atomically(out_file, combined.result())
            writer.files.append(out_file)
    return StatementBatch(
        period,
        len(statements),
        tuple(writer.archived),
        tuple(writer.files),
        writer.cancelled,
        banking_details_missing(creche),
    )


def _check_writable(folder: Path | None) -> None:
    """Stop before any work when the output folder cannot be made or written into."""
    if folder is None:
        return
    try:
        make_private_folder(folder)  # the PDFs in it name families: owner-only if made here
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileExistsError:
        raise UserFacingError(f"cannot write into {folder}: it is a file, not a folder") from None
    except OSError as exc:
        raise UserFacingError(f"cannot write into {folder}: {exc.strerror or exc}") from None


class _Immediate:
    """A finished result, shaped like a Future (for what renders in this process)."""

    def __init__(self, value: bytes) -> None:
        self._value = value

    def result(self) -> bytes:
        return self._value


class _Renderer:
    """Renders here, or in worker processes started as soon as it is entered."""

    def __init__(self, workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
            )
            for _ in range(workers):  # start them now: they import while the book is read
                self._pool.submit(os.getpid)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def combined(
        self, statements: Sequence[StatementOf], creche: CrecheSettings
    ) -> Future[bytes] | _Immediate:
        """Every statement in one PDF: a worker starts on it at once (see ``each``)."""
        if self._pool is None:
            return _Immediate(render_statements_pdf(statements, creche))
        return self._pool.submit(render_statements_pdf, statements, creche)

    def each(
        self, statements: Sequence[StatementOf], creche: CrecheSettings
    ) -> Iterator[tuple[StatementOf, bytes]]:
        """Each statement with its own PDF, in order."""
        if self._pool is None:
            for statement in statements:
                yield statement, render_statement_pdf(statement, creche)
            return
        chunks = [statements[i : i + RENDER_CHUNK] for i in range(0, len(statements), RENDER_CHUNK)]
        futures = [self._pool.submit(render_many, chunk, creche) for chunk in chunks]
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                pdfs = future.result()
            except BrokenProcessPool:
                raise UserFacingError(
                    "a process rendering the statements stopped unexpectedly (out of memory?); "
                    "the statements written so far are archived"
                ) from None
            yield from zip(chunk, pdfs, strict=True)


class _Writer:
    """Writes each statement's copy and archives them in groups, with progress and cancel."""

    def __init__(
        self,
        book: Book,
        actor: Actor,
        out_dir: Path | None,
        task: TaskState,
        total: int,
        files: ThreadPoolExecutor,
    ) -> None:
        self.book, self.actor, self.out_dir, self.task, self.total = (
            book, actor, out_dir, task, total,
        )  # fmt: skip
        self._files = files
        self.archived: list[ArchivedStatement] = []
        self.files: list[Path] = []
        self.cancelled = False
        self._names: set[str] = set()

    def run(self, rendered: Iterator[tuple[StatementOf, bytes]]) -> None:
        """Write and archive everything ``rendered`` yields, unless cancelled."""
        self.task.progress(0, self.total, "")
        while not self.cancelled:
            group = list(itertools.islice(rendered, ARCHIVE_GROUP))
            if not group:
                return
            written = self._write_copies(group)
            self._archive(written)

    def _write_copies(
        self, group: list[tuple[StatementOf, bytes]]
    ) -> list[tuple[StatementOf, bytes]]:
        """Each statement's copy in the folder, until cancelled; those written, in order.

        Up to ``IO_THREADS`` files are written at once; a cancel stops new ones
        from starting, and those already started are finished.
        """
        written: list[tuple[StatementOf, bytes]] = []
        started: deque[tuple[StatementOf, bytes, Future[Path] | None]] = deque()

        def finish_one() -> None:
            statement, pdf, future = started.popleft()
            if future is not None:
                self.files.append(future.result())
            written.append((statement, pdf))
            done = len(self.archived) + len(written)
            self.task.progress(done, self.total, statement.party.household_ref)

        for statement, pdf in group:
            if self.task.cancelled:
                self.cancelled = True
                break
            future = None
            if self.out_dir is not None:
                path = self.out_dir / self._name(statement)
                future = self._files.submit(write_atomically, path, pdf)
            started.append((statement, pdf, future))
            if len(started) >= IO_THREADS:
                finish_one()
        while started:
            finish_one()
        return written

    def _archive(self, written: list[tuple[StatementOf, bytes]]) -> None:
        if not written:
            return
        data_dir = self.book.settings.data_dir
        archived: list[ArchivedStatement] = []
        try:
            with self.book.write(self.actor.tenant_id) as uow:
                archived = archive_statement_pdfs(
                    uow, self.actor, written, data_dir, threads=IO_THREADS
                )
        except BaseException:
            # The commit failed after the files were written: no row claims them; remove them.
            for item in archived:
                if item.created:
                    item.path.unlink(missing_ok=True)
            raise
        self.archived += archived

    def _name(self, statement: StatementOf) -> str:
        """``<REF>.pdf``; a second household whose reference makes the same name gets its id."""
        name = f"{safe_name(statement.party.household_ref)}.pdf"
        if name.lower() in self._names:
            name = f"{safe_name(statement.party.household_ref)}-{statement.party.household_id}.pdf"
        self._names.add(name.lower())
        return name
