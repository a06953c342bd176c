"""Real statement PDFs (tests/golden/statements-pdf, see SOURCES.md) read by the generic reader.

Each is compared with the expected values published beside it: every line's
date, amount and description, the count and the sums, the opening and
closing balances and the period.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.importers.bank import read_statement

GOLDEN = Path(__file__).parents[3] / "golden" / "statements-pdf"
POSTBANK = "stan_PB_KAZ_KtoNr_9999999999_06-04-2017_1200"


def _cents(text: str | float) -> int:
    return int(Decimal(str(text)) * 100)


def _read(name: str) -> Statement:
    return read_statement((GOLDEN / name).read_bytes(), name)


def test_postbank_demo_statement_imports_exactly() -> None:
    statement = _read(f"{POSTBANK}.pdf")
    with (GOLDEN / f"{POSTBANK}-expected.csv").open(encoding="utf-8") as handle:
        expected = list(csv.reader(handle))
    summary = json.loads((GOLDEN / f"{POSTBANK}-expected.json").read_text(encoding="utf-8"))
    assert (statement.file_format, statement.profile) == ("pdf", "generic")
    assert [(line.date.isoformat(), line.amount_cents) for line in statement.lines] == [
        (row[1], _cents(row[4])) for row in expected
    ]
    for line, row in zip(statement.lines, expected, strict=True):
        # stan joins the booking's lines with " / " and reads the "Muster" watermark into one.
        parts = [part.strip() for part in row[3].split(" / ") if part != "Muster"]
        assert line.description.split() == " ".join(parts).split()
    assert statement.opening_balance_cents == _cents(summary["balanceOld"])
    assert statement.closing_balance_cents == _cents(summary["balanceNew"])
    assert sum(line.amount_cents for line in statement.lines if line.amount_cents > 0) == _cents(
        summary["sumIn"]
    )
    assert sum(line.amount_cents for line in statement.lines if line.amount_cents < 0) == _cents(
        summary["sumOut"]
    )
    assert (statement.period_start, statement.period_end) == (
        dt.date.fromisoformat(summary["fromDate"]),
        dt.date.fromisoformat(summary["toDate"]),
    )
    assert statement.warnings == ()


@pytest.mark.parametrize(
    ("name", "opening", "closing", "lines"),
    [
        # The values stan's IngPdfParserFunTest.kt asserts for these statements.
        (
            "stan_Girokonto_5434805604_Kontoauszug_20220104.pdf",
            -68368,
            -71736,
            [("2021-12-07", 18368), ("2021-12-09", -20590), ("2021-12-30", -1146)],
        ),
        (
            "stan_Girokonto_5434805604_Kontoauszug_20220302.pdf",
            -71736,
            -70590,
            [("2022-02-14", 21736), ("2022-02-28", -20590)],
        ),
    ],
)
def test_ing_statements_import_exactly(
    name: str, opening: int, closing: int, lines: list[tuple[str, int]]
) -> None:
    statement = _read(name)
    assert [(line.date.isoformat(), line.amount_cents) for line in statement.lines] == lines
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (opening, closing)
    assert statement.lines[0].description.startswith("Gutschrift RANDI IMAD ZAKARIA Referenz:")
    assert "Entgelt5,90EUR" in statement.lines[1].description.replace(" ", "")


def test_card_statement_imports_with_money_in_positive() -> None:
    statement = _read("monopoly_example_statement.pdf")
    with (GOLDEN / "monopoly_example_statement-expected-transformed.csv").open() as handle:
        expected = list(csv.DictReader(handle))
    previous, rows = expected[0], expected[1:]
    assert previous["description"] == "LAST MONTH'S BALANCE"
    assert statement.opening_balance_cents == _cents(previous["amount"])
    assert [(line.date.isoformat(), line.amount_cents) for line in statement.lines] == [
        (row["date"], _cents(row["amount"])) for row in rows
    ]
    assert len(statement.lines) == 52
    # TOTAL AMOUNT DUE 702.10 is owed: the balance after the lines is -702.10.
    assert statement.closing_balance_cents == -70210
    assert sum(line.amount_cents for line in statement.lines) == -70210 - _cents(previous["amount"])
    same = [
        line.description == row["description"]
        for line, row in zip(statement.lines, rows, strict=True)
    ]
    assert same.count(False) <= 1  # the statement prints "-1234 SNOWY MART"; monopoly drops "-1234"
    where = "monopoly_example_statement.pdf:page 2"
    assert statement.warnings == (
        f"{where}, line 25: a total line was skipped: 'SUBTOTAL 702.10'",
        f"{where}, line 26: a total line was skipped: 'TOTAL 702.10'",
    )


def test_statement_whose_unicode_maps_are_wrong_is_read_by_its_fonts_encoding() -> None:
    # Its fonts' ToUnicode maps scramble the text ("BucÜung" for "Buchung"); read again by the
    # fonts' own encoding, it imports exactly as stan's expected files say.
    name = "stan_PB_KAZ_KtoNr_0914083113_03-06-2016_0313"
    statement = _read(f"{name}.pdf")
    with (GOLDEN / f"{name}-expected.csv").open(encoding="utf-8") as handle:
        expected = list(csv.reader(handle))
    summary = json.loads((GOLDEN / f"{name}-expected.json").read_text(encoding="utf-8"))
    assert [(line.date.isoformat(), line.amount_cents) for line in statement.lines] == [
        (row[1], _cents(row[4])) for row in expected
    ]
    for line, row in zip(statement.lines, expected, strict=True):
        assert line.description == " ".join(part.strip() for part in row[3].split(" / "))
    assert statement.opening_balance_cents == _cents(summary["balanceOld"])  # overdrawn: -9,90
    assert statement.closing_balance_cents == _cents(summary["balanceNew"])
    assert (statement.period_start, statement.period_end) == (
        dt.date.fromisoformat(summary["fromDate"]),
        dt.date.fromisoformat(summary["toDate"]),
    )
    assert statement.warnings == ()
