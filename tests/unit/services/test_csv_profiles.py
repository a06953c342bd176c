"""Saved CSV column mappings (issue 14) on SQLite and PostgreSQL: add, list, remove, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.audit import AuditValue
from crechebooks_desktop.db.tables import BankCsvProfile
from crechebooks_desktop.domain.column_mapping import ColumnMapping
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.importers.bank.csv_profiles import BY_NAME
from crechebooks_desktop.importers.bank.layouts import builtin_names
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.bank import csv_profiles

Creche = tuple[CrecheSettings, Actor]

ZERO = ColumnMapping(
    date="Transaction Date",
    date_format="YYYY-MM-DD",
    description=("Narrative", "Counterparty"),
    money_in="Credit",
    money_out="Debit",
    balance="Balance",
    header=("transactiondate", "narrative", "counterparty", "debit", "credit", "balance"),
)
TYME = ColumnMapping.from_json({**ZERO.as_json(), "header": ["transactiondate", "narrative"]})
BUILTIN = builtin_names()


def _add(book: Book, creche: Creche, name: str, mapping: ColumnMapping = ZERO) -> object:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        return csv_profiles.add_profile(uow, admin, name, mapping, builtin=BUILTIN)


def _rows(book: Book) -> int:
    with book.read() as uow:
        return int(uow._session.scalar(select(func.count()).select_from(BankCsvProfile)) or 0)


def _audited(book: Book, action: str) -> list[AuditValue]:
    with book.read() as uow:
        return [r for r in uow.audit.latest(None, limit=1000) if r.action == action]


def test_a_mapping_is_saved_listed_and_read_back_whole(book: Book, creche: Creche) -> None:
    settings, admin = creche
    added = _add(book, creche, "  Zero   Cheque ")
    with book.read(settings.tenant_id) as uow:
        listed = csv_profiles.list_profiles(uow)
        saved = csv_profiles.saved_mappings(uow)
    assert [p.name for p in listed] == ["Zero Cheque"]
    assert listed[0] == added
    assert listed[0].mapping == ZERO
    assert listed[0].created_by == "admin"
    assert listed[0].recognised
    assert saved == {"Zero Cheque": ZERO}
    (record,) = _audited(book, "bank_csv_profile.add")
    assert (record.user_id, record.entity, record.entity_id) == (
        admin.user_id,
        "bank_csv_profile",
        str(listed[0].id),
    )
    assert record.after is not None
    assert record.after["name"] == "Zero Cheque"
    assert record.after["mapping"]["money_in"] == "Credit"


def test_names_are_unique_without_regard_to_case(book: Book, creche: Creche) -> None:
    _add(book, creche, "Zero Cheque")
    with pytest.raises(RuleViolation, match="already a saved CSV profile named 'Zero Cheque'"):
        _add(book, creche, "ZERO CHEQUE")
    assert _rows(book) == 1
    _add(book, creche, "Savings Pocket", TYME)
    settings, _admin = creche
    with book.read(settings.tenant_id) as uow:
        assert [p.name for p in csv_profiles.list_profiles(uow)] == [
            "Savings Pocket",
            "Zero Cheque",
        ]


def test_one_header_is_read_with_one_saved_mapping(book: Book, creche: Creche) -> None:
    _add(book, creche, "Zero Cheque")
    with pytest.raises(
        RuleViolation, match="read with the saved CSV profile 'Zero Cheque' already"
    ):
        _add(book, creche, "Zero Again")
    # The same header further down a file is another layout; no header is chosen by name.
    _add(
        book,
        creche,
        "Zero With Preamble",
        ColumnMapping.from_json({**ZERO.as_json(), "skip_lines": 2}),
    )
    unheaded = ColumnMapping.from_json({**ZERO.as_json(), "header": []})
    _add(book, creche, "Zero By Name", unheaded)
    _add(book, creche, "Zero By Name 2", unheaded)
    assert _rows(book) == 4


def test_the_database_holds_names_unique_too(book: Book, creche: Creche) -> None:
    settings, _admin = creche
    _add(book, creche, "Zero Cheque")
    with pytest.raises(RuleViolation, match="name_key"), book.write(settings.tenant_id) as uow:
        uow.csv_profiles.add("zero cheque", ZERO, None)
    assert _rows(book) == 1


@pytest.mark.parametrize(
    "name",
    [*BY_NAME, "FNB", "Standard-Bank", " capitec ", "Standard Bank", "Bank Zero", "TymeBank"],
)
def test_a_built_in_profile_name_is_refused(book: Book, creche: Creche, name: str) -> None:
    with pytest.raises(RuleViolation, match="is the name of a built-in profile"):
        _add(book, creche, name)
    assert _rows(book) == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "a CSV profile needs a name of 1 to 30 characters"),
        ("x" * 31, "a CSV profile needs a name of 1 to 30 characters"),
        ("Bank\nZero", "contains a line break"),
    ],
)
def test_a_bad_name_is_refused(book: Book, creche: Creche, name: str, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        _add(book, creche, name)
    assert _rows(book) == 0


def test_a_mapping_with_problems_is_refused_listing_them(book: Book, creche: Creche) -> None:
    bad = ColumnMapping(
        date="Date", date_format="DD/MM/YY", description=(), amount="Amount", money_in="In"
    )
    with pytest.raises(RuleViolation) as caught:
        _add(book, creche, "Broken", bad)
    assert str(caught.value) == (
        "the mapping 'Broken' cannot be used: date format 'DD/MM/YY' is not one of "
        "DD/MM/YYYY, YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, DD-MM-YYYY, DD.MM.YYYY, DD MMM YYYY, "
        "MM/DD/YYYY; no description column; give an amount column, or money in and money "
        "out, not both"
    )
    assert _rows(book) == 0
    assert _audited(book, "bank_csv_profile.add") == []


def test_remove_forgets_it_and_an_unknown_name_lists_the_saved(book: Book, creche: Creche) -> None:
    settings, admin = creche
    _add(book, creche, "Zero Cheque")
    _add(book, creche, "Savings Pocket", TYME)
    with book.write(settings.tenant_id) as uow:
        removed = csv_profiles.remove_profile(uow, admin, "zero cheque")
    assert removed.name == "Zero Cheque"
    with book.write(settings.tenant_id) as uow:
        with pytest.raises(NotFoundError) as caught:
            csv_profiles.remove_profile(uow, admin, "Zero Cheque")
        assert csv_profiles.saved_mappings(uow) == {"Savings Pocket": TYME}
    assert str(caught.value) == "no saved CSV profile named 'Zero Cheque' (saved: Savings Pocket)"
    (record,) = _audited(book, "bank_csv_profile.remove")
    assert record.before is not None
    assert (record.before["name"], record.after) == ("Zero Cheque", None)


def test_a_bookkeeper_may_manage_profiles_an_owner_viewer_may_not(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        add_user(uow, admin, "bea", Role.BOOKKEEPER, "ledger!")
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "view")
    with book.write(tenant) as uow:
        bea = acting_user(uow, tenant, "bea")
        csv_profiles.add_profile(uow, bea, "Zero Cheque", ZERO, builtin=BUILTIN)
    with book.write(tenant) as uow:
        olivia = acting_user(uow, tenant, "olivia")
        with pytest.raises(PermissionDenied, match="olivia"):
            csv_profiles.add_profile(uow, olivia, "Savings Pocket", ZERO, builtin=BUILTIN)
        with pytest.raises(PermissionDenied, match="olivia"):
            csv_profiles.remove_profile(uow, olivia, "Zero Cheque")
    with book.read(tenant) as uow:
        assert [p.created_by for p in csv_profiles.list_profiles(uow)] == ["bea"]


def test_profiles_belong_to_their_creche(book: Book, creche: Creche) -> None:
    _add(book, creche, "Zero Cheque")
    with book.write() as uow:
        other, other_admin = init_creche(uow, NewCreche(name="Other Creche", admin_username="o"))
    with book.write(other.tenant_id) as uow:
        assert csv_profiles.list_profiles(uow) == []
        csv_profiles.add_profile(uow, other_admin, "Zero Cheque", ZERO, builtin=BUILTIN)
    assert _rows(book) == 2
