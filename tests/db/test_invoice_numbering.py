"""Invoice numbers stay gapless and unique when runs overlap, crash or are killed.

Real processes run ``crechebooks invoices generate`` against one book (SQLite
and PostgreSQL). A monthly run of a few thousand invoices takes well under a
second, too quick to overlap with another or to be killed part-way, so the
processes run the real command (``crechebooks_desktop.app.main``) through
``WORKER`` below, which first makes the run slower in a way that changes
nothing it writes: small batches (``HOUSEHOLDS_PER_BATCH``) and a pause either
between batches (in the progress callback) or inside each batch's transaction,
after its invoices, ledger entries and audit records are written and before it
commits. A kill then lands in the middle of a batch.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Invoice, LedgerEntry
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import InvoiceKind
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.billing import monthly_run
from tests.billing_fixtures import (
    FULL_DAY,
    add_big_roster,
    add_fees,
    audit_actions,
    new_creche,
    writer,
)
from tests.file_keyring import signing_env

pytestmark = pytest.mark.slow

TERM = dt.date(2026, 1, 14)

WORKER = """
import json, signal, sys, time
from pathlib import Path

# Ctrl-C as a terminal delivers it, even under a shell that started the tests in
# the background (whose children inherit SIGINT ignored).
signal.signal(signal.SIGINT, signal.default_int_handler)

from crechebooks_desktop.app import main
from crechebooks_desktop.services.billing import monthly_run
from crechebooks_desktop.services.tasks import TaskState

job = json.loads(sys.argv[1])
monthly_run.HOUSEHOLDS_PER_BATCH = job["batch"]

if job["pause_between"]:
    told = TaskState.progress

    def progress(self, done, total, message=""):
        told(self, done, total, message)
        time.sleep(job["pause_between"])

    TaskState.progress = progress

if job["pause_inside"]:
    post_and_audit = monthly_run._post_and_audit

    def slow_post_and_audit(*args, **kwargs):
        post_and_audit(*args, **kwargs)
        time.sleep(job["pause_inside"])  # the batch's transaction is still open

    monthly_run._post_and_audit = slow_post_and_audit

if job.get("hold"):
    held = Path(job["hold"])
    told_first = TaskState.progress

    def hold_after_first_batch(self, done, total, message=""):
        told_first(self, done, total, message)
        if done > 0 and not held.exists():
            held.write_text("held", encoding="utf-8")  # the test's gate: interrupt me now
            end = time.monotonic() + 120
            while time.monotonic() < end:
                time.sleep(0.05)

    TaskState.progress = hold_after_first_batch

go = Path(job["go"]) if job["go"] else None
deadline = time.monotonic() + 60
while go is not None and not go.exists():
    if time.monotonic() > deadline:
        raise SystemExit("never told to go")
    time.sleep(0.01)
sys.exit(main(["--db", job["url"], "invoices", "generate", "--month", job["month"], "--json"]))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRECHEBOOKS_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["PYTHONIOENCODING"] = "utf-8"
    return signing_env(env, tmp_path)  # the run signs in as the creche's admin


def _worker(
    book: Book,
    tmp_path: Path,
    month: str,
    *,
    batch: int,
    go: Path | None = None,
    pause_between: float = 0.0,
    pause_inside: float = 0.0,
    hold: Path | None = None,
) -> subprocess.Popen[str]:
    job = {
        "hold": str(hold) if hold else None,
        "url": book.settings.db_url,
        "month": month,
        "batch": batch,
        "go": str(go) if go else None,
        "pause_between": pause_between,
        "pause_inside": pause_inside,
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps(job)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(tmp_path),
        cwd=tmp_path,
    )


def _finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    result: dict[str, Any] = json.loads(out)
    return result


def _monthly(book: Book, tenant_id: int) -> list[tuple[str, int, dt.date, int]]:
    """(number, child id, billing month, total) of every MONTHLY invoice, by number."""
    with book.read(tenant_id) as uow:
        rows = uow._session.execute(
            select(Invoice.number, Invoice.child_id, Invoice.billing_month, Invoice.total_cents)
            .where(Invoice.tenant_id == tenant_id, Invoice.kind == InvoiceKind.MONTHLY)
            .order_by(Invoice.number)
        )
        return [(r[0], int(r[1]), r[2], int(r[3])) for r in rows]


def _sequences(found: list[tuple[str, int, dt.date, int]], year: int = 2026) -> list[int]:
    assert {number.split("-")[1] for number, *_ in found} <= {str(year)}
    return sorted(int(number.rsplit("-", 1)[1]) for number, *_ in found)


def _check(book: Book, tenant_id: int) -> None:
    with book.read(tenant_id) as uow:
        report = check_creche(uow)
    assert report.violations == ()
    assert report.ok


def _roster(book: Book, households: int, children: int) -> tuple[Any, Any, dict[int, list[int]]]:
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        made = add_big_roster(uow, fees.plain, households, children, TERM)
    return settings, actor, made


