"""Signing in: who may act, with what proof; set-up codes; refused attempts audited.

Every way into a creche goes through here, from the window and the command line
alike (issue 13):

- a user with a password gives it;
- a user an administrator added without one gives the one-time set-up code the
  administrator passed on, and chooses a password with it;
- the one exception: a book whose only user has no password yet (a fresh
  ``init`` without one) lets that user act, so a one-person creche is not
  locked out of its own book; the front ends say how to set a password.

A refused attempt is recorded in the audit log. The functions that check a
secret return a :class:`Refused` instead of raising, so the caller can commit
that record before it refuses (a raised error would roll it back).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.tenancy import UserValue
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.passwords import (
    hash_password,
    needs_rehash,
    normalise_setup_code,
    verify_password,
)
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import PermissionDenied, RuleViolation, UserFacingError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.admin import users

__all__ = [
    "WRONG",
    "Refused",
    "Way",
    "act_without_password",
    "needs",
    "record_refusal",
    "redeem_setup_code",
    "sign_in",
    "sole_user",
    "way_in",
]

WRONG = "wrong user name or password"
"""One message for an unknown name and a wrong password: it does not tell which names exist."""


class Way(enum.Enum):
    """How a user gets into a creche."""

    PASSWORD = enum.auto()
    SETUP_CODE = enum.auto()
    NO_PASSWORD_YET = enum.auto()  # the book's only user, without a password
    LOCKED = enum.auto()  # no password and no code: an administrator must issue a code


@dataclass(frozen=True, slots=True)
class Refused:
    """A sign-in that did not succeed; already recorded in the audit log."""

    message: str

    def error(self) -> PermissionDenied:
        """The error a front end raises once the refusal is committed."""
        return PermissionDenied(self.message)


def way_in(uow: UnitOfWork, tenant_id: int, username: str) -> Way:
    """How ``username`` signs in to the creche.

    An unknown name answers PASSWORD, like a real one, so the question does not
    tell which names exist.
    """
    user = uow.users.by_username(username, tenant_id)
    if user is None or user.has_password:
        return Way.PASSWORD
    if user.has_setup_code:
        return Way.SETUP_CODE
    if uow.users.count_all() == 1:
        return Way.NO_PASSWORD_YET
    return Way.LOCKED


def sole_user(uow: UnitOfWork, tenant_id: int) -> str | None:
    """The creche's user when it has exactly one who may act; else None."""
    found = [u for u in users.list_users(uow, tenant_id) if u.active and u.role is not None]
    return found[0].username if len(found) == 1 else None


def sign_in(uow: UnitOfWork, tenant_id: int, username: str, password: str) -> Actor | Refused:
    """Check a password; the actor, or the refusal (recorded).

    Call it in a write transaction and commit a refusal too. A hash made at an
    older, lower cost is made again at today's cost on a good sign-in.
    """
    user = uow.users.by_username(username, tenant_id)
    stored = uow.users.password_hash(user.id) if user else None
    if user is None or stored is None or not verify_password(password, stored):
        return record_refusal(uow, tenant_id, user, username, WRONG)
    refused = _may_act(uow, tenant_id, user)
    if refused is not None:
        return refused
    if needs_rehash(stored):
        uow.users.set_password_hash(user.id, hash_password(password))
    return users.acting_user(uow, tenant_id, user.username)


def redeem_setup_code(
    uow: UnitOfWork, tenant_id: int, username: str, code: str, new_password: str
) -> Actor | Refused:
    """A first sign-in: check the set-up code, set the user's password, use the code up.

    Raises:
        RuleViolation: an empty new password (nothing is recorded: no secret was tried).
    """
    if not new_password:
        raise RuleViolation("choose a password that is not empty")
    user = uow.users.by_username(username, tenant_id)
    stored = uow.users.setup_code(user.id) if user else None
    if user is None or stored is None:
        return record_refusal(uow, tenant_id, user, username, "wrong user name or set-up code")
    code_hash, expires_at = stored
    if not verify_password(normalise_setup_code(code), code_hash):
        return record_refusal(uow, tenant_id, user, username, "wrong user name or set-up code")
    if expires_at < dt.datetime.now(dt.UTC):
        return record_refusal(
            uow,
            tenant_id,
            user,
            username,
            f"the set-up code for {user.username} expired on {expires_at:%Y-%m-%d}; "
            "ask an administrator for a new one",
        )
    refused = _may_act(uow, tenant_id, user)
    if refused is not None:
        return refused
    uow.users.set_password_hash(user.id, hash_password(new_password))
    uow.users.set_setup_code(user.id, None, None)
    actor = users.acting_user(uow, tenant_id, user.username)
    audit.record(
        uow, actor, "user.first_sign_in", "user", user.id, {"has_password": False},
        {"has_password": True},
    )  # fmt: skip
    return actor


def act_without_password(uow: UnitOfWork, tenant_id: int, username: str) -> Actor:
    """The book's only user, who has no password yet, acting without one.

    Raises:
        PermissionDenied: the user has a password or a set-up code, or is not the only user.
    """
    way = way_in(uow, tenant_id, username)
    if way is not Way.NO_PASSWORD_YET:
        raise PermissionDenied(needs(username, way))
    return users.acting_user(uow, tenant_id, username)


def record_refusal(
    uow: UnitOfWork,
    tenant_id: int,
    user: UserValue | None,
    tried: str,
    message: str,
    action: str = "sign_in.refused",
) -> Refused:
    """Record a refused attempt to sign in or act (the name tried, never a secret).

    Args:
        uow: a write transaction (commit it even though the attempt failed).
        tenant_id: the creche tried.
        user: the user, when the name is one.
        tried: the name as typed.
        message: the reason, as the user was told it.
        action: ``sign_in.refused``, or ``permission.refused`` for a change
            the signed-in user's role does not allow.
    """
    uow.audit.append(
        tenant_id=tenant_id,
        user_id=user.id if user else None,
        username=(user.username if user else tried)[:100],
        action=action,
        entity="user",
        entity_id=user.id if user else None,
        before=None,
        after={"reason": message},
    )
    return Refused(message)


def _may_act(uow: UnitOfWork, tenant_id: int, user: UserValue) -> Refused | None:
    try:
        users.acting_user(uow, tenant_id, user.username)
    except UserFacingError as exc:  # disabled here, or no role here
        return record_refusal(uow, tenant_id, user, user.username, str(exc))
    return None


def needs(username: str, way: Way) -> str:
    """Why ``username`` cannot act yet, and what to do (SETUP_CODE and LOCKED)."""
    if way is Way.SETUP_CODE:
        return (
            f"{username} has not chosen a password yet: sign in once with the set-up code "
            "an administrator gave you"
        )
    if way is Way.LOCKED:
        return (
            f"{username} has no password and no set-up code; an administrator can give "
            f"them one (`crechebooks users reset-password {username} --code`)"
        )
    return f"{username} signs in with a password"
