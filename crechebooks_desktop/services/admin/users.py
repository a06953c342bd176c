"""Users: adding them, who is acting; roles, disabling, password resets, set-up codes.

A user is never deleted: the audit log names them. An administrator disables
them in the creche instead (issue 13); a disabled user cannot sign in there or
act there, and can be enabled again. The creche always keeps one active
administrator, and nobody disables, or changes the role of, themselves (another
administrator does it), so nobody locks the creche or themselves out by a slip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.tenancy import UserValue
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.passwords import SETUP_CODE_DAYS, hash_password, new_setup_code
from crechebooks_desktop.domain.roles import Actor, Permission, Role
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services import audit


@dataclass(frozen=True, slots=True)
class AddedUser:
    """A user just added, and their set-up code when they were added without a password."""

    user: UserValue
    setup_code: SetUpCode | None


@dataclass(frozen=True, slots=True)
class SetUpCode:
    """A one-time code to pass on to a new user (shown once; only its hash is kept)."""

    username: str
    code: str
    expires_at: dt.datetime


def acting_user(uow: UnitOfWork, tenant_id: int, username: str | None) -> Actor:
    """The actor for a command: the named user, or the creche's first admin.

    Raises:
        NotFoundError: no such user, or the user has no role in the creche.
    """
    if username:
        user = uow.users.by_username(username, tenant_id)
        if user is None:
            raise NotFoundError(f"no user called {username!r} in this book")
    else:
        admins = uow.users.admins_of(tenant_id)
        if not admins:
            raise NotFoundError("this creche has no administrator")
        user = admins[0]
    if user.role is None:
        raise PermissionDenied(f"{user.username} has no role in this creche")
    if user.disabled_at is not None:
        raise PermissionDenied(
            f"{user.username} is disabled in this creche; an administrator can enable them again"
        )
    if not user.active:
        raise PermissionDenied(f"{user.username} has no role in this creche")
    return Actor(user_id=user.id, username=user.username, tenant_id=tenant_id, role=user.role)


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    username: str,
    role: Role,
    password: str | None,
    full_name: str | None = None,
) -> AddedUser:
    """Add a user to the actor's creche (or give an existing user a role there).

    A new user without a password gets a one-time set-up code for their first
    sign-in (issue 13), returned once to pass on; only its hash is kept.

    Raises:
        PermissionDenied: the actor is not an administrator.
        RuleViolation: the user already has a role in this creche.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    name = username.strip()
    if not name:
        raise RuleViolation("user name cannot be blank")
    existing = uow.users.by_username(name, actor.tenant_id)
    if existing is not None and existing.role is not None:
        raise RuleViolation(f"{name} is already a user of this creche ({existing.role.value})")
    grant_role(uow, actor.tenant_id, name, role, password, full_name, acting=actor)
    found = uow.users.by_username(name, actor.tenant_id)
    if found is None:  # pragma: no cover - just written
        raise NotFoundError(name)
    if existing is not None or password is not None:
        # Someone of another creche keeps their own way in: a code from here would
        # let this creche's administrator take over their account there.
        return AddedUser(found, None)
    code = issue_setup_code(uow, actor, found.username)
    return AddedUser(_reread(uow, actor, found), code)


def grant_role(
    uow: UnitOfWork,
    tenant_id: int,
    username: str,
    role: Role,
    password: str | None,
    full_name: str | None,
    *,
    acting: Actor | None,
) -> Actor:
    """Create the user if new and give them ``role`` in the creche, audited.

    Args:
        uow: the transaction.
        tenant_id: the creche.
        username: the user's name (already checked not blank).
        role: the role to hold there.
        password: the first password of a new user (None: chosen at first sign-in).
        full_name: a new user's full name.
        acting: who does it; None when the user sets themself up (a new creche's
            first administrator).

    Returns:
        The user as an actor in the creche.
    """
    require_one_line(username, "the user name")
    require_one_line(full_name, "the full name")
    existing = uow.users.by_username(username)
    if existing is None:
        user_id = uow.users.create(
            username, full_name, hash_password(password) if password else None
        )
    else:
        user_id = existing.id
    uow.users.grant(tenant_id, user_id, role)
    user = Actor(user_id=user_id, username=username, tenant_id=tenant_id, role=role)
    actor = acting or user
    if existing is None:
        audit.record(
            uow,
            actor,
            "user.create",
            "user",
            user_id,
            None,
            {"username": username, "has_password": password is not None},
        )
    audit.record(
        uow,
        actor,
        "user.grant",
        "tenant_user",
        f"{tenant_id}:{user_id}",
        None,
        {"username": username, "role": role.value},
    )
    return user


