"""The all-households ledger on a big book: 1,000,000 entries over 3,500 households.

Run: .venv/bin/python bench/ledger_scale.py [--entries 1000000] [--households 3500]
     [--small 100000] [--rebuild] [--postgres]

Targets (issue #4), measured on the real Qt model and view (offscreen) with the
queries running on the real database thread, each in a fresh process:

- opening the all-households view (count + first page shown)  < 0.5 s
- jumping to the end (last page shown)                        < 0.5 s
- memory: RSS after opening and jumping around, over the same
  window on an empty book                                     < 150 MB more
- sorting by amount and filtering by text on 100,000 entries  < 0.3 s each

The books are built once with plain sqlite3 ``executemany`` (explicit ids) and
kept under ``$TMPDIR/crechebooks-bench/``, named by their size; ``--rebuild``
builds them again. ``--postgres`` also loads the big book into the local
PostgreSQL server (with ``COPY``) and measures it there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET_OPEN_S = 0.5
TARGET_END_S = 0.5
TARGET_GROWTH_MB = 150
TARGET_SORT_S = 0.3
TARGET_FILTER_S = 0.3
CACHE = Path(tempfile.gettempdir()) / "crechebooks-bench"
FORMAT = 4  # bump when the generated data changes, so cached books are rebuilt
PG_ADMIN = os.environ.get(
    "CRECHEBOOKS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

SURNAMES = (
    "Dlamini", "Nkosi", "Ndlovu", "Khumalo", "Mokoena", "Mahlangu", "Naidoo", "Pillay", "Botha",
    "Van der Merwe", "Smith", "Mthembu", "Zulu", "Sithole", "Mabaso", "Molefe", "Petersen",
    "Jacobs", "Williams", "Pretorius", "Nel", "Govender", "Radebe", "Tshabalala", "Mnguni",
    "Venter", "Jansen", "Abrahams", "Daniels", "Le Roux",
)  # fmt: skip
FIRST_NAMES = (
    "Nomsa", "Thabo", "Lerato", "Sipho", "Ayanda", "Zanele", "Priya", "Anele", "Johan", "Marike",
    "Sarah", "Lindiwe", "Kagiso", "Naledi", "Fatima", "Riaan", "Busisiwe", "Mpho", "Chantel",
    "Yusuf",
)  # fmt: skip
METHODS = ("EFT", "Cash", "Card", "Debit order")


# --------------------------------------------------------------------------- building


def book_path(entries: int, households: int) -> Path:
    """Where the book of this size is cached."""
    return CACHE / f"ledger-{entries}-{households}-v{FORMAT}.sqlite"


def empty_book_path() -> Path:
    """A book with the same creche and nothing else (the memory baseline)."""
    return CACHE / f"ledger-empty-v{FORMAT}.sqlite"


def _new_book(path: Path) -> int:
    """A migrated book with one creche and its admin; the tenant id."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.creche import NewCreche
    from crechebooks_desktop.services.admin.creches import init_creche
    from crechebooks_desktop.settings import Settings

    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    book, _ = Book.open(Settings(f"sqlite:///{path}", path.parent / "files"), create=True)
    with book.write() as uow:
        creche, _actor = init_creche(
            uow, NewCreche(name="Bench Creche", admin_username="admin", admin_full_name="Ada")
        )
    book.close()
    return creche.tenant_id


