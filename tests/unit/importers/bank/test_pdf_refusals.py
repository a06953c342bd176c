"""Statement PDFs that are refused, and why: a broken balance chain, a scan, no table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank import read_statement
from crechebooks_desktop.importers.bank.pdf import BalanceChainError, PdfProblem
from crechebooks_desktop.importers.bank.pdf.money import Printed, read_money
from tests.pdf_statements import FNB, STANDARD_BANK, Txn, render, with_spec
from tests.unit.importers.bank.test_pdf_layouts import OPENING, month


def _pdf(draw: object) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    draw(page)  # type: ignore[operator]
    page.showPage()
    page.save()
    return buffer.getvalue()


def test_a_balance_that_the_lines_do_not_add_up_to_is_refused_naming_the_line() -> None:
    txns = month(dt.date(2026, 1, 1))
    data = render(with_spec(FNB, breaks={2: 411_544 + 1_000}), txns, OPENING)
    with pytest.raises(BalanceChainError) as caught:
        read_statement(data, "statement.pdf")
    error = caught.value
    assert (error.page, error.page_line) == (1, 9)  # the ESKOM line, under a two-line entry
    assert (error.printed_cents, error.expected_cents) == (412_544, 411_544)
    assert error.line_no == 9
    # Every line read comes with the error, the breaking one among them, for the dialog.
    assert 9 in [line.line_no for line in error.lines]
    assert str(error).splitlines() == [
        "statement.pdf was not imported (1 problem); nothing was changed",
        (
            "statement.pdf:page 1, line 9: balance: R 4 125,44, lines add up to R 4 115,44 "
            "(difference R 10,00); the statement was read wrongly or is incomplete, so nothing "
            "was imported"
        ),
    ]
    (problem,) = error.problems
    assert isinstance(problem, PdfProblem)
    assert (problem.line, problem.page, problem.page_line) == (9, 1, 9)


def test_a_brought_forward_balance_that_does_not_follow_is_refused_on_its_page() -> None:
    txns = month(dt.date(2026, 3, 2), count=12)
    spec = with_spec(STANDARD_BANK, per_page=4, forward_error=-5_000)
    with pytest.raises(BalanceChainError) as caught:
        read_statement(render(spec, txns, OPENING), "sb.pdf")
    error = caught.value
    assert (error.page, error.page_line) == (2, 2)  # under page 2's heading
    assert error.printed_cents - error.expected_cents == -5_000
    assert "sb.pdf:page 2, line 2: balance: " in str(error)
    assert "(difference -R 50,00)" in str(error)


def test_a_scan_is_refused_as_pictures_of_pages() -> None:
    from PIL import Image

    picture = Image.new("RGB", (200, 280), "white")
    data = _pdf(lambda page: page.drawImage(ImageReader(picture), 40, 300, 400, 500))
    with pytest.raises(UserFacingError) as caught:
        read_statement(data, "scan.pdf")
    assert str(caught.value) == (
        "scan.pdf is a scan: its pages are pictures, with no text to read; ask the bank for "
        "the statement as a text PDF (downloaded from online banking, not scanned or "
        "photographed) or as CSV"
    )


def test_a_pdf_that_is_not_a_statement_is_refused_saying_what_it_holds() -> None:
    def letter(page: canvas.Canvas) -> None:
        page.drawString(40, 800, "Dear parents, the creche closes at noon on Friday.")
        page.drawString(40, 780, "Date of the concert: 12 March 2026. Amount for tickets: R 50.00")

    with pytest.raises(UserFacingError) as caught:
        read_statement(_pdf(letter), "letter.pdf")
    assert str(caught.value) == (
        "letter.pdf is a PDF of 1 page with text, but no table of transactions was found in "
        "it: no line has column headings for the date, the description and the amount (or "
        "money in and money out); it starts 'Dear parents, the creche closes at noon on "
        "Friday.'. If it is a bank statement, download it as CSV or OFX"
    )


def test_a_damaged_pdf_is_refused() -> None:
    with pytest.raises(UserFacingError, match=r"^bad\.pdf cannot be opened as a PDF"):
        read_statement(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "bad.pdf")


def test_a_statement_without_any_balance_is_refused() -> None:
    spec = with_spec(FNB, opening=None, closing=None)
    spec = dataclasses.replace(spec, columns=spec.columns[:3])  # no balance column
    with pytest.raises(UserFacingError, match="no opening balance and no running balance"):
        read_statement(render(spec, month(dt.date(2026, 1, 1)), OPENING), "bare.pdf")


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("R 1 234.56", Printed(123_456)),
        ("1 234,56-", Printed(-123_456)),
        ("(1 234.56)", Printed(-123_456)),
        ("1.234,56", Printed(123_456)),
        ("+2.853.82", Printed(285_382)),
        ("- 125,80", Printed(-12_580)),
        ("500.00Cr", Printed(50_000, "cr")),
        ("75.00 Dr", Printed(7_500, "dr")),
        ("65.00*", Printed(6_500, star=True)),
        ("15.00 T", Printed(1_500)),
        ("6,536,806.66", Printed(653_680_666)),
    ],
)
def test_amounts_as_statements_print_them(text: str, printed: Printed) -> None:
    assert read_money(text) == printed


@pytest.mark.parametrize("text", ["12", "1,2345", "--5.00", "(5.00", "-5.00-", "abc"])
def test_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        read_money(text)


def test_fee_on_a_line_with_nothing_else() -> None:
    txns = [Txn(dt.date(2026, 3, 3), ("SMS NOTIFICATION FEE",), 0, fee=35)]
    statement = read_statement(render(STANDARD_BANK, txns, OPENING), "fee.pdf")
    assert [(line.amount_cents, line.description) for line in statement.lines] == [
        (-35, "FEE: SMS NOTIFICATION FEE")
    ]


def test_a_pdf_locked_with_a_password_is_refused_saying_so() -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt="secret")
    page.drawString(40, 800, "Date Description Amount Balance")
    page.showPage()
    page.save()
    with pytest.raises(UserFacingError, match=r"^locked\.pdf is protected by a password; "):
        read_statement(buffer.getvalue(), "locked.pdf")
