"""Outbox items for Xero and S3, as plain values (issue 15)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crechebooks_desktop.domain.enums import SyncStatus, SyncTarget

__all__ = ["OutboxCounts", "SyncItem"]


@dataclass(frozen=True, slots=True)
class SyncItem:
    """One thing waiting to be sent (or sent, or refused).

    Attributes:
        id: the outbox row.
        target: XERO or S3.
        entity: what it is (``household``, ``invoice``, ``allocation``, ``document``...).
        entity_id: its row id.
        action: what to do (``upsert``, ``void``, ``delete``, ``upload``).
        idempotency_key: sent with the request; the same until the item is queued again.
        status: PENDING, DONE or FAILED.
        attempts: how many times it was tried.
        last_error: the refusal (the remote side's own message), if it failed.
        updated_at: when it was last queued or tried.
        payload: small facts kept with the item (never a secret).
    """

    id: int
    target: SyncTarget
    entity: str
    entity_id: int
    action: str
    idempotency_key: str
    status: SyncStatus
    attempts: int
    last_error: str | None
    updated_at: dt.datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How many items wait, were sent and were refused, for one target."""

    pending: int = 0
    done: int = 0
    failed: int = 0
