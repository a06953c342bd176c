"""Saved CSV profiles end to end (issue 14): ``bank profiles ...`` and ``bank import --profile``.

A creche with one bank account ``Cheque``; the statements are the golden files
of ``tests/golden/mapped``, layouts no built-in profile reads. Each refusal is
one line on stderr, exit 1, and leaves every table as it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.importers.bank.layouts import builtin_names
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.settings import Settings
from tests.billing_fixtures import new_creche

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
GOLDEN = Path(__file__).parents[1] / "golden" / "mapped"
ZERO = (
    "--date", "Dated", "--date-format", "yyyy/mm/dd", "--money-in", "Inflow (ZAR)",
    "--money-out", "Outflow (ZAR)", "--description", "Narration,Other Party",
    "--balance", "Running Total", "--skip-lines", "5",
)  # fmt: skip
NO_HEADER = (
    "--date", "1", "--date-format", "DD MMM YYYY", "--amount", "4", "--fee", "5",
    "--balance", "6", "--description", "2,3", "--skip-lines", "2", "--no-header",
)  # fmt: skip


class Office:
    """A book with a creche and its bank account ``Cheque``; the statements copied beside it."""

    def __init__(self, url: str, tmp: Path, cli: Cli) -> None:
        self.url, self.tmp, self.cli = url, tmp, cli
        book, _ = Book.open(Settings(url, tmp / "setup-files"))
        try:
            settings, actor = new_creche(book)
            with book.write(settings.tenant_id) as uow:
                bank.add_account(uow, actor, "Cheque", "other")
        finally:
            book.close()
        for path in GOLDEN.glob("*.csv"):
            shutil.copy(path, tmp / path.name)

    def run(self, *args: str) -> Any:
        return self.cli("--db", self.url, *args)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.code == 0, result
        assert "Traceback" not in result.stderr
        return str(result.stdout)

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def snapshot(self) -> dict[str, list[str]]:
        book, _ = Book.open(Settings(self.url, self.tmp / "setup-files"))
        try:
            with book.engine.connect() as conn:
                return {
                    name: sorted(map(repr, conn.execute(text(f"SELECT * FROM {name}")).all()))
                    for name in sorted(inspect(conn).get_table_names())
                }
        finally:
            book.close()

    def refused(self, *args: str) -> str:
        """The one line a refused command says, after checking that it changed nothing."""
        before = self.snapshot()
        result = self.run(*args)
        assert result.code == 1, result
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert self.snapshot() == before
        return str(result.stderr.strip().removeprefix("crechebooks: error: "))


@pytest.fixture
def office(book_url: str, tmp_path: Path, cli: Cli) -> Office:
    return Office(book_url, tmp_path, cli)


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.expected.json").read_text())
    return data


def _imported_as_expected(result: dict[str, Any], name: str) -> None:
    """Counts, sums and dates of an import against the golden file's expectation."""
    expected = _expected(name)
    amounts = [line["amount_cents"] for line in result["lines"]]
    dates = [line["date"] for line in result["lines"]]
    assert (result["imported"], result["duplicates"]) == (expected["line_count"], 0)
    assert sum(a for a in amounts if a > 0) == expected["money_in_cents"]
    assert sum(a for a in amounts if a < 0) == expected["money_out_cents"]
    assert (min(dates), max(dates)) == (expected["first_date"], expected["last_date"])


def test_a_profile_saved_from_a_file_is_recognised_and_one_by_name_is_chosen(
    office: Office,
) -> None:
    said = office.ok(
        "bank", "profiles", "add", "Zero Cheque", *ZERO, "--from-file", "inflow-outflow.csv"
    )
    columns = (
        "date Dated (YYYY/MM/DD), in Inflow (ZAR), out Outflow (ZAR), "
        "description Narration+Other Party, balance Running Total, skip 5"
    )
    assert said.splitlines() == [
        f"saved CSV profile Zero Cheque: {columns}",
        "  files with the header of inflow-outflow.csv are read with it",
    ]
    imported = office.json("bank", "import", "inflow-outflow.csv", "--account", "Cheque")
    assert (imported["format"], imported["profile"]) == ("csv", "Zero Cheque")
    _imported_as_expected(imported, "inflow-outflow.csv")
    again = office.ok("bank", "import", "inflow-outflow.csv", "--account", "cheque")
    assert (
        "inflow-outflow.csv (csv, Zero Cheque) into Cheque: 0 line(s) imported, 12 already" in again
    )

    said = office.ok("bank", "profiles", "add", "No Header", *NO_HEADER)
    assert said.splitlines()[1] == (
        "  use it with: crechebooks bank import FILE --account NAME --profile 'No Header'"
    )
    # Not recognised: a file without a header can only be named.
    assert "no header row of a bank statement" in office.refused(
        "bank", "import", "no-header.csv", "--account", "Cheque"
    )
    imported = office.json(
        "bank", "import", "no-header.csv", "--account", "Cheque", "--profile", "NO HEADER"
    )
    assert imported["profile"] == "No Header"
    _imported_as_expected(imported, "no-header.csv")
    fees = [line for line in imported["lines"] if line["description"].startswith("FEE: ")]
    assert [f["amount_cents"] for f in fees] == [-1_000, -750]

    listed = office.json("bank", "profiles", "list")
    assert listed["builtin"] == list(builtin_names())
    assert [(p["name"], p["recognised"], p["created_by"]) for p in listed["profiles"]] == [
        ("No Header", False, "admin"),
        ("Zero Cheque", True, "admin"),
    ]
    zero = listed["profiles"][1]["mapping"]
    assert zero["header"][:2] == ["dated", "narration"]
    assert zero["description"] == ["Narration", "Other Party"]
    table = office.ok("bank", "profiles", "list").splitlines()
    assert table[0].split() == ["name", "used", "saved", "columns"]
    assert table[1].startswith("No Header    by name only")
    assert table[-1] == f"2 saved profile(s); built-in: {', '.join(builtin_names())}"

    removed = office.ok("bank", "profiles", "remove", "zero cheque")
    assert removed.startswith("removed CSV profile Zero Cheque")
    assert office.refused("bank", "profiles", "remove", "Zero Cheque") == (
        "no saved CSV profile named 'Zero Cheque' (saved: No Header)"
    )
    assert [p["name"] for p in office.json("bank", "profiles", "list")["profiles"]] == ["No Header"]


