"""Gaps and balance breaks between a bank account's imports (services.bank.gaps), both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank.gaps import BalanceBreak, Gap, GapsReport, find_gaps

Creche = tuple[CrecheSettings, Actor]
D = dt.date
Line = tuple[dt.date, int]
OPENED = D(2026, 1, 31)
FEB_END = D(2026, 2, 28)


def statement(
    name: str,
    lines: list[Line],
    opening: int | None,
    *,
    closing: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> Statement:
    """A file of ``lines``; its closing balance is the opening plus the lines unless given."""
    if closing is None and opening is not None:
        closing = opening + sum(cents for _, cents in lines)
    start, end = period or (None, None)
    return Statement(
        name,
        "ofx" if name.endswith(".ofx") else "csv",
        None,
        tuple(
            StatementLine(n, day, cents, f"LINE {day} {cents}")
            for n, (day, cents) in enumerate(lines, start=2)
        ),
        opening_balance_cents=opening,
        closing_balance_cents=closing,
        period_start=start,
        period_end=end,
    )


def add_account(book: Book, creche: Creche, name: str, opening: int, as_of: dt.date | None) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        bank.add_account(uow, actor, name, "fnb", None, opening, as_of)


def take_in(book: Book, creche: Creche, account: str, *statements: Statement) -> None:
    settings, actor = creche
    for stmt in statements:
        with book.write(settings.tenant_id) as uow:
            bank.import_statement(uow, actor, account, stmt, stmt.file_name.ljust(64, "0"))


def report(book: Book, creche: Creche, account: str, actor: Actor | None = None) -> GapsReport:
    settings, admin = creche
    with book.read(settings.tenant_id) as uow:
        return find_gaps(uow, actor or admin, account)


def test_a_skipped_month_is_a_gap_and_the_next_opening_a_break(book: Book, creche: Creche) -> None:
    add_account(book, creche, "Cheque", 100_000, D(2025, 12, 31))
    take_in(
        book,
        creche,
        "Cheque",
        statement(
            "jan.csv", [(D(2026, 1, 5), 50_000), (D(2026, 1, 20), -20_000)], 100_000,
            period=(D(2026, 1, 1), D(2026, 1, 31)),
        ),
        # Its period is its lines' (2 to 27 February): 1 February alone is not a gap.
        statement("feb.csv", [(D(2026, 2, 2), 10_000), (D(2026, 2, 27), -5_000)], 130_000),
        # March was never imported: R 150 came in then.
        statement("apr.csv", [(D(2026, 4, 1), 20_000), (D(2026, 4, 30), -1_000)], 150_000),
        statement(
            "may.ofx", [(D(2026, 5, 4), 1_000)], None, closing=170_000,
            period=(D(2026, 5, 1), D(2026, 5, 31)),
        ),
        # 1 to 4 June (four days) uncovered; 1 to 3 July (three days) is allowed.
        statement("jun.csv", [(D(2026, 6, 5), 500), (D(2026, 6, 30), 1)], 170_000),
        statement("jul.csv", [(D(2026, 7, 4), 100), (D(2026, 7, 31), 2)], 170_501),
    )  # fmt: skip
    found = report(book, creche, "cheque")
    assert found == GapsReport(
        account="Cheque",
        imports=6,
        first_day=D(2026, 1, 1),
        last_day=D(2026, 7, 31),
        gaps=(
            Gap(D(2026, 2, 28), D(2026, 3, 31), "feb.csv", "apr.csv"),
            Gap(D(2026, 6, 1), D(2026, 6, 4), "may.ofx", "jun.csv"),
        ),
        breaks=(
            BalanceBreak("feb.csv", D(2026, 2, 27), 135_000, "apr.csv", D(2026, 4, 1), 150_000, 0),
        ),
        unchecked=("may.ofx",),
    )
    assert [gap.days for gap in found.gaps] == [32, 4]
    assert found.breaks[0].difference_cents == 15_000


def test_overlaps_are_compared_through_the_lines_both_cover(book: Book, creche: Creche) -> None:
    """Split parts are not imports and a split line counts once; no opening date, no first check."""
    add_account(book, creche, "Savings", 0, None)
    take_in(
        book,
        creche,
        "Savings",
        statement(
            "mar.csv",
            [(D(2026, 3, 3), 10_000), (D(2026, 3, 28), -2_000), (D(2026, 3, 30), 3_000)],
            50_000,
            period=(D(2026, 3, 1), D(2026, 3, 31)),
        ),
        # Overlaps March from the 28th and agrees: the balance at the end of the 27th is R 600.
        statement(
            "late-march.csv",
            [(D(2026, 3, 28), -2_000), (D(2026, 3, 30), 3_000), (D(2026, 4, 2), 4_000),
             (D(2026, 4, 12), 1_000)],
            60_000,
            period=(D(2026, 3, 28), D(2026, 4, 15)),
        ),
        # Overlaps it from the 10th but opens R 10 short (the balance at the end of the 9th: R 650).
        statement(
            "april.csv", [(D(2026, 4, 12), 1_000), (D(2026, 4, 20), 500)], 64_000,
            period=(D(2026, 4, 10), D(2026, 4, 30)),
        ),
    )  # fmt: skip
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        (twelfth,) = [x for x in uow.bank.lines() if x.date == D(2026, 4, 12)]
        bank.split_line(uow, actor, twelfth.id, [600, 400])
    found = report(book, creche, "Savings")
    assert found.gaps == ()
    assert found.breaks == (
        BalanceBreak(
            "late-march.csv", D(2026, 4, 15), 66_000, "april.csv", D(2026, 4, 10), 64_000, -1_000
        ),
    )
    assert (found.breaks[0].expected_cents, found.breaks[0].difference_cents) == (65_000, -1_000)
    assert found.unchecked == ("mar.csv",)


def test_the_account_opening_balance_is_the_first_closing_figure(
    book: Book, creche: Creche
) -> None:
    add_account(book, creche, "Petty cash", 20_000, D(2026, 1, 31))
    take_in(
        book,
        creche,
        "Petty cash",
        statement("mar.csv", [(D(2026, 3, 2), 100), (D(2026, 3, 31), -50)], 25_000),
    )
    found = report(book, creche, "Petty cash")
    assert found.as_json() == {
        "account": "Petty cash",
        "imports": 1,
        "first_day": "2026-03-02",
        "last_day": "2026-03-31",
        "allowed_days": 3,
        "gaps": [
            {
                "from": "2026-02-01",
                "to": "2026-03-01",
                "days": 29,
                "previous_file": None,
                "next_file": "mar.csv",
            }
        ],
        "breaks": [
            {
                "previous_file": None,
                "previous_end": "2026-01-31",
                "previous_closing_cents": 20_000,
                "file": "mar.csv",
                "start": "2026-03-02",
                "opening_cents": 25_000,
                "between_cents": 0,
                "expected_cents": 20_000,
                "difference_cents": 5_000,
            }
        ],
        "unchecked": [],
    }


def test_an_import_before_the_opening_date_is_checked_back_from_it(
    book: Book, creche: Creche
) -> None:
    """Opening R 200 on 31 January; a January file opening R 150 with +R 50 agrees with it."""
    add_account(book, creche, "Cheque", 20_000, OPENED)
    take_in(
        book,
        creche,
        "Cheque",
        statement("jan.csv", [(D(2026, 1, 10), 5_000)], 15_000, period=(D(2026, 1, 1), OPENED)),
        statement("feb.csv", [(D(2026, 2, 10), 5_000)], 20_000, period=(D(2026, 2, 1), FEB_END)),
    )  # fmt: skip
    found = report(book, creche, "Cheque")
    assert (found.gaps, found.breaks, found.unchecked) == ((), (), ())


def test_no_imports_no_gaps_and_a_viewer_may_ask(book: Book, creche: Creche) -> None:
    add_account(book, creche, "Cheque", 20_000, D(2026, 1, 31))
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "olive", Role.OWNER_VIEWER, "pw", "Olive Owner")
    with book.read(settings.tenant_id) as uow:
        viewer = acting_user(uow, settings.tenant_id, "olive")
    found = report(book, creche, "Cheque", viewer)
    assert found == GapsReport("Cheque", 0, None, None, (), (), ())
    assert found.as_json()["first_day"] is None


def test_an_unknown_account_is_named(book: Book, creche: Creche) -> None:
    add_account(book, creche, "Cheque", 0, None)
    with pytest.raises(
        NotFoundError, match=r"no bank account named 'Savings' \(accounts: Cheque\)"
    ):
        report(book, creche, "Savings")
