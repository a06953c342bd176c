"""Checks request bodies and query strings against Xero's OpenAPI contract.

A small validator for the subset of OpenAPI 3.0 the Accounting spec uses:
``$ref`` into ``components/schemas``, ``type``, ``properties``, ``required``,
``items``, ``enum``, ``maxLength``, ``format: uuid`` and Xero's ``x-is-msdate``
strings. It is stricter than Xero in three ways, on purpose, so a client's
mistake shows up in a test rather than as data Xero silently drops:

- a property the schema does not define is refused (Xero ignores it);
- a property marked ``readOnly`` is refused (OpenAPI says it SHOULD NOT be
  sent); ``read_only="ignore"`` turns this off;
- ``null`` is refused (the spec never declares ``nullable``): leave it out.

Each problem names the JSON path of the bad value, e.g.
``Invoices[0].LineItems[1].UnitAmount``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol

from tests.xero_standin.spec import load_spec, operations

ReadOnlyPolicy = Literal["refuse", "ignore"]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$")
_MS_DATE = re.compile(r"^/Date\(-?\d+([+-]\d{4})?\)/$")
_SCHEMA_PREFIX = "#/components/schemas/"
_PARAMETER_PREFIX = "#/components/parameters/"

# Operations whose spec schema is one object although Xero (and the spec's own
# examples) also take the list wrapper: {"Payments": [{...}]}.
_WRAPPERS = {"Payment": "Payments", "PaymentDelete": "Payments"}


@dataclass(frozen=True)
class Problem:
    """One way a request breaks the contract."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class Contract:
    """The request side of Xero's Accounting API contract."""

    def __init__(self) -> None:
        spec = load_spec()
        self._schemas: dict[str, Any] = spec["components"]["schemas"]
        self._parameters: dict[str, Any] = spec["components"]["parameters"]
        self._operations = operations()

    def operation(self, operation_id: str) -> tuple[str, str]:
        """Return (method, path template) of an operation; KeyError if the spec lacks it."""
        method, template, _ = self._operations[operation_id]
        return method, template

    def body_schema_name(self, operation_id: str) -> str:
        """Name of the schema the operation's request body must follow."""
        operation = self._operations[operation_id][2]
        ref: str = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return ref.removeprefix(_SCHEMA_PREFIX)

    def validate_body(
        self, operation_id: str, body: Any, *, read_only: ReadOnlyPolicy = "refuse"
    ) -> list[Problem]:
        """Return every way ``body`` breaks the operation's request schema (empty if none)."""
        name = self.body_schema_name(operation_id)
        wrapper = _WRAPPERS.get(name)
        if wrapper and isinstance(body, dict) and wrapper in body:
            name = wrapper
        checker = _Checker(self._schemas, read_only)
        checker.check({"$ref": _SCHEMA_PREFIX + name}, body, "")
        return checker.problems

    def validate_query(self, operation_id: str, query: Mapping[str, list[str]]) -> list[Problem]:
        """Check query parameters: known to the operation, given once, of the right type."""
        known = self._query_parameters(operation_id)
        checker = _Checker(self._schemas, "ignore")
        for name, values in query.items():
            schema = known.get(name)
            if schema is None:
                checker.problems.append(
                    Problem(name, f"is not a query parameter of {operation_id}")
                )
            elif len(values) != 1:
                checker.problems.append(Problem(name, "is given more than once"))
            else:
                checker.check(schema, _from_query(schema, values[0]), name)
        return checker.problems

    def _query_parameters(self, operation_id: str) -> dict[str, Any]:
        operation = self._operations[operation_id][2]
        found: dict[str, Any] = {}
        for parameter in operation.get("parameters", []):
            resolved = parameter
            if "$ref" in parameter:
                resolved = self._parameters[parameter["$ref"].removeprefix(_PARAMETER_PREFIX)]
            if resolved["in"] == "query":
                found[resolved["name"]] = resolved["schema"]
        return found


