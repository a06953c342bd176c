"""The public entry points: recognising a format, and the arguments read_statement takes."""

from __future__ import annotations

import pytest

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import detect_format, read_statement
from crechebooks_desktop.importers.bank.amounts import parse_bank_amount, parse_ofx_amount
from crechebooks_desktop.importers.bank.common import describe


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX>", "ofx"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?>\n<OFX>', "ofx"),
        (b"<ofx>\n<bankmsgsrsv1>", "ofx"),
        (b"!Type:Bank\nD1/1/26\n", "qif"),
        (b"### comment\n\n!Account\nNCheque\n", "qif"),
        (b"!Option:AutoSwitch\n", "qif"),
        (b"Date,Description,Amount\n", "csv"),
        (b"Date;Omskrywing;Bedrag\n", "csv"),
        (b"Date\tDescription\tAmount\n", "csv"),
    ],
)
def test_detect_format_from_content_not_name(data: bytes, expected: str) -> None:
    assert detect_format(data, "whatever.txt") == expected


def test_detect_format_refuses_text_in_no_known_format() -> None:
    with pytest.raises(UserFacingError, match=r"notes\.txt is not a bank statement in a known"):
        detect_format(b"Dear parents\nThe creche closes early\n", "notes.txt")


def test_read_statement_refuses_unknown_arguments() -> None:
    with pytest.raises(ValueError, match="unknown file format 'xlsx'"):
        read_statement(b"x", "x", file_format="xlsx")
    with pytest.raises(ValueError, match="unknown CSV profile 'bank of mars'"):
        read_statement(b"x", "x", profile="bank of mars")


def test_qfx_is_ofx() -> None:
    data = b"OFXHEADER:100\n\n<OFX><STMTRS><BANKTRANLIST></BANKTRANLIST></STMTRS></OFX>"
    statement = read_statement(data, "a.qfx", file_format="qfx")
    assert (statement.file_format, statement.lines) == ("ofx", ())
    assert statement.warnings == (
        (
            "a.qfx:3: no ledger balance (<LEDGERBAL>): the closing balance is not known; "
            "the lines are imported without it"
        ),
        "a.qfx: no transactions in the file",
    )


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("-60.00", -6000),
        ("1234,56", 123456),
        ("+.5", 50),
        ("12.3400", 1234),
        ("-0,01", -1),
        ("1,234.56", 123456),
        ("100", 10000),
    ],
)
def test_ofx_amounts(text: str, cents: int) -> None:
    assert parse_ofx_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [("1.005", "fraction of a cent"), ("-", "not an amount"), ("1e5", "not an amount")],
)
def test_bad_ofx_amounts(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ofx_amount(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [("-5.00 CR", "both a sign and CR"), ("-5.00-", "two minus signs"), ("abc DR", "not an")],
)
def test_bad_bank_amounts(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_bank_amount(text)


def test_describe_drops_repeats_and_blank_parts() -> None:
    assert describe("ACME", None, "  ", "acme  payment 1") == "acme payment 1"
    assert describe("A", "B", "a") == "A | B"
    assert describe(None, "") == ""
