"""``documents sync|verify|status`` and the S3 settings, end to end (issue 15).

A real S3 API (moto's server) runs on loopback in this process; the commands
run as their own processes, as a scheduled task runs them, and reach it
through ``CRECHEBOOKS_S3_ENDPOINT_URL``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.delivery_fixtures import build_families
from tests.s3_fixtures import (
    ENV_SECRET,
    S3_KEY_ID,
    S3_SECRET,
    S3Endpoint,
    apply_env,
    aws_env,
    moto_endpoint,
)

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
SLUG = "little-acorns"
SECRETS = (S3_KEY_ID, S3_SECRET, ENV_SECRET)


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert result.stderr.startswith("crechebooks: error: "), result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    return str(result.stderr.strip().removeprefix("crechebooks: error: "))


def as_json(result: Any, code: int = 0) -> Any:
    assert result.code == code, result
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def s3(cli_env: dict[str, str], tmp_path: Path) -> S3Endpoint:
    """The loopback server, and the commands' AWS chain pointed at nothing (no credentials)."""
    endpoint = moto_endpoint()
    apply_env(cli_env, aws_env(endpoint, tmp_path, chain=False))
    return endpoint


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """A book with five households invoiced (DRAFT) for October 2026: six invoices."""
    book, _ = Book.open(Settings(book_url, tmp_path / "in-process-files"))
    try:
        build_families(book)
    finally:
        book.close()
    return ("--db", book_url)


def archived_files(book_url: str, tmp_path: Path) -> dict[str, tuple[Path, int]]:
    """Each archived document's file and id, by file name (read from the book)."""
    book, _ = Book.open(Settings(book_url, tmp_path / "in-process-files"))
    try:
        with book.read(1) as uow:
            documents = uow.documents.every()
    finally:
        book.close()
    return {Path(d.local_path).name: (Path(d.local_path), d.id) for d in documents}


def test_a_month_archived_to_s3_with_the_key_from_the_keyring(
    cli: Cli, db: tuple[str, str], s3: S3Endpoint, tmp_path: Path, book_url: str
) -> None:
    outputs: list[str] = []

    def run(*args: str, stdin: str | None = None) -> Any:
        result = cli(*db, *args, stdin=stdin)
        outputs.extend((result.stdout, result.stderr))
        return result

    bucket = s3.new_bucket()
    assert ok(run("settings", "set", "s3-bucket", bucket)) == f"s3-bucket = {bucket}\n"
    assert ok(run("settings", "set", "s3-prefix", "/books/")) == "s3-prefix = books\n"
    stored = run(
        "settings", "set", "s3-credentials", "--stdin", stdin=f"{S3_KEY_ID}\n{S3_SECRET}\n"
    )
    assert ok(stored) == f"s3-credentials stored in the keyring for the bucket {bucket}\n"
    keyring = json.loads(Path(tmp_path / "test-keyring.json").read_text(encoding="utf-8"))
    assert json.loads(keyring["entries"][f"crechebooks-desktop|s3:{bucket}"]) == {
        "id": S3_KEY_ID,
        "secret": S3_SECRET,
    }

    ok(run("invoices", "pdf", "--month", "2026-10", "--out-dir", "out"))
    archived = archived_files(book_url, tmp_path)
    files = {name: path for name, (path, _id) in archived.items()}
    assert len(files) == 6
    names = sorted(files)
    changed = files[names[0]]
    original = changed.read_bytes()
    changed.write_bytes(original + b"\n% edited")

    first = as_json(run("documents", "sync", "--json"), code=1)
    assert (first["sent"], first["pending"], first["stopped"]) == (5, 0, None)
    [failure] = first["failed"]
    assert (failure["kind"], failure["file"]) == ("invoice", names[0])
    assert failure["id"] == archived[names[0]][1]
    assert "changed after it was archived" in failure["message"]
    objects = s3.objects(bucket)
    assert set(objects) == {f"books/{SLUG}/invoice/2026/{name}" for name in names[1:]}
    for name in names[1:]:
        head = objects[f"books/{SLUG}/invoice/2026/{name}"]
        assert head["Metadata"]["sha256"] == hashlib.sha256(files[name].read_bytes()).hexdigest()

    changed.write_bytes(original)
    retried = as_json(run("documents", "sync", "--retry-failed", "--json"))
    assert (retried["sent"], retried["failed"], retried["retried"]) == (1, [], 1)
    assert ok(run("documents", "sync")) == f"sent 0 document(s) to s3://{bucket}\n"
    assert len(s3.objects(bucket)) == 6
    verified = as_json(run("documents", "verify", "--json"))
    assert (verified["ok"], verified["checked"], verified["remote_checked"]) == (True, 6, 6)

    tampered = f"books/{SLUG}/invoice/2026/{names[1]}"
    s3.client().put_object(Bucket=bucket, Key=tampered, Body=b"%PDF-1.4 someone else's")
    text = run("documents", "verify")
    assert text.code == 1, text
    assert text.stdout.splitlines() == [
        f"remote different: invoice #{archived[names[1]][1]} {names[1]}: s3://{bucket}/{tampered}: "
        "its SHA-256 metadata is none, not the book's "
        + hashlib.sha256(files[names[1]].read_bytes()).hexdigest(),
        f"checked 6 archived file(s) and 6 object(s) in s3://{bucket}: 1 problem(s)",
    ]

    # The key is nowhere but the keyring: not in the book, its files, the exports or the output.
    ok(run("invoices", "export", "--format", "csv", "--out", str(tmp_path / "all.csv")))
    ok(run("settings", "show", "--json"))
    assert_nowhere(tmp_path, book_url, outputs)


