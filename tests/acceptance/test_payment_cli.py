"""Money in end to end: ``payments``, ``credits``, ``adjust``, ``balances`` and ``ledger``.

Run as a scheduled task would, in a separate process, on the demo creche on its
first day (``months=0``) as of 2026-11-21: nine opening-balance invoices
INV-2026-000001..9 (SENT, due 2026-11-01; JACOBS18 owes R 2 425 on
INV-2026-000004), three households in credit (PILLAY07, MOODLEY29, BALOYI40).
Every refusal is one line on stderr, exit status 1 (2 for a malformed command
line), nothing on stdout, no traceback, and nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Allocation, AuditRecord, LedgerEntry, Payment
from crechebooks_desktop.domain.money import format_plain
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.admin.users import acting_user
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
DEMO_TODAY = dt.date(2026, 11, 21)
JACOBS = "INV-2026-000004"  # R 2 425,00, SENT, due 2026-11-01
VANDERME = "INV-2026-000001"  # R 1 500,00, SENT, VANDERME03
ENTRY_KEYS = {
    "id",
    "date",
    "type",
    "amount_cents",
    "running_balance_cents",
    "balance_after_cents",
    "description",
    "who",
}
LEDGER_KEYS = ["from", "to", "opening_balance_cents", "closing_balance_cents", "entries"]
BALANCE_KEYS = {"household_ref", "balance_cents", "outstanding_cents", "credit_cents"}


@contextmanager
def opened(url: str, files: Path) -> Iterator[Book]:
    book, _ = Book.open(Settings(url, files / "in-process-files"))
    try:
        yield book
    finally:
        book.close()


def as_json(result: Any) -> Any:
    return json.loads(ok(result))


def refused(result: Any, code: int = 1) -> str:
    """A clean refusal: the exit status, one line on stderr, nothing else."""
    assert result.code == code, result
    assert result.stderr.endswith("\n"), result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


@dataclass(frozen=True)
class Demo:
    url: str
    files: Path

    @property
    def db(self) -> tuple[str, str]:
        return ("--db", self.url)

    def check(self) -> None:
        with opened(self.url, self.files) as book, book.read(1) as uow:
            report = check_creche(uow)
        assert report.violations == ()

    def counts(self) -> dict[str, int]:
        with opened(self.url, self.files) as book, book.read() as uow:
            session = uow._session
            return {
                model.__tablename__: int(
                    session.scalar(select(func.count()).select_from(model)) or 0
                )
                for model in (Payment, Allocation, LedgerEntry, AuditRecord)
            }

    def credit(self, ref: str) -> int:
        with opened(self.url, self.files) as book, book.read(1) as uow:
            (found,) = [s for s in uow.roster.household_summaries() if s.account_ref == ref]
        return found.credit_cents

    def november(self) -> None:
        """November's run, sent (in this process: it is set-up, not under test)."""
        with opened(self.url, self.files) as book:
            with book.read(1) as uow:
                actor = acting_user(uow, 1, None)
            generate_month(lambda: book.write(1), actor, dt.date(2026, 11, 1))
            with book.write(1) as uow:
                send_month(uow, actor, dt.date(2026, 11, 1))


@pytest.fixture
def demo(book_url: str, tmp_path: Path) -> Demo:
    # The demo's first day: the roster and opening balances, nothing billed yet.
    with opened(book_url, tmp_path) as book, book.write() as uow:
        create_demo_creche(uow, DEMO_TODAY, months=0)
    return Demo(book_url, tmp_path)


def pay(demo: Demo, ref: str, amount: str, *extra: str) -> list[str]:
    return [
        *demo.db,
        "payments",
        "add",
        "--household",
        ref,
        "--amount",
        amount,
        "--date",
        "2026-11-20",
        "--method",
        "EFT",
        *extra,
    ]


