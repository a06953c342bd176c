"""``crechebooks invoices list`` and ``invoices export`` filtered (issue 16), end to end.

A small book (three households over two months, a sibling discount, VAT, a
sent, a void and a noted invoice) is set up in this process; the commands run
in another. Each option's result is checked against the unfiltered list.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.services.billing.invoice_lifecycle import (
    find_invoices,
    send_invoices,
    void_invoice,
)
from crechebooks_desktop.services.billing.invoice_notes import set_invoice_note
from crechebooks_desktop.settings import Settings
from tests.billing_fixtures import VAT_NUMBER, Kid, add_family, add_fees, new_creche, run_month
from tests.cli_results import ok

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
Invoice = dict[str, Any]
NOV = dt.date(2026, 11, 1)
DEC = dt.date(2026, 12, 1)
TERM = dt.date(2026, 1, 14)
NOTE = "Promised to pay by the 15th"
EXPORT_HEADER = [
    "Number",
    "Household",
    "Parent",
    "Child",
    "Month",
    "Status",
    "Issue date",
    "Due date",
    "Subtotal",
    "Discount",
    "VAT",
    "Total",
    "Paid",
    "Balance due",
    "Notes",
]


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    book, _ = Book.open(Settings(book_url, tmp_path / "in-process-files"))
    try:
        settings, actor = new_creche(book, vat_number=VAT_NUMBER)
        with book.write(settings.tenant_id) as uow:
            fees = add_fees(uow)
            add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.plain, TERM))
            add_family(
                uow,
                "BOTHA02",
                Kid("BOTHA02-1", fees.full_day, TERM),
                Kid("BOTHA02-2", fees.half_day, TERM),
            )
            add_family(uow, "CELE03", Kid("CELE03-1", fees.half_day, DEC))
        run_month(book, actor, NOV)
        run_month(book, actor, DEC)
        with book.write(settings.tenant_id) as uow:
            every = [i.number for i in find_invoices(uow, InvoiceFilter())]
            send_invoices(uow, actor, every[:2])
            void_invoice(uow, actor, every[2], "Billed in error")
            set_invoice_note(uow, actor, every[1], NOTE)
    finally:
        book.close()
    return ("--db", book_url)


def listed(cli: Cli, db: tuple[str, str], *options: str) -> list[Invoice]:
    found: list[Invoice] = json.loads(ok(cli(*db, "invoices", "list", *options, "--json")))[
        "invoices"
    ]
    return found


def numbers(found: list[Invoice]) -> list[str]:
    return [i["number"] for i in found]


def refused(result: Any, action: str = "list") -> str:
    """A usage error: exit 2, one line on stderr naming the option, no output."""
    assert result.code == 2, result
    assert result.stderr.startswith(f"crechebooks invoices {action}: error: "), result
    assert result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def test_json_has_the_export_fields(cli: Cli, db: tuple[str, str]) -> None:
    every = listed(cli, db)
    assert len(every) == 7
    for inv in every:
        assert {
            "number",
            "household_ref",
            "child_ref",
            "child_name",
            "notes",
            "subtotal_cents",
            "discount_cents",
            "vat_cents",
            "total_cents",
            "balance_due_cents",
            "issue_date",
            "due_date",
            "status",
        } <= set(inv)
    assert [i["notes"] for i in every if i["notes"]] == [NOTE]
    assert {i["child_ref"] for i in every if i["discount_cents"] > 0} == {"BOTHA02-2"}


def test_lists_separated_by_a_bar(cli: Cli, db: tuple[str, str]) -> None:
    every = listed(cli, db)

    def those(key: str, *values: str) -> list[str]:
        return [i["number"] for i in every if i[key] in values]

    assert numbers(listed(cli, db, "--status", "SENT|void")) == those("status", "SENT", "VOID")
    assert numbers(listed(cli, db, "--status", "DRAFT")) == those("status", "DRAFT")
    assert numbers(listed(cli, db, "--household", "botha02|Parent of CELE03")) == those(
        "household_ref", "BOTHA02", "CELE03"
    )
    assert numbers(listed(cli, db, "--household", "ADAMS01")) == those("household_ref", "ADAMS01")
    assert numbers(listed(cli, db, "--child", "BOTHA02-2|Cele03-1 Cele03")) == those(
        "child_ref", "BOTHA02-2", "CELE03-1"
    )
    assert numbers(listed(cli, db, "--fee", "Half Day")) == those(
        "child_ref", "BOTHA02-2", "CELE03-1"
    )
    assert numbers(listed(cli, db, "--fee", "Nursery")) == []


def test_text_dates_and_amounts(cli: Cli, db: tuple[str, str]) -> None:
    every = listed(cli, db)
    noted = [i["number"] for i in every if i["notes"]]
    assert numbers(listed(cli, db, "--text", "promised 15TH")) == noted
    assert numbers(listed(cli, db, "--text", "promised botha02-2")) == [
        i["number"] for i in every if i["notes"] and i["child_ref"] == "BOTHA02-2"
    ]
    december = [i["number"] for i in every if i["issue_date"] >= "2026-12-01"]
    assert numbers(listed(cli, db, "--issued-from", "2026-12-01")) == december
    assert numbers(listed(cli, db, "--issued-to", "2026-11-30", "--due-from", "2026-11-01")) == [
        i["number"] for i in every if i["issue_date"] <= "2026-11-30"
    ]
    assert numbers(listed(cli, db, "--due-to", "2026-10-31")) == []
    for option, key in (
        ("total", "total_cents"),
        ("balance", "balance_due_cents"),
        ("subtotal", "subtotal_cents"),
        ("vat", "vat_cents"),
        ("discount", "discount_cents"),
    ):
        assert numbers(listed(cli, db, f"--{option}-min", "0.01")) == [
            i["number"] for i in every if i[key] >= 1
        ], option
    assert numbers(listed(cli, db, "--total-min", "R 4 850,00", "--total-max", "4850")) == [
        i["number"] for i in every if i["total_cents"] == 485_000
    ]
    assert numbers(listed(cli, db, "--balance-max", "0")) == [
        i["number"] for i in every if i["balance_due_cents"] <= 0
    ]


def test_options_combine(cli: Cli, db: tuple[str, str]) -> None:
    every = listed(cli, db)
    found = listed(
        cli, db, "--household", "BOTHA02", "--status", "DRAFT|SENT", "--month", "2026-12"
    )
    assert numbers(found) == [
        i["number"]
        for i in every
        if i["household_ref"] == "BOTHA02"
        and i["status"] in {"DRAFT", "SENT"}
        and i["billing_month"] == "2026-12"
    ]
    assert len(found) == 2
    text = ok(cli(*db, "invoices", "list", "--child", "ADAMS01-1", "--total-min", "1"))
    assert text.splitlines()[-1] == "2 invoice(s)"


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--issued-from", "2026-02-30"), "argument --issued-from: "),
        (("--due-to", "31/12/2026"), "argument --due-to: not a date in the form YYYY-MM-DD"),
        (("--total-min", "lots"), "argument --total-min: "),
        (("--vat-max", "1.234"), "argument --vat-max: "),
        (("--status", "SENT|LOST"), "argument --status: unknown status 'LOST'"),
        (("--household", " | "), "argument --household: no reference or name"),
        (("--total-min", "100", "--total-max", "99.99"), "--total-min 100.00 is more than"),
        (
            ("--issued-from", "2026-12-01", "--issued-to", "2026-11-01"),
            "--issued-from 2026-12-01 is after --issued-to 2026-11-01",
        ),
    ],
)
def test_bad_values_are_usage_errors(
    cli: Cli, db: tuple[str, str], tmp_path: Path, options: tuple[str, ...], says: str
) -> None:
    assert says in refused(cli(*db, "invoices", "list", *options))
    out = tmp_path / "bad.csv"
    export = ("invoices", "export", "--format", "csv", "--out", str(out))
    assert says in refused(cli(*db, *export, *options), "export")
    assert not out.exists()


def test_csv_export_filtered_with_plain_amounts(
    cli: Cli, db: tuple[str, str], tmp_path: Path
) -> None:
    every = {i["number"]: i for i in listed(cli, db)}
    out = tmp_path / "botha.csv"
    said = ok(
        cli(*db, "invoices", "export", "--format", "csv", "--out", str(out), "--child", "BOTHA02-2")
    )
    assert said == f"wrote 2 invoices to {out}\n"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == EXPORT_HEADER
    for row in rows[1:]:
        got = dict(zip(EXPORT_HEADER, row, strict=True))
        inv = every[got["Number"]]
        assert (got["Household"], got["Child"]) == ("BOTHA02", inv["child_name"])
        assert got["Discount"] == _plain(inv["discount_cents"])
        assert got["Discount"] != "0.00"
        for name, key in (("Subtotal", "subtotal_cents"), ("VAT", "vat_cents")):
            assert got[name] == _plain(inv[key])
        assert got["Total"] == _plain(inv["total_cents"])
        assert got["Balance due"] == _plain(inv["balance_due_cents"])
        assert (got["Issue date"], got["Due date"]) == (inv["issue_date"], inv["due_date"])
        assert (got["Status"], got["Notes"]) == (inv["status"], inv["notes"] or "")


def test_xlsx_export_has_numeric_money_cells(cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    every = {i["number"]: i for i in listed(cli, db)}
    out = tmp_path / "noted.xlsx"
    ok(cli(*db, "invoices", "export", "--format", "xlsx", "--out", str(out), "--text", "promised"))
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == EXPORT_HEADER
    row = dict(zip(EXPORT_HEADER, sheet[2], strict=True))
    inv = every[row["Number"].value]
    assert (row["Notes"].value, row["Notes"].data_type) == (NOTE, "s")
    for name, key in (
        ("Subtotal", "subtotal_cents"),
        ("Discount", "discount_cents"),
        ("VAT", "vat_cents"),
        ("Total", "total_cents"),
        ("Balance due", "balance_due_cents"),
    ):
        cell = row[name]
        assert cell.data_type == "n", name
        assert "R" in cell.number_format, name
        assert round(cell.value * 100) == inv[key], name
    assert row["Issue date"].is_date
    assert sheet.max_row == 3


def _plain(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


@pytest.mark.parametrize("action", ["list", "export"])
def test_help_names_the_filters(cli: Cli, action: str) -> None:
    said = ok(cli("invoices", action, "--help"))
    for option in ("--status STATUS[|STATUS...]", "--child REF|NAME[|...]", "--balance-max"):
        assert option in said
