"""Importing fee structures from a CSV file (importers.fees_csv), on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import FeeType
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.roster import FeeRow, FeeTerms
from crechebooks_desktop.importers.fees_csv import import_fees_file, parse_fees, read_fees
from crechebooks_desktop.importers.tabular import ProblemsError, parse_table
from crechebooks_desktop.services.roster.charges_and_endings import list_fees
from crechebooks_desktop.services.roster.file_import import ImportSummary
from tests.roster_support import (
    SAMPLE_FEES,
    audit_since,
    last_audit_id,
    snapshot,
    write_csv,
)

Creche = tuple[CrecheSettings, Actor]
HEADER = "name,fee_type,amount,registration_fee,re_registration_fee"


def _import(book: Book, actor: Actor, path: Path) -> ImportSummary:
    with book.write(actor.tenant_id) as uow:
        return import_fees_file(uow, actor, path, path.name)


def test_sample_file_reads_every_fee_type() -> None:
    parsed = read_fees(SAMPLE_FEES, "fees.csv")
    assert parsed.problems == ()
    assert parsed.rows[0] == FeeRow(
        2, FeeTerms("Full Day (07:00-17:30)", FeeType.FULL_DAY, 485_000, 75_000, 50_000)
    )
    assert parsed.rows[3] == FeeRow(
        5, FeeTerms("Aftercare (hourly)", FeeType.HOURLY, 6_500, 35_000, None)
    )
    assert parsed.rows[4] == FeeRow(
        6, FeeTerms("Custom arrangement", FeeType.CUSTOM, None, 75_000, 50_000)
    )


def test_blank_fees_and_lower_case_types_are_accepted() -> None:
    parsed = parse_fees(
        parse_table(f"{HEADER}\nAgreed,custom,,,\nHalf,half_day,R3 200,,\n", "f.csv")
    )
    assert parsed.problems == ()
    assert [row.terms for row in parsed.rows] == [
        FeeTerms("Agreed", FeeType.CUSTOM, None, None, None),
        FeeTerms("Half", FeeType.HALF_DAY, 320_000, None, None),
    ]


def test_import_then_reimport_is_unchanged_then_updates_by_name(
    book: Book, creche: Creche, tmp_path: Path
) -> None:
    _settings, actor = creche
    first = _import(book, actor, SAMPLE_FEES)
    assert (first, first.total) == (ImportSummary(created=5), 5)
    before = snapshot(book)
    assert _import(book, actor, SAMPLE_FEES) == ImportSummary(unchanged=5)
    assert snapshot(book) == before  # nothing written, nothing audited

    changed = write_csv(
        tmp_path / "fees.csv",
        [
            HEADER,
            "full day (07:00-17:30),FULL_DAY,4950.00,750.00,500.00",
            "Toddler,HALF_DAY,3300,,",
        ],
    )
    mark = last_audit_id(book)
    assert _import(book, actor, changed) == ImportSummary(created=1, updated=1)
    records = audit_since(book, mark)
    assert [r[0] for r in records] == ["fee_structure.update", "fee_structure.create"]
    _action, _id, old, new = records[0]
    assert (old["name"], old["amount_cents"]) == ("Full Day (07:00-17:30)", 485_000)
    assert (new["name"], new["amount_cents"], new["fee_type"]) == (
        "full day (07:00-17:30)",
        495_000,
        "FULL_DAY",
    )
    assert records[1][2] is None
    with book.read(actor.tenant_id) as uow:
        fees = {fee.terms.name: fee.terms for fee in list_fees(uow)}
    assert len(fees) == 6
    assert fees["Toddler"] == FeeTerms("Toddler", FeeType.HALF_DAY, 330_000)


BAD_FILES = {
    "unknown column": (
        [f"{HEADER},colour", "Full Day,FULL_DAY,4500.00,,,red"],
        [
            (
                "fees.csv:1: colour: unknown column (expected: name, fee_type, amount, "
                "registration_fee, re_registration_fee)"
            )
        ],
    ),
    "missing required column and value": (
        [
            "name,fee_type,amount,registration_fee",
            ",FULL_DAY,4500.00,",
            "Half Day,HALF_DAY,,",
            "Other,,100,",
        ],
        [
            "fees.csv:1: re_registration_fee: required column is missing",
            "fees.csv:2: name: a value is required",
            "fees.csv:3: amount: a HALF_DAY fee needs its monthly amount",
            "fees.csv:4: fee_type: a value is required",
        ],
    ),
    "bad fee type and amounts": (
        [
            HEADER,
            "Full Day,DAILY,4500.00,,",
            "Half Day,HALF_DAY,4 5OO,-750.00,1.234",
            "Agreed,CUSTOM,4100.00,,",
            "Aftercare,HOURLY,,,",
        ],
        [
            "fees.csv:2: fee_type: 'DAILY' is not one of FULL_DAY, HALF_DAY, HOURLY or CUSTOM",
            "fees.csv:3: amount: not an amount: '4 5OO'",
            "fees.csv:3: registration_fee: must be zero or more, not '-750.00'",
            (
                "fees.csv:3: re_registration_fee: ambiguous amount '1.234': for thousands write "
                "'1234' or '1.234,00'; cents take 1 or 2 decimals"
            ),
            (
                "fees.csv:4: amount: must be blank for a CUSTOM fee (each child's enrolment has "
                "its own amount)"
            ),
            "fees.csv:5: amount: an HOURLY fee needs its hourly rate",
        ],
    ),
    "duplicate name": (
        [HEADER, "Full Day,FULL_DAY,4500.00,,", "FULL DAY,FULL_DAY,4600.00,,"],
        ["fees.csv:3: name: duplicate fee name 'FULL DAY' (first on line 2)"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_whole_with_every_problem(
    book: Book, creche: Creche, tmp_path: Path, case: str
) -> None:
    _settings, actor = creche
    _import(book, actor, SAMPLE_FEES)
    lines, expected = BAD_FILES[case]
    path = write_csv(tmp_path / "fees.csv", lines)
    before = snapshot(book)
    with pytest.raises(ProblemsError) as refused:
        _import(book, actor, path)
    assert [str(p) for p in refused.value.problems] == expected
    assert str(refused.value).splitlines()[1:] == expected
    assert snapshot(book) == before
