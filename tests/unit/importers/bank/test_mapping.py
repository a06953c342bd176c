"""Column mappings (issue 14): the mapping step's pieces, saved layouts, and golden files.

The golden files in ``tests/golden/mapped`` are layouts no built-in profile
reads; each is read with the mapping its ``.expected.json`` gives, and must
give the counts, sums, dates and balances written there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.domain.column_mapping import ColumnMapping
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.importers.bank.layouts import (
    builtin_names,
    read_statement_using,
    resolve,
)
from crechebooks_desktop.importers.bank.mapping import (
    MAX_SKIP_LINES,
    from_roles,
    guess_date_format,
    head,
    read_mapped,
    recognise,
    sample,
)

GOLDEN = Path(__file__).parents[3] / "golden" / "mapped"
FILES = sorted(GOLDEN.glob("*.csv"))


def _expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_name(path.name + ".expected.json").read_text())
    return data


def _saved(path: Path) -> ColumnMapping:
    """The file's mapping as saving it keeps it: with the header, when it has one."""
    mapping = ColumnMapping.from_json(_expected(path)["mapping"])
    found = sample(path.read_bytes(), path.name, mapping.skip_lines, mapping.has_header)
    return ColumnMapping.from_json({**mapping.as_json(), "header": list(found.header_keys)})


def _figures(statement: Statement) -> dict[str, Any]:
    lines = statement.lines
    oldest = min(lines, key=lambda line: (line.date, -line.line_no))
    return {
        "line_count": len(lines),
        "credits": sum(1 for line in lines if line.amount_cents > 0),
        "money_in_cents": sum(line.amount_cents for line in lines if line.amount_cents > 0),
        "money_out_cents": sum(line.amount_cents for line in lines if line.amount_cents < 0),
        "first_date": min(line.date for line in lines).isoformat(),
        "last_date": max(line.date for line in lines).isoformat(),
        "opening_balance_cents": statement.opening_balance_cents,
        "closing_balance_cents": statement.closing_balance_cents,
        "warnings": list(statement.warnings),
        "oldest_line": {
            "line_no": oldest.line_no,
            "date": oldest.date.isoformat(),
            "amount_cents": oldest.amount_cents,
            "description": oldest.description,
            "balance_cents": oldest.balance_cents,
        },
    }


def test_the_golden_files_are_here() -> None:
    assert [p.name for p in FILES] == ["inflow-outflow.csv", "no-header.csv"]
    assert (GOLDEN / "README.md").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_built_in_profile_reads_the_golden_file(path: Path) -> None:
    with pytest.raises(UserFacingError, match="no header row of a bank statement"):
        read_statement(path.read_bytes(), path.name)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_golden_file_reads_with_its_mapping_as_expected(path: Path) -> None:
    expected = _expected(path)
    mapping = ColumnMapping.from_json(expected["mapping"])
    assert mapping.problems() == []
    statement = read_mapped(path.read_bytes(), path.name, mapping, "golden")
    assert (statement.file_format, statement.profile) == ("csv", "golden")
    assert _figures(statement) == {k: v for k, v in expected.items() if k != "mapping"}
    opening, closing = statement.opening_balance_cents, statement.closing_balance_cents
    assert opening is not None
    assert opening + sum(line.amount_cents for line in statement.lines) == closing


def test_fees_become_lines_of_their_own_after_their_transaction() -> None:
    path = GOLDEN / "no-header.csv"
    statement = read_mapped(path.read_bytes(), path.name, _saved(path), "golden")
    atm = [line for line in statement.lines if line.line_no == 4]
    assert [(x.amount_cents, x.description, x.balance_cents) for x in atm] == [
        (-50_000, "ATM CASH | SANDTON", None),
        (-1_000, "FEE: ATM CASH | SANDTON", 534_000),
    ]


