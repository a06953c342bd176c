"""Users: adding them, signing in, and who is acting; roles, disabling, password resets.

A user is never deleted: the audit log names them. An administrator disables
them in the creche instead (issue 13); a disabled user cannot sign in there or
act there, and can be enabled again. The creche always keeps one active
administrator, and nobody disables, or changes the role of, themselves (another
administrator does it), so nobody locks the creche or themselves out by a slip.
"""

from __future__ import annotations

from crechebooks_desktop.db.repositories.tenancy import UserValue
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.passwords import hash_password, needs_rehash, verify_password
from crechebooks_desktop.domain.roles import Actor, Permission, Role
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services import audit


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


def sign_in(uow: UnitOfWork, tenant_id: int, username: str, password: str) -> Actor:
    """Check a user's password and return them as the actor.

    Call it in a write transaction: a password hashed at an older, lower cost
    is hashed again at today's cost on a good sign-in (the only moment the
    plain password is known).

    Raises:
        PermissionDenied: unknown user, wrong password, or no role here (one
            message for all, so it does not tell which names exist).
    """
    user = uow.users.by_username(username, tenant_id)
    stored = uow.users.password_hash(user.id) if user else None
    if user is None or stored is None or not verify_password(password, stored):
        raise PermissionDenied("wrong user name or password")
    actor = acting_user(uow, tenant_id, user.username)
    if needs_rehash(stored):
        uow.users.set_password_hash(user.id, hash_password(password))
    return actor


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    username: str,
    role: Role,
    password: str | None,
    full_name: str | None = None,
) -> UserValue:
    """Add a user to the actor's creche (or give an existing user a role there).

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
    return found


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

    Used at first sign-in for an administrator created by ``init`` without a
    password. Audited as that user.

    Raises:
        PermissionDenied: the user already has a password, or no role here.
        RuleViolation: an empty password.
    """
    if not password:
        raise RuleViolation("choose a password that is not empty")
    actor = acting_user(uow, tenant_id, username)
    if uow.users.password_hash(actor.user_id) is not None:
        raise PermissionDenied(f"{actor.username} already has a password")
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
    user = _member(uow, actor, username)
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
    user = _member(uow, actor, username)
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
    user = _member(uow, actor, username)
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
    user = _member(uow, actor, username)
    for tenant_id, _role_there in uow.users.roles_elsewhere(user.id, actor.tenant_id):
        mine = uow.users.by_username(actor.username, tenant_id)
        if mine is None or mine.role is not Role.ADMIN or not mine.active:
            raise PermissionDenied(
                f"{user.username} also works in another creche of this book, where you are "
                "not an administrator; an administrator of every creche they work in can "
                "reset their password"
            )
    uow.users.set_password_hash(user.id, hash_password(password))
    _record(
        uow,
        actor,
        "user.reset_password",
        user,
        {"has_password": user.has_password},
        {"has_password": True},
    )
    return _reread(uow, actor, user)


def _member(uow: UnitOfWork, actor: Actor, username: str) -> UserValue:
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