def list_users(uow: UnitOfWork, tenant_id: int) -> list[UserValue]:
    """The creche's users with their roles."""
    return uow.users.in_tenant(tenant_id)


def set_first_password(uow: UnitOfWork, tenant_id: int, username: str, password: str) -> Actor:
    """Let a user who has no password yet choose one, and sign them in.

    Only the book's one user, made by ``init`` without a password, may: anyone
    else without a password needs a set-up code (``sign_in.redeem_setup_code``),
    so nobody claims an account by reaching the sign-in dialog first. Audited
    as that user.

    Raises:
        PermissionDenied: the user already has a password or a set-up code, is
            not the book's only user, or has no role here.
        RuleViolation: an empty password.
    """
    if not password:
        raise RuleViolation("choose a password that is not empty")
    actor = acting_user(uow, tenant_id, username)
    if uow.users.password_hash(actor.user_id) is not None:
        raise PermissionDenied(f"{actor.username} already has a password")
    if uow.users.setup_code(actor.user_id) is not None or uow.users.count_all() != 1:
        raise PermissionDenied(
            f"{actor.username} needs the set-up code an administrator gave them "
            "to choose a first password"
        )
    uow.users.set_password_hash(actor.user_id, hash_password(password))
    audit.record(
        uow,
        actor,
        "user.set_password",
        "user",
        actor.user_id,
        {"has_password": False},
        {"has_password": True},
    )
    return actor


def change_role(uow: UnitOfWork, actor: Actor, username: str, role: Role) -> UserValue:
    """Give a user of the actor's creche another role there, audited.

    Raises:
        PermissionDenied: the actor is not an administrator.
        NotFoundError: no such user in this creche.
        RuleViolation: the actor's own role, the same role again, or the last
            active administrator made something else.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    user = member(uow, actor, username)
    if user.id == actor.user_id:
        raise RuleViolation("you cannot change your own role; ask another administrator")
    if user.role is role:
        raise RuleViolation(f"{user.username} is already {role.value}")
    if user.role is Role.ADMIN and user.active:
        _keep_an_admin(uow, actor, user, f"make {user.username} {role.value}")
    uow.users.grant(actor.tenant_id, user.id, role)
    _record(uow, actor, "user.role", user, {"role": _role(user)}, {"role": role.value})
    return _reread(uow, actor, user)


def disable_user(uow: UnitOfWork, actor: Actor, username: str) -> UserValue:
    """Stop a user signing in to, or acting in, the actor's creche; audited.

    The user stays in the book (the audit log names them) and can be enabled
    again with ``enable_user``.

    Raises:
        PermissionDenied: the actor is not an administrator.
        NotFoundError: no such user in this creche.
        RuleViolation: the actor themself, a user already disabled, or the
            last active administrator.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    user = member(uow, actor, username)
    if user.id == actor.user_id:
        raise RuleViolation("you cannot disable yourself; ask another administrator")
    if user.disabled_at is not None:
        raise RuleViolation(f"{user.username} is already disabled")
    if user.role is Role.ADMIN:
        _keep_an_admin(uow, actor, user, f"disable {user.username}")
    uow.users.set_disabled(actor.tenant_id, user.id, disabled=True)
    _record(uow, actor, "user.disable", user, {"disabled": False}, {"disabled": True})
    return _reread(uow, actor, user)


def enable_user(uow: UnitOfWork, actor: Actor, username: str) -> UserValue:
    """Let a disabled user sign in to the actor's creche again; audited.

    Raises:
        PermissionDenied: the actor is not an administrator.
        NotFoundError: no such user in this creche.
        RuleViolation: the user is not disabled.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    user = member(uow, actor, username)
    if user.disabled_at is None:
        raise RuleViolation(f"{user.username} is not disabled")
    uow.users.set_disabled(actor.tenant_id, user.id, disabled=False)
    _record(uow, actor, "user.enable", user, {"disabled": True}, {"disabled": False})
    return _reread(uow, actor, user)


def reset_password(uow: UnitOfWork, actor: Actor, username: str, password: str) -> UserValue:
    """Give a user of the actor's creche a new password (they forgot theirs); audited.

    The password is the user's across the book, so an administrator of this
    creche may not reset the password of someone who holds a role in another
    creche of the book where the actor is not an administrator: that would let
    them sign in there as that person.

    Raises:
        PermissionDenied: the actor is not an administrator here, or not in
            every other creche where the user has a role.
        NotFoundError: no such user in this creche.
        RuleViolation: an empty password.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    if not password:
        raise RuleViolation("choose a password that is not empty")
    user = member(uow, actor, username)
    require_admin_wherever(uow, actor, user)
    uow.users.set_password_hash(user.id, hash_password(password))
    uow.users.set_setup_code(user.id, None, None)
    _record(
        uow,
        actor,
        "user.reset_password",
        user,
        {"has_password": user.has_password},
        {"has_password": True},
    )
    return _reread(uow, actor, user)


