"""How Xero spells things on the wire: JSON numbers, /Date(ms)/ dates, money.

Request bodies are parsed with ``Decimal`` for every non-integer number, so
``0.1`` stays exact; responses write money with two decimals (``46.00``) and
quantities with four, as Xero does. Internally money is integer cents.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T[\d:.]+)?$")


def loads(body: bytes) -> Any:
    """Parse a JSON request body; ValueError if it is not JSON."""
    return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def dumps(value: Any) -> bytes:
    """Write JSON with Decimals exactly as they are (46.00 stays 46.00)."""
    return _write(value).encode("utf-8")


def _write(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{" + ",".join(f"{json.dumps(key)}:{_write(item)}" for key, item in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(_write(item) for item in value) + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value)


def money(cents: int) -> Decimal:
    """Cents as Xero writes an amount: 4600 -> 46.00."""
    return (Decimal(cents) / 100).quantize(CENT)


def quantity(value: Decimal) -> Decimal:
    """A quantity as Xero writes it: 2 -> 2.0000."""
    return value.quantize(Decimal("0.0001"))


def rate(value: Decimal) -> Decimal:
    """A tax rate as Xero writes it: 15 -> 15.0000."""
    return value.quantize(Decimal("0.0001"))


def to_cents(amount: Decimal | int) -> int | None:
    """An amount in cents, or None when it has more than two decimals."""
    value = Decimal(amount)
    if value != value.quantize(CENT):
        return None
    return int(value * 100)


def round_cents(value: Decimal) -> int:
    """Round a cent amount to whole cents, half to even (Xero's .NET rounding)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def decimals(value: Decimal | int) -> int:
    """How many decimal places a number really has (2.50 -> 1)."""
    try:
        exponent = Decimal(value).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -int(exponent))


def ms_date(day: dt.date) -> str:
    """A date as Xero's JSON writes it: /Date(1539993600000+0000)/."""
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def ms_timestamp(seconds: float) -> str:
    """A moment as Xero's JSON writes UpdatedDateUTC."""
    return f"/Date({int(seconds * 1000)}+0000)/"


def date_string(day: dt.date) -> str:
    """The DateString Xero writes beside a date: 2018-10-20T00:00:00."""
    return f"{day.isoformat()}T00:00:00"


def iso_timestamp(seconds: float) -> str:
    """UpdatedDateUTCString: 2019-11-14T18:10:38Z."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(text: str) -> dt.date | None:
    """A request date (YYYY-MM-DD, with an optional time, or /Date(ms)/), or None."""
    found = _MS_DATE.match(text)
    if found:
        return dt.datetime.fromtimestamp(int(found.group(1)) / 1000, tz=dt.UTC).date()
    found = _ISO_DATE.match(text)
    if not found:
        return None
    try:
        return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def parse_moment(text: str) -> float | None:
    """An If-Modified-Since value (ISO 8601, UTC without an offset, or an HTTP date) in seconds."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


@dataclass
class Reply:
    """An HTTP response: status, a JSON body (None for none) and headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def problem(status: int, title: str, detail: str) -> Reply:
    """Xero's problem shape for 401/403/404/429 and the like."""
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return Reply(status, body)


def validation_failure(elements: list[dict[str, Any]]) -> Reply:
    """Xero's 400 envelope: ValidationException with the failing elements."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }
    return Reply(400, body)


def messages(texts: list[str]) -> list[dict[str, str]]:
    """ValidationErrors: [{"Message": ...}, ...]."""
    return [{"Message": text} for text in texts]


def envelope(
    collection: str, items: list[dict[str, Any]], now: float, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The body of a successful Accounting API response."""
    body: dict[str, Any] = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": "CrecheBooks Desktop",
        "DateTimeUTC": f"/Date({int(now * 1000)})/",
    }
    return body | (extra or {}) | {collection: items}
