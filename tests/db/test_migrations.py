"""The schema: models agree with the migrations, upgrades are safe, constraints hold."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, inspect, text
from sqlalchemy.exc import IntegrityError

from crechebooks_desktop import paths
from crechebooks_desktop.db import migrate
from crechebooks_desktop.db import tables as _tables  # noqa: F401 - registers every table
from crechebooks_desktop.db.base import Base
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.session import BUSY_TIMEOUT_MS
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import RuleViolation, UserFacingError
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance
from crechebooks_desktop.settings import Settings

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)]
)

EXPECTED_TABLES = {
    "accounts",
    "alembic_version",
    "allocations",
    "audit_log",
    "bank_accounts",
    "bank_csv_profiles",
    "bank_imports",
    "bank_lines",
    "categorisation_rules",
    "category_memory",
    "charges",
    "children",
    "documents",
    "enrolment_extras",
    "enrolments",
    "fee_structure_rates",
    "fee_structures",
    "history_heads",
    "household_balances",
    "households",
    "invoice_lines",
    "invoice_sequences",
    "invoices",
    "job_runs",
    "ledger_entries",
    "line_categories",
    "match_decisions",
    "outbox_attachments",
    "outbox_messages",
    "payer_aliases",
    "payments",
    "reconciliations",
    "refund_links",
    "reminder_holds",
    "reminder_invoices",
    "reminder_levels",
    "reminders",
    "sync_outbox",
    "tenant_users",
    "tenants",
    "users",
    "xero_connections",
    "xero_credit_draws",
    "xero_links",
    "xero_mappings",
}

LATEST = "0017"
"""The newest revision shipped (a new one is a deliberate change to this test)."""

# A revision on top of the newest one (``{latest}`` is LATEST, filled in below).
_TRIAL = '''"""add a motto to creches

