"""Matching speed: 2,000 bank lines against ~5,000 open invoices in ~3,500 households.

Run: .venv/bin/python bench/match.py [--households 3500] [--lines 2000] [--runs 3]
Target (scoring: docs/RULES.md, Matching): match_lines, including the vectorised name
comparison, in under 1 s on the 2-core machine. In the same run a plain Python
double loop of fuzz.ratio over every (line payer, parent name) pair, the naive
way and nothing else, is timed on a subset of the lines and extrapolated
linearly to all of them; the ratio (naive / match_lines) is printed.

The roster is tests/matching_month.py's generator at scale (seeded): about 70
surnames for 3,500 households, so each surname is shared by dozens of
households, which is the hard case for names. Every household has a cell
number on the roster (issue 14), and some families pay with only that number
in the text; the phone index (built once per run) and its look-ups are also
timed on their own.

Writing a run's decisions (issue 13, "record matching decisions in bulk"):
``--decisions N`` (default 20,000; 0 skips it) writes N decisions of lines
that wait for review into a fresh SQLite book (and PostgreSQL with
``--postgres``), once one ``INSERT ... RETURNING`` per decision as a run did
before, once through ``MatchingRepository.add_decisions`` (ids reserved, one
bulk insert), each in its own transaction, and prints both.
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.match_phones import PhoneIndex
from crechebooks_desktop.domain.matching import match_lines
from crechebooks_desktop.domain.payer_names import payer_name, person
from tests.matching_month import build_month

TARGET_S = 1.0
NAIVE_SUBSET = 100
PG_ADMIN = os.environ.get(
    "CRECHEBOOKS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def best_of(runs: int, job):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive_names(lines, parents) -> int:
    """Each line's payer against each parent name, one fuzz call per pair."""
    hits = 0
    for line in lines:
        payer = payer_name(line.payer or line.description)
        if payer is None:
            continue
        for parent in parents:
            if fuzz.ratio(payer.key, parent) > 60:
                hits += 1
    return hits


def phone_lookups(lines, payees) -> int:
    """Build the phone index and look every line up, as match_lines does."""
    index = PhoneIndex(payees)
    return sum(bool(index.hits(x.description, x.reference, x.payer)) for x in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=3500)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--only-decisions", action="store_true")
    args = parser.parse_args()
    if args.decisions:
        decisions(args.decisions, postgres=args.postgres)
    if args.only_decisions:
        return
    month = build_month(seed=2026, households=args.households)
    rng = random.Random(2026)
    lines = rng.sample(month.lines, min(args.lines, len(month.lines)))
    invoices = sum(len(p.invoices) for p in month.payees)
    parents = [person(name).full_key for p in month.payees for name in p.parent_names]
    print(
        f"{len(lines):,} lines, {invoices:,} open invoices, {len(month.payees):,} households, "
        f"{len(parents):,} parent names"
    )
    seconds, results = best_of(args.runs, lambda: match_lines(lines, month.payees, []))
    verdict = "OK" if seconds < TARGET_S else "TOO SLOW"
    print(
        f"match_lines: {seconds:.3f} s (best of {args.runs}), target < {TARGET_S:.1f} s: {verdict}"
    )
    auto = sum(r.outcome is MatchOutcome.AUTO_APPLIED for r in results)
    wrong = sum(
        r.outcome is MatchOutcome.AUTO_APPLIED
        and r.candidates[0].household_id != month.truth[r.line_id]
        for r in results
    )
    print(f"auto-applied {auto:,} of {len(results):,} ({auto / len(results):.0%}), wrong: {wrong}")
    phone_s, found = best_of(args.runs, lambda: phone_lookups(lines, month.payees))
    by_phone = sum(month.kinds[line.line_id] == "phone" for line in lines)
    print(
        f"phone numbers: index of {len(month.payees):,} households and look-ups of "
        f"{len(lines):,} lines {phone_s * 1000:.1f} ms (part of match_lines); "
        f"{found} lines name a household's number ({by_phone} paid with only the number)"
    )
    subset = lines[:NAIVE_SUBSET]
    naive_subset, _ = best_of(1, lambda: naive_names(subset, parents))
    naive = naive_subset * len(lines) / len(subset)
    print(
        f"plain Python double loop of fuzz.ratio (names only): {naive_subset:.2f} s for "
        f"{len(subset)} lines x {len(parents):,} names, extrapolated linearly to "
        f"{len(lines):,} lines: {naive:.1f} s -> {naive / seconds:.0f}x match_lines"
    )


