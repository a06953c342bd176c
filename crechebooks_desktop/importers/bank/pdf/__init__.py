"""Reading bank statements in PDF: ``read_pdf(data, file) -> Statement``.

A statement PDF is read as text with positions (``extract.py``, PDFium
through pypdfium2, chosen for speed: see there), grouped into numbered lines
(``rows.py``). The transaction table is found by its column headings and
their x positions (``headings.py``) on every page it runs over, and its
lines are read into transactions (``table.py``, ``lines.py``): dates without
a year take it from the header (``when.py``), amounts in any of the ways
banks print them (``money.py``), descriptions over several lines,
brought- and carried-forward lines kept apart (``labels.py``). The South
African banks' layouts (Capitec, FNB, ABSA, Standard Bank, Nedbank) are
recognised by name on the first page (``layouts.py``, with the public
sources they come from); any other statement with a recognisable table is
read by the same generic reader.

The statement's own figures prove the reading (``chain.py``): opening balance
plus lines must give every running balance and the closing balance to the
cent, or nothing is imported and the first line that breaks the chain is
named, with the difference.

``StatementLine.line_no`` of a PDF line is the line of text it starts on,
counted through the whole document (``rows.py``); messages name the page and
the line on the page.
"""

from __future__ import annotations

from crechebooks_desktop.domain.statement import Statement
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.common import Period
from crechebooks_desktop.importers.bank.pdf.chain import check_chain
from crechebooks_desktop.importers.bank.pdf.extract import Page, read_pages
from crechebooks_desktop.importers.bank.pdf.layouts import GENERIC, recognise
from crechebooks_desktop.importers.bank.pdf.lines import statement_lines
from crechebooks_desktop.importers.bank.pdf.problems import BalanceChainError, Notes, PdfProblem
from crechebooks_desktop.importers.bank.pdf.rows import Row, page_rows
from crechebooks_desktop.importers.bank.pdf.table import walk
from crechebooks_desktop.importers.bank.pdf.when import find_dating

__all__ = ["BalanceChainError", "PdfProblem", "read_pdf"]

_SCAN_ADVICE = (
    "ask the bank for the statement as a text PDF (downloaded from online banking, not "
    "scanned or photographed) or as CSV"
)


def _refuse_without_text(pages: list[Page], file: str) -> None:
    if any(word.text.strip() for page in pages for word in page.words):
        return
    if any(page.has_images for page in pages):
        raise UserFacingError(
            f"{file} is a scan: its pages are pictures, with no text to read; {_SCAN_ADVICE}"
        )
    raise UserFacingError(f"{file} has no text in it (no statement to read); {_SCAN_ADVICE}")


def _not_a_statement(rows: list[list[Row]], file: str, pages: int) -> UserFacingError:
    first = next((row.text for page in rows for row in page), "")
    return UserFacingError(
        f"{file} is a PDF of {pages} page{'' if pages == 1 else 's'} with text, but no "
        "table of transactions was found in it: no line has column headings for the date, "
        "the description and the amount (or money in and money out); it starts "
        f"{first[:80]!r}. If it is a bank statement, download it as CSV or OFX"
    )


_UNICODE_MAP = b"/ToUnicode"
_UNICODE_MAP_OFF = b"/ToUnicodX"


def read_pdf(data: bytes, file: str) -> Statement:
    """Read a bank statement PDF.

    Args:
        data: the file's bytes.
        file: its name as the user gave it, for messages.

    Returns:
        The statement: lines in the order printed, opening and closing
        balances, the period, and ``profile`` the layout read (``capitec``,
        ``fnb``, ``absa``, ``standard-bank``, ``nedbank`` or ``generic``).

    Raises:
        UserFacingError: not a PDF that can be opened, a scan without text, no
            transaction table, or no balance to check the lines against.
        ProblemsError: lines that cannot be read (every one listed, by page
            and line); :class:`BalanceChainError` when the lines do not add up
            to a balance the statement prints.
    """
    pages = read_pages(data, file)
    _refuse_without_text(pages, file)
    rows = page_rows(pages)
    notes = Notes(file)
    found = walk(rows, notes)
    if not found.tables and _UNICODE_MAP in data:
        # A font whose ToUnicode map is wrong prints sense but reads as nonsense
        # ("BucÜung" for "Buchung"); its own encoding may still read it right.
        # Renaming the key (same length: the file's offsets hold) makes PDFium use
        # the encoding; the balance chain then proves or refuses the reading.
        retry_pages = read_pages(data.replace(_UNICODE_MAP, _UNICODE_MAP_OFF), file)
        retry_rows, retry_notes = page_rows(retry_pages), Notes(file)
        retry = walk(retry_rows, retry_notes)
        if retry.tables:
            pages, rows, notes, found = retry_pages, retry_rows, retry_notes, retry
    if not found.tables:
        raise _not_a_statement(rows, file, len(pages))
    layout = recognise(row.text for row in rows[0])
    dating = find_dating(found.header)
    lines = statement_lines(found.entries, layout, dating, notes, card=found.card)
    period = Period()
    if not notes.findings.problems:
        period = check_chain(file, lines, found)
    dates = [line.line.date for line in lines]
    period = Period(
        period.opening_cents,
        period.closing_cents,
        dating.start or (min(dates) if dates else None),
        dating.end or (max(dates) if dates else None),
    )
    bank = None if layout is GENERIC else layout.bank
    lines_read = [line.line for line in lines]
    return notes.findings.statement("pdf", layout.name, lines_read, period, bank=bank)
