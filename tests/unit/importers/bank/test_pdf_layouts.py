"""Statement PDFs in the South African banks' layouts (tests/pdf_statements.py), read back.

Each bank's statement is drawn to its layout at test time and must come back
line for line: dates (the year from the header where the line has none),
signed amounts, descriptions over two lines, fees by the bank's rule, and
the opening and closing balances.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.importers.bank import detect_format, read_statement
from crechebooks_desktop.importers.bank.pdf.extract import read_pages
from tests.pdf_statements import (
    ABSA,
    CAPITEC,
    FNB,
    GENERIC,
    NEDBANK,
    STANDARD_BANK,
    Spec,
    Txn,
    render,
    with_spec,
)

OPENING = 100_000


def month(start: dt.date, count: int = 5) -> list[Txn]:
    """A creche's month: fees in (one with a two-line description), costs and a charge out."""
    day = dt.timedelta(days=1)
    base = [
        Txn(start, ("PAYMENT RECEIVED: N DLAMINI", "REF DLAMINI01 MARCH FEES"), 485_000),
        Txn(start + day, ("POS PURCHASE MAKRO",), -123_456, fee=350),
        Txn(start + 2 * day, ("ESKOM PREPAID 0821234567",), -50_000),
        Txn(start + 20 * day, ("MONTHLY ACCOUNT FEE",), -6_900),
        Txn(start + 25 * day, ("TRANSFER FROM SAVINGS",), 1_000_000),
    ]
    extra = [
        Txn(start + (i % 25) * day, (f"SCHOOL FEES CHILD {i:03d}",), 250_000 + i)
        for i in range(count - len(base))
    ]
    return sorted(base + extra, key=lambda t: t.date)


def expected(txns: list[Txn], fee_line: bool) -> list[tuple[dt.date, int, str]]:
    lines = []
    for txn in txns:
        lines.append((txn.date, txn.cents, txn.text))
        if fee_line and txn.fee:
            lines.append((txn.date, -txn.fee, f"FEE: {txn.text}"))
    return lines


def read(data: bytes, name: str = "statement.pdf") -> Statement:
    assert detect_format(data, name) == "pdf"
    return read_statement(data, name)


def closing(txns: list[Txn], fee_in_balance: bool, opening: int = OPENING) -> int:
    return opening + sum(t.cents - (t.fee if fee_in_balance else 0) for t in txns)


@pytest.mark.parametrize(
    ("spec", "profile", "start", "fee_line"),
    [
        (CAPITEC, "capitec", dt.date(2026, 3, 2), True),
        (FNB, "fnb", dt.date(2025, 12, 28), False),  # accrued charges are levied later
        (ABSA, "absa", dt.date(2026, 3, 2), False),  # the charge column notes the charge
        (STANDARD_BANK, "standard-bank", dt.date(2026, 3, 2), True),
        (NEDBANK, "nedbank", dt.date(2026, 1, 12), False),  # fees are not in the balance
    ],
    ids=["capitec", "fnb", "absa", "standard-bank", "nedbank"],
)
def test_each_south_african_bank_layout_reads_line_for_line(
    spec: Spec, profile: str, start: dt.date, fee_line: bool
) -> None:
    txns = month(start)
    statement = read(render(spec, txns, OPENING), f"{profile}.pdf")
    assert (statement.file_format, statement.profile) == ("pdf", profile)
    got = [(line.date, line.amount_cents, line.description) for line in statement.lines]
    assert got == expected(txns, fee_line)
    assert statement.opening_balance_cents == OPENING
    assert statement.closing_balance_cents == closing(txns, spec.fee_in_balance)
    assert statement.warnings == ()
    first = statement.lines[0]
    assert first.description == "PAYMENT RECEIVED: N DLAMINI REF DLAMINI01 MARCH FEES"
    assert first.balance_cents == OPENING + 485_000


def test_fnb_dates_without_a_year_take_it_from_the_period_across_new_year() -> None:
    statement = read(render(FNB, month(dt.date(2025, 12, 28)), OPENING))
    assert (statement.period_start, statement.period_end) == (
        dt.date(2025, 12, 15),
        dt.date(2026, 1, 14),
    )
    assert [line.date for line in statement.lines] == [
        dt.date(2025, 12, 28),
        dt.date(2025, 12, 29),
        dt.date(2025, 12, 30),
        dt.date(2026, 1, 17),
        dt.date(2026, 1, 22),
    ]


def test_cr_and_dr_sign_fnb_amounts_and_an_overdrawn_balance() -> None:
    txns = month(dt.date(2026, 1, 1))
    statement = read(render(FNB, txns, -200_000))  # opening "2 000.00Dr"
    assert statement.opening_balance_cents == -200_000
    assert [line.amount_cents for line in statement.lines] == [t.cents for t in txns]
    assert [line.balance_cents for line in statement.lines][:3] == [285_000, 161_544, 111_544]
    assert statement.closing_balance_cents == closing(txns, False, -200_000)


def test_a_table_split_over_pages_with_carried_and_brought_forward_lines() -> None:
    txns = month(dt.date(2026, 3, 2), count=45)
    for spec, fee_line in ((ABSA, False), (STANDARD_BANK, True)):
        data = render(with_spec(spec, per_page=8), txns, OPENING)
        assert len(read_pages(data, "long.pdf")) == 6
        statement = read(data, "long.pdf")
        got = [(line.date, line.amount_cents, line.description) for line in statement.lines]
        assert got == expected(txns, fee_line)
        assert statement.closing_balance_cents == closing(txns, spec.fee_in_balance)
        pages = [line.line_no for line in statement.lines]
        assert pages == sorted(pages)
        assert len(set(pages)) == len(txns)  # a fee line keeps its transaction's line number


def test_nedbank_amount_with_a_star_in_the_fee_column_is_a_debit_of_its_own() -> None:
    txns = [
        Txn(dt.date(2026, 1, 12), ("DEBIT ATM CASH 5898460911706810",), -6_500, star=True),
        Txn(dt.date(2026, 1, 13), ("THAI FARMERS B518103XXXXXX5828",), -292_158, fee=8_550),
    ]
    statement = read(render(NEDBANK, txns, -1_737_288))
    assert [line.amount_cents for line in statement.lines] == [-6_500, -292_158]
    assert statement.closing_balance_cents == -1_737_288 - 6_500 - 292_158


def test_generic_reader_reads_rands_trailing_minus_and_brackets() -> None:
    txns = [t for t in month(dt.date(2026, 3, 2)) if not t.fee]
    txns.append(Txn(dt.date(2026, 3, 30), ("CASH WITHDRAWAL",), -12_345))  # odd: in brackets
    statement = read(render(with_spec(GENERIC, fee_in_balance=False), txns, OPENING))
    assert statement.profile == "generic"
    assert [line.amount_cents for line in statement.lines] == [t.cents for t in txns]
    assert statement.opening_balance_cents == OPENING
