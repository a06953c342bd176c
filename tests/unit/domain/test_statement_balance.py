"""Whether a statement file's balances add up (domain.statement_balance), and what clears a line."""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.domain.enums import BankLineStatus
from crechebooks_desktop.domain.reconciliation import LineFacts, cleared_by
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.domain.statement_balance import balance_problem

D = dt.date(2026, 3, 2)


def stmt(
    *lines: StatementLine, opening: int | None = None, closing: int | None = None
) -> Statement:
    return Statement("march.csv", "csv", "fnb", lines, opening, closing)


def line(n: int, cents: int, balance: int | None = None) -> StatementLine:
    return StatementLine(n, D, cents, f"line {n}", balance_cents=balance)


def test_balances_that_add_up_are_no_problem() -> None:
    assert balance_problem(stmt(line(2, 100, 1_100), line(3, -50, 1_050))) is None
    assert balance_problem(stmt(line(2, 100), line(3, -50), opening=1_000, closing=1_050)) is None
    assert balance_problem(stmt(line(2, 100), closing=5)) is None  # nothing to check it against
    assert balance_problem(stmt(line(2, 100, 5))) is None


def test_newest_first_files_add_up_backwards() -> None:
    assert balance_problem(stmt(line(2, -50, 1_050), line(3, 100, 1_100))) is None


def test_opening_and_lines_against_closing_like_a_failed_balance_assertion() -> None:
    found = balance_problem(stmt(line(2, 5_000), opening=10_000, closing=14_000))
    assert found == (
        "opening R 100,00 + lines R 50,00 = R 150,00, but the file says closing R 140,00: "
        "a difference of -R 10,00"
    )


def test_the_first_running_balance_jump_is_named_with_its_line() -> None:
    found = balance_problem(
        stmt(
            line(2, 100, 1_100),
            line(3, 100),  # no balance on this line: its amount still counts
            line(4, -50, 1_100),
            line(5, 10, 1_000),
        )
    )
    assert found == (
        "march.csv:4: the running balance jumps: the balance before and the amount -R 0,50 "
        "give R 11,50, but the file says R 11,00: a difference of -R 0,50 (1 more jumps after it)"
    )


def test_what_clears_a_line_in_words() -> None:
    matched = BankLineStatus.MATCHED
    assert cleared_by(matched, LineFacts(payment=(7, "DLAMINI01"), linked=True)) == (
        "linked to payment 7 of DLAMINI01"
    )
    refund = LineFacts(refund=(31, "BOTHA04"))
    assert cleared_by(matched, refund) == "linked to refund 31 of BOTHA04"
    two = LineFacts(categories=(("6200", "Utilities", -8_000), ("6500", "Bank charges", -2_000)))
    assert cleared_by(BankLineStatus.CATEGORISED, two) == (
        "6200 Utilities -R 80,00; 6500 Bank charges -R 20,00"
    )
    assert cleared_by(BankLineStatus.REVIEW, LineFacts(payment=(1, "X"))) is None
    assert cleared_by(BankLineStatus.SPLIT, LineFacts(), [True, False, False]) == (
        "split: 2 of 3 parts not cleared"
    )
