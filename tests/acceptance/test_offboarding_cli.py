"""``crechebooks enrolments end`` as an offboarding (issue 13), end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.test_roster_cli import Cli, db, ok, refused

pytestmark = pytest.mark.slow
__all__ = ["db"]  # the fixture, shared with the roster's commands

END = (
    "enrolments", "end", "--child", "vdmerwe03-1", "--date", "2026-12-10",
    "--status", "withdrawn", "--final-invoice", "--credit", "refund",
    "--refund-date", "2026-12-12",
)  # fmt: skip


def position(cli: Cli, db: tuple[str, str], ref: str) -> dict[str, Any]:
    (found,) = [
        b
        for b in json.loads(ok(cli(*db, "balances", "--json")))["households"]
        if b["household_ref"] == ref
    ]
    return dict(found)


def test_preview_then_offboard_with_a_refund(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    ok(cli(*db, "fees", "import", str(tmp_path / "fees.csv")))
    ok(cli(*db, "roster", "import", str(tmp_path / "roster.csv")))
    paid = ("payments", "add", "--household", "VDMERWE03", "--amount", "2000.00")
    ok(cli(*db, *paid, "--date", "2026-12-01", "--method", "EFT"))

    plan = json.loads(ok(cli(*db, *END, "--preview", "--json")))
    # R 4 850 x 10/31 = R 1 564.52 billed and paid from the R 2 000 credit; R 435.48 refunded.
    assert plan["final_invoice"]["total_cents"] == 156_452
    assert (plan["credit_applied_cents"], plan["refund_cents"]) == (156_452, 43_548)
    assert (plan["credit_after_cents"], plan["balance_after_cents"]) == (0, 0)
    assert position(cli, db, "VDMERWE03")["credit_cents"] == 200_000  # the preview changed nothing

    done = ok(cli(*db, *END))
    assert done.splitlines()[1:] == [
        (
            "Final invoice for December 2026: R 1 564,52 (sent now, so that the credit can be "
            "used on it)"
        ),
        "    Full Day (07:00-17:30) — December 2026 (pro-rata, 10 of 31 days): R 1 564,52",
        "Owed now: R 0,00; unused credit now: R 2 000,00",
        "Credit: R 1 564,52 used on its invoices, R 435,48 refunded; R 0,00 left",
        "Balance afterwards: R 0,00",
        "Final invoice INV-2026-000001.",
    ]
    assert position(cli, db, "VDMERWE03") == {
        "household_ref": "VDMERWE03",
        "balance_cents": 0,
        "outstanding_cents": 0,
        "credit_cents": 0,
    }
    assert "OK" in ok(cli(*db, "check"))

    naidoo = ("enrolments", "end", "--child", "NAIDOO02-1", "--date", "2026-12-10")
    assert refused(cli(*db, *naidoo, "--status", "graduated", "--credit", "refund")) == [
        "crechebooks: error: nothing to refund: the household has no unused credit"
    ]
    assert refused(cli(*db, *naidoo, "--status", "graduated", "--reason", "x")) == [
        "crechebooks: error: --refund-amount, --refund-date and --reason go with --credit refund"
    ]
