"""Reconciliation speed (issue 11), each figure printed beside its target.

Run: .venv/bin/python bench/reconcile.py [--lines 50000] [--rules 300] [--runs 3] [--skip-postgres]

Measurements (one function each; ``main`` runs them in turn):

- ``measure_engine``: the pure rules engine (``domain.categorise.first_matches``)
  over 50,000 money-out lines and 300 rules, in memory. No target of its own;
  it is the part of the next figure that is not the database.
- ``measure_categorise``: ``categorise run`` end to end in a book of 50,000
  uncategorised money-out lines and 300 rules: reading the lines, rules and
  learned choices, applying the rules, writing 50,000 lines' categories and
  statuses, the audit record and the commit. The account is reconciled and
  locked through the day before its first line, as a book in use is, so the
  lock is asked about every line written. Target (issue 11): under 1 s, on
  SQLite and on PostgreSQL.
- ``reconcile_status.run``: opening the reconciliation of a month of 2,000
  lines in a book of 200,000 and computing its status (``bench/reconcile_status.py``,
  also runnable alone). Target (issue 11): under 0.3 s.

The lines look like a busy creche's statements over a few years: card
purchases, debit orders, fees and salaries at ~300 suppliers, each with its
own rule (contains, some with a start, an amount range or a regular
expression too); about 5% of the lines meet no rule. Seeded, so every run
builds the same book. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import reconcile_status
from bank_import import _drop_databases as drop_databases
from bank_import import _pg_url as pg_url

from crechebooks_desktop.domain.bank import BankLineRecord, NewBankLine
from crechebooks_desktop.domain.categorise import Direction, Rule, first_matches
from crechebooks_desktop.domain.enums import BankLineStatus

CATEGORISE_TARGET_S = 1.0
SEED = 2026
LINES_FROM = dt.date(2022, 3, 1)
_FIRST = [
    "GREEN",
    "BLUE",
    "SUNNY",
    "CAPE",
    "KAROO",
    "RIVER",
    "OAK",
    "STAR",
    "LION",
    "HILL",
    "BAY",
    "ROSE",
    "GOLD",
    "PEAK",
    "VALE",
]
_FIRST += ["SAND", "IRON", "LAKE", "PINE", "CORAL"]
_SECOND = [
    "FOODS",
    "BAKERY",
    "STATIONERS",
    "PLUMBING",
    "ELECTRICAL",
    "TOYS",
    "PHARMACY",
    "BUTCHERY",
    "CLEANERS",
]
_SECOND += [
    "PRINTERS",
    "MOTORS",
    "HARDWARE",
    "PRODUCE",
    "SECURITY",
    "GARDENS",
    "BOOKS",
    "UNIFORMS",
    "TRANSPORT",
]
_SECOND += ["CATERING", "MEDICAL"]
_KINDS = [
    "POS PURCHASE 4312*{v} {town}",
    "DEBIT ORDER {v} {ref}",
    "EFT {v} INV{ref}",
    "CARD PURCHASE {v} {town} {ref}",
]
_TOWNS = ["SANDTON", "ROSEBANK", "CENTURION", "DURBANVILLE", "UMHLANGA", "BRAAMFONTEIN"]
# Expense accounts of the default chart a supplier's rule may send lines to.
_ACCOUNTS = ["5100", "5110", "6000", "6100", "6200", "6300", "6400", "6500"]


# --------------------------------------------------------------------------- the data


def suppliers(count: int) -> list[str]:
    """``count`` distinct supplier names (``GREEN FOODS``, ``GREEN BAKERY``, ...)."""
    names = [f"{a} {b}" for a in _FIRST for b in _SECOND]
    if count > len(names):
        names += [f"{n} {k}" for k in range(2, 10) for n in names]
    return names[:count]


def make_rules(names: list[str], account_ids: list[int]) -> list[Rule]:
    """One rule per supplier, most by text alone; some also by start, amount or expression."""
    rng = random.Random(SEED)
    rules = []
    for n, name in enumerate(names):
        extra: dict[str, object] = {}
        if n % 10 == 1:
            extra["starts"] = "POS PURCHASE"
        if n % 10 == 2:
            extra.update(direction=Direction.OUT, amount_max_cents=2_000_000)
        if n % 25 == 3:
            extra["regex"] = r"(INV|\*)\d*"
        rules.append(
            Rule(
                name=f"Supplier {n + 1}",
                position=n + 1,
                contains=name,
                account_id=rng.choice(account_ids),
                **extra,  # type: ignore[arg-type]
            )
        )
    return rules


def make_lines(count: int, names: list[str]) -> list[NewBankLine]:
    """``count`` money-out lines over four years; 1 in 20 is from a supplier no rule knows."""
    rng = random.Random(SEED)
    start = LINES_FROM
    lines = []
    for i in range(count):
        known = rng.random() >= 0.05
        supplier = rng.choice(names) if known else f"UNKNOWN TRADER {rng.randint(1, 999)}"
        text = rng.choice(_KINDS).format(
            v=supplier, town=rng.choice(_TOWNS), ref=rng.randint(10_000, 999_999)
        )
        day = start + dt.timedelta(days=i * 1460 // count)
        lines.append(
            NewBankLine(day, -rng.randint(1_000, 2_500_000), text, None, None, None, f"b{i}")
        )
    return lines


# --------------------------------------------------------------------------- books


def _open(url: str, folder: Path):
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.settings import Settings

    book, _ = Book.open(Settings(db_url=url, data_dir=folder / "files"), create=True)
    return book


def build_categorise_book(url: str, folder: Path, lines: int, rules: int):
    """A book of uncategorised money-out lines and rules: (book, tenant id, actor)."""
    from dataclasses import replace

    from crechebooks_desktop.domain.creche import NewCreche
    from crechebooks_desktop.services.admin.creches import init_creche
    from crechebooks_desktop.services.bank import accounts_and_imports
    from crechebooks_desktop.services.reconciliation import reconcile

    book = _open(url, folder)
    names = suppliers(rules)
    with book.write() as uow:
        settings, actor = init_creche(uow, NewCreche(name="Bench", admin_password="pw"))  # noqa: S106
        scoped = uow.for_tenant(settings.tenant_id)
        account = accounts_and_imports.add_account(scoped, actor, "Cheque", "fnb")
        ids = [scoped.chart.by_code(code).id for code in _ACCOUNTS]
        scoped.bank.add_lines(account.id, None, make_lines(lines, names))
        for rule in make_rules(names, ids):
            scoped.categories.add_rule(replace(rule), actor.user_id)
    with book.write(settings.tenant_id) as uow:
        # Reconciled and locked through the day before the first line, as a book in use
        # is: every write asks the lock about its lines, and none is refused.
        reconcile.start(uow, actor, "Cheque", LINES_FROM - dt.timedelta(days=1), 0)
        reconcile.finish(uow, actor, "Cheque")
    return book, settings.tenant_id, actor


def verdict(label: str, seconds: float, target: float | None, detail: str = "") -> bool:
    """Print one figure beside its target; True when it meets it (or has none)."""
    if target is None:
        print(f"{label:<44} {seconds:6.3f} s  {detail}")
        return True
    passed = seconds < target
    state = "OK" if passed else "MISSED"
    print(f"{label:<44} {seconds:6.3f} s  (target < {target:.1f} s) {state}  {detail}")
    return passed


# --------------------------------------------------------------------------- measurements


def measure_engine(args: argparse.Namespace) -> bool:
    """The pure rules engine over the lines in memory (best of ``--runs``)."""
    names = suppliers(args.rules)
    rules = make_rules(names, list(range(1, len(_ACCOUNTS) + 1)))
    lines = [
        BankLineRecord(i, 1, x.date, x.amount_cents, x.description, None, None,
                       BankLineStatus.UNMATCHED, None, x.dedup_key)
        for i, x in enumerate(make_lines(args.lines, names), start=1)
    ]  # fmt: skip
    best, winners = float("inf"), []
    for _ in range(args.runs):
        start = time.perf_counter()
        winners = first_matches(rules, lines)
        best = min(best, time.perf_counter() - start)
    matched = sum(w is not None for w in winners)
    return verdict(
        f"rules engine: {len(lines):,} lines x {len(rules)} rules",
        best,
        None,
        f"best of {args.runs}; {matched:,} matched a rule",
    )


def measure_categorise(
    args: argparse.Namespace, label: str, url_for: Callable[[], str | None], folder: Path
) -> bool:
    """``categorise run`` end to end, each run in a freshly built book (best of ``--runs``)."""
    from crechebooks_desktop.services.reconciliation import categorise

    best, result = float("inf"), None
    for run in range(args.runs):
        url = url_for()
        if url is None:
            return True
        book, tenant, actor = build_categorise_book(
            url, folder / f"{label}-{run}-{uuid.uuid4().hex[:6]}", args.lines, args.rules
        )
        try:
            start = time.perf_counter()
            with book.write(tenant) as uow:
                result = categorise.run(uow, actor)
            best = min(best, time.perf_counter() - start)
        finally:
            book.close()
    assert result is not None  # noqa: S101 - at least one run
    return verdict(
        f"{label}: categorise run, {result.considered:,} lines",
        best,
        CATEGORISE_TARGET_S,
        f"best of {args.runs}; {result.by_rule:,} by rule, {result.left:,} left",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--rules", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-postgres", action="store_true")
    reconcile_status.add_arguments(parser, prefix="status-")
    args = parser.parse_args()
    ok = measure_engine(args)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def sqlite_url() -> str:
            return f"sqlite:///{folder / uuid.uuid4().hex[:8]}.sqlite"

        ok &= measure_categorise(args, "SQLite", sqlite_url, folder)
        if not args.skip_postgres:
            try:
                ok &= measure_categorise(args, "PostgreSQL", pg_url, folder)
            finally:
                drop_databases()
    ok &= reconcile_status.run(args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
