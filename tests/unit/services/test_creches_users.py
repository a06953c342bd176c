"""Setting up creches, changing settings, and users (services.creches, services.users)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.audit import AuditValue
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import (
    NotFoundError,
    PermissionDenied,
    RuleViolation,
    UserFacingError,
)
from crechebooks_desktop.services.admin.creches import (
    change_setting,
    init_creche,
    setting_names,
)
from crechebooks_desktop.services.admin.users import (
    acting_user,
    add_user,
    list_users,
    set_first_password,
)
from tests.sign_in_support import sign_in

Creche = tuple[CrecheSettings, Actor]


def _audit(book: Book, tenant_id: int | None = None) -> list[AuditValue]:
    """The audit log, oldest first."""
    with book.read() as uow:
        return list(reversed(uow.audit.latest(tenant_id, limit=1000)))


def _settings(book: Book, tenant_id: int) -> CrecheSettings:
    with book.read() as uow:
        found = uow.tenants.get(tenant_id)
    assert found is not None
    return found


def test_init_creche_writes_tenant_admin_and_audit(book: Book) -> None:
    with book.write() as uow:
        settings, actor = init_creche(
            uow,
            NewCreche(
                name="  Little Acorns  ",
                vat_number="4123456789",
                prices_include_vat="no",
                sibling_discounts="0,10,15",
                due_day="5",
                invoice_prefix="la",
                admin_username="ada",
                admin_full_name="Ada Admin",
                admin_password="pw",
            ),
        )
    assert settings.name == "Little Acorns"
    assert (settings.vat_number, settings.prices_include_vat, settings.vat_registered) == (
        "4123456789",
        False,
        True,
    )
    assert (settings.sibling_discounts, settings.due_day, settings.invoice_prefix) == (
        "0,10,15",
        5,
        "LA",
    )
    assert _settings(book, settings.tenant_id) == settings
    assert actor == Actor(actor.user_id, "ada", settings.tenant_id, Role.ADMIN)

    records = _audit(book)
    assert [(r.action, r.entity) for r in records] == [
        ("user.create", "user"),
        ("user.grant", "tenant_user"),
        ("creche.create", "tenant"),
    ]
    assert {(r.username, r.user_id, r.tenant_id) for r in records} == {
        ("ada", actor.user_id, settings.tenant_id)
    }
    create_user, grant, create_creche = records
    assert create_user.entity_id == str(actor.user_id)
    assert create_user.after == {"username": "ada", "has_password": True}
    assert grant.entity_id == f"{settings.tenant_id}:{actor.user_id}"
    assert grant.after == {"username": "ada", "role": "admin"}
    assert create_creche.entity_id == str(settings.tenant_id)
    assert create_creche.before is None
    assert create_creche.after == settings.as_dict()
    assert create_creche.at.tzinfo is not None

    with book.read() as uow:
        (admin,) = list_users(uow, settings.tenant_id)
    assert (admin.username, admin.full_name, admin.role, admin.has_password, admin.active) == (
        "ada",
        "Ada Admin",
        Role.ADMIN,
        True,
        True,
    )


def test_duplicate_creche_name_is_refused(book: Book, creche: Creche) -> None:
    before = _audit(book)
    with (
        pytest.raises(
            RuleViolation, match="already has a creche called 'little acorns PLAYSCHOOL'"
        ),
        book.write() as uow,
    ):
        init_creche(uow, NewCreche(name=" little acorns PLAYSCHOOL "))
    with book.read() as uow:
        assert [c.name for c in uow.tenants.all()] == ["Little Acorns Playschool"]
    assert _audit(book) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "name: cannot be blank"),
        ("vat_number", "123", "vat-number: a South African VAT number"),
        ("prices_include_vat", "sometimes", "prices-include-vat: expected yes or no"),
        ("sibling_discounts", "0,200", "sibling-discounts: sibling discount 200"),
        ("due_day", "31", "due-day: due day must be from 1 to 28"),
        ("invoice_prefix", "IN V", "invoice-prefix: invoice prefix must be"),
        ("admin_username", "  ", "admin-user: cannot be blank"),
    ],
)
def test_init_creche_refuses_bad_values(book: Book, field: str, value: str, message: str) -> None:
    new = NewCreche(name="Acorns", **{field: value}) if field != "name" else NewCreche(name=value)
    with pytest.raises(UserFacingError) as caught, book.write() as uow:
        init_creche(uow, new)
    assert str(caught.value).startswith(message)
    with book.read() as uow:
        assert uow.tenants.all() == []
    assert _audit(book) == []


def test_second_creche_reuses_an_existing_admin(book: Book, creche: Creche) -> None:
    _first, admin = creche
    with book.write() as uow:
        second, actor = init_creche(uow, NewCreche(name="Second Site", admin_username="ADMIN"))
    assert actor.user_id == admin.user_id
    records = _audit(book, second.tenant_id)
    assert [r.action for r in records] == ["user.grant", "creche.create"]


def test_change_setting_is_audited(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        after = change_setting(uow, actor, "due-day", " 3 ")
        change_setting(uow, actor, "vat_number", "4 123 456 789")
    assert after.due_day == 3
    stored = _settings(book, settings.tenant_id)
    assert (stored.due_day, stored.vat_number, stored.vat_registered) == (3, "4123456789", True)
    due, vat = [r for r in _audit(book, settings.tenant_id) if r.action == "settings.set"]
    assert (due.username, due.entity, due.entity_id) == ("admin", "tenant", str(settings.tenant_id))
    assert (due.before, due.after) == ({"due_day": 7}, {"due_day": 3})
    assert (vat.before, vat.after) == ({"vat_number": None}, {"vat_number": "4123456789"})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("due_day", "31", "due_day: due day must be from 1 to 28"),
        ("colour", "blue", "colour: unknown setting 'colour'"),
        ("prices_include_vat", "perhaps", "prices_include_vat: expected yes or no"),
        ("sibling_discounts", "NaN", "sibling_discounts: sibling discount NaN"),
    ],
)
def test_bad_setting_changes_nothing(
    book: Book, creche: Creche, key: str, value: str, message: str
) -> None:
    settings, actor = creche
    before = _audit(book)
    with pytest.raises(UserFacingError) as caught, book.write(settings.tenant_id) as uow:
        change_setting(uow, actor, key, value)
    assert str(caught.value).startswith(message)
    assert _settings(book, settings.tenant_id) == settings
    assert _audit(book) == before


def test_renaming_onto_another_creche_is_refused(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with book.write() as uow:
        init_creche(uow, NewCreche(name="Baobab", admin_username="ben"))
    with (
        pytest.raises(RuleViolation, match="already has a creche called 'baobab'"),
        book.write(settings.tenant_id) as uow,
    ):
        change_setting(uow, actor, "name", "baobab")
    with book.write(settings.tenant_id) as uow:  # its own name in other letters is fine
        assert change_setting(uow, actor, "name", "LITTLE ACORNS PLAYSCHOOL").name == (
            "LITTLE ACORNS PLAYSCHOOL"
        )


def test_only_admins_change_settings(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    with book.write(settings.tenant_id) as uow:
        bea = acting_user(uow, settings.tenant_id, "bea")
        with pytest.raises(PermissionDenied, match=r"bea \(bookkeeper\) may not manage settings"):
            change_setting(uow, bea, "due_day", "3")
        with pytest.raises(PermissionDenied):
            add_user(uow, bea, "carl", Role.ADMIN, None)
    assert _settings(book, settings.tenant_id).due_day == 7


def test_setting_names() -> None:
    names = setting_names()
    assert names == sorted(names)
    assert {"due_day", "vat_number", "prices_include_vat", "sibling_discounts"} <= set(names)
    assert len(names) == 26


def test_add_user_and_list(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        added = add_user(uow, admin, " bea ", Role.BOOKKEEPER, "ledger!", "Bea Bookkeeper").user
        olivia = add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
    assert olivia.setup_code is not None  # no password: a one-time set-up code instead
    assert (olivia.user.has_password, olivia.user.has_setup_code) == (False, True)
    assert (added.username, added.role, added.has_password, added.full_name) == (
        "bea",
        Role.BOOKKEEPER,
        True,
        "Bea Bookkeeper",
    )
    with book.read() as uow:
        listed = [(u.username, u.role, u.has_password) for u in list_users(uow, settings.tenant_id)]
    assert listed == [
        ("admin", Role.ADMIN, True),
        ("bea", Role.BOOKKEEPER, True),
        ("olivia", Role.OWNER_VIEWER, False),
    ]
    records = [r for r in _audit(book, settings.tenant_id) if r.entity_id != str(admin.user_id)]
    code_record = records[-1]
    assert (code_record.action, code_record.after["has_password"]) == ("user.setup_code", False)
    assert olivia.setup_code.code not in str(code_record.after)  # only ever shown once
    assert [(r.action, r.after) for r in records[-5:-1]] == [
        ("user.create", {"username": "bea", "has_password": True}),
        ("user.grant", {"username": "bea", "role": "bookkeeper"}),
        ("user.create", {"username": "olivia", "has_password": False}),
        ("user.grant", {"username": "olivia", "role": "owner-viewer"}),
    ]
    assert {r.username for r in records[-5:]} == {"admin"}


def test_add_user_twice_or_blank_is_refused(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    with (
        pytest.raises(RuleViolation, match=r"BEA is already a user of this creche \(bookkeeper\)"),
        book.write(settings.tenant_id) as uow,
    ):
        add_user(uow, admin, "BEA", Role.ADMIN, None)
    with (
        pytest.raises(RuleViolation, match="cannot be blank"),
        book.write(settings.tenant_id) as uow,
    ):
        add_user(uow, admin, "  ", Role.ADMIN, None)
    with book.read() as uow:
        assert [u.username for u in list_users(uow, settings.tenant_id)] == ["admin", "bea"]


def test_sign_in(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "nopw", Role.BOOKKEEPER, None)
    with book.write() as uow:
        assert sign_in(uow, settings.tenant_id, "admin", "correct horse") == admin
        assert sign_in(uow, settings.tenant_id, " ADMIN ", "correct horse") == admin
        for user, password in (
            ("admin", "wrong"),
            ("admin", ""),
            ("nobody", "correct horse"),
            ("nopw", ""),
            ("nopw", "anything"),
        ):
            with pytest.raises(PermissionDenied, match=r"^wrong user name or password$"):
                sign_in(uow, settings.tenant_id, user, password)


def test_acting_user(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, admin, "aaron", Role.ADMIN, None)
        add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    with book.read() as uow:
        first = acting_user(uow, settings.tenant_id, None)
        assert (first.username, first.role) == ("aaron", Role.ADMIN)  # first admin by name
        assert acting_user(uow, settings.tenant_id, "") == first
        assert acting_user(uow, settings.tenant_id, "admin") == admin
        bea = acting_user(uow, settings.tenant_id, "Bea")
        assert (bea.username, bea.role, bea.tenant_id) == (
            "bea",
            Role.BOOKKEEPER,
            settings.tenant_id,
        )
        with pytest.raises(NotFoundError, match="no user called 'zed' in this book"):
            acting_user(uow, settings.tenant_id, "zed")


def test_set_first_password(book: Book) -> None:
    with book.write() as uow:
        settings, admin = init_creche(
            uow, NewCreche(name="No Password Yet", admin_username="thandi")
        )
    with book.write() as uow, pytest.raises(PermissionDenied):
        sign_in(uow, settings.tenant_id, "thandi", "")
    with pytest.raises(RuleViolation, match="not empty"), book.write() as uow:
        set_first_password(uow, settings.tenant_id, "thandi", "")
    with book.write() as uow:
        assert set_first_password(uow, settings.tenant_id, "THANDI", "s3cret") == admin
    with book.write() as uow:
        assert sign_in(uow, settings.tenant_id, "thandi", "s3cret") == admin
        (record,) = [
            r for r in uow.audit.latest(settings.tenant_id) if r.action == "user.set_password"
        ]
    assert (record.username, record.before, record.after) == (
        "thandi",
        {"has_password": False},
        {"has_password": True},
    )
    with (
        pytest.raises(PermissionDenied, match="thandi already has a password"),
        book.write() as uow,
    ):
        set_first_password(uow, settings.tenant_id, "thandi", "other")
    with book.write() as uow:
        assert sign_in(uow, settings.tenant_id, "thandi", "s3cret") == admin


def test_acting_user_needs_an_admin_or_a_role(book: Book, creche: Creche) -> None:
    with book.write() as uow:
        other, _ = init_creche(uow, NewCreche(name="Other", admin_username="otto"))
        uow._session.execute(
            text("DELETE FROM tenant_users WHERE tenant_id = :t"), {"t": other.tenant_id}
        )
    with book.read() as uow:
        with pytest.raises(NotFoundError, match="this creche has no administrator"):
            acting_user(uow, other.tenant_id, None)
        with pytest.raises(PermissionDenied, match="admin has no role in this creche"):
            acting_user(uow, other.tenant_id, "admin")


def test_a_user_of_another_creche_is_given_a_role(book: Book, creche: Creche) -> None:
    settings, admin = creche
    with book.write() as uow:
        other, otto = init_creche(uow, NewCreche(name="Other", admin_username="otto"))
    with book.write(settings.tenant_id) as uow:
        added = add_user(uow, admin, "Otto", Role.BOOKKEEPER, "ignored").user
    assert (added.id, added.username, added.role) == (otto.user_id, "otto", Role.BOOKKEEPER)
    with book.read() as uow:
        records = [r for r in uow.audit.latest(settings.tenant_id) if r.action.startswith("user.")]
        # An existing user keeps their own password (otto had none): not replaced.
        assert added.has_password is False
        assert acting_user(uow, other.tenant_id, "otto").role is Role.ADMIN
    assert [(r.action, r.after) for r in records[:1]] == [
        ("user.grant", {"username": "Otto", "role": "bookkeeper"})
    ]


def test_a_good_sign_in_raises_an_old_cheaper_hash_to_todays_cost(
    book: Book, creche: Creche, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crechebooks_desktop.domain import passwords

    settings, admin = creche
    with book.write(settings.tenant_id) as uow:
        old = uow.users.password_hash(admin.user_id)
    assert old is not None
    monkeypatch.setattr(passwords, "COST_N", passwords.COST_N * 2)  # today's cost went up
    assert passwords.needs_rehash(old)
    with book.write(settings.tenant_id) as uow, pytest.raises(PermissionDenied):
        sign_in(uow, settings.tenant_id, "admin", "wrong")
    with book.read() as uow:
        assert uow.users.password_hash(admin.user_id) == old  # a wrong password changes nothing
    with book.write(settings.tenant_id) as uow:
        assert sign_in(uow, settings.tenant_id, "admin", "correct horse") == admin
    with book.read() as uow:
        raised = uow.users.password_hash(admin.user_id)
    assert raised is not None
    assert raised != old
    assert raised.split("$")[1] == str(passwords.COST_N)
    assert passwords.verify_password("correct horse", raised)
