"""``crechebooks invoices attach / attachments / detach``, end to end on both backends.

The demo creche on its first day, then its November run (INV-2026-000010..68, DRAFT).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.services.documents import sha256_hex
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
FIRST = "INV-2026-000010"
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """``--db URL`` of the demo's November."""
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    try:
        with book.write() as uow:
            tenant = create_demo_creche(uow, dt.date(2026, 11, 21), months=0).creche.tenant_id
        with book.read(tenant) as uow:
            actor = acting_user(uow, tenant, None)
        generate_month(lambda: book.write(tenant), actor, dt.date(2026, 11, 1))
    finally:
        book.close()
    return ("--db", book_url)


def refused(result: Any) -> str:
    """A clean refusal: exit 1 and one line on stderr, nothing on stdout."""
    assert result.code == 1, result
    assert result.stderr.startswith("crechebooks: error: "), result
    assert result.stderr.count("\n") == 1, result
    assert result.stdout == ""
    return str(result.stderr.strip())


def listed(cli: Cli, db: tuple[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(
        ok(cli(*db, "invoices", "attachments", FIRST, "--json"))
    )
    return found


def test_attach_list_and_detach(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(PDF)
    form = tmp_path / "form.png"
    form.write_bytes(PNG)
    said = ok(cli(*db, "invoices", "attach", FIRST.lower(), str(receipt), str(form)))
    assert said.splitlines() == [
        f"{FIRST}: attached receipt.pdf ({len(PDF)} bytes, sha256 {sha256_hex(PDF)})",
        f"{FIRST}: attached form.png ({len(PNG)} bytes, sha256 {sha256_hex(PNG)})",
    ]
    found = listed(cli, db)
    assert [(a["name"], a["size"], a["sha256"]) for a in found] == [
        ("receipt.pdf", len(PDF), sha256_hex(PDF)),
        ("form.png", len(PNG), sha256_hex(PNG)),
    ]
    assert all(a["added_by"] for a in found)
    kept = Path(found[0]["path"])
    assert kept.read_bytes() == PDF
    table = ok(cli(*db, "invoices", "attachments", FIRST))
    assert "receipt.pdf" in table
    assert "form.png" in table
    assert ok(cli(*db, "invoices", "detach", FIRST, "receipt.pdf")) == (
        f"{FIRST}: detached receipt.pdf (kept in the documents folder)\n"
    )
    assert [a["name"] for a in listed(cli, db)] == ["form.png"]
    assert kept.read_bytes() == PDF
    assert refused(cli(*db, "invoices", "detach", FIRST, "receipt.pdf")) == (
        f"crechebooks: error: {FIRST}: 'receipt.pdf' is already detached"
    )


def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(PDF)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ not a pdf")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF" + b"0" * (10 * 1024 * 1024))
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert refused(cli(*db, "invoices", "attach", "INV-2026-999999", str(good))) == (
        "crechebooks: error: no invoice 'INV-2026-999999' in this creche"
    )
    assert refused(cli(*db, "invoices", "attach", FIRST, str(good), str(tmp_path / "gone.pdf")))
    assert "not a file" in refused(cli(*db, "invoices", "attach", FIRST, str(good), str(tmp_path)))
    assert "10 MB" in refused(cli(*db, "invoices", "attach", FIRST, str(good), str(big)))
    assert "not a .pdf" in refused(cli(*db, "invoices", "attach", FIRST, str(good), str(fake)))
    assert "cannot attach" in refused(cli(*db, "invoices", "attach", FIRST, str(exe)))
    assert refused(cli(*db, "invoices", "detach", FIRST, "nope.pdf")) == (
        f"crechebooks: error: {FIRST} has no attachment 'nope.pdf'"
    )
    assert listed(cli, db) == []
    ok(cli(*db, "invoices", "attach", FIRST, str(good)))
    assert "already attached" in refused(cli(*db, "invoices", "attach", FIRST, str(good)))
    assert [a["name"] for a in listed(cli, db)] == ["good.pdf"]
