"""Reading a previous system's invoices from a CSV file (importers.invoice_history_csv)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from crechebooks_desktop.importers.invoice_history_csv import (
    import_hash,
    parse_history,
    read_history,
)
from crechebooks_desktop.importers.tabular import parse_table
from crechebooks_desktop.paths import resources_dir
from crechebooks_desktop.services.billing.invoice_history import HistoryRow

D = dt.date
HEADER = "number,household_ref,child_ref,issue_date,due_date,description,total,amount_paid"
GOOD = "OLD-1,DLAMINI01,DLAMINI01-1,2025-10-01,2025-10-07,October fees,4850.00,1000.00"
SAMPLE = resources_dir() / "samples" / "invoice_history.csv"


def _parse(*lines: str, header: str = HEADER) -> tuple[tuple[HistoryRow, ...], list[str]]:
    parsed = parse_history(parse_table("\n".join([header, *lines]), "old.csv"))
    return parsed.rows, [str(p) for p in parsed.problems]


def test_the_sample_file_reads_cleanly() -> None:
    parsed = read_history(SAMPLE, "invoice_history.csv")
    assert parsed.problems == ()
    first, second, third, fourth = parsed.rows
    assert (first.number, first.total_cents, first.amount_paid_cents, first.paid_date) == (
        "OLD-1001",
        485_000,
        485_000,
        D(2025, 10, 5),
    )
    assert (second.amount_paid_cents, second.paid_date) == (120_000, D(2025, 10, 20))
    assert (third.total_cents, third.amount_paid_cents) == (543_000, 0)
    assert (fourth.child_ref, fourth.vat_cents, fourth.paid_date) == (None, 7_500, D(2025, 11, 15))


def test_a_row_with_defaults() -> None:
    (row,), problems = _parse(GOOD)
    assert problems == []
    assert row == HistoryRow(
        2,
        "OLD-1",
        "DLAMINI01",
        "DLAMINI01-1",
        D(2025, 10, 1),
        D(2025, 10, 7),
        "October fees",
        485_000,
        100_000,
        0,
        D(2025, 10, 1),  # paid on the issue date when the file does not say
        row.import_hash,
    )
    assert len(row.import_hash) == 64


def test_headers_in_any_case_and_order_with_optional_columns() -> None:
    header = "TOTAL,Amount_Paid,number,household_ref,child_ref,issue_date,due_date,description,VAT"
    (row,), problems = _parse(
        "115.00,0,OLD-2,NAIDOO02,,2025-11-01,2025-11-07,Trip,15.00", header=header
    )
    assert problems == []
    assert (row.total_cents, row.vat_cents, row.child_ref) == (11_500, 1_500, None)


def test_the_hash_covers_what_the_row_means_not_how_it_is_spelt() -> None:
    (plain,), _ = _parse(GOOD)
    (spelt,), _ = _parse(
        " old-1 ,dlamini01,dlamini01-1,2025-10-01,2025-10-07, October fees ,R 4 850,1 000.00,0,"
        "2025-10-01",
        header=f"{HEADER},vat,paid_date",
    )
    assert spelt.import_hash == plain.import_hash
    assert import_hash(plain) == plain.import_hash
    for change in (
        {"total_cents": 485_001},
        {"amount_paid_cents": 0},
        {"due_date": D(2025, 10, 8)},
        {"paid_date": D(2025, 10, 2)},
        {"child_ref": None},
        {"description": "November fees"},
        {"vat_cents": 1},
    ):
        assert import_hash(dataclasses.replace(plain, **change)) != plain.import_hash, change


def test_the_paid_date_is_not_hashed_when_nothing_was_paid() -> None:
    (unpaid,), _ = _parse(GOOD.replace(",1000.00", ",0"))
    assert import_hash(dataclasses.replace(unpaid, paid_date=D(2025, 12, 1))) == unpaid.import_hash


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (",DLAMINI01,,2025-10-01,2025-10-07,Fees,10,0", "number", "a value is required"),
        (f"{'N' * 41},DLAMINI01,,2025-10-01,2025-10-07,Fees,10,0", "number", "too long"),
        ("OLD-9,,,2025-10-01,2025-10-07,Fees,10,0", "household_ref", "a value is required"),
        ("OLD-9,DLAMINI01,,2025-13-01,2025-10-07,Fees,10,0", "issue_date", "2025-13-01"),
        ("OLD-9,DLAMINI01,,01/10/2025,2025-10-07,Fees,10,0", "issue_date", "YYYY-MM-DD"),
        ("OLD-9,DLAMINI01,,2099-10-01,2099-10-07,Fees,10,0", "issue_date", "after today"),
        ("OLD-9,DLAMINI01,,2025-10-01,,Fees,10,0", "due_date", "a value is required"),
        ("OLD-9,DLAMINI01,,2025-10-08,2025-10-07,Fees,10,0", "due_date", "before the issue date"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,,10,0", "description", "a value is required"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,0,0", "total", "more than zero"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,-5,0", "total", "more than zero"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,ten,0", "total", "ten"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,10.001,0", "total", "cent"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,10,-1", "amount_paid", "zero or more"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,10,10.01", "amount_paid", "total"),
        ("OLD-9,DLAMINI01,,2025-10-01,2025-10-07,Fees,10,,", "amount_paid", "required"),
    ],
)
def test_every_bad_value_names_its_line_and_field(row: str, field: str, message: str) -> None:
    rows, problems = _parse(GOOD, row)
    assert [row.line for row in rows] == [2]
    (problem,) = problems
    assert problem.startswith(f"old.csv:3: {field}: "), problem
    assert message.lower() in problem.lower(), problem


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ("10,0,10.01,", "vat", "more than the invoice's total"),
        ("10,0,-1,", "vat", "zero or more"),
        ("10,5,,2025-09-30", "paid_date", "before the issue date"),
        ("10,5,,2099-01-01", "paid_date", "after today"),
        ("10,5,,30/09/2025", "paid_date", "YYYY-MM-DD"),
    ],
)
def test_bad_optional_values(values: str, field: str, message: str) -> None:
    _rows, problems = _parse(
        f"OLD-1,DLAMINI01,,2025-10-01,2025-10-07,Fees,{values}",
        header=f"{HEADER},vat,paid_date",
    )
    (problem,) = problems
    assert problem.startswith(f"old.csv:2: {field}: "), problem
    assert message in problem, problem


def test_a_paid_date_without_payment_is_ignored() -> None:
    (row,), problems = _parse(
        "OLD-1,DLAMINI01,,2025-10-01,2025-10-07,Fees,10,0,,whenever",
        header=f"{HEADER},vat,paid_date",
    )
    assert (problems, row.amount_paid_cents) == ([], 0)


def test_duplicate_numbers_in_the_file_are_refused() -> None:
    _rows, problems = _parse(GOOD, GOOD.replace("OLD-1", "old-1"))
    assert problems == [
        "old.csv:3: number: duplicate invoice number 'old-1' (first on line 2)",
    ]


def test_missing_and_unknown_columns() -> None:
    _rows, problems = _parse(
        "OLD-1,DLAMINI01,2025-10-01,2025-10-07,Fees,10,0,x",
        header="number,household_ref,issue_date,due_date,description,total,amount_paid,colour",
    )
    assert "old.csv:1: colour: unknown column (expected: number, household_ref" in problems[0]
    assert problems[1] == "old.csv:1: child_ref: required column is missing"