Revision ID: trial
Revises: {latest}
"""

from alembic import op
import sqlalchemy as sa

revision = "trial"
down_revision = "{latest}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.add_column(sa.Column("motto", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.drop_column("motto")
'''
TRIAL_REVISION = _TRIAL.format(latest=LATEST)


def _revision(book: Book) -> str | None:
    with book.engine.connect() as conn:
        return migrate.current_revision(conn)


def test_fresh_book_is_at_head_with_every_table(book: Book) -> None:
    assert migrate.head_revision() == LATEST
    assert _revision(book) == LATEST
    assert set(inspect(book.engine).get_table_names()) == EXPECTED_TABLES


def _modelled(obj: object, name: str | None, kind: str, *_args: object) -> bool:
    return not (kind == "index" and name in migrate.SERVER_ONLY_INDEXES)


def test_models_and_migrations_agree(book: Book) -> None:
    with book.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _modelled}
        context = MigrationContext.configure(conn, opts=opts)
        drift = compare_metadata(context, Base.metadata)
    assert drift == []


def test_upgrade_is_idempotent(book: Book, tmp_path: Path) -> None:
    before = set(inspect(book.engine).get_table_names())
    result = migrate.upgrade_to_head(book.engine, tmp_path / "backups")
    assert (result.from_revision, result.to_revision, result.backup) == (LATEST, LATEST, None)
    again, result = Book.open(book.settings)
    again.close()
    assert (result.from_revision, result.to_revision, result.backup) == (LATEST, LATEST, None)
    assert set(inspect(book.engine).get_table_names()) == before
    assert not (tmp_path / "backups").exists()
    assert _revision(book) == LATEST


def test_new_empty_database_is_migrated_from_nothing(tmp_path: Path) -> None:
    settings = Settings("sqlite:///" + str(tmp_path / "new" / "book.sqlite"), tmp_path / "files")
    book, result = Book.open(settings, create=True)
    try:
        assert (result.from_revision, result.to_revision, result.backup) == (None, LATEST, None)
        assert set(inspect(book.engine).get_table_names()) == EXPECTED_TABLES
    finally:
        book.close()


def test_book_from_a_newer_version_is_refused(book: Book) -> None:
    with book.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff00'"))
    book.close()
    with pytest.raises(UserFacingError, match="newer") as caught:
        Book.open(book.settings)
    assert "ffff00" in str(caught.value)
    # Refused, not "upgraded": the recorded revision is untouched.
    assert _revision(book) == "ffff00"


@SQLITE_ONLY
def test_sqlite_book_is_backed_up_before_an_upgrade(
    book: Book,
    creche: tuple[CrecheSettings, Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, _actor = creche
    with book.write(settings.tenant_id) as uow:
        uow.roster.add_household("NAIDOO02", "Mrs Priya Naidoo")
    book.close()

    scripts = tmp_path / "migrations-next"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "trial_add_motto.py").write_text(TRIAL_REVISION, encoding="utf-8")
    monkeypatch.setattr(migrate, "migrations_dir", lambda: scripts)
    assert migrate.head_revision() == "trial"

    upgraded, result = Book.open(book.settings)
    try:
        assert (result.from_revision, result.to_revision) == (LATEST, "trial")
        assert result.backup is not None
        assert result.backup.is_file()
        assert result.backup.parent == book.settings.data_dir / "backups"
        assert result.backup.name.startswith(f"before-upgrade-{LATEST}-")
        assert _revision(upgraded) == "trial"
        columns = {c["name"] for c in inspect(upgraded.engine).get_columns("tenants")}
        assert "motto" in columns
    finally:
        upgraded.close()

    with closing(sqlite3.connect(result.backup)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(LATEST,)]
        assert copy.execute("SELECT account_ref FROM households").fetchall() == [("NAIDOO02",)]
        assert copy.execute("SELECT name FROM tenants").fetchall() == [(settings.name,)]
        tenant_columns = {row[1] for row in copy.execute("PRAGMA table_info(tenants)")}
        assert "motto" not in tenant_columns


@SQLITE_ONLY
def test_sqlite_connections_have_the_pragmas(book: Book) -> None:
    def pragmas(run: object) -> tuple[object, ...]:
        return tuple(
            run(text(f"PRAGMA {name}")).scalar()  # type: ignore[operator]
            for name in ("foreign_keys", "journal_mode", "busy_timeout", "recursive_triggers")
        )

    with book.engine.connect() as conn:
        assert pragmas(conn.execute) == (1, "wal", BUSY_TIMEOUT_MS, 1)
    assert BUSY_TIMEOUT_MS == 30_000
    with book.write() as uow:
        assert pragmas(uow._session.execute) == (1, "wal", 30_000, 1)
    with book.read() as uow:
        assert pragmas(uow._session.execute) == (1, "wal", 30_000, 1)


@POSTGRES_ONLY
def test_every_cents_column_is_bigint_on_postgresql(book: Book) -> None:
    with book.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name LIKE '%\\_cents'"
            )
        ).all()
    found = {(table, column): kind for table, column, kind in rows}
    modelled = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_cents")
    }
    assert set(found) == modelled
    assert len(found) >= 25
    assert {
        ("ledger_entries", "amount_cents"),
        ("ledger_entries", "balance_after_cents"),
        ("invoices", "balance_due_cents"),
        ("household_balances", "balance_cents"),
    } <= set(found)
    assert set(found.values()) == {"bigint"}


def _check_constraint_names(book: Book) -> set[str]:
    with book.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return set(
                conn.execute(
                    text("SELECT conname FROM pg_constraint WHERE contype = 'c'")
                ).scalars()
            )
        sql = " ".join(
            conn.execute(text("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")).scalars()
        )
    return {word for word in sql.replace("(", " ").split() if word.startswith("ck_")}


def test_check_constraints_are_named(book: Book) -> None:
    names = _check_constraint_names(book)
    assert {
        "ck_invoices_balance_due_not_negative",
        "ck_invoices_balance_due_adds_up",
        "ck_invoices_total_adds_up",
        "ck_invoices_paid_not_negative",
        "ck_ledger_entries_amount_not_zero",
        "ck_household_balances_credit_not_negative",
        "ck_payments_amount_positive",
        "ck_allocations_amount_positive",
        "ck_tenants_due_day_in_month",
        "ck_invoice_lines_gross_adds_up",
    } <= names


@pytest.fixture
def opening_invoice(book: Book, creche: tuple[CrecheSettings, Actor], household: int) -> str:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        number = post_opening_balance(uow, actor, settings, household, 48_500, dt.date(2026, 11, 1))
    assert number == "INV-2026-000001"
    return number


NEGATIVE_BALANCE_DUE = (
    "UPDATE invoices SET amount_paid_cents = total_cents + 100, balance_due_cents = -100 "
    "WHERE number = :number"
)


def _invoice_money(book: Book, number: str) -> tuple[int, int, int]:
    with book.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT total_cents, amount_paid_cents, balance_due_cents FROM invoices "
                "WHERE number = :number"
            ),
            {"number": number},
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


def test_negative_balance_due_is_refused_through_the_book(book: Book, opening_invoice: str) -> None:
    with pytest.raises(RuleViolation, match="balance_due_not_negative"), book.write() as uow:
        uow._session.execute(text(NEGATIVE_BALANCE_DUE), {"number": opening_invoice})
    assert _invoice_money(book, opening_invoice) == (48_500, 0, 48_500)


def test_negative_balance_due_is_refused_by_raw_sql(book: Book, opening_invoice: str) -> None:
    with (
        pytest.raises(IntegrityError, match="balance_due_not_negative"),
        book.engine.begin() as conn,
    ):
        conn.execute(text(NEGATIVE_BALANCE_DUE), {"number": opening_invoice})
    assert _invoice_money(book, opening_invoice) == (48_500, 0, 48_500)


def test_balance_due_must_add_up(book: Book, opening_invoice: str) -> None:
    with (
        pytest.raises(IntegrityError, match="balance_due_adds_up"),
        book.engine.begin() as conn,
    ):
        conn.execute(
            text("UPDATE invoices SET balance_due_cents = 1 WHERE number = :n"),
            {"n": opening_invoice},
        )
    assert _invoice_money(book, opening_invoice) == (48_500, 0, 48_500)


def test_drift_check_notices_a_model_change(book: Book) -> None:
    """The drift check above can fail: a column only the model has is reported."""
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["tenants"].append_column(Column("motto", String(100), nullable=True))
    with book.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _modelled}
        context = MigrationContext.configure(conn, opts=opts)
        drift = compare_metadata(context, changed)
    assert [(d[0], d[2], d[3].name) for d in drift] == [("add_column", "tenants", "motto")]


def test_invoices_say_whether_they_were_imported(book: Book) -> None:
    """0016: an invoice from a previous system keeps when it came and its row's hash."""
    columns = {c["name"]: c for c in inspect(book.engine).get_columns("invoices")}
    assert {"imported_at", "import_hash"} <= set(columns)
    assert columns["imported_at"]["nullable"]
    assert columns["import_hash"]["nullable"]
    indexes = {i["name"]: i for i in inspect(book.engine).get_indexes("invoices")}
    assert indexes["uq_invoices_import_hash"]["unique"]
    assert indexes["uq_invoices_import_hash"]["column_names"] == ["tenant_id", "import_hash"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_import_hash_index_serves_only_imported_invoices(book: Book) -> None:
    """Partial: SQLite's planner takes it to find a hash, never for a creche's other reads."""

    # A big book analysed before the upgrade: statistics for every index but the new one.
    stats = {
        "ix_invoices_tenant_id": "200000 200000",
        "ix_invoices_household_id": "200000 58",
        "sqlite_autoindex_invoices_1": "200000 200000 1",
    }
    with book.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        conn.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'invoices'"))
        for index, stat in stats.items():
            conn.execute(
                text("INSERT INTO sqlite_stat1 VALUES ('invoices', :index, :stat)"),
                {"index": index, "stat": stat},
            )

    def plan(where: str) -> str:
        with book.engine.connect() as conn:
            conn.execute(text("ANALYZE sqlite_schema"))  # read the statistics again
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN SELECT id FROM invoices WHERE {where}"))
            return " ".join(str(row[-1]) for row in rows)

    assert "uq_invoices_import_hash" in plan("tenant_id = 1 AND import_hash IN ('a', 'b')")
    for where in ("tenant_id = 1", "tenant_id = 1 AND household_id IN (1, 2)"):
        assert "uq_invoices_import_hash" not in plan(where), where


def _trigram_index(engine: object) -> list[str]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return list(
            conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_invoices_number_trgm'")
            ).scalars()
        )