def generate(entries: int, households: int, tenant_id: int, user_id: int) -> tuple[list, list]:
    """Households and ledger rows (as tuples), ids ascending with insertion.

    Each month every household is charged its fee and (mostly) pays it; some
    payments are short, some are recorded days late (back-dated, so ids do not
    follow dates), and a few adjustments, refunds and reversals appear.
    """
    rng = random.Random(4)
    people, fees = [], []
    for h in range(1, households + 1):
        surname = SURNAMES[h % len(SURNAMES)]
        first = FIRST_NAMES[(h * 7) % len(FIRST_NAMES)]
        ref = f"{surname.replace(' ', '')[:7].upper()}{h:04d}"
        people.append((h, tenant_id, ref, f"{rng.choice(('Mrs', 'Mr', 'Ms'))} {first} {surname}"))
        fees.append(rng.choice((320_000, 410_000, 485_000, 520_000, 650_000)))
    rows: list[tuple] = []
    balance = [0] * (households + 1)
    month = dt.date(2014, 1, 1)
    created = "2026-01-01 08:00:00.000000"

    def post(h: int, day: dt.date, kind: str, amount: int, text: str) -> None:
        balance[h] += amount
        rows.append(
            (
                len(rows) + 1,
                tenant_id,
                h,
                day.isoformat(),
                kind,
                amount,
                balance[h],
                text,
                created,
                user_id,
            )
        )

    while len(rows) < entries:
        label = month.strftime("%B %Y")
        for h in range(1, households + 1):
            if len(rows) >= entries:
                break
            post(h, month, "CHARGE", fees[h - 1], f"Monthly fees {label}")
            roll = rng.random()
            if roll < 0.85:
                day = month + dt.timedelta(days=rng.randint(0, 20))
                if rng.random() < 0.03:  # captured late, dated when it was paid
                    day -= dt.timedelta(days=rng.randint(20, 40))
                amount = fees[h - 1] if roll < 0.75 else fees[h - 1] // 2
                method = rng.choice(METHODS)
                post(h, day, "PAYMENT", -amount, f"{method} payment {people[h - 1][2]}")
            elif roll < 0.88:
                post(h, month + dt.timedelta(days=14), "CHARGE", 15_000, "Late pick-up")
            elif roll < 0.89:
                post(h, month + dt.timedelta(days=25), "ADJUSTMENT", -5_000, "Sibling goodwill")
        year, m = divmod(month.month, 12)
        month = dt.date(month.year + year, m + 1, 1)
    return people, rows[:entries]


def build_sqlite(path: Path, entries: int, households: int) -> None:
    """Build the book at ``path`` (replacing any file there)."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tenant_id = _new_book(path)
    if entries == 0:
        return
    conn = sqlite3.connect(path)
    user_id = conn.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()[0]
    people, rows = generate(entries, households, tenant_id, user_id)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    with conn:
        conn.executemany(
            "INSERT INTO households (id, tenant_id, account_ref, parent_name, active, created_at)"
            " VALUES (?, ?, ?, ?, 1, '2026-01-01 08:00:00.000000')",
            people,
        )
        finals = _final_balances(rows)
        conn.executemany(
            "INSERT INTO household_balances (household_id, tenant_id, balance_cents, "
            "credit_cents, last_entry_id, updated_at) VALUES (?, ?, ?, 0, ?, "
            "'2026-01-01 08:00:00.000000')",
            [(h, tenant_id, bal, last) for h, (bal, last) in sorted(finals.items())],
        )
        conn.executemany(
            "INSERT INTO ledger_entries (id, tenant_id, household_id, entry_date, entry_type, "
            "amount_cents, balance_after_cents, description, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()
    seal_book(path)
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"built {path.name}: {entries:,} entries in {time.perf_counter() - started:.1f} s")


def seal_book(path: Path) -> float:
    """Seal the rows written past the application into the history chains, as the
    upgrade of a book from before the chains does; the seconds it took."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.db.history import seal_everything
    from crechebooks_desktop.settings import Settings

    book, _ = Book.open(Settings(f"sqlite:///{path}", path.parent / "files"))
    started = time.perf_counter()
    with book.engine.begin() as conn:
        seal_everything(conn)
    seconds = time.perf_counter() - started
    book.close()
    return seconds


def _final_balances(rows: list[tuple]) -> dict[int, tuple[int, int]]:
    finals: dict[int, tuple[int, int]] = {}
    for row in rows:
        finals[row[2]] = (row[6], row[0])
    return finals


def ensure_sqlite(entries: int, households: int, rebuild: bool) -> Path:
    """The cached book of this size, built if missing."""
    path = empty_book_path() if entries == 0 else book_path(entries, households)
    if rebuild or not path.exists():
        build_sqlite(path, entries, households)
    return path


