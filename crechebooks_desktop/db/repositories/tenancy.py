"""Creches and users: the rows above any one creche."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crechebooks_desktop.db.tables import Tenant, TenantUser, User
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Role

_SETTING_FIELDS = [f.name for f in fields(CrecheSettings) if f.name != "tenant_id"]


@dataclass(frozen=True, slots=True)
class UserValue:
    """A user and, when asked about one creche, the role held there.

    ``active`` is False for a user switched off in the whole book, or disabled in
    the creche asked about (``disabled_at``).
    """

    id: int
    username: str
    full_name: str | None
    active: bool
    has_password: bool
    role: Role | None
    disabled_at: dt.datetime | None = None
    # Added without a password: waits for a first sign-in with a set-up code.
    has_setup_code: bool = False


class TenantRepository:
    """Create, find and change creches."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, settings: CrecheSettings) -> CrecheSettings:
        """Insert a creche from its settings (``tenant_id`` is assigned)."""
        row = Tenant(**{name: getattr(settings, name) for name in _SETTING_FIELDS})
        self.session.add(row)
        self.session.flush()
        return _settings(row)

    def all(self) -> list[CrecheSettings]:
        """Every creche in the book, by name."""
        rows = self.session.scalars(select(Tenant).order_by(Tenant.name))
        return [_settings(row) for row in rows]

    def by_name(self, name: str) -> CrecheSettings | None:
        """The creche with this name (case-insensitive), if any."""
        row = self.session.scalars(
            select(Tenant).where(func.lower(Tenant.name) == name.strip().lower())
        ).first()
        return _settings(row) if row else None

    def get(self, tenant_id: int) -> CrecheSettings | None:
        """The creche with this id, if any."""
        row = self.session.get(Tenant, tenant_id)
        return _settings(row) if row else None

    def lock(self, tenant_id: int) -> None:
        """Hold the creche's row until the transaction ends (one monthly run at a time)."""
        self.session.execute(
            select(Tenant.id).where(Tenant.id == tenant_id).with_for_update()
        ).one()

    def save(self, settings: CrecheSettings) -> None:
        """Write every setting of an existing creche."""
        row = self.session.get_one(Tenant, settings.tenant_id, with_for_update=True)
        for name in _SETTING_FIELDS:
            setattr(row, name, getattr(settings, name))
        self.session.flush()


class UserRepository:
    """Users and their roles per creche."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, username: str, full_name: str | None, password_hash: str | None) -> int:
        """Insert a user and return the id."""
        row = User(username=username, full_name=full_name, password_hash=password_hash)
        self.session.add(row)
        self.session.flush()
        return row.id

    def grant(self, tenant_id: int, user_id: int, role: Role) -> None:
        """Give a user a role in a creche (replacing any earlier role)."""
        self.session.merge(TenantUser(tenant_id=tenant_id, user_id=user_id, role=role))
        self.session.flush()

    def by_username(self, username: str, tenant_id: int | None = None) -> UserValue | None:
        """The user with this name (case-insensitive), with the role in ``tenant_id``."""
        row = self.session.scalars(
            select(User).where(func.lower(User.username) == username.strip().lower())
        ).first()
        return self._value(row, tenant_id) if row else None

    def password_hash(self, user_id: int) -> str | None:
        """The stored hash, for sign-in checks only."""
        return self.session.get_one(User, user_id).password_hash

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace a user's password hash."""
        self.session.get_one(User, user_id).password_hash = password_hash
        self.session.flush()

    def clear_password(self, user_id: int) -> None:
        """Remove a user's password (a set-up code replaces it)."""
        self.session.get_one(User, user_id).password_hash = None
        self.session.flush()

    def set_setup_code(
        self, user_id: int, code_hash: str | None, expires_at: dt.datetime | None
    ) -> None:
        """Replace (or with None, clear) a user's one-time set-up code."""
        row = self.session.get_one(User, user_id)
        row.setup_code_hash = code_hash
        row.setup_code_expires_at = expires_at
        self.session.flush()

    def setup_code(self, user_id: int) -> tuple[str, dt.datetime] | None:
        """The stored hash of a user's set-up code and when it expires, for sign-in only."""
        row = self.session.get_one(User, user_id)
        if row.setup_code_hash is None or row.setup_code_expires_at is None:
            return None
        return row.setup_code_hash, row.setup_code_expires_at

    def count_all(self) -> int:
        """How many users the whole book has (every creche)."""
        return int(self.session.scalar(select(func.count()).select_from(User)) or 0)

    def in_tenant(self, tenant_id: int) -> list[UserValue]:
        """The users who hold a role in a creche (disabled ones too), by name."""
        rows = self.session.execute(
            select(User, TenantUser.role, TenantUser.disabled_at)
            .join(TenantUser, TenantUser.user_id == User.id)
            .where(TenantUser.tenant_id == tenant_id)
            .order_by(User.username)
        )
        return [_user(user, role, disabled) for user, role, disabled in rows]

    def admins_of(self, tenant_id: int) -> list[UserValue]:
        """The creche's administrators who may act there (not disabled), by name."""
        return [u for u in self.in_tenant(tenant_id) if u.role is Role.ADMIN and u.active]

    def roles_elsewhere(self, user_id: int, tenant_id: int) -> list[tuple[int, Role]]:
        """The (creche, role) pairs the user holds in creches other than ``tenant_id``."""
        rows = self.session.execute(
            select(TenantUser.tenant_id, TenantUser.role).where(
                TenantUser.user_id == user_id, TenantUser.tenant_id != tenant_id
            )
        )
        return [(int(t), role) for t, role in rows]

    def set_disabled(self, tenant_id: int, user_id: int, *, disabled: bool) -> None:
        """Disable a user in a creche (from now) or enable them again."""
        link = self.session.get_one(TenantUser, (tenant_id, user_id), with_for_update=True)
        link.disabled_at = utc_now() if disabled else None
        self.session.flush()

    def _value(self, row: User, tenant_id: int | None) -> UserValue:
        role = None
        disabled = None
        if tenant_id is not None:
            link = self.session.get(TenantUser, (tenant_id, row.id))
            role = link.role if link else None
            disabled = link.disabled_at if link else None
        return _user(row, role, disabled)


def _user(row: User, role: Role | None, disabled_at: dt.datetime | None = None) -> UserValue:
    return UserValue(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        active=row.active and disabled_at is None,
        has_password=row.password_hash is not None,
        role=role,
        disabled_at=disabled_at,
        has_setup_code=row.setup_code_hash is not None,
    )


def _settings(row: Tenant) -> CrecheSettings:
    return CrecheSettings(
        tenant_id=row.id, **{name: getattr(row, name) for name in _SETTING_FIELDS}
    )
