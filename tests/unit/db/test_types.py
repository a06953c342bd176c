"""Column types (db.types): timestamps are UTC and never naive."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from crechebooks_desktop.db.types import UtcDateTime, utc_now

SAST = dt.timezone(dt.timedelta(hours=2))


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        UtcDateTime().process_bind_param(
            dt.datetime(2026, 11, 21, 8, 0),  # noqa: DTZ001 - naive on purpose
            sqlite.dialect(),
        )


def test_stored_as_utc() -> None:
    local = dt.datetime(2026, 11, 21, 10, 0, tzinfo=SAST)
    on_sqlite = UtcDateTime().process_bind_param(local, sqlite.dialect())
    on_postgresql = UtcDateTime().process_bind_param(local, postgresql.dialect())
    # SQLite keeps no zone: the naive value is UTC.
    assert on_sqlite == dt.datetime(2026, 11, 21, 8, 0)  # noqa: DTZ001
    assert on_sqlite is not None
    assert on_sqlite.tzinfo is None
    assert on_postgresql == dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
    assert UtcDateTime().process_bind_param(None, sqlite.dialect()) is None


def test_read_back_aware() -> None:
    stored = dt.datetime(2026, 11, 21, 8, 0)  # noqa: DTZ001 - as SQLite returns it
    read = UtcDateTime().process_result_value(stored, sqlite.dialect())
    assert read == dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
    aware = dt.datetime(2026, 11, 21, 10, 0, tzinfo=SAST)
    assert UtcDateTime().process_result_value(aware, postgresql.dialect()) is aware
    assert UtcDateTime().process_result_value(None, sqlite.dialect()) is None


def test_utc_now() -> None:
    now = utc_now()
    assert now.tzinfo is dt.UTC
    assert abs(now - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