def load_postgres(source: Path, url: str) -> None:
    """Copy a built SQLite book's creche, households and ledger into a migrated PG book."""
    import psycopg
    from sqlalchemy.engine import make_url

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.settings import Settings

    Book.open(Settings(url, Path(tempfile.mkdtemp())), create=True)[0].close()
    lite = sqlite3.connect(source)
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    tables = {
        "tenants": None,
        "users": None,
        "tenant_users": None,
        "households": "id, tenant_id, account_ref, parent_name, active, created_at",
        "household_balances": None,
        "ledger_entries": "id, tenant_id, household_id, entry_date, entry_type, amount_cents, "
        "balance_after_cents, description, created_at, created_by, chain_seq, chain_hash",
        "audit_log": None,
        "history_heads": None,
    }
    with psycopg.connect(libpq) as pg:
        pg.execute("SET TIME ZONE 'UTC'")  # SQLite's times are UTC without a zone
        for table, columns in tables.items():
            names = columns or ", ".join(c[1] for c in lite.execute(f"PRAGMA table_info({table})"))
            pg_types = dict(
                pg.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = %s",
                    (table,),
                ).fetchall()
            )
            booleans = [i for i, n in enumerate(names.split(", ")) if pg_types.get(n) == "boolean"]
            with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {names} FROM {table}"):
                    values = list(row)
                    for i in booleans:
                        values[i] = None if values[i] is None else bool(values[i])
                    copy.write_row(values)
        for table in ("tenants", "users", "households", "ledger_entries", "audit_log"):
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    with psycopg.connect(libpq, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")


# --------------------------------------------------------------------------- measuring


def _rss_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak, in MB (Linux)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


class Driver:
    """The real window (offscreen) on a book, with helpers to wait for the ledger view."""

    def __init__(self, db: str) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from crechebooks_desktop.ui.launch import Shell, application

        self.app = application()
        self.shell = Shell(
            argparse.Namespace(db=db, creche=None, user=None, screenshot=None),
            interactive=False,
        )
        self.shell.window.resize(1280, 800)
        self.wait_for(self.shell.startup.ready, self.shell.start)
        self.idle()
        self.ledger = self.shell.window.ledger
        self.shell.window.tabs.setCurrentWidget(self.ledger)
        self.idle()
        self.panel = self.ledger.all_households
        self.model = self.panel.model
        self.table = self.panel.table

    def wait_for(self, signal, action, timeout_s: float = 60) -> float:
        """Run ``action``, wait for ``signal``, let the view paint; the seconds it took."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        started = time.perf_counter()
        action()
        loop.exec()
        self.app.processEvents()  # the paint that shows what arrived
        seconds = time.perf_counter() - started
        signal.disconnect(loop.quit)
        return seconds

    def until_shown(self, row: int, action) -> float:
        """Run ``action`` and wait until ``row`` is loaded and painted; the seconds it took."""
        started = time.perf_counter()
        action()
        deadline = started + 60
        while self.model.line(row) is None and time.perf_counter() < deadline:
            self.app.processEvents()
            time.sleep(0.0005)
        self.app.processEvents()
        return time.perf_counter() - started

    def idle(self) -> None:
        """Let every queued job finish."""
        for _ in range(3):
            while self.shell.executor.busy:
                self.app.processEvents()
                time.sleep(0.001)
            self.app.processEvents()

    def close(self) -> None:
        self.shell.stop()


def child_window(db: str) -> dict:
    """Open the all-households view, jump to the end, to the middle, around; memory."""
    from PySide6.QtWidgets import QAbstractItemView

    driver = Driver(db)
    model, table = driver.model, driver.table
    figures: dict = {"rss_before_open_mb": _rss_mb()[0]}
    figures["open_s"] = driver.wait_for(model.opened, driver.ledger.show_all_households)
    figures["rows"] = model.rowCount()
    driver.idle()
    last = model.rowCount() - 1
    if last > 0:
        figures["end_s"] = driver.until_shown(last, table.scrollToBottom)
        center = QAbstractItemView.ScrollHint.PositionAtCenter
        driver.idle()
        middle = model.rowCount() // 2
        figures["middle_first_s"] = driver.until_shown(
            middle, lambda: table.scrollTo(model.index(middle, 0), center)
        )
        driver.idle()
        quarter = model.rowCount() // 4 + 123
        figures["middle_again_s"] = driver.until_shown(
            quarter, lambda: table.scrollTo(model.index(quarter, 0), center)
        )
        rng = random.Random(1)
        jumps = []
        for _ in range(20):
            driver.idle()
            row = rng.randrange(model.rowCount())
            jumps.append(
                driver.until_shown(row, lambda r=row: table.scrollTo(model.index(r, 0), center))
            )
        figures["jump_median_s"] = statistics.median(jumps)
        figures["jump_max_s"] = max(jumps)
        driver.idle()
        figures["scroll_s"] = _scroll(driver, 200)
        driver.idle()
    figures["cached_rows"] = model.cached_rows()
    figures["rss_mb"], figures["peak_mb"] = _rss_mb()
    driver.close()
    return figures


def _scroll(driver: Driver, screens: int) -> float:
    """Page down ``screens`` times from the top, each time until the rows are shown."""
    bar = driver.table.verticalScrollBar()
    bar.setValue(0)
    driver.app.processEvents()
    started = time.perf_counter()
    for _ in range(screens):
        bar.setValue(bar.value() + bar.pageStep())
        driver.app.processEvents()
        bottom = driver.table.rowAt(driver.table.viewport().height() - 2)
        driver.until_shown(max(bottom, 0), lambda: None)
    return time.perf_counter() - started


def child_sort_filter(db: str) -> dict:
    """Sort by amount and filter by text through the model, on the open view."""
    from PySide6.QtCore import Qt

    from crechebooks_desktop.ui.ledger.all_model import Column

    driver = Driver(db)
    model, table = driver.model, driver.table
    figures = {"open_s": driver.wait_for(model.opened, driver.ledger.show_all_households)}
    figures["rows"] = model.rowCount()
    for label, column, order in (
        ("sort_amount_desc_s", Column.AMOUNT, Qt.SortOrder.DescendingOrder),
        ("sort_amount_asc_s", Column.AMOUNT, Qt.SortOrder.AscendingOrder),
        ("sort_household_s", Column.HOUSEHOLD, Qt.SortOrder.AscendingOrder),
        ("sort_description_s", Column.DESCRIPTION, Qt.SortOrder.AscendingOrder),
        ("sort_date_desc_s", Column.DATE, Qt.SortOrder.DescendingOrder),
    ):
        driver.idle()
        figures[label] = driver.wait_for(
            model.opened, lambda c=column, o=order: table.sortByColumn(c, o)
        )
        if label == "sort_amount_desc_s":
            figures["largest_first_cents"] = model.line(0).amount_cents
            driver.idle()
            last = model.rowCount() - 1
            figures["sort_amount_end_s"] = driver.until_shown(last, table.scrollToBottom)
    table.sortByColumn(Column.DATE, Qt.SortOrder.AscendingOrder)
    for label, text in (
        ("filter_household_s", "dlamini"),
        ("filter_description_s", "late pick"),
        ("filter_nothing_s", "no such words"),
    ):
        driver.idle()
        driver.panel.search.setText(text)
        figures[label] = driver.wait_for(model.opened, driver.panel.apply_filter)
        figures[label.replace("_s", "_rows")] = model.rowCount()
    driver.close()
    return figures


def child_sql(db: str) -> dict:
    """The queries alone (no Qt), for reference."""
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.ledger.view import SortColumn, ViewSpec
    from crechebooks_desktop.settings import settings_for

    book, _ = Book.open(settings_for(db))
    figures = {}
    with book.read(1) as uow:
        view = uow.ledger_view

        def timed(label: str, call) -> None:
            started = time.perf_counter()
            call()
            figures[label] = time.perf_counter() - started

        date = ViewSpec()
        timed("count_s", lambda: view.count(date))
        timed("first_page_s", lambda: view.page(date, None))
        timed("last_page_s", lambda: view.page(date, None, backward=True))
        timed("samples_date_s", lambda: view.sampled_keys(date, 10_000))
        amount = ViewSpec(SortColumn.AMOUNT, descending=True)
        timed("amount_page_s", lambda: view.page(amount, None))
        timed("samples_amount_s", lambda: view.sampled_keys(amount, 10_000))
        timed("filter_count_s", lambda: view.count(ViewSpec(text="dlamini")))
    book.close()
    return figures


# --------------------------------------------------------------------------- reporting


def run_child(mode: str, db: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode, db],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"{mode} on {db} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def verdict(value: float, target: float) -> str:
    return "OK" if value < target else "MISSED"


def show(label: str, value: float, target: float | None = None, unit: str = "s") -> None:
    if target is None:
        print(f"  {label:<52} {value:8.3f} {unit}")
    else:
        print(
            f"  {label:<52} {value:8.3f} {unit}   target < {target} {unit}   "
            f"{verdict(value, target)}"
        )


def report_window(name: str, big: dict, empty: dict) -> None:
    rows = f"{big['rows']:,}".replace(",", " ")
    print(f"{name}: all-households ledger, {rows} entries (real model + view, offscreen)")
    show("open the view (count + first page shown)", big["open_s"], TARGET_OPEN_S)
    show("jump to the end (last page shown)", big["end_s"], TARGET_END_S)
    show("jump to the middle, first time (samples the keys)", big["middle_first_s"])
    show("jump to a quarter, samples known", big["middle_again_s"])
    show("20 random jumps: median", big["jump_median_s"])
    show("20 random jumps: slowest", big["jump_max_s"])
    show("page down 200 screens, each until shown: total", big["scroll_s"])
    growth = big["rss_mb"] - empty["rss_mb"]
    peak_growth = big["peak_mb"] - empty["peak_mb"]
    print(
        f"  memory: {big['rss_mb']:.0f} MB resident ({big['peak_mb']:.0f} MB peak) against "
        f"{empty['rss_mb']:.0f} MB ({empty['peak_mb']:.0f} MB) on an empty book; "
        f"window holds {big['cached_rows']:,} rows"
    )
    show("memory growth over an empty book (resident)", growth, TARGET_GROWTH_MB, "MB")
    show("memory growth over an empty book (peak)", peak_growth, TARGET_GROWTH_MB, "MB")


def report_sort_filter(name: str, figures: dict) -> None:
    rows = f"{figures['rows']:,}".replace(",", " ")
    print(f"{name}: sorting and filtering {rows} entries in SQL (real model + view)")
    show("sort by amount, largest first (first page shown)", figures["sort_amount_desc_s"],
         TARGET_SORT_S)  # fmt: skip
    show("  then jump to the end", figures["sort_amount_end_s"])
    show("sort by amount, smallest first", figures["sort_amount_asc_s"], TARGET_SORT_S)
    show("sort by household", figures["sort_household_s"], TARGET_SORT_S)
    show("sort by description", figures["sort_description_s"], TARGET_SORT_S)
    show("sort by date, latest first", figures["sort_date_desc_s"], TARGET_SORT_S)
    for key, words in (
        ("filter_household", "dlamini"),
        ("filter_description", "late pick"),
        ("filter_nothing", "no such words"),
    ):
        show(
            f"filter “{words}” ({figures[key + '_rows']:,} rows; count + first page)",
            figures[key + "_s"],
            TARGET_FILTER_S,
        )


def report_sql(name: str, figures: dict) -> None:
    print(f"{name}: the queries alone, for reference")
    for key, value in figures.items():
        show(key.removesuffix("_s").replace("_", " "), value)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        mode, db = sys.argv[2], sys.argv[3]
        run = {"window": child_window, "sortfilter": child_sort_filter, "sql": child_sql}[mode]
        print(json.dumps(run(db)))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=3_500)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    big = ensure_sqlite(args.entries, args.households, args.rebuild)
    small = ensure_sqlite(args.small, args.households, args.rebuild)
    empty = ensure_sqlite(0, 0, args.rebuild)
    empty_figures = run_child("window", str(empty))
    report_window("SQLite", run_child("window", str(big)), empty_figures)
    report_sort_filter("SQLite", run_child("sortfilter", str(small)))
    report_sql("SQLite, 1,000,000", run_child("sql", str(big)))
    if args.postgres:
        _postgres(big, small, empty)


def _postgres(big: Path, small: Path, empty: Path) -> None:
    import psycopg

    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    names = {path: f"cb_bench_{uuid.uuid4().hex[:8]}" for path in (big, small, empty)}
    try:
        urls = {}
        for path, name in names.items():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            urls[path] = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
            started = time.perf_counter()
            load_postgres(path, urls[path])
            print(f"loaded {path.name} into PostgreSQL in {time.perf_counter() - started:.1f} s")
        empty_figures = run_child("window", urls[empty])
        report_window("PostgreSQL", run_child("window", urls[big]), empty_figures)
        report_sort_filter("PostgreSQL", run_child("sortfilter", urls[small]))
        report_sql("PostgreSQL, 1,000,000", run_child("sql", urls[big]))
    finally:
        for name in names.values():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
