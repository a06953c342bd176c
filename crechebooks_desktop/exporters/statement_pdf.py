"""A statement of account as an A4 PDF (reportlab), one or many in a file (issue 12).

The page carries the creche's letterhead as its invoices do (name, trading
name, address, VAT number), the title ("Statement of account", "Child's
statement" or "Open items"), the household with its address and account
reference, the period, the table of lines (date, reference, description,
amount, balance) from the balance brought forward to the closing balance, the
aging boxes (current, 30, 60, 90+ days, and the credit held when there is
some) and the creche's banking details with the reference to quote. A creche
with no banking details gets a sentence saying so on the page, never a silent
gap (the command line warns too, :func:`banking_details_missing`).

The page is drawn on the canvas directly, not through platypus: a batch of
1,000 statements must render in a few seconds, and a statement's layout is
simple enough to measure by hand (``statement_layout``). A long statement
flows onto more pages, each with a short header, the table's column heads and
"Page n of m" (counted per statement, also in a file of many).

Rendering is deterministic (reportlab's invariant mode, no clock): the same
statement gives the same bytes in any process, which is what lets an archived
copy be checked against a reprint by its SHA-256.
"""

from __future__ import annotations

import io
import signal
from collections.abc import Iterable, Sequence

from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.household_statement import StatementOf
from crechebooks_desktop.exporters.pdf_support import FONT, register_fonts
from crechebooks_desktop.exporters.statement_blocks import draw_statement
from crechebooks_desktop.exporters.statement_layout import (
    NO_BANKING_DETAILS,
    PAGE_SIZE,
    StatementPage,
    banking_details_missing,
    statement_title,
)

__all__ = [
    "NO_BANKING_DETAILS",
    "banking_details_missing",
    "render_many",
    "render_statement_pdf",
    "render_statements_pdf",
    "start_worker",
    "statement_title",
]


def render_statement_pdf(statement: StatementOf, creche: CrecheSettings) -> bytes:
    """Render one statement as an A4 PDF.

    Args:
        statement: the statement (household, child or open items).
        creche: the creche: letterhead, banking details, money style.

    Returns:
        The PDF's bytes; the same arguments always give the same bytes.
    """
    register_fonts()
    page = StatementPage(statement, creche)
    buffer = io.BytesIO()
    canvas = _canvas(buffer, creche, page.document_title, page.subject)
    draw_statement(canvas, page)
    canvas.save()
    return buffer.getvalue()


def render_statements_pdf(statements: Iterable[StatementOf], creche: CrecheSettings) -> bytes:
    """Render many statements into ONE PDF, each from a new page, with a bookmark each.

    Page numbers count within each statement ("Page 1 of 2"), as a parent sees
    them once the pages are handed out.

    Args:
        statements: the statements, in the order to print them.
        creche: the creche.

    Returns:
        The PDF's bytes (deterministic, as :func:`render_statement_pdf`).
    """
    register_fonts()
    buffer = io.BytesIO()
    supplier = creche.trading_name or creche.name
    canvas = _canvas(buffer, creche, f"Statements — {supplier}", f"Statements of {supplier}")
    drawn = 0
    for number, statement in enumerate(statements, start=1):
        page = StatementPage(statement, creche)
        key = f"statement-{number}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(page.bookmark, key, level=0)
        draw_statement(canvas, page)
        drawn += 1
    if not drawn:  # a PDF needs a page: say there was nothing to print
        canvas.setFont(FONT, 11)
        canvas.drawString(72, PAGE_SIZE[1] - 72, "No statements to print.")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_many(statements: Sequence[StatementOf], creche: CrecheSettings) -> list[bytes]:
    """Each statement's own PDF, in order (what a batch's worker process runs)."""
    return [render_statement_pdf(statement, creche) for statement in statements]


def start_worker() -> None:
    """A rendering process's start (a batch's ``initializer``): fonts once; Ctrl-C ignored.

    The terminal sends Ctrl-C to every process of the command; a worker that
    died of it would break the pool under the parent, which is still
    archiving what was written so far. This module is all a worker imports
    (reportlab and the domain, not the database), so workers start quickly.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    register_fonts()


def _canvas(buffer: io.BytesIO, creche: CrecheSettings, title: str, subject: str) -> Canvas:
    canvas = Canvas(
        buffer,
        pagesize=PAGE_SIZE,
        invariant=1,  # no clock, fixed document id: the same statement, the same bytes
        initialFontName=FONT,  # else reportlab references Helvetica, unembedded
        initialFontSize=9,
    )
    canvas.setTitle(title)
    canvas.setAuthor(creche.trading_name or creche.name)
    canvas.setSubject(subject)
    canvas.setCreator("CrecheBooks Desktop")
    canvas.setProducer("CrecheBooks Desktop (reportlab)")
    return canvas
