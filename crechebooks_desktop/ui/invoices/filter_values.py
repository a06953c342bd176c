"""The Invoices tab's filter bar as a value: what it narrows the list to, and how it is remembered.

The same filters as ``invoices list`` (issue 16): several statuses,
households or children (reference or name), fee structures, and ranges of
the issue and due dates and of the subtotal, discount, VAT, total and
balance due. The value is plain (no Qt), so the list's order can hold it and
the database thread can turn it into SQL; it is remembered between sessions
as JSON, and a remembered value that no longer reads (an old version, a hand
edit) is dropped field by field rather than refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from typing import Any

from crechebooks_desktop.domain.enums import InvoiceStatus

DateRange = tuple[dt.date | None, dt.date | None]
CentsRange = tuple[int | None, int | None]
OPEN: Any = (None, None)

DATE_RANGES = ("issued", "due")
AMOUNT_RANGES = ("subtotal", "discount", "vat", "total", "balance")
NAME_LISTS = ("households", "children", "fees")


@dataclass(frozen=True, slots=True)
class BarFilters:
    """The filter bar's filters (empty or open = any); each one given must hold.

    Attributes:
        statuses: any of these statuses.
        households: households by account reference or parent name.
        children: children by reference or name.
        fees: fee structures by name (the child was enrolled on one in the month).
        issued: the issue date, from and to (both included).
        due: the due date, from and to.
        subtotal: the subtotal in cents, at least and at most.
        discount: what the discount lines take off, in cents.
        vat: the VAT, in cents.
        total: the total, in cents.
        balance: the balance due, in cents.
    """

    statuses: tuple[InvoiceStatus, ...] = ()
    households: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()
    issued: DateRange = OPEN
    due: DateRange = OPEN
    subtotal: CentsRange = OPEN
    discount: CentsRange = OPEN
    vat: CentsRange = OPEN
    total: CentsRange = OPEN
    balance: CentsRange = OPEN

    def active(self) -> int:
        """How many of the filters narrow the list (for the bar's "Filters (3)")."""
        return sum(1 for f in fields(self) if getattr(self, f.name) not in ((), OPEN))

    def to_json(self) -> str:
        """The filters as JSON: dates as ISO text, amounts as cents."""
        value: dict[str, Any] = {
            "statuses": [s.value for s in self.statuses],
            **{name: list(getattr(self, name)) for name in NAME_LISTS},
            **{name: [_iso(d) for d in getattr(self, name)] for name in DATE_RANGES},
            **{name: list(getattr(self, name)) for name in AMOUNT_RANGES},
        }
        return json.dumps(value, sort_keys=True)

    @classmethod
    def from_json(cls, text: object) -> BarFilters:
        """Filters read back from ``to_json``; what does not read is left open."""
        try:
            stored = json.loads(text) if isinstance(text, str) and text else {}
        except ValueError:
            return cls()
        if not isinstance(stored, dict):
            return cls()
        found: dict[str, Any] = {}
        statuses = _strings(stored.get("statuses"))
        known = {s.value for s in InvoiceStatus}
        found["statuses"] = tuple(InvoiceStatus(s) for s in statuses if s in known)
        for name in NAME_LISTS:
            found[name] = _strings(stored.get(name))
        for name in DATE_RANGES:
            found[name] = _pair(stored.get(name), _date)
        for name in AMOUNT_RANGES:
            found[name] = _pair(stored.get(name), _cents)
        return cls(**found)


def split_names(text: str) -> tuple[str, ...]:
    """Names or references typed with ``|`` between them ("SMITH01|Dlamini")."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v.strip())


def _pair(value: object, read: Any) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:  # noqa: PLR2004 - from and to
        return OPEN
    low, high = read(value[0]), read(value[1])
    if low is not None and high is not None and low > high:
        return OPEN
    return (low, high)


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _cents(value: object) -> int | None:
    # bool is an int in Python, and never an amount.
    return value if isinstance(value, int) and not isinstance(value, bool) else None
