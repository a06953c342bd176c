"""The SMTP password as a setting: who may change it, and its audit record (issue 12).

The password itself never reaches this module: the keyring keeps it
(``integrations.smtp_password``); the book only records that it was changed.
"""

from __future__ import annotations

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.delivery import SmtpSettings
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError, UserFacingError
from crechebooks_desktop.services import audit

__all__ = ["record_password_stored", "smtp_for_password"]


def smtp_for_password(uow: UnitOfWork, actor: Actor) -> SmtpSettings:
    """The SMTP server whose password the actor is about to store.

    Raises:
        PermissionDenied: the actor may not change settings.
        UserFacingError: no server set yet, or it has no login (``smtp-user``).
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    smtp = creche.smtp
    if smtp is None:
        raise UserFacingError("set smtp-host and smtp-from before the password")
    if not smtp.user:
        raise UserFacingError("set smtp-user first: a server without a login needs no password")
    return smtp


def record_password_stored(uow: UnitOfWork, actor: Actor, smtp: SmtpSettings) -> None:
    """Audit that the SMTP password was stored in the keyring (never the password)."""
    audit.require(actor, Permission.MANAGE_SETTINGS)
    audit.record(
        uow,
        actor,
        "settings.set",
        "tenant",
        actor.tenant_id,
        None,
        {"smtp_password": f"stored in the keyring for {smtp.user} at {smtp.host}"},
    )