def test_payment_reverse_ledger_and_balances(cli: Cli, demo: Demo) -> None:
    paid = as_json(cli(*pay(demo, "jacobs18", "R 2 500,00", "--reference", "JAC Nov", "--json")))
    assert paid == {
        "payment_id": 1,
        "amount_cents": 250_000,
        "allocations": [{"invoice": JACOBS, "amount_cents": 242_500}],
        "credit_cents": 7_500,
    }
    shown = as_json(cli(*demo.db, "invoices", "show", JACOBS, "--json"))
    assert (shown["status"], shown["balance_due_cents"]) == ("PAID", 0)
    demo.check()

    # Explicit pairs; the amount may use a decimal comma inside the list.
    said = ok(
        cli(
            *pay(demo, "VANDERME03", "1000", "--method", "cash"),
            "--allocate",
            f"{VANDERME.lower()}=600,50",
        )
    )
    assert said.splitlines() == [
        "payment 2: R 1 000,00 from VANDERME03",
        f"  {VANDERME}          R 600,50  PARTIALLY_PAID",
        "  to credit                R 399,50",
    ]
    demo.check()

    ledger = as_json(cli(*demo.db, "ledger", "--household", "JACOBS18", "--json"))
    assert list(ledger) == LEDGER_KEYS
    assert (ledger["opening_balance_cents"], ledger["closing_balance_cents"]) == (0, -7_500)
    entries = ledger["entries"]
    assert all(set(e) == ENTRY_KEYS for e in entries)
    assert [(e["type"], e["amount_cents"], e["running_balance_cents"]) for e in entries] == [
        ("CHARGE", 242_500, 242_500),
        ("PAYMENT", -250_000, -7_500),
    ]
    assert [e["balance_after_cents"] for e in entries] == [242_500, -7_500]
    assert [(e["date"], e["description"], e["who"]) for e in entries] == [
        ("2026-11-01", f"{JACOBS} Opening balance as at 2026-11-01", "admin"),
        ("2026-11-20", "Payment by EFT: JAC Nov", "admin"),
    ]
    assert entries[0]["id"] < entries[1]["id"]
    windowed = as_json(
        cli(*demo.db, "ledger", "--household", "JACOBS18", "--from", "2026-11-02", "--json")
    )
    assert windowed["entries"] == entries[1:]
    assert (windowed["from"], windowed["to"], windowed["opening_balance_cents"]) == (
        "2026-11-02",
        None,
        242_500,
    )
    assert as_json(
        cli(*demo.db, "ledger", "--household", "JACOBS18", "--to", "2026-10-31", "--json")
    ) == {
        "from": None,
        "to": "2026-10-31",
        "opening_balance_cents": 0,
        "closing_balance_cents": 0,
        "entries": [],
    }
    text = ok(cli(*demo.db, "ledger", "--household", "JACOBS18")).splitlines()
    assert text[-1] == "2 entries"
    assert text[0].split() == ["date", "type", "amount", "balance", "description"]
    assert text[2].startswith("2026-11-20  PAYMENT ")

    listed = as_json(cli(*demo.db, "balances", "--json"))["households"]
    assert all(set(b) == BALANCE_KEYS for b in listed)
    assert len(listed) == 45
    assert [b["household_ref"] for b in listed] == sorted(b["household_ref"] for b in listed)
    by_ref = {b["household_ref"]: b for b in listed}
    assert by_ref["JACOBS18"] == {
        "household_ref": "JACOBS18",
        "balance_cents": -7_500,
        "outstanding_cents": 0,
        "credit_cents": 7_500,
    }
    for b in listed:
        assert b["balance_cents"] == b["outstanding_cents"] - b["credit_cents"]
    before = as_json(cli(*demo.db, "balances", "--as-of", "2026-11-19", "--json"))["households"]
    assert {b["household_ref"]: b for b in before}["JACOBS18"] == {
        "household_ref": "JACOBS18",
        "balance_cents": 242_500,
        "outstanding_cents": 242_500,
        "credit_cents": 0,
    }
    assert ok(cli(*demo.db, "balances")).splitlines()[-1] == "45 household(s)"

    undone = as_json(
        cli(
            *demo.db,
            "payments",
            "reverse",
            "1",
            "--reason",
            "Bounced",
            "--date",
            "2026-11-21",
            "--json",
        )
    )
    assert undone == {
        "payment_id": 1,
        "household_ref": "JACOBS18",
        "amount_cents": 250_000,
        "invoices": [
            {
                "invoice": JACOBS,
                "amount_cents": 242_500,
                "status": "OVERDUE",  # due 2026-11-01
                "balance_due_cents": 242_500,
            }
        ],
        "credit_taken_cents": 7_500,
        "entry_id": undone["entry_id"],
    }
    demo.check()
    assert refused(cli(*demo.db, "payments", "reverse", "1", "--reason", "Again")) == (
        "crechebooks: error: payment 1 was reversed already (Bounced)"
    )
    last = as_json(cli(*demo.db, "ledger", "--household", "JACOBS18", "--json"))["entries"][-1]
    assert (last["type"], last["amount_cents"], last["balance_after_cents"]) == (
        "REVERSAL",
        250_000,
        242_500,
    )


