"""The words of a PDF's pages, with where they sit, read with PDFium (pypdfium2).

Why pypdfium2: a 50-page statement of 2,500 lines has about 140,000
characters. pdfplumber (pdfminer.six, pure Python) took 4.0 s on this
project's 2-core machine just to list that statement's words, most of the
5 s budget; pypdfium2 (Google's PDFium, the engine of Chrome's PDF viewer, as
a wheel with no other dependencies; BSD-3/Apache-2.0) gives every
character's box, baseline and font size in about 0.4 s. pdfplumber itself
uses pypdfium2 to draw pages.

Only what a statement table needs is kept: each word's text, its left and
right edge, its baseline (measured from the top of the page, so rows sort
top to bottom) and its size (the height of its characters' loose boxes).
Rotated characters (a bank's reference printed up the margin) are left out.
PDFium is not thread-safe; the app reads statements on its one background
worker.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from typing import Any

from crechebooks_desktop.errors import UserFacingError

__all__ = ["Page", "Word", "read_pages"]

# A gap wider than this share of the font size starts a new word even without
# a space character (PDFs position words instead of printing spaces).
_WORD_GAP = 0.3
_IMAGE_OBJECT = 3  # FPDF_PAGEOBJ_IMAGE
_LINE_END_HYPHEN = "\x02"  # how PDFium gives a hyphen that ends a line
_SPACES = frozenset(" \t\r\n\xa0\u2002\u2003\u2009\u202f\ufffe\uffff")


@dataclass(frozen=True, slots=True)
class Word:
    """One word on a page (points; ``baseline`` counts down from the top)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its number (1 is the first), its words, whether it holds pictures."""

    number: int
    words: tuple[Word, ...]
    has_images: bool


def _open(data: bytes, file: str) -> Any:
    import pypdfium2 as pdfium  # noqa: PLC0415 - loaded only when a PDF is read

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UserFacingError(
                f"{file} is protected by a password; save it from your banking app or "
                "PDF viewer without the password, or download the statement as CSV"
            ) from None
        raise UserFacingError(
            f"{file} cannot be opened as a PDF: it is damaged or incomplete; download it again"
        ) from None


class _Chars:
    """Reads one text page's characters through PDFium's C functions."""

    def __init__(self, raw: Any, textpage: Any, height: float) -> None:
        self.raw, self.textpage, self.height = raw, textpage, height
        self.box = raw.FS_RECTF()
        self.ox, self.oy = ctypes.c_double(), ctypes.c_double()

    def words(self) -> list[Word]:
        raw, tp = self.raw, self.textpage
        words: list[Word] = []
        text: list[str] = []
        x0 = x1 = baseline = size = 0.0
        for index in range(raw.FPDFText_CountChars(tp)):
            char = chr(raw.FPDFText_GetUnicode(tp, index) or 32)
            if char == _LINE_END_HYPHEN:
                char = "-"
            upright = abs(math.sin(raw.FPDFText_GetCharAngle(tp, index))) < 0.01  # noqa: PLR2004
            if char in _SPACES or not upright:
                if text:
                    words.append(Word("".join(text), x0, x1, baseline, size))
                    text = []
                continue
            raw.FPDFText_GetLooseCharBox(tp, index, self.box)
            raw.FPDFText_GetCharOrigin(tp, index, self.ox, self.oy)
            left, right = self.box.left, self.box.right
            # The loose box's height is the font's size as drawn: FPDFText_GetFontSize
            # says 1 for text scaled by its matrix, as many banks' generators print it.
            base, font = self.height - self.oy.value, self.box.top - self.box.bottom
            if text and (abs(base - baseline) > font * 0.3 or left - x1 > font * _WORD_GAP):
                words.append(Word("".join(text), x0, x1, baseline, size))
                text = []
            if not text:
                x0, baseline, size = left, base, font
            text.append(char)
            x1 = max(right, x1) if len(text) > 1 else right
        if text:
            words.append(Word("".join(text), x0, x1, baseline, size))
        return words


def _has_images(raw: Any, page: Any) -> bool:
    handle = page.raw
    return any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(handle, i)) == _IMAGE_OBJECT
        for i in range(raw.FPDFPage_CountObjects(handle))
    )


def read_pages(data: bytes, file: str) -> list[Page]:
    """Every page's words.

    Raises:
        UserFacingError: the file is not a PDF PDFium can open, or needs a
            password.
    """
    import pypdfium2.raw as pdfium_c  # noqa: PLC0415

    document = _open(data, file)
    pages = []
    try:
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            chars = _Chars(pdfium_c, textpage.raw, page.get_height())
            pages.append(Page(number + 1, tuple(chars.words()), _has_images(pdfium_c, page)))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages
