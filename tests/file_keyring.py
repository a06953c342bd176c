"""A keyring backend kept in a JSON file, for the command line's test subprocesses only.

The product never uses it (nor ``keyrings.alt``): the suite sets
``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring`` and
``CRECHEBOOKS_TEST_KEYRING=FILE`` for each ``crechebooks`` it starts, so that a
test can keep a user's sign-in password the way a script or scheduled job would
(``users remember-password``) and read it back across processes.

Besides exact ``(service, key)`` entries, the file may hold ``"sign-in"``:
``{user: password}``, answering any book's sign-in key for that user, so a test
need not know the book's name as the keyring key spells it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


def _path() -> Path:
    return Path(os.environ.get("CRECHEBOOKS_TEST_KEYRING", os.devnull))


def _load() -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):  # no file, or os.devnull
        return {}
    return loaded


def _save(data: dict[str, Any]) -> None:
    _path().write_text(json.dumps(data), encoding="utf-8")


def keep_sign_in(path: Path, user: str, password: str) -> None:
    """Answer ``user``'s sign-in for any book with ``password`` (tests' set-up)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault("sign-in", {})[user.lower()] = password
    path.write_text(json.dumps(data), encoding="utf-8")


class FileKeyring(KeyringBackend):
    """Secrets in the JSON file named by ``CRECHEBOOKS_TEST_KEYRING`` (tests only)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        data = _load()
        exact = data.get("entries", {}).get(f"{service}|{username}")
        if exact is not None:
            return str(exact)
        if username.startswith("sign-in:"):
            user = username.removeprefix("sign-in:").rsplit("@", 1)[0]
            found = data.get("sign-in", {}).get(user)
            return str(found) if found is not None else None
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        data = _load()
        data.setdefault("entries", {})[f"{service}|{username}"] = password
        _save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = _load()
        if data.get("entries", {}).pop(f"{service}|{username}", None) is None:
            raise PasswordDeleteError("no such password")
        _save(data)


def signing_env(
    env: dict[str, str],
    folder: Path,
    user: str = "admin",
    password: str = "demo",  # noqa: S107 - the test books' administrator, as the demo's
) -> dict[str, str]:
    """``env`` for a ``crechebooks`` subprocess that signs in as ``user`` from this keyring."""
    root = str(Path(__file__).resolve().parent.parent)
    keyring_file = folder / "test-keyring.json"
    keep_sign_in(keyring_file, user, password)
    return {
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")])),
        "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
        "CRECHEBOOKS_TEST_KEYRING": str(keyring_file),
    }
