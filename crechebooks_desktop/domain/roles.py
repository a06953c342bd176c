"""Users' roles in a creche and what each may do."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """A user's role in one creche."""

    ADMIN = "admin"
    BOOKKEEPER = "bookkeeper"
    OWNER_VIEWER = "owner-viewer"


class Permission(enum.StrEnum):
    """Kinds of change a role may make."""

    MANAGE_SETTINGS = "manage settings and users"
    MANAGE_ROSTER = "change the roster and fees"
    POST_MONEY = "record money movements"
    READ = "read the book"
    UNLOCK_PERIODS = "unlock a reconciled period"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    # Unlocking a reconciled period is the admin's alone (issue 11): ADMIN has every permission.
    Role.BOOKKEEPER: frozenset({Permission.POST_MONEY, Permission.READ}),
    Role.OWNER_VIEWER: frozenset({Permission.READ}),
}


def allows(role: Role, permission: Permission) -> bool:
    """Whether ``role`` grants ``permission``.

    Args:
        role: the user's role in the creche.
        permission: what the user is trying to do.

    Returns:
        True when the role includes the permission.
    """
    return permission in _GRANTS[role]


@dataclass(frozen=True, slots=True)
class Actor:
    """The user a change is made by, in the creche it is made in.

    Attributes:
        user_id: the user's id.
        username: the user's sign-in name (copied onto audit records).
        tenant_id: the creche being worked in.
        role: the user's role there.
    """

    user_id: int
    username: str
    tenant_id: int
    role: Role

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role allows ``permission``."""
        return allows(self.role, permission)
