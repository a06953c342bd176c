"""CSV statements: each bank's profile, detection, amounts, balances, bad files."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.money import MoneyStyle, format_plain, format_rands
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import PROFILES, read_statement

FNB = """2,Account Number,62000000001,Business Cheque Account
3,Statement Period,2026/03/01,2026/03/31
5,Opening Balance,1000.00

Date,Amount,Balance,Description
2026/03/02,4500.00,5500.00,FNB APP PAYMENT FROM DLAMINI01
2026/03/03,-69.00,5431.00,#MONTHLY ACCOUNT FEE
"""
ABSA = """Date,Transaction Description,Charge,Debit Amount,Credit Amount,Balance
20260302,ACB CREDIT DLAMINI SCHOOL FEES,,,"4 500,00","5 500,00"
20260303,CASH WITHDRAWAL,"5,00","200,00",,"5 295,00"
"""
STANDARD_BANK = """Date,Description,Payments,Deposits,Balance
01 Mar 2026,IB PAYMENT FROM NAIDOO,,"3,200.00","4,200.00"
02 Mar 2026,DEBIT ORDER ESKOM,-450.00,,"3,750.00"
"""
NEDBANK = """Tranlistno,Date,Description,Fees (R),Debits (R),Credits (R),Balance (R)
1,01/03/2026,PAYMENT RECEIVED MOKOENA,,,1800.00,2800.00
2,02/03/2026,SERVICE FEE,5.50,,,2794.50
"""
CAPITEC = (
    "Nr,Account,Posting Date,Transaction Date,Description,Original Description,"
    "Parent Category,Category,Money In,Money Out,Fee,Balance\n"
    "1,1234567890,2026-03-02,2026-03-01,Payment Received: K Pillay,"
    "Payment Received: K Pillay PILLAY03,Income,Other Income,2500.00,,,3500.00\n"
    "2,1234567890,2026-03-03,2026-03-03,Cash Withdrawal,ATM WITHDRAWAL SHOPRITE,"
    "Cash,Cash Withdrawal,,-500.00,-10.00,2990.00\n"
)
GENERIC = """Date;Description;Reference;Payer;Money In;Money Out;Balance
15/03/2026;EFT CREDIT;DLAMINI01;S DLAMINI;1 234,56;;2 234,56
16/03/2026;BANK CHARGES;;;;12,00;2 222,56
"""


def read(text: str, name: str = "s.csv", **kwargs: str) -> Statement:
    return read_statement(text.encode(), name, **kwargs)


def summary(statement: Statement) -> list[tuple[int, dt.date, int, str, int | None]]:
    return [
        (x.line_no, x.date, x.amount_cents, x.description, x.balance_cents) for x in statement.lines
    ]


def test_profiles_are_the_published_names() -> None:
    assert set(PROFILES) == {
        "fnb",
        "rmb",
        "absa",
        "standard-bank",
        "nedbank",
        "capitec",
        "investec",
        "tymebank",
        "bank-zero",
        "discovery",
        "african-bank",
        "generic",
    }


def test_fnb_with_its_preamble() -> None:
    statement = read(FNB)
    assert statement.profile == "fnb"
    assert summary(statement) == [
        (6, dt.date(2026, 3, 2), 450000, "FNB APP PAYMENT FROM DLAMINI01", 550000),
        (7, dt.date(2026, 3, 3), -6900, "#MONTHLY ACCOUNT FEE", 543100),
    ]
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (100000, 543100)
    assert statement.warnings == ()


def test_absa_with_charges_as_lines_of_their_own() -> None:
    statement = read(ABSA)
    assert statement.profile == "absa"
    assert summary(statement) == [
        (2, dt.date(2026, 3, 2), 450000, "ACB CREDIT DLAMINI SCHOOL FEES", 550000),
        (3, dt.date(2026, 3, 3), -20000, "CASH WITHDRAWAL", None),
        (3, dt.date(2026, 3, 3), -500, "FEE: CASH WITHDRAWAL", 529500),
    ]
    assert statement.closing_balance_cents == 529500
    assert statement.warnings == ()


def test_standard_bank_payments_and_deposits() -> None:
    statement = read(STANDARD_BANK)
    assert statement.profile == "standard-bank"
    assert [(x.date, x.amount_cents) for x in statement.lines] == [
        (dt.date(2026, 3, 1), 320000),
        (dt.date(2026, 3, 2), -45000),
    ]
    assert statement.opening_balance_cents == 100000
    assert statement.warnings == ()


def test_nedbank_fee_only_row() -> None:
    statement = read(NEDBANK)
    assert statement.profile == "nedbank"
    assert [(x.date, x.amount_cents, x.description) for x in statement.lines] == [
        (dt.date(2026, 3, 1), 180000, "PAYMENT RECEIVED MOKOENA"),
        (dt.date(2026, 3, 2), -550, "FEE: SERVICE FEE"),
    ]
    assert statement.warnings == ()


def test_capitec_posting_date_descriptions_and_fee() -> None:
    statement = read(CAPITEC)
    assert statement.profile == "capitec"
    assert summary(statement) == [
        (2, dt.date(2026, 3, 2), 250000, "Payment Received: K Pillay PILLAY03", 350000),
        (3, dt.date(2026, 3, 3), -50000, "Cash Withdrawal | ATM WITHDRAWAL SHOPRITE", None),
        (3, dt.date(2026, 3, 3), -1000, "FEE: Cash Withdrawal | ATM WITHDRAWAL SHOPRITE", 299000),
    ]
    assert statement.warnings == ()


def test_generic_semicolons_comma_decimals_reference_and_payer() -> None:
    statement = read(GENERIC)
    assert statement.profile == "generic"
    first, second = statement.lines
    assert (first.amount_cents, first.reference, first.payer) == (123456, "DLAMINI01", "S DLAMINI")
    assert (second.amount_cents, second.reference, second.payer) == (-1200, None, None)
    assert statement.opening_balance_cents == 100000
    assert statement.warnings == ()


def test_a_profile_named_by_the_user_is_used() -> None:
    assert read(GENERIC.replace("15/03", "01/03"), profile="nedbank").profile == "nedbank"
    with pytest.raises(UserFacingError, match=r"s\.csv:1: header: no header row of the FNB"):
        read("just,some,words\n1,2,3\n", profile="fnb")


def test_generic_dates_with_no_proof_of_order_say_how_they_were_read() -> None:
    text = "Date,Description,Amount\n01/03/2026,A,1.00\n02/03/2026,B,2.00\n"
    statement = read(text)
    assert [x.date for x in statement.lines] == [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
    assert statement.warnings[0].startswith("s.csv:2: no date proves whether")


def test_generic_dates_in_both_orders_are_refused() -> None:
    text = "Date,Description,Amount\n31/03/2026,A,1.00\n03/31/2026,B,2.00\n"
    with pytest.raises(UserFacingError, match="mixes date orders"):
        read(text)


def test_amount_forms_cr_dr_brackets_r_and_thousands() -> None:
    text = (
        "Date,Description,Amount\n"
        '2026-03-01,A,"1 234,56 CR"\n'
        "2026-03-02,B,(34.56)\n"
        "2026-03-03,C,100.00 DR\n"
        '2026-03-04,D,"R 1,000.00"\n'
        "2026-03-05,E,50.00-\n"
        "2026-03-06,F,+7\n"
    )
    assert [x.amount_cents for x in read(text).lines] == [123456, -3456, -10000, 100000, -5000, 700]


def test_balances_that_do_not_add_up_are_warned_about() -> None:
    text = FNB.replace("5431.00", "5400.00")
    statement = read(text)
    assert statement.warnings == ("s.csv:7: balance R 5 400,00, lines add up to R 5 431,00",)
    assert statement.closing_balance_cents == 540000


def test_newest_first_files_check_their_balances_backwards() -> None:
    text = (
        "Date,Description,Amount,Balance\n"
        "2026-03-03,C,-69.00,5431.00\n"
        "2026-03-02,B,4500.00,5500.00\n"
        "2026-03-01,A,100.00,1000.00\n"
    )
    statement = read(text)
    assert statement.warnings == ()
    assert (statement.opening_balance_cents, statement.closing_balance_cents) == (90000, 543100)
    assert [x.line_no for x in statement.lines] == [2, 3, 4]


def test_bom_windows_1252_blank_lines_footers_and_zero_lines() -> None:
    text = (
        "\ufeffDate,Description,Amount,Balance\r\n\r\n"
        "2026-03-01,CAFÉ – NOTICE,0.00,100.00\r\n"
        "2026-03-02,ZOË,1.00,101.00\r\n"
        ",Closing balance,,101.00\r\n"
        ",,,\r\n"
    )
    for data in (text.encode(), text[1:].encode("cp1252")):
        statement = read_statement(data, "s.csv")
        assert [(x.description, x.amount_cents) for x in statement.lines] == [("ZOË", 100)]
        # The closing balance row is no line, but a check: it agrees here.
        assert statement.warnings == (
            "s.csv:3: a line of R 0,00 (a notice, not a transaction) was skipped",
        )
        assert statement.closing_balance_cents == 10100
    wrong = read_statement(text.replace("balance,,101.00", "balance,,99.00").encode(), "s.csv")
    assert (
        wrong.warnings[-1]
        == "s.csv: closing balance: the file says R 99,00, lines add up to R 101,00"
    )


def test_every_bad_row_is_listed_and_nothing_is_read() -> None:
    text = (
        "Date,Description,Money In,Money Out,Balance\n"
        "2026-03-01,OK,1.00,,1.00\n"
        "2026-13-01,BAD DATE,1.00,,2.00\n"
        "2026-03-02,BAD AMOUNT,1.0.0,,3.00\n"
        ",NO DATE,1.00,,4.00\n"
        "2026-03-03,NO AMOUNT,,,4.00\n"
        "2026-03-04,BOTH,1.00,2.00,3.00\n"
        "2026-03-05,BAD BALANCE,1.00,,abc\n"
    )
    with pytest.raises(ProblemsError) as caught:
        read(text, name="bad.csv")
    assert [str(p) for p in caught.value.problems] == [
        "bad.csv:3: Date: 2026-13-01 is not a day (there is no month 13; a year has 12)",
        "bad.csv:4: Money In: misplaced thousands separator in '1.0.0'",
        "bad.csv:5: Date: the date is missing",
        "bad.csv:6: amount: the amount is missing",
        "bad.csv:7: amount: both money in and money out are given",
        "bad.csv:8: Balance: not an amount: 'abc'",
    ]


def test_unknown_header_is_refused_with_file_and_line() -> None:
    with pytest.raises(UserFacingError) as caught:
        read("When,What,How much\n2026-03-01,A,1.00\n", name="odd.csv")
    assert str(caught.value).startswith("odd.csv:1: header: no header row of a bank statement")
    assert "'When,What,How much'" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF, not a text export"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is a ZIP archive or Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003"),
        ("Date,Amount\n".encode("utf-16"), "not a text file"),
        (bytes(range(1, 9)) * 100, "not a text file"),
        (b"   \n\n", "is empty"),
        (b"Date,Description,Amount\n\x81\x8d\x8f,1,2\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_files_that_are_not_statements_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(UserFacingError, match=message):
        read_statement(data, "s.csv", file_format="csv")
    with pytest.raises(UserFacingError):
        read_statement(data, "s.csv")


_STYLES = (
    format_plain,
    format_rands,
    lambda c: format_rands(c, MoneyStyle.COMMA_DOT),
    lambda c: f"{format_plain(abs(c))} {'DR' if c < 0 else 'CR'}",
    lambda c: f"({format_plain(-c)})" if c < 0 else format_plain(c),
)


@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
            # Twenty lines whose running balance stays within the book's limit.
            st.integers(-(5 * 10**8), 5 * 10**8).filter(bool),
            st.sampled_from(range(len(_STYLES))),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_amounts_and_dates_round_trip_through_a_generated_csv(
    rows: list[tuple[dt.date, int, int]],
) -> None:
    out = ["Date,Description,Amount,Balance"]
    balance = 0
    for day, cents, style in rows:
        balance += cents
        amount, running = _STYLES[style](cents), _STYLES[style](balance)
        out.append(f'{day.isoformat()},"X {cents}","{amount}","{running}"')
    statement = read("\n".join(out) + "\n")
    assert [(x.date, x.amount_cents) for x in statement.lines] == [(d, c) for d, c, _ in rows]
    assert statement.opening_balance_cents == 0
    assert statement.closing_balance_cents == balance
    assert statement.warnings == ()