def _from_query(schema: Mapping[str, Any], text: str) -> Any:
    """Turn a query string value into the JSON value its schema describes, where it can."""
    kind = schema.get("type")
    if kind == "boolean" and text.lower() in {"true", "false"}:
        return text.lower() == "true"
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind == "array":
        return [part.strip().strip('"') for part in text.split(",")]
    return text


class _Checker:
    """Walks one value against one schema, collecting problems."""

    def __init__(self, schemas: dict[str, Any], read_only: ReadOnlyPolicy) -> None:
        self._schemas = schemas
        self._read_only = read_only
        self.problems: list[Problem] = []

    def check(self, schema: Mapping[str, Any], value: Any, path: str, name: str = "") -> None:
        if "$ref" in schema:
            name = schema["$ref"].removeprefix(_SCHEMA_PREFIX)
            schema = self._schemas[name]
        if value is None:
            self._problem(path, "null is not allowed (leave the property out)")
            return
        kind = schema.get("type") or ("object" if "properties" in schema else None)
        if kind == "object":
            self._object(schema, value, path, name or "object")
        elif kind == "array":
            self._array(schema, value, path)
        elif kind == "string":
            self._string(schema, value, path)
        elif kind in {"number", "integer"}:
            self._number(kind, value, path)
        elif kind == "boolean" and not isinstance(value, bool):
            self._problem(path, f"must be true or false, not {_json_type(value)}")

    def _object(self, schema: Mapping[str, Any], value: Any, path: str, name: str) -> None:
        if not isinstance(value, dict):
            self._problem(path, f"must be an object ({name}), not {_json_type(value)}")
            return
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            child = properties.get(key)
            if child is None:
                self._problem(where, f"is not a property of {name}")
            elif child.get("readOnly") and self._read_only == "refuse":
                self._problem(where, f"is read-only in {name}; do not send it")
            else:
                self.check(child, item, where)
        for key in schema.get("required", []):
            if key not in value:
                self._problem(f"{path}.{key}" if path else key, f"is required by {name}")

    def _array(self, schema: Mapping[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, list):
            self._problem(path, f"must be an array, not {_json_type(value)}")
            return
        for index, item in enumerate(value):
            self.check(schema.get("items", {}), item, f"{path}[{index}]")

    def _string(self, schema: Mapping[str, Any], value: Any, path: str) -> None:
        if not isinstance(value, str):
            self._problem(path, f"must be a string, not {_json_type(value)}")
            return
        enum = schema.get("enum")
        if enum is not None and value not in enum:
            shown = ", ".join(str(item) for item in enum[:12]) + (", ..." if len(enum) > 12 else "")
            self._problem(path, f"{value!r} is not one of {shown}")
        limit = schema.get("maxLength")
        if limit is not None and len(value) > limit:
            self._problem(path, f"is longer than {limit} characters")
        pattern, label = _format_of(schema)
        if pattern is not None and not pattern.match(value):
            self._problem(path, f"{value!r} is not a {label}")

    def _number(self, kind: str, value: Any, path: str) -> None:
        ok = isinstance(value, int | Decimal | float) and not isinstance(value, bool)
        if kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok:
            wanted = "an integer" if kind == "integer" else "a number"
            self._problem(path, f"must be {wanted}, not {_json_type(value)}")

    def _problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))


class _Matcher(Protocol):
    def match(self, text: str, /) -> object: ...


def _format_of(schema: Mapping[str, Any]) -> tuple[_Matcher | None, str]:
    if schema.get("format") == "uuid":
        return _UUID, "UUID"
    if schema.get("format") == "date":
        return _DATE, "date (YYYY-MM-DD)"
    if schema.get("format") == "date-time":
        return _DATE_TIME, "date-time (ISO 8601)"
    if schema.get("x-is-msdate") or schema.get("x-is-msdate-time"):
        return _DateLike(), "date (YYYY-MM-DD, or /Date(milliseconds)/)"
    return None, ""


class _DateLike:
    """Matches what Xero takes for a date: ISO 8601 or its /Date(ms)/ form."""

    def match(self, text: str, /) -> bool:
        return bool(_DATE.match(text) or _MS_DATE.match(text))


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
