"""The history hash chains on a big book: sealing a million rows, and checking them.

Run: .venv/bin/python bench/history_check.py [--entries 1000000] [--households 3500]
     [--postgres]

Uses the ledger benchmark's book (``bench/ledger_scale.py``, cached under
``$TMPDIR/crechebooks-bench/``): 1,000,000 ledger entries over 3,500 households.

- sealing: the rows written past the application are sealed into their chains,
  as the upgrade to schema 0003 does for a book from before the chains; target
  under 60 s for a million rows (once, when the book is first opened).
- check: ``crechebooks check`` of the whole creche (every invariant, and every
  history row's hash), in a fresh process; target under 30 s for a million rows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import ledger_scale  # the shared book builder, beside this file

TARGET_SEAL_S = 60.0
TARGET_CHECK_S = 30.0


def fresh_unsealed(entries: int, households: int) -> Path:
    """A copy of the cached book with its ledger entries unsealed (as before 0003)."""
    source = ledger_scale.ensure_sqlite(entries, households, rebuild=False)
    work = Path(tempfile.mkdtemp()) / "history.sqlite"
    shutil.copy(source, work)
    import sqlite3

    conn = sqlite3.connect(work)
    with conn:
        # The append-only guard lets no one unseal; lift it on this scratch copy only.
        conn.execute("DROP TRIGGER ledger_entries_no_update")
        conn.execute("UPDATE ledger_entries SET chain_seq = NULL, chain_hash = NULL")
        conn.execute("DELETE FROM history_heads WHERE chain = 'ledger_entries'")
    conn.close()
    return work


def restore_guard(path: Path) -> None:
    """Put the dropped trigger back, as migration 0003 defines it."""
    import sqlite3

    source = ledger_scale.ensure_sqlite(0, 0, rebuild=False)
    with sqlite3.connect(source) as template:
        (sql,) = template.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ledger_entries_no_update'"
        ).fetchone()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql)
    conn.close()


def child_check(url: str) -> None:
    """In a fresh process: time the whole check of the creche."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.admin.checks import check_creche
    from crechebooks_desktop.settings import Settings

    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())))
    started = time.perf_counter()
    with book.read() as uow:
        tenant = uow.tenants.all()[0].tenant_id
    with book.read(tenant) as uow:
        report = check_creche(uow)
    seconds = time.perf_counter() - started
    book.close()
    # The bench book has charges without invoices, so only the history's verdict counts here.
    broken = [v for v in report.violations if v.rule in {"history chain", "append-only guard"}]
    print(json.dumps({"seconds": seconds, "rows": report.history_rows, "ok": not broken}))


def measure_check(url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(name: str, seconds: float, target: float, extra: str = "") -> None:
    verdict = "OK" if seconds < target else "MISSED"
    print(f"{name:<34} {seconds:6.1f} s   target < {target:.0f} s   {extra}{verdict}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child_check(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=3_500)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    book = fresh_unsealed(args.entries, args.households)
    restore_guard(book)
    sealed = ledger_scale.seal_book(book)
    report(f"seal {args.entries:,} entries (SQLite)", sealed, TARGET_SEAL_S)
    figures = measure_check(f"sqlite:///{book}")
    report(
        f"check {figures['rows']:,} history rows (SQLite)",
        figures["seconds"],
        TARGET_CHECK_S,
        f"chains {'intact' if figures['ok'] else 'BROKEN'}   ",
    )
    if args.postgres:
        import psycopg

        name = f"cbbench_{uuid.uuid4().hex[:8]}"
        admin = ledger_scale.PG_ADMIN
        libpq = admin.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(libpq, autocommit=True) as pg:
            pg.execute(f'CREATE DATABASE "{name}"')
        url = admin.rsplit("/", 1)[0] + f"/{name}"
        try:
            ledger_scale.load_postgres(book, url)
            figures = measure_check(url)
            report(
                f"check {figures['rows']:,} history rows (PostgreSQL)",
                figures["seconds"],
                TARGET_CHECK_S,
                f"chains {'intact' if figures['ok'] else 'BROKEN'}   ",
            )
        finally:
            with psycopg.connect(libpq, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
