"""The statement of account PDF (exporters.statement_pdf), read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from crechebooks_desktop.domain.aging import AgingSummary
from crechebooks_desktop.domain.household_statement import (
    StatementKind,
    StatementLine,
)
from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.exporters.pdf_support import BOLD, FONT, register_fonts
from crechebooks_desktop.exporters.statement_layout import wrap
from crechebooks_desktop.exporters.statement_pdf import (
    NO_BANKING_DETAILS,
    banking_details_missing,
    render_many,
    render_statement_pdf,
    render_statements_pdf,
    statement_title,
)
from tests.unit.exporters.samples import PLAIN_CRECHE, VAT_CRECHE, needs_pdftotext, pdf_text
from tests.unit.exporters.statement_samples import PARTY, long_statement, statement

pytestmark = needs_pdftotext


def squeeze(text: str) -> str:
    """Layout text with runs of spaces made one (columns become single spaces)."""
    return re.sub(r"[ \t]+", " ", text)


def pages(pdf: bytes, folder: Path) -> int:
    path = folder / "counted.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    (line,) = [li for li in info.stdout.splitlines() if li.startswith("Pages:")]
    return int(line.split()[1])


def test_statement_shows_what_a_parent_needs(tmp_path: Path) -> None:
    text = pdf_text(render_statement_pdf(statement(), VAT_CRECHE), tmp_path)
    flat = squeeze(text)
    # Letterhead, as on the invoices.
    assert "Sunflower Kids Educare (Pty) Ltd" in flat
    assert "14 Jacaranda Avenue, Ferndale, Randburg, 2194" in text
    assert "VAT No. 4123456789" in flat
    assert "Statement of account" in text
    # The household and the period.
    assert "Mr Lungile Pretorius" in text
    assert "Mrs Elmarie Pretorius" in text
    assert "7 Protea Road, Northcliff, Johannesburg, 2195" in text
    assert "Account PRETORIU11" in flat
    assert "Period 01 Mar 2026 to 31 Mar 2026" in flat
    assert "Statement date 31 March 2026" in flat
    # The table: brought forward, each line with its running balance, the closing balance.
    assert "01 Mar 2026 Balance brought forward R 1 200,00" in flat
    assert "01 Mar 2026 INV-2026-000031 Invoice INV-2026-000031 R 4 850,00 R 6 050,00" in flat
    assert (
        "05 Mar 2026 PRETORIU11 MAR Payment by EFT: PRETORIU11 MAR -R 4 000,00 R 2 050,00" in flat
    )
    assert "20 Mar 2026 Late pick-up fee waived -R 150,00 R 1 900,00" in flat
    assert "Closing balance at 31 March 2026 R 1 900,00" in flat
    # Aging boxes: titles on one line, amounts below, in order.
    assert "Current 30 days 60 days 90+ days" in flat
    assert "R 0,00 R 1 650,00 R 0,00 R 250,00" in flat
    assert "Credit held" not in text
    # How to pay.
    assert "Amount due R 1 900,00" in flat
    assert "Bank FNB" in flat
    assert "Account name Sunflower Kids Educare" in flat
    assert "Account number 62812345678" in flat
    assert "Branch code 250655" in flat
    assert "Use reference: PRETORIU11" in flat
    assert NO_BANKING_DETAILS not in squeeze(text.replace("\n", " "))
    assert "Page 1 of 1" in flat


def test_credit_held_gets_its_own_box(tmp_path: Path) -> None:
    lines = (StatementLine(dt.date(2026, 3, 3), "payment", None, "Payment", -150_000, -30_000),)
    held = statement(lines=lines, aging=AgingSummary(), credit_cents=30_000, open_invoices=())
    flat = squeeze(pdf_text(render_statement_pdf(held, VAT_CRECHE), tmp_path))
    assert "Current 30 days 60 days 90+ days Credit held" in flat
    assert "R 0,00 R 0,00 R 0,00 R 0,00 R 300,00" in flat
    assert "Closing balance at 31 March 2026 -R 300,00" in flat
    assert "In credit R 300,00" in flat
    assert "Amount due" not in flat


def test_a_creche_without_banking_details_says_so(tmp_path: Path) -> None:
    creche = replace(PLAIN_CRECHE, bank_name=None, bank_account_number=None)
    assert banking_details_missing(creche)
    assert not banking_details_missing(VAT_CRECHE)
    text = pdf_text(render_statement_pdf(statement(), creche), tmp_path)
    flat = squeeze(text.replace("\n", " "))
    assert NO_BANKING_DETAILS in flat
    assert "Use reference: PRETORIU11" in flat
    assert "Account number" not in flat
    assert "VAT No." not in flat  # not registered: no VAT number in the letterhead
    assert "Little Acorns Playschool" in flat


def test_child_and_open_items_statements_are_titled_as_such(tmp_path: Path) -> None:
    child = statement(
        kind=StatementKind.CHILD,
        party=replace(PARTY, child_ref="PRETORIU11-1", child_name="Zoe Pretorius"),
    )
    flat = squeeze(pdf_text(render_statement_pdf(child, VAT_CRECHE), tmp_path))
    assert statement_title(child) == "Child's statement"
    assert "Child's statement" in flat
    assert "Child Zoe Pretorius (PRETORIU11-1)" in flat
    open_items = statement(kind=StatementKind.OPEN_ITEMS, opening_cents=0)
    flat = squeeze(pdf_text(render_statement_pdf(open_items, VAT_CRECHE), tmp_path))
    assert "Open items" in flat
    assert "Owing at 31 March 2026" in flat
    assert "Balance brought forward" not in flat


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first = render_statement_pdf(statement(), VAT_CRECHE)
    render_statement_pdf(long_statement(), VAT_CRECHE)  # other work in between changes nothing
    assert render_statement_pdf(statement(), VAT_CRECHE) == first
    assert render_many([statement(), statement()], VAT_CRECHE) == [first, first]
    changed = render_statement_pdf(statement(opening_cents=120_001), VAT_CRECHE)
    assert changed != first
    assert b"/CreationDate (D:20000101000000" in first  # invariant mode: no clock


def test_a_long_statement_flows_onto_numbered_pages_with_its_header(tmp_path: Path) -> None:
    long = long_statement(80)
    pdf = render_statement_pdf(long, VAT_CRECHE)
    count = pages(pdf, tmp_path)
    assert count > 1
    text = pdf_text(pdf, tmp_path)
    pages_text = text.split("\f")[:count]
    for number, page in enumerate(pages_text, start=1):
        flat = squeeze(page)
        assert f"Page {number} of {count}" in flat
        assert "Date Reference Description Amount Balance" in flat  # the table's heads again
        if number > 1:
            assert "Statement of account · PRETORIU11 (continued)" in flat
    flat = squeeze(text)
    for line in long.lines:
        assert line.reference is not None
        assert line.reference in flat
    assert "Closing balance at 31 March 2026" in squeeze(pages_text[-1])
    assert "Use reference: PRETORIU11" in squeeze(pages_text[-1])


def test_money_follows_the_creche_style(tmp_path: Path) -> None:
    creche = replace(VAT_CRECHE, money_style=MoneyStyle.COMMA_DOT.name)
    flat = squeeze(pdf_text(render_statement_pdf(statement(), creche), tmp_path))
    assert "Closing balance at 31 March 2026 R1,900.00" in flat


def test_many_statements_in_one_pdf_each_numbered_on_its_own(tmp_path: Path) -> None:
    others = [
        statement(party=replace(PARTY, household_id=20 + n, household_ref=f"FAMILY{n:02d}"))
        for n in range(3)
    ]
    pdf = render_statements_pdf([*others, long_statement(80)], VAT_CRECHE)
    long_pages = pages(render_statement_pdf(long_statement(80), VAT_CRECHE), tmp_path)
    assert pages(pdf, tmp_path) == 3 + long_pages
    flat = squeeze(pdf_text(pdf, tmp_path))
    for n in range(3):
        assert f"Account FAMILY{n:02d}" in flat
    assert flat.count("Page 1 of 1") == 3
    assert f"Page {long_pages} of {long_pages}" in flat
    assert render_statements_pdf([*others], VAT_CRECHE) == render_statements_pdf(
        [*others], VAT_CRECHE
    )
    empty = render_statements_pdf([], VAT_CRECHE)
    assert "No statements to print." in pdf_text(empty, tmp_path)


def test_long_names_and_references_wrap_inside_their_columns(tmp_path: Path) -> None:
    party = replace(
        PARTY,
        parent_name="Mrs Nomathemba Thandiwe Zanele Mkhabela-Vilakazi-Dlamini-Ndlovu",
        address="Unit 14B, The Gardens Retirement and Family Estate, 1234 Very Long Road Name",
    )
    line = StatementLine(
        dt.date(2026, 3, 9),
        "payment",
        "REFERENCEWITHOUTANYSPACESTHATISVERYLONG",
        "Payment by EFT: " + "word " * 40,
        -1_000,
        119_000,
    )
    value = statement(party=party, lines=(line,))
    flat = squeeze(pdf_text(render_statement_pdf(value, VAT_CRECHE), tmp_path))
    assert "Mkhabela-Vilakazi" in flat
    # The reference is cut into its column's width, line by line, beside the description.
    assert "09 Mar 2026 REFERENCEWITH Payment by EFT: word" in flat
    assert "\n OUTANYSPACEST word" in flat
    assert "\n HATISVERYLONG word" in flat
    assert "Closing balance at 31 March 2026 R 1 190,00" in flat


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("short", 100.0),
        ("a sentence that is long enough to need a few lines at this width", 60.0),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ", 40.0),
        ("first line\nsecond line", 200.0),
        ("", 50.0),
    ],
)
def test_wrap_keeps_every_word_and_every_line_fits(text: str, width: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    for font in (FONT, BOLD):
        lines = wrap(text, font, 9, width)
        assert "".join("".join(lines).split()) == "".join(text.split())
        assert all(stringWidth(line, FONT, 9) <= width for line in lines if len(line) > 1)
    assert len(wrap("first line\nsecond line", FONT, 9, 200)) == 2
