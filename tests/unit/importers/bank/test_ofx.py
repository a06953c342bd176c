"""OFX 1.x/2.x and QFX: the quirks real banks send, and files that must be refused."""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import read_statement

SGML_HEADER = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:{charset}
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

"""


def sgml(body: str, charset: str = "1252", statement: str = "STMTRS") -> str:
    """An OFX 1.x file around some STMTTRNs (line 14 is the first body line)."""
    account = (
        "<CCACCTFROM><ACCTID>4000123412341234</CCACCTFROM>"
        if statement == "CCSTMTRS"
        else "<BANKACCTFROM><BANKID>250655<ACCTID>62000000001<ACCTTYPE>CHECKING</BANKACCTFROM>"
    )
    wrapper = "CREDITCARDMSGSRSV1" if statement == "CCSTMTRS" else "BANKMSGSRSV1"
    return (
        SGML_HEADER.format(charset=charset)
        + f"<OFX><{wrapper}><STMTTRNRS><TRNUID>1\n"
        + f"<{statement}><CURDEF>ZAR{account}\n"
        + "<BANKTRANLIST><DTSTART>20260301<DTEND>20260331\n"
        + body
        + "</BANKTRANLIST><LEDGERBAL><BALAMT>1500,50<DTASOF>20260331</LEDGERBAL>\n"
        + f"</{statement}></STMTTRNRS></{wrapper}></OFX>\n"
    )


def trn(amount: str, date: str = "20260301", fitid: str = "F1", name: str = "A PARENT") -> str:
    return f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{date}<TRNAMT>{amount}<FITID>{fitid}<NAME>{name}\n"


def read(text: str, name: str = "march.ofx", encoding: str = "cp1252") -> object:
    return read_statement(text.encode(encoding), name)


def test_sgml_without_closing_tags_comma_decimals_and_time_zones() -> None:
    body = (
        trn("1234,56", "20260301120000[-5:EST]", "F1", "DLAMINI")
        + trn("-50,00", "20260302000000.000[+2]", "F2", "FEE")
        + trn("+10.5", "20260303235959.123[+2:SAST]", "F3", "NAIDOO")
    )
    statement = read_statement(sgml(body).encode(), "march.ofx")
    assert [(line.line_no, line.date, line.amount_cents) for line in statement.lines] == [
        (14, dt.date(2026, 3, 1), 123456),
        (15, dt.date(2026, 3, 2), -5000),
        (16, dt.date(2026, 3, 3), 1050),
    ]
    assert statement.closing_balance_cents == 150050
    assert (statement.period_start, statement.period_end) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    assert statement.warnings == ()


def test_empty_fitid_is_none_and_zero_lines_are_skipped_with_a_warning() -> None:
    body = (
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260301<TRNAMT>100.00<FITID><NAME>A\n"
        + trn("0.00", fitid="F9", name="BALANCE NOTICE")
        + "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260301<TRNAMT>5.00<FITID>   <NAME>B</STMTTRN>\n"
    )
    statement = read_statement(sgml(body).encode(), "z.ofx")
    assert [(line.fitid, line.amount_cents) for line in statement.lines] == [
        (None, 10000),
        (None, 500),
    ]
    assert statement.warnings == (
        "z.ofx:15: a line of R 0,00 (a notice, not a transaction) was skipped",
    )


def test_credit_card_statement() -> None:
    statement = read_statement(sgml(trn("-99.99"), statement="CCSTMTRS").encode(), "card.qfx")
    assert [line.amount_cents for line in statement.lines] == [-9999]
    assert statement.file_format == "ofx"


def test_name_and_memo_are_joined_without_repeating_and_references_kept_apart() -> None:
    body = (
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260301<TRNAMT>4500.00<FITID>1"
        "<CHECKNUM>000<REFNUM>DLAMINI01<NAME>MR  S DLAMINI<MEMO>MR S DLAMINI FEES MARCH\n"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260301<TRNAMT>10.00<FITID>2"
        "<NAME>CASH DEPOSIT<MEMO>BRANCH 123\n"
        "<STMTTRN><TRNTYPE>SRVCHG<DTPOSTED>20260301<TRNAMT>-6.00<FITID>3\n"
    )
    lines = read_statement(sgml(body).encode(), "m.ofx").lines
    assert [(x.description, x.payer, x.reference) for x in lines] == [
        ("MR S DLAMINI FEES MARCH", "MR S DLAMINI", "DLAMINI01"),
        ("CASH DEPOSIT | BRANCH 123", "CASH DEPOSIT", None),
        ("SRVCHG", None, None),
    ]


def test_windows_1252_and_utf8_text() -> None:
    body = trn("1.00", name="ZOË MÜLLER – FEES")
    assert read_statement(sgml(body).encode("cp1252"), "a.ofx").lines[0].payer == (
        "ZOË MÜLLER – FEES"
    )
    # Declared 1252 but sent as UTF-8: the UTF-8 is believed.
    assert read_statement(sgml(body).encode(), "b.ofx").lines[0].payer == "ZOË MÜLLER – FEES"
    declared_utf8 = sgml(body, charset="UTF-8").encode()
    assert read_statement(declared_utf8, "c.ofx").lines[0].payer == "ZOË MÜLLER – FEES"


def test_ofx2_xml_with_cdata_entities_lower_case_and_comments() -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>
<!-- a comment
     over two lines -->
<BANKTRANLIST>
<stmttrn><trntype>CREDIT</trntype><dtposted>20260305</dtposted><trnamt>250.00</trnamt>
<fitid>X1</fitid><name><![CDATA[SMITH & SONS <PTY>]]></name><memo>A &amp; B &#233;</memo>
</stmttrn>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260306</DTPOSTED><TRNAMT>-1.00</TRNAMT><FITID/>
</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"""
    lines = read_statement(text.encode(), "x.ofx").lines
    assert [(x.line_no, x.payer, x.description, x.fitid) for x in lines] == [
        (7, "SMITH & SONS <PTY>", "SMITH & SONS <PTY> | A & B é", "X1"),
        (10, None, "DEBIT", None),
    ]


