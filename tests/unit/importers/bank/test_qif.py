"""QIF: sections, accounts, date forms and orders, amounts, splits, bad records."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.importers.bank.dates import DateOrder, choose_order, parse_date


def qif(*records: str, header: str = "!Type:Bank") -> bytes:
    return ("\n".join([header, *records]) + "\n").encode()


def rec(date: str, amount: str, payee: str = "P", extra: str = "") -> str:
    return (
        f"D{date}\nT{amount}\nP{payee}\n{extra}^" if extra else f"D{date}\nT{amount}\nP{payee}\n^"
    )


def dates_of(data: bytes) -> list[dt.date]:
    return [line.date for line in read_statement(data, "f.qif").lines]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("1/31/2026", DateOrder.MONTH_FIRST, dt.date(2026, 1, 31)),
        ("01/31'26", DateOrder.MONTH_FIRST, dt.date(2026, 1, 31)),
        ("1/ 5'98", DateOrder.MONTH_FIRST, dt.date(2098, 1, 5)),
        ("31/01/2026", DateOrder.DAY_FIRST, dt.date(2026, 1, 31)),
        ("2026-01-31", DateOrder.MONTH_FIRST, dt.date(2026, 1, 31)),
        ("2026/01/31", DateOrder.DAY_FIRST, dt.date(2026, 1, 31)),
        ("20260131", DateOrder.DAY_FIRST, dt.date(2026, 1, 31)),
        ("10/11/97", DateOrder.MONTH_FIRST, dt.date(1997, 10, 11)),
        ("10/11/26", DateOrder.DAY_FIRST, dt.date(2026, 11, 10)),
        ("31.01.2026", DateOrder.DAY_FIRST, dt.date(2026, 1, 31)),
        ("01 Mar 2026", DateOrder.DAY_FIRST, dt.date(2026, 3, 1)),
        ("1-March-26", DateOrder.DAY_FIRST, dt.date(2026, 3, 1)),
        ("15 Okt 2026", DateOrder.DAY_FIRST, dt.date(2026, 10, 15)),
    ],
)
def test_date_forms(text: str, order: DateOrder, expected: dt.date) -> None:
    assert parse_date(text, order) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/31/2026", "31/31/2026 (day/month/year) is not a day (there is no month 31"),
        ("tomorrow", "not a date"),
        ("01 Foo 2026", "unknown month"),
        ("2026-02-30", "2026-02-30 is not a day (February 2026 has 28 days)"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_date(text, DateOrder.DAY_FIRST)


def test_a_day_over_12_proves_day_month_for_the_whole_file() -> None:
    data = qif(rec("03/04/2026", "1.00"), rec("25/04/2026", "2.00"))
    assert dates_of(data) == [dt.date(2026, 4, 3), dt.date(2026, 4, 25)]
    assert read_statement(data, "f.qif").warnings == ()


def test_a_second_part_over_12_proves_month_day() -> None:
    data = qif(rec("03/04/2026", "1.00"), rec("04/25/2026", "2.00"))
    assert dates_of(data) == [dt.date(2026, 3, 4), dt.date(2026, 4, 25)]


def test_ambiguous_dates_take_the_order_that_keeps_them_together_with_a_warning() -> None:
    # Day/month: 1, 5 and 9 February; month/day would be January, May, September.
    data = qif(rec("01/02/2026", "1"), rec("05/02/2026", "2"), rec("09/02/2026", "3"))
    statement = read_statement(data, "f.qif")
    assert [line.date for line in statement.lines] == [
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 5),
        dt.date(2026, 2, 9),
    ]
    assert statement.warnings[0].startswith("f.qif:2: no date proves whether")
    # The same spread the other way round reads month/day.
    other = qif(rec("02/01/2026", "1"), rec("02/05/2026", "2"), rec("02/09/2026", "3"))
    assert dates_of(other) == [dt.date(2026, 2, 1), dt.date(2026, 2, 5), dt.date(2026, 2, 9)]


def test_a_tie_reads_day_month_as_south_african_banks_write_with_a_warning() -> None:
    statement = read_statement(qif(rec("05/03/2026", "1.00")), "f.qif")
    assert statement.lines[0].date == dt.date(2026, 3, 5)
    assert "read as day/month/year because that is the usual order here" in statement.warnings[0]


def test_mixed_date_orders_refuse_the_file() -> None:
    data = qif(rec("31/01/2026", "1.00"), rec("1/31/2026", "2.00"))
    with pytest.raises(UserFacingError, match=r"f\.qif:2 \(31/01/2026\) is day/month but f\.qif:6"):
        read_statement(data, "f.qif")


def test_choose_order_without_dates_is_day_first() -> None:
    assert choose_order([]).order is DateOrder.DAY_FIRST


def test_amounts_with_thousands_and_u_and_splits_keep_one_line_with_the_total() -> None:
    data = qif(
        "D2026-03-01\nT-1,234.50\nPBIG SUPPLIER\nSFood\nD2026-02-01\nE50%\n$-617.25\n"
        "SStock\n$-617.25\n^",
        "D2026-03-02\nU4,500.00\nPDLAMINI\nN1001\nMSCHOOL FEES\n^",
        "D2026-03-03\nT1 000,00\nNATM\nPCASH\n^",
    )
    lines = read_statement(data, "f.qif").lines
    assert [(x.line_no, x.date, x.amount_cents, x.reference) for x in lines] == [
        (2, dt.date(2026, 3, 1), -123450, None),
        (12, dt.date(2026, 3, 2), 450000, "1001"),
        (18, dt.date(2026, 3, 3), 100000, None),
    ]
    assert lines[1].description == "DLAMINI | SCHOOL FEES"
    assert lines[1].payer == "DLAMINI"


def test_ccard_and_cash_sections_are_read_others_skipped() -> None:
    text = (
        "!Option:AutoSwitch\n!Account\nNCheque\nTBank\n^\nNShares\nTInvst\n^\n!Clear:AutoSwitch\n"
        "!Type:Cat\nNFees\nI\n^\n"
        "!Account\nNCheque\nTBank\n^\n!Type:CCard\nD2026-03-01\nT-10.00\nPSHOP\n^\n"
        "!Type:Cash\nD2026-03-02\nT-5.00\nPTUCKSHOP\n^\n"
        "!Type:Oth A\nD2026-03-02\nT5.00\n^\n"
        "!Type:Weird\nD2026-03-02\nT5.00\n^\n!Foo\n"
    )
    statement = read_statement(text.encode(), "f.qif")
    assert [line.amount_cents for line in statement.lines] == [-1000, -500]
    assert statement.warnings == (
        "f.qif:28: the 'Oth A' section (not a bank account) was skipped",
        "f.qif:32: the unknown 'Weird' section was skipped",
        "f.qif:36: unknown header '!Foo' was ignored",
    )


def test_two_bank_accounts_are_refused_naming_them() -> None:
    text = (
        "!Account\nNCheque\nTBank\n^\n!Type:Bank\nD2026-03-01\nT1.00\n^\n"
        "!Account\nNSavings\nTBank\n^\n!Type:Bank\nD2026-03-01\nT2.00\n^\n"
    )
    with pytest.raises(UserFacingError, match=r"2 accounts \(Cheque, Savings\)"):
        read_statement(text.encode(), "f.qif")


def test_opening_balance_entry_and_zero_lines() -> None:
    data = qif(
        "D2026-03-01\nT1,500.00\nPOpening Balance\nL[Cheque]\n^",
        rec("2026-03-02", "0.00", "NOTICE"),
        rec("2026-03-03", "100.00"),
    )
    statement = read_statement(data, "f.qif")
    assert statement.opening_balance_cents == 150000
    assert [line.amount_cents for line in statement.lines] == [10000]
    assert statement.warnings[1] == (
        "f.qif:7: a line of R 0,00 (a notice, not a transaction) was skipped"
    )


def test_bad_records_are_all_listed() -> None:
    data = qif(
        rec("2026-03-01", "12,5,5"),
        "T1.00\nPNO DATE\n^",
        "D2026-03-02\nPNO AMOUNT\n^",
        rec("2026-02-30", "1.00"),
        rec("2026-03-05", "1.234"),
    )
    with pytest.raises(ProblemsError) as caught:
        read_statement(data, "bad.qif")
    assert [str(p) for p in caught.value.problems] == [
        "bad.qif:2: T: misplaced thousands separator in '12,5,5'",
        "bad.qif:6: D: the transaction has no date (D)",
        "bad.qif:9: T: the transaction has no amount (T)",
        "bad.qif:12: D: 2026-02-30 is not a day (February 2026 has 28 days)",
        (
            "bad.qif:16: T: ambiguous amount '1.234': for thousands write '1234' or "
            "'1.234,00'; cents take 1 or 2 decimals"
        ),
    ]


def test_a_record_without_a_final_caret_still_counts() -> None:
    assert dates_of(b"!Type:Bank\nD2026-03-01\nT1.00\n") == [dt.date(2026, 3, 1)]
