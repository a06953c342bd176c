"""Printing and archiving one statement (exporters.statement_documents and its archive)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crechebooks_desktop.db.repositories.documents import DocumentValue
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, RuleViolation, UserFacingError
from crechebooks_desktop.exporters.statement_documents import PrintedStatement, print_statement
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.documents import sha256_hex
from crechebooks_desktop.services.household_statements import documents
from crechebooks_desktop.services.household_statements.statement import Period
from crechebooks_desktop.services.ledger.payments import add_payment
from tests.statement_fixtures import NOVEMBER, PAYER, November, november
from tests.unit.exporters.samples import needs_pdftotext, pdf_text

__all__ = ["november"]  # the fixture, used by name

ARCHIVE = ("documents", "statements", "2026")


def printed(
    data: November, ref: str = PAYER, actor: Actor | None = None, **options: object
) -> PrintedStatement:
    who = actor or data.actor
    with data.book.write(who.tenant_id) as uow:
        return print_statement(
            uow,
            who,
            ref,
            NOVEMBER,
            data.book.settings.data_dir,
            **options,  # type: ignore[arg-type]
        )


def rows(data: November) -> list[DocumentValue]:
    with data.book.read(data.actor.tenant_id) as uow:
        found = uow.documents.of_entities("statement", "household", range(1, 1000))
    return [d for docs in found.values() for d in docs]


def test_first_print_archives_file_row_and_audit(november: November) -> None:
    result = printed(november)
    folder = november.book.settings.data_dir.joinpath(*ARCHIVE)
    expected = folder / "DLAMINI01-2026-11-01-2026-11-30.pdf"
    archived = result.archived
    assert (archived.path, archived.version, archived.created) == (expected, 1, True)
    assert archived.key == "DLAMINI01-2026-11-01-2026-11-30"
    assert expected.read_bytes() == result.pdf
    assert archived.sha256 == sha256_hex(result.pdf)
    (row,) = rows(november)
    assert (row.kind, row.entity, row.entity_id) == (
        "statement",
        "household",
        result.statement.party.household_id,
    )
    assert (row.sha256, row.local_path) == (archived.sha256, str(expected))
    with november.book.read(november.actor.tenant_id) as uow:
        latest = uow.audit.latest(november.actor.tenant_id, limit=1)[0]
    assert (latest.action, latest.entity, latest.entity_id) == ("document.create", "document",
                                                                 str(row.id))  # fmt: skip
    assert latest.after is not None
    assert latest.after["household_ref"] == PAYER
    assert latest.after["sha256"] == archived.sha256
    assert latest.after["from"] == "2026-11-01"
    assert not result.banking_missing


def test_a_reprint_is_byte_identical_and_reuses_the_archive(november: November) -> None:
    first = printed(november)
    again = printed(november, ref=PAYER.lower())
    assert again.pdf == first.pdf
    assert (again.archived.path, again.archived.created) == (first.archived.path, False)
    assert len(rows(november)) == 1


def test_a_changed_statement_is_a_new_version(november: November) -> None:
    first = printed(november)
    with november.book.write(november.actor.tenant_id) as uow:
        add_payment(uow, november.actor, PAYER, 10_000, dt.date(2026, 11, 20), PaymentMethod.CASH)
    second = printed(november)
    assert second.pdf != first.pdf
    assert second.archived.version == 2
    assert second.archived.path.name == "DLAMINI01-2026-11-01-2026-11-30-2.pdf"
    assert first.archived.path.read_bytes() == first.pdf  # the first copy is kept
    assert len(rows(november)) == 2
    assert printed(november).archived.created is False  # the second is now the one reused


def test_a_lost_copy_is_put_back_by_a_reprint(november: November) -> None:
    first = printed(november)
    first.archived.path.unlink()
    again = printed(november)
    assert again.archived.created is False
    assert first.archived.path.read_bytes() == first.pdf
    assert len(rows(november)) == 1


def test_child_and_open_items_statements_are_archived_apart(november: November) -> None:
    with november.book.read(november.actor.tenant_id) as uow:
        household_id = uow.roster.household_id(PAYER)
        assert household_id is not None
        child_ref = next(
            c.details.child_ref for c in uow.roster.children() if c.household_id == household_id
        )
    household = printed(november)
    child = printed(november, child_ref=child_ref)
    open_items = printed(november, open_items=True)
    names = {p.archived.path.name for p in (household, child, open_items)}
    assert names == {
        "DLAMINI01-2026-11-01-2026-11-30.pdf",
        f"DLAMINI01-2026-11-01-2026-11-30-child-{child_ref}.pdf",
        "DLAMINI01-2026-11-01-2026-11-30-open.pdf",
    }
    assert all(p.archived.created for p in (household, child, open_items))
    assert printed(november, child_ref=child_ref).archived.created is False
    assert printed(november, open_items=True).archived.created is False
    assert len(rows(november)) == 3


def test_a_viewer_may_print_and_archive(november: November) -> None:
    with november.book.write(november.actor.tenant_id) as uow:
        add_user(uow, november.actor, "olive", Role.OWNER_VIEWER, "pw-olive-1", "Olive Owner")
        viewer = acting_user(uow, november.actor.tenant_id, "olive")
    assert printed(november, actor=viewer).archived.created


def test_refusals_change_nothing(november: November, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no household 'NOBODY99'"):
        printed(november, ref="NOBODY99")
    with pytest.raises(NotFoundError, match="no child"):
        printed(november, child_ref="NOCHILD")
    with pytest.raises(RuleViolation, match="open-items"):
        printed(november, child_ref="X", open_items=True)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(UserFacingError, match="cannot write"):
        printed(november, copy_to=blocker / "statement.pdf")
    assert rows(november) == []
    assert not november.book.settings.data_dir.joinpath(*ARCHIVE).exists()


def test_rows_that_cannot_be_written_take_their_files_back(
    november: November, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> list[int]:
        raise RuleViolation("the database said no")

    from crechebooks_desktop.db.repositories.documents import DocumentRepository

    monkeypatch.setattr(DocumentRepository, "add_many", refuse)
    with pytest.raises(RuleViolation):
        printed(november)
    folder = november.book.settings.data_dir.joinpath(*ARCHIVE)
    assert list(folder.iterdir()) == []  # neither the PDF nor a temporary file


def test_a_name_taken_by_a_stray_file_is_skipped(november: November) -> None:
    folder = november.book.settings.data_dir.joinpath(*ARCHIVE)
    folder.mkdir(parents=True)
    stray = folder / "DLAMINI01-2026-11-01-2026-11-30.pdf"
    stray.write_bytes(b"left by a transaction that failed")
    result = printed(november)
    assert result.archived.path.name == "DLAMINI01-2026-11-01-2026-11-30-2.pdf"
    assert stray.read_bytes() == b"left by a transaction that failed"
    assert printed(november).archived.created is False


@needs_pdftotext
def test_the_printed_statement_shows_the_books_figures(november: November, tmp_path: Path) -> None:
    result = printed(november)
    text = " ".join(pdf_text(result.pdf, tmp_path).split())
    statement = result.statement
    assert "Account DLAMINI01" in text
    assert "Period 01 Nov 2026 to 30 Nov 2026" in text
    assert "Payment by EFT: DLAMINI01 NOV -R 3 000,00" in text
    for line in statement.lines:
        assert line.description in text
    assert statement.closing_cents == 210_000
    assert "Closing balance at 30 November 2026 R 2 100,00" in text
    assert "R 0,00 R 2 100,00 R 0,00 R 0,00" in text  # 23 days past due: the 30-day box
    assert "Account number 62812345678" in text
    assert "Use reference: DLAMINI01" in text


def test_statement_keys_and_paths() -> None:
    from tests.unit.exporters.statement_samples import statement

    value = statement()
    assert documents.statement_key(value) == "PRETORIU11-2026-03-01-2026-03-31"
    assert documents.archive_path(Path("/d"), value, 3) == Path(
        "/d/documents/statements/2026/PRETORIU11-2026-03-01-2026-03-31-3.pdf"
    )
    assert documents.safe_name("A/B C:é") == "A_B_C__"
    assert Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == Period(
        value.date_from, value.date_to
    )