def test_two_processes_invoicing_different_months_share_one_gapless_sequence(
    book: Book, tmp_path: Path
) -> None:
    settings, _actor, made = _roster(book, households=90, children=120)
    children = sorted(c for kids in made.values() for c in kids)
    go = tmp_path / "go"
    workers = [
        _worker(book, tmp_path, month, batch=10, go=go, pause_between=0.2)
        for month in ("2026-11", "2026-12")
    ]
    time.sleep(0.5)
    go.touch()
    results = [_finish(w) for w in workers]

    assert [(r["month"], r["created"], r["skipped"]) for r in results] == [
        ("2026-11", 120, 0),
        ("2026-12", 120, 0),
    ]
    found = _monthly(book, settings.tenant_id)
    assert _sequences(found) == list(range(1, 241))
    assert len({number for number, *_ in found}) == 240
    per_month = Counter((child, month) for _n, child, month, _t in found)
    assert set(per_month.values()) == {1}
    for month in (dt.date(2026, 11, 1), dt.date(2026, 12, 1)):
        assert sorted(c for _n, c, m, _t in found if m == month) == children
    # The runs took turns batch by batch: the months' numbers interleave.
    months_in_number_order = [month for _n, _c, month, _t in found]
    switches = sum(a != b for a, b in itertools.pairwise(months_in_number_order))
    assert switches >= 2, months_in_number_order
    # Each process reports the numbers it made, and they are the book's.
    reported = sorted(i["number"] for r in results for i in r["invoices"])
    assert reported == [number for number, *_ in found]
    with book.read(settings.tenant_id) as uow:
        entries = uow._session.scalar(select(func.count()).select_from(LedgerEntry))
    assert entries == 240
    assert sum(total for *_x, total in found) == 240 * FULL_DAY - _discounts(made) * 2
    _check(book, settings.tenant_id)


def _discounts(made: dict[int, list[int]]) -> int:
    """The sibling discounts of a month: 10% of a full day for each second child."""
    return sum(48_500 for kids in made.values() if len(kids) == 2)


def test_two_processes_invoicing_the_same_month_invoice_each_child_once(
    book: Book, tmp_path: Path
) -> None:
    settings, _actor, made = _roster(book, households=90, children=120)
    children = sorted(c for kids in made.values() for c in kids)
    go = tmp_path / "go"
    workers = [
        _worker(book, tmp_path, "2026-11", batch=10, go=go, pause_between=pause)
        for pause in (0.1, 0.15)
    ]
    time.sleep(0.5)
    go.touch()
    results = [_finish(w) for w in workers]

    for result in results:
        # Every child is either invoiced by this process or reported as done already.
        assert result["created"] + result["skipped"] == 120, result
        assert result["created"] == len(result["invoices"])
    assert sum(r["created"] for r in results) == 120
    found = _monthly(book, settings.tenant_id)
    assert _sequences(found) == list(range(1, 121))
    assert sorted(child for _n, child, _m, _t in found) == children
    reported = sorted(i["number"] for r in results for i in r["invoices"])
    assert reported == [number for number, *_ in found]
    # What one process skipped is exactly what the other created.
    made_by = [sorted(i["child_ref"] for i in r["invoices"]) for r in results]
    assert results[0]["skipped_children"] == made_by[1]
    assert results[1]["skipped_children"] == made_by[0]
    _check(book, settings.tenant_id)


def test_two_processes_invoicing_months_of_different_years_keep_every_ledger_chain(
    book: Book, tmp_path: Path
) -> None:
    """December and January number from different sequences, so nothing but the
    households' balance rows makes them take turns: the chains must still hold."""
    settings, _actor, made = _roster(book, households=90, children=120)
    go = tmp_path / "go"
    workers = [
        _worker(book, tmp_path, month, batch=10, go=go, pause_between=0.1)
        for month in ("2026-12", "2027-01")
    ]
    time.sleep(0.5)
    go.touch()
    results = [_finish(w) for w in workers]
    assert [(r["created"], r["skipped"]) for r in results] == [(120, 0), (120, 0)]
    found = _monthly(book, settings.tenant_id)
    december = [f for f in found if f[2] == dt.date(2026, 12, 1)]
    january = [f for f in found if f[2] == dt.date(2027, 1, 1)]
    assert _sequences(december, 2026) == list(range(1, 121))
    assert _sequences(january, 2027) == list(range(1, 121))
    with book.read(settings.tenant_id) as uow:
        for household, kids in made.items():
            entries = uow.ledger.entries(household)
            assert len(entries) == 2 * len(kids)
            running = 0
            for entry in entries:
                running += entry.amount_cents
                assert entry.balance_after_cents == running
    _check(book, settings.tenant_id)


def _invoiced_children(book: Book, tenant_id: int) -> list[int]:
    with book.read(tenant_id) as uow:
        rows = uow._session.execute(
            select(Invoice.child_id).where(Invoice.tenant_id == tenant_id)
        ).all()
    return [int(r[0]) for r in rows]


