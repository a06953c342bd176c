"""Phone numbers and account numbers read from bank text (domain.match_phones)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.match_phones import (
    PhoneIndex,
    account_numbers,
    number_keys,
    number_words,
    own_keys,
    phone_numbers,
    shown,
)
from crechebooks_desktop.domain.money import MoneyStyle, format_rands
from tests.matching_month import payee

# --- phone numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0821234567",
        "MAGIC 0821234567",
        "082 123 4567",
        "082-123-4567",
        "(082) 123 4567",
        "(082)123-4567",
        "+27 82 123 4567",
        "+27821234567",
        "+27-82-123-4567",
        "+27 (0)82 123 4567",
        "+27(0)821234567",
        "0027 82 123 4567",
        "27821234567",
        "PAYMENT RECEIVED 27 82 123 4567 THANKS",
        "CELL:0821234567",
        "CELL0821234567",  # banks run words together
        "FEES 03 2026 0821234567",  # other numbers beside it
    ],
)
def test_the_ways_a_number_is_written_normalise_alike(text: str) -> None:
    assert phone_numbers(text) == ("0821234567",)


@pytest.mark.parametrize(
    "text",
    [
        "INV-2026-000123",  # an invoice number
        "INV2026000123",
        "2026000123",
        "20260315",  # dates
        "2026-03-15",
        "15/03/2026",
        "27 03 2026",
        "R 3 500,00",  # amounts
        "3500.00",
        "350000",
        "62012345678",  # an FNB account number
        "8001015009087",  # a South African ID number
        "270821234567",  # 12 digits
        "08212345678",  # 11 digits
        "082123456",  # 9 digits
        "0021234567",  # no area code starts with 0
        "CASH DEPOSIT BRANCH 0412",
        "",
    ],
)
def test_what_is_not_a_phone_number(text: str) -> None:
    assert phone_numbers(text) == ()


def test_several_numbers_once_each_in_order() -> None:
    assert phone_numbers("082 123 4567 / +27 71 234 5678 or 0821234567") == (
        "0821234567",
        "0712345678",
    )
    assert phone_numbers(None) == ()
    assert shown("0821234567") == "082 123 4567"


subscribers = st.from_regex(r"[1-9][0-9]{8}", fullmatch=True)
no_digits = st.text(st.characters(codec="ascii", exclude_categories=["Nd"]), max_size=12)


def _written(subscriber: str, style: int) -> str:
    area, middle, last = subscriber[:2], subscriber[2:5], subscriber[5:]
    return (
        f"0{subscriber}",
        f"0{area} {middle} {last}",
        f"0{area}-{middle}-{last}",
        f"(0{area}) {middle} {last}",
        f"+27 {area} {middle} {last}",
        f"+27{subscriber}",
        f"27{subscriber}",
        f"0027{subscriber}",
        f"+27 (0){area} {middle} {last}",
    )[style]


@given(subscribers, st.integers(0, 8), no_digits, no_digits)
def test_any_number_in_any_form_is_found_among_text(
    subscriber: str, style: int, before: str, after: str
) -> None:
    text = f"{before} {_written(subscriber, style)} {after}"
    assert phone_numbers(text) == (f"0{subscriber}",)


@given(st.from_regex(r"[0-9]{1,20}", fullmatch=True), no_digits)
def test_a_number_is_never_read_inside_a_longer_or_shorter_run(digits: str, words: str) -> None:
    national = len(digits) == 10 and digits[0] == "0" and digits[1] != "0"
    international = (len(digits) == 11 and digits.startswith("27") and digits[2] != "0") or (
        len(digits) == 13 and digits.startswith("0027") and digits[4] != "0"
    )
    found = phone_numbers(f"{words} {digits} {words}")
    assert found == ((f"0{digits[-9:]}",) if national or international else ())


@given(st.integers(1, 10**11), st.sampled_from(list(MoneyStyle)))
def test_an_amount_is_never_a_phone_number(cents: int, style: MoneyStyle) -> None:
    assert phone_numbers(format_rands(cents, style)) == ()
    assert phone_numbers(f"{cents // 100}.{cents % 100:02d}") == ()


@given(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))
def test_a_date_is_never_a_phone_number(day: dt.date) -> None:
    for form in ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d%m%Y", "%y%m%d", "%d %b %Y"):
        assert phone_numbers(f"FEES {day:{form}}") == ()


# --- account numbers and alias keys ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("IB PAYMENT FROM 62012345678", ("62012345678",)),  # FNB, 11 digits
        ("ACB CREDIT CAPITEC 1051234567", ("1051234567",)),  # 10 digits
        ("ABSA 405123456", ("405123456",)),  # 9 digits
        ("MAGIC 0821234567", ()),  # a phone number
        ("27821234567", ()),
        ("TRACE 00000012345", ()),  # a padded id
        ("ACC62012345678", ()),  # glued to a word
        ("12345678", ()),  # too short
        ("620123456789", ()),  # too long
        ("8001015009087", ()),  # an ID number
        ("INV-2026-000123", ()),
        (None, ()),
    ],
)
def test_account_numbers(text: str | None, numbers: tuple[str, ...]) -> None:
    assert account_numbers(text) == numbers


def test_number_keys_phones_then_accounts_once_each() -> None:
    assert number_keys("IB PAYMENT FROM 62012345678 0821234567", "+27 82 123 4567", None) == (
        "tel:0821234567",
        "acct:62012345678",
    )
    assert number_keys("ACB CREDIT", None, "N DLAMINI") == ()


def test_number_words() -> None:
    assert number_words("tel:0821234567") == "phone number 082 123 4567"
    assert number_words("acct:62012345678") == "account number 62012345678"
    assert number_words("name:DLAMINI N") is None
    assert number_words("ref:0821234567") is None


def test_the_creches_own_numbers_make_keys_never_to_learn() -> None:
    assert own_keys(["011 787 4421", "628 1234 5678", None, "none"]) == {
        "tel:0117874421",
        "acct:0117874421",
        "ref:0117874421",
        "acct:62812345678",
        "ref:62812345678",
    }


# --- the index of the roster's numbers --------------------------------------------


def test_a_households_own_number_is_40_a_shared_one_15_each() -> None:
    index = PhoneIndex(
        [
            payee(1, "DLAMINI01", phones=["082 123 4567 / 071 234 5678"]),
            payee(2, "NAIDOO01", phones=["+27 83 555 0000"]),
            payee(3, "NAIDOO02", phones=["0835550000"]),
            payee(4, "BOTHA01"),
        ]
    )
    own = index.hits("MAGIC 0712345678", None, None)
    assert {i: (h.points, h.reason) for i, h in own.items()} == {
        0: (40, "phone number 071 234 5678 is the DLAMINI01 household's")
    }
    shared = index.hits("ACB CREDIT", "083-555-0000", None)
    assert {i: h.points for i, h in shared.items()} == {1: 15, 2: 15}
    assert shared[1].reason == (
        "phone number 083 555 0000 is shared by NAIDOO01 and NAIDOO02: it does not tell them apart"
    )
    # A household's own number wins over a shared one on the same line.
    both = index.hits("0821234567", "0835550000", None)
    assert {i: h.points for i, h in both.items()} == {0: 40, 1: 15, 2: 15}
    assert index.hits("0829999999", None, None) == {}
    assert PhoneIndex([payee(1, "X01")]).hits("0821234567", None, None) == {}


def test_a_number_on_many_rosters_tells_nothing() -> None:
    many = [payee(n, f"H{n:02d}", phones=["011 787 4421"]) for n in range(1, 7)]
    assert PhoneIndex(many).hits("0117874421", None, None) == {}
    assert set(PhoneIndex(many[:5]).hits("0117874421", None, None)) == set(range(5))
