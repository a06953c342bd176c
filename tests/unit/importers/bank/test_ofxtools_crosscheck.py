"""Our OFX reader agrees with ofxtools on the reference files ofxtools accepts.

ofxtools (GPL) is a test-only dependency; the test is skipped without it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from crechebooks_desktop.importers.bank import read_statement

GOLDEN = Path(__file__).parents[3] / "golden" / "bankfiles"
FILES = sorted(p for p in GOLDEN.iterdir() if p.suffix in {".ofx", ".qfx"})
pytestmark = pytest.mark.filterwarnings("ignore:Encountered private extension tag")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_transactions_as_ofxtools(path: Path) -> None:
    parser_module = pytest.importorskip("ofxtools.Parser")
    parser = parser_module.OFXTree()
    try:
        parser.parse(str(path))
        ofx = parser.convert()
    except Exception as exc:  # ofxtools refuses some real-world quirks
        pytest.skip(f"ofxtools cannot read {path.name}: {type(exc).__name__}")
    theirs = [
        (tx.dtposted.date(), int(Decimal(tx.trnamt) * 100), tx.fitid or None)
        for statement in ofx.statements
        for tx in statement.transactions
        if tx.trnamt != 0
    ]
    ours = [
        (line.date, line.amount_cents, line.fitid)
        for line in read_statement(path.read_bytes(), path.name).lines
    ]
    # ofxtools gives UTC datetimes; we keep the bank's calendar day.
    assert [(c, f) for _, c, f in ours] == [(c, f) for _, c, f in theirs]
    assert all(abs(a[0] - b[0]) <= dt.timedelta(days=1) for a, b in zip(ours, theirs, strict=True))
