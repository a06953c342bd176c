"""Reading CSV files as tables with line numbers (importers.tabular)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from crechebooks_desktop.domain.enums import FeeType
from crechebooks_desktop.domain.roster import parse_hours
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.tabular import (
    Cells,
    ImportProblem,
    ProblemsError,
    check_columns,
    decode,
    normalise_header,
    parse_table,
    read_table,
    read_text,
)


def test_decode_utf8_with_and_without_bom_and_windows_1252() -> None:
    assert decode("name\nZoë Müller\n".encode(), "f.csv") == "name\nZoë Müller\n"
    assert decode("\ufeffname\nZoë\n".encode(), "f.csv") == "name\nZoë\n"
    assert decode("name\nZoë Müller – R5\n".encode("cp1252"), "f.csv") == "name\nZoë Müller – R5\n"


def test_decode_refuses_what_is_not_text() -> None:
    with pytest.raises(UserFacingError, match=r"f\.csv is not a CSV text file"):
        decode("name\n".encode("utf-16"), "f.csv")
    # 0x81 is undefined in Windows-1252 and not valid UTF-8 on its own.
    with pytest.raises(UserFacingError, match=r"f\.csv is neither UTF-8 nor Windows-1252 text"):
        decode(b"name\n\x81\n", "f.csv")


def test_read_text_names_the_file_as_given(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match=r"^cannot read missing\.csv: No such file"):
        read_text(tmp_path / "missing.csv", "missing.csv")
    path = tmp_path / "ok.csv"
    path.write_bytes("\ufeffa\n1\n".encode())
    assert read_text(path) == "a\n1\n"
    table = read_table(path)
    assert table.file == str(path)


def test_header_is_normalised_and_rows_keep_physical_lines() -> None:
    text = (
        "\r\n"  # a blank first line: the header is on line 2
        " Name , FEE_TYPE,amount,,\r\n"
        "Full Day,FULL_DAY,4500.00,,\r\n"
        ",,,,\r\n"  # a spreadsheet's empty row
        '"Half\nDay",HALF_DAY,"3 200,00"\r\n'  # a quoted value over two lines
        "\r\n"
        "Last,CUSTOM,\r\n"
    )
    table = parse_table(text, "fees.csv")
    assert table.columns == ("name", "fee_type", "amount")
    assert table.header_line == 2
    assert [row.line for row in table.rows] == [3, 5, 8]
    assert table.rows[1].values == {
        "name": "Half\nDay",
        "fee_type": "HALF_DAY",
        "amount": "3 200,00",
    }
    assert table.problems == ()
    assert normalise_header("  Child_DOB ") == "child_dob"


def test_shape_problems() -> None:
    table = parse_table("a,b,a,\n1,2,3,oops\n", "x.csv")
    assert [str(p) for p in table.problems] == [
        "x.csv:1: a: column appears more than once",
        "x.csv:2: column 4: a value under no column (a comma too many, or a missing header)",
    ]
    assert [str(p) for p in parse_table("", "x.csv").problems] == [
        "x.csv:1: file: the file is empty"
    ]
    assert [str(p) for p in parse_table("\n\na,b\n", "x.csv").problems] == [
        "x.csv:3: file: no rows under the header"
    ]


def test_check_columns() -> None:
    table = parse_table("name,colour,amount\nx,red,1\n", "f.csv")
    problems = check_columns(table, ("name", "fee_type", "amount"), ("note",))
    assert [str(p) for p in problems] == [
        "f.csv:1: colour: unknown column (expected: name, fee_type, amount, note)",
        "f.csv:1: fee_type: required column is missing",
    ]
    assert check_columns(parse_table("", "f.csv"), ("name",)) == []


def _cells(header: str, line: str) -> Cells:
    table = parse_table(f"{header}\n{line}\n", "f.csv")
    return Cells(table, table.rows[0])


def test_cells_text() -> None:
    cells = _cells("a,b,c", " x ,,yyyy")
    assert cells.text("a", required=True) == "x"
    assert cells.text("b") is None
    assert cells.ok
    assert cells.text("b", required=True) is None
    assert cells.text("c", max_length=3) is None
    assert [str(p) for p in cells.problems] == [
        "f.csv:2: b: a value is required",
        "f.csv:2: c: too long (4 characters; at most 3)",
    ]
    assert not cells.readable("c")
    assert cells.readable("a")


def test_a_missing_column_is_not_reported_again_on_each_row() -> None:
    cells = _cells("a", "x")
    assert cells.text("b", required=True) is None
    assert cells.problems == []
    assert cells.incomplete
    assert not cells.ok


def test_cells_dates() -> None:
    cells = _cells("a,b,c,d", "2026-01-14,14/01/2026,2026-02-30,20260114")
    assert cells.date("a") == dt.date(2026, 1, 14)
    assert cells.date("b") is None
    assert cells.date("c") is None
    assert cells.date("d") is None
    assert [p.message for p in cells.problems] == [
        "not a date in the form YYYY-MM-DD: '14/01/2026'",
        "2026-02-30 is not a day (February 2026 has 28 days)",
        "not a date in the form YYYY-MM-DD: '20260114'",
    ]


def test_cells_amounts_are_parsed_as_rands_never_floats() -> None:
    cells = _cells("a,b,c,d,e,f,g", 'R4 500.00,"1,234.5",abc,-5.00,0,12.3456,99999999999999999')
    assert cells.cents("a") == 450_000
    assert cells.cents("b") == 123_450
    assert cells.cents("c") is None
    assert cells.cents("d") is None
    assert cells.cents("e") == 0
    assert cells.cents("e", positive=True) is None
    assert cells.cents("f") is None
    assert cells.cents("g") is None
    assert [(p.field, p.message) for p in cells.problems] == [
        ("c", "not an amount: 'abc'"),
        ("d", "must be zero or more, not '-5.00'"),
        ("e", "must be more than zero, not '0'"),
        ("f", "too many decimals in '12.3456' (at most 2)"),
        (
            "g",
            (
                "R 99 999 999 999 999 999,00 is more than the largest amount a book takes "
                "(R 100 000 000,00)"
            ),
        ),
    ]


def test_cells_choice_and_parsed() -> None:
    cells = _cells("t,u,h,i", "full_day,DAILY,40.5,x")
    assert cells.choice("t", FeeType) is FeeType.FULL_DAY
    assert cells.choice("u", FeeType) is None
    assert cells.parsed("h", parse_hours) == Decimal("40.5")
    assert cells.parsed("i", parse_hours) is None
    assert cells.parsed("missing", parse_hours) is None
    assert [p.message for p in cells.problems] == [
        "'DAILY' is not one of FULL_DAY, HALF_DAY, HOURLY or CUSTOM",
        "not a number of hours: 'x'",
    ]


def test_problems_error_is_shared_with_the_domain() -> None:
    problem = ImportProblem("bank.csv", 3, "amount", "not an amount: 'x'")
    assert str(problem) == "bank.csv:3: amount: not an amount: 'x'"
    assert isinstance(ProblemsError([problem], "bank.csv"), UserFacingError)
