"""Issue 10: a bank file's amounts are held to the book's limit, in every reader and notation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.money import MAX_AMOUNT_CENTS, format_plain, format_rands
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.importers.bank.amounts import parse_bank_amount, parse_ofx_amount
from tests.unit.importers.bank.test_ofx import sgml, trn

LIMIT = MAX_AMOUNT_CENTS
TOO_MUCH = "R 100 000 000,01 is more than the largest amount a book takes (R 100 000 000,00)"
TOO_LITTLE = "-R 100 000 000,01 is less than the smallest amount a book takes (-R 100 000 000,00)"

# How banks write an amount in a CSV or QIF file (fast path first).
BANK_NOTATIONS: tuple[Callable[[int], str], ...] = (
    format_plain,
    format_rands,
    lambda c: f"{format_plain(abs(c))} {'DR' if c < 0 else 'CR'}",
    lambda c: f"{format_plain(abs(c))}-" if c < 0 else format_plain(c),
    lambda c: f"({format_plain(-c)})" if c < 0 else format_plain(c),
)
# How OFX files write TRNAMT and BALAMT (fast path first).
OFX_NOTATIONS: tuple[Callable[[int], str], ...] = (
    format_plain,
    lambda c: format_plain(c).replace(".", ","),
    lambda c: f"{format_plain(c)}000",
    lambda c: f"+{format_plain(c)}" if c > 0 else format_plain(c),
)
WITHIN = st.integers(min_value=-LIMIT, max_value=LIMIT) | st.sampled_from((LIMIT, -LIMIT))
BEYOND = st.integers(min_value=LIMIT + 1, max_value=10**30) | st.just(LIMIT + 1)


@given(st.sampled_from(BANK_NOTATIONS), WITHIN, BEYOND, st.sampled_from((1, -1)))
def test_bank_amounts_up_to_the_limit_are_read_and_beyond_it_refused(
    write: Callable[[int], str], within: int, beyond: int, sign: int
) -> None:
    assert parse_bank_amount(write(within)) == within
    with pytest.raises(ValueError, match="a book takes"):
        parse_bank_amount(write(sign * beyond))


@given(st.sampled_from(OFX_NOTATIONS), WITHIN, BEYOND, st.sampled_from((1, -1)))
def test_ofx_amounts_up_to_the_limit_are_read_and_beyond_it_refused(
    write: Callable[[int], str], within: int, beyond: int, sign: int
) -> None:
    assert parse_ofx_amount(write(within)) == within
    with pytest.raises(ValueError, match="a book takes"):
        parse_ofx_amount(write(sign * beyond))


def test_an_ofx_file_with_an_amount_over_the_limit_is_refused_on_its_line() -> None:
    body = trn("100000000.00", fitid="F1") + trn("100000000.01", fitid="F2")
    body += trn("-100000000,01", fitid="F3")
    with pytest.raises(ProblemsError) as caught:
        read_statement(sgml(body).encode(), "march.ofx")
    assert [str(p) for p in caught.value.problems] == [
        f"march.ofx:15: TRNAMT: {TOO_MUCH}",
        f"march.ofx:16: TRNAMT: {TOO_LITTLE}",
    ]


def test_a_csv_statement_with_an_amount_or_balance_over_the_limit_is_refused() -> None:
    text = (
        "Date,Description,Amount,Balance\n"
        "2026-03-01,BIG,99999999999999.99,\n"
        "2026-03-02,FINE,100000000.00,\n"
        "2026-03-03,BALANCE,1.00,100000000.01\n"
    )
    with pytest.raises(ProblemsError) as caught:
        read_statement(text.encode(), "s.csv")
    big = format_rands(9_999_999_999_999_999)
    assert [str(p) for p in caught.value.problems] == [
        f"s.csv:2: Amount: {big} is more than the largest amount a book takes (R 100 000 000,00)",
        f"s.csv:4: Balance: {TOO_MUCH}",
    ]


def test_a_qif_file_with_an_amount_over_the_limit_is_refused() -> None:
    text = "!Type:Bank\nD03/01/2026\nT100,000,000.01\nPBIG\n^\nD03/02/2026\nT-5.00\n^\n"
    with pytest.raises(ProblemsError) as caught:
        read_statement(text.encode(), "s.qif")
    assert [str(p) for p in caught.value.problems] == [f"s.qif:2: T: {TOO_MUCH}"]
