"""File modes in tests of owner-only files (issue 10): see also ``usual_umask`` in conftest."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    """The permission bits of ``path`` (e.g. 0o600)."""
    return stat.S_IMODE(path.stat().st_mode)