@pytest.mark.parametrize("backend", ["sqlite"])  # the services are tested on both
def test_bad_profiles_are_refused_in_one_line(office: Office) -> None:
    office.ok("bank", "profiles", "add", "Zero Cheque", *ZERO, "--from-file", "inflow-outflow.csv")
    add = ("bank", "profiles", "add")
    assert office.refused(*add, "Other", *ZERO[:2], "--date-format", "D/M/Y", *ZERO[4:]) == (
        "the mapping 'Other' cannot be used: date format 'D/M/Y' is not one of DD/MM/YYYY, "
        "YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, DD-MM-YYYY, DD.MM.YYYY, DD MMM YYYY, MM/DD/YYYY"
    )
    assert office.refused(*add, "Other", *ZERO, "--amount", "Amount") == (
        "the mapping 'Other' cannot be used: give an amount column, or money in and money out, "
        "not both"
    )
    assert office.refused(*add, "zero cheque", *NO_HEADER) == (
        "there is already a saved CSV profile named 'Zero Cheque'"
    )
    assert office.refused(*add, "Capitec", *NO_HEADER) == (
        f"'Capitec' is the name of a built-in profile ({', '.join(builtin_names())}); "
        "give the mapping another name"
    )
    lacking = ("--balance", "Closing Balance", "--from-file", "inflow-outflow.csv")
    assert office.refused(*add, "Other", *ZERO[:-4], *lacking, "--skip-lines", "5") == (
        "inflow-outflow.csv: the mapping names a column 'Closing Balance' that the file does "
        "not have (its columns: Dated, Narration, Other Party, Outflow (ZAR), Inflow (ZAR), "
        "Running Total)"
    )
    wrong_dates = ("--date-format", "DD/MM/YYYY", "--from-file", "inflow-outflow.csv")
    assert office.refused(*add, "Other", *ZERO[:2], *wrong_dates, *ZERO[4:]) == (
        "the mapping 'Other' does not read inflow-outflow.csv (12 problems; the first: "
        "inflow-outflow.csv:7: Dated: '2026/10/23' is not a date in the form the "
        "mapping gives); nothing was saved"
    )
    assert office.refused(*add, "Other", *NO_HEADER, "--skip-lines=-2") == (
        "--skip-lines: give a number of lines, 0 or more (got '-2')"
    )
    assert office.refused(*add, "Other", *NO_HEADER[:-1], "--from-file", "missing.csv") == (
        "missing.csv: no such file"
    )
    assert office.refused(*add, "Zero Again", *ZERO, "--from-file", "inflow-outflow.csv") == (
        "files with this header are read with the saved CSV profile 'Zero Cheque' already; "
        "remove it first to map them differently"
    )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_unknown_profile_names_the_built_in_and_saved_ones(office: Office) -> None:
    assert office.refused(
        "bank", "import", "no-header.csv", "--account", "Cheque", "--profile", "Old Layout"
    ) == (
        f"no CSV profile named 'Old Layout'; the built-in ones are {', '.join(builtin_names())}; "
        "saved ones: none yet (crechebooks bank profiles add)"
    )
    office.ok("bank", "profiles", "add", "No Header", *NO_HEADER)
    assert office.refused(
        "bank", "import", "no-header.csv", "--account", "Cheque", "--profile", "Old Layout"
    ).endswith("saved ones: No Header")
    fnb = office.tmp / "fnb.csv"
    fnb.write_text("Date,Amount,Balance,Description\n03/10/2026,4850.00,4850.00,FEES\n")
    imported = office.json("bank", "import", "fnb.csv", "--account", "Cheque", "--profile", "FNB")
    assert (imported["profile"], imported["imported"]) == ("fnb", 1)