def test_ledger_runs_by_date_when_an_opening_balance_comes_in_after_the_charges(
    cli: Cli, demo: Demo, tmp_path: Path
) -> None:
    """Issue #10: a back-dated opening balance is read first, and --to agrees with --as-of."""

    def ledger(*extra: str) -> list[str]:
        return [*demo.db, "ledger", "--household", "DLAMINI01", *extra]

    for amount, day in (("1000", "2026-10-10"), ("500", "2026-11-10")):
        adjust = ["adjust", "--household", "DLAMINI01", "--amount", amount, "--date", day]
        ok(cli(*demo.db, *adjust, "--reason", "Aftercare"))
    (tmp_path / "opening.csv").write_text("household_ref,amount,as_of\nDLAMINI01,2000,2026-09-30\n")
    ok(cli(*demo.db, "balances", "import", "opening.csv"))

    text = ok(cli(*demo.db, "ledger", "--household", "dlamini01")).splitlines()
    assert text[0].split() == ["date", "type", "amount", "balance", "description"]
    cells = [re.split(r" {2,}", line) for line in text[1:-1]]
    assert [(cell[0], cell[3]) for cell in cells] == [
        ("2026-09-30", "R 2 000,00"),
        ("2026-10-10", "R 3 000,00"),
        ("2026-11-10", "R 3 500,00"),
    ]
    assert "Opening balance as at 2026-09-30" in text[1]
    entries = as_json(cli(*ledger("--json")))["entries"]
    # The opening balance was posted last: the stored chain stays in posting order.
    assert [(e["date"], e["running_balance_cents"], e["balance_after_cents"]) for e in entries] == [
        ("2026-09-30", 200_000, 350_000),
        ("2026-10-10", 300_000, 100_000),
        ("2026-11-10", 350_000, 150_000),
    ]
    brought = ok(cli(*ledger("--from", "2026-10-01"))).splitlines()
    # The brought-forward balance stands in the balance column, its words in the description's.
    description = brought[0].index("description")
    first = brought[1]
    assert first[:10] == "2026-10-01"
    assert first[10:description].split() == ["R", "2", "000,00"]  # no type, no amount
    assert first[description:] == "Balance brought forward"
    assert brought[2].startswith("2026-10-10  ADJUSTMENT ")
    assert brought[-1] == "2 entries"

    for day in ("2026-09-29", "2026-09-30", "2026-10-09", "2026-10-31", "2026-11-21"):
        as_of = as_json(cli(*demo.db, "balances", "--as-of", day, "--json"))["households"]
        want = {b["household_ref"]: b["balance_cents"] for b in as_of}["DLAMINI01"]
        up_to = as_json(cli(*ledger("--to", day, "--json")))
        shown = up_to["entries"][-1]["running_balance_cents"] if up_to["entries"] else 0
        assert (shown, up_to["closing_balance_cents"]) == (want, want), day
        window = as_json(cli(*ledger("--from", "2026-09-29", "--to", day, "--json")))
        assert window["closing_balance_cents"] == want, day
    assert refused(cli(*ledger("--from", "2026-10-05", "--to", "2026-10-04"))) == (
        "crechebooks: error: a period from 2026-10-05 to 2026-10-04 ends before it starts"
    )
    demo.check()


