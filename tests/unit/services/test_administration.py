"""The administrator's services (issue 13): settings, users' roles and access, bank accounts.

Each change is checked on SQLite and PostgreSQL: what it writes, its audit
record, and that a refused change writes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.audit import AuditValue
from crechebooks_desktop.domain.bank import BankAccountRecord
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.creches import SettingsRefused, change_settings, init_creche
from crechebooks_desktop.services.admin.users import (
    acting_user,
    add_user,
    change_role,
    disable_user,
    enable_user,
    list_users,
    reset_password,
)
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.reconciliation import categorise, reconcile
from tests.bank_fixtures import ACCOUNT
from tests.reconcile_fixtures import OCT_31, build_october
from tests.sign_in_support import sign_in

D = dt.date

Creche = tuple[CrecheSettings, Actor]


def _audit(book: Book, tenant_id: int) -> list[AuditValue]:
    with book.read() as uow:
        return list(reversed(uow.audit.latest(tenant_id, limit=1000)))


def _settings(book: Book, tenant_id: int) -> CrecheSettings:
    with book.read() as uow:
        found = uow.tenants.get(tenant_id)
    assert found is not None
    return found


# --------------------------------------------------------------------------- settings


def test_change_settings_writes_the_changed_ones_once_with_one_audit_record(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        after = change_settings(
            uow,
            admin,
            {
                "trading-name": "Acorns",
                "due_day": " 3 ",
                "reminder_min_cents": "7500",
                "billing_day": "",
                "invoice_prefix": "INV",  # as it is: not recorded
            },
        )
    assert (after.trading_name, after.due_day, after.reminder_min_cents) == ("Acorns", 3, 7500)
    assert _settings(book, settings.tenant_id) == after
    record = _audit(book, settings.tenant_id)[-1]
    assert (record.action, record.entity, record.username) == ("settings.set", "tenant", "admin")
    assert record.before == {"trading_name": None, "due_day": 7, "reminder_min_cents": 5000}
    assert record.after == {"trading_name": "Acorns", "due_day": 3, "reminder_min_cents": 7500}


def test_change_settings_refuses_all_when_one_is_wrong_and_names_each(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    before = _audit(book, settings.tenant_id)
    with (
        pytest.raises(SettingsRefused) as refused,
        book.write(settings.tenant_id) as uow,
    ):
        change_settings(
            uow,
            admin,
            {"phone": "011 555 0100", "due_day": "31", "vat_number": "123", "name": "Acorns"},
        )
    assert refused.value.problems == {
        "due_day": "due day must be from 1 to 28 so that every month has it",
        "vat_number": "a South African VAT number has 10 digits and starts with 4",
    }
    assert str(refused.value) == (
        "due_day: due day must be from 1 to 28 so that every month has it; vat_number: a South "
        "African VAT number has 10 digits and starts with 4; nothing was changed"
    )
    assert _settings(book, settings.tenant_id) == settings
    assert _audit(book, settings.tenant_id) == before


def test_change_settings_refuses_another_creches_name_and_a_non_admin(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    with book.write() as uow:
        init_creche(uow, NewCreche(name="Bright Stars", admin_username="bo", admin_password="x"))
        add_user(uow.for_tenant(settings.tenant_id), admin, "bea", Role.BOOKKEEPER, None)
    with pytest.raises(SettingsRefused) as refused, book.write(settings.tenant_id) as uow:
        change_settings(uow, admin, {"name": "bright stars", "due_day": "5"})
    assert refused.value.problems == {
        "name": "this book already has a creche called 'bright stars'"
    }
    with book.write(settings.tenant_id) as uow:
        bea = acting_user(uow, settings.tenant_id, "bea")
        with pytest.raises(PermissionDenied, match=r"bea \(bookkeeper\) may not manage settings"):
            change_settings(uow, bea, {"due_day": "5"})
    assert _settings(book, settings.tenant_id) == settings


# --------------------------------------------------------------------------- users


def _team(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "bea", Role.BOOKKEEPER, "ledger!")
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "view")


def test_disable_stops_sign_in_and_acting_and_enable_restores_it(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    _team(book, creche)
    with book.write(tenant) as uow:
        disabled = disable_user(uow, admin, "BEA")
    assert (disabled.active, disabled.disabled_at is not None) == (False, True)
    with book.write(tenant) as uow:
        with pytest.raises(PermissionDenied, match="bea is disabled in this creche"):
            sign_in(uow, tenant, "bea", "ledger!")
        with pytest.raises(PermissionDenied, match="bea is disabled"):
            acting_user(uow, tenant, "bea")
        listed = {u.username: u.active for u in list_users(uow, tenant)}
    assert listed == {"admin": True, "bea": False, "olivia": True}
    with (
        book.write(tenant) as uow,
        pytest.raises(RuleViolation, match="bea is already disabled"),
    ):
        disable_user(uow, admin, "bea")
    with book.write(tenant) as uow:
        enable_user(uow, admin, "bea")
    with book.write(tenant) as uow:
        assert sign_in(uow, tenant, "bea", "ledger!").role is Role.BOOKKEEPER
        with pytest.raises(RuleViolation, match="bea is not disabled"):
            enable_user(uow, admin, "bea")
    records = _audit(book, tenant)
    refused = [r.after for r in records if r.action == "sign_in.refused"]
    assert refused == [
        {"reason": "bea is disabled in this creche; an administrator can enable them again"}
    ]
    changes = [r for r in records if r.action.startswith("user.")]
    actions = [(r.action, r.entity_id, r.before, r.after) for r in changes[-2:]]
    bea_id = f"{tenant}:{disabled.id}"
    assert actions == [
        ("user.disable", bea_id, {"username": "bea", "disabled": False},
         {"username": "bea", "disabled": True}),
        ("user.enable", bea_id, {"username": "bea", "disabled": True},
         {"username": "bea", "disabled": False}),
    ]  # fmt: skip


def test_nobody_disables_or_demotes_themself_or_the_last_admin(book: Book, creche: Creche) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    _team(book, creche)
    before = _audit(book, tenant)
    with book.write(tenant) as uow:
        with pytest.raises(RuleViolation, match="you cannot disable yourself"):
            disable_user(uow, admin, "admin")
        with pytest.raises(RuleViolation, match="you cannot change your own role"):
            change_role(uow, admin, "admin", Role.BOOKKEEPER)
        with pytest.raises(NotFoundError, match="no user called 'zed' in this creche"):
            disable_user(uow, admin, "zed")
    assert _audit(book, tenant) == before
    # A second admin disables the first; the first, still signed in in another window
    # (an actor from before), cannot then take the creche's last active admin away.
    with book.write(tenant) as uow:
        change_role(uow, admin, "bea", Role.ADMIN)
    with book.write(tenant) as uow:
        disable_user(uow, acting_user(uow, tenant, "bea"), "admin")
    after = _audit(book, tenant)
    with book.write(tenant) as uow:
        with pytest.raises(
            RuleViolation,
            match="cannot disable bea: the creche needs at least one active administrator",
        ):
            disable_user(uow, admin, "bea")
        with pytest.raises(RuleViolation, match="cannot make bea owner-viewer: the creche needs"):
            change_role(uow, admin, "bea", Role.OWNER_VIEWER)
    assert _audit(book, tenant) == after
    with book.read(tenant) as uow:
        assert [a.username for a in uow.users.admins_of(tenant)] == ["bea"]


def test_change_role_is_audited_and_takes_effect(book: Book, creche: Creche) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    _team(book, creche)
    with book.write(tenant) as uow:
        changed = change_role(uow, admin, "olivia", Role.BOOKKEEPER)
    assert changed.role is Role.BOOKKEEPER
    with book.read(tenant) as uow:
        assert acting_user(uow, tenant, "olivia").role is Role.BOOKKEEPER
    record = _audit(book, tenant)[-1]
    assert (record.action, record.before, record.after) == (
        "user.role",
        {"username": "olivia", "role": "owner-viewer"},
        {"username": "olivia", "role": "bookkeeper"},
    )
    with book.write(tenant) as uow:
        bea = acting_user(uow, tenant, "bea")
        with pytest.raises(PermissionDenied, match=r"bea \(bookkeeper\) may not manage"):
            change_role(uow, bea, "olivia", Role.ADMIN)
        with pytest.raises(RuleViolation, match="olivia is already bookkeeper"):
            change_role(uow, admin, "olivia", Role.BOOKKEEPER)


def test_reset_password_lets_the_user_sign_in_with_the_new_one_only(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    _team(book, creche)
    with book.write(tenant) as uow:
        with pytest.raises(RuleViolation, match="choose a password that is not empty"):
            reset_password(uow, admin, "bea", "")
        reset_password(uow, admin, "bea", "new one")
    with book.write(tenant) as uow:
        assert sign_in(uow, tenant, "bea", "new one").username == "bea"
        with pytest.raises(PermissionDenied, match="wrong user name or password"):
            sign_in(uow, tenant, "bea", "ledger!")
    *_, record, refusal = _audit(book, tenant)
    assert (refusal.action, refusal.username) == ("sign_in.refused", "bea")  # the old password
    assert (record.action, record.after) == (
        "user.reset_password",
        {"username": "bea", "has_password": True},
    )
    assert "new one" not in repr(record)


def test_reset_password_of_someone_working_elsewhere_needs_admin_there_too(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    with book.write() as uow:
        other, bo = init_creche(
            uow, NewCreche(name="Bright Stars", admin_username="bo", admin_password="bo's")
        )
    # bo is admin of Bright Stars and a bookkeeper here.
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "bo", Role.BOOKKEEPER, None)
    with (
        pytest.raises(PermissionDenied, match="also works in another creche of this book"),
        book.write(settings.tenant_id) as uow,
    ):
        reset_password(uow, admin, "bo", "taken over")
    with book.write(other.tenant_id) as uow:
        assert sign_in(uow, other.tenant_id, "bo", "bo's").role is Role.ADMIN
    # Once admin is an administrator of Bright Stars too, the reset is theirs to make.
    with book.write(other.tenant_id) as uow:
        add_user(uow, bo, "admin", Role.ADMIN, None)
    with book.write(settings.tenant_id) as uow:
        reset_password(uow, admin, "bo", "reset by admin")
    with book.write(other.tenant_id) as uow:
        assert sign_in(uow, other.tenant_id, "bo", "reset by admin").username == "bo"


# --------------------------------------------------------------------------- bank accounts


def _accounts(book: Book, tenant_id: int) -> dict[str, BankAccountRecord]:
    with book.read(tenant_id) as uow:
        return {a.name: a for a in bank.list_accounts(uow)}


def test_rename_account_renames_its_chart_account_and_is_audited(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        bank.add_account(uow, admin, "FNB Cheque", "fnb")
        bank.add_account(uow, admin, "Savings", "fnb")
    with book.write(tenant) as uow:
        renamed = bank.rename_account(uow, admin, "fnb cheque", "  FNB   Business ")
    assert renamed.name == "FNB Business"
    with book.read(tenant) as uow:
        chart_names = {a.name for a in uow.chart.accounts()}
    assert "FNB Business" in chart_names
    assert "FNB Cheque" not in chart_names
    record = _audit(book, tenant)[-1]
    assert (record.action, record.before, record.after) == (
        "bank_account.rename",
        {"name": "FNB Cheque"},
        {"name": "FNB Business"},
    )
    with book.write(tenant) as uow:
        with pytest.raises(RuleViolation, match="there is already a bank account named 'Savings'"):
            bank.rename_account(uow, admin, "FNB Business", "SAVINGS")
        with pytest.raises(RuleViolation, match="a bank account needs a name of 1 to 200"):
            bank.rename_account(uow, admin, "FNB Business", "   ")
        with pytest.raises(NotFoundError, match="no bank account named 'Cheque'"):
            bank.rename_account(uow, admin, "Cheque", "Other")
    assert set(_accounts(book, tenant)) == {"FNB Business", "Savings"}


def test_close_needs_every_line_reconciled_then_refuses_imports_until_reopened(
    book: Book,
) -> None:
    october = build_october(book)
    creche = october.creche
    actor, tenant = creche.actor, creche.tenant
    with book.write(tenant) as uow:
        with pytest.raises(
            RuleViolation, match=f"cannot close {ACCOUNT}: its 5 lines were never reconciled"
        ):
            bank.close_account(uow, actor, ACCOUNT)
        reconcile.start(uow, actor, ACCOUNT, OCT_31)
    with book.write(tenant) as uow:
        with pytest.raises(RuleViolation, match="a reconciliation of it is in progress"):
            bank.close_account(uow, actor, ACCOUNT)
        reconcile.finish(uow, actor, ACCOUNT)
    november = Statement(
        "nov.csv", "csv", "generic", (StatementLine(2, D(2026, 11, 2), 2_000, "CASH DEPOSIT"),)
    )
    with book.write(tenant) as uow:
        bank.import_statement(uow, actor, ACCOUNT, november, "1" * 64)
    with (
        book.write(tenant) as uow,
        pytest.raises(
            RuleViolation,
            match=r"1 of its lines are dated after its last reconciliation \(2026-10-31\)",
        ),
    ):
        bank.close_account(uow, actor, ACCOUNT)
    # Reconciling November too leaves nothing after the lock.
    closing = _accounts(book, tenant)[ACCOUNT].balance_cents
    with book.write(tenant) as uow:
        categorise.categorise_line(uow, actor, _line_id(uow, "CASH DEPOSIT"), account_code="4100")
        reconcile.start(uow, actor, ACCOUNT, D(2026, 11, 30), closing)
        reconcile.finish(uow, actor, ACCOUNT)
    with book.write(tenant) as uow:
        closed = bank.close_account(uow, actor, ACCOUNT)
    assert closed.closed
    assert _accounts(book, tenant)[ACCOUNT].closed_at is not None
    with book.write(tenant) as uow:
        with pytest.raises(RuleViolation, match=f"{ACCOUNT} is closed and takes no more"):
            bank.import_statement(uow, actor, ACCOUNT, _december(), "2" * 64)
        with pytest.raises(RuleViolation, match=f"{ACCOUNT} is already closed"):
            bank.close_account(uow, actor, ACCOUNT)
    with book.write(tenant) as uow:
        bank.reopen_account(uow, actor, ACCOUNT)
    with book.write(tenant) as uow:
        assert len(bank.import_statement(uow, actor, ACCOUNT, _december(), "2" * 64).imported)
        with pytest.raises(RuleViolation, match=f"{ACCOUNT} is not closed"):
            bank.reopen_account(uow, actor, ACCOUNT)
    actions = [(r.action, r.after) for r in _audit(book, tenant) if "bank_account." in r.action]
    assert actions[-2:] == [
        ("bank_account.close", {"name": ACCOUNT, "closed": True}),
        ("bank_account.reopen", {"name": ACCOUNT, "closed": False}),
    ]


def _line_id(uow, description: str) -> int:
    return next(line.id for line in uow.bank.lines() if line.description == description)


def _december() -> Statement:
    return Statement(
        "dec.csv", "csv", "generic", (StatementLine(2, D(2026, 12, 2), 3_000, "CASH DEPOSIT 2"),)
    )


def test_an_account_without_lines_closes_and_only_an_admin_closes_or_renames(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        bank.add_account(uow, admin, "Mistake", "other")
        add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    with book.write(tenant) as uow:
        bea = acting_user(uow, tenant, "bea")
        with pytest.raises(PermissionDenied, match=r"bea \(bookkeeper\) may not manage"):
            bank.close_account(uow, bea, "Mistake")
        with pytest.raises(PermissionDenied, match=r"bea \(bookkeeper\) may not manage"):
            bank.rename_account(uow, bea, "Mistake", "Other")
    with book.write(tenant) as uow:
        assert bank.close_account(uow, admin, "Mistake").closed
    assert _accounts(book, tenant)["Mistake"].as_json()["closed_at"] is not None
