"""The chart of accounts (services.reconciliation.chart), SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import AuditRecord
from crechebooks_desktop.domain.enums import AccountType, VatType
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.reconciliation import chart, rules
from tests.categorise_fixtures import Shop, build_shop, refused


@pytest.fixture
def shop(book: Book) -> Shop:
    return build_shop(book)


def test_every_creche_has_the_default_chart_and_its_bank_account(shop: Shop) -> None:
    with shop.book.read(shop.tenant) as uow:
        codes = {a.code: a for a in chart.list_accounts(uow)}
    assert codes["1000"].name == "Cheque"
    assert codes["1000"].system_role == "BANK"
    assert codes["6200"].label == "6200 Utilities"
    assert codes["6200"].vat_type is VatType.STANDARD
    assert codes["5000"].as_json() == {
        "id": codes["5000"].id,
        "code": "5000",
        "name": "Salaries and wages",
        "type": "expense",
        "vat": "NO_VAT",
        "system_role": None,
        "archived": False,
        "default": True,
    }


def test_add_an_account(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        added = chart.add_account(
            uow, shop.actor, " 6600 ", "  Cleaning   materials ", AccountType.EXPENSE
        )
        with_vat = chart.add_account(
            uow, shop.actor, "GIFT-1", "Gifts", AccountType.INCOME, VatType.ZERO_RATED
        )
    assert (added.code, added.name, added.vat_type, added.is_default) == (
        "6600",
        "Cleaning materials",
        VatType.NO_VAT,
        False,
    )
    assert with_vat.vat_type is VatType.ZERO_RATED
    with shop.book.read(shop.tenant) as uow:
        assert chart.require_account_code(uow, "gift-1") == with_vat
        records = uow._session.scalars(
            select(AuditRecord.action).where(AuditRecord.action == "account.add")
        ).all()
    assert len(records) == 2


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("", "X", "an account code is 1 to 20"),
        ("62 00", "X", "an account code is 1 to 20"),
        ("6" * 21, "X", "an account code is 1 to 20"),
        ("6200", "X", "the chart has an account 6200 Utilities already"),
        ("NEW", " ", "needs a name of 1 to 200"),
        ("NEW", "A" * 201, "needs a name of 1 to 200"),
        ("NEW", "two\nlines", "the account name contains a line break"),
    ],
)
def test_add_refuses(shop: Shop, code: str, name: str, message: str) -> None:
    with refused(shop, RuleViolation, message) as uow:
        chart.add_account(uow, shop.actor, code, name, AccountType.EXPENSE)


def test_archive_an_account(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        archived = chart.archive_account(uow, shop.actor, "6400")
    assert archived.archived
    with shop.book.read(shop.tenant) as uow:
        assert "6400" not in {a.code for a in chart.list_accounts(uow)}
        assert "6400" in {a.code for a in chart.list_accounts(uow, include_archived=True)}
        with pytest.raises(RuleViolation, match="6400 Transport costs is archived"):
            chart.require_account_code(uow, "6400")
        assert chart.find_accounts(uow, "transport") == [
            a for a in chart.list_accounts(uow) if a.code == "4040"
        ]
    with (
        pytest.raises(RuleViolation, match="archived already"),
        shop.book.write(shop.tenant) as uow,
    ):
        chart.archive_account(uow, shop.actor, "6400")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1000", "used by the book itself \\(bank\\)"),
        ("1100", "used by the book itself \\(debtors_control\\)"),
        ("2100", "used by the book itself \\(vat_output\\)"),
        ("9999", "no account with code '9999'.*crechebooks accounts list"),
    ],
)
def test_archive_refuses(shop: Shop, code: str, message: str) -> None:
    with refused(shop, (RuleViolation, NotFoundError), message) as uow:
        chart.archive_account(uow, shop.actor, code)


def test_an_account_a_rule_uses_is_not_archived(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        rules.add_rule(uow, shop.actor, "Power", contains="ESKOM", account_code="6200")
        rules.add_rule(uow, shop.actor, "Shared", contains="X", split=[("6000", 50), ("6300", 50)])
    for code, name in (("6200", "Power"), ("6300", "Shared")):
        with refused(shop, RuleViolation, f"rule\\(s\\) '{name}'") as uow:
            chart.archive_account(uow, shop.actor, code)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("62", ["6200"]),
        ("util", ["6200"]),
        ("BANK char", ["6500"]),
        ("4", ["4000", "4010", "4020", "4030", "4040", "4050", "4100"]),
        ("nothing like it", []),
    ],
)
def test_find_accounts(shop: Shop, text: str, codes: list[str]) -> None:
    with shop.book.read(shop.tenant) as uow:
        assert [a.code for a in chart.find_accounts(uow, text)] == codes
        assert len(chart.find_accounts(uow, " ")) == len(chart.list_accounts(uow))


def test_a_viewer_may_not_change_the_chart(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        add_user(uow, shop.actor, "olivia", Role.OWNER_VIEWER, None)
    with shop.book.read(shop.tenant) as uow:
        viewer = acting_user(uow, shop.tenant, "olivia")
    with pytest.raises(PermissionDenied), shop.book.write(shop.tenant) as uow:
        chart.add_account(uow, viewer, "7000", "X", AccountType.EXPENSE)
    with pytest.raises(PermissionDenied), shop.book.write(shop.tenant) as uow:
        chart.archive_account(uow, viewer, "6400")
