"""Opening a month's reconciliation in a big book: 2,000 lines among 200,000, SQLite and PostgreSQL.

Run: .venv/bin/python bench/reconcile_status.py [--lines 200000] [--month 2000] [--skip-postgres]

Target (issue 11): open the reconciliation of a month of 2,000 lines in a book
of 200,000 lines (``reconcile.lines`` for the month) and compute its status
(``reconcile.status``) in under 0.3 s together. The book: one bank account
whose lines run 2,000 a month, written in bulk through the bank repository;
every month before the last is cleared and reconciled (finished), and the last
month is in progress with a tenth of its lines not cleared. Best of ``--runs``,
each in a fresh read transaction. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bank_import import _drop_databases, _pg_url  # one way to make and drop bench databases

TARGET_S = 0.3
ACCOUNT = "Cheque"
_BATCH = 20_000
_TEXTS = ("ESKOM PREPAID", "SERVICE FEE", "MRS N DLAMINI FEES", "WOOLWORTHS FOOD", "SALARY")


def _month_start(first: dt.date, n: int) -> dt.date:
    year, month = divmod(first.month - 1 + n, 12)
    return dt.date(first.year + year, month + 1, 1)


def _month_end(start: dt.date) -> dt.date:
    return _month_start(start, 1) - dt.timedelta(days=1)


def _lines(total: int, per_month: int) -> list[Any]:
    """(date, amount) of every line, ``per_month`` to a month, oldest first."""
    from crechebooks_desktop.domain.bank import NewBankLine

    months = total // per_month
    first = _month_start(dt.date(2026, 6, 1), -months + 1)
    made = []
    for m in range(months):
        start = _month_start(first, m)
        days = (_month_end(start) - start).days + 1
        for i in range(per_month):
            day = start + dt.timedelta(days=i * days // per_month)
            cents = (i % 97 + 1) * 1_000 * (1 if i % 3 else -1)
            text = _TEXTS[i % len(_TEXTS)]
            made.append(NewBankLine(day, cents, text, None, None, None, f"B:{m}:{i}"))
    return made


def build(url: str, folder: Path, total: int, per_month: int) -> tuple[Any, int, dt.date]:
    """The book of this module's docstring; returns (book, tenant id, the last month's end)."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.creche import NewCreche
    from crechebooks_desktop.domain.enums import BankLineStatus
    from crechebooks_desktop.services.admin.creches import init_creche
    from crechebooks_desktop.services.bank import accounts_and_imports as bank
    from crechebooks_desktop.services.reconciliation import reconcile
    from crechebooks_desktop.settings import Settings

    book, _ = Book.open(Settings(db_url=url, data_dir=folder / "files"), create=True)
    with book.write() as uow:
        settings, actor = init_creche(uow, NewCreche(name="Bench", admin_password="pw"))  # noqa: S106
        account = bank.add_account(uow.for_tenant(settings.tenant_id), actor, ACCOUNT, "fnb")
    tenant = settings.tenant_id
    lines = _lines(total, per_month)
    last_start = lines[-per_month].date
    before = sum(line.amount_cents for line in lines if line.date < last_start)
    for start in range(0, len(lines), _BATCH):
        with book.write(tenant) as uow:
            chunk = lines[start : start + _BATCH]
            ids = uow.bank.add_lines(account.id, None, chunk)
            # A tenth of the last month stays uncleared; everything else is categorised.
            cleared = [
                i for i, line in zip(ids, chunk, strict=True) if line.date < last_start or i % 10
            ]
            uow.bank.set_status(cleared, BankLineStatus.CATEGORISED)
    previous_end = last_start - dt.timedelta(days=1)
    with book.write(tenant) as uow:
        reconcile.start(uow, actor, ACCOUNT, previous_end, before)
        reconcile.finish(uow, actor, ACCOUNT)
    month_end = _month_end(last_start)
    with book.write(tenant) as uow:
        total_cents = sum(line.amount_cents for line in lines)
        reconcile.start(uow, actor, ACCOUNT, month_end, total_cents)
    return book, tenant, month_end


def measure_status(
    book: Any, tenant: int, month_end: dt.date, runs: int = 5
) -> tuple[float, int, int]:
    """Best time of opening the month (its lines) and its status: (seconds, lines, uncleared)."""
    from crechebooks_desktop.services.reconciliation import reconcile

    best, shown, uncleared = float("inf"), 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        with book.read(tenant) as uow:
            month = reconcile.lines(uow, ACCOUNT, month_end)
            figures = reconcile.status(uow, ACCOUNT)
        best = min(best, time.perf_counter() - started)
        shown, uncleared = len(month), len(figures.uncleared_lines)
    return best, shown, uncleared


def _bench(label: str, url: str | None, folder: Path, args: argparse.Namespace) -> bool:
    if url is None:
        return True
    started = time.perf_counter()
    book, tenant, month_end = build(url, folder, args.lines, args.month)
    built = time.perf_counter() - started
    try:
        seconds, shown, uncleared = measure_status(book, tenant, month_end, args.runs)
    finally:
        book.close()
    passed = seconds < TARGET_S
    print(
        f"{label:<10} book of {args.lines} lines (built in {built:.0f} s): the month to "
        f"{month_end} ({shown} lines, {uncleared} uncleared) opened with its status in "
        f"{seconds:5.3f} s  (target < {TARGET_S} s, best of {args.runs}) "
        f"{'OK' if passed else 'MISSED'}"
    )
    return passed


def add_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """This measurement's options (``prefix`` keeps them apart inside bench/reconcile.py)."""
    parser.add_argument(f"--{prefix}lines", type=int, default=200_000, dest="status_lines")
    parser.add_argument(f"--{prefix}month", type=int, default=2_000, dest="status_month")
    parser.add_argument(f"--{prefix}runs", type=int, default=5, dest="status_runs")


def run(args: argparse.Namespace) -> bool:
    """Measure on SQLite, then PostgreSQL unless ``args.skip_postgres``; True if both meet it."""
    chosen = argparse.Namespace(
        lines=args.status_lines, month=args.status_month, runs=args.status_runs
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ok = _bench("SQLite", f"sqlite:///{folder / 'bench.sqlite'}", folder, chosen)
        if not args.skip_postgres:
            try:
                ok &= _bench("PostgreSQL", _pg_url(), folder, chosen)
            finally:
                _drop_databases()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    parser.add_argument("--skip-postgres", action="store_true")
    sys.exit(0 if run(parser.parse_args()) else 1)


if __name__ == "__main__":
    main()
