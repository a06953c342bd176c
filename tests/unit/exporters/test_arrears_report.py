"""The arrears report as a workbook and a PDF (exporters.arrears_report), read back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.arrears_report import (
    render_pdf,
    render_xlsx,
    summary,
    write_arrears,
)
from crechebooks_desktop.exporters.tabular import RAND_FORMAT
from crechebooks_desktop.services.household_statements.arrears import ArrearsReport, arrears_report
from crechebooks_desktop.services.household_statements.documents import creche_of
from tests.statement_fixtures import November, november
from tests.unit.exporters.samples import needs_pdftotext, pdf_text

__all__ = ["november"]  # the fixture, used by name

END = dt.date(2026, 11, 30)


def report_of(data: November, as_of: dt.date = END) -> tuple[ArrearsReport, CrecheSettings]:
    with data.book.read(data.actor.tenant_id) as uow:
        return arrears_report(uow, as_of), creche_of(uow, data.actor)


def rands(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def test_workbook_totals_equal_the_report(november: November) -> None:
    report, creche = report_of(november)
    assert report.debtors  # something in every sheet
    assert report.invoices
    assert report.credits
    book = load_workbook(io.BytesIO(render_xlsx(report, creche)))
    assert book.sheetnames == ["Summary", "Debtors", "Invoices", "Credits"]

    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert figures["As of"] == dt.datetime(2026, 11, 30)  # noqa: DTZ001 - a date cell
    assert figures["Creche"] == "Sunflower Kids Educare (Pty) Ltd"
    for label, cents in summary(report):
        assert Decimal(str(figures[label])) == rands(cents), label
    assert Decimal(str(figures["Total outstanding"])) == rands(report.total_outstanding_cents)
    assert figures["Households that owe"] == str(len(report.debtors))
    money_cells = [c for c in book["Summary"]["B"] if isinstance(c.value, Decimal | float | int)]
    assert {c.number_format for c in money_cells} == {RAND_FORMAT}

    debtors = list(book["Debtors"].iter_rows(min_row=2, values_only=True))[:-1]  # less totals
    assert [d[0] for d in debtors] == [d.household_ref for d in report.debtors]
    assert sum(Decimal(str(d[2])) for d in debtors) == rands(report.total_outstanding_cents)
    for index, bucket in enumerate(
        ("current_cents", "days_30_cents", "days_60_cents", "days_90_plus_cents"), start=3
    ):
        assert sum(Decimal(str(d[index])) for d in debtors) == rands(getattr(report.aging, bucket))

    invoices = list(book["Invoices"].iter_rows(min_row=2, values_only=True))[:-1]
    assert len(invoices) == len(report.invoices)
    assert sum(Decimal(str(i[5])) for i in invoices) == rands(report.total_outstanding_cents)
    assert {i[7] for i in invoices} == {p.bucket.value for p, _ref in report.invoices}

    held_rows = list(book["Credits"].iter_rows(min_row=2, values_only=True))[:-1]
    assert [(c[0], Decimal(str(c[2]))) for c in held_rows] == [
        (c.household_ref, rands(c.credit_cents)) for c in report.credits
    ]
    assert november.in_credit in {c[0] for c in held_rows}
    last = book["Credits"].max_row
    assert book["Credits"].cell(row=last, column=3).value == f"=SUM(C2:C{last - 1})"


@needs_pdftotext
def test_pdf_shows_summary_aging_debtors_invoices_and_credits(
    november: November, tmp_path: Path
) -> None:
    report, creche = report_of(november)
    pdf = render_pdf(report, creche)
    assert pdf == render_pdf(report, creche)  # deterministic
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Arrears report" in text
    assert "as of 2026-11-30" in text
    assert f"Total outstanding {format_rands(report.total_outstanding_cents)}" in text
    assert f"30 days {format_rands(report.aging.days_30_cents)}" in text
    for debtor in report.debtors:
        assert debtor.household_ref in text
    for position, _ref in report.invoices:
        assert position.invoice.number in text
    held = sum(c.credit_cents for c in report.credits)
    assert f"Total {format_rands(held)}" in text
    assert november.in_credit in text


@needs_pdftotext
def test_nothing_owed_still_makes_a_report(november: November, tmp_path: Path) -> None:
    report, creche = report_of(november, dt.date(2026, 10, 31))  # before any invoice
    assert report.total_outstanding_cents == 0
    text = " ".join(pdf_text(render_pdf(report, creche), tmp_path).split())
    assert "None: nobody owes anything." in text
    book = load_workbook(io.BytesIO(render_xlsx(report, creche)))
    assert book["Debtors"].max_row == 2  # the header and the totals row


def test_write_arrears_names_the_format_and_the_file(november: November, tmp_path: Path) -> None:
    report, creche = report_of(november)
    assert write_arrears(report, creche, tmp_path / "a.xlsx", "xlsx").stat().st_size > 0
    assert (tmp_path / "a.pdf").exists() is False
    write_arrears(report, creche, tmp_path / "a.pdf", "pdf")
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(UserFacingError, match="xlsx or pdf"):
        write_arrears(report, creche, tmp_path / "a.csv", "csv")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserFacingError, match="cannot write"):
        write_arrears(report, creche, blocker / "a.pdf", "pdf")
