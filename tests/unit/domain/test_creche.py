"""Tests for crechebooks_desktop.domain.creche (settings read from text)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crechebooks_desktop.domain.creche import (
    SETTING_KEYS,
    CrecheSettings,
    NewCreche,
    parse_due_day,
    parse_invoice_prefix,
    parse_money_style,
    parse_sibling_discounts,
    parse_vat_number,
    parse_yes_no,
)
from crechebooks_desktop.domain.delivery import SmtpSecurity, SmtpSettings

BASE = CrecheSettings(tenant_id=3, name="Little Acorns")

GOOD: list[tuple[str, str, Any]] = [
    ("name", "  Baobab Preschool ", "Baobab Preschool"),
    ("name", "x" * 200, "x" * 200),
    ("trading_name", " Baobab (Pty) Ltd ", "Baobab (Pty) Ltd"),
    ("trading_name", "   ", None),
    ("trading_name", "t" * 200, "t" * 200),
    ("address", "14 Jacaranda Ave, Ferndale", "14 Jacaranda Ave, Ferndale"),
    ("address", "a" * 500, "a" * 500),
    ("address", "", None),
    ("phone", "011 787 4421", "011 787 4421"),
    ("phone", "", None),
    ("email", "accounts@acorns.co.za", "accounts@acorns.co.za"),
    ("email", " ", None),
    ("vat_number", "4123456789", "4123456789"),
    ("vat_number", " 412 345 6789 ", "4123456789"),
    ("vat_number", "", None),
    ("prices_include_vat", "no", False),
    ("prices_include_vat", " YES ", True),
    ("invoice_prefix", " inv ", "INV"),
    ("invoice_prefix", "A1B2C3D4E5", "A1B2C3D4E5"),
    ("due_day", "1", 1),
    ("due_day", " 28 ", 28),
    ("sibling_discounts", "0,10,15", "0,10,15"),
    ("sibling_discounts", " 0 , 10.50, 15.0 ", "0,10.5,15"),
    ("sibling_discounts", "1e2", "100"),
    ("sibling_discounts", "", ""),
    ("money_style", "comma_dot", "COMMA_DOT"),
    ("money_style", "SPACE_COMMA", "SPACE_COMMA"),
    ("bank_name", "FNB", "FNB"),
    ("bank_name", "", None),
    ("bank_account_name", "Little Acorns", "Little Acorns"),
    ("bank_account_number", "62812345678", "62812345678"),
    ("bank_branch_code", "250655", "250655"),
    ("bank_branch_code", "", None),
    ("categorise_confidence", " 90 ", 90),
    ("categorise_confidence", "0", 0),
    ("smtp_host", " mail.littleacorns.co.za ", "mail.littleacorns.co.za"),
    ("smtp_host", "", None),
    ("smtp_port", " 587 ", 587),
    ("smtp_port", "65535", 65535),
    ("smtp_port", "", None),
    ("smtp_security", " SSL ", "ssl"),
    ("smtp_security", "none", "none"),
    ("smtp_user", "office@littleacorns.co.za", "office@littleacorns.co.za"),
    ("smtp_user", "", None),
    ("smtp_from", " accounts@littleacorns.co.za ", "accounts@littleacorns.co.za"),
    ("smtp_from", "", None),
    ("reminder_min_cents", "5000", 5000),
    ("reminder_min_cents", " 0 ", 0),
    ("billing_day", "25", 25),
    ("billing_day", "", None),
    ("s3_bucket", " littleacorns-archive.2026 ", "littleacorns-archive.2026"),
    ("s3_bucket", "abc", "abc"),
    ("s3_bucket", "", None),
    ("s3_region", " af-south-1 ", "af-south-1"),
    ("s3_region", "", None),
    ("s3_prefix", " /books/acorns/ ", "books/acorns"),
    ("s3_prefix", "a_b!c.d*e'(f)-g", "a_b!c.d*e'(f)-g"),
    ("s3_prefix", "/", None),
]

BAD: list[tuple[str, str, str]] = [
    ("name", "   ", "cannot be blank"),
    ("name", "x" * 201, "at most 200 characters"),
    ("trading_name", "t" * 201, "at most 200 characters"),
    ("address", "a" * 501, "at most 500 characters"),
    ("phone", "0" * 41, "at most 40 characters"),
    ("email", "e" * 201, "at most 200 characters"),
    ("vat_number", "5123456789", "a South African VAT number has 10 digits and starts with 4"),
    ("vat_number", "412345678", "a South African VAT number has 10 digits and starts with 4"),
    ("vat_number", "41234567890", "a South African VAT number has 10 digits and starts with 4"),
    ("vat_number", "412345678a", "a South African VAT number has 10 digits and starts with 4"),
    ("prices_include_vat", "maybe", "expected yes or no, not 'maybe'"),
    ("prices_include_vat", "", "expected yes or no, not ''"),
    ("invoice_prefix", "", "invoice prefix must be 1 to 10 letters or digits"),
    ("invoice_prefix", "A1B2C3D4E5F", "invoice prefix must be 1 to 10 letters or digits"),
    ("invoice_prefix", "IN-V", "invoice prefix must be 1 to 10 letters or digits"),
    ("due_day", "0", "due day must be from 1 to 28 so that every month has it"),
    ("due_day", "29", "due day must be from 1 to 28 so that every month has it"),
    ("due_day", "7.5", "due day must be a whole number, not '7.5'"),
    ("due_day", "", "due day must be a whole number, not ''"),
    ("sibling_discounts", "0,ten", "sibling discount 'ten' is not a number"),
    ("sibling_discounts", "0,101", "sibling discount 101 must be between 0 and 100"),
    ("sibling_discounts", "-5", "sibling discount -5 must be between 0 and 100"),
    ("sibling_discounts", "NaN", "sibling discount NaN must be between 0 and 100"),
    ("sibling_discounts", "10,,15", "sibling discount '' is not a number"),
    ("money_style", "dollars", "money style is SPACE_COMMA (R 1 234,56) or COMMA_DOT"),
    ("bank_name", "b" * 101, "at most 100 characters"),
    ("bank_account_name", "b" * 201, "at most 200 characters"),
    ("bank_account_number", "1" * 41, "at most 40 characters"),
    ("bank_branch_code", "1" * 21, "at most 20 characters"),
    ("categorise_confidence", "101", "confidence must be from 0 to 100"),
    ("categorise_confidence", "high", "confidence must be a whole number"),
    ("smtp_host", "mail server", "'mail server' is not a server name"),
    ("smtp_port", "0", "port must be from 1 to 65535"),
    ("smtp_port", "65536", "port must be from 1 to 65535"),
    ("smtp_port", "smtp", "port must be a whole number, not 'smtp'"),
    ("smtp_security", "tls", "security is none, starttls or ssl"),
    ("smtp_security", "", "security is none, starttls or ssl"),
    ("smtp_user", "u" * 201, "at most 200 characters"),
    ("smtp_from", "accounts", "'accounts' is not an e-mail address"),
    ("smtp_from", "Acorns <a@b.co>", "'Acorns <a@b.co>' is not an e-mail address"),
    ("reminder_min_cents", "R 50", "give whole cents, e.g. 5000 for R 50,00 (got 'R 50')"),
    ("reminder_min_cents", "-1", "the minimum for a reminder cannot be less than zero"),
    ("billing_day", "29", "billing day must be from 1 to 28, or blank to bill by hand"),
    ("s3_bucket", "ab", "a bucket name has 3 to 63 characters"),
    ("s3_bucket", "a" * 64, "a bucket name has 3 to 63 characters"),
    ("s3_bucket", "Little-Acorns", "'Little-Acorns' is not a bucket name: lowercase letters"),
    ("s3_bucket", "acorns_archive", "'acorns_archive' is not a bucket name: lowercase letters"),
    ("s3_bucket", "-acorns", "'-acorns' is not a bucket name: lowercase letters"),
    ("s3_bucket", "acorns.", "'acorns.' is not a bucket name: lowercase letters"),
    ("s3_bucket", "acorns..archive", "'acorns..archive' is not a bucket name: a dot must"),
    ("s3_bucket", "acorns.-archive", "'acorns.-archive' is not a bucket name: a dot must"),
    ("s3_bucket", "192.168.5.4", "'192.168.5.4' is not a bucket name: it is written as an IP"),
    ("s3_bucket", "xn--acorns", "'xn--acorns' is not a bucket name: S3 reserves"),
    ("s3_bucket", "sthree-acorns", "'sthree-acorns' is not a bucket name: S3 reserves"),
    ("s3_bucket", "acorns-s3alias", "'acorns-s3alias' is not a bucket name: S3 reserves"),
    ("s3_bucket", "acorns--ol-s3", "'acorns--ol-s3' is not a bucket name: S3 reserves"),
    ("s3_region", "Af South 1", "'Af South 1' is not a region, e.g. af-south-1"),
    ("s3_region", "af-south-", "'af-south-' is not a region"),
    ("s3_region", "a" * 41, "'" + "a" * 41 + "' is not a region"),
    ("s3_prefix", "p" * 201, "at most 200 characters"),
    ("s3_prefix", "books//acorns", "'books//acorns' has an empty folder"),
    ("s3_prefix", "books/../acorns", "'..' cannot be a folder of the prefix"),
    ("s3_prefix", "books acorns", "'books acorns' cannot be a folder of the prefix"),
    ("s3_prefix", "büchér", "'büchér' cannot be a folder of the prefix"),
]


def test_every_setting_is_covered() -> None:
    assert {key for key, _, _ in GOOD} == set(SETTING_KEYS)
    assert {key for key, _, _ in BAD} == set(SETTING_KEYS)
    assert set(SETTING_KEYS) == {
        "name",
        "trading_name",
        "address",
        "phone",
        "email",
        "vat_number",
        "prices_include_vat",
        "invoice_prefix",
        "due_day",
        "sibling_discounts",
        "money_style",
        "bank_name",
        "bank_account_name",
        "bank_account_number",
        "bank_branch_code",
        "categorise_confidence",
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_user",
        "smtp_from",
        "reminder_min_cents",
        "billing_day",
        "s3_bucket",
        "s3_region",
        "s3_prefix",
    }


@pytest.mark.parametrize(("key", "text", "value"), GOOD)
def test_good_values(key: str, text: str, value: Any) -> None:
    changed = BASE.with_value(key, text)
    assert getattr(changed, key) == value
    assert changed.tenant_id == 3
    others = {k: v for k, v in changed.as_dict().items() if k not in {key, "vat_registered"}}
    assert others == {k: v for k, v in BASE.as_dict().items() if k not in {key, "vat_registered"}}


@pytest.mark.parametrize(("key", "text", "message"), BAD)
def test_bad_values(key: str, text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        BASE.with_value(key, text)
    assert str(caught.value).startswith(message)


def test_unknown_setting() -> None:
    with pytest.raises(ValueError, match=r"unknown setting 'colour'; settings are: address, ") as e:
        BASE.with_value("colour", "blue")
    assert str(e.value).endswith("trading_name, vat_number")


def test_defaults_and_as_dict() -> None:
    assert BASE.as_dict() == {
        "tenant_id": 3,
        "name": "Little Acorns",
        "trading_name": None,
        "address": None,
        "phone": None,
        "email": None,
        "vat_number": None,
        "prices_include_vat": True,
        "invoice_prefix": "INV",
        "due_day": 7,
        "sibling_discounts": "",
        "money_style": "SPACE_COMMA",
        "bank_name": None,
        "bank_account_name": None,
        "bank_account_number": None,
        "bank_branch_code": None,
        "categorise_confidence": 80,
        "smtp_host": None,
        "smtp_port": None,
        "smtp_security": "starttls",
        "smtp_user": None,
        "smtp_from": None,
        "reminder_min_cents": 5000,
        "billing_day": None,
        "s3_bucket": None,
        "s3_region": None,
        "s3_prefix": None,
        "vat_registered": False,
    }


def test_vat_registered_follows_the_vat_number() -> None:
    registered = BASE.with_value("vat_number", "4123456789")
    assert registered.vat_registered is True
    assert registered.as_dict()["vat_registered"] is True
    assert registered.with_value("vat_number", " ").vat_registered is False


def test_sibling_schedule() -> None:
    assert BASE.sibling_schedule == ()
    schedule = BASE.with_value("sibling_discounts", "0, 10, 12.5").sibling_schedule
    assert schedule == (Decimal(0), Decimal(10), Decimal("12.5"))


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("", ()),
        ("   ", ()),
        ("0", (Decimal(0),)),
        ("0,10,15", (Decimal(0), Decimal(10), Decimal(15))),
        ("100", (Decimal(100),)),
        ("5.25, 0", (Decimal("5.25"), Decimal(0))),
    ],
)
def test_parse_sibling_discounts(text: str, schedule: tuple[Decimal, ...]) -> None:
    assert parse_sibling_discounts(text) == schedule


@pytest.mark.parametrize("text", ["NaN", "sNaN", "-0.01", "100.01", "Infinity", "x", "0;10"])
def test_parse_sibling_discounts_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"^sibling discount "):
        parse_sibling_discounts(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("true", True),
        ("1", True),
        (" no ", False),
        ("N", False),
        ("FALSE", False),
        ("0", False),
    ],
)
def test_yes_no(text: str, value: bool) -> None:
    assert parse_yes_no(text) is value


@pytest.mark.parametrize("text", ["", "ja", "2", "yes please", "on"])
def test_yes_no_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="expected yes or no"):
        parse_yes_no(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4123456789", "4123456789"),
        ("4 1 2 3 4 5 6 7 8 9", "4123456789"),
        ("\t4123456789\n", "4123456789"),
        ("", None),
        ("   ", None),
    ],
)
def test_vat_number(text: str, value: str | None) -> None:
    assert parse_vat_number(text) == value


@pytest.mark.parametrize(
    "text", ["0123456789", "412345678", "41234567890", "4123-456789", "VAT4123456789"]
)
def test_vat_number_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="10 digits and starts with 4"):
        parse_vat_number(text)


def test_small_parsers() -> None:
    assert parse_due_day("15") == 15
    assert parse_invoice_prefix("abc") == "ABC"
    assert parse_money_style(" comma_dot") == "COMMA_DOT"


def test_new_creche_defaults() -> None:
    new = NewCreche(name="Acorns")
    assert (new.vat_number, new.prices_include_vat, new.sibling_discounts) == ("", "yes", "")
    assert (new.due_day, new.invoice_prefix, new.admin_username) == ("7", "INV", "admin")
    assert (new.admin_full_name, new.admin_password) == (None, None)


def test_smtp_is_set_with_a_host_and_a_sender() -> None:
    assert BASE.smtp is None
    assert BASE.with_value("smtp_host", "mail.example.co.za").smtp is None
    ready = BASE.with_value("smtp_host", "mail.example.co.za").with_value(
        "smtp_from", "accounts@example.co.za"
    )
    assert ready.smtp == SmtpSettings(
        "mail.example.co.za", 587, SmtpSecurity.STARTTLS, None, "accounts@example.co.za"
    )
    assert ready.with_value("smtp_security", "ssl").smtp.port == 465  # type: ignore[union-attr]
    assert ready.with_value("smtp_security", "none").smtp.port == 25  # type: ignore[union-attr]
    own = ready.with_value("smtp_port", "2525").with_value("smtp_user", "office")
    assert own.smtp is not None
    assert (own.smtp.port, own.smtp.user) == (2525, "office")
    assert own.smtp.secret_key == "smtp:office@mail.example.co.za"
