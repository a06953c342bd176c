"""Names and references in files are one line of text; a bank's text is folded (issue 10)."""

from __future__ import annotations

import csv
import io

import pytest

from crechebooks_desktop.importers.balances_csv import parse_balances
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.importers.fees_csv import parse_fees
from crechebooks_desktop.importers.roster_csv import parse_roster
from crechebooks_desktop.importers.tabular import parse_table
from tests.roster_support import ROSTER_HEADER

SUFFIX = "; it must be one line of text, without control characters"
ROSTER_ROW = {
    "household_ref": "ZULU11",
    "parent_name": "Mrs Busi Zulu",
    "parent_email": "busi@example.com",
    "parent_phone": "082 555 1111",
    "child_ref": "ZULU11-1",
    "child_first_name": "Musa",
    "child_last_name": "Zulu",
    "child_dob": "2022-05-05",
    "fee_name": "Full Day",
    "start_date": "2026-02-02",
    "end_date": "",
    "extras": "",
}


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _roster_problems(**values: str) -> list[str]:
    row = {**ROSTER_ROW, **values}
    text = _csv([[*ROSTER_HEADER.split(","), "extras"], [row[name] for name in row]])
    return [str(p) for p in parse_roster(parse_table(text, "roster.csv")).problems]


@pytest.mark.parametrize(
    ("field", "value", "what"),
    [
        ("parent_name", "Mrs Busi\nZulu", "a line break"),
        ("parent_name", "Mrs Busi\r\nZulu", "a line break"),
        ("child_first_name", "Mu\tsa", "a tab"),
        ("child_last_name", "Zulu\u2028Dlamini", "a line break"),
        ("parent_email", "busi@example.com\x0bx", "a line break"),
        ("parent_phone", "082\x1b[2J", "a control character (U+001B)"),
        ("household_ref", "ZULU\n11", "a line break"),
        ("child_ref", "ZULU11-\x851", "a line break"),
        ("fee_name", "Full\tDay", "a tab"),
    ],
)
def test_a_roster_value_with_a_control_character_is_a_problem(
    field: str, value: str, what: str
) -> None:
    assert _roster_problems(**{field: value}) == [f"roster.csv:2: {field}: contains {what}{SUFFIX}"]


def test_an_extra_whose_description_has_a_line_break_is_a_problem() -> None:
    assert _roster_problems(extras="MEALS:400.00:Hot\nlunches") == [
        f"roster.csv:2: extras: item 1: contains a line break{SUFFIX}"
    ]


def test_fee_names_and_balance_references_are_one_line() -> None:
    fees = _csv(
        [
            ["name", "fee_type", "amount", "registration_fee", "re_registration_fee"],
            ["Full\nDay", "FULL_DAY", "4850.00", "", ""],
        ]
    )
    assert [str(p) for p in parse_fees(parse_table(fees, "fees.csv")).problems] == [
        f"fees.csv:2: name: contains a line break{SUFFIX}"
    ]
    balances = _csv([["household_ref", "amount", "as_of"], ["ZULU11\t", "1.00", "2026-01-01"]])
    assert parse_balances(parse_table(balances, "b.csv")).problems == ()  # trailing: trimmed
    balances = _csv([["household_ref", "amount", "as_of"], ["ZU\tLU11", "1.00", "2026-01-01"]])
    assert [str(p) for p in parse_balances(parse_table(balances, "b.csv")).problems] == [
        f"b.csv:2: household_ref: contains a tab{SUFFIX}"
    ]


def test_bank_text_is_folded_onto_one_line() -> None:
    csv_file = _csv(
        [
            ["Date", "Description", "Amount", "Reference"],
            ["2026-03-02", "MAGTAPE CREDIT\r\nDLAMINI\t\x07FEES", "4850.00", "DLAMINI01\nMARCH"],
        ]
    ).encode()
    (line,) = read_statement(csv_file, "bank.csv").lines
    assert line.description == "MAGTAPE CREDIT DLAMINI FEES"
    ofx = (
        b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
        b"<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260302<TRNAMT>4850.00"
        b"<FITID>1<NAME>DLAMINI\tN\x07<MEMO>SCHOOL\x0bFEES</STMTTRN>"
        b"</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    (line,) = read_statement(ofx, "bank.ofx").lines
    assert (line.description, line.payer) == ("DLAMINI N | SCHOOL FEES", "DLAMINI N")
