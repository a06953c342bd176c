"""Recording who changed what (every mutation calls this in its transaction)."""

from __future__ import annotations

from typing import Any

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services.sync import changes


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an audit record for ``actor`` in the current transaction.

    Args:
        uow: the transaction the change is made in.
        actor: who made it, in which creche.
        action: what was done, e.g. ``settings.set`` or ``ledger.post``.
        entity: the kind of thing changed, e.g. ``tenant``.
        entity_id: its id (stored as text).
        before: its values before, if it existed.
        after: its values after, if it still exists.
    """
    uow.audit.append(
        tenant_id=actor.tenant_id,
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_plain(before),
        after=_plain(after),
    )
    changes.queue_synced(uow, [(action, entity_id)])


AuditItem = tuple[str, str, object, dict[str, Any] | None, dict[str, Any] | None]
"""(action, entity, entity id, before, after)."""


def record_many(uow: UnitOfWork, actor: Actor, items: list[AuditItem]) -> None:
    """Append many audit records for ``actor`` in one statement (bulk jobs).

    Args:
        uow: the transaction the changes are made in.
        actor: who made them.
        items: (action, entity, entity id, before, after) for each change.
    """
    uow.audit.append_many(
        [
            {
                "tenant_id": actor.tenant_id,
                "user_id": actor.user_id,
                "username": actor.username,
                "action": action,
                "entity": entity,
                "entity_id": None if entity_id is None else str(entity_id),
                # Written through Core: the engine's JSON serializer turns dates,
                # decimals and enums into text, so no Python pass is needed here.
                "before": before,
                "after": after,
            }
            for action, entity, entity_id, before, after in items
        ]
    )
    changes.queue_synced(uow, [(action, entity_id) for action, _entity, entity_id, _b, _a in items])


def require(actor: Actor, permission: Permission) -> None:
    """Refuse a change the actor's role does not allow.

    Raises:
        PermissionDenied: with a message naming the user, role and change.
    """
    if not actor.can(permission):
        raise PermissionDenied(f"{actor.username} ({actor.role.value}) may not {permission.value}")


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe copies: dates and enums as text, cents stay integers."""
    if values is None:
        return None
    return {key: _json_value(value) for key, value in values.items()}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)
