"""Monthly run speed: 5,000 children in about 3,500 households, SQLite and PostgreSQL.

Run: .venv/bin/python bench/generate_month.py [--children 5000] [--skip-postgres]
Targets (issue #3): 5,000 invoices with their lines, ledger entries and audit
records in under 1.5 s on SQLite and under 4 s on the local PostgreSQL, peak
memory under 300 MB. In the same run, the same rows are inserted with raw
sqlite3 executemany, and the ratio is printed.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET_SQLITE_S = 1.5
TARGET_PG_S = 4.0
TARGET_MB = 300
MONTH = dt.date(2026, 3, 1)
PG_ADMIN = os.environ.get(
    "CRECHEBOOKS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def build_book(url: str, children: int) -> int:
    """A creche with siblings, pro-rata starters, extras and charges; returns the tenant id."""
    from sqlalchemy import insert, text

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.tables import (
        Charge,
        Child,
        Enrolment,
        EnrolmentExtra,
        FeeStructure,
        FeeStructureRate,
        Household,
        HouseholdBalance,
    )
    from crechebooks_desktop.domain.creche import NewCreche
    from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY
    from crechebooks_desktop.services.admin.creches import init_creche
    from crechebooks_desktop.settings import Settings

    rng = random.Random(42)
    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())), create=True)
    with book.write() as uow:
        creche, _actor = init_creche(
            uow,
            NewCreche(name="Bench Creche", vat_number="4123456789", sibling_discounts="0,10,15"),
        )
        tid = creche.tenant_id
        session = uow._session  # noqa: SLF001 - bulk loading for the benchmark only
        fees = [
            ("Full day", "FULL_DAY", 485_000),
            ("Half day", "HALF_DAY", 320_000),
            ("Aftercare", "HOURLY", 6_500),
            ("Custom", "CUSTOM", None),
        ]
        session.execute(
            insert(FeeStructure),
            [
                {"id": i, "tenant_id": tid, "name": n, "fee_type": t}
                for i, (n, t, _a) in enumerate(fees, 1)
            ],
        )
        session.execute(
            insert(FeeStructureRate),
            [
                {
                    "tenant_id": tid,
                    "fee_structure_id": i,
                    "effective_from": FIRST_BOOK_DAY,
                    "amount_cents": a,
                    "registration_fee_cents": 75_000,
                    "re_registration_fee_cents": 50_000,
                }
                for i, (_n, _t, a) in enumerate(fees, 1)
            ],
        )
        fee_ids = list(range(1, 5))
        households = round(children / 1.43)
        session.execute(
            insert(Household),
            [
                {
                    "id": h,
                    "tenant_id": tid,
                    "account_ref": f"HH{h:05d}",
                    "parent_name": f"Parent {h}",
                }
                for h in range(1, households + 1)
            ],
        )
        session.execute(
            insert(HouseholdBalance),
            [{"household_id": h, "tenant_id": tid} for h in range(1, households + 1)],
        )
        kids, enrols, extras, charges = [], [], [], []
        for c in range(1, children + 1):
            h = c if c <= households else rng.randint(1, households)  # the rest are siblings
            kids.append(
                {
                    "id": c,
                    "tenant_id": tid,
                    "household_id": h,
                    "child_ref": f"C{c:05d}",
                    "first_name": f"Child{c}",
                    "last_name": f"Family{h}",
                    "date_of_birth": dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1200)),
                }
            )
            fee = rng.choices(fee_ids, weights=(60, 30, 5, 5))[0]
            start = (
                MONTH + dt.timedelta(days=rng.randint(1, 25))
                if c % 20 == 0
                else dt.date(2026, 1, 13)
            )
            enrols.append(
                {
                    "id": c,
                    "tenant_id": tid,
                    "child_id": c,
                    "fee_structure_id": fee,
                    "start_date": start,
                    "status": "ACTIVE",
                    "custom_amount_cents": 410_000 if fee == 4 else None,
                    "hours_per_month": 40 if fee == 3 else None,
                }
            )
            if c % 5 == 0:
                extras.append(
                    {
                        "tenant_id": tid,
                        "enrolment_id": c,
                        "line_type": "MEALS",
                        "amount_cents": 40_000,
                        "description": "Hot lunches",
                    }
                )
            if c % 7 == 0:
                charges.append(
                    {
                        "tenant_id": tid,
                        "child_id": c,
                        "line_type": "LATE_PICKUP",
                        "description": "Late pick-up",
                        "amount_cents": 15_000,
                        "charge_date": MONTH + dt.timedelta(days=10),
                    }
                )
        for model, rows in (
            (Child, kids),
            (Enrolment, enrols),
            (EnrolmentExtra, extras),
            (Charge, charges),
        ):
            session.execute(insert(model), rows)
        if session.get_bind().dialect.name == "postgresql":
            for table in ("households", "children", "enrolments"):
                # Rows were loaded with explicit ids: move the sequences past them.
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    book.close()
    return tid


def run_generation(url: str, tid: int) -> dict:
    """In this (fresh) process: time the monthly run; report time, counts and peak memory."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.admin.users import acting_user
    from crechebooks_desktop.services.billing.monthly_run import generate_month
    from crechebooks_desktop.settings import Settings

    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())))
    with book.read(tid) as uow:
        actor = acting_user(uow, tid, None)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = generate_month(lambda: book.write(tid), actor, MONTH)
    seconds = time.perf_counter() - started
    with book.read(tid) as uow:
        from crechebooks_desktop.services.admin.checks import check_creche

        ok = check_creche(uow).ok
    book.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "invoices": len(result.created),
        "ok": ok,
        "peak_mb": peak / 1024,
        "start_mb": before / 1024,
    }


