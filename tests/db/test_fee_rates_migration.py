"""Migration 0009: a book's fees get one version each, from the start (both backends)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from crechebooks_desktop.db import migrate
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.enums import FeeType, LineType
from crechebooks_desktop.domain.roster import FeeRate
from tests.billing_fixtures import Kid, add_family, invoices, new_creche, run_month

D = dt.date
_AMOUNTS = {"amount_cents", "registration_fee_cents", "re_registration_fee_cents"}


def _migrate_to(book: Book, revision: str) -> None:
    config = migrate.alembic_config(book.engine.url.render_as_string(hide_password=False))
    with book.engine.connect() as conn:
        raw = conn.connection.driver_connection
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # As db.migrate does, outside a transaction: SQLite copies the changed table.
            raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()
        if sqlite:
            raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def test_existing_fees_get_one_version_from_the_start(book: Book, tmp_path: Path) -> None:
    settings, admin = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        full = uow.roster.add_fee_structure("Full Day", FeeType.FULL_DAY, 485_000, 75_000, 50_000)
        uow.roster.add_fee_structure("Agreed", FeeType.CUSTOM, None, 60_000)
        uow.roster.save_fee_rate(full, FeeRate(D(2026, 3, 1), 520_000, 75_000, 50_000))
        add_family(uow, "MOYO01", Kid("MOYO01-1", full, D(2026, 1, 1)))

    _migrate_to(book, "0008")
    with book.engine.connect() as conn:
        assert "fee_structure_rates" not in inspect(conn).get_table_names()
        old = conn.execute(
            text(
                "SELECT name, amount_cents, registration_fee_cents, re_registration_fee_cents "
                "FROM fee_structures ORDER BY name"
            )
        ).all()
    # A downgrade keeps each fee's latest version.
    assert [tuple(row) for row in old] == [
        ("Agreed", None, 60_000, None),
        ("Full Day", 520_000, 75_000, 50_000),
    ]

    result = migrate.upgrade_to_head(book.engine, tmp_path / "backups")
    assert (result.from_revision, result.to_revision) == ("0008", migrate.head_revision())
    with book.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("fee_structures")}
        rates = conn.execute(
            text(
                "SELECT f.name, r.effective_from, r.amount_cents, r.registration_fee_cents, "
                "r.re_registration_fee_cents FROM fee_structure_rates r "
                "JOIN fee_structures f ON f.id = r.fee_structure_id ORDER BY f.name"
            )
        ).all()
    assert not columns & _AMOUNTS
    assert [(name, str(day)[:10], *rest) for name, day, *rest in rates] == [
        ("Agreed", "2000-01-01", None, 60_000, None),
        ("Full Day", "2000-01-01", 520_000, 75_000, 50_000),
    ]
    run_month(book, admin, D(2026, 2, 1))
    [february] = invoices(book, settings.tenant_id, month=D(2026, 2, 1))
    assert [(line.line_type, line.gross_cents) for line in february.lines] == [
        (LineType.MONTHLY_FEE, 520_000)
    ]
