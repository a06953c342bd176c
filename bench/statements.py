"""Statement batch speed (issue 12): 1,000 one-page household statements, figure beside target.

Run: .venv/bin/python bench/statements.py [--households 1000] [--skip-postgres]

The book: 1,000 households (1,430 children, siblings among them; the monthly
run's book of ``bench/generate_month.py``) with the creche's banking details,
February and March invoiced and sent, and in February and March most
households paying (in full, in part, or more than they owe), seeded. A
March statement then has the balance brought forward, an invoice or two and
a payment or two: one page.

Measured in a fresh process, end to end, as ``statements pdf --all --month
2026-03 --out-dir DIR`` runs it (``exporters.statement_batch.export_statements``):
reading every statement in one read transaction, rendering in two worker
processes, writing 1,000 files atomically, archiving 1,000 copies with their
rows and audit records. Target: under 8 s on this 2-core PC, peak memory under
400 MB (this process's peak plus each worker's; the largest worker's peak
counts for both, as getrusage reports only the largest child). Checked after:
1,000 files, 1,000 rows, each row's SHA-256 equal to its file's bytes.

Also printed, without targets: a reprint (every statement unchanged, so no
new copies) and the one-PDF form (``--out ONE.pdf``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bank_import import _drop_databases as drop_databases
from bank_import import _pg_url as pg_url
from generate_month import build_book

TARGET_S = 8.0
TARGET_MB = 400
SEED = 12
FEBRUARY, MARCH = dt.date(2026, 2, 1), dt.date(2026, 3, 1)
_BANKING = {
    "bank_name": "FNB",
    "bank_account_name": "Bench Creche",
    "bank_account_number": "62812345678",
    "bank_branch_code": "250655",
}


def build(url: str, households: int) -> int:
    """The bench book (see the module's docstring); returns the creche's id."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.enums import PaymentMethod
    from crechebooks_desktop.services.admin.creches import change_setting
    from crechebooks_desktop.services.admin.users import acting_user
    from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
    from crechebooks_desktop.services.billing.monthly_run import generate_month
    from crechebooks_desktop.services.ledger.payments import add_payment
    from crechebooks_desktop.settings import Settings

    tid = build_book(url, round(households * 1.43))
    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())))
    with book.write(tid) as uow:
        actor = acting_user(uow, tid, None)
        for key, value in _BANKING.items():
            change_setting(uow, actor, key, value)
        refs = [ref for (ref,) in uow.roster.session.execute(_refs_query(tid))]
    rng = random.Random(SEED)
    for month in (FEBRUARY, MARCH):
        generate_month(lambda: book.write(tid), actor, month)
        with book.write(tid) as uow:
            send_month(uow, actor, month)
        with book.write(tid) as uow:
            for ref in refs:
                if rng.random() < 0.8:
                    amount = rng.choice((320_000, 485_000, 500_000, 150_000, 970_000))
                    day = month + dt.timedelta(days=rng.randint(2, 20))
                    add_payment(uow, actor, ref, amount, day, PaymentMethod.EFT,
                                f"{ref} {month:%b}", rescore=False)  # fmt: skip
    book.close()
    return tid


def _refs_query(tid: int):
    from sqlalchemy import select

    from crechebooks_desktop.db.tables import Household

    return select(Household.account_ref).where(Household.tenant_id == tid)


def run_batch(url: str, tid: int, out: str) -> dict[str, object]:
    """In this (fresh) process: the batch, end to end, timed; then its results checked."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.exporters.statement_batch import export_statements
    from crechebooks_desktop.services.admin.users import acting_user
    from crechebooks_desktop.services.documents import sha256_hex
    from crechebooks_desktop.services.household_statements.statement import Period
    from crechebooks_desktop.settings import Settings

    folder = Path(out)
    book, _ = Book.open(Settings(url, folder / "files"))
    with book.read(tid) as uow:
        actor = acting_user(uow, tid, None)
    period = Period(MARCH, dt.date(2026, 3, 31))
    figures: dict[str, object] = {}
    started = time.perf_counter()
    batch = export_statements(book, actor, period, out_dir=folder / "out")
    figures["seconds"] = time.perf_counter() - started
    figures["self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["statements"] = batch.total
    figures["files"] = len(list((folder / "out").glob("*.pdf")))
    figures["pages"] = _pages(sorted((folder / "out").glob("*.pdf"))[: 1 + batch.total // 10])
    with book.read(tid) as uow:
        rows = uow.documents.of_entities("statement", "household", range(1, 100_000))
    documents = [d for found in rows.values() for d in found]
    figures["rows"] = len(documents)
    figures["hashes_ok"] = all(sha256_hex(Path(d.local_path).read_bytes()) == d.sha256
                               for d in documents)  # fmt: skip
    started = time.perf_counter()
    again = export_statements(book, actor, period, out_dir=folder / "out")
    figures["reprint_seconds"] = time.perf_counter() - started
    figures["reprint_new"] = again.created
    started = time.perf_counter()
    export_statements(book, actor, period, out_file=folder / "all.pdf")
    figures["one_pdf_seconds"] = time.perf_counter() - started
    figures["one_pdf_mb"] = (folder / "all.pdf").stat().st_size / 1e6
    book.close()
    return figures


def _pages(files: list[Path]) -> int:
    """The most pages among (a tenth of) the statements: one, as the target asks."""
    most = 0
    for path in files:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
        pages = [line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages")]
        most = max([most, *(int(p) for p in pages)])
    return most


def measure(name: str, url: str, households: int) -> bool:
    started = time.perf_counter()
    tid = build(url, households)
    print(f"{name}: built a book of {households:,} households in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, __file__, "--child", url, str(tid), out],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        print(done.stderr)
        return False
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return report(name, figures)


def report(name: str, f: dict) -> bool:
    peak = f["self_mb"] + 2 * f["worker_mb"]
    fast, small = f["seconds"] < TARGET_S, peak < TARGET_MB
    whole = f["files"] == f["rows"] == f["statements"] and f["hashes_ok"]
    print(
        f"{name}: {f['statements']:,} statements (read + render + write + archive) "
        f"{f['seconds']:.2f} s (target < {TARGET_S} s) {'OK' if fast else 'MISSED'}   "
        f"peak {peak:.0f} MB = this process {f['self_mb']:.0f} + 2 workers x "
        f"{f['worker_mb']:.0f} (target < {TARGET_MB} MB) {'OK' if small else 'MISSED'}"
    )
    print(
        f"{name}: {f['files']:,} files, {f['rows']:,} archive rows, hashes "
        f"{'equal to the files' if f['hashes_ok'] else 'WRONG'}, at most {f['pages']} page(s) "
        f"each; reprint {f['reprint_seconds']:.2f} s ({f['reprint_new']} new copies); "
        f"one PDF of all {f['one_pdf_seconds']:.2f} s ({f['one_pdf_mb']:.1f} MB)"
    )
    return fast and small and whole


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(run_batch(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = measure("SQLite", f"sqlite:///{tmp}/bench.sqlite", args.households)
    if not args.skip_postgres and (url := pg_url()) is not None:
        try:
            ok = measure("PostgreSQL", url, args.households) and ok
        finally:
            drop_databases()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
