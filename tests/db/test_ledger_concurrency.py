"""Several processes posting to one household at once lose nothing (real processes)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import AuditRecord, LedgerEntry
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.checks import check_creche

pytestmark = pytest.mark.slow

WORKERS = 4
POSTINGS = 50

# Each worker waits for the "go" file (so all start together after their
# imports), then posts one entry per transaction.
WORKER = """
import datetime as dt, json, sys, time
from pathlib import Path
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import EntryType
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.services.ledger.posting import post_entry
from crechebooks_desktop.settings import Settings

job = json.loads(sys.argv[1])
actor = Actor(job["user_id"], job["username"], job["tenant_id"], Role(job["role"]))
book, _ = Book.open(Settings(job["url"], Path(job["data_dir"])))
go = Path(job["go"])
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        raise SystemExit("never told to go")
    time.sleep(0.01)
for amount in job["amounts"]:
    kind = EntryType.CREDIT if amount < 0 else EntryType.ADJUSTMENT
    with book.write(actor.tenant_id) as uow:
        post_entry(uow, actor, job["household"], kind, amount, dt.date(2026, 11, 21),
                   f"worker {job['worker']}", credit_delta_cents=-amount)
book.close()
print("done", len(job["amounts"]))
"""


def _amounts(worker: int) -> list[int]:
    """Non-zero amounts of both signs, different per worker.

    Credit (negative) comes first and outweighs the use of credit that follows,
    so each worker's running total stays negative: however the workers
    interleave, the household's unused credit never goes below zero and every
    posting is accepted. Balance = outstanding (none) minus credit throughout.
    """
    return [
        -(3_000 + worker * 100 + i) if i % 2 == 0 else 1_000 + worker * 10 + i
        for i in range(POSTINGS)
    ]


def test_concurrent_postings_to_one_household(
    book: Book, creche: tuple[CrecheSettings, Actor], household: int, tmp_path: Path
) -> None:
    settings, actor = creche
    go = tmp_path / "go"
    workers = []
    for worker in range(WORKERS):
        job = {
            "url": book.settings.db_url,
            "data_dir": str(tmp_path / f"worker-{worker}"),
            "go": str(go),
            "user_id": actor.user_id,
            "username": actor.username,
            "tenant_id": actor.tenant_id,
            "role": actor.role.value,
            "household": household,
            "worker": worker,
            "amounts": _amounts(worker),
        }
        workers.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, json.dumps(job)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    time.sleep(0.5)
    go.touch()
    for process in workers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.strip() == f"done {POSTINGS}"

    expected = sum(sum(_amounts(w)) for w in range(WORKERS))
    with book.read(settings.tenant_id) as uow:
        entries = uow.ledger.entries(household)
        report = check_creche(uow)
        summary = uow.roster.household_summaries()[0]
        posts = uow._session.scalar(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "ledger.post")
        )
        entry_count = uow._session.scalar(select(func.count()).select_from(LedgerEntry))

    assert len(entries) == entry_count == posts == WORKERS * POSTINGS == 200
    assert summary.balance_cents == expected
    assert entries[-1].balance_after_cents == expected
    running = 0
    for entry in entries:
        running += entry.amount_cents
        assert entry.balance_after_cents == running, entry
    # Every worker's postings all arrived, and the processes really interleaved.
    by_worker = [e.description for e in entries]
    assert {d: by_worker.count(d) for d in set(by_worker)} == {
        f"worker {w}": POSTINGS for w in range(WORKERS)
    }
    switches = sum(a != b for a, b in itertools.pairwise(by_worker))
    assert switches >= WORKERS - 1
    assert summary.credit_cents == -expected > 0
    assert report.households == 1
    assert report.violations == ()
    assert report.ok
    assert dt.date(2026, 11, 21) == entries[0].entry_date
