"""A CSV value longer than the csv module reads is one problem, not a crash (issue 10)."""

from __future__ import annotations

import csv

import pytest

from crechebooks_desktop.importers.tabular import (
    ProblemsError,
    ValueTooLong,
    csv_records,
    parse_table,
)

LONG = "x" * (csv.field_size_limit() + 1)
MESSAGE = "too long (more than 131,072 characters; is a quote left open?)"


@pytest.mark.parametrize(
    ("record", "position"),
    [
        (f"a,{LONG},c", 1),  # plain
        (f'"a,b","say ""hi""",{LONG}', 2),  # quoted delimiters and doubled quotes before it
        (f'"two\nlines",b"c,"{LONG}', 2),  # a record over two lines; a quote mid-value is text
        (f'a,"never closed\n{LONG}', 1),  # the rest of the file swallowed by an open quote
        (f"{LONG}", 0),
    ],
)
def test_a_value_over_the_limit_names_its_line_and_column(record: str, position: int) -> None:
    text = f"h1,h2,h3\r\n\r\n1,2,3\r\n{record}\r\nlast,row,here\r\n"
    records = csv_records(text, ",")
    assert next(records) == (1, ["h1", "h2", "h3"])
    assert next(records) == (3, ["1", "2", "3"])
    with pytest.raises(ValueTooLong) as raised:
        next(records)
    assert (raised.value.line, raised.value.position) == (4, position)
    assert str(raised.value) == f"line 4: column {position + 1}: {MESSAGE}"


def test_other_delimiters() -> None:
    with pytest.raises(ValueTooLong) as raised:
        list(csv_records(f"a;b;c\n1;2,3;{LONG}\n", ";"))
    assert (raised.value.line, raised.value.position) == (2, 2)


def test_a_table_with_a_value_over_the_limit_is_refused_naming_the_column() -> None:
    with pytest.raises(ProblemsError) as raised:
        parse_table(f"name,note\nok,fine\nbad,{LONG}\n", "f.csv")
    assert [str(p) for p in raised.value.problems] == [f"f.csv:3: note: {MESSAGE}"]
    with pytest.raises(ProblemsError) as raised:
        parse_table(f"name\nok,x\nbad,{LONG}\n", "f.csv")  # beyond the header
    assert [str(p) for p in raised.value.problems] == [f"f.csv:3: column 2: {MESSAGE}"]
    with pytest.raises(ProblemsError) as raised:
        parse_table(f"name,{LONG}\n", "f.csv")  # in the header itself
    assert [str(p) for p in raised.value.problems] == [f"f.csv:1: column 2: {MESSAGE}"]