def require_admin_wherever(uow: UnitOfWork, actor: Actor, user: UserValue) -> None:
    """Refuse to reset the password of someone who also works where the actor is no admin.

    Raises:
        PermissionDenied: the user holds a role in another creche of the book
            where the actor is not an active administrator.
    """
    for tenant_id, _role_there in uow.users.roles_elsewhere(user.id, actor.tenant_id):
        mine = uow.users.by_username(actor.username, tenant_id)
        if mine is None or mine.role is not Role.ADMIN or not mine.active:
            raise PermissionDenied(
                f"{user.username} also works in another creche of this book, where you are "
                "not an administrator; an administrator of every creche they work in can "
                "reset their password"
            )


def member(uow: UnitOfWork, actor: Actor, username: str) -> UserValue:
    """The user of this name with a role in the actor's creche."""
    name = username.strip()
    user = uow.users.by_username(name, actor.tenant_id) if name else None
    if user is None or user.role is None:
        raise NotFoundError(f"no user called {name!r} in this creche")
    return user


def _keep_an_admin(uow: UnitOfWork, actor: Actor, user: UserValue, doing: str) -> None:
    # One such change at a time per creche: two admins disabling each other at once
    # in two windows must not leave the creche with none.
    uow.tenants.lock(actor.tenant_id)
    others = [a for a in uow.users.admins_of(actor.tenant_id) if a.id != user.id]
    if not others:
        raise RuleViolation(f"cannot {doing}: the creche needs at least one active administrator")


def _role(user: UserValue) -> str | None:
    return user.role.value if user.role else None


def _record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    user: UserValue,
    before: dict[str, object],
    after: dict[str, object],
) -> None:
    audit.record(
        uow,
        actor,
        action,
        "tenant_user",
        f"{actor.tenant_id}:{user.id}",
        {"username": user.username, **before},
        {"username": user.username, **after},
    )


def _reread(uow: UnitOfWork, actor: Actor, user: UserValue) -> UserValue:
    found = uow.users.by_username(user.username, actor.tenant_id)
    if found is None:  # pragma: no cover - just written
        raise NotFoundError(user.username)
    return found


def issue_setup_code(uow: UnitOfWork, actor: Actor, username: str) -> SetUpCode:
    """Give a user of the actor's creche a new one-time set-up code, audited.

    Their password, if any, stops working: this is how an administrator lets a
    user who forgot theirs choose a new one without the administrator knowing it.

    Raises:
        PermissionDenied: the actor is not an administrator (here, and in every
            other creche the user works in).
        NotFoundError: no such user in this creche.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    user = member(uow, actor, username)
    require_admin_wherever(uow, actor, user)
    code = new_setup_code()
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=SETUP_CODE_DAYS)
    uow.users.clear_password(user.id)
    uow.users.set_setup_code(user.id, hash_password(code), expires_at)
    audit.record(
        uow,
        actor,
        "user.setup_code",
        "tenant_user",
        f"{actor.tenant_id}:{user.id}",
        {"username": user.username, "has_password": user.has_password},
        {"username": user.username, "has_password": False, "expires_at": expires_at},
    )
    return SetUpCode(user.username, code, expires_at)


def change_own_password(uow: UnitOfWork, actor: Actor, password: str) -> None:
    """The signed-in user chooses a new password for themself; audited.

    Raises:
        RuleViolation: an empty password.
    """
    if not password:
        raise RuleViolation("choose a password that is not empty")
    uow.users.set_password_hash(actor.user_id, hash_password(password))
    audit.record(
        uow, actor, "user.change_password", "user", actor.user_id, None, {"has_password": True}
    )
