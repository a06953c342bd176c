"""The Invoices list and the matching queue on a big book: 200,000 invoices, 100,000 bank lines.

Run: .venv/bin/python bench/big_lists.py [--invoices 200000] [--lines 100000]
     [--rebuild] [--postgres] [--no-before]

Targets (issue 13), each timed in a fresh process through the same service
calls the tabs' jobs make (``services.lists``), inside one read transaction:

- opening the Invoices "All months" list (count and totals + first page)  < 0.3 s
- opening the matching queue ("To review": count + first page)             < 0.3 s
  (the lines in each group are counted by a query of their own, after the page)

Also shown, for reference: the same on "All", the first far jump into the
middle of each list (sampled keys + the page) and a deep page once the keys
are known, other orders and filters, and (unless ``--no-before``) what the
tabs did before issue 13: every invoice with its lines, every credit line
with its decision and candidates.

The book is written through the application's own bulk writer
(``db.repositories.bulk.copy_rows``: multi-row INSERTs on SQLite, COPY on
PostgreSQL), so the values are stored exactly as the application stores
them. The SQLite book is kept under ``$TMPDIR/crechebooks-bench/``;
``--postgres`` builds the same book in a new database on the local server,
measures it there and drops it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_OPEN_S = 0.3
CACHE = Path(tempfile.gettempdir()) / "crechebooks-bench"
FORMAT = 1  # bump when the generated data changes, so cached books are rebuilt
PG_ADMIN = os.environ.get(
    "CRECHEBOOKS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SURNAMES = (
    "Dlamini", "Nkosi", "Ndlovu", "Khumalo", "Mokoena", "Mahlangu", "Naidoo", "Pillay", "Botha",
    "Merwe", "Smith", "Mthembu", "Zulu", "Sithole", "Mabaso", "Molefe", "Petersen", "Jacobs",
    "Williams", "Pretorius", "Nel", "Govender", "Radebe", "Tshabalala", "Mnguni", "Venter",
)  # fmt: skip
FIRST = ("Nomsa", "Thabo", "Lerato", "Sipho", "Ayanda", "Zanele", "Priya", "Anele", "Johan", "Mia")
HOUSEHOLDS = 3_500
NOW = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- building


def _months(first: dt.date, count: int) -> list[dt.date]:
    return [
        dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        for n in range(count)
    ]


def build(url: str, invoices: int, lines: int) -> None:  # noqa: PLR0915 - one book, in order
    """A book at ``url`` with the creche, households, children, invoices and bank lines."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.repositories.bulk import copy_rows, table_of
    from crechebooks_desktop.db.tables import (
        BankLine,
        Child,
        Household,
        Invoice,
        InvoiceLine,
        MatchDecision,
    )
    from crechebooks_desktop.domain.creche import NewCreche
    from crechebooks_desktop.domain.enums import (
        BankLineStatus,
        InvoiceKind,
        InvoiceStatus,
        LineType,
        MatchOutcome,
        VatTreatment,
    )
    from crechebooks_desktop.services.admin.creches import init_creche
    from crechebooks_desktop.services.bank import accounts_and_imports as bank
    from crechebooks_desktop.settings import Settings

    started = time.perf_counter()
    rng = random.Random(13)
    book, _ = Book.open(Settings(url, Path(tempfile.mkdtemp())), create=True)
    with book.write() as uow:
        creche, actor = init_creche(
            uow, NewCreche(name="Bench Creche", admin_username="admin", admin_full_name="Ada")
        )
    tenant = creche.tenant_id
    with book.write(tenant) as uow:
        account = bank.add_account(uow, actor, "Cheque account", "fnb")
    households: list[tuple[Any, ...]] = []
    children: list[tuple[Any, ...]] = []
    for h in range(1, HOUSEHOLDS + 1):
        surname = SURNAMES[h % len(SURNAMES)]
        ref = f"{surname[:7].upper()}{h:04d}"
        households.append((h, ref, f"Mrs {FIRST[h % len(FIRST)]} {surname}", True, NOW))
        for c in range(1 + (h % 7 == 0)):
            children.append(
                (len(children) + 1, h, f"{ref}-{c + 1}", FIRST[(h + c * 3) % len(FIRST)],
                 surname, dt.date(2021, 1 + c, 1 + h % 28), NOW)
            )  # fmt: skip
    months = _months(dt.date(2021, 1, 1), -(-invoices // len(children)))
    statuses = (InvoiceStatus.PAID,) * 8 + (InvoiceStatus.SENT, InvoiceStatus.OVERDUE)
    invoice_rows: list[tuple[Any, ...]] = []
    line_rows: list[tuple[Any, ...]] = []
    for n in range(invoices):
        child_id, household, *_rest = children[n % len(children)]
        month = months[n // len(children)]
        fee = (320_000, 410_000, 485_000, 520_000)[child_id % 4]
        status = InvoiceStatus.DRAFT if month == months[-1] else rng.choice(statuses)
        paid = fee if status is InvoiceStatus.PAID else 0
        invoice_id = n + 1
        invoice_rows.append(
            (invoice_id, f"INV-{month.year}-{n + 1:06d}", household, child_id, month,
             InvoiceKind.MONTHLY, status, month, month.replace(day=7), fee, 0, fee, paid,
             fee - paid, 1, NOW)
        )  # fmt: skip
        line_rows.append(
            (invoice_id, invoice_id, 1, LineType.MONTHLY_FEE, f"Full day — {month:%B %Y}", 1,
             fee, fee, 0, fee, VatTreatment.EXEMPT, child_id)
        )  # fmt: skip
    bank_rows: list[tuple[Any, ...]] = []
    decision_rows: list[tuple[Any, ...]] = []
    day = dt.date(2021, 1, 1)
    for n in range(lines):
        line_id = n + 1
        day += dt.timedelta(days=1) if n % 60 == 59 else dt.timedelta(0)
        h = rng.randrange(1, HOUSEHOLDS + 1)
        ref = households[h - 1][1]
        if n % 10 == 9:  # money out, left to categorisation
            bank_rows.append(
                (line_id, account.id, day, -rng.randrange(1_000, 500_000), "DEBIT ORDER SUPPLIER",
                 None, None, f"d{line_id}", BankLineStatus.UNMATCHED, NOW)
            )  # fmt: skip
            continue
        roll = rng.random()
        line_status, outcome = (
            (BankLineStatus.MATCHED, MatchOutcome.AUTO_APPLIED) if roll < 0.80
            else (BankLineStatus.REVIEW, MatchOutcome.REVIEW_REQUIRED) if roll < 0.92
            else (BankLineStatus.UNMATCHED, MatchOutcome.NO_MATCH) if roll < 0.96
            else (BankLineStatus.MATCHED, MatchOutcome.ACCEPTED)
        )  # fmt: skip
        payer = households[h - 1][2].upper()
        bank_rows.append(
            (line_id, account.id, day, rng.choice((320_000, 410_000, 485_000, 200_000)),
             f"IB PAYMENT {payer}", ref if roll < 0.6 else None, payer, f"c{line_id}",
             line_status, NOW)
        )  # fmt: skip
        candidates = (
            [] if outcome is MatchOutcome.NO_MATCH else [_candidate(h, ref, rng) for _ in range(3)]
        )
        household_id = h if line_status is BankLineStatus.MATCHED else None
        decision_rows.append(
            (len(decision_rows) + 1, line_id, outcome, candidates, household_id, None, NOW)
        )
    with book.write(tenant) as uow:
        session = uow._session  # noqa: SLF001 - the bench writes below the services
        constants = {"tenant_id": tenant}
        copy_rows(session, table_of(Household),
                  ("id", "account_ref", "parent_name", "active", "created_at"), households,
                  constants)  # fmt: skip
        copy_rows(session, table_of(Child),
                  ("id", "household_id", "child_ref", "first_name", "last_name", "date_of_birth",
                   "created_at"), children, constants)  # fmt: skip
        copy_rows(session, table_of(Invoice),
                  ("id", "number", "household_id", "child_id", "billing_month", "kind", "status",
                   "issue_date", "due_date", "subtotal_cents", "vat_cents", "total_cents",
                   "amount_paid_cents", "balance_due_cents", "version", "created_at"),
                  invoice_rows, constants)  # fmt: skip
        copy_rows(session, table_of(InvoiceLine),
                  ("id", "invoice_id", "position", "line_type", "description", "quantity",
                   "unit_cents", "net_cents", "vat_cents", "gross_cents", "vat_treatment",
                   "child_id"), line_rows, constants)  # fmt: skip
        copy_rows(session, table_of(BankLine),
                  ("id", "bank_account_id", "line_date", "amount_cents", "description",
                   "reference", "payer", "dedup_key", "status", "created_at"), bank_rows,
                  constants)  # fmt: skip
        copy_rows(session, table_of(MatchDecision),
                  ("id", "bank_line_id", "outcome", "candidates", "household_id", "payment_id",
                   "decided_at"), decision_rows, constants)  # fmt: skip
        _fix_sequences(session)
    book.close()
    _analyze(url)
    print(
        f"built {invoices:,} invoices, {lines:,} bank lines ({len(decision_rows):,} decisions) "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _candidate(h: int, ref: str, rng: random.Random) -> dict[str, Any]:
    score = rng.choice((40, 60, 75, 90))
    return {
        "kind": "pay", "household_id": h, "household_ref": ref, "score": score,
        "reference_points": 0 if score < 80 else 40, "amount_points": 40,
        "name_points": score - 40 if score < 80 else 10,
        "reasons": ["amount equals the balance due", f"payer is parent of {ref}"],
        "invoice_numbers": [f"INV-2026-{h:06d}"], "draft_months": [], "draft_invoices": [],
    }  # fmt: skip


def _fix_sequences(session: Any) -> None:
    """PostgreSQL: move the id sequences past the ids written here."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in ("households", "children", "invoices", "invoice_lines", "bank_lines",
                  "match_decisions"):  # fmt: skip
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )


def _analyze(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE" if url.startswith("sqlite") else "VACUUM ANALYZE")
    engine.dispose()


# --------------------------------------------------------------------------- measuring


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def child(url: str, before: bool) -> dict[str, Any]:
    """Open the lists as the tabs' jobs do, in this fresh process."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.enums import InvoiceStatus
    from crechebooks_desktop.services.lists import bank_queue, invoices
    from crechebooks_desktop.services.lists.bank_queue import QueueGroup, QueueSpec
    from crechebooks_desktop.services.lists.invoices import (
        Between,
        InvoiceFilter,
        InvoiceListSpec,
        InvoiceSort,
    )
    from crechebooks_desktop.settings import settings_for
    from crechebooks_desktop.ui.common.paging import PAGE_SIZE, SAMPLE_EVERY, KnownKeys

    book, _ = Book.open(settings_for(url))
    figures: dict[str, Any] = {}

    def job(label: str, call: Callable[[Any], Any], repeat: int = 1) -> Any:
        """Time ``call`` in its own read transaction, as a tab's job runs."""
        times, result = [], None
        for _ in range(repeat):
            with book.read(1) as uow:
                seconds, result = _timed(lambda: call(uow))
            times.append(seconds)
        figures[label] = times[0]
        if repeat > 1:
            figures[label + "_warm"] = statistics.median(times[1:])
        return result

    def deep(label: str, read_samples: Callable[[Any], Any], read: Callable[..., Any],
             total: int) -> None:  # fmt: skip
        """A far jump (samples + page), then another once the keys are known."""
        target = total * 3 // 4
        known = KnownKeys()

        def first(uow: Any) -> Any:
            known.add_samples(read_samples(uow), SAMPLE_EVERY)
            return _plan_and_read(uow, known, read, target, total)

        job(label + "_first", first)
        job(label + "_known", lambda uow: _plan_and_read(uow, known, read, target - 4321, total))

    spec = InvoiceListSpec()
    opened = job("inv_open", lambda uow: invoices.open_list(uow, spec, PAGE_SIZE), repeat=5)
    figures["inv_rows"] = opened.totals.count
    deep("inv_deep", lambda uow: invoices.sampled_keys(uow, spec, SAMPLE_EVERY),
         lambda uow, **kw: invoices.read_page(uow, spec, **kw), opened.totals.count)  # fmt: skip
    for label, other in (
        ("inv_sort_household", InvoiceListSpec(InvoiceSort.HOUSEHOLD)),
        ("inv_sort_total_desc", InvoiceListSpec(InvoiceSort.TOTAL, descending=True)),
        ("inv_sort_child", InvoiceListSpec(InvoiceSort.CHILD)),
        ("inv_month", InvoiceListSpec(month=dt.date(2022, 6, 1))),
        ("inv_filter_text", InvoiceListSpec(text="dlamini")),
        # The filter bar's (issue 16).
        (
            "inv_bar_owing",
            InvoiceListSpec(
                where=InvoiceFilter(
                    statuses=(
                        InvoiceStatus.SENT,
                        InvoiceStatus.OVERDUE,
                        InvoiceStatus.PARTIALLY_PAID,
                    ),
                    balance=Between(400_000, None),
                )
            ),
        ),
        (
            "inv_bar_households",
            InvoiceListSpec(
                InvoiceSort.HOUSEHOLD,
                where=InvoiceFilter(
                    households=("DLAMINI0000", "Mrs Lerato Nkosi"),
                ),
            ),
        ),
        (
            "inv_bar_ranges",
            InvoiceListSpec(
                InvoiceSort.TOTAL,
                True,
                where=InvoiceFilter(
                    issued=Between(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
                    total=Between(400_000, 500_000),
                    discount=Between(None, 0),
                ),
            ),
        ),
        (
            "inv_bar_child_fee",
            InvoiceListSpec(
                where=InvoiceFilter(
                    children=("Sipho",),
                    fees=("Full Day",),
                )
            ),
        ),
    ):
        job(label, lambda uow, s=other: invoices.open_list(uow, s, PAGE_SIZE))  # type: ignore[misc]
    newest = opened.totals.count  # the last invoice's id: the end of the list
    last = job("inv_keep_last", lambda uow: invoices.open_list(uow, spec, PAGE_SIZE, newest))
    if last.kept is None:
        sys.exit("the last invoice was not found again")

    review = QueueSpec(groups=frozenset({QueueGroup.REVIEW}))
    queue = job("queue_open", lambda uow: bank_queue.open_queue(uow, review, PAGE_SIZE), repeat=5)
    figures["queue_rows"] = queue.total
    everything = QueueSpec()
    every = job("queue_all_open", lambda uow: bank_queue.open_queue(uow, everything, PAGE_SIZE))
    figures["queue_all_rows"] = every.total
    deep("queue_deep", lambda uow: bank_queue.sampled_keys(uow, everything, SAMPLE_EVERY),
         lambda uow, **kw: bank_queue.read_page(uow, everything, **kw), every.total)  # fmt: skip
    job("queue_counts", lambda uow: uow.bank_queue.group_counts())
    if before:
        from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
        from crechebooks_desktop.services.bank.review_queue import list_lines

        job("before_invoices", lambda uow: len(uow.invoices.find(InvoiceFilter())))
        job("before_queue", lambda uow: len(list_lines(uow)))
    book.close()
    return figures


def _plan_and_read(uow: Any, known: Any, read: Callable[..., Any], start: int, total: int) -> Any:
    fetch = known.plan(start, 500, total)
    rows = read(uow, anchor=fetch.anchor, backward=fetch.backward, offset=fetch.offset,
                limit=fetch.limit)  # fmt: skip
    if len(rows) != fetch.limit:
        sys.exit(f"a deep page came back with {len(rows)} rows, not {fetch.limit}")
    return rows


# --------------------------------------------------------------------------- reporting


def show(label: str, value: float, target: float | None = None) -> None:
    if target is None:
        print(f"  {label:<62} {value:7.3f} s")
        return
    verdict = "OK" if value < target else "MISSED"
    print(f"  {label:<62} {value:7.3f} s   target < {target} s   {verdict}")


def report(name: str, f: dict[str, Any]) -> None:
    rows = f"{f['inv_rows']:,}".replace(",", " ")
    print(f"{name}: Invoices list, All months, {rows} invoices")
    show("open (count + totals + first page), first in the process", f["inv_open"], TARGET_OPEN_S)
    show("open again (median of 4)", f["inv_open_warm"], TARGET_OPEN_S)
    show("a page 3/4 down, first far jump (sampled keys + page)", f["inv_deep_first"])
    show("another deep page, keys known", f["inv_deep_known"])
    show("open sorted by household", f["inv_sort_household"])
    show("open sorted by total, largest first", f["inv_sort_total_desc"])
    show("open sorted by child", f["inv_sort_child"])
    show("open one month (June 2022)", f["inv_month"])
    show("open filtered by “dlamini”", f["inv_filter_text"])
    show("filter bar: sent, overdue or part paid, owing ≥ R4 000", f["inv_bar_owing"],
         TARGET_OPEN_S)  # fmt: skip
    show("filter bar: two households (a reference, a parent's name)", f["inv_bar_households"],
         TARGET_OPEN_S)  # fmt: skip
    show("filter bar: issued in 2023, total R4 000–R5 000, no discount", f["inv_bar_ranges"],
         TARGET_OPEN_S)  # fmt: skip
    show("filter bar: a child's name and a fee structure", f["inv_bar_child_fee"],
         TARGET_OPEN_S)  # fmt: skip
    show("reload keeping the last invoice selected (its page too)", f["inv_keep_last"])
    review = f"{f['queue_rows']:,}".replace(",", " ")
    everything = f"{f['queue_all_rows']:,}".replace(",", " ")
    print(f"{name}: matching queue, {everything} credit lines, {review} to review")
    show("open “To review” (count + first page), first", f["queue_open"], TARGET_OPEN_S)
    show("open “To review” again (median of 4)", f["queue_open_warm"], TARGET_OPEN_S)
    show("open “All”", f["queue_all_open"], TARGET_OPEN_S)
    show("count each group's lines (the filter labels, after the page)",
         f["queue_counts"])  # fmt: skip
    show("a page 3/4 down “All”, first far jump (sampled keys + page)", f["queue_deep_first"])
    show("another deep page, keys known", f["queue_deep_known"])
    if "before_invoices" in f:
        print(f"{name}: before issue 13 (every row, with lines / decisions and candidates)")
        show("Invoices: every invoice with its lines", f["before_invoices"])
        show("Matching: every credit line with its decision", f["before_queue"])


def run_child(url: str, before: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", url] + (["--before"] if before else [])
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"measuring {url} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], "--before" in sys.argv)))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--no-before", action="store_true")
    args = parser.parse_args()
    path = CACHE / f"big-lists-{args.invoices}-{args.lines}-v{FORMAT}.sqlite"
    if args.rebuild or not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        build(f"sqlite:///{path}", args.invoices, args.lines)
    report("SQLite", run_child(str(path), not args.no_before))
    if args.postgres:
        _postgres(args.invoices, args.lines, not args.no_before)


def _postgres(invoices: int, lines: int, before: bool) -> None:
    import psycopg

    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    name = f"cb_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        build(url, invoices, lines)
        report("PostgreSQL", run_child(url, before))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
