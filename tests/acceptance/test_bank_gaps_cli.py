"""Issue 14 end to end: ``bank gaps``, and an OFX file with an empty ledger balance imported.

The creche is that of ``tests/bank_fixtures.py`` (a bank account ``Cheque``).
Statements are real files written to disk and imported with ``bank import``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.bank_fixtures import build_creche
from tests.cli_results import ok

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"])]  # services: both

Cli = Callable[..., Any]
NO_CLOSING = "the closing balance is not known; the lines are imported without it"

# An OFX 1.x export whose ledger balance is empty, as some banks send it; LEDGERBAL on line 6.
EMPTY_BALANCE_OFX = """OFXHEADER:100
DATA:OFXSGML

<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>ZAR<BANKTRANLIST><DTSTART>20260901<DTEND>20260930
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260903<TRNAMT>4850.00<FITID>F1<NAME>MRS N DLAMINI
</BANKTRANLIST><LEDGERBAL><BALAMT></BALAMT><DTASOF>20260930</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """``--db URL`` of a book holding the bank fixtures' creche."""
    book, _ = Book.open(Settings(book_url, tmp_path / "setup-files"))
    build_creche(book)
    book.close()
    return ("--db", book_url)


def csv_file(tmp_path: Path, name: str, *rows: str) -> str:
    """A generic CSV with a running balance (its first and last balances give the opening and
    closing ones); written in the folder the commands run in, so its name is its path."""
    (tmp_path / name).write_text("Date,Description,Amount,Balance\n" + "".join(rows))
    return name


def test_an_ofx_file_with_an_empty_ledger_balance_imports_with_a_warning(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    (tmp_path / "september.ofx").write_text(EMPTY_BALANCE_OFX)
    taken = cli(*db, "bank", "import", "september.ofx", "--account", "Cheque")
    assert ok(taken).startswith("september.ofx (ofx) into Cheque: 1 line(s) imported")
    warning = (
        f"september.ofx:6: the ledger balance (<LEDGERBAL>) has no amount (BALAMT): {NO_CLOSING}"
    )
    assert taken.stderr == f"warning: {warning}\n"
    found = json.loads(ok(cli(*db, "bank", "gaps", "--account", "Cheque", "--json")))
    assert (found["imports"], found["unchecked"]) == (1, ["september.ofx"])


def test_gaps_and_breaks_between_imports(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    added = cli(
        *db, "bank", "accounts", "add", "--name", "Savings",
        "--opening-balance", "1000.00", "--as-of", "2026-06-30",
    )  # fmt: skip
    ok(added)
    assert (
        ok(cli(*db, "bank", "gaps", "--account", "savings")) == "no gaps in Savings (0 import(s))\n"
    )
    july = csv_file(
        tmp_path, "july.csv", "2026-07-01,FEES,100.00,1100.00\n", "2026-07-30,FEE,-50.00,1050.00\n"
    )
    # August never came in; September opens R 50,00 higher than July closed.
    september = csv_file(
        tmp_path, "september.csv", "2026-09-01,FEES,200.00,1300.00\n", "2026-09-30,FEE,-10,1290\n"
    )
    for name in (july, september):
        ok(cli(*db, "bank", "import", name, "--account", "Savings"))
    assert ok(cli(*db, "bank", "gaps", "--account", "Savings")).splitlines() == [
        "gap: 2026-07-31 to 2026-08-31 (32 days): no statement between july.csv and september.csv",
        (
            "break: september.csv opens 2026-09-01 with R 1 100,00, but july.csv closes "
            "2026-07-30 with R 1 050,00: a difference of R 50,00"
        ),
    ]
    found = json.loads(ok(cli(*db, "bank", "gaps", "--account", "Savings", "--json")))
    assert found == {
        "account": "Savings",
        "imports": 2,
        "first_day": "2026-07-01",
        "last_day": "2026-09-30",
        "allowed_days": 3,
        "gaps": [
            {
                "from": "2026-07-31",
                "to": "2026-08-31",
                "days": 32,
                "previous_file": "july.csv",
                "next_file": "september.csv",
            }
        ],
        "breaks": [
            {
                "previous_file": "july.csv",
                "previous_end": "2026-07-30",
                "previous_closing_cents": 105_000,
                "file": "september.csv",
                "start": "2026-09-01",
                "opening_cents": 110_000,
                "between_cents": 0,
                "expected_cents": 105_000,
                "difference_cents": 5_000,
            }
        ],
        "unchecked": [],
    }


def test_an_unknown_account_is_one_line_and_exit_1(cli: Cli, db: tuple[str, str]) -> None:
    refused = cli(*db, "bank", "gaps", "--account", "Nope")
    assert (refused.code, refused.stdout) == (1, "")
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("crechebooks: error: no bank account named 'Nope' (accounts:")
    assert cli(*db, "bank", "gaps").code == 2  # --account is required