def test_refusals_write_nothing(cli: Cli, demo: Demo) -> None:
    demo.november()
    nov = as_json(cli(*demo.db, "invoices", "list", "--household", "JACOBS18", "--json"))
    november = [i["number"] for i in nov["invoices"] if i["number"] != JACOBS]
    voided = november[0]
    ok(cli(*demo.db, "invoices", "generate", "--month", "2026-12"))
    draft = as_json(
        cli(*demo.db, "invoices", "list", "--household", "JACOBS18", "--status", "DRAFT", "--json")
    )["invoices"][0]["number"]
    before = demo.counts()
    cases = [
        (
            pay(demo, "JACOBS18", "0"),
            "crechebooks: error: a payment must be more than zero (got R 0,00)",
        ),
        (
            pay(demo, "JACOBS18", "12.3456"),
            "crechebooks: error: --amount: too many decimals in '12.3456' (at most 2)",
        ),
        (pay(demo, "NOBODY", "10"), "crechebooks: error: no household 'NOBODY' in this creche"),
        (
            pay(demo, "JACOBS18", "10", "--allocate", "INV-2026-000004"),
            (
                "crechebooks: error: --allocate: expected auto or NUMBER=AMOUNT,... "
                "(got 'INV-2026-000004')"
            ),
        ),
        (
            pay(demo, "JACOBS18", "10", "--allocate", f"{JACOBS}=abc"),
            f"crechebooks: error: --allocate {JACOBS}: not an amount: 'abc'",
        ),
        (
            pay(demo, "JACOBS18", "3000", "--allocate", f"{JACOBS}=2425.01"),
            (
                "crechebooks: error: R 2 425,01 is more than the balance due on invoice "
                f"{JACOBS} (R 2 425,00)"
            ),
        ),
        (
            pay(demo, "JACOBS18", "100", "--allocate", f"{JACOBS}=100,{november[1]}=1"),
            (
                "crechebooks: error: the allocations add up to R 101,00, more than the "
                "R 100,00 there is to allocate"
            ),
        ),
        (
            pay(demo, "JACOBS18", "100", "--allocate", f"{draft}=1"),
            (
                f"crechebooks: error: invoice {draft} is DRAFT; money can be allocated only "
                "to invoices that have been sent and are not void"
            ),
        ),
        (
            pay(demo, "JACOBS18", "100", "--allocate", f"{VANDERME}=1"),
            f"crechebooks: error: invoice {VANDERME} is not an invoice of this household",
        ),
        (
            [*demo.db, "payments", "reverse", "77", "--reason", "x"],
            "crechebooks: error: no payment 77 in this creche",
        ),
        (
            [*demo.db, "payments", "reverse", "one", "--reason", "x"],
            "crechebooks: error: PAYMENT_ID must be a number (got 'one')",
        ),
        (
            [
                *demo.db,
                "credits",
                "refund",
                "--household",
                "JACOBS18",
                "--amount",
                "1",
                "--date",
                "2026-11-21",
                "--reason",
                "x",
            ],
            "crechebooks: error: cannot refund R 1,00: JACOBS18 has only R 0,00 of unused credit",
        ),
        (
            [
                *demo.db,
                "adjust",
                "--household",
                "JACOBS18",
                "--amount",
                "0",
                "--date",
                "2026-11-21",
                "--reason",
                "x",
            ],
            "crechebooks: error: an adjustment of zero changes nothing",
        ),
        (
            [
                *demo.db,
                "adjust",
                "--household",
                "JACOBS18",
                "--amount",
                "5",
                "--date",
                "21/11/2026",
                "--reason",
                "x",
            ],
            (
                "crechebooks: error: --date: date must be YYYY-MM-DD, e.g. 2026-03-01 "
                "(got '21/11/2026')"
            ),
        ),
        (
            [*demo.db, "ledger", "--household", "NOBODY"],
            "crechebooks: error: no household 'NOBODY' in this creche",
        ),
        (
            [*demo.db, "balances", "--as-of", "soon"],
            "crechebooks: error: --as-of: date must be YYYY-MM-DD, e.g. 2026-03-01 (got 'soon')",
        ),
    ]
    for args, message in cases:
        assert refused(cli(*args)) == message
    assert demo.counts() == before
    # A VOID invoice is refused too.
    ok(cli(*demo.db, "invoices", "void", voided, "--reason", "Left in October"))
    before = demo.counts()
    assert refused(cli(*pay(demo, "JACOBS18", "100", "--allocate", f"{voided}=1"))).endswith(
        f"invoice {voided} is VOID; money can be allocated only to invoices that have been "
        "sent and are not void"
    )
    # A malformed command line: argparse's one line and exit status 2.
    bad_method = refused(cli(*pay(demo, "JACOBS18", "10", "--method", "CHEQUE")), code=2)
    assert bad_method.startswith(
        "crechebooks payments add: error: argument --method: invalid choice"
    )
    assert demo.counts() == before
    demo.check()


