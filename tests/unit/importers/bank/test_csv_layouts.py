"""South African banks' CSV layouts import with their counts, sums, dates and balances.

The expectations were worked out by hand from the files in
``tests/golden/bank-csv`` (see its SOURCES.md), not taken from the reader.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pytest

from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import read_statement

GOLDEN = Path(__file__).parents[3] / "golden" / "bank-csv"
D = dt.date


class Expected(NamedTuple):
    profile: str
    bank: str | None
    count: int
    money_in: int
    money_out: int
    first: D
    last: D
    opening: int | None
    closing: int | None
    warnings: int = 0


EXPECTED = {
    "absa_ynab-absa-csv-convert-js_input-sample.csv": Expected(
        "generic", None, 13, 300000, -471000, D(2020, 6, 26), D(2020, 8, 25), 2000050, 1784050, 3
    ),
    "capitec_2025_layout.csv": Expected(
        "capitec", "Capitec", 7, 775000, -172350, D(2026, 3, 2), D(2026, 3, 31), 100000, 702650
    ),
    "fnb_online_download.csv": Expected(
        "fnb", "FNB", 4, 675000, -181900, D(2026, 3, 1), D(2026, 3, 31), 500000, 993100
    ),
    "fnb_emailed_statement.csv": Expected(
        "fnb", "FNB", 4, 675000, -97000, D(2025, 12, 13), D(2026, 1, 10), -17749, 560251, 1
    ),
    "fnb_recreated_statement.csv": Expected(
        "fnb", "FNB", 4, 430000, -26000, D(2026, 3, 2), D(2026, 3, 31), -25000, 379000, 1
    ),
    "rmb_private_bank.csv": Expected(
        "rmb", "RMB Private Bank", 2, 600000, -30000, D(2026, 3, 2), D(2026, 3, 3), 1000000, 1570000
    ),
    "standard_bank_2024_layout.csv": Expected(
        "standard-bank",
        "Standard Bank",
        3,
        635000,
        -120440,
        D(2026, 3, 2),
        D(2026, 3, 28),
        720000,
        1234560,
    ),
    "standard_bank_legacy_records.csv": Expected(
        "standard-bank",
        "Standard Bank",
        3,
        635000,
        -120440,
        D(2026, 3, 2),
        D(2026, 3, 28),
        None,
        None,
    ),
    "nedbank_sep_hint.csv": Expected(
        "nedbank", "Nedbank", 5, 480000, -91700, D(2026, 3, 1), D(2026, 3, 6), 100000, 488300
    ),
    "investec_layout.csv": Expected(
        "investec", "Investec", 3, 326234, -149999, D(2026, 3, 2), D(2026, 4, 1), 5000000, 5176235
    ),
    "tymebank_layout.csv": Expected(
        "tymebank", "TymeBank", 3, 225000, -50200, D(2026, 3, 2), D(2026, 3, 3), 0, 174800
    ),
}


def test_every_layout_file_has_an_expectation() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.csv")) == sorted(EXPECTED)
    assert (GOLDEN / "SOURCES.md").is_file()
    assert len(list((GOLDEN / "LICENSES").iterdir())) == 1


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_imports_with_its_counts_sums_dates_and_balances(name: str) -> None:
    expected = EXPECTED[name]
    statement = read_statement((GOLDEN / name).read_bytes(), name)
    amounts = [line.amount_cents for line in statement.lines]
    dates = [line.date for line in statement.lines]
    assert (statement.profile, statement.bank) == (expected.profile, expected.bank)
    assert len(statement.lines) == expected.count
    assert sum(a for a in amounts if a > 0) == expected.money_in
    assert sum(a for a in amounts if a < 0) == expected.money_out
    assert (min(dates), max(dates)) == (expected.first, expected.last)
    assert statement.opening_balance_cents == expected.opening
    assert statement.closing_balance_cents == expected.closing
    assert len(statement.warnings) == expected.warnings, statement.warnings
    chained = not any(": balance R" in warning for warning in statement.warnings)
    if expected.opening is not None and expected.closing is not None and chained:
        assert expected.opening + sum(amounts) == expected.closing


def _read(name: str) -> Statement:
    return read_statement((GOLDEN / name).read_bytes(), name)


def test_the_real_absa_sample_is_read_and_its_one_broken_balance_named() -> None:
    statement = _read("absa_ynab-absa-csv-convert-js_input-sample.csv")
    name = "absa_ynab-absa-csv-convert-js_input-sample.csv"
    assert f"{name}:4: balance R 21 500,50, lines add up to R 21 950,50" in statement.warnings
    # The bank's space-padded text is one line of single spaces.
    assert statement.lines[-5].description.startswith("AIRTIME DEBIT ( 1,50 ) CARD NO. 7067")


def test_capitec_keeps_the_transaction_date_and_makes_fees_their_own_lines() -> None:
    lines = _read("capitec_2025_layout.csv").lines
    assert (lines[0].date, lines[0].transaction_date) == (D(2026, 3, 2), D(2026, 2, 28))
    assert lines[1].transaction_date is None  # the same day as posted
    assert [(x.amount_cents, x.description.split(" |")[0]) for x in lines[2:4]] == [
        (-50000, "Cash Withdrawal"),
        (-1000, "FEE: Cash Withdrawal"),
    ]
    assert lines[2].balance_cents is None
    assert lines[3].balance_cents == 824000
    assert lines[-1].description.startswith("FEE: Monthly Account Admin Fee")


def test_fnb_emailed_statement_takes_its_years_from_the_period() -> None:
    statement = _read("fnb_emailed_statement.csv")
    assert [line.date for line in statement.lines] == [
        D(2025, 12, 13),
        D(2025, 12, 20),
        D(2026, 1, 2),
        D(2026, 1, 10),
    ]
    assert (statement.period_start, statement.period_end) == (D(2025, 12, 11), D(2026, 1, 12))
    assert statement.lines[0].description == "FNB OB Pmt | Dlamini S | DLAMINI01"
    # Accrued charges are charged later as a line of their own: not taken off here.
    assert [line.amount_cents for line in statement.lines] == [450000, 225000, -90000, -7000]


def test_fnb_recreated_statement_reads_cr_marks_and_a_debit_opening_balance() -> None:
    statement = _read("fnb_recreated_statement.csv")
    assert statement.opening_balance_cents == -25000
    assert [(x.amount_cents, x.reference) for x in statement.lines] == [
        (180000, "MOKOENA04"),
        (250000, "0821234567"),
        (-19500, "428104*1234"),
        (-6500, None),
    ]


def test_standard_bank_reads_payer_reference_and_signed_padded_amounts() -> None:
    new = _read("standard_bank_2024_layout.csv").lines
    assert [(x.payer, x.reference) for x in new] == [
        ("MOKOENA T", "MOKOENA04"),
        ("SANLAM", "POL 44521"),
        ("S DLAMINI", "DLAMINI01"),
    ]
    legacy = _read("standard_bank_legacy_records.csv").lines
    assert [(x.date, x.amount_cents, x.reference) for x in legacy] == [
        (D(2026, 3, 2), 450000, "DLAMINI01"),
        (D(2026, 3, 15), -120440, "POL 44521"),
        (D(2026, 3, 28), 185000, "MOKOENA04"),
    ]


def _csv(text: str, name: str = "s.csv") -> bytes:
    del name
    return text.encode()


def test_a_file_whose_every_balance_disagrees_is_refused() -> None:
    # Money in and out swapped by a wrong reading: every balance disagrees.
    text = (
        "Date,Description,Money In,Money Out,Balance\n"
        "2026-03-01,A,,100.00,1100.00\n"
        "2026-03-02,B,,200.00,1300.00\n"
        "2026-03-03,C,50.00,,1250.00\n"
    )
    with pytest.raises(ProblemsError) as caught:
        read_statement(_csv(text), "s.csv")
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (3, "balance")
    assert "every running balance disagrees" in problem.message


def test_one_wrong_balance_among_good_ones_is_a_warning_naming_its_line() -> None:
    text = (
        "Date,Description,Amount,Balance\n"
        "2026-03-01,A,100.00,1100.00\n"
        "2026-03-02,B,200.00,1333.00\n"
        "2026-03-03,C,50.00,1383.00\n"
    )
    statement = read_statement(_csv(text), "s.csv")
    assert statement.warnings == ("s.csv:3: balance R 1 333,00, lines add up to R 1 300,00",)


def test_a_bank_id_column_is_kept_without_its_padding_and_row_numbers_are_not() -> None:
    text = (
        "Nr,Transaction ID,Date,Description,Amount\n"
        "1,  000012345,2026-03-01,A,100.00\n"
        "2,000000000,2026-03-02,B,5.00\n"
    )
    lines = read_statement(_csv(text), "s.csv").lines
    assert [x.fitid for x in lines] == ["12345", None]


def test_a_cr_mark_column_signs_unsigned_amounts_and_a_contradiction_is_refused() -> None:
    text = "Date,Description,Debit / Credit,Amount\n2026-03-01,A,CR,100.00\n2026-03-02,B,,5.00\n"
    assert [x.amount_cents for x in read_statement(_csv(text), "s.csv").lines] == [10000, 500]
    marked = text.replace(",,5.00", ",DR,5.00")
    assert [x.amount_cents for x in read_statement(_csv(marked), "s.csv").lines] == [10000, -500]
    with pytest.raises(ProblemsError, match="a minus sign on a credit"):
        read_statement(_csv(text.replace("CR,100.00", "CR,-100.00")), "s.csv")


def test_a_date_without_a_year_needs_the_statement_period() -> None:
    text = "Date,Description,Amount\n13 Aug,A,100.00\n"
    with pytest.raises(ProblemsError, match="has no year, and the file does not give"):
        read_statement(_csv(text), "s.csv")


def test_an_unknown_layout_is_refused_with_what_was_found() -> None:
    text = "When,What,How much\n2026-03-01,A,100.00\n"
    with pytest.raises(UserFacingError, match="no header row of a bank statement"):
        read_statement(_csv(text), "s.csv")


def test_newest_first_rows_with_fees_keep_their_fees_and_chain() -> None:
    lines = (GOLDEN / "capitec_2025_layout.csv").read_text().splitlines()
    newest_first = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    statement = read_statement(newest_first.encode(), "newest.csv")
    oldest_first = _read("capitec_2025_layout.csv")
    assert sorted(x.amount_cents for x in statement.lines) == sorted(
        x.amount_cents for x in oldest_first.lines
    )
    assert statement.warnings == ()
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (100000, 702650)
