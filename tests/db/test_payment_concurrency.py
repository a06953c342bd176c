"""Two processes recording payments for the same households at once lose nothing (issue #4).

A creche of ten households (five with two children) has its November invoices
generated and sent. Two real processes then each record forty payments,
automatically allocated, four to every household, in the same household
order, so that both keep asking for the same household's invoices and balance
at the same moment. On PostgreSQL they queue on row locks (``FOR UPDATE``,
invoices before the balance row); on SQLite on the write lock.

The amounts are chosen so that the outcome of each household's payments, in
the order the book took them, is known whatever the interleaving: worker 0
pays a household ``a`` then ``b``, worker 1 pays it ``b`` then ``a``, so the
first two payments the household receives are always ``a`` and ``b`` (in some
order), and every later amount is larger than what is left owing. For the
even households ``a + b`` is what they owe: a partial payment, then an exact
one, then payments that are all credit. For the odd ones ``a + b`` leaves
``GAP`` owing: two partial payments, then an over-payment that pays ``GAP``
and keeps the rest as credit, then credit only. A lost update (a payment that
did not see the one before it) breaks that pattern, the balance chain, or the
totals.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import (
    Allocation,
    AuditRecord,
    HouseholdBalance,
    LedgerEntry,
    Payment,
)
from crechebooks_desktop.domain.enums import EntryType, InvoiceStatus
from crechebooks_desktop.domain.ledger import LedgerEntryValue
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.checks import CheckReport, check_creche
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from tests.billing_fixtures import add_big_roster, add_fees, invoices, new_creche, run_month

pytestmark = pytest.mark.slow

TERM = dt.date(2026, 1, 14)
NOVEMBER = dt.date(2026, 11, 1)
HOUSEHOLDS = 10
CHILDREN = 15
WORKERS = 2
ROUNDS = 4  # payments per household per worker
GAP = 50_000  # what the odd households still owe after their first two payments
SQLITE_PAUSE = 0.01  # seconds between one process's transactions

# Each worker opens the book, says it is ready, waits for the "go" file (so
# both start together after their imports), then records one payment per
# transaction and prints what each did, with the times it started and ended.
WORKER = """
import datetime as dt, json, sys, time
from pathlib import Path
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.settings import Settings

job = json.loads(sys.argv[1])
actor = Actor(job["user_id"], job["username"], job["tenant_id"], Role(job["role"]))
book, _ = Book.open(Settings(job["url"], Path(job["data_dir"])))
methods = list(PaymentMethod)
Path(job["ready"]).touch()
go = Path(job["go"])
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        raise SystemExit("never told to go")
    time.sleep(0.002)
made = []
started = time.time()
for n, (ref, amount) in enumerate(job["payments"]):
    with book.write(actor.tenant_id) as uow:
        paid = add_payment(
            uow, actor, ref, amount, dt.date(2026, 11, 10 + n % 15),
            methods[n % len(methods)], f"worker {job['worker']} #{n}",
        )
    made.append({
        "ref": paid.household_ref,
        "payment_id": paid.payment_id,
        "entry_id": paid.entry_id,
        "amount": paid.amount_cents,
        "allocated": sum(a.cents for a in paid.allocations),
        "credit": paid.credit_cents,
    })
    time.sleep(job["pause"])  # outside the transaction: a moment for the other to get in
