"""Without a PostgreSQL server its tests are skipped, or fail when it is required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NODE = "tests/db/test_migrations.py::test_fresh_book_is_at_head_with_every_table"
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/postgres"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"CRECHEBOOKS_REQUIRE_PG", "PYTEST_ADDOPTS"}
    }
    environment.update(env, CRECHEBOOKS_TEST_PG_URL=NOWHERE)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "inner"),
            NODE,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=120,
        check=False,
    )


def test_unreachable_server_skips_postgres_tests(tmp_path: Path) -> None:
    run = _pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
    assert f"PostgreSQL not reachable at {NOWHERE}: " in run.stdout


def test_unreachable_server_fails_when_required(tmp_path: Path) -> None:
    run = _pytest(tmp_path, CRECHEBOOKS_REQUIRE_PG="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed, 1 error" in run.stdout
    assert f"PostgreSQL not reachable at {NOWHERE}: " in run.stdout
