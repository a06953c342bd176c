"""Issue 10: services taking amounts and dates from code (windows, other services) hold them.

Each refusal is a RuleViolation the user is shown as it is, and nothing is
written; SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankLine, Charge, Invoice, LedgerEntry, Payment
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.dates import years_before
from crechebooks_desktop.domain.enums import EnrolmentStatus, EntryType, LineType, PaymentMethod
from crechebooks_desktop.domain.money import MAX_AMOUNT_CENTS, MAX_BALANCE_CENTS
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import RuleViolation, UserFacingError
from crechebooks_desktop.services.bank import accounts_and_imports
from crechebooks_desktop.services.billing.invoice_lifecycle import AdHocLine, new_ad_hoc_invoice
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.ledger.adjustments import adjust_balance
from crechebooks_desktop.services.ledger.credits import refund_credit
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.services.ledger.posting import post_entry
from crechebooks_desktop.services.roster.charges_and_endings import add_charge, end_enrolment
from tests.roster_support import load_samples

Creche = tuple[CrecheSettings, Actor]
D = dt.date
OVER = MAX_AMOUNT_CENTS + 1
MORE = "R 100 000 000,01 is more than the largest amount a book takes (R 100 000 000,00)"
LESS = "-R 100 000 000,01 is less than the smallest amount a book takes (-R 100 000 000,00)"


@pytest.fixture
def admin(book: Book, creche: Creche) -> Actor:
    """The creche's admin, with the sample fees and roster (DLAMINI01, child DLAMINI01-1)."""
    _settings, actor = creche
    load_samples(book, actor)
    return actor


def _count(book: Book, table: type) -> int:
    with book.read() as uow:
        return int(uow._session.scalar(select(func.count()).select_from(table)) or 0)


def _refused(book: Book, actor: Actor, change: Callable[[UnitOfWork], object]) -> str:
    with pytest.raises(UserFacingError) as caught, book.write(actor.tenant_id) as uow:
        change(uow)
    return str(caught.value)


def test_money_from_code_beyond_the_limit_is_refused(book: Book, admin: Actor) -> None:
    day = D(2026, 11, 20)
    refusals = {
        "payment": lambda uow: add_payment(uow, admin, "DLAMINI01", OVER, day, PaymentMethod.EFT),
        "charge": lambda uow: add_charge(uow, admin, "DLAMINI01-1", LineType.UNIFORM, OVER, day),
        "adjustment": lambda uow: adjust_balance(uow, admin, "DLAMINI01", -OVER, day, "typo"),
        "refund": lambda uow: refund_credit(uow, admin, "DLAMINI01", OVER, day, "typo"),
        "opening balance": lambda uow: post_opening_balance(
            uow, admin, uow.tenants.get(admin.tenant_id), 1, OVER, day
        ),
        "line": lambda uow: new_ad_hoc_invoice(
            uow, admin, "DLAMINI01-1", day, [AdHocLine(LineType.UNIFORM, OVER)]
        ),
    }
    for what, change in refusals.items():
        # A service's refusal is a rule of the book, shown to the user as it is.
        with pytest.raises(RuleViolation) as caught, book.write(admin.tenant_id) as uow:
            change(uow)
        assert str(caught.value) == f"{what}: {LESS if what == 'adjustment' else MORE}"
    tables = (Payment, Charge, Invoice, LedgerEntry)
    assert [_count(book, table) for table in tables] == [0, 0, 0, 0]


