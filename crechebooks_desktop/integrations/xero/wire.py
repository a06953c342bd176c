"""Request bodies as JSON text with exact decimal amounts.

``json`` writes a ``Decimal`` only by way of a float; money must not pass
through one. Each decimal is written as a marked string carrying a random
mark made for the call, and the marks are then unwrapped into bare numbers.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

__all__ = ["to_json"]


def to_json(body: Any) -> bytes:
    """The body as UTF-8 JSON, its ``Decimal`` values written exactly as numbers."""
    mark = secrets.token_hex(8)

    def marked(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{mark}{value:f}{mark}"
        if isinstance(value, dict):
            return {k: marked(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [marked(v) for v in value]
        return value

    text = json.dumps(marked(body), ensure_ascii=False, separators=(",", ":"))
    text = re.sub(f'"{mark}(-?[0-9]+(?:\\.[0-9]+)?){mark}"', r"\1", text)
    return text.encode("utf-8")
