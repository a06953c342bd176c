"""Files every importer refuses whole, in a separate process: one clear problem, nothing written.

Each importer (fees, roster, opening balances, bank CSV) is run on a real file
through ``crechebooks``; a refusal exits 1 with the file's problems on stderr
(``FILE:LINE: field: message``), nothing on stdout and no row of the book changed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.roster_support import SAMPLE_ROSTER, sample_creche

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
LONG = "x" * (csv.field_size_limit() + 1)
TOO_LONG = "too long (more than 131,072 characters; is a quote left open?)"


class Setup:
    """A book with a creche (with ``samples``: the sample fees and roster, and a bank
    account ``Cheque``), the files of the test in ``tmp``."""

    def __init__(self, url: str, tmp: Path, cli: Cli, *, samples: bool = True) -> None:
        self.url, self.tmp, self.cli = url, tmp, cli
        sample_creche(url, tmp / "setup-files", samples=samples)

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

    def refused(self, *args: str, code: int = 1) -> list[str]:
        """Run a command that must be refused; its stderr lines, after checking nothing changed."""
        before = self.snapshot()
        result = self.run(*args)
        assert result.code == code, result
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert "internal error" not in result.stderr
        assert self.snapshot() == before
        return list(result.stderr.splitlines())


@pytest.fixture
def setup(book_url: str, tmp_path: Path, cli: Cli) -> Setup:
    return Setup(book_url, tmp_path, cli)


@pytest.fixture
def bare(book_url: str, tmp_path: Path, cli: Cli) -> Setup:
    """A book with a creche and nothing else (for what is refused before the book is read)."""
    return Setup(book_url, tmp_path, cli, samples=False)


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


# --- point 8: names and references on one line ----------------------------------------

ONE_LINE = "it must be one line of text, without control characters"


def _roster_with(old: str, new: str) -> list[str]:
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(old, new)
    return lines


CONTROL_FILES = {
    "roster name": (
        _roster_with("Mrs Priya Naidoo", '"Mrs Priya\nNaidoo"'),
        ("roster", "import"),
        f"4: parent_name: contains a line break; {ONE_LINE}",
    ),
    "roster child": (
        _roster_with("Aarav", "Aa\trav"),
        ("roster", "import"),
        f"4: child_first_name: contains a tab; {ONE_LINE}",
    ),
    "fee name": (
        [
            "name,fee_type,amount,registration_fee,re_registration_fee",
            "Full\u2028Day,FULL_DAY,1,,",
        ],
        ("fees", "import"),
        f"2: name: contains a line break; {ONE_LINE}",
    ),
    "balance reference": (
        ["household_ref,amount,as_of", "DLAMINI01\x1b[2J,100.00,2026-01-01"],
        ("balances", "import"),
        f"2: household_ref: contains a control character (U+001B); {ONE_LINE}",
    ),
}


@pytest.mark.parametrize("case", CONTROL_FILES)
def test_a_file_with_a_control_character_in_a_name_is_refused(setup: Setup, case: str) -> None:
    lines, command, where = CONTROL_FILES[case]
    name = setup.write(f"{case}.csv", lines)
    assert setup.refused(*command, name) == [head(name), f"{name}:{where}"]


CONTROL_OPTIONS = {
    "charge description": (
        "charges add",
        ("--child", "DLAMINI01-1", "--type", "AD_HOC", "--amount", "100", "--date", "2026-03-01"),
        "--description",
        "Zoo\ntrip",
        "a line break",
    ),
    "bank account name": ("bank accounts add", (), "--name", "FNB\tCheque", "a tab"),
    "bank account number": (
        "bank accounts add",
        ("--name", "FNB"),
        "--number",
        "62\r\n123",
        "a line break",
    ),
    "payment reference": (
        "payments add",
        ("--household", "DLAMINI01", "--amount", "100", "--date", "2026-03-01", "--method", "EFT"),
        "--reference",
        "DLAMINI01\u2029",
        "a paragraph break",
    ),
    "invoice line": (
        "invoices new",
        ("--child", "DLAMINI01-1", "--date", "2026-03-01"),
        "--line",
        "UNIFORM:350.00:Winter\njersey",
        "a line break",
    ),
    "user full name": (
        "users add",
        ("bob", "--role", "bookkeeper"),
        "--full-name",
        "Bob\x07",
        "a control character (U+0007)",
    ),
}


@pytest.mark.parametrize("case", CONTROL_OPTIONS)
def test_an_option_with_a_control_character_is_refused_naming_it(bare: Setup, case: str) -> None:
    command, others, option, value, what = CONTROL_OPTIONS[case]
    assert bare.refused(*command.split(), *others, option, value, code=2) == [
        f"crechebooks {command}: error: argument {option}: contains {what}; {ONE_LINE}"
    ]
