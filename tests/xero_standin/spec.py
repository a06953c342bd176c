"""Xero's OpenAPI contract, read once per process.

The file is a copy kept beside this module (``contract/``, with its licence and
source), so a clean clone finds it. Reading it with libyaml takes about half a
second, so it is cached in memory only. Timestamps are kept as the strings the
spec spells (the examples compare equal to their JSON copies that way).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).parent / "contract" / "xero_accounting.yaml"

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# libyaml's safe loader, leaving dates and times as strings.
_Loader: Any = type("_Loader", (yaml.CSafeLoader,), {})
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


@functools.cache
def load_spec() -> dict[str, Any]:
    """Return the parsed contract (the same object on every call; do not change it)."""
    with SPEC_PATH.open("rb") as stream:
        spec: dict[str, Any] = yaml.load(stream, Loader=_Loader)  # noqa: S506 - a safe loader
    return spec


def operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Map each operationId to (HTTP method in capitals, path template, operation)."""
    return _operations()


@functools.cache
def _operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for template, item in load_spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), template, operation)
    return found


def example_request(operation_id: str) -> Any:
    """Return Xero's own example request body for an operation."""
    operation = operations()[operation_id][2]
    return operation["requestBody"]["content"]["application/json"]["example"]
