"""Bank statements and matching end to end: ``bank ...`` and ``match ...`` in a separate process.

The creche is that of ``tests/bank_fixtures.py`` (October invoiced and sent;
a bank account ``Cheque``). Statements are real files written to disk.
Refusals are one line on stderr (a refused file: one line per problem), with
nothing written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankImport, BankLine, Payment
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.settings import Settings
from tests.bank_fixtures import Creche, build_creche
from tests.cli_results import ok

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
LINE_KEYS = {"id", "date", "transaction_date", "amount_cents", "description", "reference", "payer"}
CANDIDATE_KEYS = {
    "household_ref",
    "invoice_numbers",
    "score",
    "reference_points",
    "amount_points",
    "name_points",
    "reasons",
}


class BankBook:
    def __init__(self, url: str, files: Path) -> None:
        self.url, self.files = url, files
        book, _ = Book.open(Settings(url, files / "setup-files"))
        self.creche: Creche = build_creche(book)
        book.close()

    @property
    def db(self) -> tuple[str, str]:
        return ("--db", self.url)

    def count(self, model: type) -> int:
        book, _ = Book.open(Settings(self.url, self.files / "setup-files"))
        try:
            with book.read() as uow:
                return int(uow._session.scalar(select(func.count()).select_from(model)) or 0)
        finally:
            book.close()

    def check(self) -> None:
        book, _ = Book.open(Settings(self.url, self.files / "setup-files"))
        try:
            with book.read(self.creche.tenant) as uow:
                assert check_creche(uow).violations == ()
        finally:
            book.close()


@pytest.fixture
def setup(book_url: str, tmp_path: Path) -> BankBook:
    return BankBook(book_url, tmp_path)


def as_json(result: Any) -> Any:
    return json.loads(ok(result))


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def statement(tmp_path: Path, setup: BankBook, name: str = "fnb.csv") -> Path:
    """An FNB-style export (preamble, D/M dates) for October."""
    thabo = setup.creche.invoice["DLAMINI01-1"]
    path = tmp_path / name
    path.write_text(
        "2,62812345678,'Cheque Account'\n"
        "3,'Transaction history'\n"
        "Date,Amount,Balance,Description\n"
        f"03/10/2026,4850.00,4850.00,MRS N DLAMINI {thabo}\n"
        "04/10/2026,8050.00,12900.00,NAIDOO03 SCHOOL FEES\n"
        "05/10/2026,4850.00,17750.00,A BOTHA\n"
        "06/10/2026,1.50,17751.50,CREDIT INTEREST\n"
        "06/10/2026,-50.00,17701.50,#MONTHLY ACCOUNT FEE\n",
        encoding="cp1252",
    )
    return path


@pytest.mark.parametrize("backend", ["sqlite"])  # the services are tested on both
def test_accounts(cli: Cli, setup: BankBook) -> None:
    added = as_json(
        cli(
            *setup.db,
            "bank",
            "accounts",
            "add",
            "--name",
            "Savings",
            "--bank",
            "capitec",
            "--number",
            "1234",
            "--opening-balance",
            "R 1 000,00",
            "--as-of",
            "2026-09-30",
            "--json",
        )
    )
    assert (added["name"], added["bank"], added["opening_balance_cents"]) == (
        "Savings",
        "capitec",
        100_000,
    )
    listed = as_json(cli(*setup.db, "bank", "accounts", "list", "--json"))
    assert [a["name"] for a in listed["accounts"]] == ["Cheque", "Savings"]
    assert "already a bank account" in refused(
        cli(*setup.db, "bank", "accounts", "add", "--name", "savings")
    )
    assert "--as-of" in refused(
        cli(*setup.db, "bank", "accounts", "add", "--name", "X", "--opening-balance", "5")
    )
    assert refused(cli(*setup.db, "bank", "accounts", "add", "--name", "Y", "--bank", "mars"), 2)


def test_import_match_review_undo(cli: Cli, setup: BankBook, tmp_path: Path) -> None:
    path = statement(tmp_path, setup)
    first = as_json(cli(*setup.db, "bank", "import", str(path), "--account", "cheque", "--json"))
    assert (first["imported"], first["duplicates"], first["warnings"]) == (5, 0, [])
    assert all(set(line) == LINE_KEYS for line in first["lines"])
    assert [line["amount_cents"] for line in first["lines"]] == [
        485_000,
        805_000,
        485_000,
        150,
        -5_000,
    ]
    assert first["lines"][0]["date"] == "2026-10-03"
    again = as_json(cli(*setup.db, "bank", "import", str(path), "--account", "Cheque", "--json"))
    assert (again["imported"], again["duplicates"], again["lines"]) == (0, 5, [])
    assert setup.count(BankLine) == 5

    ran = as_json(cli(*setup.db, "match", "run", "--json"))
    decisions = {line["description"]: line["decision"] for line in ran["lines"]}
    assert decisions["NAIDOO03 SCHOOL FEES"] == "AUTO_APPLIED"
    assert decisions["CREDIT INTEREST"] == "NO_MATCH"
    assert decisions["A BOTHA"] == "REVIEW_REQUIRED"
    assert "#MONTHLY ACCOUNT FEE" not in decisions
    for line in ran["lines"]:
        assert all(set(c) >= CANDIDATE_KEYS for c in line["candidates"])
        scores = [c["score"] for c in line["candidates"]]
        assert scores == sorted(scores, reverse=True)
    botha = next(line for line in ran["lines"] if line["description"] == "A BOTHA")
    interest = next(line for line in ran["lines"] if line["description"] == "CREDIT INTEREST")

    accepted = as_json(
        cli(*setup.db, "match", "accept", str(botha["line_id"]), "--household", "BOTHA04", "--json")
    )
    assert (accepted["decision"], accepted["household_ref"]) == ("ACCEPTED", "BOTHA04")
    ok(cli(*setup.db, "match", "reject", str(interest["line_id"])))
    review = as_json(cli(*setup.db, "match", "list", "--status", "matched", "--json"))
    assert {line["description"] for line in review["lines"]} >= {"A BOTHA", "NAIDOO03 SCHOOL FEES"}

    aliases = as_json(cli(*setup.db, "match", "aliases", "--json"))["aliases"]
    assert {a["household_ref"] for a in aliases} >= {"BOTHA04"}
    payments = setup.count(Payment)
    undone = as_json(cli(*setup.db, "match", "undo", str(botha["line_id"]), "--json"))
    assert (undone["decision"], undone["status"]) == ("UNDONE", "REVIEW")
    assert setup.count(Payment) == payments  # reversed, not deleted
    still = {a["id"] for a in as_json(cli(*setup.db, "match", "aliases", "--json"))["aliases"]}
    assert not still & {a["id"] for a in aliases if a["household_ref"] == "BOTHA04"}
    assert "no decision" in refused(cli(*setup.db, "match", "undo", str(botha["line_id"])))
    parked = as_json(
        cli(*setup.db, "match", "park", str(botha["line_id"]), "--note", "ask Anna", "--json")
    )
    assert (parked["status"], parked["note"]) == ("PARKED", "ask Anna")
    keep = {a["id"] for a in as_json(cli(*setup.db, "match", "aliases", "--json"))["aliases"]}
    if keep:
        gone = next(iter(keep))
        ok(cli(*setup.db, "match", "aliases", "--forget", str(gone)))
        assert "no learned alias" in refused(
            cli(*setup.db, "match", "aliases", "--forget", str(gone))
        )
    setup.check()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_split(cli: Cli, setup: BankBook, tmp_path: Path) -> None:
    path = statement(tmp_path, setup)
    lines = as_json(cli(*setup.db, "bank", "import", str(path), "--account", "Cheque", "--json"))[
        "lines"
    ]
    botha = str(lines[2]["id"])
    split = as_json(
        cli(*setup.db, "bank", "split", botha, "--part", "4800.00", "--part", "50,00", "--json")
    )
    assert [p["amount_cents"] for p in split["parts"]] == [480_000, 5_000]
    assert "not the line's" in refused(
        cli(*setup.db, "bank", "split", str(lines[3]["id"]), "--part", "1", "--part", "1")
    )
    assert "LINE_ID must be a number" in refused(
        cli(*setup.db, "bank", "split", "x", "--part", "1", "--part", "1")
    )


def test_a_bad_file_is_refused_whole(cli: Cli, setup: BankBook, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Date,Description,Amount\n2026-10-03,FEES,4850.00\n2026-13-40,FEES,100.00\n2026-10-05,FEES,abc\n",
        encoding="utf-8",
    )
    message = refused(cli(*setup.db, "bank", "import", str(bad), "--account", "Cheque"))
    assert "nothing was changed" in message
    assert f"{bad}:3:" in message
    assert f"{bad}:4:" in message
    assert setup.count(BankLine) == 0
    assert setup.count(BankImport) == 0
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x00")
    assert "statement.pdf" in refused(
        cli(*setup.db, "bank", "import", str(pdf), "--account", "Cheque")
    )
    assert "no such file" in refused(
        cli(*setup.db, "bank", "import", str(tmp_path / "nope.ofx"), "--account", "Cheque")
    )
    good = statement(tmp_path, setup)
    assert "no bank account named 'Savings'" in refused(
        cli(*setup.db, "bank", "import", str(good), "--account", "Savings")
    )
    assert setup.count(BankLine) == 0
