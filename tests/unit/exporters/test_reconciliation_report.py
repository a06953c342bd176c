"""The reconciliation statement as a PDF (read back with pdftotext) and a workbook (openpyxl)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from crechebooks_desktop.domain.enums import ReconciliationStatus
from crechebooks_desktop.domain.reconciliation import (
    ReconcileStatus,
    TimingDifference,
    UnclearedLine,
)
from crechebooks_desktop.exporters.reconciliation_report import render_pdf, render_xlsx
from crechebooks_desktop.services.reconciliation.reconcile import ReconcileReport
from tests.unit.exporters.samples import needs_pdftotext, pdf_text

D = dt.date
FORMULA = '=HYPERLINK("http://example.com","x")'

STATUS = ReconcileStatus(
    account="Cheque",
    statement_date=D(2026, 10, 31),
    opening_cents=1_000_000,
    closing_cents=2_486_500,
    cleared_in_cents=1_615_000,
    cleared_out_cents=-125_000,
    uncleared_lines=(UnclearedLine(4, D(2026, 10, 10), -3_500, FORMULA),),
    timing_differences=(
        TimingDifference("payment", 7, D(2026, 10, 20), 485_000, "BOTHA04: payment by cash"),
    ),
    status=ReconciliationStatus.IN_PROGRESS,
    period_start=D(2026, 10, 1),
    file_balance_cents=2_486_000,
)
FINISHED = ReconcileStatus(
    account="Cheque",
    statement_date=D(2026, 10, 31),
    opening_cents=1_000_000,
    closing_cents=2_486_500,
    cleared_in_cents=1_615_000,
    cleared_out_cents=-128_500,
    status=ReconciliationStatus.FINISHED,
    finished_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
    finished_by="betty",
)


def squeeze(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


@needs_pdftotext
def test_the_pdf_carries_the_figures_lines_and_who_finished_it(tmp_path: Path) -> None:
    text = squeeze(pdf_text(render_pdf(ReconcileReport("Acorns Educare", STATUS)), tmp_path))
    for expected in (
        "Bank reconciliation statement",
        "Creche Acorns Educare",
        "Bank account Cheque",
        "Statement date 2026-10-31",
        "Lines from 2026-10-01",
        "Status Not finished",
        "Imported file's closing balance R 24 860,00",
        "Opening balance R 10 000,00",
        "Cleared money in R 16 150,00",
        "Cleared money out -R 1 250,00",
        "Closing balance per statement R 24 865,00",
        "Difference -R 35,00",
        "2026-10-10 4 =HYPERLINK",
        "2026-10-20 payment 7 BOTHA04: payment by cash R 4 850,00",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    done = squeeze(pdf_text(render_pdf(ReconcileReport("Acorns", FINISHED)), tmp_path))
    assert "Status Finished by betty on 2026-11-02 09:30 UTC" in done
    assert "Difference R 0,00" in done
    assert "None: every line of the period is cleared." in done


def test_the_workbook_holds_numbers_and_text_that_is_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(render_xlsx(ReconcileReport("Acorns", STATUS)))
    sheet = load_workbook(path).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    cells = {row[0]: row[1] for row in rows}
    assert cells["Creche"] == "Acorns"
    assert cells["Status"] == "Not finished"
    assert Decimal(str(cells["Opening balance"])) == Decimal(10000)
    assert Decimal(str(cells["Cleared money out"])) == Decimal(-1250)
    assert Decimal(str(cells["Difference"])) == Decimal(-35)
    (uncleared,) = [row for row in rows if row[1] == "4"]
    assert uncleared[2] == FORMULA  # stored as text
    formula_cell = next(c for row in sheet.iter_rows() for c in row if c.value == FORMULA)
    assert formula_cell.data_type == "s"
    (timing,) = [row for row in rows if row[1] == "payment"]
    assert (timing[2], timing[3], Decimal(str(timing[4]))) == (
        "7",
        "BOTHA04: payment by cash",
        Decimal(4850),
    )


def test_rendering_is_deterministic() -> None:
    first = render_pdf(ReconcileReport("Acorns", FINISHED))
    render_pdf(ReconcileReport("Acorns Educare", STATUS))  # other work in between changes nothing
    assert render_pdf(ReconcileReport("Acorns", FINISHED)) == first  # an archived copy is reused
    assert render_pdf(ReconcileReport("Acorns Educare", FINISHED)) != first
    assert b"/CreationDate (D:20000101000000" in first  # invariant mode: no clock
