"""Issue 10, money and dates that cannot be real, end to end as a user runs the commands.

Amounts over R 100 000 000,00 and dates outside 2000-01-01 to 2099-12-31 are
refused wherever they come in (bank files, roster and balance files, command
options), naming the file, line and field or the option, and nothing is
written. Dates far from today are taken with a warning on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import BankLine, Charge, Child, Invoice, LedgerEntry, Payment
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok
from tests.roster_support import SAMPLE_ROSTER, sample_creche

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
TOO_MUCH = "R 99 999 999 999 999,99 is more than the largest amount a book takes (R 100 000 000,00)"
OUTSIDE = "is outside the dates a book takes (2000-01-01 to 2099-12-31)"
TOO_OLD = "is more than 20 years before today ({today}); a child at a creche is younger"
SQLITE = pytest.mark.parametrize("backend", ["sqlite"])  # the services run on both backends
TODAY = dt.date.today()  # noqa: DTZ011 - the commands compare with the creche's own day


def _years_ahead(years: int) -> dt.date:
    return TODAY.replace(year=TODAY.year + years, day=min(TODAY.day, 28))


class Creche:
    """A book with the sample fees and roster and a bank account ``Cheque``, set up by the CLI."""

    def __init__(self, cli: Cli, url: str, folder: Path) -> None:
        self.cli, self.url, self.folder = cli, url, folder
        sample_creche(url, folder / "setup-files")

    def run(self, *args: str) -> Any:
        return self.cli("--db", self.url, *args)

    def write(self, name: str, text: str) -> str:
        (self.folder / name).write_text(text, encoding="utf-8")
        return name

    @contextmanager
    def opened(self) -> Iterator[Book]:
        book, _ = Book.open(Settings(self.url, self.folder / "in-process-files"))
        try:
            yield book
        finally:
            book.close()

    def count(self, table: type) -> int:
        with self.opened() as book, book.read() as uow:
            return int(uow._session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def creche(cli: Cli, book_url: str, tmp_path: Path) -> Creche:
    return Creche(cli, book_url, tmp_path)


def refused(result: Any) -> list[str]:
    """Exit 1, nothing on stdout, no traceback; stderr's lines (without ``crechebooks: error:``)."""
    assert result.code == 1, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith("crechebooks: error: "), result
    return [first.removeprefix("crechebooks: error: "), *rest]


def ofx(*transactions: tuple[str, str]) -> str:
    """An OFX 1.x statement; its first transaction is on line 5."""
    body = "".join(
        f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{day}<TRNAMT>{amount}<FITID>F{n}<NAME>A PARENT\n"
        for n, (day, amount) in enumerate(transactions, start=1)
    )
    return (
        "OFXHEADER:100\nDATA:OFXSGML\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>ZAR<BANKTRANLIST>\n"
        + body
        + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )


# --------------------------------------------------------------------------- amounts


def test_the_reported_amount_is_refused_by_bank_import_and_payments_add(creche: Creche) -> None:
    """Issue 10, point 3: R 99 999 999 999 999,99 enters neither by a file nor by hand."""
    csv_file = creche.write(
        "big.csv",
        "Date,Description,Amount\n"
        "2026-03-02,SCHOOL FEES,4850.00\n"
        "2026-03-03,MRS DLAMINI,99999999999999.99\n",
    )
    assert refused(creche.run("bank", "import", csv_file, "--account", "Cheque")) == [
        "big.csv was not imported (1 problem); nothing was changed",
        f"big.csv:3: Amount: {TOO_MUCH}",
    ]
    ofx_file = creche.write(
        "big.ofx", ofx(("20260302", "4850.00"), ("20260303", "99999999999999.99"))
    )
    assert refused(creche.run("bank", "import", ofx_file, "--account", "Cheque")) == [
        "big.ofx was not imported (1 problem); nothing was changed",
        f"big.ofx:6: TRNAMT: {TOO_MUCH}",
    ]
    payment = ("payments", "add", "--household", "DLAMINI01", "--date", "2026-03-03")
    assert refused(creche.run(*payment, "--method", "EFT", "--amount", "99999999999999.99")) == [
        f"--amount: {TOO_MUCH}"
    ]
    assert (creche.count(BankLine), creche.count(Payment)) == (0, 0)
    # The account list, which the overflowing sum broke, still reads.
    assert (
        json.loads(ok(creche.run("bank", "accounts", "list", "--json")))["accounts"][0][
            "balance_cents"
        ]
        == 0
    )


@SQLITE
def test_a_thousand_lines_at_the_limit_add_up_without_overflow(creche: Creche) -> None:
    rows = "".join(f"2026-03-02,LINE {n},100000000.00\n" for n in range(1000))
    name = creche.write("limit.csv", "Date,Description,Amount\n" + rows)
    ok(creche.run("bank", "import", name, "--account", "Cheque"))
    (account,) = json.loads(ok(creche.run("bank", "accounts", "list", "--json")))["accounts"]
    assert (account["line_count"], account["balance_cents"]) == (1000, 1000 * 10_000_000_000)
    assert "R 100 000 000 000,00" in ok(creche.run("bank", "accounts", "list"))


# --------------------------------------------------------------------------- dates


