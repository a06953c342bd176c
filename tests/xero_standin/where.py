"""The part of Xero's ``where`` filter the stand-in understands.

Clauses joined by ``AND`` (or ``&&``), each either ``Path op value`` with op one
of ``== != >= <= > <`` and value a "string", Guid("..."), DateTime(y,m,d),
a number, true or false; or ``Path.Contains("x")`` / ``StartsWith`` /
``EndsWith``. Paths are dotted (``Contact.ContactID``) and are looked up in the
record as the API returns it. Anything else (OR, parentheses, methods like
ToLower) is refused with a 400 naming the clause, so a client never gets a
silently unfiltered list.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.xero_standin import wire

_COMPARE = re.compile(
    r"^(?P<path>[A-Za-z]\w*(?:\.[A-Za-z]\w*)*)\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>.+)$"
)
_METHOD = re.compile(
    r'^(?P<path>[A-Za-z]\w*(?:\.[A-Za-z]\w*)*)\.(?P<fn>Contains|StartsWith|EndsWith)\("(?P<arg>[^"]*)"\)$'
)
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge,
    "<=": operator.le, ">": operator.gt, "<": operator.lt,
}  # fmt: skip

Predicate = Callable[[dict[str, Any]], bool]


class WhereError(ValueError):
    """A filter the stand-in cannot apply."""


def parse(text: str) -> Predicate:
    """Turn a where clause into a test on a rendered record; WhereError if unsupported."""
    clauses = [_clause(part.strip()) for part in _split(text)]
    return lambda record: all(clause(record) for clause in clauses)


def _split(text: str) -> list[str]:
    """Split on AND / && outside quoted strings."""
    parts, start, quoted = [], 0, False
    for found in re.finditer(r'"|\s+AND\s+|\s*&&\s*', text):
        if found.group() == '"':
            quoted = not quoted
        elif not quoted:
            parts.append(text[start : found.start()])
            start = found.end()
    parts.append(text[start:])
    return parts


def _clause(text: str) -> Predicate:
    method = _METHOD.match(text)
    if method:
        path, name, argument = method.group("path"), method.group("fn"), method.group("arg")
        test = {
            "Contains": str.__contains__,
            "StartsWith": str.startswith,
            "EndsWith": str.endswith,
        }
        return lambda record: test[name](str(_lookup(record, path) or ""), argument)
    found = _COMPARE.match(text)
    if not found:
        raise WhereError(f"the stand-in does not understand the where clause {text!r}")
    path, compare = found.group("path"), _OPERATORS[found.group("op")]
    wanted = _value(found.group("value").strip(), text)
    return lambda record: _compare(_lookup(record, path), wanted, compare)


def _value(text: str, clause: str) -> Any:
    quoted = re.fullmatch(r'"([^"]*)"', text)
    if quoted:
        return quoted.group(1)
    guid = re.fullmatch(r'Guid\("([0-9a-fA-F-]{36})"\)', text)
    if guid:
        return guid.group(1).lower()
    when = re.fullmatch(r"DateTime\((\d{4}),\s*(\d{1,2}),\s*(\d{1,2})\)", text)
    if when:
        return dt.date(int(when.group(1)), int(when.group(2)), int(when.group(3)))
    if text in {"true", "false"}:
        return text == "true"
    try:
        return Decimal(text)
    except InvalidOperation:
        raise WhereError(f"the stand-in does not understand the value in {clause!r}") from None


def _lookup(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _compare(actual: Any, wanted: Any, compare: Callable[[Any, Any], bool]) -> bool:
    if actual is None:
        return compare is operator.ne
    comparable = _comparable(actual, wanted)
    return comparable is not None and compare(comparable, wanted)


def _comparable(actual: Any, wanted: Any) -> Any:
    """The record's value in the form of the value it is compared with (None: cannot be)."""
    if isinstance(wanted, dt.date):
        return wire.parse_date(str(actual))
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return actual
    if isinstance(wanted, Decimal):
        try:
            return Decimal(str(actual))
        except InvalidOperation:
            return None
    if isinstance(wanted, str) and _is_guid(wanted):
        return str(actual).lower()
    return str(actual)


def _is_guid(text: str) -> bool:
    return (
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
        is not None
    )