def assert_nowhere(folder: Path, book_url: str, outputs: list[str]) -> None:
    keyring = folder / "test-keyring.json"
    files = [p for p in folder.rglob("*") if p.is_file() and p != keyring]
    assert any(p.suffix == ".pdf" for p in files)
    assert any(p.name == "all.csv" for p in files)
    contents = [p.read_bytes() for p in files]
    if book_url.startswith("postgresql"):
        url = "postgresql://" + book_url.split("://", 1)[1]
        dump = subprocess.run(
            ["pg_dump", "--data-only", url], capture_output=True, check=True, timeout=60
        )
        assert b"settings.set" in dump.stdout  # the dump holds the audit log
        contents.append(dump.stdout)
    for secret in SECRETS:
        assert all(secret not in text for text in outputs), secret
        for path, data in zip(files, contents, strict=False):
            assert secret.encode() not in data, (secret, path)
        if book_url.startswith("postgresql"):
            assert secret.encode() not in contents[-1], secret


@pytest.mark.parametrize("backend", ["sqlite"])
def test_refusals_leave_the_book_as_it_was(
    cli: Cli, db: tuple[str, str], s3: S3Endpoint, cli_env: dict[str, str]
) -> None:
    chain = {"AWS_ACCESS_KEY_ID": "AKIAENVCHAINTEST0001", "AWS_SECRET_ACCESS_KEY": ENV_SECRET}
    assert refused(cli(*db, "documents", "sync", env=chain)) == (
        "no S3 bucket is set for the archive; set one with "
        "`crechebooks settings set s3-bucket NAME`"
    )
    ok(cli(*db, "invoices", "pdf", "--month", "2026-10", "--out-dir", "out"))
    gone = f"{s3.new_bucket()}-gone"
    ok(cli(*db, "settings", "set", "s3-bucket", gone))
    before = as_json(cli(*db, "documents", "status", "--json"))
    assert (before["pending"], before["not_queued"]) == (0, 6)
    assert refused(cli(*db, "documents", "sync", "--retry-failed", env=chain)) == (
        f"the bucket {gone} does not exist at {s3.url}"
    )
    unreachable = {**chain, "CRECHEBOOKS_S3_ENDPOINT_URL": "http://127.0.0.1:9"}
    assert refused(cli(*db, "documents", "sync", "--json", env=unreachable)).startswith(
        "cannot reach http://127.0.0.1:9: Could not connect to the endpoint URL"
    )
    assert as_json(cli(*db, "documents", "status", "--json")) == before


@pytest.mark.parametrize("backend", ["sqlite"])
def test_without_boto3(
    db: tuple[str, str], s3: S3Endpoint, cli_env: dict[str, str], tmp_path: Path
) -> None:
    def run(*args: str) -> Any:
        blocked = (
            "import runpy, sys; sys.modules['boto3'] = None; "
            f"sys.argv = ['crechebooks', *{list(args)!r}]; "
            "runpy.run_module('tests.cli_main', run_name='__main__')"
        )
        return subprocess.run(
            [sys.executable, "-c", blocked],
            capture_output=True,
            text=True,
            env=cli_env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    local_only = run(*db, "documents", "verify")
    assert local_only.returncode == 0, local_only
    assert local_only.stdout == "checked 0 archived file(s): all as the book recorded\n"
    assert run(*db, "settings", "set", "s3-bucket", s3.new_bucket()).returncode == 0
    for command in ("sync", "verify"):
        done = run(*db, "documents", command)
        assert done.returncode == 1, done
        assert done.stderr == (
            "crechebooks: error: the S3 archive needs the boto3 package, which is not "
            "installed; install it with `pip install crechebooks-desktop[s3]`\n"
        )
