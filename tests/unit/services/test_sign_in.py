"""Sign-in rules (issue 13): ways in, set-up codes, refusals audited (both backends)."""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain import passwords
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin import sign_in
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.admin.sign_in import Refused, Way
from crechebooks_desktop.services.admin.users import (
    add_user,
    disable_user,
    issue_setup_code,
    set_first_password,
)

Creche = tuple[CrecheSettings, Actor]


def _actions(book: Book, tenant_id: int) -> list[tuple[str, str, object]]:
    with book.read() as uow:
        return [(r.action, r.username, r.after) for r in reversed(uow.audit.latest(tenant_id))]


def test_each_user_has_one_way_in(book: Book, creche: Creche) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        added = add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "eyes")
        uow.users.set_setup_code(added.user.id, None, None)  # an older book's user: no code
    with book.read(tenant) as uow:
        assert sign_in.way_in(uow, tenant, "admin") is Way.PASSWORD
        assert sign_in.way_in(uow, tenant, "nobody") is Way.PASSWORD  # tells nothing
        assert sign_in.way_in(uow, tenant, "bea") is Way.LOCKED
        assert sign_in.sole_user(uow, tenant) is None
    with (
        pytest.raises(PermissionDenied, match="users reset-password bea --code"),
        book.read(tenant) as uow,
    ):
        sign_in.act_without_password(uow, tenant, "bea")


def test_the_only_user_without_a_password_may_act_and_choose_one(book: Book) -> None:
    with book.write() as uow:
        settings, admin = init_creche(uow, NewCreche(name="Solo", admin_username="sol"))
    tenant = settings.tenant_id
    with book.read(tenant) as uow:
        assert sign_in.way_in(uow, tenant, "sol") is Way.NO_PASSWORD_YET
        assert sign_in.sole_user(uow, tenant) == "sol"
        assert sign_in.act_without_password(uow, tenant, "SOL") == admin
    with book.write(tenant) as uow:
        added = add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    assert added.setup_code is not None
    with book.read(tenant) as uow:  # two users now: nobody acts without a secret
        assert sign_in.way_in(uow, tenant, "sol") is Way.LOCKED
    with pytest.raises(PermissionDenied, match="needs the set-up code"), book.write() as uow:
        set_first_password(uow, tenant, "bea", "claimed")  # reaching the dialog first


def test_a_set_up_code_works_once_and_only_until_it_expires(book: Book, creche: Creche) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        added = add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
    code = added.setup_code
    assert code is not None
    assert len(code.code) == 14  # XXXX-XXXX-XXXX
    assert code.expires_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=13, hours=23)
    with book.write(tenant) as uow:
        with pytest.raises(RuleViolation, match="not empty"):
            sign_in.redeem_setup_code(uow, tenant, "bea", code.code, "")
        wrong = sign_in.redeem_setup_code(uow, tenant, "bea", "AAAA-BBBB-CCCC", "mine")
        assert wrong == Refused("wrong user name or set-up code")
        assert sign_in.sign_in(uow, tenant, "bea", "") == Refused(sign_in.WRONG)
        actor = sign_in.redeem_setup_code(uow, tenant, " BEA ", code.code.lower(), "mine")
        assert isinstance(actor, Actor)
        assert (actor.username, actor.role) == ("bea", Role.BOOKKEEPER)
    with book.write(tenant) as uow:
        again = sign_in.redeem_setup_code(uow, tenant, "bea", code.code, "other")
        assert again == Refused("wrong user name or set-up code")
        assert sign_in.sign_in(uow, tenant, "bea", "mine") == actor
    # A new code (forgotten password) stops the password; an expired one is refused.
    with book.write(tenant) as uow:
        fresh = issue_setup_code(uow, admin, "bea")
        assert sign_in.sign_in(uow, tenant, "bea", "mine") == Refused(sign_in.WRONG)
        uow.users.set_setup_code(
            actor.user_id,
            uow.users.setup_code(actor.user_id)[0],  # type: ignore[index]
            dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
        )
    with book.write(tenant) as uow:
        late = sign_in.redeem_setup_code(uow, tenant, "bea", fresh.code, "mine")
    assert isinstance(late, Refused)
    assert late.message.startswith("the set-up code for bea expired on ")
    refusals = [
        (u, a) for a, u, a2 in _actions(book, tenant) if a == "sign_in.refused" for a in [a2]
    ]
    assert [u for u, _ in refusals] == ["bea"] * 5
    assert all(fresh.code not in str(after) for _, _, after in _actions(book, tenant))


def test_a_disabled_user_is_refused_even_with_the_right_secret(book: Book, creche: Creche) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        added = add_user(uow, admin, "bea", Role.BOOKKEEPER, None)
        disable_user(uow, admin, "bea")
    assert added.setup_code is not None
    with book.write(tenant) as uow:
        outcome = sign_in.redeem_setup_code(uow, tenant, "bea", added.setup_code.code, "mine")
    assert outcome == Refused(
        "bea is disabled in this creche; an administrator can enable them again"
    )
    with book.read() as uow:
        user = uow.users.by_username("bea")
    assert user is not None
    assert not user.has_password  # refused: the code was not used up


def test_only_an_administrator_issues_codes_and_never_for_another_creches_user(
    book: Book, creche: Creche
) -> None:
    settings, admin = creche
    tenant = settings.tenant_id
    with book.write() as uow:
        other, otto = init_creche(
            uow, NewCreche(name="Other", admin_username="otto", admin_password="o")
        )
    with book.write(tenant) as uow:
        given = add_user(uow, admin, "otto", Role.BOOKKEEPER, None)  # works elsewhere too
        viewer = add_user(uow, admin, "olivia", Role.OWNER_VIEWER, "eyes")
    assert given.setup_code is None  # keeps their own password: no code from here
    viewer_actor = Actor(viewer.user.id, "olivia", tenant, Role.OWNER_VIEWER)
    with pytest.raises(PermissionDenied), book.write(tenant) as uow:
        issue_setup_code(uow, viewer_actor, "admin")
    with (
        pytest.raises(PermissionDenied, match="also works in another creche"),
        book.write(tenant) as uow,
    ):
        issue_setup_code(uow, admin, "otto")
    with book.write(other.tenant_id) as uow:
        assert sign_in.sign_in(uow, other.tenant_id, "otto", "o") == otto


def test_set_up_codes_read_as_typed() -> None:
    code = passwords.new_setup_code()
    assert len(code) == 14
    assert code.count("-") == 2
    assert not set(code.replace("-", "")) & set("01ILOU")
    assert passwords.normalise_setup_code(f" {code.lower().replace('-', ' ')} ") == code
    assert passwords.new_setup_code() != code