def test_several_statements_of_one_account_are_read_as_one() -> None:
    one = sgml(trn("1.00", "20260301", "A"))
    two = one.replace("<TRNAMT>1.00<FITID>A", "<TRNAMT>2.00<FITID>B").replace(
        "<DTEND>20260331", "<DTEND>20260415"
    )
    both = one.replace("</BANKMSGSRSV1></OFX>", "") + two[two.index("<STMTTRNRS>") :]
    statement = read_statement(both.encode(), "two.ofx")
    assert [line.amount_cents for line in statement.lines] == [100, 200]
    assert statement.period_end == dt.date(2026, 4, 15)


def test_statements_of_different_accounts_are_refused_naming_them() -> None:
    one = sgml(trn("1.00"))
    other = one.replace("62000000001", "62999999999")
    both = one.replace("</BANKMSGSRSV1></OFX>", "") + other[other.index("<STMTTRNRS>") :]
    with pytest.raises(UserFacingError, match=r"2 accounts \(250655 62000000001, 250655 62999"):
        read_statement(both.encode(), "two.ofx")


def test_truncated_file_is_refused() -> None:
    text = sgml(trn("1.00") + trn("2.00"))
    with pytest.raises(UserFacingError, match=r"cut\.ofx stops before </OFX>"):
        read_statement(text[: len(text) // 2].encode(), "cut.ofx")


def test_bad_dates_and_amounts_are_listed_with_their_lines() -> None:
    body = (
        trn("1.00", "2026-03-01")
        + trn("abc")
        + trn("1.005")
        + trn("1.00", "20260231")
        + "<STMTTRN><TRNTYPE>CREDIT<FITID>Q\n"
    )
    with pytest.raises(ProblemsError) as caught:
        read_statement(sgml(body).encode(), "bad.ofx")
    assert [str(p) for p in caught.value.problems] == [
        "bad.ofx:14: DTPOSTED: not an OFX date: '2026-03-01' (expected YYYYMMDD...)",
        "bad.ofx:15: TRNAMT: not an amount: 'abc'",
        "bad.ofx:16: TRNAMT: fraction of a cent in '1.005'",
        "bad.ofx:17: DTPOSTED: 20260231 is not a day (February 2026 has 28 days)",
        "bad.ofx:18: DTPOSTED: missing",
        "bad.ofx:18: TRNAMT: missing",
    ]
    assert str(caught.value).startswith("bad.ofx was not imported (6 problems)")


def test_a_file_without_a_bank_statement_is_refused() -> None:
    investment = SGML_HEADER.format(charset="1252") + (
        "<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><DTASOF>20260301"
        "</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>"
    )
    with pytest.raises(UserFacingError, match="an investment statement"):
        read_statement(investment.encode(), "inv.ofx")
    with pytest.raises(UserFacingError, match="has no statement"):
        read_statement(b"OFXHEADER:100\n\n<OFX></OFX>", "empty.ofx")


def test_a_transaction_outside_a_list_is_a_problem() -> None:
    text = SGML_HEADER.format(charset="1252") + (
        "<OFX><STMTRS>\n" + trn("1.00") + "<BANKTRANLIST></BANKTRANLIST></STMTRS></OFX>"
    )
    with pytest.raises(ProblemsError, match=r"o\.ofx:12: STMTTRN: a transaction outside"):
        read_statement(text.encode(), "o.ofx")


def test_forced_ofx_format_on_a_csv_says_it_is_not_ofx() -> None:
    with pytest.raises(UserFacingError, match=r"x\.csv is not an OFX file"):
        read_statement(b"Date,Amount\n2026-03-01,1.00\n", "x.csv", file_format="ofx")


# --------------------------------------------------------------------------- balances (issue 14)

NO_CLOSING = "the closing balance is not known; the lines are imported without it"
NO_AMOUNT = f"the ledger balance (<LEDGERBAL>) has no amount (BALAMT): {NO_CLOSING}"
XML_WITH_EMPTY_LEDGER_BALANCE = """<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>ZAR</CURDEF>
<BANKTRANLIST><DTSTART>20260301</DTSTART><DTEND>20260331</DTEND>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20260305</DTPOSTED><TRNAMT>4850.00</TRNAMT>
<FITID>X1</FITID><NAME>DLAMINI</NAME></STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT></BALAMT><DTASOF>20260331</DTASOF></LEDGERBAL>
<AVAILBAL><BALAMT/><DTASOF></DTASOF></AVAILBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def test_sgml_with_an_empty_ledger_balance_imports_its_lines_with_a_warning() -> None:
    text = sgml(trn("4850.00") + trn("-6.00", fitid="F2", name="FEE")).replace(
        "<LEDGERBAL><BALAMT>1500,50<DTASOF>20260331</LEDGERBAL>",
        "<LEDGERBAL><BALAMT></BALAMT><DTASOF>20260331</LEDGERBAL>",
    )
    statement = read_statement(text.encode(), "empty.ofx")
    assert [line.amount_cents for line in statement.lines] == [485_000, -600]
    assert statement.closing_balance_cents is None
    assert statement.warnings == (f"empty.ofx:16: {NO_AMOUNT}",)


def test_sgml_with_a_ledger_balance_without_its_date_keeps_the_amount() -> None:
    text = sgml(trn("1.00")).replace("<DTASOF>20260331</LEDGERBAL>", "<DTASOF></LEDGERBAL>")
    statement = read_statement(text.encode(), "nodate.ofx")
    assert statement.closing_balance_cents == 150_050
    assert statement.warnings == (
        "nodate.ofx:15: the ledger balance (<LEDGERBAL>) has no date (DTASOF)",
    )


def test_xml_with_empty_ledger_and_available_balances_imports_with_warnings() -> None:
    statement = read_statement(XML_WITH_EMPTY_LEDGER_BALANCE.encode(), "march.ofx")
    assert [(line.line_no, line.amount_cents) for line in statement.lines] == [(5, 485_000)]
    assert (statement.closing_balance_cents, statement.period_end) == (None, dt.date(2026, 3, 31))
    assert statement.warnings == (
        f"march.ofx:8: {NO_AMOUNT}",
        (
            "march.ofx:9: the available balance (<AVAILBAL>) has no amount (BALAMT) and "
            "no date (DTASOF): it is not used"
        ),
    )


def test_a_statement_without_a_ledger_balance_imports_with_a_warning() -> None:
    text = sgml(trn("1.00")).replace("<LEDGERBAL><BALAMT>1500,50<DTASOF>20260331</LEDGERBAL>", "")
    statement = read_statement(text.encode(), "nobal.ofx")
    assert [line.amount_cents for line in statement.lines] == [100]
    assert statement.closing_balance_cents is None
    assert statement.warnings == (f"nobal.ofx:12: no ledger balance (<LEDGERBAL>): {NO_CLOSING}",)


def test_a_ledger_balance_that_is_not_an_amount_still_refuses_the_file() -> None:
    text = sgml(trn("1.00")).replace("<BALAMT>1500,50", "<BALAMT>N/A")
    with pytest.raises(ProblemsError, match=r"bad\.ofx:15: BALAMT: not an amount: 'N/A'"):
        read_statement(text.encode(), "bad.ofx")