def test_credits_refund_and_adjust(cli: Cli, demo: Demo) -> None:
    credit = demo.credit("PILLAY07")
    assert credit > 1_000
    refunded = as_json(
        cli(
            *demo.db,
            "credits",
            "refund",
            "--household",
            "PILLAY07",
            "--amount",
            "10",
            "--date",
            "2026-11-21",
            "--reason",
            "Paid back",
            "--json",
        )
    )
    assert refunded == {
        "household_ref": "PILLAY07",
        "amount_cents": 1_000,
        "entry_id": refunded["entry_id"],
        "balance_cents": -(credit - 1_000),
        "credit_cents": credit - 1_000,
    }
    assert refused(
        cli(
            *demo.db,
            "credits",
            "refund",
            "--household",
            "PILLAY07",
            "--amount",
            "1000000",
            "--date",
            "2026-11-21",
            "--reason",
            "x",
        )
    ).startswith("crechebooks: error: cannot refund R 1 000 000,00: PILLAY07 has only ")
    demo.check()

    # Credit waits for an invoice; `credits apply` uses it once there is one.
    nothing = as_json(cli(*demo.db, "credits", "apply", "--household", "PILLAY07", "--json"))
    assert nothing == {
        "household_ref": "PILLAY07",
        "applied_cents": 0,
        "allocations": [],
        "credit_cents": credit - 1_000,
    }
    made = as_json(
        cli(
            *demo.db,
            "adjust",
            "--household",
            "PILLAY07",
            "--amount",
            "5000",
            "--date",
            "2026-11-21",
            "--reason",
            "Uniforms",
            "--json",
        )
    )
    number = made["invoice"]
    assert made["amount_cents"] == 500_000
    assert made["balance_cents"] == 500_000 - (credit - 1_000)
    used = as_json(cli(*demo.db, "credits", "apply", "--household", "PILLAY07", "--json"))
    assert used == {
        "household_ref": "PILLAY07",
        "applied_cents": credit - 1_000,
        "allocations": [{"invoice": number, "amount_cents": credit - 1_000}],
        "credit_cents": 0,
    }
    demo.check()
    shown = as_json(cli(*demo.db, "invoices", "show", number, "--json"))
    assert (shown["status"], shown["balance_due_cents"]) == (
        "PARTIALLY_PAID",
        made["balance_cents"],
    )
    assert shown["lines"][0]["description"] == "Adjustment: Uniforms"

    # A write-off: negative, applied to what is owed; the rest becomes credit.
    owed = made["balance_cents"]
    off = as_json(
        cli(
            *demo.db,
            "adjust",
            "--household",
            "PILLAY07",
            f"--amount={format_plain(-(owed + 100_000))}",
            "--date",
            "2026-11-21",
            "--reason",
            "Write-off",
            "--json",
        )
    )
    assert (off["invoice"], off["allocations"], off["balance_cents"]) == (
        None,
        [{"invoice": number, "amount_cents": owed}],
        -100_000,
    )
    assert off["credit_cents"] == 100_000
    said = ok(
        cli(
            *demo.db,
            "adjust",
            "--household",
            "PILLAY07",
            "--amount",
            "10",
            "--date",
            "2026-11-21",
            "--reason",
            "Fee",
        )
    )
    assert said.startswith("PILLAY07: adjusted by R 10,00 (invoice INV-2026-")
    demo.check()


