"""Sending a month and marking overdue, set-based: 5,000 invoices, SQLite and PostgreSQL.

Run: .venv/bin/python bench/send_month.py [--children 5000] [--skip-postgres]

Builds the book of ``bench/generate_month.py`` (5,000 children in about 3,500
households), makes the month's invoices, gives one household in ten unused
credit (so sending applies it), then times in a fresh process:

- ``send_month``: every DRAFT of the month SENT, credit applied, audited.
  Target (issue 13): under 1.5 s on SQLite and 3 s on PostgreSQL.
- ``mark_overdue`` after the due date: every sent invoice with a balance
  OVERDUE. No target of its own; printed beside the first.

Afterwards the book's consistency check must pass. Not part of the test suite.
"""

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_month

TARGETS = {"SQLite": 1.5, "PostgreSQL": 3.0}
MONTH = generate_month.MONTH


def prepare(url: str, children: int) -> int:
    """The book with the month's drafts and some households holding credit; the tenant id."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.admin.users import acting_user
    from crechebooks_desktop.services.billing.monthly_run import generate_month as generate
    from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
    from crechebooks_desktop.settings import Settings

    tid = generate_month.build_book(url, children)
    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())))
    with book.read(tid) as uow:
        actor = acting_user(uow, tid, None)
    generate(lambda: book.write(tid), actor, MONTH)
    with book.write(tid) as uow:
        settings = uow.tenants.get(tid)
        assert settings is not None  # noqa: S101 - the creche made above
        households = [s.id for s in uow.roster.household_summaries()]
        for household_id in households[::10]:
            post_opening_balance(
                uow, actor, settings, household_id, -100_000, MONTH - dt.timedelta(days=1)
            )
    book.close()
    return tid


def run(url: str, tid: int) -> dict:
    """In this (fresh) process: time sending the month, then marking overdue."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.admin.checks import check_creche
    from crechebooks_desktop.services.admin.users import acting_user
    from crechebooks_desktop.services.billing.invoice_lifecycle import mark_overdue, send_month
    from crechebooks_desktop.settings import Settings

    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())))
    with book.read(tid) as uow:
        actor = acting_user(uow, tid, None)
    started = time.perf_counter()
    with book.write(tid) as uow:
        sent = send_month(uow, actor, MONTH)
    send_s = time.perf_counter() - started
    started = time.perf_counter()
    with book.write(tid) as uow:
        overdue = mark_overdue(uow, actor, MONTH + dt.timedelta(days=40))
    overdue_s = time.perf_counter() - started
    with book.read(tid) as uow:
        ok = check_creche(uow).ok
    book.close()
    credited = sum(1 for s in sent if s.credit_applied_cents)
    return {"send_s": send_s, "sent": len(sent), "credited": credited,
            "overdue_s": overdue_s, "overdue": len(overdue), "ok": ok}  # fmt: skip


def measure(label: str, url: str, children: int) -> bool:
    tid = prepare(url, children)
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(tid)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    f = json.loads(out.strip().splitlines()[-1])
    target = TARGETS[label]
    verdict = "OK" if f["send_s"] < target and f["ok"] else "MISSED"
    print(
        f"{label:<11} sent {f['sent']:,} invoices ({f['credited']:,} took credit) in "
        f"{f['send_s']:.2f} s (target < {target} s) {verdict}; marked {f['overdue']:,} overdue "
        f"in {f['overdue_s']:.2f} s; invariants {'ok' if f['ok'] else 'BROKEN'}"
    )
    return verdict == "OK"


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(run(sys.argv[2], int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    ok = measure("SQLite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'send.sqlite'}", args.children)
    if not args.skip_postgres:
        import psycopg

        name = f"cb_bench_{uuid.uuid4().hex[:8]}"
        admin = generate_month.PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        try:
            url = generate_month.PG_ADMIN.rsplit("/", 1)[0] + "/" + name
            ok &= measure("PostgreSQL", url, args.children)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
