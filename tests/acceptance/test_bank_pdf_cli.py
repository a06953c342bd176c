"""``bank import statement.pdf`` end to end, in a separate process.

The creche is that of ``tests/bank_fixtures.py``; the statement is drawn in
Capitec's layout (``tests/pdf_statements.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crechebooks_desktop.db.tables import BankImport, BankLine
from tests.acceptance.test_bank_cli import BankBook, Cli, as_json, ok, refused
from tests.pdf_statements import CAPITEC, Txn, render, with_spec

pytestmark = pytest.mark.slow

OCTOBER = with_spec(
    CAPITEC,
    header=("Capitec Bank", "Main Account Statement", "Statement period: 01/10/2026 to 31/10/2026"),
)


@pytest.fixture
def setup(book_url: str, tmp_path: Path) -> BankBook:
    return BankBook(book_url, tmp_path)


def _statement(tmp_path: Path, setup: BankBook, breaks: dict[int, int] | None = None) -> Path:
    thabo = setup.creche.invoice["DLAMINI01-1"]
    txns = [
        Txn(dt.date(2026, 10, 3), ("PAYMENT RECEIVED: MRS N DLAMINI", thabo), 485_000),
        Txn(dt.date(2026, 10, 4), ("PAYSHAP PAYMENT RECEIVED: NAIDOO03",), 805_000),
        Txn(dt.date(2026, 10, 6), ("MONTHLY ACCOUNT ADMIN FEE",), -5_000, fee=200),
    ]
    path = tmp_path / "statement.pdf"
    path.write_bytes(render(with_spec(OCTOBER, breaks=breaks or {}), txns, 0))
    return path


def test_a_pdf_statement_imports_and_a_second_import_finds_it_there(
    cli: Cli, setup: BankBook, tmp_path: Path
) -> None:
    path = _statement(tmp_path, setup)
    out = ok(cli(*setup.db, "bank", "import", str(path), "--account", "Cheque"))
    assert out.splitlines() == [
        f"{path} (pdf, Capitec) into Cheque: 4 line(s) imported, 0 already there",
        "  money in R 12 900,00, money out R 52,00",
    ]
    again = as_json(cli(*setup.db, "bank", "import", str(path), "--account", "Cheque", "--json"))
    assert again["format"] == "pdf"
    assert again["duplicates"] == 4
    assert setup.count(BankLine) == 4
    setup.check()


def test_a_pdf_that_does_not_add_up_is_refused_naming_page_and_line(
    cli: Cli, setup: BankBook, tmp_path: Path
) -> None:
    path = _statement(tmp_path, setup, breaks={1: 1})
    message = refused(
        cli(*setup.db, "bank", "import", str(path), "--account", "Cheque", "--format", "pdf")
    )
    assert message.splitlines()[1].startswith(f"{path}:page 1, line 8: balance: R 0,01, lines")
    assert "(difference -R 12 899,99)" in message
    assert setup.count(BankImport) == 0
