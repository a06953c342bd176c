"""The S3 archive's access key as a setting: who may store it, and its audit record (issue 15).

The key itself never reaches this module: the keyring keeps it
(``integrations.s3.credentials``); the book only records that it was stored.
"""

from __future__ import annotations

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.s3_archive import S3Settings
from crechebooks_desktop.errors import NotFoundError, UserFacingError
from crechebooks_desktop.services import audit

__all__ = ["record_credentials_stored", "s3_for_credentials"]


def s3_for_credentials(uow: UnitOfWork, actor: Actor) -> S3Settings:
    """The archive whose access key the actor is about to store.

    Raises:
        PermissionDenied: the actor may not change settings.
        UserFacingError: no bucket set yet (the keyring keeps one key per bucket).
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    if creche.s3 is None:
        raise UserFacingError(
            "set s3-bucket before the credentials (the keyring keeps one access key per bucket)"
        )
    return creche.s3


def record_credentials_stored(uow: UnitOfWork, actor: Actor, s3: S3Settings) -> None:
    """Audit that the archive's access key was stored in the keyring (never the key)."""
    audit.require(actor, Permission.MANAGE_SETTINGS)
    audit.record(
        uow,
        actor,
        "settings.set",
        "tenant",
        actor.tenant_id,
        None,
        {"s3_credentials": f"stored in the keyring for the bucket {s3.bucket}"},
    )
