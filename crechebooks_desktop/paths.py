"""Where the files shipped with the application live.

``migrations/`` and ``resources/`` sit at the top of a checkout and are copied
into the package when the wheel is built, so an installed copy finds them inside
``crechebooks_desktop/``; a checkout (editable install) finds them beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    bundled = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle
    candidates = [_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name]
    if bundled:
        candidates.insert(0, Path(bundled) / "crechebooks_desktop" / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    msg = f"the application's {name}/ folder is missing; reinstall CrecheBooks Desktop"
    raise RuntimeError(msg)


def migrations_dir() -> Path:
    """The Alembic script folder (env.py and versions/)."""
    return _shipped("migrations")


def resources_dir() -> Path:
    """Icons, style sheet, fonts and demo data."""
    return _shipped("resources")
