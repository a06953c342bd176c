"""The command line's plain-text tables: a header, widths from the content, money right."""

from __future__ import annotations

from crechebooks_desktop.cli.table import money, number, print_table, table_lines, text


def test_every_table_has_a_header_and_aligns_its_columns() -> None:
    rows = [("INV-1", "ADAMS01", 485000, 7), ("INV-22", None, -5000, 12)]
    columns = (
        text("invoice", lambda r: r[0]),
        money("total", lambda r: r[2]),
        number("days", lambda r: r[3]),
        text("household", lambda r: r[1]),
    )
    assert table_lines(columns, rows) == [
        "invoice       total  days  household",
        "INV-1    R 4 850,00     7  ADAMS01",
        "INV-22     -R 50,00    12",
    ]


def test_an_empty_table_still_names_its_columns(capsys) -> None:
    print_table((text("user", str), text("role", str)), [])
    assert capsys.readouterr().out == "user  role\n"


def test_a_header_wider_than_its_values_sets_the_width() -> None:
    lines = table_lines((number("registration", lambda r: r), text("x", lambda _r: "a")), [5])
    assert lines == ["registration  x", "           5  a"]