def _pg_trgm_offered(engine: object) -> bool:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        found = conn.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        ).first()
    return found is not None


@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgresql_books_index_invoice_numbers_by_trigram(book: Book) -> None:
    if not _pg_trgm_offered(book.engine):
        pytest.skip("this PostgreSQL server does not offer the pg_trgm extension")
    (definition,) = _trigram_index(book.engine)
    assert "USING gin (number gin_trgm_ops)" in definition


@pytest.mark.postgres
def test_a_server_that_refuses_the_extension_still_upgrades(
    pg_admin_url: str, tmp_path: Path
) -> None:
    """A user who may not create extensions gets every table, without the trigram index."""
    import psycopg  # PostgreSQL only
    from sqlalchemy.engine import make_url

    role, database = "cb_no_extensions", f"cb_no_ext_{os.getpid()}"
    admin = make_url(pg_admin_url)
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f"DROP ROLE IF EXISTS {role}")
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f'CREATE DATABASE "{database}"')  # owned by the admin, not by the role
    owner = admin.set(database=database, drivername="postgresql")
    with psycopg.connect(owner.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}")
    url = admin.set(database=database, username=role).render_as_string(hide_password=False)
    try:
        book, result = Book.open(Settings(db_url=url, data_dir=tmp_path / "files"), create=True)
        try:
            assert result.to_revision == LATEST
            assert set(inspect(book.engine).get_table_names()) == EXPECTED_TABLES
            assert _trigram_index(book.engine) == []
        finally:
            book.close()
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {role}")