def _wait_for_first_batch(book: Book, tenant: int, process: subprocess.Popen[str]) -> int:
    """Poll (read transactions) until the run has committed some invoices; how many."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        seen = len(_invoiced_children(book, tenant))
        if seen > 0:
            return seen
        time.sleep(0.005)
    pytest.fail(f"the run ended (status {process.poll()}) before it could be stopped")


def _whole_batches_only(
    book: Book, tenant: int, made: dict[int, list[int]], batch: int
) -> list[int]:
    """Only whole batches of whole households are in the book, a prefix of the run's order.

    Returns:
        The invoiced children.
    """
    invoiced = _invoiced_children(book, tenant)
    assert len(invoiced) == len(set(invoiced))
    households = sorted(made)
    done = [h for h in households if set(made[h]) & set(invoiced)]
    assert len(done) % batch == 0
    assert 0 < len(done) < len(households)
    assert done == households[: len(done)]
    assert sorted(invoiced) == sorted(c for h in done for c in made[h])
    found = _monthly(book, tenant)
    assert _sequences(found) == list(range(1, len(found) + 1))
    _check(book, tenant)
    return invoiced


def test_a_killed_run_leaves_whole_batches_and_a_second_run_finishes_gapless(
    book: Book, tmp_path: Path
) -> None:
    settings, _actor, made = _roster(book, households=1000, children=1500)
    tenant = settings.tenant_id
    batch = 50
    before = audit_actions(book)
    process = _worker(book, tmp_path, "2026-11", batch=batch, pause_inside=0.1)
    seen = _wait_for_first_batch(book, tenant, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert 0 < seen < 1500

    invoiced = _whole_batches_only(book, tenant, made, batch)

    # Run again, unhurried, through the command line: it finishes the rest.
    resumed = subprocess.run(
        [
            sys.executable,
            "-m",
            "crechebooks_desktop",
            "--db",
            book.settings.db_url,
            "invoices",
            "generate",
            "--month",
            "2026-11",
            "--json",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=180,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert (report["created"], report["skipped"]) == (1500 - len(invoiced), len(invoiced))
    assert report["invoices"][0]["number"] == f"INV-2026-{len(invoiced) + 1:06d}"

    found = _monthly(book, tenant)
    assert _sequences(found) == list(range(1, 1501))
    assert sorted(child for _n, child, _m, _t in found) == sorted(
        c for kids in made.values() for c in kids
    )
    assert audit_actions(book) - before == {"invoice.create": 1500, "ledger.post": 1500}
    with book.read(tenant) as uow:
        entries = uow._session.scalar(select(func.count()).select_from(LedgerEntry))
    assert entries == 1500
    _check(book, tenant)


def test_an_interrupted_run_says_so_and_keeps_whole_batches(book: Book, tmp_path: Path) -> None:
    settings, _actor, made = _roster(book, households=200, children=260)
    tenant = settings.tenant_id
    held = tmp_path / "held"
    process = _worker(book, tmp_path, "2026-11", batch=20, hold=held)
    deadline = time.monotonic() + 120
    while not held.exists():  # the worker says when its first batch is committed, and waits
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached its first batch"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)  # Ctrl-C, while the run is held after a whole batch
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (130, "")
    assert err == "crechebooks: interrupted; nothing was changed by the unfinished step\n"
    invoiced = _whole_batches_only(book, tenant, made, 20)
    assert len(invoiced) < 260


# --------------------------------------------------------------------------- issue years


@pytest.mark.parametrize(
    "backend",
    [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
            ],
        ),
    ],
)
def test_runs_of_one_month_issued_in_different_years_take_turns(book: Book, backend: str) -> None:
    settings, actor, made = _roster(book, households=4, children=5)
    tenant = settings.tenant_id
    december = dt.date(2026, 12, 1)
    in_batch, release = threading.Event(), threading.Event()
    calls = itertools.count()

    @contextmanager
    def held() -> Iterator[UnitOfWork]:
        call = next(calls)
        with book.write(tenant) as uow:
            yield uow
            if call == 1:  # the first batch (call 0 lists the households): wait to commit
                in_batch.set()
                assert release.wait(60)

    outcome: dict[str, Any] = {}

    def run(name: str, transactions: Any, issued: dt.date) -> None:
        try:
            outcome[name] = monthly_run.generate_month(transactions, actor, december, issued)
        except Exception as exc:
            outcome[name] = exc

    first = threading.Thread(target=run, args=("first", held, december))
    first.start()
    assert in_batch.wait(60)
    second = threading.Thread(
        target=run, args=("second", writer(book, tenant), dt.date(2027, 1, 2))
    )
    second.start()
    _wait_until_blocked(book, backend)
    release.set()
    first.join(60)
    second.join(60)

    assert [c.number for c in outcome["first"].created] == [
        f"INV-2026-00000{n}" for n in range(1, 6)
    ]
    if isinstance(outcome["second"], Exception):
        raise outcome["second"]
    assert outcome["second"].created == ()
    assert sorted(outcome["second"].skipped_child_ids) == sorted(
        c for kids in made.values() for c in kids
    )
    _check(book, tenant)


def _wait_until_blocked(book: Book, backend: str) -> None:
    """Until another transaction of this book waits for a lock (PostgreSQL), or a moment."""
    if backend != "postgresql":
        time.sleep(0.5)  # SQLite: the second run waits for the write lock (BEGIN IMMEDIATE)
        return
    deadline = time.monotonic() + 15
    with book.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)
