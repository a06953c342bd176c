"""Setting up a creche in a book, choosing one, and changing its settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import SETTING_KEYS, CrecheSettings, NewCreche
from crechebooks_desktop.domain.roles import Actor, Permission, Role
from crechebooks_desktop.errors import NotFoundError, RuleViolation, UserFacingError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.admin import users
from crechebooks_desktop.services.billing.invoice_history import numbering_pattern


def init_creche(uow: UnitOfWork, new: NewCreche) -> tuple[CrecheSettings, Actor]:
    """Create a creche and its first administrator.

    The new administrator is the actor of the audit records this writes. An
    existing user of that name (another creche in the same book) is made
    admin of this one too.

    Args:
        uow: the transaction.
        new: the creche's name, settings and first admin.

    Returns:
        The creche's settings and the admin as an actor in it.

    Raises:
        RuleViolation: a creche of that name is already in the book.
        UserFacingError: a setting's value is not acceptable.
    """
    if uow.tenants.by_name(new.name) is not None:
        raise RuleViolation(f"this book already has a creche called {new.name.strip()!r}")
    settings = _checked_settings(new)
    created = uow.tenants.create(settings)
    actor = _first_admin(uow, created.tenant_id, new)
    uow.for_tenant(created.tenant_id).chart.add_default_chart()
    audit.record(uow, actor, "creche.create", "tenant", created.tenant_id, None, created.as_dict())
    return created, actor


def _checked_settings(new: NewCreche) -> CrecheSettings:
    settings = CrecheSettings(tenant_id=0, name="-")
    for key in (
        "name",
        "vat_number",
        "prices_include_vat",
        "sibling_discounts",
        "due_day",
        "invoice_prefix",
    ):
        try:
            settings = settings.with_value(key, getattr(new, key))
        except ValueError as exc:
            raise UserFacingError(f"{key.replace('_', '-')}: {exc}") from None
    return settings


def _first_admin(uow: UnitOfWork, tenant_id: int, new: NewCreche) -> Actor:
    username = new.admin_username.strip()
    if not username:
        raise UserFacingError("admin-user: cannot be blank")
    return users.grant_role(
        uow, tenant_id, username, Role.ADMIN, new.admin_password, new.admin_full_name, acting=None
    )


def select_creche(uow: UnitOfWork, name: str | None) -> CrecheSettings:
    """The creche to work in: the one named, or the only one in the book.

    Raises:
        NotFoundError: no such creche, or the book has none yet.
        UserFacingError: several creches and none named.
    """
    if name:
        found = uow.tenants.by_name(name)
        if found is None:
            raise NotFoundError(f"no creche called {name!r} in this book")
        return found
    creches = uow.tenants.all()
    if not creches:
        raise NotFoundError("this book has no creche yet; run `crechebooks init --name NAME`")
    if len(creches) > 1:
        names = ", ".join(repr(c.name) for c in creches)
        raise UserFacingError(f"this book has several creches ({names}); choose one with --creche")
    return creches[0]


def change_setting(uow: UnitOfWork, actor: Actor, key: str, value: str) -> CrecheSettings:
    """Change one setting of the actor's creche, audited with before and after.

    Raises:
        PermissionDenied: the actor is not an administrator.
        UserFacingError: unknown setting or unacceptable value.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    before = uow.tenants.get(actor.tenant_id)
    if before is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    key = _key(key)
    try:
        after = before.with_value(key, value)
    except ValueError as exc:
        raise UserFacingError(f"{key}: {exc}") from None
    if key == "name" and (taken := _name_taken(uow, before, after)):
        raise RuleViolation(taken)
    if key == "invoice_prefix" and (clash := _numbering_clash(uow, before, after)):
        raise RuleViolation(clash)
    uow.tenants.save(after)
    audit.record(
        uow,
        actor,
        "settings.set",
        "tenant",
        actor.tenant_id,
        {key: getattr(before, key)},
        {key: getattr(after, key)},
    )
    return replace(after)


class SettingsRefused(UserFacingError):
    """Settings asked for together that are not all acceptable; nothing was changed.

    Attributes:
        problems: each refused setting's key and what is wrong with its value
            (the same words ``settings set`` gives), in the order asked.
    """

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = "; ".join(f"{key}: {why}" for key, why in self.problems.items())
        super().__init__(f"{listed}; nothing was changed")


def change_settings(uow: UnitOfWork, actor: Actor, values: Mapping[str, str]) -> CrecheSettings:
    """Change several settings of the actor's creche at once: all of them, or none.

    Every value is checked as ``settings set`` checks it (``CrecheSettings.with_value``)
    before anything is written; the settings that really change are written
    once, with one audit record holding each one's value before and after. A
    value equal to the one held changes nothing and is not recorded.

    Args:
        uow: the transaction.
        actor: who changes them (an administrator).
        values: setting key (``due_day`` or ``due-day``) to its text, as typed.

    Returns:
        The settings after the change.

    Raises:
        PermissionDenied: the actor is not an administrator.
        SettingsRefused: one or more values are not acceptable (each is named
            with its reason); nothing was written.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    before = uow.tenants.get(actor.tenant_id)
    if before is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    after, problems = before, {}
    for raw, text in values.items():
        key = _key(raw)
        try:
            after = after.with_value(key, text)
        except ValueError as exc:
            problems[key] = str(exc)
    if "name" not in problems and (taken := _name_taken(uow, before, after)):
        problems["name"] = taken
    if "invoice_prefix" not in problems and (clash := _numbering_clash(uow, before, after)):
        problems["invoice_prefix"] = clash
    if problems:
        raise SettingsRefused(problems)
    changed = [
        k for k in dict.fromkeys(map(_key, values)) if getattr(before, k) != getattr(after, k)
    ]
    if not changed:
        return before
    uow.tenants.save(after)
    audit.record(
        uow,
        actor,
        "settings.set",
        "tenant",
        actor.tenant_id,
        {key: getattr(before, key) for key in changed},
        {key: getattr(after, key) for key in changed},
    )
    return after


def _key(text: str) -> str:
    return text.strip().replace("-", "_")


def _name_taken(uow: UnitOfWork, before: CrecheSettings, after: CrecheSettings) -> str | None:
    """Why the new name cannot be had (another creche of the book has it), if it cannot."""
    if after.name == before.name:
        return None
    other = uow.tenants.by_name(after.name)
    if other is not None and other.tenant_id != before.tenant_id:
        return f"this book already has a creche called {after.name!r}"
    return None


def setting_names() -> list[str]:
    """The settings ``settings set`` accepts."""
    return sorted(SETTING_KEYS)


def _numbering_clash(uow: UnitOfWork, before: CrecheSettings, after: CrecheSettings) -> str | None:
    """Why the new prefix cannot be had, if it cannot.

    Invoices imported from a previous system keep their numbers; a prefix
    under which the book's own numbering would issue one of them again is refused.
    """
    prefix = after.invoice_prefix
    if prefix.upper() == before.invoice_prefix.upper():
        return None
    ours = numbering_pattern(prefix)
    imported = uow.invoice_history.imported_numbers_starting(f"{prefix}-")
    clashing = [number for number in imported if ours.fullmatch(number)]
    if not clashing:
        return None
    return (
        f"invoices imported from the previous system already have numbers like "
        f"{clashing[0]}, which this book's numbering ({prefix}-YYYY-NNNNNN) would issue again"
    )