def test_balances_import(cli: Cli, demo: Demo, tmp_path: Path) -> None:
    with opened(demo.url, demo.files) as book, book.write(1) as uow:
        uow.roster.add_household("NEW01", "Mrs New")
        uow.roster.add_household("NEW02", "Mr New")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "household_ref,amount,as_of,comment\nNEW01,abc,2026-11-01,\nGHOST,10,2026-11-01,\n"
        "NEW02,0,2026-11-31,\nnew01,5,2026-11-01,\n",
        encoding="utf-8",
    )
    before = demo.counts()
    result = cli(*demo.db, "balances", "import", "bad.csv")
    assert (result.code, result.stdout) == (1, "")
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "crechebooks: error: bad.csv was not imported (6 problems); nothing was changed",
        "bad.csv:1: comment: unknown column (expected: household_ref, amount, as_of)",
        "bad.csv:2: amount: not an amount: 'abc'",
        "bad.csv:3: household_ref: no household 'GHOST'",
        "bad.csv:4: amount: an opening balance of zero needs no row; leave the row out",
        "bad.csv:4: as_of: 2026-11-31 is not a day (November 2026 has 30 days)",
        "bad.csv:5: household_ref: duplicate household 'new01' (first on line 2)",
    ]
    assert demo.counts() == before

    good = tmp_path / "good.csv"
    good.write_text(
        "household_ref,amount,as_of\nNEW01,1 250.50,2026-10-31\nnew02,-300,2026-10-31\n"
    )
    imported = as_json(cli(*demo.db, "balances", "import", "good.csv", "--json"))
    assert imported["file"] == "good.csv"
    assert [(b["household_ref"], b["amount_cents"], b["as_of"]) for b in imported["balances"]] == [
        ("NEW01", 125_050, "2026-10-31"),
        ("NEW02", -30_000, "2026-10-31"),
    ]
    assert imported["balances"][0]["invoice"].startswith("INV-2026-")
    assert imported["balances"][1]["invoice"] is None
    by_ref = {
        b["household_ref"]: b for b in as_json(cli(*demo.db, "balances", "--json"))["households"]
    }
    assert by_ref["NEW01"]["balance_cents"] == 125_050
    assert (by_ref["NEW02"]["balance_cents"], by_ref["NEW02"]["credit_cents"]) == (-30_000, 30_000)
    demo.check()
    again = cli(*demo.db, "balances", "import", "good.csv")
    assert again.code == 1
    assert again.stderr.splitlines()[1:] == [
        f"good.csv:{line}: household_ref: {ref} already has an opening balance; "
        "correct it with 'adjust' instead"
        for line, ref in ((2, "NEW01"), (3, "NEW02"))
    ]
    assert refused(cli(*demo.db, "balances", "import", "missing.csv")).startswith(
        "crechebooks: error: cannot read missing.csv: "
    )