def test_a_saved_header_is_recognised_and_read_before_the_built_in_profiles() -> None:
    path = GOLDEN / "inflow-outflow.csv"
    data = path.read_bytes()
    saved = {"Zero Cheque": _saved(path)}
    assert saved["Zero Cheque"].header[0] == "dated"
    assert recognise(data, path.name, saved) == "Zero Cheque"
    statement = read_statement_using(data, path.name, saved=saved)
    assert statement.profile == "Zero Cheque"
    assert _figures(statement)["line_count"] == _expected(path)["line_count"]
    # A file with a header a built-in profile reads, and a saved mapping with that header:
    # the saved mapping is what the creche said, so it wins.
    fnb = b"Date,Amount,Balance,Description\n03/10/2026,4850.00,4850.00,FEES\n"
    mapping = ColumnMapping(
        "Date", "DD/MM/YYYY", ("Description",), amount="Amount", header=("date", "amount")
    )
    mine = ColumnMapping.from_json(
        {**mapping.as_json(), "header": ["date", "amount", "balance", "description"]}
    )
    assert read_statement_using(fnb, "fnb.csv", saved={"Mine": mine}).profile == "Mine"
    assert read_statement_using(fnb, "fnb.csv", saved={"Other": mapping}).profile == "fnb"


def test_a_profile_is_named_without_regard_to_case_built_in_or_saved() -> None:
    path = GOLDEN / "no-header.csv"
    saved = {"No Header": _saved(path)}
    assert saved["No Header"].header == ()  # chosen by name only
    assert recognise(path.read_bytes(), path.name, saved) is None
    statement = read_statement_using(path.read_bytes(), path.name, profile="no header", saved=saved)
    assert statement.profile == "No Header"
    assert resolve("FNB", saved) == ("fnb", None)
    assert resolve(" Standard-Bank ", saved) == ("standard-bank", None)
    assert resolve("Standard Bank", saved) == ("standard-bank", None)
    assert resolve("NO HEADER", saved) == (None, "No Header")
    fnb = b"Date,Amount,Balance,Description\n03/10/2026,4850.00,4850.00,FEES\n"
    assert read_statement_using(fnb, "x.csv", profile="Capitec", saved=saved).profile == "capitec"


def test_an_unknown_profile_names_the_built_in_and_saved_ones() -> None:
    with pytest.raises(UserFacingError) as caught:
        resolve("old layout", {"Cell Bank": _saved(GOLDEN / "no-header.csv")})
    assert str(caught.value) == (
        f"no CSV profile named 'old layout'; the built-in ones are {', '.join(builtin_names())}; "
        "saved ones: Cell Bank"
    )
    with pytest.raises(UserFacingError, match="saved ones: none yet"):
        resolve("old layout", {})
    assert set(builtin_names()) >= {"fnb", "absa", "standard-bank", "nedbank", "capitec"}


def test_a_saved_profile_does_not_read_an_ofx_file() -> None:
    ofx = next((GOLDEN.parent / "bankfiles").glob("*.ofx"))
    saved = {"Mine": _saved(GOLDEN / "inflow-outflow.csv")}
    statement = read_statement_using(ofx.read_bytes(), ofx.name, profile="mine", saved=saved)
    assert (statement.file_format, statement.profile) == ("ofx", None)


# -- the mapping step's pieces ---------------------------------------------------------------


def test_sample_keeps_the_header_apart_from_the_padded_names() -> None:
    data = b"pre\nDate,Text,Amount\n01/10/2026,A,1.00,extra\n"
    found = sample(data, "x.csv", skip_lines=1)
    assert found.names == ("Date", "Text", "Amount", "Column 4")
    assert found.header == ("Date", "Text", "Amount")
    assert found.header_keys == ("date", "text", "amount")
    assert found.rows == ((3, ("01/10/2026", "A", "1.00", "extra")),)
    bare = sample(data, "x.csv", skip_lines=2, has_header=False)
    assert (bare.header, bare.names[0]) == ((), "Column 1")


def test_roles_make_a_mapping_by_header_text_or_number() -> None:
    found = sample(b"Date,Details,Details,In,Out,2026\n01/10/2026,A,B,1.00,,5\n", "x.csv")
    roles = ["date", "description", "description", "money in", "money out", "balance"]
    mapping, problems = from_roles(roles, found, "DD/MM/YYYY", 0, has_header=True)
    assert problems == []
    assert mapping == ColumnMapping(
        date="Date",
        date_format="DD/MM/YYYY",
        description=("2", "3"),  # two columns with one name: by number
        money_in="In",
        money_out="Out",
        balance="6",  # a header that is a number: by number
        header=("date", "details", "details", "in", "out", "2026"),
    )
    without, problems = from_roles(roles, found, "DD/MM/YYYY", 0, has_header=False)
    assert problems == []
    assert without is not None
    assert (without.date, without.money_in, without.header) == ("1", "4", ())


def test_roles_that_make_no_usable_mapping_say_why() -> None:
    found = sample(b"Date,Text,A,B\n01/10/2026,x,1.00,2.00\n", "x.csv")
    mapping, problems = from_roles(
        ["ignore", "description", "amount", "amount"], found, "DD/MM/YYYY", 0, has_header=True
    )
    assert mapping is None
    assert problems == ["choose the date column", "2 columns are the amount: choose one"]
    mapping, problems = from_roles(
        ["date", "ignore", "money in", "ignore"], found, "DD/MM/YYYY", 0, has_header=True
    )
    assert mapping is not None
    assert problems == [
        "no description column",
        "no amount column (or money in and money out columns)",
    ]


def test_without_a_header_columns_must_be_numbers() -> None:
    mapping = ColumnMapping("Date", "DD/MM/YYYY", ("2",), amount="3", has_header=False)
    assert mapping.problems() == [
        "without a header row, columns are given by number (1 is the first), not 'Date'"
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["03/10/2026", "23/10/2026"], "DD/MM/YYYY"),
        (["2026/10/03"], "YYYY/MM/DD"),
        (["03 Nov 2026", " 21 Nov 2026 "], "DD MMM YYYY"),
        (["10/23/2026"], "MM/DD/YYYY"),
        (["20261003"], "YYYYMMDD"),
        (["yesterday"], None),
        ([""], None),
    ],
)
def test_the_date_format_is_guessed_from_the_column(values: list[str], expected: str) -> None:
    assert guess_date_format(values) == expected


def test_head_is_the_first_lines_as_utf8_with_their_numbers() -> None:
    rows = [f"2026-10-{1 + i % 28:02d},caf\xe9 {i},{i}.00" for i in range(600)]
    data = ("Date,Text,Amount\n" + "\n".join(rows) + "\n").encode("cp1252")
    cut = head(data, "x.csv")
    text = cut.decode("utf-8")
    assert text.count("\n") == MAX_SKIP_LINES + 200 + 1
    assert data.decode("cp1252").startswith(text)
    mapping = ColumnMapping("Date", "YYYY-MM-DD", ("Text",), amount="Amount")
    assert read_mapped(cut, "x.csv", mapping, "x").lines[-1].line_no == MAX_SKIP_LINES + 200 + 1


def test_a_mapping_says_every_problem_of_its_own() -> None:
    mapping = ColumnMapping("Date", "DD/MM/YYYY", ("Text", "Date"), amount="Amount", skip_lines=-1)
    assert mapping.problems() == [
        "lines to skip cannot be negative",
        "column 'Date' is given two meanings",
    ]


def test_an_explicit_csv_format_reads_with_the_saved_header_too() -> None:
    path = GOLDEN / "inflow-outflow.csv"
    saved = {"Zero Cheque": _saved(path)}
    statement = read_statement_using(path.read_bytes(), path.name, file_format="csv", saved=saved)
    assert statement.profile == "Zero Cheque"


def test_a_file_without_a_header_names_its_columns_by_number() -> None:
    mapping = ColumnMapping.from_json(_expected(GOLDEN / "no-header.csv")["mapping"])
    # Balances that leave the fees out: the fees are charged later, and the note names
    # the fee column by its number (a file without a header has no names of its own).
    rows = [
        "Statement for account 1234567890",
        "Downloaded 2026-11-30 08:15",
        '03 Nov 2026,"ATM CASH","SANDTON",-500.00,10.00,500.00',
        '06 Nov 2026,"PAYMENT RECEIVED","NAIDOO02",3500.00,,4000.00',
        '09 Nov 2026,"DEBIT ORDER","DSTV",-899.00,7.50,3101.00',
    ]
    statement = read_mapped("\n".join(rows).encode(), "x.csv", mapping, "x")
    assert [line.amount_cents for line in statement.lines] == [-50_000, 350_000, -89_900]
    note = (
        "x.csv: the 'Column 5' column's fees are charged later as lines of their own, "
        "so they were not taken off at their lines"
    )
    assert statement.warnings == (note,)
    rows[3] = rows[3].replace("3500.00", "lots")
    with pytest.raises(ProblemsError) as caught:
        read_mapped("\n".join(rows).encode(), "x.csv", mapping, "x")
    assert [str(p) for p in caught.value.problems] == ["x.csv:4: Column 4: not an amount: 'lots'"]