def test_an_invoice_whose_total_is_beyond_the_limit_is_refused(book: Book, admin: Actor) -> None:
    half = AdHocLine(LineType.UNIFORM, MAX_AMOUNT_CENTS // 2 + 1)
    message = _refused(
        book,
        admin,
        lambda uow: new_ad_hoc_invoice(uow, admin, "DLAMINI01-1", D(2026, 11, 20), [half, half]),
    )
    assert message == (
        "invoice INV-2026-000001: total: R 100 000 000,02 is more than the largest amount a "
        "book takes (R 100 000 000,00)"
    )
    assert (_count(book, Invoice), _count(book, LedgerEntry)) == (0, 0)


def test_a_household_balance_stops_at_its_limit(book: Book, admin: Actor) -> None:
    """A thousand amounts at the limit; the next one would pass the balance's own limit."""
    with book.write(admin.tenant_id) as uow:
        household = uow.roster.household_id("DLAMINI01")
        assert household is not None
        for n in range(MAX_BALANCE_CENTS // MAX_AMOUNT_CENTS):
            post_entry(
                uow,
                admin,
                household,
                EntryType.ADJUSTMENT,
                MAX_AMOUNT_CENTS,
                D(2026, 11, 1),
                f"{n}",
            )
    message = _refused(
        book,
        admin,
        lambda uow: post_entry(
            uow, admin, household, EntryType.ADJUSTMENT, 1, D(2026, 11, 2), "one more cent"
        ),
    )
    assert message == (
        "one more cent: the household's balance: R 100 000 000 000,01 is more than the largest "
        "balance a book keeps (R 100 000 000 000,00)"
    )
    assert _count(book, LedgerEntry) == 1000


def test_a_statement_built_in_code_is_held_to_the_limit(book: Book, admin: Actor) -> None:
    with book.write(admin.tenant_id) as uow:
        accounts_and_imports.add_account(uow, admin, "Cheque")
    lines = (
        StatementLine(3, D(2026, 3, 2), 100, "FINE"),
        StatementLine(4, D(2026, 3, 3), OVER, "TOO MUCH"),
        StatementLine(5, D(2026, 3, 4), -100, "FINE", balance_cents=-OVER),
    )
    statement = Statement("built.csv", "csv", "generic", lines)
    message = _refused(
        book,
        admin,
        lambda uow: accounts_and_imports.import_statement(
            uow, admin, "Cheque", statement, "a" * 64
        ),
    )
    assert message.splitlines() == [
        "built.csv was not imported (2 problems); nothing was changed",
        f"built.csv:4: amount: {MORE}",
        f"built.csv:5: balance: {LESS}",
    ]
    assert _count(book, BankLine) == 0
    assert (
        _refused(
            book,
            admin,
            lambda uow: accounts_and_imports.add_account(
                uow, admin, "Savings", "fnb", None, OVER, D(2026, 3, 1)
            ),
        )
        == f"opening balance: {MORE}"
    )


# --------------------------------------------------------------------------- dates


OUTSIDE = "is outside the dates a book takes (2000-01-01 to 2099-12-31)"


@pytest.mark.parametrize("day", [D(1, 1, 1), D(1900, 1, 1), D(9999, 12, 31)])
def test_dates_from_code_outside_the_books_years_are_refused(
    book: Book, admin: Actor, day: dt.date
) -> None:
    month = D(day.year, day.month, 1)
    refusals = {
        "payment date": lambda uow: add_payment(
            uow, admin, "DLAMINI01", 100, day, PaymentMethod.EFT
        ),
        "charge date": lambda uow: add_charge(
            uow, admin, "DLAMINI01-1", LineType.UNIFORM, 100, day
        ),
        "adjustment date": lambda uow: adjust_balance(uow, admin, "DLAMINI01", 100, day, "x"),
        "refund date": lambda uow: refund_credit(uow, admin, "DLAMINI01", 100, day, "x"),
        "opening balance date": lambda uow: post_opening_balance(
            uow, admin, uow.tenants.get(admin.tenant_id), 1, 100, day
        ),
        "invoice date": lambda uow: new_ad_hoc_invoice(
            uow, admin, "DLAMINI01-1", day, [AdHocLine(LineType.UNIFORM, 100)]
        ),
        "end date": lambda uow: end_enrolment(
            uow, admin, "DLAMINI01-1", day, EnrolmentStatus.WITHDRAWN
        ),
        "opening balance date ": lambda uow: accounts_and_imports.add_account(
            uow, admin, "Savings", "fnb", None, 100, day
        ),
        "x: date": lambda uow: post_entry(uow, admin, 1, EntryType.ADJUSTMENT, 100, day, "x"),
    }
    for what, change in refusals.items():
        with pytest.raises(RuleViolation) as caught, book.write(admin.tenant_id) as uow:
            change(uow)
        assert str(caught.value) == f"{what.strip()}: {day.isoformat()} {OUTSIDE}"
    with pytest.raises(RuleViolation) as caught:
        generate_month(lambda: book.write(admin.tenant_id), admin, month)
    assert str(caught.value) == f"billing month: {month.isoformat()} {OUTSIDE}"
    tables = (Payment, Charge, Invoice, LedgerEntry, BankLine)
    assert [_count(book, table) for table in tables] == [0, 0, 0, 0, 0]


def test_a_statement_built_in_code_is_held_to_the_books_years(book: Book, admin: Actor) -> None:
    with book.write(admin.tenant_id) as uow:
        accounts_and_imports.add_account(uow, admin, "Cheque")
    lines = (
        StatementLine(3, D(1900, 1, 1), 100, "OLD"),
        StatementLine(4, D(2026, 3, 3), 100, "FINE"),
        StatementLine(5, D(9999, 12, 31), 100, "LATE"),
    )
    statement = Statement("built.csv", "csv", "generic", lines)
    message = _refused(
        book,
        admin,
        lambda uow: accounts_and_imports.import_statement(
            uow, admin, "Cheque", statement, "a" * 64
        ),
    )
    assert message.splitlines() == [
        "built.csv was not imported (2 problems); nothing was changed",
        f"built.csv:3: date: 1900-01-01 {OUTSIDE}",
        f"built.csv:5: date: 9999-12-31 {OUTSIDE}",
    ]
    assert _count(book, BankLine) == 0


def test_bank_lines_far_from_today_are_imported_with_a_warning(book: Book, admin: Actor) -> None:
    today = dt.date.today()  # noqa: DTZ011 - the import compares with the creche's day
    ahead, behind = years_before(today, -2), years_before(today, 11)
    lines = [StatementLine(n, ahead, 100 + n, f"EARLY {n}") for n in range(2, 9)]
    lines.append(StatementLine(9, behind, 100, "OLD"))
    lines.append(StatementLine(10, today, 100, "TODAY"))
    with book.write(admin.tenant_id) as uow:
        accounts_and_imports.add_account(uow, admin, "Cheque")
        result = accounts_and_imports.import_statement(
            uow, admin, "Cheque", Statement("s.csv", "csv", None, tuple(lines)), "b" * 64
        )
    far = f"is more than a year after today ({today.isoformat()}); check the date"
    assert result.warnings == (
        *(f"s.csv:{n}: date: {ahead.isoformat()} {far}" for n in range(2, 7)),
        "s.csv: 3 more lines are dated as far from today",
    )
    assert len(result.imported) == 9