@SQLITE
def test_the_reported_dates_in_files_are_refused_naming_file_line_and_field(
    creche: Creche,
) -> None:
    """Issue 10, point 4: a date of birth of 1900 or year 1, an enrolment from 9999, and
    opening balances and bank lines dated in year 1, 1900 or 9999."""
    roster = (SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()[0]) + "\n"
    kid = "NEW01,Mrs New,,,,NEW01-{n},Kid,New,{born},Half Day (07:00-13:00),{start},,,,\n"
    roster += kid.format(n=1, born="1900-01-01", start="2026-01-14")
    roster += kid.format(n=2, born="0001-01-01", start="2026-01-14")
    roster += kid.format(n=3, born="2023-01-01", start="9999-12-31")
    today = TODAY.isoformat()
    assert refused(creche.run("roster", "import", creche.write("r.csv", roster))) == [
        "r.csv was not imported (3 problems); nothing was changed",
        f"r.csv:2: child_dob: 1900-01-01 {TOO_OLD.format(today=today)}",
        f"r.csv:3: child_dob: 0001-01-01 {TOO_OLD.format(today=today)}",
        f"r.csv:4: start_date: 9999-12-31 {OUTSIDE}",
    ]
    balances = "household_ref,amount,as_of\nDLAMINI01,100.00,0001-01-01\n"
    balances += "NAIDOO02,100.00,1900-01-01\nVDMERWE03,100.00,9999-12-31\n"
    assert refused(creche.run("balances", "import", creche.write("b.csv", balances))) == [
        "b.csv was not imported (3 problems); nothing was changed",
        f"b.csv:2: as_of: 0001-01-01 {OUTSIDE}",
        f"b.csv:3: as_of: 1900-01-01 {OUTSIDE}",
        f"b.csv:4: as_of: 9999-12-31 {OUTSIDE}",
    ]
    statement = "Date,Description,Amount\n2026-03-02,FEES,10.00\n1900-01-01,OLD,5.00\n"
    statement += "9999-12-31,LATE,5.00\n"
    assert refused(
        creche.run("bank", "import", creche.write("s.csv", statement), "--account", "Cheque")
    ) == [
        "s.csv was not imported (2 problems); nothing was changed",
        f"s.csv:3: date: 1900-01-01 {OUTSIDE}",
        f"s.csv:4: date: 9999-12-31 {OUTSIDE}",
    ]
    year_one = creche.write("s.ofx", ofx(("20260302", "10.00"), ("00010101", "5.00")))
    assert refused(creche.run("bank", "import", year_one, "--account", "Cheque")) == [
        "s.ofx was not imported (1 problem); nothing was changed",
        f"s.ofx:6: date: 0001-01-01 {OUTSIDE}",
    ]
    assert (creche.count(Child), creche.count(LedgerEntry), creche.count(BankLine)) == (15, 0, 0)


@SQLITE
def test_the_reported_dates_on_the_command_line_are_refused_naming_the_option(
    creche: Creche,
) -> None:
    payment = ("payments", "add", "--household", "DLAMINI01", "--amount", "100", "--method", "EFT")
    assert refused(creche.run(*payment, "--date", "1900-01-01")) == [
        f"--date: 1900-01-01 {OUTSIDE}"
    ]
    assert refused(creche.run("invoices", "generate", "--month", "9999-12")) == [
        "--month: 9999-12 is outside the dates a book takes (2000-01-01 to 2099-12-31)"
    ]
    charge = ("charges", "add", "--child", "DLAMINI01-1", "--type", "LATE_PICKUP")
    assert refused(creche.run(*charge, "--amount", "50", "--date", "0001-01-01")) == [
        f"--date: 0001-01-01 {OUTSIDE}"
    ]
    end = ("enrolments", "end", "--child", "DLAMINI01-1", "--status", "WITHDRAWN")
    assert refused(creche.run(*end, "--date", "9999-12-31")) == [f"--date: 9999-12-31 {OUTSIDE}"]
    assert (creche.count(Payment), creche.count(Invoice), creche.count(Charge)) == (0, 0, 0)


@SQLITE
def test_dates_far_from_today_are_taken_with_a_warning(creche: Creche) -> None:
    """A payment two years ahead, a month billed four years ahead, a charge three years
    ahead and a bank line two years ahead: done, each with a warning on stderr."""
    today = TODAY.isoformat()
    paid_on = _years_ahead(2).isoformat()
    payment = ("payments", "add", "--household", "DLAMINI01", "--amount", "100", "--method", "EFT")
    paid = creche.run(*payment, "--date", paid_on)
    ok(paid)
    assert paid.stderr == (
        f"warning: --date: {paid_on} is more than a year after today ({today}); check the date\n"
    )
    month = _years_ahead(4).strftime("%Y-%m")
    generated = creche.run("invoices", "generate", "--month", month)
    assert "created 14 invoices" in ok(generated)
    assert generated.stderr == (
        f"warning: --month: {month} is more than a year after today ({today}); check the date\n"
    )
    charged_on = _years_ahead(3).isoformat()
    charge = ("charges", "add", "--child", "DLAMINI01-1", "--type", "LATE_PICKUP", "--amount", "50")
    charged = creche.run(*charge, "--date", charged_on)
    ok(charged)
    assert charged.stderr.startswith(f"warning: --date: {charged_on} is more than a year after")
    line_on = _years_ahead(2).isoformat()
    name = creche.write("ahead.csv", f"Date,Description,Amount\n{line_on},EARLY,10.00\n")
    imported = json.loads(ok(creche.run("bank", "import", name, "--account", "Cheque", "--json")))
    warning = (
        f"ahead.csv:2: date: {line_on} is more than a year after today ({today}); check the date"
    )
    assert (imported["imported"], imported["warnings"]) == (1, [warning])
    assert (creche.count(Payment), creche.count(Invoice), creche.count(Charge)) == (1, 14, 1)
    assert creche.count(BankLine) == 1
