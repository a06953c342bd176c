"""Every reference bank file imports exactly as its hand-written expectation says."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.domain.statement import Statement, dedup_keys
from crechebooks_desktop.importers.bank import detect_format, read_statement

GOLDEN = Path(__file__).parents[3] / "golden" / "bankfiles"
FILES = sorted(p for p in GOLDEN.iterdir() if p.suffix in {".ofx", ".qfx", ".qif"})
LINE_FIELDS = ("line_no", "date", "amount_cents", "fitid", "reference", "payer", "description")


def _as_json(statement: Statement) -> dict[str, Any]:
    def value(v: object) -> object:
        return v.isoformat() if isinstance(v, dt.date) else v

    lines = [{name: value(getattr(line, name)) for name in LINE_FIELDS} for line in statement.lines]
    return {
        "file_format": statement.file_format,
        "line_count": len(statement.lines),
        "opening_balance_cents": statement.opening_balance_cents,
        "closing_balance_cents": statement.closing_balance_cents,
        "period_start": value(statement.period_start),
        "period_end": value(statement.period_end),
        "lines": lines,
        "warnings": list(statement.warnings),
    }


def test_every_reference_file_is_here_with_its_expectation_and_licences() -> None:
    assert len(FILES) == 7
    for path in FILES:
        assert path.with_name(path.name + ".expected.json").is_file()
    assert (GOLDEN / "SOURCES.md").is_file()
    assert len(list((GOLDEN / "LICENSES").iterdir())) == 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reference_file_reads_as_expected(path: Path) -> None:
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text())
    statement = read_statement(path.read_bytes(), path.name)
    assert _as_json(statement) == expected
    assert statement.profile is None
    assert detect_format(path.read_bytes(), path.name) == expected["file_format"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reference_file_reads_the_same_under_its_explicit_format(path: Path) -> None:
    auto = read_statement(path.read_bytes(), path.name)
    explicit = read_statement(path.read_bytes(), path.name, file_format=path.suffix[1:])
    assert explicit == auto


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reference_lines_have_distinct_dedup_keys(path: Path) -> None:
    lines = read_statement(path.read_bytes(), path.name).lines
    assert len(set(dedup_keys(lines))) == len(lines)


def test_a_line_is_a_frozen_value() -> None:
    line = read_statement(FILES[0].read_bytes(), FILES[0].name).lines[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.amount_cents = 1  # type: ignore[misc]