def raw_sqlite_copy(path: str) -> tuple[float, int]:
    """Insert the rows the run wrote, with plain sqlite3 executemany, into a fresh book."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.settings import Settings

    empty = Path(tempfile.mkdtemp()) / "raw.sqlite"
    Book.open(Settings(f"sqlite:///{empty}", empty.parent), create=True)[0].close()
    src = sqlite3.connect(path)
    tables = {
        "invoices": "",
        "invoice_lines": "",
        "ledger_entries": "",
        "audit_log": " WHERE action IN ('invoice.create', 'ledger.post')",
    }
    data = {
        t: (
            src.execute(f"SELECT * FROM {t}{w}").fetchall(),
            [c[1] for c in src.execute(f"PRAGMA table_info({t})")],
        )
        for t, w in tables.items()
    }
    dst = sqlite3.connect(empty)
    dst.execute("PRAGMA foreign_keys=OFF")
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    with dst:
        for table, (rows, columns) in data.items():
            marks = ",".join("?" * len(columns))
            dst.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
    seconds = time.perf_counter() - started
    return seconds, sum(len(rows) for rows, _ in data.values())


def child(url: str, tid: int) -> None:
    print(json.dumps(run_generation(url, tid)))


def measure(url: str, children: int) -> dict:
    tid = build_book(url, children)
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(tid)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {"tid": tid, **json.loads(out.strip().splitlines()[-1])}


def report(name: str, figures: dict, target: float) -> None:
    rate = figures["invoices"] / figures["seconds"]
    verdict = "OK" if figures["seconds"] < target and figures["peak_mb"] < TARGET_MB else "MISSED"
    print(
        f"{name:<11} {figures['invoices']} invoices in {figures['seconds']:.2f} s "
        f"({rate:,.0f}/s)   target < {target} s   peak {figures['peak_mb']:.0f} MB "
        f"(target < {TARGET_MB} MB)   invariants {'ok' if figures['ok'] else 'BROKEN'}   {verdict}"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    sqlite_path = tmp / "bench.sqlite"
    figures = measure(f"sqlite:///{sqlite_path}", args.children)
    report("SQLite", figures, TARGET_SQLITE_S)
    raw_seconds, raw_rows = raw_sqlite_copy(str(sqlite_path))
    print(
        f"raw sqlite3 executemany of the same {raw_rows:,} rows: {raw_seconds:.2f} s "
        f"-> CrecheBooks takes {figures['seconds'] / raw_seconds:.1f}x the raw insert"
    )
    if not args.skip_postgres:
        import psycopg

        name = f"cb_bench_{uuid.uuid4().hex[:8]}"
        admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        try:
            url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
            report("PostgreSQL", measure(url, args.children), TARGET_PG_S)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
