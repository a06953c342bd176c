"""Several creches in one book: each sees only its own rows."""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.checks import CheckRepository
from crechebooks_desktop.db.repositories.invoices import InvoiceRepository
from crechebooks_desktop.db.repositories.ledger import LedgerRepository
from crechebooks_desktop.db.repositories.roster import RosterRepository
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, UserFacingError
from crechebooks_desktop.services.admin import checks, users
from crechebooks_desktop.services.admin.creches import init_creche, select_creche
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from crechebooks_desktop.services.ledger.posting import household_ledger, post_entry
from crechebooks_desktop.services.roster import household_view as households

Creche = tuple[CrecheSettings, Actor]


@pytest.fixture
def two_creches(book: Book) -> tuple[Creche, Creche]:
    with book.write() as uow:
        a = init_creche(uow, NewCreche(name="Acorn Educare", admin_username="anna"))
        b = init_creche(uow, NewCreche(name="Baobab Preschool", admin_username="ben"))
    return a, b


@pytest.fixture
def a_household(book: Book, two_creches: tuple[Creche, Creche]) -> int:
    (a, actor), _b = two_creches
    with book.write(a.tenant_id) as uow:
        household_id = uow.roster.add_household("DLAMINI01", "Mrs Nomsa Dlamini")
        uow.roster.add_child(household_id, "DLAMINI01-1", "Lwazi", "Dlamini", dt.date(2022, 3, 4))
        post_opening_balance(uow, actor, a, household_id, 48_500, dt.date(2026, 11, 1))
    return household_id


def test_households_of_one_creche_are_invisible_from_another(
    book: Book, two_creches: tuple[Creche, Creche], a_household: int
) -> None:
    (a, _), (b, _) = two_creches
    with book.read(a.tenant_id) as uow:
        assert uow.roster.household_id("DLAMINI01") == a_household
        assert uow.roster.household_id("dlamini01 ") == a_household
        summaries = households.household_summaries(uow)
        assert [(s.account_ref, s.children, s.balance_cents) for s in summaries] == [
            ("DLAMINI01", ("Lwazi",), 48_500)
        ]
        assert households.roster_counts(uow) == {
            "households": 1,
            "children": 1,
            "active_enrolments": 0,
        }
        report = checks.check_creche(uow)
        assert (report.households, report.invoices, report.ok) == (1, 1, True)
    with book.read(b.tenant_id) as uow:
        assert uow.roster.household_id("DLAMINI01") is None
        assert households.household_summaries(uow) == []
        assert households.roster_counts(uow) == {
            "households": 0,
            "children": 0,
            "active_enrolments": 0,
        }
        assert uow.ledger.entries(a_household) == []
        report = checks.check_creche(uow)
        assert (report.households, report.invoices, report.payments) == (0, 0, 0)
        with pytest.raises(NotFoundError):
            household_ledger(uow, "DLAMINI01")


def test_same_account_reference_in_two_creches(
    book: Book, two_creches: tuple[Creche, Creche], a_household: int
) -> None:
    _a, (b, _) = two_creches
    with book.write(b.tenant_id) as uow:
        b_household = uow.roster.add_household("DLAMINI01", "Mr Sipho Dlamini")
    assert b_household != a_household
    with book.read(b.tenant_id) as uow:
        assert uow.roster.household_id("DLAMINI01") == b_household
        assert [s.parent_name for s in households.household_summaries(uow)] == ["Mr Sipho Dlamini"]


def test_posting_from_another_creche_is_refused(
    book: Book, two_creches: tuple[Creche, Creche], a_household: int
) -> None:
    _a, (b, b_actor) = two_creches
    with pytest.raises(NotFoundError), book.write(b.tenant_id) as uow:
        post_entry(uow, b_actor, a_household, EntryType.CHARGE, 100, dt.date(2026, 11, 1), "x")


def test_users_are_per_creche(book: Book, two_creches: tuple[Creche, Creche]) -> None:
    (a, _), (b, _) = two_creches
    with book.read() as uow:
        assert [(u.username, u.role) for u in users.list_users(uow, a.tenant_id)] == [
            ("anna", Role.ADMIN)
        ]
        assert [(u.username, u.role) for u in users.list_users(uow, b.tenant_id)] == [
            ("ben", Role.ADMIN)
        ]
        with pytest.raises(UserFacingError, match="no role"):
            users.acting_user(uow, b.tenant_id, "anna")


def test_creche_rows_need_a_creche(book: Book, two_creches: tuple[Creche, Creche]) -> None:
    with book.read() as uow:
        for name in ("roster", "ledger", "invoices", "checks"):
            with pytest.raises(RuntimeError, match="no creche selected"):
                getattr(uow, name)
        assert len(uow.tenants.all()) == 2  # book-wide repositories need none
        session = uow._session
        for repository in (RosterRepository, LedgerRepository, InvoiceRepository, CheckRepository):
            with pytest.raises(TypeError, match="tenant id"):
                repository(session, None)  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="tenant id"):
                repository(session, True)


def test_select_creche_needs_a_name_when_there_are_several(
    book: Book, two_creches: tuple[Creche, Creche]
) -> None:
    with book.read() as uow:
        with pytest.raises(UserFacingError, match="several creches") as caught:
            select_creche(uow, None)
        assert type(caught.value) is UserFacingError
        assert "'Acorn Educare', 'Baobab Preschool'" in str(caught.value)
        assert select_creche(uow, "baobab PRESCHOOL").name == "Baobab Preschool"
        assert select_creche(uow, "  acorn educare ").tenant_id == two_creches[0][0].tenant_id
        with pytest.raises(NotFoundError, match="Cedar"):
            select_creche(uow, "Cedar")


def test_select_creche_in_a_book_with_one_or_none(book: Book) -> None:
    with book.read() as uow, pytest.raises(NotFoundError, match="no creche yet"):
        select_creche(uow, None)
    with book.write() as uow:
        only, _ = init_creche(uow, NewCreche(name="Only One"))
    with book.read() as uow:
        assert select_creche(uow, None) == only
        assert select_creche(uow, "") == only
