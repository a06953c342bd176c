"""Helpers shared by the roster tests: sample files, CSV writing, book snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.importers.fees_csv import import_fees_file
from crechebooks_desktop.importers.roster_csv import import_roster_file
from crechebooks_desktop.paths import resources_dir
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.settings import Settings

SAMPLES = resources_dir() / "samples"
SAMPLE_FEES = SAMPLES / "fees.csv"
SAMPLE_ROSTER = SAMPLES / "roster.csv"

ROSTER_HEADER = (
    "household_ref,parent_name,parent_email,parent_phone,child_ref,child_first_name,"
    "child_last_name,child_dob,fee_name,start_date,end_date"
)
"""The required roster columns, in the issue's order."""

_TABLES = (
    "fee_structures",
    "fee_structure_rates",
    "households",
    "household_balances",
    "children",
    "enrolments",
    "enrolment_extras",
    "charges",
)


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    """Write lines as a CSV file (CRLF, as spreadsheets save them); returns the path."""
    path.write_bytes("\r\n".join([*lines, ""]).encode(encoding))
    return path


def snapshot(book: Book) -> dict[str, Any]:
    """Row counts of the roster tables and the whole audit log, to compare before/after."""
    with book.engine.connect() as conn:
        counts = {
            table: conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in _TABLES
        }
        audit = conn.execute(
            text("SELECT id, action, entity, entity_id FROM audit_log ORDER BY id")
        ).all()
    return {"counts": counts, "audit": [tuple(row) for row in audit]}


def audit_since(book: Book, last_id: int) -> list[tuple[str, str | None, Any, Any]]:
    """(action, entity_id, before, after) of the audit records after ``last_id``."""
    with book.read() as uow:
        records = uow.audit.latest(None, limit=10_000)
    return [
        (r.action, r.entity_id, r.before, r.after)
        for r in sorted(records, key=lambda r: r.id)
        if r.id > last_id
    ]


def last_audit_id(book: Book) -> int:
    """The id of the newest audit record (0 when none)."""
    with book.read() as uow:
        latest = uow.audit.latest(None, limit=1)
    return latest[0].id if latest else 0


def load_samples(book: Book, actor: Actor) -> None:
    """Import the shipped sample fees and roster into the actor's creche."""
    with book.write(actor.tenant_id) as uow:
        import_fees_file(uow, actor, SAMPLE_FEES, "fees.csv")
    with book.write(actor.tenant_id) as uow:
        import_roster_file(uow, actor, SAMPLE_ROSTER, "roster.csv")


def sample_creche(url: str, files: Path, *, samples: bool = True) -> None:
    """Set up ``Acorns`` (admin password ``pw``) in the book at ``url``, in this process.

    With ``samples``: the shipped sample fees and roster and the bank account
    ``Cheque``, as ``fees import``, ``roster import`` and ``bank accounts add``
    would (those commands are tested on their own in ``test_roster_cli`` and
    ``test_bank_cli``; as set-up they would cost a process each).
    """
    book, _ = Book.open(Settings(url, files))
    try:
        with book.write() as uow:
            _settings, actor = init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
        if samples:
            load_samples(book, actor)
            with book.write(actor.tenant_id) as uow:
                bank.add_account(uow, actor, "Cheque")
    finally:
        book.close()
