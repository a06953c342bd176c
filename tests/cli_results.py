"""Checking a command-line run's result in the acceptance tests."""

from __future__ import annotations

from typing import Any


def ok(result: Any) -> str:
    """The run's standard output, after checking it succeeded without a traceback."""
    assert result.code == 0, result
    assert "Traceback" not in result.stderr
    return str(result.stdout)