def _decision_rows(book, tenant: int, count: int) -> list[dict]:
    """``count`` credit lines waiting for review, and a decision for each to write."""
    from crechebooks_desktop.db.repositories.bulk import copy_rows, table_of
    from crechebooks_desktop.db.tables import BankLine
    from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome
    from crechebooks_desktop.services.admin.users import acting_user
    from crechebooks_desktop.services.bank import accounts_and_imports as bank

    with book.write(tenant) as uow:
        account = bank.add_account(uow, acting_user(uow, tenant, None), "Cheque", "fnb")
        day = dt.date(2026, 3, 1)
        copy_rows(
            uow._session,  # noqa: SLF001 - the bench writes below the services
            table_of(BankLine),
            ("id", "bank_account_id", "line_date", "amount_cents", "description", "dedup_key",
             "status", "created_at"),
            [(n, account.id, day, 485_000, f"PAYMENT {n}", f"k{n}", BankLineStatus.REVIEW,
              dt.datetime.now(dt.UTC)) for n in range(1, count + 1)],
            {"tenant_id": tenant},
        )  # fmt: skip
    candidate = {
        "kind": "pay", "household_id": 1, "household_ref": "DLAMINI01", "score": 60,
        "reference_points": 0, "amount_points": 40, "name_points": 20,
        "reasons": ["amount equals the balance due", "payer is parent"],
        "invoice_numbers": ["INV-2026-000001"],
    }  # fmt: skip
    return [
        {"bank_line_id": n, "outcome": MatchOutcome.REVIEW_REQUIRED,
         "candidates": [candidate, candidate, candidate]}
        for n in range(1, count + 1)
    ]  # fmt: skip


def _one_by_one(uow, rows: list[dict]) -> None:
    """The decisions written as a run wrote them before: one INSERT ... RETURNING each."""
    from sqlalchemy import insert

    from crechebooks_desktop.db.tables import MatchDecision
    from crechebooks_desktop.db.types import utc_now

    for row in rows:
        values = {"tenant_id": uow.tenant_id, "decided_at": utc_now(), "decided_by": 1, **row}
        uow._session.execute(  # noqa: SLF001 - as the repository did before
            insert(MatchDecision).returning(MatchDecision.id), [values]
        )


def decisions(count: int, *, postgres: bool) -> None:
    """Time writing ``count`` decisions row by row and in bulk, on each backend."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.creche import NewCreche
    from crechebooks_desktop.services.admin.creches import init_creche
    from crechebooks_desktop.settings import Settings

    targets = [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'decisions.sqlite'}", None)]
    if postgres:
        name = f"cb_bench_{uuid.uuid4().hex[:8]}"
        targets.append(("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + "/" + name, name))
    for label, url, database in targets:
        if database:
            import psycopg

            admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {database}")
        try:
            book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())), create=True)
            with book.write() as uow:
                settings, _actor = init_creche(uow, NewCreche(name="Bench", admin_username="a"))
            rows = _decision_rows(book, settings.tenant_id, count)
            times = {}
            for way, write in (
                (
                    "one INSERT ... RETURNING per decision (before)",
                    lambda u, r=rows: _one_by_one(u, r),
                ),
                (
                    "add_decisions, in bulk (after)",
                    lambda u, r=rows: u.matching.add_decisions(r, 1),
                ),
            ):
                with book.write(settings.tenant_id) as uow:
                    start = time.perf_counter()
                    write(uow)
                    times[way] = time.perf_counter() - start
            book.close()
            print(f"{label}: writing {count:,} matching decisions of lines left for review")
            for way, seconds in times.items():
                print(f"  {way:<50} {seconds:7.3f} s")
            before, after = times.values()
            print(f"  {'bulk is faster by':<50} {before / after:7.1f} x")
        finally:
            if database:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


if __name__ == "__main__":
    main()
