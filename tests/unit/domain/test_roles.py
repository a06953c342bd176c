"""Tests for crechebooks_desktop.domain.roles (who may do what)."""

from __future__ import annotations

import pytest

from crechebooks_desktop.domain.roles import Actor, Permission, Role, allows

TABLE = {
    # role: (manage settings, manage roster, post money, read, unlock periods)
    Role.ADMIN: (True, True, True, True, True),
    Role.BOOKKEEPER: (False, False, True, True, False),
    Role.OWNER_VIEWER: (False, False, False, True, False),
}
COLUMNS = (
    Permission.MANAGE_SETTINGS,
    Permission.MANAGE_ROSTER,
    Permission.POST_MONEY,
    Permission.READ,
    Permission.UNLOCK_PERIODS,
)


def test_the_table_covers_every_role_and_permission() -> None:
    assert set(TABLE) == set(Role)
    assert set(COLUMNS) == set(Permission)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_permissions(role: Role, permission: Permission) -> None:
    expected = TABLE[role][COLUMNS.index(permission)]
    assert allows(role, permission) is expected
    actor = Actor(user_id=1, username="someone", tenant_id=2, role=role)
    assert actor.can(permission) is expected


def test_role_values_are_what_the_command_line_takes() -> None:
    assert [r.value for r in Role] == ["admin", "bookkeeper", "owner-viewer"]
    assert Role("owner-viewer") is Role.OWNER_VIEWER


def test_actor_is_immutable() -> None:
    actor = Actor(1, "ada", 2, Role.ADMIN)
    with pytest.raises(AttributeError):
        actor.role = Role.BOOKKEEPER  # type: ignore[misc]
