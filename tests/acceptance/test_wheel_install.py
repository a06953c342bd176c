"""The built wheel carries its migrations and resources and works when installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, crechebooks_desktop
from crechebooks_desktop import paths
migrations, resources = paths.migrations_dir(), paths.resources_dir()
print(json.dumps({
    "package": crechebooks_desktop.__file__,
    "migrations": str(migrations),
    "resources": str(resources),
    "migration_files": sorted(
        str(p.relative_to(migrations)) for p in migrations.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ),
    "resource_files": sorted(
        str(p.relative_to(resources)) for p in resources.rglob("*") if p.is_file()
    ),
}))
"""


def _shipped_files(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed into a folder of its own."""
    wheels = tmp_path_factory.mktemp("wheels")
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("crechebooks_desktop-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def _run(
    installed: Path, cwd: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRECHEBOOKS_")}
    env["PYTHONPATH"] = str(installed)
    env["XDG_DATA_HOME"] = str(cwd / "xdg-data")
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_installed_copy_finds_its_files(installed: Path, tmp_path: Path) -> None:
    probe = _run(installed, tmp_path, "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    site = installed.resolve()
    for key in ("package", "migrations", "resources"):
        assert Path(found[key]).resolve().is_relative_to(site), (key, found[key])
    assert Path(found["migrations"]).resolve() == site / "crechebooks_desktop" / "migrations"
    assert Path(found["resources"]).resolve() == site / "crechebooks_desktop" / "resources"
    assert {"env.py", "script.py.mako", "versions/0001_initial_schema.py"} <= set(
        found["migration_files"]
    )
    assert found["migration_files"] == [
        f for f in _shipped_files(REPO / "migrations") if not f.endswith(".pyc")
    ]
    assert found["resource_files"] == _shipped_files(REPO / "resources")
    assert found["resource_files"], "the checkout's resources/ is empty"


def test_installed_copy_runs_the_command_line(installed: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.sqlite"
    init = _run(
        installed,
        tmp_path,
        "-m",
        "crechebooks_desktop",
        "--db",
        str(book),
        "init",
        "--name",
        "Test",
    )
    assert init.returncode == 0, init.stderr
    assert init.stdout.startswith("created Test in ")
    check = _run(
        installed, tmp_path, "-m", "crechebooks_desktop", "--db", str(book), "check", "--json"
    )
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout) == {
        "ok": True,
        "households": 0,
        "invoices": 0,
        "payments": 0,
        "history_rows": 3,  # the admin's creation, their role, the creche's creation
        "violations": [],
    }
    assert "Traceback" not in init.stderr + check.stderr
