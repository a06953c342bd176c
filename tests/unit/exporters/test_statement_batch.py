"""Statements for every household at once (exporters.statement_batch), in worker processes too."""

from __future__ import annotations

from pathlib import Path

import pytest

from crechebooks_desktop.db.repositories.documents import DocumentValue
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters import statement_batch
from crechebooks_desktop.exporters.statement_batch import StatementBatch, export_statements
from crechebooks_desktop.exporters.statement_documents import print_statement
from crechebooks_desktop.services.documents import sha256_hex
from crechebooks_desktop.services.tasks import TaskState
from tests.statement_fixtures import NOVEMBER, PAYER, November, november
from tests.unit.exporters.samples import needs_pdftotext, pdf_text

__all__ = ["november"]  # the fixture, used by name


def run(data: November, **options: object) -> StatementBatch:
    return export_statements(data.book, data.actor, NOVEMBER, **options)  # type: ignore[arg-type]


def rows(data: November) -> list[DocumentValue]:
    with data.book.read(data.actor.tenant_id) as uow:
        found = uow.documents.of_entities("statement", "household", range(1, 1000))
    return [d for docs in found.values() for d in docs]


def archive_folder(data: November) -> Path:
    return data.book.settings.data_dir / "documents" / "statements" / "2026"


def assert_consistent(data: November, out: Path, batch: StatementBatch) -> None:
    """Every file complete and archived; every row's file there, with its hash."""
    files = sorted(out.iterdir())
    assert [f.name for f in files if f.name.startswith(".")] == []  # no temporary files
    documents = rows(data)
    assert len(files) == len(documents) == len(batch.archived)
    by_name = {f.stem: f.read_bytes() for f in files}
    for document in documents:
        archived = Path(document.local_path)
        assert sha256_hex(archived.read_bytes()) == document.sha256
        ref = archived.name.split("-", 1)[0]
        assert sha256_hex(by_name[ref]) == document.sha256
    leftovers = [p.name for p in archive_folder(data).iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_folder_of_statements_one_per_household(november: November, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: list[tuple[int, int, str]] = []
    batch = run(november, out_dir=out, task=TaskState(lambda d, t, m: seen.append((d, t, m))))
    assert (batch.total, batch.created, batch.cancelled) == (45, 45, False)
    assert not batch.banking_missing
    assert sorted(p.stem for p in out.iterdir()) == list(november.refs)
    assert [f.name for f in batch.files] == [f"{ref}.pdf" for ref in november.refs]
    assert_consistent(november, out, batch)
    assert seen[0] == (0, 45, "")
    assert [d for d, _t, _m in seen[1:]] == list(range(1, 46))
    assert [m for _d, _t, m in seen[1:]] == list(november.refs)

    again = run(november, out_dir=out)
    assert (again.total, again.created) == (45, 0)
    assert [a.path for a in again.archived] == [a.path for a in batch.archived]
    assert len(rows(november)) == 45


def test_a_batch_statement_is_the_one_printed_alone(november: November, tmp_path: Path) -> None:
    batch = run(november, out_dir=tmp_path / "out")
    with november.book.write(november.actor.tenant_id) as uow:
        alone = print_statement(
            uow, november.actor, PAYER, NOVEMBER, november.book.settings.data_dir
        )
    (mine,) = [a for a in batch.archived if a.household_ref == PAYER]
    assert alone.archived.created is False
    assert alone.archived.path == mine.path
    assert (tmp_path / "out" / f"{PAYER}.pdf").read_bytes() == alone.pdf


def test_only_owing_leaves_out_who_owes_nothing(november: November, tmp_path: Path) -> None:
    batch = run(november, out_dir=tmp_path / "out", only_owing=True)
    assert november.in_credit not in november.owing
    assert sorted(p.stem for p in (tmp_path / "out").iterdir()) == list(november.owing)
    assert batch.total == len(november.owing) < len(november.refs)


def test_some_households_only(november: November, tmp_path: Path) -> None:
    with november.book.read(november.actor.tenant_id) as uow:
        ids = [uow.roster.household_id(ref) for ref in november.refs[:3]]
    batch = run(november, out_dir=tmp_path / "out", household_ids=ids)
    assert [a.household_ref for a in batch.archived] == list(november.refs[:3])


@needs_pdftotext
def test_one_pdf_of_every_statement(november: November, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    batch = run(november, out_file=out, only_owing=True)
    assert batch.files == (out,)
    text = " ".join(pdf_text(out.read_bytes(), tmp_path).split())
    for ref in november.owing:
        assert f"Account {ref}" in text
    assert text.count("Statement of account") >= len(november.owing)
    assert len(rows(november)) == len(november.owing)  # each is archived on its own too


def test_cancel_mid_batch_leaves_everything_consistent(
    november: November, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statement_batch, "ARCHIVE_GROUP", 4)

    def gate(done: int, _total: int, _ref: str) -> None:
        if done == 6:
            task.cancel()  # as the window's Cancel button would, while the batch runs

    task = TaskState(gate)
    out = tmp_path / "out"
    batch = run(november, out_dir=out, task=task)
    assert batch.cancelled
    assert 6 <= len(batch.archived) < batch.total == 45
    assert_consistent(november, out, batch)
    rest = run(november, out_dir=out)  # a rerun finishes the job, reusing what was archived
    assert (rest.created, len(rest.archived)) == (45 - len(batch.archived), 45)
    assert_consistent(november, out, rest)


def test_cancel_before_one_pdf_writes_no_pdf(november: November, tmp_path: Path) -> None:
    task = TaskState()
    task.cancel()
    batch = run(november, out_file=tmp_path / "all.pdf", task=task)
    assert batch.cancelled
    assert (batch.archived, batch.files) == ((), ())
    assert not (tmp_path / "all.pdf").exists()
    assert rows(november) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_worker_processes_render_the_same_bytes(
    november: November, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statement_batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(statement_batch, "RENDER_CHUNK", 7)
    here = run(november, out_dir=tmp_path / "here", workers=1)

    def not_here(*_args: object) -> bytes:
        raise AssertionError("rendered in the parent process")

    monkeypatch.setattr(statement_batch, "render_statement_pdf", not_here)
    there = run(november, out_dir=tmp_path / "there", workers=2)
    assert there.created == 0  # every statement identical to the one rendered here
    for ref in november.refs:
        assert (tmp_path / "there" / f"{ref}.pdf").read_bytes() == (
            tmp_path / "here" / f"{ref}.pdf"
        ).read_bytes()
    both = run(november, out_file=tmp_path / "all.pdf", workers=2)
    assert both.files == (tmp_path / "all.pdf",)
    assert (tmp_path / "all.pdf").read_bytes()[:5] == b"%PDF-"
    assert here.total == there.total == both.total == 45


@pytest.mark.parametrize("backend", ["sqlite"])
def test_cancel_with_worker_processes(
    november: November, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statement_batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(statement_batch, "RENDER_CHUNK", 5)
    monkeypatch.setattr(statement_batch, "ARCHIVE_GROUP", 10)

    def gate(done: int, _total: int, _ref: str) -> None:
        if done == 12:
            task.cancel()

    task = TaskState(gate)
    out = tmp_path / "out"
    batch = run(november, out_dir=out, task=task, workers=2)
    assert batch.cancelled
    assert 12 <= len(batch.archived) < 45
    assert_consistent(november, out, batch)


def test_bad_targets_are_refused_before_any_work(november: November, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="not both"):
        run(november, out_dir=tmp_path / "a", out_file=tmp_path / "b.pdf")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserFacingError, match="it is a file, not a folder"):
        run(november, out_dir=blocker)
    with pytest.raises(UserFacingError, match="it is a folder"):
        run(november, out_file=tmp_path)
    with pytest.raises(UserFacingError, match="cannot write into"):
        run(november, out_file=blocker / "all.pdf")
    assert rows(november) == []
