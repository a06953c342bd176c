"""The import dialogs' jobs, without a window, on both backends.

A preview lists exactly the problems the command line's path (read the file,
then the service) refuses with, and writes nothing; an import of the rows
previewed is the service's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.importers import balances_csv, roster_csv
from crechebooks_desktop.services.roster.file_import import import_roster
from crechebooks_desktop.ui.ops import Workplace
from crechebooks_desktop.ui.roster_import import jobs
from tests.roster_support import ROSTER_HEADER, load_samples, snapshot, write_csv


@pytest.fixture
def workplace(creche: tuple[CrecheSettings, Actor]) -> Workplace:
    """The creche's admin at work."""
    settings, actor = creche
    return Workplace("test", settings, actor)


def test_a_preview_lists_what_the_command_line_refuses_with(
    book: Book, workplace: Workplace, tmp_path: Path
) -> None:
    load_samples(book, workplace.actor)
    path = write_csv(
        tmp_path / "roster.csv",
        [
            ROSTER_HEADER,
            "ZULU11,Mrs Busi Zulu,,,ZULU11-1,Musa,Zulu,2022-13-01,Nappies,2026-02-02,",
            "ZULU11,Mrs Busi Zulu,,,DLAMINI01-1,Zoe,Zulu,2023-01-01,Weekly,2026-02-02,",
        ],
    )
    before = snapshot(book)

    previewed = jobs.preview(book, workplace, "roster", path)

    parsed = roster_csv.read_roster(path, "roster.csv")
    with pytest.raises(ProblemsError) as refused, book.write(workplace.creche.tenant_id) as uow:
        import_roster(uow, workplace.actor, parsed.rows, parsed.file, parsed.problems)
    assert previewed.problems == refused.value.problems
    assert {p.field for p in previewed.problems} >= {"child_dob", "child_ref", "fee_name"}
    assert previewed.columns[:3] == ("household_ref", "parent_name", "parent_email")
    assert previewed.row_count == 2
    assert snapshot(book) == before


def test_a_good_file_previews_clean_and_imports(
    book: Book, workplace: Workplace, household: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "balances.csv", ["household_ref,amount,as_of", "dlamini01,1500.00,2026-01-31"]
    )
    previewed = jobs.preview(book, workplace, "balances", path)
    assert previewed.problems == ()
    assert previewed.rows == (("dlamini01", "1500.00", "2026-01-31"),)
    assert previewed.parsed == balances_csv.read_balances(path, "balances.csv")

    done = jobs.import_file(book, workplace, "balances", previewed)

    assert [(b.household_ref, b.amount_cents) for b in done] == [("DLAMINI01", 150_000)]
    # The same file again: the book now refuses it, as the command line would.
    again = jobs.preview(book, workplace, "balances", path)
    assert [p.message for p in again.problems] == [
        "DLAMINI01 already has an opening balance; correct it with 'adjust' instead"
    ]
    with pytest.raises(ProblemsError):
        jobs.import_file(book, workplace, "balances", previewed)