finished = time.time()
book.close()
print(json.dumps({"started": started, "finished": finished, "payments": made}))
"""


def _plans(owed: dict[str, int]) -> list[list[tuple[str, int]]]:
    """Each worker's (household, amount) payments, round by round, households in order.

    Household ``index`` is paid ``a, b, c, d`` by worker 0 and ``b, a, c', d'``
    by worker 1, with ``a + b`` what it owes (even index) or that less ``GAP``
    (odd index), and ``a``, ``b``, ``c``, ``d`` all more than ``GAP``.
    """
    amounts: dict[str, list[list[int]]] = {}
    for index, (ref, total) in enumerate(sorted(owed.items())):
        target = total if index % 2 == 0 else total - GAP
        a = target * 2 // 5 + 37 * index
        b = target - a
        amounts[ref] = [
            [first, second, 60_000 + 3_517 * index + 11 * w, 180_050 - 2_099 * index + 13 * w]
            for w, (first, second) in enumerate([(a, b), (b, a)])
        ]
        assert all(GAP < amount < target for amount in (a, b))
    return [
        [(ref, amounts[ref][w][r]) for r in range(ROUNDS) for ref in sorted(owed)]
        for w in range(WORKERS)
    ]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRECHEBOOKS_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _wait_for(paths: list[Path], workers: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + 60
    while not all(p.exists() for p in paths):
        for process in workers:
            if process.poll() is not None:
                _out, err = process.communicate()
                pytest.fail(f"a worker ended before it was ready: {err}")
        assert time.monotonic() < deadline, "the workers never got ready"
        time.sleep(0.01)


def _sent_november(book: Book) -> tuple[int, Actor, Counter[str]]:
    """The creche with its November invoices generated and sent; (tenant, actor, owed by ref)."""
    settings, actor = new_creche(book)
    tenant = settings.tenant_id
    with book.write(tenant) as uow:
        fees = add_fees(uow)
        add_big_roster(uow, fees.plain, HOUSEHOLDS, CHILDREN, TERM)
    generated = run_month(book, actor, NOVEMBER)
    assert len(generated.created) == CHILDREN
    with book.write(tenant) as uow:
        sent = send_month(uow, actor, NOVEMBER)
    assert [s.status for s in sent] == [InvoiceStatus.SENT] * CHILDREN
    owed: Counter[str] = Counter()
    for invoice in invoices(book, tenant):
        assert invoice.status is InvoiceStatus.SENT
        owed[invoice.household_ref] += invoice.total_cents
    assert len(owed) == HOUSEHOLDS
    return tenant, actor, owed


def _run_workers(
    book: Book, actor: Actor, plans: list[list[tuple[str, int]]], tmp_path: Path
) -> list[dict[str, Any]]:
    """Start one process per plan, let them go together, and return what each reported."""
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{w}" for w in range(len(plans))]
    workers = []
    for w, plan in enumerate(plans):
        job = {
            "url": book.settings.db_url,
            "data_dir": str(tmp_path / f"worker-{w}"),
            "ready": str(ready[w]),
            "go": str(go),
            "user_id": actor.user_id,
            "username": actor.username,
            "tenant_id": actor.tenant_id,
            "role": actor.role.value,
            "worker": w,
            "payments": plan,
            # SQLite: the waiting process sleeps in its busy handler while the
            # other commits and at once begins again, so without a pause one
            # process can take the lock for all its payments in a row.
            "pause": SQLITE_PAUSE if book.engine.dialect.name == "sqlite" else 0.0,
        }
        workers.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, json.dumps(job)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=_env(tmp_path),
                cwd=tmp_path,
            )
        )
    _wait_for(ready, workers)
    go.touch()
    results: list[dict[str, Any]] = []
    for process in workers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
        results.append(json.loads(out))
    return results


@dataclass(frozen=True, slots=True)
class Facts:
    """What the book holds after the run."""

    report: CheckReport
    payments: dict[int, tuple[str, int]]  # id -> (household ref, amount), not reversed
    payment_rows: int
    audited: int
    allocated: dict[int | None, int]  # payment id (None: credit) -> live allocations
    payment_entries: int  # sum of the PAYMENT entries
    balances: dict[str, tuple[int, int, int]]  # ref -> (balance, credit, last entry id)
    chains: dict[str, list[LedgerEntryValue]]  # ref -> entries, oldest first


def _facts(book: Book, tenant: int) -> Facts:
    with book.read(tenant) as uow:
        session = uow._session
        refs = {s.id: s.account_ref for s in uow.roster.household_summaries()}
        payments = {
            int(i): (refs[int(h)], int(a))
            for i, h, a in session.execute(
                select(Payment.id, Payment.household_id, Payment.amount_cents).where(
                    Payment.reversed_at.is_(None)
                )
            )
        }
        allocated = {
            p: int(c)
            for p, c in session.execute(
                select(Allocation.payment_id, func.sum(Allocation.amount_cents))
                .where(Allocation.reversed_at.is_(None))
                .group_by(Allocation.payment_id)
            )
        }
        balances = {
            refs[int(h)]: (int(b), int(c), int(last or 0))
            for h, b, c, last in session.execute(
                select(
                    HouseholdBalance.household_id,
                    HouseholdBalance.balance_cents,
                    HouseholdBalance.credit_cents,
                    HouseholdBalance.last_entry_id,
                )
            )
        }
        return Facts(
            report=check_creche(uow),
            payments=payments,
            payment_rows=int(session.scalar(select(func.count()).select_from(Payment)) or 0),
            audited=int(
                session.scalar(
                    select(func.count())
                    .select_from(AuditRecord)
                    .where(AuditRecord.action == "payment.add")
                )
                or 0
            ),
            allocated=allocated,
            payment_entries=int(
                session.scalar(
                    select(func.sum(LedgerEntry.amount_cents)).where(
                        LedgerEntry.entry_type == EntryType.PAYMENT
                    )
                )
                or 0
            ),
            balances=balances,
            chains={ref: uow.ledger.entries(h) for h, ref in refs.items()},
        )


def _outcome(payment: dict[str, Any], balance_after: int) -> str:
    """What a payment did: all credit, over-paid, partial or exact."""
    if payment["allocated"] == 0:
        return "credit"
    if payment["credit"] > 0:
        return f"over, paid {payment['allocated']}"
    return "partial" if balance_after > 0 else f"exact, leaving {balance_after}"


def test_two_processes_paying_the_same_households_keep_every_balance(
    book: Book, tmp_path: Path
) -> None:
    tenant, actor, owed = _sent_november(book)
    plans = _plans(owed)
    results = _run_workers(book, actor, plans, tmp_path)

    # Both processes were recording payments at the same time, and the book
    # took their payments in turns rather than one process's after the other's.
    assert max(r["started"] for r in results) < min(r["finished"] for r in results)
    reported = [dict(p, worker=w) for w, r in enumerate(results) for p in r["payments"]]
    for w, plan in enumerate(plans):
        assert [(p["ref"], p["amount"]) for p in reported if p["worker"] == w] == plan
        assert len(plan) == HOUSEHOLDS * ROUNDS == 40
    in_book_order = sorted(reported, key=lambda p: p["entry_id"])
    turns = [p["worker"] for p in in_book_order]
    assert sum(a != b for a, b in itertools.pairwise(turns)) >= 10, turns

    facts = _facts(book, tenant)

    # The book's own check: balances, the balance_after chain, invoices, payments.
    assert facts.report.violations == ()
    assert facts.report.ok
    assert (facts.report.households, facts.report.invoices, facts.report.payments) == (
        HOUSEHOLDS,
        CHILDREN,
        WORKERS * HOUSEHOLDS * ROUNDS,
    )

    # Every payment either process reported is in the book, as reported, and no other.
    assert facts.payment_rows == len(facts.payments) == facts.audited == len(reported) == 80
    assert sorted(facts.payments) == sorted(p["payment_id"] for p in reported)
    paid: Counter[str] = Counter()
    credit_made: Counter[str] = Counter()
    for p in reported:
        assert facts.payments[p["payment_id"]] == (p["ref"], p["amount"])
        assert facts.allocated.get(p["payment_id"], 0) == p["allocated"]
        assert 0 <= p["allocated"] == p["amount"] - p["credit"] <= p["amount"]
        paid[p["ref"]] += p["amount"]
        credit_made[p["ref"]] += p["credit"]
    # No lost update: the PAYMENT entries are exactly minus the money received.
    assert facts.payment_entries == -sum(p["amount"] for p in reported) == -sum(paid.values())

    # Each household: an unbroken chain ending at its balance, all its invoices
    # paid, and every cent over what it owed kept as credit.
    for ref, (balance, credit, last_entry) in facts.balances.items():
        chain = facts.chains[ref]
        running = 0
        for entry in chain:
            running += entry.amount_cents
            assert entry.balance_after_cents == running, entry
        assert balance == running == chain[-1].balance_after_cents == owed[ref] - paid[ref]
        assert last_entry == chain[-1].id
        assert [e.entry_type for e in chain].count(EntryType.PAYMENT) == WORKERS * ROUNDS
        assert credit == credit_made[ref] == paid[ref] - owed[ref] > 0
    for invoice in invoices(book, tenant):
        assert invoice.status is InvoiceStatus.PAID, invoice.number
        assert invoice.balance_due_cents == 0
        assert invoice.amount_paid_cents == invoice.total_cents
    assert sum(facts.allocated.values()) == sum(owed.values())

    # Each household's payments, in the order the book took them, did exactly
    # what the amounts were chosen to do (see the module docstring).
    entry_of = {e.id: e for chain in facts.chains.values() for e in chain}
    outcomes: dict[str, list[str]] = defaultdict(list)
    for p in in_book_order:
        outcomes[p["ref"]].append(_outcome(p, entry_of[p["entry_id"]].balance_after_cents))
    for index, ref in enumerate(sorted(owed)):
        if index % 2 == 0:
            head = ["partial", "exact, leaving 0"]
        else:
            head = ["partial", "partial", f"over, paid {GAP}"]
        assert outcomes[ref] == head + ["credit"] * (WORKERS * ROUNDS - len(head)), ref
