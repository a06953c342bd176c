"""Audit records (services.audit): JSON-safe values, permissions, bulk appends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.roles import Actor, Permission, Role
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services import audit

Creche = tuple[CrecheSettings, Actor]


def test_values_are_stored_as_plain_json(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        audit.record(
            uow,
            actor,
            "test.values",
            "thing",
            42,
            {"when": dt.date(2026, 11, 1), "kind": EntryType.CHARGE, "rate": Decimal("0.15")},
            {
                "cents": 48_500,
                "flag": True,
                "none": None,
                "nested": {1: dt.date(2026, 1, 14), "list": (1, "a", Decimal(2))},
            },
        )
    with book.read() as uow:
        (record,) = [r for r in uow.audit.latest(settings.tenant_id) if r.action == "test.values"]
    assert record.entity_id == "42"
    assert record.before == {"when": "2026-11-01", "kind": "CHARGE", "rate": "0.15"}
    assert record.after == {
        "cents": 48_500,
        "flag": True,
        "none": None,
        "nested": {"1": "2026-01-14", "list": [1, "a", "2"]},
    }


def test_entity_id_may_be_none(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        audit.record(uow, actor, "test.none", "book", None)
    with book.read() as uow:
        (record,) = [r for r in uow.audit.latest(None) if r.action == "test.none"]
    assert (record.entity_id, record.before, record.after) == (None, None, None)


def test_append_many(book: Book, creche: Creche) -> None:
    settings, actor = creche
    now = dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.UTC)
    rows = [
        {
            "tenant_id": settings.tenant_id,
            "user_id": actor.user_id,
            "username": actor.username,
            "at": now,
            "action": "bulk.test",
            "entity": "thing",
            "entity_id": str(i),
            "before": None,
            "after": {"i": i},
        }
        for i in range(3)
    ]
    with book.write() as uow:
        uow.audit.append_many(rows)
        uow.audit.append_many([])
    with book.read() as uow:
        found = [r for r in uow.audit.latest(settings.tenant_id) if r.action == "bulk.test"]
    assert [(r.entity_id, r.after, r.at) for r in reversed(found)] == [
        ("0", {"i": 0}, now),
        ("1", {"i": 1}, now),
        ("2", {"i": 2}, now),
    ]


def test_latest_is_newest_first_and_limited(book: Book, creche: Creche) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        for i in range(5):
            audit.record(uow, actor, "test.order", "thing", i)
    with book.read() as uow:
        latest = uow.audit.latest(settings.tenant_id, limit=2)
    assert [r.entity_id for r in latest] == ["4", "3"]


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.ADMIN, Permission.MANAGE_SETTINGS, True),
        (Role.BOOKKEEPER, Permission.POST_MONEY, True),
        (Role.BOOKKEEPER, Permission.MANAGE_ROSTER, False),
        (Role.OWNER_VIEWER, Permission.POST_MONEY, False),
    ],
)
def test_require(role: Role, permission: Permission, allowed: bool) -> None:
    actor = Actor(1, "sam", 1, role)
    if allowed:
        audit.require(actor, permission)
    else:
        with pytest.raises(PermissionDenied, match=f"sam \\({role.value}\\) may not "):
            audit.require(actor, permission)
