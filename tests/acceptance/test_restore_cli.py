"""``backup`` holds the whole book in one file; ``restore`` checks all of it first (issue 13).

A backup is the database and every archived document with a manifest of their
SHA-256s. ``restore FILE --to PATH`` checks each file against the manifest,
each documents row against its file, and the ledger (``check``), and only then
puts the new book in place; a damaged backup is refused naming what is wrong,
and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.services.documents import verify_archive
from tests.acceptance.test_cli import ok, opened
from tests.conftest import DEMO_TODAY
from tests.file_modes import mode

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]


@pytest.fixture
def with_demo(book_url: str, tmp_path: Path) -> str:
    """``book_url`` holding the demo creche."""
    with opened(book_url, tmp_path) as book, book.write() as uow:
        create_demo_creche(uow, DEMO_TODAY)
    return book_url


def _with_a_document(cli: Cli, db: str, tmp_path: Path) -> str:
    listed = json.loads(ok(cli("--db", db, "invoices", "list", "--json")))
    number = str(listed["invoices"][0]["number"])
    ok(cli("--db", db, "invoices", "pdf", number, "--out", str(tmp_path / "print.pdf")))
    return number


def _backup(cli: Cli, db: str, tmp_path: Path) -> Path:
    target = tmp_path / "book.backup"
    said = ok(cli("--db", db, "backup", str(target)))
    assert said == f"backed up {_name(db)} (the database and 1 document) to {target}\n"
    return target


def _name(db: str) -> str:
    return db.removeprefix("sqlite:///").split("@")[-1]


def _members(backup: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(backup) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(backup: Path, members: dict[str, bytes], *, reseal: bool = False) -> None:
    """Write the backup again with these members (``reseal``: a manifest that agrees)."""
    if reseal:
        manifest = json.loads(members["manifest.json"])
        for entry in manifest["files"]:
            data = members[entry["name"]]
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["size"] = len(data)
        members["manifest.json"] = json.dumps(manifest).encode()
    backup.unlink()
    with zipfile.ZipFile(backup, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _refused_lines(result: Any) -> list[str]:
    assert result.code == 1, result
    assert "Traceback" not in result.stderr
    return list(result.stderr.splitlines())


def test_a_backup_restores_as_a_checked_new_book_with_its_documents(
    cli: Cli, with_demo: str, backend: str, tmp_path: Path
) -> None:
    number = _with_a_document(cli, with_demo, tmp_path)
    backup = _backup(cli, with_demo, tmp_path)
    assert mode(backup) == 0o600
    members = _members(backup)
    database = "book.sqlite" if backend == "sqlite" else "book.pgdump"
    assert sorted(members) == [
        database,
        f"documents/invoices/2026/{number}.pdf",
        "manifest.json",
    ]
    assert members[f"documents/invoices/2026/{number}.pdf"] == (tmp_path / "print.pdf").read_bytes()
    manifest = json.loads(members["manifest.json"])
    assert manifest["backend"] == backend
    assert [d["file"] for d in manifest["documents"]] == [f"documents/invoices/2026/{number}.pdf"]
    if backend == "postgresql":
        assert members[database][:5] == b"PGDMP"
        refusal = _refused_lines(cli("restore", str(backup), "--to", str(tmp_path / "r.sqlite")))
        assert refusal[0].startswith(
            f"crechebooks: error: {backup} is a backup of a PostgreSQL book"
        )
        assert "pg_restore" in refusal[0]
        assert not (tmp_path / "r.sqlite").exists()
        return

    target = tmp_path / "restored" / "copy.sqlite"
    target.parent.mkdir()
    said = ok(cli("restore", str(backup), "--to", str(target)))
    assert said.startswith("restored the backup of ")
    assert f"to {target}: 1 creche(s), 1 document(s), every one checked" in said
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy-files", "copy.sqlite"]
    archived = target.parent / "copy-files" / "documents" / "invoices" / "2026" / f"{number}.pdf"
    assert archived.read_bytes() == (tmp_path / "print.pdf").read_bytes()
    assert (mode(target), mode(archived), mode(target.parent / "copy-files")) == (
        0o600,
        0o600,
        0o700,
    )
    assert ok(cli("--db", str(target), "check")).endswith(": OK\n")
    assert ok(cli("--db", str(target), "balances")) == ok(cli("--db", with_demo, "balances"))
    with opened(f"sqlite:///{target}", tmp_path) as book, book.read() as uow:
        creche = uow.tenants.all()[0]
        # The restored rows point at the restored files, which are as archived.
        assert verify_archive(uow.for_tenant(creche.tenant_id), number)
    again = _refused_lines(cli("restore", str(backup), "--to", str(target)))
    assert again == [f"crechebooks: error: --to: {target} already exists; restore into a new file"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "damage",
    ["document altered", "document resealed", "document missing", "extra file", "ledger broken"],
)
def test_a_damaged_backup_is_refused_naming_the_damage_and_writes_nothing(
    cli: Cli, with_demo: str, tmp_path: Path, damage: str
) -> None:
    number = _with_a_document(cli, with_demo, tmp_path)
    backup = _backup(cli, with_demo, tmp_path)
    members = _members(backup)
    document = f"documents/invoices/2026/{number}.pdf"
    if damage == "document altered":
        members[document] = members[document].replace(b"%%EOF", b"%%EOX")
        _rewrite(backup, members)
        expected = [
            f"{document}: its SHA-256 is not the one in the manifest (the file was altered)"
        ]
    elif damage == "document resealed":  # the manifest agrees; the documents table does not
        members[document] = members[document].replace(b"%%EOF", b"%%EOX")
        _rewrite(backup, members, reseal=True)
        expected = [f"document 1: {document} does not have the SHA-256 its row records"]
    elif damage == "document missing":
        del members[document]
        _rewrite(backup, members)
        expected = [f"{document}: is missing"]
    elif damage == "extra file":
        members["../../evil.sh"] = b"rm -rf ~\n"
        _rewrite(backup, members)
        expected = ["../../evil.sh: is in the file but not in its manifest"]
    else:
        expected = _break_the_ledger(members, tmp_path)
        _rewrite(backup, members, reseal=True)
    before = sorted(tmp_path.rglob("*"))
    target = tmp_path / "copy.sqlite"
    lines = _refused_lines(cli("restore", str(backup), "--to", str(target)))
    count = len(expected)
    assert lines[0] == (
        f"crechebooks: error: {backup} is damaged and was not restored ({count} problem"
        f"{'' if count == 1 else 's'}); nothing was written"
    )
    assert lines[1:] == expected
    assert sorted(tmp_path.rglob("*")) == before


def _break_the_ledger(members: dict[str, bytes], tmp_path: Path) -> list[str]:
    """A household's stored balance that its ledger does not add up to."""
    copy = tmp_path / "tampered.sqlite"
    copy.write_bytes(members["book.sqlite"])
    with closing(sqlite3.connect(copy)) as conn:
        conn.execute(
            "UPDATE household_balances SET balance_cents = balance_cents + 100 WHERE "
            "household_id = (SELECT id FROM households WHERE account_ref = 'ADAMS19')"
        )
        conn.commit()
    members["book.sqlite"] = copy.read_bytes()
    copy.unlink()
    adams = "check: Sunflower Kids Educare: household ADAMS19: balance ="
    return [
        f"{adams} sum of entries: stored balance 100 ≠ sum of entries 0",
        f"{adams} last balance_after: stored balance 100 ≠ last balance_after 0",
        f"{adams} outstanding − credit: stored balance 100 ≠ outstanding 0 − credit 0",
    ]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_not_a_backup_and_a_backup_of_a_book_with_a_missing_document(
    cli: Cli, with_demo: str, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("shopping list")
    assert _refused_lines(cli("restore", str(note), "--to", str(tmp_path / "x.sqlite")))[0] == (
        f"crechebooks: error: {note} is not a CrecheBooks backup "
        "(not a readable zip file: File is not a zip file)"
    )
    number = _with_a_document(cli, with_demo, tmp_path)
    archived = next((tmp_path).rglob(f"documents/invoices/2026/{number}.pdf"))
    archived.unlink()
    lines = _refused_lines(cli("--db", with_demo, "backup", str(tmp_path / "b.backup")))
    assert lines == [
        (
            "crechebooks: error: the book's archived documents are not all sound (1 problem), "
            "so a backup could not be restored; nothing was written"
        ),
        f"document 1: {archived} is missing",
    ]
    assert not (tmp_path / "b.backup").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".b.backup")]
