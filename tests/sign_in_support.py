"""Signing in as the tests of earlier behaviour expect: an actor, or PermissionDenied."""

from __future__ import annotations

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin import sign_in as service


def sign_in(uow: UnitOfWork, tenant_id: int, username: str, password: str) -> Actor:
    """``services.admin.sign_in.sign_in``, raising its refusal (call it in a write transaction)."""
    outcome = service.sign_in(uow, tenant_id, username, password)
    if isinstance(outcome, service.Refused):
        raise outcome.error()
    return outcome
