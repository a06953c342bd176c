"""Files every importer refuses whole, in a separate process: one clear problem, nothing written.

Each importer (fees, roster, opening balances, bank CSV) is run on a real file
through ``crechebooks``; a refusal exits 1 with the file's problems on stderr
(``FILE:LINE: field: message``), nothing on stdout and no row of the book changed.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.services.creches import init_creche
from crechebooks_desktop.settings import Settings
from tests.roster_support import SAMPLE_FEES, SAMPLE_ROSTER

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
LONG = "x" * (csv.field_size_limit() + 1)
TOO_LONG = "too long (more than 131,072 characters; is a quote left open?)"


class Setup:
    """A book with the sample fees and roster and a bank account ``Cheque``, files in ``tmp``."""

    def __init__(self, url: str, tmp: Path, cli: Cli) -> None:
        self.url, self.tmp, self.cli = url, tmp, cli
        book, _ = Book.open(Settings(url, tmp / "setup-files"))
        try:
            with book.write() as uow:
                init_creche(uow, NewCreche(name="Acorns", admin_password="pw"))
        finally:
            book.close()
        shutil.copy(SAMPLE_FEES, tmp / "fees.csv")
        shutil.copy(SAMPLE_ROSTER, tmp / "roster.csv")
        for command in (
            ("fees", "import", "fees.csv"),
            ("roster", "import", "roster.csv"),
            ("bank", "accounts", "add", "--name", "Cheque"),
        ):
            ok(self.run(*command))

    def run(self, *args: str) -> Any:
        return self.cli("--db", self.url, *args)

    def write(self, name: str, lines: list[str]) -> str:
        (self.tmp / name).write_bytes("\r\n".join([*lines, ""]).encode("utf-8"))
        return name

    def snapshot(self) -> dict[str, Any]:
        """Every table's rows, to show that a refusal wrote nothing at all."""
        book, _ = Book.open(Settings(self.url, self.tmp / "setup-files"))
        try:
            with book.engine.connect() as conn:
                names = sorted(inspect(conn).get_table_names())
                return {
                    name: sorted(map(repr, conn.execute(text(f"SELECT * FROM {name}")).all()))
                    for name in names
                }
        finally:
            book.close()

    def refused(self, *args: str) -> list[str]:
        """Run a command that must be refused; its stderr lines, after checking nothing changed."""
        before = self.snapshot()
        result = self.run(*args)
        assert result.code == 1, result
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert "internal error" not in result.stderr
        assert self.snapshot() == before
        return list(result.stderr.splitlines())


@pytest.fixture
def setup(book_url: str, tmp_path: Path, cli: Cli) -> Setup:
    return Setup(book_url, tmp_path, cli)


def ok(result: Any) -> str:
    assert result.code == 0, result
    assert "Traceback" not in result.stderr
    return str(result.stdout)


def head(file: str) -> str:
    return f"crechebooks: error: {file} was not imported (1 problem); nothing was changed"


# --- point 6: a value longer than the csv module reads --------------------------------


def _long_roster() -> list[str]:
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("Mrs Priya Naidoo", f'"{LONG}"')
    return lines


LONG_FILES = {
    "fees": (
        ["name,fee_type,amount,registration_fee,re_registration_fee", f"{LONG},FULL_DAY,1,,"],
        ("fees", "import"),
        "2: name",
    ),
    "roster": (_long_roster(), ("roster", "import"), "4: parent_name"),
    "balances": (
        ["household_ref,amount,as_of", "DLAMINI01,100.00,2026-01-01", LONG],
        ("balances", "import"),
        "3: household_ref",
    ),
    # A quote never closed: the rest of the file is one value, from the line it opens on.
    "bank": (
        [
            "Date,Description,Amount",
            "2026-03-01,Opening deposit,100.00",
            '2026-03-02,"Payment DLAMINI01,200.00',
            *[f"2026-03-03,line {n},1.00" for n in range(5_000)],
        ],
        ("bank", "import", "--account", "Cheque"),
        "3: Description",
    ),
    "bank header": (
        [f"Date,Description,Amount,{LONG}", "2026-03-01,Deposit,100.00"],
        ("bank", "import", "--account", "Cheque"),
        "1: column 4",
    ),
}


@pytest.mark.parametrize("case", LONG_FILES)
def test_every_importer_refuses_a_value_over_the_csv_limit(setup: Setup, case: str) -> None:
    lines, command, where = LONG_FILES[case]
    name = setup.write(f"{case} long.csv", lines)
    assert setup.refused(*command, name) == [head(name), f"{name}:{where}: {TOO_LONG}"]


# --- point 7: rows of one household that disagree -------------------------------------


def test_a_roster_whose_household_rows_disagree_is_refused(setup: Setup) -> None:
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("DLAMINI01,Mrs Nomsa Dlamini,")  # the household's second child
    lines[2] = lines[2].replace("Mrs Nomsa Dlamini", "N Dlamini").replace("082 555 0101", "")
    lines[2] = lines[2].replace("nomsa.dlamini@gmail.com", "NOMSA.DLAMINI@gmail.com")
    name = setup.write("roster changed.csv", lines)
    assert setup.refused("roster", "import", name) == [
        head(name),
        f"{name}:3: parent_name: DLAMINI01 is 'Mrs Nomsa Dlamini' on line 2 but 'N Dlamini' here",
    ]
