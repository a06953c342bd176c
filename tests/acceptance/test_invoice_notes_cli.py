"""``crechebooks invoices note`` and the notes in ``show`` and ``pdf --with-notes``, end to end.

The demo creche on its first day, then its November run (INV-2026-000010..68,
DRAFT) with INV-2026-000011 voided; INV-2026-000001..9 are its opening-balance
invoices (SENT).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.invoice_lifecycle import void_invoice
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed"),
]

Cli = Callable[..., Any]
NOVEMBER = dt.date(2026, 11, 1)
OPENING = "INV-2026-000001"
FIRST = "INV-2026-000010"
VOIDED = "INV-2026-000011"
NOTE = "Paid R 200 cash at the gate   \nReceipt 0412 in the file\n"
KEPT = "Paid R 200 cash at the gate\nReceipt 0412 in the file"


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """``--db URL`` of the demo's November, one invoice voided."""
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    try:
        with book.write() as uow:
            tenant = create_demo_creche(uow, dt.date(2026, 11, 21), months=0).creche.tenant_id
        with book.read(tenant) as uow:
            actor = acting_user(uow, tenant, None)
        generate_month(lambda: book.write(tenant), actor, NOVEMBER)
        with book.write(tenant) as uow:
            void_invoice(uow, actor, VOIDED, "enrolment cancelled")
    finally:
        book.close()
    return ("--db", book_url)


def refused(result: Any, starts: str = "crechebooks: error: ", code: int = 1) -> str:
    """A clean refusal: the exit status and one line on stderr, no traceback, no output."""
    assert result.code == code, result
    assert result.stderr.startswith(starts), result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def shown(cli: Cli, db: tuple[str, str], number: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok(cli(*db, "invoices", "show", number, "--json")))
    return found


def text_of(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    return re.sub(r"[ \t]+", " ", done.stdout)


def test_note_show_and_clear(cli: Cli, db: tuple[str, str]) -> None:
    before = shown(cli, db, FIRST)
    assert before["notes"] is None
    assert ok(cli(*db, "invoices", "note", FIRST.lower(), "--text", NOTE)) == (
        f"{FIRST}: notes saved ({len(KEPT)} characters)\n"
    )
    assert shown(cli, db, FIRST) == {**before, "notes": KEPT}
    printed = ok(cli(*db, "invoices", "show", FIRST)).splitlines()
    assert printed[-3:] == [
        "notes:",
        "  Paid R 200 cash at the gate",
        "  Receipt 0412 in the file",
    ]
    assert ok(cli(*db, "invoices", "note", FIRST, "--text", KEPT)) == f"{FIRST}: notes unchanged\n"
    assert ok(cli(*db, "invoices", "note", FIRST, "--text", "")) == f"{FIRST}: notes cleared\n"
    assert shown(cli, db, FIRST) == before
    assert "notes:" not in ok(cli(*db, "invoices", "show", FIRST))


def test_any_status_takes_notes(cli: Cli, db: tuple[str, str]) -> None:
    for number, status in ((VOIDED, "VOID"), (OPENING, "SENT")):
        ok(cli(*db, "invoices", "note", number, "--text", f"About {number}"))
        after = shown(cli, db, number)
        assert (after["status"], after["notes"]) == (status, f"About {number}")


def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    cli: Cli, db: tuple[str, str]
) -> None:
    assert refused(cli(*db, "invoices", "note", "INV-2026-999999", "--text", "Lost")) == (
        "crechebooks: error: no invoice 'INV-2026-999999' in this creche"
    )
    assert refused(cli(*db, "invoices", "note", FIRST, "--text", "x" * 2001)) == (
        "crechebooks: error: an invoice's notes are at most 2000 characters (these have 2001)"
    )
    said = refused(cli(*db, "invoices", "note", FIRST), "crechebooks invoices note: ", 2)
    assert said.endswith("the following arguments are required: --text")
    assert shown(cli, db, FIRST)["notes"] is None


def test_pdf_shows_notes_only_when_asked_and_never_archives_them(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    ok(cli(*db, "invoices", "note", FIRST, "--text", NOTE))
    plain = tmp_path / "plain.pdf"
    said = ok(cli(*db, "invoices", "pdf", FIRST, "--out", str(plain)))
    match = re.fullmatch(rf"wrote {FIRST} to .+ \(archived as (.+)\)\n", said)
    assert match, said
    archived = Path(match[1])
    assert "Receipt 0412" not in text_of(plain)
    assert "NOTES" not in text_of(plain)
    assert archived.read_bytes() == plain.read_bytes()

    noted = tmp_path / "noted.pdf"
    said = ok(cli(*db, "invoices", "pdf", FIRST, "--with-notes", "--out", str(noted)))
    assert said == (
        f"wrote {FIRST} with its notes to {noted} "
        f"(unchanged since it was archived without notes as {archived})\n"
    )
    text = text_of(noted)
    assert "NOTES" in text
    assert "Paid R 200 cash at the gate" in text
    assert "Receipt 0412 in the file" in text
    assert archived.read_bytes() == plain.read_bytes()  # the archive is the invoice without

    bare = tmp_path / "bare.pdf"
    said = ok(cli(*db, "invoices", "pdf", OPENING, "--with-notes", "--out", str(bare)))
    assert said.startswith(f"wrote {OPENING} (it has no notes) to {bare} (archived as ")


def test_a_month_with_notes(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    ok(cli(*db, "invoices", "note", FIRST, "--text", NOTE))
    out = tmp_path / "november"
    said = ok(cli(*db, "invoices", "pdf", "--month", "2026-11", "--out-dir", str(out),
                  "--with-notes"))  # fmt: skip
    assert said.endswith("; 1 show their notes (never the archived copies)\n")
    assert "Receipt 0412 in the file" in text_of(out / f"{FIRST}.pdf")
    assert "NOTES" not in text_of(out / "INV-2026-000012.pdf")
