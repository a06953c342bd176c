"""GET on a collection: by ID (or number), or a list with Xero's filters and paging.

Understood: ``If-Modified-Since`` (records updated at or after it), ``IDs``,
``InvoiceNumbers``, ``ContactIDs``, ``Statuses``, ``includeArchived``
(contacts), ``where`` (see where.py), ``order`` ("Field" or "Field DESC"),
``page`` and ``pageSize`` (100 a page unless pageSize says up to 1000; with no
``page`` every record comes back and there is no pagination block). Records
come in the order they were created unless ``order`` says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tests.xero_standin import wire
from tests.xero_standin.where import WhereError, parse

R = TypeVar("R")
_ATTRIBUTE_FILTERS = {
    "InvoiceNumbers": "number",
    "ContactIDs": "contact_id",
    "Statuses": "status",
}
_MS = re.compile(r"^/Date\((-?\d+)")


@dataclass(frozen=True)
class Listing(Generic[R]):
    """One collection: its records and how to show and find them."""

    collection: str
    id_field: str
    records: list[R]
    render: Callable[[R], dict[str, Any]]
    keys: Callable[[R], list[str]]
    archived: Callable[[R], bool] | None = None


def list_records(
    now: float,
    query: Mapping[str, list[str]],
    item_id: str | None,
    headers: Mapping[str, str],
    listing: Listing[Any],
) -> wire.Reply:
    """Answer a GET on the collection (or on one item of it)."""
    if item_id is not None:
        wanted = item_id.lower()
        found = [r for r in listing.records if wanted in (k.lower() for k in listing.keys(r))]
        if not found:
            detail = f"No {listing.collection} record has the identifier {item_id}."
            return wire.problem(404, "Not Found", detail)
        return wire.Reply(200, wire.envelope(listing.collection, [listing.render(found[0])], now))
    records = _filtered(query, headers, listing)
    where, order = _one(query, "where"), _one(query, "order")
    if where or order:
        rendered = [listing.render(r) for r in records]
        if where:
            test = parse(where)
            rendered = [item for item in rendered if test(item)]
        if order:
            rendered = _ordered(rendered, order)
        return _paged(now, query, listing.collection, rendered, lambda item: item)
    return _paged(now, query, listing.collection, records, listing.render)


def _filtered(
    query: Mapping[str, list[str]], headers: Mapping[str, str], listing: Listing[Any]
) -> list[Any]:
    records = listing.records
    since_text = headers.get("if-modified-since")
    if since_text:
        since = wire.parse_moment(since_text)
        if since is None:
            raise WhereError(f"If-Modified-Since {since_text!r} is not a date and time")
        records = [r for r in records if getattr(r, "updated", 0.0) >= since - 0.0005]
    ids = _listed(query, "IDs")
    if ids is not None:
        lowered = {item.lower() for item in ids}
        records = [r for r in records if listing.keys(r)[0].lower() in lowered]
    for name, attribute in _ATTRIBUTE_FILTERS.items():
        values = _listed(query, name)
        if values is not None:
            records = [r for r in records if getattr(r, attribute, None) in values]
    archived = listing.archived
    if archived is not None and (_one(query, "includeArchived") or "").lower() != "true":
        records = [r for r in records if not archived(r)]
    return records


def _paged(
    now: float,
    query: Mapping[str, list[str]],
    collection: str,
    items: list[Any],
    render: Callable[[Any], dict[str, Any]],
) -> wire.Reply:
    page_text = _one(query, "page")
    if page_text is None:
        return wire.Reply(200, wire.envelope(collection, [render(item) for item in items], now))
    page = max(1, int(page_text))
    size = min(1000, max(1, int(_one(query, "pageSize") or 100)))
    chosen = items[(page - 1) * size : page * size]
    pagination = {
        "page": page,
        "pageSize": size,
        "pageCount": max(1, -(-len(items) // size)),
        "itemCount": len(items),
    }
    body = wire.envelope(
        collection, [render(item) for item in chosen], now, {"pagination": pagination}
    )
    return wire.Reply(200, body)


def _ordered(items: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    found = re.fullmatch(r"\s*([A-Za-z][\w.]*)(?:\s+(ASC|DESC))?\s*", order, flags=re.IGNORECASE)
    if not found:
        raise WhereError(f"the stand-in does not understand order={order!r}")
    path, direction = found.group(1), (found.group(2) or "ASC").upper()

    def key(item: dict[str, Any]) -> tuple[int, Any]:
        value: Any = item
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and (ms := _MS.match(value)):
            return (1, int(ms.group(1)))
        return (0, "") if value is None else (1, value)

    return sorted(items, key=key, reverse=direction == "DESC")


def _one(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _listed(query: Mapping[str, list[str]], name: str) -> list[str] | None:
    text = _one(query, name)
    if text is None:
        return None
    return [part.strip().strip('"') for part in text.split(",") if part.strip()]
