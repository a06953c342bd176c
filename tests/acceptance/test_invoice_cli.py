"""``crechebooks invoices ...`` end to end on the demo creche, as a scheduled task runs it.

The demo creche on its first day (as of 2026-11-21, ``months=0``) has 9 opening-balance invoices
(INV-2026-000001..9, SENT, due 2026-11-01), 60 children of whom 59 are enrolled
in November, and three households in credit (PILLAY07, MOODLEY29, BALOYI40).
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

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.billing.invoice_lifecycle import find_invoices
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.settings import Settings
from tests.cli_results import ok

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
DEMO_TODAY = dt.date(2026, 11, 21)
NOVEMBER = [f"INV-2026-{n:06d}" for n in range(10, 69)]
OPENING = [f"INV-2026-{n:06d}" for n in range(1, 10)]
IN_CREDIT = {"PILLAY07", "MOODLEY29", "BALOYI40"}

INVOICE_KEYS = {
    "number",
    "household_ref",
    "child_ref",
    "child_name",
    "notes",
    "imported",
    "status",
    "issue_date",
    "due_date",
    "subtotal_cents",
    "discount_cents",
    "vat_cents",
    "total_cents",
    "balance_due_cents",
    "lines",
}
CENT_KEYS = ("subtotal_cents", "discount_cents", "vat_cents", "total_cents", "balance_due_cents")
LINE_KEYS = {"line_type", "description", "quantity", "net_cents", "vat_cents", "gross_cents"}


@contextmanager
def opened(url: str, tmp_path: Path) -> Iterator[Book]:
    """The same book, opened in this process (to set up or look behind the CLI)."""
    book, _ = Book.open(Settings(url, tmp_path / "in-process-files"))
    try:
        yield book
    finally:
        book.close()


def refused(result: Any, starts: str = "crechebooks: error: ", code: int = 1) -> str:
    """A clean refusal: the exit status and one line on stderr, no traceback, no output."""
    assert result.code == code, result
    assert result.stderr.startswith(starts), result
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def as_json(result: Any) -> Any:
    return json.loads(ok(result))


@dataclass(frozen=True)
class Demo:
    """A book holding the demo creche as of 2026-11-21."""

    url: str
    files: Path

    @property
    def db(self) -> tuple[str, str]:
        return ("--db", self.url)

    def check(self) -> None:
        """The ledger invariants hold (checked in this process: quicker than ``check``)."""
        with opened(self.url, self.files) as book, book.read(1) as uow:
            report = check_creche(uow)
        assert report.violations == ()
        assert report.ok


@pytest.fixture
def demo(book_url: str, tmp_path: Path) -> Demo:
    # The demo's first day: the roster and opening balances, nothing billed yet.
    with opened(book_url, tmp_path) as book, book.write() as uow:
        create_demo_creche(uow, DEMO_TODAY, months=0)
    return Demo(book_url, tmp_path)


def _is_cents(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def test_generate_prints_the_invoices_as_json_and_a_rerun_creates_none(
    cli: Cli, demo: Demo
) -> None:
    made = as_json(cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--json"))
    assert {"month", "created", "skipped", "invoices"} <= set(made)
    assert (made["month"], made["created"], made["skipped"]) == ("2026-11", 59, 0)
    assert [i["number"] for i in made["invoices"]] == NOVEMBER
    for inv in made["invoices"]:
        assert set(inv) >= INVOICE_KEYS, inv
        assert all(_is_cents(inv[key]) for key in CENT_KEYS), inv
        assert (inv["status"], inv["issue_date"], inv["due_date"]) == (
            "DRAFT",
            "2026-11-01",
            "2026-11-07",
        )
        assert inv["child_ref"].startswith(inv["household_ref"] + "-")
        assert inv["lines"], inv
        for line in inv["lines"]:
            assert set(line) >= LINE_KEYS, line
            assert all(_is_cents(line[k]) for k in ("net_cents", "vat_cents", "gross_cents"))
            assert line["net_cents"] + line["vat_cents"] == line["gross_cents"]
        assert inv["subtotal_cents"] == sum(line["net_cents"] for line in inv["lines"])
        assert inv["vat_cents"] == sum(line["vat_cents"] for line in inv["lines"])
        assert inv["total_cents"] == inv["subtotal_cents"] + inv["vat_cents"]
        assert inv["balance_due_cents"] == inv["total_cents"]
    first = made["invoices"][0]
    assert (first["household_ref"], first["child_ref"], first["total_cents"]) == (
        "DLAMINI01",
        "DLAMINI01-1",
        510_000,
    )
    assert [
        (line["line_type"], line["description"], line["quantity"], line["gross_cents"])
        for line in first["lines"]
    ] == [
        ("MONTHLY_FEE", "Full Day (07:00-17:30) — November 2026", "1", 485_000),
        ("EXTRA_MURAL", "Swimming", "1", 25_000),
    ]
    assert len({i["child_ref"] for i in made["invoices"]}) == 59
    # What was printed is what the book holds.
    with opened(demo.url, demo.files) as book, book.read(1) as uow:
        stored = find_invoices(uow, InvoiceFilter(month=dt.date(2026, 11, 1)))
        assert check_creche(uow).ok
    assert [i.as_json() for i in stored] == made["invoices"]

    again = as_json(cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--json"))
    assert (again["month"], again["created"], again["skipped"], again["invoices"]) == (
        "2026-11",
        0,
        59,
        [],
    )
    assert again["skipped_children"] == sorted(i["child_ref"] for i in made["invoices"])
    assert ok(cli(*demo.db, "invoices", "generate", "--month", "2026-11")) == (
        "2026-11: created 0 invoices (R 0,00), skipped 59 children already invoiced\n"
    )
    demo.check()


def test_generate_with_an_issue_date_and_the_summary_line(cli: Cli, demo: Demo) -> None:
    december = as_json(
        cli(
            *demo.db,
            "invoices",
            "generate",
            "--month",
            "2026-12",
            "--issue-date",
            "2027-01-02",
            "--json",
        )
    )
    count = december["created"]
    assert count == 59
    assert [i["number"] for i in december["invoices"]] == [
        f"INV-2027-{n:06d}" for n in range(1, count + 1)
    ]
    assert {(i["issue_date"], i["due_date"]) for i in december["invoices"]} == {
        ("2027-01-02", "2026-12-07")
    }

    said = ok(cli(*demo.db, "invoices", "generate", "--month", "2027-01"))
    with opened(demo.url, demo.files) as book, book.read(1) as uow:
        january = find_invoices(uow, InvoiceFilter(month=dt.date(2027, 1, 1)))
    assert [i.number for i in january] == [
        f"INV-2027-{n:06d}" for n in range(count + 1, count + 1 + len(january))
    ]
    total = format_rands(sum(i.total_cents for i in january))
    assert said == (
        f"2027-01: created {len(january)} invoices ({total}), skipped 0 children already invoiced\n"
    )
    demo.check()


def test_list_and_show(cli: Cli, demo: Demo) -> None:
    made = as_json(cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--json"))
    listed = as_json(cli(*demo.db, "invoices", "list", "--json"))["invoices"]
    assert [i["number"] for i in listed] == OPENING + NOVEMBER
    assert listed[9:] == made["invoices"]

    def numbers(*options: str) -> list[str]:
        return [
            i["number"]
            for i in as_json(cli(*demo.db, "invoices", "list", *options, "--json"))["invoices"]
        ]

    assert numbers("--status", "DRAFT") == NOVEMBER
    assert numbers("--status", "SENT") == OPENING
    assert numbers("--month", "2026-11") == NOVEMBER
    assert numbers("--month", "2026-10") == []
    # JACOBS18 owed money when the book started and has two children.
    jacobs = [i["number"] for i in listed if i["household_ref"] == "JACOBS18"]
    assert len(jacobs) == 3
    assert numbers("--household", "jacobs18") == jacobs
    assert numbers("--household", "JACOBS18", "--month", "2026-11") == jacobs[1:]
    assert numbers("--household", "JACOBS18", "--status", "SENT") == jacobs[:1]
    said = refused(
        cli(*demo.db, "invoices", "list", "--status", "LOST"), "crechebooks invoices list: ", 2
    )
    assert "argument --status: unknown status 'LOST'" in said

    text = ok(cli(*demo.db, "invoices", "list", "--month", "2026-11"))
    assert text.splitlines()[-1] == "59 invoice(s)"
    header, first = text.splitlines()[:2]
    assert header.split() == ["invoice", "household", "child", "status", "total", "balance", "due"]
    assert first.startswith("INV-2026-000010  DLAMINI01  ")
    assert first.endswith("R 5 100,00")

    shown = as_json(cli(*demo.db, "invoices", "show", "inv-2026-000010", "--json"))
    assert shown == made["invoices"][0]
    printed = ok(cli(*demo.db, "invoices", "show", "INV-2026-000010")).splitlines()
    assert printed[0] == "INV-2026-000010  DRAFT  issued 2026-11-01  due 2026-11-07"
    assert printed[-2:] == [
        f"  {'Total':<50} {'R 5 100,00':>14}",
        f"  {'Balance due':<50} {'R 5 100,00':>14}",
    ]
    assert refused(cli(*demo.db, "invoices", "show", "INV-2026-999999")) == (
        "crechebooks: error: no invoice 'INV-2026-999999' in this creche"
    )


def test_send_one_then_the_month_applying_household_credit(cli: Cli, demo: Demo) -> None:
    made = as_json(cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--json"))
    with opened(demo.url, demo.files) as book, book.read(1) as uow:
        credit = {
            s.account_ref: s.credit_cents
            for s in uow.roster.household_summaries()
            if s.credit_cents
        }
    assert set(credit) == IN_CREDIT

    assert ok(cli(*demo.db, "invoices", "send", "INV-2026-000010", "--no-email")) == (
        "sent 1 invoice(s)\n"
    )
    assert refused(cli(*demo.db, "invoices", "send", "INV-2026-000010")) == (
        "crechebooks: error: invoice INV-2026-000010 cannot go from SENT to SENT"
    )
    sent = as_json(cli(*demo.db, "invoices", "send", "--month", "2026-11", "--no-email", "--json"))[
        "sent"
    ]
    assert [s["number"] for s in sent] == NOVEMBER[1:]
    by_number = {i["number"]: i for i in made["invoices"]}
    for s in sent:
        inv = by_number[s["number"]]
        applied = credit.get(inv["household_ref"], 0)
        assert s["credit_applied_cents"] == applied
        assert s["balance_due_cents"] == inv["total_cents"] - applied
        assert s["status"] == ("PARTIALLY_PAID" if applied else "SENT")
    assert sum(s["credit_applied_cents"] for s in sent) == sum(credit.values())
    assert ok(cli(*demo.db, "invoices", "send", "--month", "2026-11", "--no-email")) == (
        "sent 0 invoice(s)\n"
    )
    listed = as_json(cli(*demo.db, "invoices", "list", "--month", "2026-11", "--json"))["invoices"]
    assert sorted({i["status"] for i in listed}) == ["PARTIALLY_PAID", "SENT"]
    assert sorted(i["household_ref"] for i in listed if i["status"] == "PARTIALLY_PAID") == sorted(
        IN_CREDIT
    )
    demo.check()


def test_send_text_reports_the_credit_applied(cli: Cli, demo: Demo) -> None:
    ok(cli(*demo.db, "invoices", "generate", "--month", "2026-11"))
    said = ok(cli(*demo.db, "invoices", "send", "--month", "2026-11", "--no-email"))
    assert re.fullmatch(r"sent 59 invoice\(s\); applied R [\d ]+,\d\d of household credit\n", said)


def test_void(cli: Cli, demo: Demo) -> None:
    made = as_json(cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--json"))
    target = made["invoices"][1]
    number = target["number"]
    assert refused(
        cli(*demo.db, "invoices", "void", number), "crechebooks invoices void: error: ", 2
    ) == ("crechebooks invoices void: error: the following arguments are required: --reason")
    assert refused(cli(*demo.db, "invoices", "void", number, "--reason", "  ")) == (
        "crechebooks: error: a reason is needed to void an invoice"
    )
    assert ok(cli(*demo.db, "invoices", "void", number, "--reason", "Billed twice")) == (
        f"voided {number} ({format_rands(target['total_cents'])} reversed)\n"
    )
    assert refused(cli(*demo.db, "invoices", "void", number, "--reason", "Again")) == (
        f"crechebooks: error: invoice {number} cannot go from VOID to VOID"
    )
    assert refused(cli(*demo.db, "invoices", "void", "INV-2026-999999", "--reason", "x")) == (
        "crechebooks: error: no invoice 'INV-2026-999999' in this creche"
    )
    shown = as_json(cli(*demo.db, "invoices", "show", number, "--json"))
    assert (shown["status"], shown["total_cents"]) == ("VOID", target["total_cents"])
    assert [
        i["number"]
        for i in as_json(cli(*demo.db, "invoices", "list", "--status", "VOID", "--json"))[
            "invoices"
        ]
    ] == [number]
    demo.check()

    # The child is billed again with the next number; the voided number is not reused.
    again = as_json(cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--json"))
    assert (again["created"], again["skipped"]) == (1, 58)
    (renewed,) = again["invoices"]
    assert (renewed["number"], renewed["child_ref"], renewed["lines"]) == (
        "INV-2026-000069",
        target["child_ref"],
        target["lines"],
    )
    demo.check()


def test_mark_overdue(cli: Cli, demo: Demo) -> None:
    def overdue(as_of: str) -> list[str]:
        said = as_json(cli(*demo.db, "invoices", "mark-overdue", "--as-of", as_of, "--json"))
        assert said["as_of"] == as_of
        return list(said["overdue"])

    # The opening invoices are SENT and due 2026-11-01: not overdue on the day itself.
    assert overdue("2026-11-01") == []
    assert overdue("2026-11-02") == OPENING
    assert overdue("2026-11-30") == []
    ok(cli(*demo.db, "invoices", "generate", "--month", "2026-11"))
    ok(cli(*demo.db, "invoices", "send", "--month", "2026-11", "--no-email"))
    # 59 sent, of which the three in credit are PARTIALLY_PAID and stay so.
    said = ok(cli(*demo.db, "invoices", "mark-overdue", "--as-of", "2026-11-08"))
    assert said == "56 invoice(s) now overdue as of 2026-11-08\n"
    listed = as_json(cli(*demo.db, "invoices", "list", "--status", "OVERDUE", "--json"))["invoices"]
    assert len(listed) == 9 + 56
    assert not {i["household_ref"] for i in listed if i["number"] in NOVEMBER} & IN_CREDIT
    assert refused(cli(*demo.db, "invoices", "mark-overdue", "--as-of", "8 Nov")) == (
        "crechebooks: error: --as-of: date must be YYYY-MM-DD, e.g. 2026-03-01 (got '8 Nov')"
    )
    demo.check()


def test_new_ad_hoc_invoice(cli: Cli, demo: Demo) -> None:
    made = as_json(
        cli(
            *demo.db,
            "invoices",
            "new",
            "--child",
            "dlamini01-1",
            "--date",
            "2026-11-21",
            "--line",
            "UNIFORM:350.00:Jersey",
            "--json",
        )
    )
    assert made == {
        "number": "INV-2026-000010",
        "household_ref": "DLAMINI01",
        "child_ref": "DLAMINI01-1",
        "child_name": made["child_name"],
        "kind": "AD_HOC",
        "billing_month": None,
        "status": "DRAFT",
        "issue_date": "2026-11-21",
        "due_date": "2026-12-07",
        "subtotal_cents": 30_435,
        "discount_cents": 0,
        "vat_cents": 4_565,
        "total_cents": 35_000,
        "amount_paid_cents": 0,
        "balance_due_cents": 35_000,
        "lines": [
            {
                "line_type": "UNIFORM",
                "description": "Jersey",
                "quantity": "1",
                "net_cents": 30_435,
                "vat_cents": 4_565,
                "gross_cents": 35_000,
            }
        ],
        "notes": None,
        "imported": False,
    }
    assert made["child_name"].endswith(" Dlamini")
    bad = [
        ("FOO:1:x", "--line 'FOO:1:x': unknown line type 'FOO'"),
        (
            "MONTHLY_FEE:4850",
            "MONTHLY_FEE lines come from the monthly run or the ledger, not an ad-hoc invoice",
        ),
        ("UNIFORM:0", "each line needs an amount above zero"),
    ]
    for line, message in bad:
        said = refused(
            cli(*demo.db, "invoices", "new", "--child", "DLAMINI01-1", "--date", "2026-11-03",
                "--line", line)
        )  # fmt: skip
        assert said == f"crechebooks: error: {message}"
    assert refused(
        cli(*demo.db, "invoices", "new", "--child", "NOBODY", "--date", "2026-11-03",
            "--line", "UNIFORM:1")
    ) == "crechebooks: error: no child 'NOBODY' in this creche"  # fmt: skip
    assert refused(
        cli(*demo.db, "invoices", "new", "--child", "DLAMINI01-1", "--date", "2026-02-30",
            "--line", "UNIFORM:1")
    ) == (
        "crechebooks: error: --date: 2026-02-30 is not a day (February 2026 has 28 days)"
    )  # fmt: skip

    said = ok(
        cli(
            *demo.db,
            "invoices",
            "new",
            "--child",
            "DLAMINI01-1",
            "--date",
            "2026-11-03",
            "--line",
            "UNIFORM:350.00:Jersey",
            "--line",
            "AD_HOC_EXEMPT:120.00:Photo day",
            "--line",
            "AD_HOC:230",
        )
    )
    assert re.fullmatch(r"created INV-2026-000011 for [A-Za-z]+ Dlamini: R 700,00\n", said)
    shown = as_json(cli(*demo.db, "invoices", "show", "INV-2026-000011", "--json"))
    assert shown["due_date"] == "2026-11-07"
    assert [
        (line["line_type"], line["description"], line["net_cents"], line["vat_cents"])
        for line in shown["lines"]
    ] == [
        ("UNIFORM", "Jersey", 30_435, 4_565),
        ("AD_HOC", "Photo day", 12_000, 0),
        ("AD_HOC", "Ad hoc", 20_000, 3_000),
    ]
    demo.check()


def test_bad_input_is_refused_in_one_line(cli: Cli, demo: Demo) -> None:
    assert refused(cli(*demo.db, "invoices", "generate", "--month", "November")) == (
        "crechebooks: error: --month: month must be YYYY-MM, e.g. 2026-03 (got 'November')"
    )
    assert refused(cli(*demo.db, "invoices", "generate", "--month", "2026-13")) == (
        "crechebooks: error: --month: there is no month 13 (got '2026-13')"
    )
    assert refused(cli(*demo.db, "invoices", "list", "--month", "11-2026")) == (
        "crechebooks: error: --month: month must be YYYY-MM, e.g. 2026-03 (got '11-2026')"
    )
    assert refused(cli(*demo.db, "invoices", "send", "--month", "2026-1x")) == (
        "crechebooks: error: --month: month must be YYYY-MM, e.g. 2026-03 (got '2026-1x')"
    )
    assert refused(
        cli(*demo.db, "invoices", "generate", "--month", "2026-11", "--issue-date", "2026-11-31")
    ) == ("crechebooks: error: --issue-date: 2026-11-31 is not a day (November 2026 has 30 days)")
    assert refused(cli(*demo.db, "invoices", "send", "INV-2026-999999")) == (
        "crechebooks: error: no invoice 'INV-2026-999999' in this creche"
    )
    said = refused(cli(*demo.db, "invoices", "send"), "crechebooks invoices send: error: ", 2)
    assert "one of the arguments number --month is required" in said
    # Nothing was written by any of it.
    listed = as_json(cli(*demo.db, "invoices", "list", "--json"))["invoices"]
    assert [i["number"] for i in listed] == OPENING


def test_an_owner_viewer_can_list_but_not_generate(
    cli: Cli, demo: Demo, keep_password: Callable[[str, str], None]
) -> None:
    ok(cli(*demo.db, "users", "add", "olivia", "--role", "owner-viewer", "--with-password",
           "--new-password-stdin", stdin="eyes\n"))  # fmt: skip
    keep_password("olivia", "eyes")
    viewer = (*demo.db, "--user", "olivia")
    assert refused(cli(*viewer, "invoices", "generate", "--month", "2026-11")) == (
        "crechebooks: error: olivia (owner-viewer) may not record money movements"
    )
    assert refused(cli(*viewer, "invoices", "send", "INV-2026-000001")) == (
        "crechebooks: error: olivia (owner-viewer) may not record money movements"
    )
    listed = as_json(cli(*viewer, "invoices", "list", "--json"))["invoices"]
    assert [i["number"] for i in listed] == OPENING
